from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributorsConfig(AppConfig):
    name = "distributors"
    verbose_name = _("Distributors")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Office, OfficeMembership, Organisation

        auditlog.register(Organisation)
        auditlog.register(Office)
        auditlog.register(OfficeMembership)
