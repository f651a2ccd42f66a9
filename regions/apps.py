from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Municipality, NationalSettings, Region, RegionContactPerson, RegionMembership

        auditlog.register(Region)
        auditlog.register(NationalSettings)
        auditlog.register(RegionMembership)
        auditlog.register(RegionContactPerson)
        # Which network a municipality belongs to is ours (the coordinator's region page); names and populations
        # come from the official list (load_municipalities) and are not audited.
        auditlog.register(Municipality, include_fields=["region"])
