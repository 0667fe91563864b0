from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "ejamkesda.enrolment"
    label = "enrolment"
    default_auto_field = "django.db.models.BigAutoField"
