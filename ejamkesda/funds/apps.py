from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "ejamkesda.funds"
    label = "funds"
    default_auto_field = "django.db.models.BigAutoField"
