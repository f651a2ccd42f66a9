"""Statistics reads (DESIGN §7), always scoped to the caller. Dashboards, exports and the API use these.

Where the numbers come from
    The rollup tables (``reports.models``) hold every day before ``RollupState.cutoff``; the days
    from the cutoff on (normally only today) are counted live from the raw uses with the same
    expressions (``reports.aggregates``). Past months are never read from the raw uses table.
    Late entries and cancellations that concern days before the cutoff show after the next
    rollup (nightly, or the coordinator's "Refresh now").

Periods
    Statistics are kept per calendar month: a period is a run of whole months. ``date_from`` is
    taken as the first day of its month (``None`` = from the beginning) and ``date_to`` as the last
    day of its month (``None`` = this month).

Definitions
    use counts              a logged use that is not cancelled (R11)
    adults                  1 per counted use: the cardholder, or the community card's user
    children                ``Use.children`` of counted uses
    group                   ``Use.stat_group``: culture / education (every course place) / science / sport
    community_card_uses     counted uses logged with a community card
    cross_region_uses       counted uses where the card's region differs from the venue's region.
                            Pop-up venues belong to no region: their uses are *not* cross-region.
    region of a use         the venue's region; a pop-up venue's use is attributed to the card's
                            region, so regional figures add up to the national ones
    cards_registered        cards (personal and community) issued in the period (``Card.issued_on``),
                            in the issuing office's region
    cards_taken_into_use    cards whose first counted use falls in the period, in the card's region
    active_cardholders      distinct personal cards with at least one counted use in the period,
                            in the card's region
    active_offices/venues   offices / venues whose active period overlaps the period (pop-up venues
                            count nationally only: they belong to no region)
    municipalities_in_network
                            municipalities of the regions whose activity period overlaps the period

Scope
    National coordinators see everything and may pick one region. Regional contacts see their own
    regions only (all of them, or one); a region outside the caller's scope, or a caller with
    neither role, is refused with ``DomainError("not_allowed")``.

Small counts
    Counts of persons (cards, cardholders) below region level — per office, per home
    municipality — are shown as "<5" when between 1 and 4 in every export and on regional
    dashboards (``suppress``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case as DbCase
from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, Q, Sum
from django.db.models import When as DbWhen
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cards.models import Card
from distributors.models import Office
from kaikukanta.errors import DomainError
from kaikukanta.scopes import scope_for
from regions.models import Municipality, Region
from venues.models import CATEGORY_GROUP, Category, Venue

from .aggregates import (
    ATTRIBUTED_REGION,
    GROUPS,
    attributed_to,
    counted_uses,
    month_end,
    month_start,
    months_mask,
    use_totals_raw,
    use_totals_rollup,
    zero_none,
)
from .models import CardMonthly, HolderYear, RollupRun, RollupState, UseMonthly, UseOriginMonthly

SMALL_COUNT_LIMIT = 5
SUPPRESSED = "<5"


# --- periods and scope ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A run of whole calendar months; ``start`` None = from the beginning of the statistics."""

    start: datetime.date | None
    end: datetime.date

    @classmethod
    def from_dates(cls, date_from: datetime.date | None = None, date_to: datetime.date | None = None,
                   today: datetime.date | None = None) -> "Period":
        today = today or timezone.localdate()
        end = month_end(date_to or today)
        start = month_start(date_from) if date_from else None
        if start is not None and start > end:
            raise DomainError("period_invalid")
        return cls(start, end)

    @classmethod
    def for_year(cls, year: int, quarter: int | None = None, month: int | None = None) -> "Period":
        if month:
            first = datetime.date(year, month, 1)
            return cls(first, month_end(first))
        if quarter:
            first = datetime.date(year, 3 * quarter - 2, 1)
            return cls(first, month_end(datetime.date(year, 3 * quarter, 1)))
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def months(self) -> list[datetime.date]:
        """The months of the period (from the first month with data when open-ended)."""
        start = self.start or datetime.date(self.end.year, 1, 1)
        months, current = [], start
        while current <= self.end:
            months.append(current)
            current = (current.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return months

    def contains(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and day <= self.end

    @property
    def key(self) -> dict:
        return {"from": self.start.isoformat() if self.start else None, "to": self.end.isoformat()}


def scoped_region_ids(user, region: Region | None = None) -> list[int] | None:
    """The regions the figures cover: ``None`` = national; refuses a region outside the scope."""
    scope = scope_for(user)
    if scope.national:
        return None if region is None else [region.pk]
    if not scope.region_ids:
        raise DomainError("not_allowed")
    if region is None:
        return sorted(scope.region_ids)
    if region.pk not in scope.region_ids:
        raise DomainError("not_allowed")
    return [region.pk]


def regions_visible_for_reports(user):
    """The regions a user may filter dashboards by."""
    scope = scope_for(user)
    if scope.national:
        return Region.objects.all()
    return Region.objects.filter(pk__in=scope.region_ids)


@dataclass(frozen=True)
class Freshness:
    cutoff: datetime.date | None
    as_of: datetime.datetime | None
    last_run: RollupRun | None = field(default=None)


def rollup_freshness() -> Freshness:
    state = RollupState.objects.filter(pk=1).first()
    last = RollupRun.objects.first()
    if state is None:
        return Freshness(None, None, last)
    return Freshness(state.cutoff, state.as_of, last)


def _rollup_cutoff() -> datetime.date | None:
    return RollupState.objects.filter(pk=1).values_list("cutoff", flat=True).first()


# --- building blocks ------------------------------------------------------------------------------


def _month_range(qs, period: Period, cutoff: datetime.date | None, name: str = "month"):
    """Rollup rows of the period; none at all when nothing is rolled up yet."""
    if cutoff is None:
        return qs.none()
    qs = qs.filter(**{f"{name}__lte": period.end})
    if period.start:
        qs = qs.filter(**{f"{name}__gte": period.start})
    return qs


def _live_range(qs, period: Period, cutoff: datetime.date | None, name: str):
    """Raw rows of the days not yet rolled up (from the cutoff on) within the period."""
    lower = max(filter(None, [cutoff, period.start]), default=None)
    qs = qs.filter(**{f"{name}__lte": period.end})
    if lower:
        qs = qs.filter(**{f"{name}__gte": lower})
    return qs


def _in_regions(qs, region_ids, name: str = "region_id"):
    return qs if region_ids is None else qs.filter(**{f"{name}__in": region_ids})


def _add(a: dict, b: dict) -> dict:
    return {key: (a.get(key) or 0) + (b.get(key) or 0) for key in a.keys() | b.keys()}


def holders_in_period(qs, period: Period):
    """HolderYear rows with a use in any month of the period."""
    last_year = period.end.year
    first_year = period.start.year if period.start else None
    last_mask = months_mask(1 if first_year != last_year else period.start.month, period.end.month)
    if first_year == last_year:
        return qs.filter(year=last_year).annotate(hit=F("months").bitand(last_mask)).filter(hit__gt=0)
    qs = qs.filter(year__lte=last_year)
    whens = [DbWhen(year=last_year, then=F("months").bitand(last_mask))]
    if first_year is not None:
        qs = qs.filter(year__gte=first_year)
        whens.append(DbWhen(year=first_year, then=F("months").bitand(months_mask(period.start.month, 12))))
    return qs.annotate(hit=DbCase(*whens, default=F("months"), output_field=IntegerField())).filter(hit__gt=0)


def _single_year(period: Period) -> bool:
    return period.start is not None and period.start.year == period.end.year


# --- figures --------------------------------------------------------------------------------------


def use_totals(region_ids, period: Period, cutoff: datetime.date | None) -> dict:
    rolled = _in_regions(_month_range(UseMonthly.objects.all(), period, cutoff), region_ids)
    totals = zero_none(rolled.aggregate(**use_totals_rollup()))
    live = _live_range(counted_uses(), period, cutoff, "used_on")
    if region_ids is not None:
        live = live.filter(attributed_to(region_ids))
    return _add(totals, zero_none(live.aggregate(**use_totals_raw())))


def card_totals(region_ids, period: Period, cutoff: datetime.date | None) -> dict:
    rolled = _in_regions(_month_range(CardMonthly.objects.all(), period, cutoff), region_ids)
    totals = zero_none(rolled.aggregate(registered=Sum("registered"), taken=Sum("taken_into_use")))
    registered = _in_regions(_live_range(Card.objects.order_by(), period, cutoff, "issued_on"), region_ids).count()
    taken = live_taken_into_use(region_ids, period, cutoff).count()
    return {"registered": totals["registered"] + registered, "taken": totals["taken"] + taken}


def live_taken_into_use(region_ids, period: Period, cutoff: datetime.date | None):
    """Cards (as ``card_id`` rows) whose first counted use is on/after the cutoff and in the period."""
    live = counted_uses()
    if cutoff is not None:
        live = live.filter(used_on__gte=cutoff).filter(
            ~Exists(HolderYear.objects.filter(card_id=OuterRef("card_id")))
        )
    live = _in_regions(live, region_ids, "card_region_id")
    first = live.values("card_id").annotate(first=Min("used_on")).filter(first__lte=period.end)
    if period.start:
        first = first.filter(first__gte=period.start)
    return first


def active_holders_query(region_ids, period: Period, cutoff: datetime.date | None) -> tuple[int, int]:
    """(rolled-up, live) distinct personal cardholders with a counted use in the period."""
    rows = HolderYear.objects.filter(card_kind=Card.Kind.PERSONAL).order_by()
    rows = holders_in_period(_in_regions(rows, region_ids), period) if cutoff else rows.none()
    live = _live_range(counted_uses(), period, cutoff, "used_on").filter(card_kind=Card.Kind.PERSONAL)
    live = _in_regions(live, region_ids, "card_region_id")
    if cutoff is not None:
        seen = holders_in_period(HolderYear.objects.filter(card_id=OuterRef("card_id")), period)
        live = live.filter(~Exists(seen))
    rolled = rows.count() if _single_year(period) else rows.values("card_id").distinct().count()
    return rolled, live.values("card_id").distinct().count()


def _overlaps(period: Period) -> Q:
    q = Q(active_from__lte=period.end)
    if period.start:
        q &= Q(active_until__isnull=True) | Q(active_until__gte=period.start)
    return q


def network_totals(region_ids, period: Period) -> dict:
    offices = _in_regions(Office.objects.filter(_overlaps(period)), region_ids)
    venues = _in_regions(Venue.objects.filter(_overlaps(period)), region_ids)
    regions = _in_regions(Region.objects.filter(_overlaps(period)), region_ids, "pk")
    municipalities = Municipality.objects.filter(region__in=regions)
    return {
        "active_offices": offices.count(),
        "active_venues": venues.count(),
        "municipalities_in_network": municipalities.count(),
    }


def _summary(uses: dict, registered: int, taken: int, holders: int, network: dict) -> dict:
    return {
        "cards_registered": registered,
        "cards_taken_into_use": taken,
        "active_cardholders": holders,
        "uses_total": uses["total_uses"],
        "uses_adults": uses["total_adults"],
        "uses_children": uses["total_children"],
        "uses_by_group": {
            str(group): {"adults": uses[f"{group}_adults"], "children": uses[f"{group}_children"]}
            for group in GROUPS
        },
        "community_card_uses": uses["community_card_uses"],
        "cross_region_uses": uses["cross_region_uses"],
        **network,
    }


def summary_for(region_ids, period: Period) -> dict:
    """The DESIGN §7 figures for already-scoped ``region_ids`` (``None`` = national)."""
    cutoff = _rollup_cutoff()
    cards = card_totals(region_ids, period, cutoff)
    rolled, live = active_holders_query(region_ids, period, cutoff)
    return _summary(use_totals(region_ids, period, cutoff), cards["registered"], cards["taken"], rolled + live,
                    network_totals(region_ids, period))


def stats_summary(*, user, region: Region | None = None, date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None) -> dict:
    """The DESIGN §7 figures for the caller's scope (see the module docstring for definitions)."""
    region_ids = scoped_region_ids(user, region)
    return summary_for(region_ids, Period.from_dates(date_from, date_to))


# --- small counts ---------------------------------------------------------------------------------


def suppress(value: int | None) -> int | str | None:
    """Counts of persons between 1 and 4 below region level are shown as "<5"."""
    if value is None:
        return None
    return SUPPRESSED if 0 < value < SMALL_COUNT_LIMIT else value


CATEGORY_LABELS = dict(Category.choices)
SUPPRESSION_NOTE = _("Counts of cards and cardholders from 1 to 4 below region level are shown as \"<5\".")


# --- dashboards -----------------------------------------------------------------------------------


@dataclass
class Dashboard:
    """Everything a dashboard, its exports and the scheduled reports show for one scope and period."""

    region_ids: list[int] | None
    regions: list[Region]
    period: Period
    summary: dict
    trend: list[dict]
    categories: list[dict]
    venues: list[dict]
    offices: list[dict]
    municipalities: list[dict]
    welfare_areas: list[dict]
    regions_table: list[dict]
    freshness: Freshness

    @property
    def national(self) -> bool:
        return self.region_ids is None


def _merge(*sources: dict) -> dict:
    """Sum dicts of {key: {field: n}} (rolled-up and live parts of the same grouping)."""
    merged: dict = {}
    for source in sources:
        for key, values in source.items():
            row = merged.setdefault(key, {})
            for name, value in values.items():
                row[name] = (row.get(name) or 0) + (value or 0)
    return merged


def _by(queryset, key: str, **aggregates) -> dict:
    return {row.pop(key): row for row in queryset.values(key).annotate(**aggregates).order_by()}


def _live_uses(region_ids, period: Period, cutoff):
    live = _live_range(counted_uses(), period, cutoff, "used_on")
    return live if region_ids is None else live.filter(attributed_to(region_ids))


def _rolled(model, region_ids, period: Period, cutoff, region_field: str = "region_id"):
    return _in_regions(_month_range(model.objects.order_by(), period, cutoff), region_ids, region_field)


USE_SUMS = {"uses": Sum("uses"), "adults": Sum("adults"), "children": Sum("children")}
RAW_USE_SUMS = {"uses": Count("id"), "adults": Count("id"), "children": Sum("children")}


def _zero(row: dict | None, *names: str) -> dict:
    row = row or {}
    return {name: row.get(name) or 0 for name in names}


ORIGIN = ("region_id", "office_id", "home_municipality_id")
LIVE_ORIGIN = {"c_region": F("card_region_id"), "c_office": F("card__office_id"),
               "c_home": F("card__home_municipality_id")}


def _by_origin(queryset, fields: dict, **aggregates) -> dict:
    rows = queryset.values(**fields).annotate(**aggregates).order_by()
    return {tuple(row.pop(name) for name in fields): row for row in rows}


def card_figures_by_origin(region_ids, period: Period, cutoff) -> dict:
    """{(card region, office, home municipality): {registered, taken, holders}} — rollups + live.

    Each card has exactly one such origin, so distinct cardholders add up across the groups.
    """
    origin = {"c_region": F("region_id"), "c_office": F("office_id"), "c_home": F("home_municipality_id")}
    rolled = _by_origin(_rolled(CardMonthly, region_ids, period, cutoff), origin,
                        registered=Sum("registered"), taken=Sum("taken_into_use"))
    live_registered = _by_origin(
        _in_regions(_live_range(Card.objects.order_by(), period, cutoff, "issued_on"), region_ids), origin,
        registered=Count("id"))
    taken_ids = live_taken_into_use(region_ids, period, cutoff).values("card_id")
    live_taken = _by_origin(Card.objects.order_by().filter(pk__in=taken_ids), origin, taken=Count("id"))
    holders = HolderYear.objects.filter(card_kind=Card.Kind.PERSONAL).order_by()
    holders = holders_in_period(_in_regions(holders, region_ids), period) if cutoff else holders.none()
    distinct = Count("id") if _single_year(period) else Count("card_id", distinct=True)
    rolled_holders = _by_origin(holders, origin, holders=distinct)
    live = _live_range(counted_uses(), period, cutoff, "used_on").filter(card_kind=Card.Kind.PERSONAL)
    live = _in_regions(live, region_ids, "card_region_id")
    if cutoff is not None:
        live = live.filter(~Exists(holders_in_period(HolderYear.objects.filter(card_id=OuterRef("card_id")),
                                                     period)))
    live_holders = _by_origin(live, LIVE_ORIGIN, holders=Count("card_id", distinct=True))
    return _merge(rolled, live_registered, live_taken, rolled_holders, live_holders)


def _fold(groups: dict, index: int) -> dict:
    """Sum origin groups down to one of their parts (0 region, 1 office, 2 home municipality)."""
    return _merge(*({key[index]: row} for key, row in groups.items()))


def dashboard_for(region_ids, period: Period) -> Dashboard:
    """The dashboard for already-scoped ``region_ids`` (``None`` = national); see ``dashboard``."""
    cutoff = _rollup_cutoff()
    live_uses = _live_uses(region_ids, period, cutoff)

    # Monthly trend of uses (adults and children).
    trend_rows = _merge(
        _by(_rolled(UseMonthly, region_ids, period, cutoff), "month", **USE_SUMS),
        _by(live_uses.annotate(m=TruncMonth("used_on")), "m", **RAW_USE_SUMS),
    )
    this_month = month_start(timezone.localdate())
    trend = [{"month": m, **_zero(trend_rows.get(m), "uses", "adults", "children")} for m in period.months()
             if m <= this_month]

    # Venue categories and venues.
    category_rows = _merge(
        _by(_rolled(UseMonthly, region_ids, period, cutoff), "venue__category", **USE_SUMS),
        _by(live_uses, "venue__category", **RAW_USE_SUMS),
    )
    categories = [
        {"category": value, "label": label, "group": CATEGORY_GROUP[Category(value)],
         **_zero(category_rows.get(value), "uses", "adults", "children")}
        for value, label in Category.choices
    ]
    venue_rows = _merge(
        _by(_rolled(UseMonthly, region_ids, period, cutoff), "venue_id", **USE_SUMS),
        _by(live_uses, "venue_id", **RAW_USE_SUMS),
    )
    venue_objects = Venue.objects.select_related("region", "municipality").in_bulk(list(venue_rows))
    venues = sorted(
        ({"venue": venue_objects[pk], **_zero(row, "uses", "adults", "children")}
         for pk, row in venue_rows.items() if pk in venue_objects),
        key=lambda r: (-(r["uses"] + r["children"]), r["venue"].name),
    )

    # Cards and cardholders per (card region, issuing office, home municipality), in one pass each.
    card_groups = card_figures_by_origin(region_ids, period, cutoff)
    office_rows = _fold(card_groups, 1)
    office_qs = Office.objects.select_related("organisation", "region").filter(
        Q(pk__in=list(office_rows)) | Q(_overlaps(period))
    )
    offices = sorted(
        ({"office": office, **_zero(office_rows.get(office.pk), "registered", "taken", "holders")}
         for office in _in_regions(office_qs, region_ids)),
        key=lambda r: (-r["registered"], r["office"].name),
    )

    municipality_rows = _merge(
        _fold(card_groups, 2),
        _by(_rolled(UseOriginMonthly, region_ids, period, cutoff, "card_region_id"), "home_municipality_id",
            **USE_SUMS),
        _by(_in_regions(_live_range(counted_uses(), period, cutoff, "used_on"), region_ids, "card_region_id")
            .annotate(home_municipality_id=F("card__home_municipality_id")), "home_municipality_id", **RAW_USE_SUMS),
    )
    municipality_objects = Municipality.objects.select_related("welfare_area", "region").in_bulk(
        [pk for pk in municipality_rows if pk is not None]
    )
    fields = ("registered", "taken", "holders", "uses", "children")
    municipalities = sorted(
        ({"municipality": municipality_objects.get(pk), **_zero(row, *fields)}
         for pk, row in municipality_rows.items() if pk is None or pk in municipality_objects),
        key=lambda r: (r["municipality"] is None, str(r["municipality"] or "")),
    )
    areas: dict = {}
    for row in municipalities:
        area = row["municipality"].welfare_area if row["municipality"] else None
        if area is None:
            continue
        total = areas.setdefault(area.pk, {"welfare_area": area, **dict.fromkeys(fields, 0)})
        for name in fields:
            total[name] += row[name]
    welfare_areas = sorted(areas.values(), key=lambda r: str(r["welfare_area"]))

    # Per region (the regional level is never suppressed).
    region_use_rows = _merge(
        _by(_rolled(UseMonthly, region_ids, period, cutoff), "region_id", **USE_SUMS),
        _by(_rolled(UseMonthly, region_ids, period, cutoff).filter(cross_region=True), "region_id",
            cross=Sum("uses")),
        _by(live_uses.annotate(region_key=ATTRIBUTED_REGION), "region_key", **RAW_USE_SUMS,
            cross=Count("id", filter=Q(venue_region__isnull=False) & ~Q(venue_region=F("card_region")))),
    )
    region_rows = _merge(region_use_rows, _fold(card_groups, 0))
    region_objects = list(_in_regions(Region.objects.all(), region_ids, "pk"))
    regions_table = [
        {"region": region, **_zero(region_rows.get(region.pk), "uses", "adults", "children", "cross", "registered",
                                   "taken", "holders")}
        for region in region_objects
    ]

    return Dashboard(
        region_ids=region_ids,
        regions=region_objects if region_ids is not None else [],
        period=period,
        summary=_summary(use_totals(region_ids, period, cutoff), **{
            name: sum(row.get(name, 0) for row in card_groups.values()) for name in ("registered", "taken", "holders")
        }, network=network_totals(region_ids, period)),
        trend=trend,
        categories=categories,
        venues=venues,
        offices=offices,
        municipalities=municipalities,
        welfare_areas=welfare_areas,
        regions_table=regions_table,
        freshness=rollup_freshness(),
    )


def dashboard(*, user, period: Period, region: Region | None = None) -> Dashboard:
    """A scoped dashboard: national for coordinators, their own regions for regional contacts."""
    return dashboard_for(scoped_region_ids(user, region), period)
