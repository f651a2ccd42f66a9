"""Reads about cards, always starting from the user's scope (``Card.objects.visible_to(user)``)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.scopes import scope_for
from distributors.models import Office
from regions.models import Region
from venues.models import Venue

from . import numbers
from .mobile import card_pk_from_token
from .models import Card, CardEvent, Use

DUPLICATE_WINDOW_DAYS = 30
EXPIRING_DAYS = 30


def card_list(*, user, q: str = "", status: str = "", validity: str = "", kind: str = "",
              today: datetime.date | None = None) -> QuerySet[Card]:
    """The cards the user may see, searchable by (part of) the number and filterable by status/validity."""
    day = today or timezone.localdate()
    qs = Card.objects.visible_to(user).select_related("office")
    needle = numbers.normalize(q)
    if needle:
        qs = qs.filter(number__contains=needle)
    if status in Card.Status.values:
        qs = qs.filter(status=status)
    if kind in Card.Kind.values:
        qs = qs.filter(kind=kind)
    if validity == "valid":
        qs = qs.filter(valid_until__gte=day)
    elif validity == "expiring":
        qs = qs.filter(valid_until__gte=day, valid_until__lte=day + datetime.timedelta(days=EXPIRING_DAYS))
    elif validity == "expired":
        qs = qs.filter(valid_until__lt=day)
    return qs.order_by("-issued_on", "-pk")


def card_get(*, user, pk: int) -> Card:
    """Raises ``Card.DoesNotExist`` for a card outside the user's scope, exactly as for a missing one."""
    return Card.objects.visible_to(user).select_related(
        "office", "region", "home_municipality", "replaces"
    ).get(pk=pk)


def card_events(card: Card) -> QuerySet[CardEvent]:
    return card.events.select_related("by", "office").order_by("-at", "-pk")


def card_uses(card: Card) -> QuerySet[Use]:
    return card.uses.select_related("venue", "offer").order_by("-used_on", "-logged_at")


def holder_uses(card: Card, limit: int = 50) -> list[Use]:
    """The holder's own uses on the mobile card: counted ones only (not cancelled)."""
    return list(card.uses.counted().select_related("venue").order_by("-used_on", "-logged_at")[:limit])


def card_replaced_by(card: Card) -> Card | None:
    return Card.objects.filter(replaces=card).first()


def offices_acting_on(user, card: Card) -> QuerySet[Office]:
    """The user's offices that may renew, replace or inactivate ``card`` (its region, R3/R4)."""
    return Office.objects.filter(pk__in=scope_for(user).office_ids, region_id=card.region_id)


def can_act_on(user, card: Card) -> bool:
    return offices_acting_on(user, card).exists()


def likely_duplicates(*, office: Office, birth_year: int | None, postal_code: str,
                      today: datetime.date | None = None, exclude_pk: int | None = None) -> QuerySet[Card]:
    """Personal cards of the same office with the same birth year and postcode issued in the last 30 days.

    A warning, never a refusal (no names are kept, so two different people can match). Without a postcode
    there is nothing meaningful to compare, so nothing is reported.
    """
    day = today or timezone.localdate()
    if not birth_year or not postal_code:
        return Card.objects.none()
    qs = Card.objects.filter(
        office=office, kind=Card.Kind.PERSONAL, birth_year=birth_year, postal_code=postal_code,
        issued_on__gte=day - datetime.timedelta(days=DUPLICATE_WINDOW_DAYS), issued_on__lte=day,
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-issued_on", "-pk")


@dataclass
class VenueListing:
    """Where a card works (R8), for the info sheet: own region first, then the rest of the country."""

    own_region: Region
    own: list[Venue] = field(default_factory=list)
    others: list[tuple[Region, list[Venue]]] = field(default_factory=list)
    popups: list[Venue] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.own) + sum(len(v) for _r, v in self.others) + len(self.popups)


def venues_for_card(card: Card, today: datetime.date | None = None) -> VenueListing:
    """Active venues where ``card`` works today (R8, R9).

    A local-only region's cards work only at its own venues. Other cards work at every venue of a
    region that is not local-only (and active), and at active pop-up venues.
    """
    day = today or timezone.localdate()
    active_regions = Region.objects.active_on(day)
    venues = Venue.objects.active_on(day).select_related("region", "municipality")
    listing = VenueListing(own_region=card.region)
    if card.region.local_only:
        listing.own = list(venues.filter(region=card.region, region__in=active_regions).order_by("name"))
        return listing
    rows = venues.filter(
        Q(region__in=active_regions.filter(local_only=False)) | Q(region=card.region, region__in=active_regions)
        | Q(is_popup=True, region__isnull=True)
    ).order_by("region__name", "name")
    grouped: dict[int, tuple[Region, list[Venue]]] = {}
    for venue in rows:
        if venue.region_id is None:
            listing.popups.append(venue)
        elif venue.region_id == card.region_id:
            listing.own.append(venue)
        else:
            grouped.setdefault(venue.region_id, (venue.region, []))[1].append(venue)
    listing.others = list(grouped.values())
    return listing


class NotAMobileLink(LookupError):
    """The token of a mobile-card link was not signed by us."""


def holder_card(token: str) -> Card | None:
    """The card a holder's mobile link points to, re-read every time; None once the card no longer exists."""
    pk = card_pk_from_token(token)
    if pk is None:
        raise NotAMobileLink(token)
    return Card.objects.select_related("region", "office").filter(pk=pk).first()
