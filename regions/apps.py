from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import NationalSettings, Region, RegionMembership

        auditlog.register(Region)
        auditlog.register(NationalSettings)
        auditlog.register(RegionMembership)
