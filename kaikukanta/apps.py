from django.apps import AppConfig


class KaikukantaConfig(AppConfig):
    name = "kaikukanta"
    verbose_name = "Kaikukanta"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Invitation

        # An invitation is an access grant (R12); the token digest stays out of the log.
        auditlog.register(Invitation, exclude_fields=["token_hash"])
