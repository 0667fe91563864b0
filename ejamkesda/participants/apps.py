from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "ejamkesda.participants"
    label = "participants"
    default_auto_field = "django.db.models.BigAutoField"
