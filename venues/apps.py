from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "venues"
    verbose_name = _("Venues")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Offer, Venue, VenueMembership

        auditlog.register(Venue)
        auditlog.register(Offer)
        auditlog.register(VenueMembership)
