"""R15 bookings ahead (issue 16): every rule of a use at booking time, the places held at once under a row lock,
cancelled by the venue until the performance, checked in at the door as a use, no-shows after the day.

The card rules are ``cards.services``' own (``card_use_rules_check`` at booking, ``use_log_or_replay`` at the door):
no rule is written twice.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cards import numbers
from cards.models import Use
from cards.services import card_use_rules_check, use_log_or_replay
from core.errors import DomainError
from venues.models import Offer, Performance
from venues.permissions import may_act_for_venue

from .models import Booking

LIVE = (Booking.Status.BOOKED, Booking.Status.CHECKED_IN)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _require_venue_staff(user, venue_id: int) -> None:
    if not may_act_for_venue(user, venue_id):
        raise DomainError("not_allowed")


def places_for(children: int) -> int:
    """The places a booking holds: the holder (or the community card's user) and each child, as a use takes
    places from an offer's quota (``cards.services._places``)."""
    return 1 + children


# --- performances ----------------------------------------------------------------------------------


def performance_create(*, user, offer: Offer, date: datetime.date, time: datetime.time, quota: int,
                       today: datetime.date | None = None) -> Performance:
    """A dated performance of ``offer`` with its own Kaikukortti places; by the venue's own staff."""
    _require_venue_staff(user, offer.venue_id)
    if quota is None or quota < 1:
        raise DomainError("performance_quota_invalid")
    if date < _today(today):
        raise DomainError("performance_past")
    if not offer.starts_on <= date <= offer.ends_on:
        raise DomainError("performance_date_invalid")
    try:
        with transaction.atomic():
            return Performance.objects.create(offer=offer, date=date, time=time, quota=quota)
    except IntegrityError as exc:
        raise DomainError("performance_taken") from exc


# --- bookings --------------------------------------------------------------------------------------


def booking_create(*, user, performance: Performance, number: str, children: int = 0, group_size: int | None = None,
                   note: str = "", channel: str = Booking.Channel.BOX_OFFICE, idempotency_key: str = "",
                   today: datetime.date | None = None) -> tuple[Booking, bool]:
    """Book places of ``performance`` for the card ``number``; the booking and whether this call made it.

    Every rule of a use is checked on the day of booking (R3–R10); the places (1 + children) are held at once on
    the locked performance row, so parallel bookings never take more than its quota (``performance_full``). A
    repeated ``idempotency_key`` returns the first booking (``created`` False); with other details it is refused
    (``idempotency_conflict``).
    """
    day = _today(today)
    offer = performance.offer
    venue = offer.venue
    _require_venue_staff(user, venue.pk)
    idempotency_key = (idempotency_key or "")[:64]
    normalized = numbers.normalize(number)
    if idempotency_key and (existing := _existing(performance, idempotency_key)) is not None:
        return _replay(existing, normalized, children, group_size), False
    if performance.date < day:
        raise DomainError("performance_past")
    kind = Use.Kind.COURSE if offer.kind == Offer.Kind.COURSE else Use.Kind.TICKET
    card = card_use_rules_check(user=user, venue=venue, number=number, kind=kind, children=children,
                                group_size=group_size, day=day,
                                channel=Use.Channel.API if channel == Booking.Channel.API else Use.Channel.COUNTER)
    places = places_for(children)
    try:
        with transaction.atomic():
            locked = Performance.objects.select_for_update(of=("self",)).get(pk=performance.pk)
            if idempotency_key and (existing := _existing(performance, idempotency_key)) is not None:
                return _replay(existing, normalized, children, group_size), False
            if Booking.objects.filter(performance=locked, card=card, status__in=LIVE).exists():
                raise DomainError("already_booked")
            if locked.places_booked + places > locked.quota:
                raise DomainError("performance_full")
            booking = Booking.objects.create(
                performance=locked, card=card, kind=kind, children=children,
                group_size=group_size if card.kind == card.Kind.COMMUNITY else None, places=places,
                note=(note or "").strip()[:200], channel=channel, idempotency_key=idempotency_key, created_by=user,
            )
            Performance.objects.filter(pk=locked.pk).update(places_booked=F("places_booked") + places)
    except IntegrityError as exc:
        if idempotency_key and (existing := _existing(performance, idempotency_key)) is not None:
            return _replay(existing, normalized, children, group_size), False
        raise DomainError("already_booked") from exc
    return booking, True


def _existing(performance: Performance, key: str) -> Booking | None:
    return Booking.objects.filter(performance=performance, idempotency_key=key).select_related("card").first()


def _replay(existing: Booking, number: str, children: int, group_size: int | None) -> Booking:
    if existing.card.number != number or existing.children != children or (
            existing.group_size is not None and existing.group_size != group_size):
        raise DomainError("idempotency_conflict")
    return existing


def booking_cancel(*, user, booking: Booking, today: datetime.date | None = None) -> Booking:
    """The venue cancels a booking until the performance (its day included); its places are free again.
    Cancelling a cancelled booking again returns it unchanged."""
    day = _today(today)
    _require_venue_staff(user, booking.performance.offer.venue_id)
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("performance").get(pk=booking.pk)
        if booking.status == Booking.Status.CANCELLED:
            return booking
        if booking.status != Booking.Status.BOOKED:
            raise DomainError("booking_not_open")
        if booking.performance.date < day:
            raise DomainError("performance_past")
        Performance.objects.filter(pk=booking.performance_id).update(
            places_booked=F("places_booked") - booking.places)
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.cancelled_by = user
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    return booking


def booking_check_in(*, user, booking: Booking, channel: str = Use.Channel.COUNTER,
                     today: datetime.date | None = None) -> Booking:
    """At the door: the card is checked again with every rule on the performance day and the booking becomes a
    use (``use_log_or_replay``, keyed by the booking, so a second press logs nothing more). The places were held
    by the booking, so the use takes none of the offer's own quota (it is logged without an offer).

    A booking already checked in is returned as it is; a cancelled or no-show booking is refused.
    """
    with transaction.atomic():
        booking = (Booking.objects.select_for_update(of=("self",))
                   .select_related("performance__offer__venue__region", "card").get(pk=booking.pk))
        venue = booking.performance.offer.venue
        _require_venue_staff(user, venue.pk)
        if booking.status == Booking.Status.CHECKED_IN:
            return booking
        if booking.status != Booking.Status.BOOKED:
            raise DomainError("booking_not_open")
        use, _created = use_log_or_replay(
            user=user, venue=venue, number=booking.card.number, kind=booking.kind, children=booking.children,
            group_size=booking.group_size, used_on=booking.performance.date,
            idempotency_key=f"booking:{booking.pk}", channel=channel, repeat_confirmed=True, today=today,
        )
        booking.status = Booking.Status.CHECKED_IN
        booking.checked_in_at = timezone.now()
        booking.use = use
        booking.save(update_fields=["status", "checked_in_at", "use"])
    return booking


def booking_mark_no_shows(*, today: datetime.date | None = None) -> int:
    """Bookings still open after their performance day become no-shows; their places stay taken (nothing is
    released after the fact). Safe to run twice: the second run finds nothing."""
    day = _today(today)
    ids = list(Booking.objects.filter(status=Booking.Status.BOOKED, performance__date__lt=day)
               .values_list("pk", flat=True))
    return Booking.objects.filter(pk__in=ids, status=Booking.Status.BOOKED).update(status=Booking.Status.NO_SHOW)
