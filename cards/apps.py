from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "cards"
    verbose_name = _("Cards")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Card, Use

        # Issue 14: the hashes and the live-code secret never enter the audit log (their timestamps do).
        auditlog.register(Card, exclude_fields=["activation_code_hash", "mobile_token_hash", "live_secret"])
        auditlog.register(Use)
