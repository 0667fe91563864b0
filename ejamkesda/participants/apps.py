from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "ejamkesda.participants"
    label = "participants"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ejamkesda.core.navigation import register_menu
        from ejamkesda.core.roles import Role

        register_menu("Peserta", "participants:search", {Role.UPT_ADMIN, Role.UPT_VERIFIER})
