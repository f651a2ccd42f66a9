from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Who may act where: invitations, memberships, API tokens, sign-in."""

    name = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Invitation

        # An invitation is an access grant (R12); the token digest stays out of the log.
        auditlog.register(Invitation, exclude_fields=["token_hash"])
