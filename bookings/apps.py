from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import tasks  # noqa: F401 - registers bookings.mark_no_shows (beat names it; nothing else imports it)
        from .models import Booking

        auditlog.register(Booking)
