"""Reads for venue staff: their venues, their offers, their venue's uses. Always scoped.

Venue staff never list cards: a use shows only a masked card number (DESIGN §5).
The counter composes the venues and cards apps, so these selectors read ``cards.Use``.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from core import rows
from core.scopes import scope_for
from regions.models import Municipality, Region

from .models import CATEGORY_GROUP, Category, Offer, Venue, VenueMembership
from .permissions import may_act_for_venue


def staff_venues(user) -> QuerySet[Venue]:
    """The venues whose counter ``user`` works at today (not the venues a regional contact oversees)."""
    return Venue.objects.filter(pk__in=scope_for(user).venue_ids).select_related("region").order_by("name", "pk")


def staff_venue(user, venue_id: int) -> Venue:
    """One venue whose counter ``user`` works at (404 for any other)."""
    venue = rows.one(Venue, "id", venue_id, related="region") if may_act_for_venue(user, venue_id) else None
    if venue is None:
        raise Http404
    return venue


def offers_for_venue(user, venue: Venue) -> QuerySet[Offer]:
    """All offers of a venue the user may see, newest first, with used/remaining from the counter column."""
    return Offer.objects.visible_to(user).filter(venue=venue).order_by("-starts_on", "title", "pk")


def offer_belongs_to_venue(offer: Offer, venue: Venue) -> bool:
    """R10: a use is logged against an offer of the venue it happens at, never another venue's (the counter's
    form, the API and ``use_log`` ask this)."""
    return offer.venue_id == venue.pk


def counter_offers(venue: Venue, day: datetime.date, *, include_courses: bool = True) -> list[Offer]:
    """Offers the counter can log on ``day``: current and not sold out (R10), as
    ``Offer.objects.available_on(day)`` (the reference form; a test keeps the two in step)."""
    # Asked on every valid check: read through rows.many (its SQL written once), not a compiled queryset.
    where = f"venue_id = %s AND {Offer.active_sql()} AND {Offer.PLACES_LEFT_SQL}"
    day_value = connection.ops.adapt_datefield_value(day)
    params = [venue.pk, day_value, day_value]
    if not include_courses:
        where += " AND kind <> %s"
        params.append(Offer.Kind.COURSE.value)
    return rows.many(Offer, where, params, order_by="starts_on, title, id")


# --- the venue network, for regional contacts and the coordinator -------------------------------


def venue_list(*, user, q: str = "", region_id: int | None = None, category: str = "") -> QuerySet[Venue]:
    """Venues of the user's scope with their current staff count, by region (pop-up venues last); optionally of one
    region and one category."""
    staff = (
        VenueMembership.objects.open_ended().filter(venue=OuterRef("pk"))
        .order_by().values("venue").annotate(n=Count("pk")).values("n")
    )
    qs = (
        Venue.objects.visible_to(user)
        .select_related("region", "municipality")
        .annotate(staff_count=Coalesce(Subquery(staff, output_field=IntegerField()), 0))
    )
    if q:
        qs = qs.filter(name__icontains=q)
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by(F("region__name").asc(nulls_last=True), "name", "pk")


@dataclass(frozen=True)
class CategoryRow:
    value: str
    label: str
    group: str
    group_label: str
    venues: int
    active: int


def category_list(*, user, today: datetime.date) -> list[CategoryRow]:
    """Every venue category with its statistics group and how many venues of the user's scope have it (all, and
    active today). The list itself is the national classification in ``venues.models`` (see ``Category``)."""
    counts = {
        row["category"]: row for row in Venue.objects.visible_to(user).order_by().values("category").annotate(
            total=Count("pk"), active=Count("pk", filter=Venue.active_q(today)))
    }
    return [
        CategoryRow(value=value, label=str(label), group=CATEGORY_GROUP[value].value,
                    group_label=str(CATEGORY_GROUP[value].label), venues=counts.get(value, {}).get("total", 0),
                    active=counts.get(value, {}).get("active", 0))
        for value, label in Category.choices
    ]


def venue_get(*, user, pk: int) -> Venue:
    return Venue.objects.visible_to(user).select_related("region", "municipality").get(pk=pk)


# --- the public catalogue "Where the card works" (public/, no sign-in) ----------------------------

# How much of a quota is "few left" on the public pages: at most this many places, or at most this share of the
# quota, whichever is more (a quota of 40 is "few left" from 4 places on, one of 6 from 3). The exact number of
# places used or left is never shown to the public, only one of the three words.
FEW_LEFT_PLACES = 3
FEW_LEFT_SHARE = 0.10


class Availability:
    AVAILABLE = "available"
    FEW_LEFT = "few_left"
    FULL = "full"


def availability(quota: int | None, used: int) -> str:
    """"places available", "few left" or "full" for an offer's quota and its places used (R10's sold out = full)."""
    if quota is None:
        return Availability.AVAILABLE
    left = max(quota - used, 0)
    if left == 0:
        return Availability.FULL
    if left <= max(FEW_LEFT_PLACES, quota * FEW_LEFT_SHARE):
        return Availability.FEW_LEFT
    return Availability.AVAILABLE


@dataclass(frozen=True)
class PublicOffer:
    """What the public sees of an offer: no quota and no count of uses, only the availability word. The words are
    made here, in the active language, so that a page of 20 venues with their offers renders fast."""

    title: str
    is_course: bool
    kind_label: str
    starts_on: datetime.date
    ends_on: datetime.date
    availability: str
    availability_label: str
    current: bool
    when: str


def _day(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"  # the public pages' date format (j.n.Y) in every language


def _public_offer(title: str, kind: str, starts_on, ends_on, quota, used, day: datetime.date) -> PublicOffer:
    word = availability(quota, used)
    current = starts_on <= day
    when = (_("now, until %(end)s") % {"end": _day(ends_on)} if current
            else _("coming, %(start)s–%(end)s") % {"start": _day(starts_on), "end": _day(ends_on)})
    return PublicOffer(
        title=title, is_course=kind == Offer.Kind.COURSE,
        kind_label=_("course place") if kind == Offer.Kind.COURSE else _("ticket"),
        starts_on=starts_on, ends_on=ends_on, availability=word,
        availability_label={Availability.FULL: _("full"), Availability.FEW_LEFT: _("few left")}.get(
            word, _("places available")),
        current=current, when=when,
    )


def public_venues(day: datetime.date, *, region_id: int | None = None, municipality_id: int | None = None,
                  category: str = "", q: str = "") -> QuerySet[Venue]:
    """Venues listed publicly and active on ``day`` (R9): those of a region active that day and pop-up venues in their
    campaign (a pop-up's active period is its campaign). Filtered by region, municipality, category and a free text
    (the venue's name, its municipality's name in either language, or the title of one of its current or coming
    offers). Ordered by name."""
    qs = (
        Venue.objects.active_on(day)
        .filter(public_listing=True)
        .filter(Region.active_q(day, prefix="region__") | Q(is_popup=True, region__isnull=True))
        .select_related("region", "municipality")
    )
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    if category:
        qs = qs.filter(category=category)
    if q:
        # The venues with a matching current or coming offer, read once (a list of ids) rather than as a subquery
        # that the page's count and its rows would each scan the offers for.
        with_offer = list(Offer.objects.filter(ends_on__gte=day, title__icontains=q).order_by()
                          .values_list("venue_id", flat=True).distinct())
        qs = qs.filter(Q(name__icontains=q) | Q(municipality__name_fi__icontains=q)
                       | Q(municipality__name_sv__icontains=q) | Q(pk__in=with_offer))
    return qs.order_by("name", "pk")


def public_offers(venues, day: datetime.date) -> dict[int, list[PublicOffer]]:
    """The current and coming offers of ``venues`` (one query), by venue id, in date order."""
    ids = [venue.pk for venue in venues]
    result: dict[int, list[PublicOffer]] = {pk: [] for pk in ids}
    if not ids:
        return result
    language = translation.get_language()
    translated = f"title_{language}" if language in ("sv", "en") else "title_fi"
    rows = (Offer.objects.filter(venue_id__in=ids, ends_on__gte=day)
            .order_by("venue_id", "starts_on", "title", "pk")
            .values_list("venue_id", translated, "title", "kind", "starts_on", "ends_on", "quota", "used_count"))
    for venue_id, title, finnish, kind, starts_on, ends_on, quota, used in rows:  # Finnish when not translated
        result[venue_id].append(_public_offer(title or finnish, kind, starts_on, ends_on, quota, used, day))
    return result


@dataclass(frozen=True)
class PublicFilterChoices:
    municipalities: list[Municipality]
    categories: list[tuple[str, str]]


def public_filter_choices(day: datetime.date) -> PublicFilterChoices:
    """The municipalities and the categories that at least one publicly listed venue active on ``day`` has (one
    query), for the catalogue's filters: municipalities by their name in the active language, categories in the
    national classification's order."""
    rows = (public_venues(day).order_by().values_list("municipality_id", "municipality__name_fi",
                                                       "municipality__name_sv", "category").distinct())
    municipalities: dict[int, Municipality] = {}
    present = set()
    for pk, name_fi, name_sv, category in rows:
        present.add(category)
        if pk is not None and pk not in municipalities:
            municipalities[pk] = Municipality(pk=pk, name_fi=name_fi, name_sv=name_sv)
    return PublicFilterChoices(
        municipalities=sorted(municipalities.values(), key=lambda m: (str(m).casefold(), m.pk)),
        categories=[(value, str(label)) for value, label in Category.choices if value in present],
    )


def public_venue_count(day: datetime.date, *, region_id: int) -> int:
    return public_venues(day, region_id=region_id).count()

