"""Reads of performances and bookings, always from the user's scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from venues.models import Performance, Venue
from venues.permissions import may_act_for_venue
from venues.selectors import Availability, availability

from .models import Booking


def staff_performances(user, venue: Venue, *, from_day: datetime.date | None = None) -> list[Performance]:
    """The venue's performances from ``from_day`` on (default today), for its own staff; one query."""
    if not may_act_for_venue(user, venue):
        return []
    day = from_day or timezone.localdate()
    return list(Performance.objects.filter(offer__venue=venue, date__gte=day).select_related("offer")
                .order_by("date", "time", "pk")[:500])


def staff_performance(user, pk: int) -> Performance | None:
    """One performance of a venue where ``user`` works today, else None (the page answers 404)."""
    performance = Performance.objects.select_related("offer__venue__region").filter(pk=pk).first()
    if performance is None or not may_act_for_venue(user, performance.offer.venue_id):
        return None
    return performance


def door_list(performance: Performance) -> list[Booking]:
    """The performance's bookings for the door, cancelled last; the caller has checked the staff's right."""
    return list(Booking.objects.filter(performance=performance).select_related("card")
                .order_by("status", "created_at", "pk"))


def staff_booking(user, pk: int) -> Booking | None:
    booking = Booking.objects.select_related("performance__offer__venue", "card").filter(pk=pk).first()
    if booking is None or not may_act_for_venue(user, booking.performance.offer.venue_id):
        return None
    return booking


@dataclass(frozen=True)
class VenueNoShows:
    venue_id: int
    venue: str
    booked: int
    checked_in: int
    no_show: int

    @property
    def decided(self) -> int:
        """Bookings whose outcome is known: checked in or no-show."""
        return self.checked_in + self.no_show

    @property
    def rate(self) -> float | None:
        """No-shows among the decided bookings; None before any."""
        return None if self.decided == 0 else self.no_show / self.decided


def no_show_statistics(user, *, since: datetime.date, today: datetime.date | None = None) -> list[VenueNoShows]:
    """Per venue in the user's scope (venue staff: their venues; regional contacts: their region's; the
    coordinator: all): bookings for performances from ``since`` on. A booking still open after its day counts as
    a no-show before the nightly run marks it. One query."""
    day = today or timezone.localdate()
    no_show = Q(status=Booking.Status.NO_SHOW) | Q(status=Booking.Status.BOOKED, performance__date__lt=day)
    rows = (
        Booking.objects.visible_to(user)
        .filter(performance__date__gte=since)
        .exclude(status=Booking.Status.CANCELLED)
        .values("performance__offer__venue_id", "performance__offer__venue__name")
        .annotate(booked=Count("pk"), checked_in=Count("pk", filter=Q(status=Booking.Status.CHECKED_IN)),
                  no_show=Count("pk", filter=no_show))
        .order_by("performance__offer__venue__name", "performance__offer__venue_id")
        .values_list("performance__offer__venue_id", "performance__offer__venue__name", "booked", "checked_in",
                     "no_show")
    )
    return [VenueNoShows(*row) for row in rows]


@dataclass(frozen=True)
class PublicPerformance:
    """What the public sees of a performance (R16): when, which offer, and the availability band only."""

    title: str
    date: datetime.date
    time: datetime.time
    availability: str
    availability_label: str


PUBLIC_PERFORMANCES_PER_VENUE = 5


def public_performances(venue_ids: list[int], day: datetime.date) -> dict[int, list[PublicPerformance]]:
    """The next performances (from ``day`` on, at most five per venue) of ``venue_ids`` with their availability band,
    by venue id; one query, whatever the number of venues."""
    result: dict[int, list[PublicPerformance]] = {pk: [] for pk in venue_ids}
    if not venue_ids:
        return result
    language = translation.get_language()
    translated = f"offer__title_{language}" if language in ("sv", "en") else "offer__title_fi"
    labels = {Availability.FULL: _("full"), Availability.FEW_LEFT: _("few left")}
    rows = (Performance.objects.filter(offer__venue_id__in=venue_ids, date__gte=day)
            .annotate(rank=Window(RowNumber(), partition_by=[F("offer__venue_id")],
                                  order_by=[F("date").asc(), F("time").asc(), F("pk").asc()]))
            .filter(rank__lte=PUBLIC_PERFORMANCES_PER_VENUE)
            .order_by("offer__venue_id", "date", "time", "pk")
            .values_list("offer__venue_id", translated, "offer__title", "date", "time", "quota", "places_booked"))
    for venue_id, title, finnish, date, time, quota, booked in rows:
        word = availability(quota, booked)
        result[venue_id].append(PublicPerformance(title=title or finnish, date=date, time=time, availability=word,
                                                  availability_label=labels.get(word, _("places available"))))
    return result
