from django.apps import AppConfig


class KaikukantaConfig(AppConfig):
    name = "kaikukanta"
    verbose_name = "Kaikukanta"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Invitation

        # An invitation is an access grant (R12); the token digest stays out of the log.
        auditlog.register(Invitation, exclude_fields=["token_hash"])
        # An API token is an access grant too; its secret key never goes into the log.
        from rest_framework.authtoken.models import Token

        auditlog.register(Token, exclude_fields=["key"])
