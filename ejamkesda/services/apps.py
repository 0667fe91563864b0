from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "ejamkesda.services"
    label = "services"
    default_auto_field = "django.db.models.BigAutoField"
