"""Bookings ahead of a dated performance (R15, issue 16): a card number, children and a note; the places are
held on the performance at once; the door list turns a booking into a use."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cards.models import Card, Use
from venues.models import Performance, Venue


class BookingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BookingQuerySet":
        """Venue staff see their venues' bookings, regional contacts their region's, coordinators all."""
        return self.filter(performance__offer__venue__in=Venue.objects.visible_to(user))

    def holding(self) -> "BookingQuerySet":
        """Bookings whose places stay taken: all but the cancelled (a no-show releases nothing)."""
        return self.exclude(status=Booking.Status.CANCELLED)


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        CHECKED_IN = "checked_in", _("checked in")
        NO_SHOW = "no_show", _("no-show")

    class Channel(models.TextChoices):
        BOX_OFFICE = "box_office", _("box office or phone")
        API = "api", _("ticketing system")

    performance = models.ForeignKey(Performance, verbose_name=_("performance"), on_delete=models.PROTECT,
                                    related_name="bookings")
    card = models.ForeignKey(Card, verbose_name=_("card"), on_delete=models.PROTECT, related_name="bookings")
    kind = models.CharField(_("kind"), max_length=8, choices=Use.Kind.choices, default=Use.Kind.TICKET)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    group_size = models.PositiveSmallIntegerField(_("group size"), null=True, blank=True)
    places = models.PositiveSmallIntegerField(_("places"), editable=False)
    note = models.CharField(
        _("note"), max_length=200, blank=True,
        help_text=_("For the door staff, e.g. a wheelchair place. No names or other personal details."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.BOX_OFFICE)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("booked by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    use = models.OneToOneField(Use, verbose_name=_("use"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="booking")

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["performance__date", "performance__time", "created_at", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="booking_places_positive"),
            models.CheckConstraint(condition=Q(children__lte=50), name="booking_children_bounded"),
            models.CheckConstraint(condition=Q(kind="ticket") | Q(children=0), name="booking_course_no_children"),
            models.CheckConstraint(condition=~Q(status="checked_in") | Q(checked_in_at__isnull=False),
                                   name="booking_checked_in_has_time"),
            models.CheckConstraint(condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                                   name="booking_cancelled_has_time"),
            # One live booking per card and performance: a second is a mistake, not another visit.
            models.UniqueConstraint(fields=["performance", "card"], condition=Q(status__in=["booked", "checked_in"]),
                                    name="booking_one_live_per_card"),
            models.UniqueConstraint(fields=["performance", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="booking_idempotent_per_performance"),
        ]
        indexes = [models.Index(fields=["status", "performance"], name="booking_status_perf_idx")]

    def __str__(self) -> str:
        return f"{self.card} @ {self.performance}"
