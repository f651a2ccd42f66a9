"""Reads about cards, always starting from the user's scope (``Card.objects.visible_to(user)``)."""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.errors import DomainError
from core.scopes import scope_for
from distributors.models import Office
from regions.models import Municipality, Region
from venues.models import Venue
from venues.permissions import may_act_for_venue

from . import holder, numbers
from .mobile import card_is_live, card_pk_from_token
from .models import Card, CardEvent, Use
from .permissions import may_see_card_number
from .services import card_region_refusal, same_day_uses

DUPLICATE_WINDOW_DAYS = 30
EXPIRING_DAYS = 30


_CODE_IN_LABEL = re.compile(r"\((\d{1,3})\)\s*$")  # "Tampere (837)", as the register form's list offers it
_CODE = re.compile(r"(\d{1,3})")  # a bare code; Excel may have dropped its leading zeros


def municipality_from_text(text: str) -> Municipality:
    """R1: the home municipality from what the register form, an import file or the API gave, in one place.

    Accepts "Name (123)", the 3-digit official code (leading zeros may be missing) or the Finnish or
    Swedish name. Two refusals, the same for every entry point:

    - ``municipality_unknown``: the text is neither a code nor the name of any municipality;
    - ``municipality_not_in_network``: a well-formed official code that is not in the register. Such a
      code is certainly not in the network (the demo loads only the network's municipalities), and the
      published API has always answered this code for it; the form and the importer now answer the same.

    Whether a municipality found here belongs to an active region is decided by ``card_issue``.
    """
    text = (text or "").strip()
    match = _CODE_IN_LABEL.search(text) or _CODE.fullmatch(text)
    if match:
        found = Municipality.objects.select_related("region").filter(code=match.group(1).zfill(3)).first()
        if found is None:
            raise DomainError("municipality_not_in_network")
        return found
    named = Municipality.objects.select_related("region")
    found = text and (named.filter(name_fi__iexact=text).first() or named.filter(name_sv__iexact=text).first())
    if not found:
        raise DomainError("municipality_unknown")
    return found


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


def card_by_number(*, user, number: str, today: datetime.date | None = None) -> Card:
    """The one card with this exact number that ``user`` may open and serve; ``Card.DoesNotExist`` otherwise,
    exactly as for a number that does not exist.

    Two ways in, and only these:

    - the card is in the user's scope (``Card.objects.visible_to``: their offices' cards, their regions' for a
      regional contact, every card for the coordinator);
    - the user is staff of an office, active today, of the card's region: R3 lets "the issuing office or another
      office in the same region" renew a card and R4 replace it, so a holder who moved from one service to another
      is served by either. The region is ``Card.region``, the issuing office's region fixed at issue, the one R8
      reads: not the holder's home municipality (a holder who moved to another region gets a card there) and not
      the region the issuing office may belong to later. A local-only region (the Savonlinna pilot) is no
      exception inside itself, and no office of another region ever reaches its cards, as for every region.
      Whether the region still allows the act (a pilot that has ended: ``region_inactive``) is the services'
      answer, given on the page, not a 404 here.

    It never lists: the number must be given in full and pass its check character (R2), so another office's
    cards open one at a time for someone with the card or its number in hand and are never browsed
    (``card_list`` keeps to the user's own scope). What such a page shows is ``cards.views.card_detail_by_number``'s
    business.
    """
    normalized = numbers.normalize(number)
    if not numbers.is_valid(normalized):
        raise Card.DoesNotExist
    day = today or timezone.localdate()
    serving_regions = Office.objects.active_on(day).filter(pk__in=scope_for(user).office_ids).values("region_id")
    openable = Card.objects.visible_to(user) | Card.objects.filter(region_id__in=serving_regions)
    return openable.select_related("office", "region", "home_municipality", "replaces").get(number=normalized)


def card_in_scope(user, card: Card) -> bool:
    """Whether ``card`` is in the user's own scope (the rule of ``visible_to``, answered without a query): its
    whole page is theirs. A card opened only by number by another office of its region is not."""
    return may_see_card_number(user, office_id=card.office_id, region_id=card.region_id)


def card_events(card: Card) -> QuerySet[CardEvent]:
    return card.events.select_related("by", "office").order_by("-at", "-pk")


def card_uses(card: Card) -> QuerySet[Use]:
    return card.uses.select_related("venue", "offer").order_by("-used_on", "-logged_at")


def repeat_uses(*, user, venue: Venue, card: Card, day: datetime.date) -> list[Use]:
    """The card's uses at ``venue`` on ``day`` that are not cancelled, oldest first, for staff of that venue (their
    venue's uses are theirs to see, DESIGN §5); nothing for anyone else. What the counter's check shows before a
    repeat (issue 11); the rule itself is ``use_log``'s (``repeat_use``)."""
    if not may_act_for_venue(user, venue):
        return []
    return same_day_uses(card_id=card.pk, venue_id=venue.pk, day=day)


def holder_uses(card: Card, limit: int = 50, since: datetime.date | None = None) -> list[Use]:
    """The holder's own uses on the mobile card: counted ones only (not cancelled), from ``since`` on."""
    uses = card.uses.counted()
    if since is not None:
        uses = uses.filter(used_on__gte=since)
    return list(uses.select_related("venue", "venue__municipality").order_by("-used_on", "-logged_at")[:limit])


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

    Which region's venues take the card is the rule of ``card_region_refusal`` (the one the counter
    applies): the active venues of active regions and the active pop-ups are read, and the rule keeps
    those that take the card.
    """
    day = today or timezone.localdate()
    rows = (
        Venue.objects.active_on(day)
        .filter(Q(region__in=Region.objects.active_on(day)) | Q(is_popup=True, region__isnull=True))
        .select_related("region", "municipality")
        .order_by("region__name", "name")
    )
    listing = VenueListing(own_region=card.region)
    grouped: dict[int, tuple[Region, list[Venue]]] = {}
    for venue in rows:
        if card_region_refusal(card, venue) is not None:
            continue
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


class MobileLinkWithdrawn(LookupError):
    """A mobile-card link that was withdrawn (phone lost, a newer activation) or replaced by a random link."""


def holder_card(token: str) -> Card | None:
    """The card a holder's mobile link points to, re-read every time; None once the card no longer exists.

    Issue 14: a random link (``cards.holder``) is looked up by its hash; one not found was withdrawn (or never was:
    the page says the same). The signed links of before keep working until the card's first activation, handover
    of a random link or withdrawal.
    """
    if holder.looks_like_token(token):
        card = holder.card_by_token(token)
        if card is None:
            raise MobileLinkWithdrawn(token)
        return card
    pk = card_pk_from_token(token)
    if pk is None:
        raise NotAMobileLink(token)
    card = Card.objects.select_related("region", "office").filter(pk=pk).first()
    if card is not None and card_is_live(card) and not holder.link_state_allows_legacy(card):
        raise MobileLinkWithdrawn(token)
    return card
