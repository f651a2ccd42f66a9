"""Statistics reads (DESIGN §7), always scoped to the caller. Dashboards, exports and the API use these.

Where the numbers come from
    The rollup tables (``reports.models``) hold every day before ``RollupState.cutoff``; the days
    from the cutoff on (normally only today) are the live part: summed from ``cards.DailyCount``,
    which the use services keep counted as uses are logged and cancelled (issue 17: no request
    recounts a day; ``_live_from_counts``), or, before the first rollup and for a run of months
    that starts off a month/quarter/year boundary of today, counted from the raw uses with the same
    expressions (``reports.aggregates``). The live part is cached for ``settings.REPORTS_LIVE_SECONDS``.
    Past months are never read from the raw uses table.
    Late entries and cancellations that concern days before the cutoff show after the next
    rollup (nightly, or the coordinator's "Refresh now"). Whole-year periods read the yearly
    copies; a month, a quarter or January-to-month reads cardholders from ``HolderCounts``.

Periods
    Statistics are kept per calendar month: a period is a run of whole months. ``date_from`` is
    taken as the first day of its month (``None`` = from the beginning) and ``date_to`` as the last
    day of its month (``None`` = this month).

Definitions
    use counts              a logged use that is not cancelled (R11)
    adults                  1 per counted use: the cardholder, or the community card's user
    children                ``Use.children`` of counted uses
    names on the pages      as the published figures name them ("100,000 uses", "child tickets"): *uses*
                            (käyttökerrat) are the counted uses, one adult visit each; *child tickets* (lasten
                            liput) the children; *participations in total* both (``participations``)
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
    Below region level — per office, venue, home municipality, welfare area — counts from 1 to 4
    (cards, cardholders, uses, children) are hidden in every export and on regional dashboards;
    ``reports.suppression`` holds the rule and says which totals its complementary suppression covers.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case as DbCase
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum
from django.db.models import When as DbWhen
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import get_language

from cards import counts, numbers
from cards.models import Card, DailyCount
from core.errors import DomainError
from core.scopes import scope_for
from distributors.models import Office
from regions.models import Municipality, NationalSettings, Region
from regions.selectors import region_names
from venues.models import CATEGORY_GROUP, Category, Venue

from .aggregates import (
    GROUPS,
    attributed_to,
    counted_uses,
    month_end,
    month_start,
    months_mask,
    next_month,
    use_totals_rollup,
    zero_none,
)
from .models import (
    CardMonthly,
    CardYearly,
    HolderCounts,
    HolderYear,
    RollupRun,
    RollupState,
    UseMonthly,
    UseOriginMonthly,
    UseOriginYearly,
)
from .suppression import SMALL_COUNT_LIMIT, SUPPRESSED, suppress  # noqa: F401  (the rule lives there)

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


# --- the live part: days from the cutoff on, straight from the raw tables ---------------------------


@dataclass
class Live:
    """What happened on the days not rolled up yet, in two small grouped reads of the raw uses.

    ``uses``: rows per (month, venue, venue region, card region, statistics group, card kind) of the
    uses attributed to the regions. ``origin``: per card region, office and home municipality of the
    regions' own cards: uses, children, cardholders and cards taken into use not counted yet, and
    cards registered.
    """

    totals: dict  # the use figures of the summary
    uses: dict  # {"month"|"venue"|"region": {key: {uses, adults, children, cross}}}
    origin: dict  # {"region"|"office"|"home": {id: {uses, children, holders, taken, registered}}}


LIVE_ORIGIN = {"o_region": F("card_region_id"), "o_office": F("card__office_id"),
               "o_home": F("card__home_municipality_id")}
CARD_ORIGIN = {"o_region": F("region_id"), "o_office": F("office_id"), "o_home": F("home_municipality_id")}


def _by_origin(queryset, fields: dict, **aggregates) -> dict:
    rows = queryset.values(**fields).annotate(**aggregates).order_by()
    return {tuple(row.pop(name) for name in fields): row for row in rows}


def live_delta(region_ids, period: Period, cutoff: datetime.date | None) -> Live:
    """The live part, cached for ``settings.REPORTS_LIVE_SECONDS`` (shared by every dashboard process)."""
    if cutoff is not None and cutoff > period.end:
        return Live(totals=_live_use_totals([]), uses={"month": {}, "venue": {}, "region": {}},
                    origin={dim: {} for dim in DIMENSIONS})  # the period is all in the rollups
    seconds = settings.REPORTS_LIVE_SECONDS
    if not seconds:
        return _live_delta(region_ids, period, cutoff)
    key = f"reports:live:{cutoff}:{period.start}:{period.end}:{','.join(map(str, region_ids or ['all']))}"
    live = cache.get(key)
    if live is None:
        live = _live_delta(region_ids, period, cutoff)
        cache.set(key, live, seconds)
    return live


def _live_delta(region_ids, period: Period, cutoff: datetime.date | None) -> Live:
    if cutoff is not None and (live := _live_from_counts(region_ids, period, cutoff)) is not None:
        return live
    return _live_recount(region_ids, period, cutoff)


def _holder_flag(period: Period, lower: datetime.date):
    """The ``DailyCount`` column that counts a card's first use in ``period`` on each live day (from ``lower``
    to the period's end), as one expression; ``None`` when the period does not start at the beginning, or at
    the start of the month, quarter or year of every such day (then the live part is recounted)."""
    whens, month = [], month_start(lower)
    today = timezone.localdate()
    while month <= min(period.end, today):
        if period.start is None:
            name = "taken"
        else:
            starts = dict(zip(("new_month", "new_quarter", "new_year"), counts.unit_starts(month), strict=True))
            name = next((flag for flag, start in starts.items() if start == period.start), None)
            if name is None:
                return None
        whens.append(DbWhen(day__gte=month, day__lte=month_end(month), then=F(name)))
        month = next_month(month)
    return DbCase(*whens, default=0, output_field=IntegerField())


def _live_from_counts(region_ids, period: Period, cutoff: datetime.date) -> Live | None:
    """The live part summed from ``cards.DailyCount`` (kept counted by the use services): a few thousand rows
    however many uses today has. ``None`` when the period needs the recount (see ``_holder_flag``)."""
    lower = max(filter(None, [cutoff, period.start]))
    holder = _holder_flag(period, lower)
    if holder is None:
        return None
    rows = DailyCount.objects.order_by().filter(day__gte=lower, day__lte=period.end)
    venue_side = rows.filter(side=DailyCount.Side.VENUE)
    if region_ids is not None:
        venue_side = venue_side.filter(Q(venue_region__in=region_ids) | Q(venue_region=0, card_region__in=region_ids))
    # One grouped read (a row per venue, attributed region, group and kind: about as many as venues), folded
    # into the views and totals here; this is on every dashboard request after the live cache expires.
    cross = ~Q(venue_region=0) & ~Q(venue_region=F("card_region"))
    live_rows = venue_side.values(
        l_month=TruncMonth("day"), l_venue=F("venue"),
        l_region=DbCase(DbWhen(venue_region=0, then=F("card_region")), default=F("venue_region")),
        l_group=F("stat_group"), l_kind=F("card_kind"),
    ).annotate(l_n=Sum("uses"), l_kids=Sum("children"), l_cross=Sum("uses", filter=cross)).order_by()
    views: dict = {"month": {}, "venue": {}, "region": {}}
    totals = _live_use_totals([])
    for row in live_rows:
        n, kids, crossed = row["l_n"] or 0, row["l_kids"] or 0, row["l_cross"] or 0
        for view, key in (("month", _as_date(row["l_month"])), ("venue", row["l_venue"]),
                          ("region", row["l_region"])):
            target = views[view].setdefault(key, {"uses": 0, "adults": 0, "children": 0, "cross": 0})
            target["uses"] += n
            target["adults"] += n
            target["children"] += kids
            target["cross"] += crossed
        totals["total_uses"] += n
        totals["total_adults"] += n
        totals["total_children"] += kids
        totals[f"{row['l_group']}_adults"] += n
        totals[f"{row['l_group']}_children"] += kids
        totals["cross_region_uses"] += crossed
        if row["l_kind"] == Card.Kind.COMMUNITY:
            totals["community_card_uses"] += n

    own = _in_regions(rows.filter(side=DailyCount.Side.ORIGIN), region_ids, "card_region")
    aggregates = {"uses": Sum("uses"), "children": Sum("children"),
                  "holders": Sum(holder, filter=Q(card_kind=Card.Kind.PERSONAL)), "taken": Sum("taken")}
    origin = {}
    by_dimension = grouped(own, {"region": ("card_region",), "office": ("office",), "home": ("home",)}, **aggregates)
    for dim, rows_by in by_dimension.items():  # a card without a home municipality counts under 0 here
        origin[dim] = {(key or None) if dim == "home" else key: {name: row[name] or 0 for name in aggregates}
                       for key, row in rows_by.items()}
    # Cards registered on the live days (a day's worth): by region, so the (region, issued_on) index answers it.
    cards = Card.objects.order_by().filter(
        region_id__in=region_ids if region_ids is not None else list(Region.objects.values_list("pk", flat=True)))
    registered = _by_origin(_live_range(cards, period, cutoff, "issued_on"), CARD_ORIGIN, registered=Count("id"))
    for index, dim in enumerate(DIMENSIONS):
        origin[dim] = _merge(origin[dim], _fold(registered, index))
    return Live(totals=totals, uses=views, origin=origin)


def _live_recount(region_ids, period: Period, cutoff: datetime.date | None) -> Live:
    """The live part counted from the raw uses: before the first rollup, and for periods ``_holder_flag`` cannot
    answer (a custom run of months)."""
    raw = _live_range(counted_uses(), period, cutoff, "used_on")
    attributed = raw if region_ids is None else raw.filter(attributed_to(region_ids))
    uses = [
        {name[2:]: value for name, value in row.items()}
        for row in attributed.values(
            l_month=TruncMonth("used_on"), l_venue=F("venue_id"), l_venue_region=F("venue_region_id"),
            l_card_region=F("card_region_id"), l_group=F("stat_group"), l_kind=F("card_kind"),
        ).annotate(l_n=Count("id"), l_kids=Sum("children")).order_by()
    ]
    lower = max(filter(None, [cutoff, period.start]), default=None)
    # A cardholder is new to the period unless the rollups saw them in it already.
    holder = Q(card_kind=Card.Kind.PERSONAL)
    # A card is taken into use here unless it was used before: before the cutoff (rollups) or
    # between the cutoff and the period's start (raw).
    taken = Q()
    if cutoff is not None:
        holder &= ~Exists(holders_in_period(HolderYear.objects.filter(card_id=OuterRef("card_id")), period))
        taken &= ~Exists(HolderYear.objects.filter(card_id=OuterRef("card_id")))
    if lower is not None and lower != cutoff:
        earlier = counted_uses().filter(card_id=OuterRef("card_id"), used_on__lt=lower)
        taken &= ~Exists(earlier.filter(used_on__gte=cutoff) if cutoff else earlier)
    own = _in_regions(raw, region_ids, "card_region_id")
    triples = _merge(
        _by_origin(own, LIVE_ORIGIN, uses=Count("id"), children=Sum("children"),
                   holders=Count("card_id", distinct=True, filter=holder),
                   taken=Count("card_id", distinct=True, filter=taken) if taken else Count("card_id", distinct=True)),
        _by_origin(_in_regions(_live_range(Card.objects.order_by(), period, cutoff, "issued_on"), region_ids),
                   CARD_ORIGIN, registered=Count("id")),
    )
    # Folded once here (and cached), so a dashboard request only reads a few hundred keys.
    origin = {dim: _fold(triples, index) for index, dim in enumerate(DIMENSIONS)}
    views = {"month": _live_by(uses, lambda r: r["month"]), "venue": _live_by(uses, lambda r: r["venue"]),
             "region": _live_by(uses, lambda r: r["venue_region"] or r["card_region"])}
    return Live(totals=_live_use_totals(uses), uses=views, origin=origin)


def _live_use_totals(rows: list[dict]) -> dict:
    totals = dict.fromkeys(["total_uses", "total_adults", "total_children", "community_card_uses",
                            "cross_region_uses", *[f"{g}_{k}" for g in GROUPS for k in ("adults", "children")]], 0)
    for row in rows:
        n, kids = row["n"], row["kids"] or 0
        totals["total_uses"] += n
        totals["total_adults"] += n
        totals["total_children"] += kids
        totals[f"{row['group']}_adults"] += n
        totals[f"{row['group']}_children"] += kids
        if row["kind"] == Card.Kind.COMMUNITY:
            totals["community_card_uses"] += n
        if row["venue_region"] and row["venue_region"] != row["card_region"]:
            totals["cross_region_uses"] += n
    return totals


# --- rolled-up figures ------------------------------------------------------------------------------


def _rolled(model, region_ids, period: Period, cutoff, region_field: str = "region_id"):
    return _in_regions(_month_range(model.objects.order_by(), period, cutoff), region_ids, region_field)


def _whole_years(period: Period) -> bool:
    return period.start is not None and (period.start.month, period.end.month, period.end.day) == (1, 12, 31)


def _yearly_range(period: Period, cutoff) -> tuple[int, int] | None:
    """The years whose yearly copies answer the period: whole years, or everything up to a period end the rollups
    do not reach past (the all-years view, issue 17: a few thousand yearly rows instead of every month's)."""
    if cutoff is None:
        return None
    if _whole_years(period):
        return period.start.year, period.end.year
    if period.start is None and cutoff <= period.end + datetime.timedelta(days=1):
        return 0, period.end.year
    return None


def _rolled_cards(region_ids, period: Period, cutoff):
    """Cards registered / taken into use rows: the yearly copy for whole years, else monthly."""
    if years := _yearly_range(period, cutoff):
        return _in_regions(CardYearly.objects.order_by().filter(year__gte=years[0], year__lte=years[1]), region_ids)
    return _rolled(CardMonthly, region_ids, period, cutoff)


def _rolled_origin_uses(region_ids, period: Period, cutoff):
    if years := _yearly_range(period, cutoff):
        return _in_regions(UseOriginYearly.objects.order_by().filter(year__gte=years[0], year__lte=years[1]),
                           region_ids, "card_region_id")
    return _rolled(UseOriginMonthly, region_ids, period, cutoff, "card_region_id")


def use_totals(region_ids, period: Period, cutoff: datetime.date | None, live: Live) -> dict:
    totals = zero_none(_rolled(UseMonthly, region_ids, period, cutoff).aggregate(**use_totals_rollup()))
    return _add(totals, live.totals)


def holder_counts_column(period: Period) -> str | None:
    """The ``HolderCounts`` column answering the period, when it is a month, a quarter or Jan–month."""
    if not _single_year(period):
        return None
    first, last = period.start.month, period.end.month
    if first == last:
        return f"m{first:02d}"
    if first == 1:
        return f"to{last:02d}"  # to01 is m01
    if (first - 1) % 3 == 0 and last == first + 2:
        return f"q{(first + 2) // 3}"
    return None


# Card dimensions: card region, issuing office, home municipality. Each card has exactly one value
# of each, so distinct cardholders add up across the groups of any one of them.
DIMENSIONS = {"region": "region_id", "office": "office_id", "home": "home_municipality_id"}


def rolled_holders(region_ids, period: Period, cutoff, field: str | None = None):
    """Active cardholders from the rollups: a total, or {value of ``field``: {"holders": n}}.

    Fast paths: a month, quarter or year-to-month is one column of ``HolderCounts``; "from the
    beginning" is the personal cards taken into use by the end. Other runs of months count
    ``HolderYear`` rows (distinct cards over several years).
    """
    rows, aggregate = _holder_rows(region_ids, period, cutoff)
    if field is None:
        return rows.aggregate(n=aggregate)["n"] or 0
    return _by(rows, field, holders=aggregate)


def rolled_holders_by(region_ids, period: Period, cutoff, sets: dict[str, tuple[str, ...]]) -> dict[str, dict]:
    """``rolled_holders`` by several fields at once (``grouped``): {set name: {value: {"holders": n}}}."""
    rows, aggregate = _holder_rows(region_ids, period, cutoff)
    return grouped(rows, sets, holders=aggregate)


def _holder_rows(region_ids, period: Period, cutoff):
    """The rollup rows that answer ``rolled_holders`` and the aggregate that counts them."""
    column = holder_counts_column(period)
    if cutoff is None:
        rows, aggregate = HolderYear.objects.none(), Count("id")
    elif column is not None:
        rows = _in_regions(HolderCounts.objects.filter(year=period.end.year), region_ids)
        aggregate = Sum(column)
    elif period.start is None:
        rows = _rolled_cards(region_ids, period, cutoff).filter(card_kind=Card.Kind.PERSONAL)
        aggregate = Sum("taken_into_use")
    else:
        rows = holders_in_period(_in_regions(HolderYear.objects.filter(card_kind=Card.Kind.PERSONAL), region_ids),
                                 period)
        aggregate = Count("id") if _single_year(period) else Count("card_id", distinct=True)
    return rows.order_by(), aggregate


def card_figures(region_ids, period: Period, cutoff, live: Live, dim: str) -> dict:
    """{value: {registered, taken, holders, uses, children}} by one card dimension, rollups + live."""
    field = DIMENSIONS[dim]
    return _merge(
        _by(_rolled_cards(region_ids, period, cutoff), field, registered=Sum("registered"),
            taken=Sum("taken_into_use")),
        rolled_holders(region_ids, period, cutoff, field),
        _by(_rolled_origin_uses(region_ids, period, cutoff).annotate(**{f"o_{field}": F(
            "card_region_id" if field == "region_id" else field)}), f"o_{field}", uses=Sum("uses"),
            children=Sum("children")),
        live.origin[dim],
    )


def _card_figures_by_dimension(region_ids, period: Period, cutoff, live: Live) -> dict[str, dict]:
    """``card_figures`` for every card dimension at once: {dimension: {value: {registered, taken, holders, uses,
    children}}}, each rollup table read once for the three groupings (``grouped``)."""
    dims = {dim: (field,) for dim, field in DIMENSIONS.items()}
    cards = grouped(_rolled_cards(region_ids, period, cutoff), dims, registered=Sum("registered"),
                    taken=Sum("taken_into_use"))
    holders = rolled_holders_by(region_ids, period, cutoff, dims)
    origin = grouped(_rolled_origin_uses(region_ids, period, cutoff),
                     {dim: ("card_region_id" if field == "region_id" else field,) for dim, (field,) in dims.items()},
                     uses=Sum("uses"), children=Sum("children"))
    return {dim: _merge(cards[dim], holders[dim], origin[dim], live.origin[dim]) for dim in DIMENSIONS}


def _rolled_use_views(region_ids, period: Period, cutoff) -> dict[str, dict]:
    """The rolled-up uses a dashboard shows, from one read of ``UseMonthly`` (``grouped``): by ``month``, by
    ``venue`` and by ``region`` (uses, adults, children, and ``cross``: its cross-region uses) as ``_by`` gives
    them, and the ``totals`` ``use_totals_rollup`` gives."""
    sets = grouped(_rolled(UseMonthly, region_ids, period, cutoff), {
        "month": ("month",), "venue": ("venue_id",), "region": ("region_id", "cross_region"),
        "kinds": ("stat_group", "card_kind", "cross_region")}, **USE_SUMS)
    regions: dict = {}
    for (region, crossed), row in sets["region"].items():
        target = regions.setdefault(region, {"uses": 0, "adults": 0, "children": 0, "cross": None})
        for name in ("uses", "adults", "children"):
            target[name] += row[name] or 0
        if crossed:
            target["cross"] = (target["cross"] or 0) + (row["uses"] or 0)
    totals = dict.fromkeys(use_totals_rollup(), 0)
    for (group, kind, crossed), row in sets["kinds"].items():
        uses, adults, children = row["uses"] or 0, row["adults"] or 0, row["children"] or 0
        totals["total_uses"] += uses
        totals["total_adults"] += adults
        totals["total_children"] += children
        if kind == Card.Kind.COMMUNITY:
            totals["community_card_uses"] += uses
        if crossed:
            totals["cross_region_uses"] += uses
        if f"{group}_adults" in totals:
            totals[f"{group}_adults"] += adults
            totals[f"{group}_children"] += children
    return {"month": sets["month"], "venue": sets["venue"], "region": regions, "totals": totals}


def network_totals(region_ids, period: Period) -> dict:
    """Offices, venues and regions active on at least one day of the period (R9, ``core.periods``)."""
    offices = _in_regions(Office.objects.active_between(period.start, period.end), region_ids)
    venues = _in_regions(Venue.objects.active_between(period.start, period.end), region_ids)
    regions = _in_regions(Region.objects.active_between(period.start, period.end), region_ids, "pk")
    municipalities = Municipality.objects.filter(region__in=regions)
    return {
        "active_offices": offices.count(),
        "active_venues": venues.count(),
        "municipalities_in_network": municipalities.count(),
    }


def _summary(uses: dict, cards: dict, network: dict) -> dict:
    return {
        "cards_registered": cards["registered"],
        "cards_taken_into_use": cards["taken"],
        "active_cardholders": cards["holders"],
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


def participations(summary: dict) -> int:
    """Uses and child tickets together: every visit, adults and children (not a field of the API's summary)."""
    return summary["uses_total"] + summary["uses_children"]


def summary_for(region_ids, period: Period) -> dict:
    """The DESIGN §7 figures for already-scoped ``region_ids`` (``None`` = national)."""
    cutoff = _rollup_cutoff()
    live = live_delta(region_ids, period, cutoff)
    cards = zero_none(_rolled_cards(region_ids, period, cutoff).aggregate(
        registered=Sum("registered"), taken=Sum("taken_into_use")))
    cards["holders"] = rolled_holders(region_ids, period, cutoff)
    for row in live.origin["region"].values():
        for name in cards:
            cards[name] += row.get(name) or 0
    return _summary(use_totals(region_ids, period, cutoff, live), cards, network_totals(region_ids, period))


def stats_summary(*, user, region: Region | None = None, date_from: datetime.date | None = None,
                  date_to: datetime.date | None = None) -> dict:
    """The DESIGN §7 figures for the caller's scope (see the module docstring for definitions)."""
    region_ids = scoped_region_ids(user, region)
    return summary_for(region_ids, Period.from_dates(date_from, date_to))


# --- dashboards -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """A light stand-in for a related object in dashboard rows (name only)."""

    pk: int | None
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class VenueInfo(Named):
    category: str = ""
    region: Named | None = None
    municipality: Named | None = None

    def get_category_display(self) -> str:
        return str(dict(Category.choices).get(self.category, self.category))


@dataclass(frozen=True)
class OfficeInfo(Named):
    organisation: Named | None = None
    region: Named | None = None


@dataclass(frozen=True)
class MunicipalityInfo(Named):
    welfare_area: Named | None = None
    region_id: int | None = None


def _local(name_fi: str | None, name_sv: str | None) -> str:
    return name_sv if get_language() == "sv" and name_sv else (name_fi or "")


def venue_infos(regions: dict[int, str]) -> dict[int, VenueInfo]:
    """Every venue as a light row: dashboards list hundreds, model instances would cost more than the SQL.
    ``regions``: the regions' names in the page's language (``region_names``)."""
    rows = Venue.objects.values_list("pk", "name", "category", "region_id", "municipality_id",
                                     "municipality__name_fi", "municipality__name_sv")
    return {
        pk: VenueInfo(pk, name, category, Named(region_id, regions.get(region_id, "")) if region_id else None,
                      Named(muni_id, _local(fi, sv)) if muni_id else None)
        for pk, name, category, region_id, muni_id, fi, sv in rows
    }


def office_infos(queryset, regions: dict[int, str]) -> list[OfficeInfo]:
    rows = queryset.values_list("pk", "name", "organisation_id", "organisation__name", "region_id")
    return [OfficeInfo(pk, name, Named(org_id, org), Named(region_id, regions.get(region_id, "")))
            for pk, name, org_id, org, region_id in rows]


def municipality_infos(ids: list[int]) -> dict[int, MunicipalityInfo]:
    rows = Municipality.objects.filter(pk__in=ids).values_list(
        "pk", "name_fi", "name_sv", "welfare_area_id", "welfare_area__name_fi", "welfare_area__name_sv", "region_id")
    return {pk: MunicipalityInfo(pk, _local(fi, sv), Named(area_id, _local(area_fi, area_sv)) if area_id else None,
                                 region_id)
            for pk, fi, sv, area_id, area_fi, area_sv, region_id in rows}


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


def grouped(queryset, sets: dict[str, tuple[str, ...]], **aggregates) -> dict[str, dict]:
    """``_by`` for several groupings of one queryset at once: {set name: {key: {aggregate: n}}}, the key the value
    of a one-field set or the tuple of a longer one's. On PostgreSQL one read with ``GROUPING SETS`` (the table is
    scanned once, not once per grouping: the dashboards' rollups, issue 17); elsewhere one grouped read per set,
    with the same answer."""
    if connections[queryset.db].vendor != "postgresql":
        out = {}
        for name, fields in sets.items():
            rows = queryset.values(*fields).annotate(**aggregates).order_by()
            out[name] = {(row[fields[0]] if len(fields) == 1 else tuple(row[f] for f in fields)):
                         {key: row[key] for key in aggregates} for row in rows}
        return out
    fields = list(dict.fromkeys(f for group in sets.values() for f in group))
    query = queryset.values(*fields).annotate(**aggregates).order_by().query
    compiler = query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # .none(), or no region at all: nothing to read
        return {name: {} for name in sets}
    columns = {f: compiler.compile(query.resolve_ref(f))[0] for f in fields}
    head, found, _ = sql.rpartition(" GROUP BY ")
    select, found_from, rest = head.partition(" FROM ")
    if not (found and found_from):
        raise ValueError(f"cannot group this query by sets: {sql}")
    bits = ", ".join(columns[f] for f in fields)
    sql = (f"{select}, GROUPING({bits}) AS _kk_sets FROM {rest} GROUP BY GROUPING SETS ("
           + ", ".join("(" + ", ".join(columns[f] for f in group) + ")" for group in sets.values()) + ")")
    masks = {sum(1 << (len(fields) - 1 - i) for i, f in enumerate(fields) if f not in group): name
             for name, group in sets.items()}
    out: dict[str, dict] = {name: {} for name in sets}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            name = masks[row["_kk_sets"]]
            group = sets[name]
            key = row[group[0]] if len(group) == 1 else tuple(row[f] for f in group)
            out[name][key] = {a: (int(row[a]) if row[a] is not None else None) for a in aggregates}
    return out


def _live_by(rows: list[dict], key) -> dict:
    """Fold live use rows by ``key(row)`` into {key: {uses, adults, children, cross}}."""
    out: dict = {}
    for row in rows:
        target = out.setdefault(key(row), {"uses": 0, "adults": 0, "children": 0, "cross": 0})
        target["uses"] += row["n"]
        target["adults"] += row["n"]
        target["children"] += row["kids"] or 0
        if row["venue_region"] and row["venue_region"] != row["card_region"]:
            target["cross"] += row["n"]
    return out


USE_SUMS = {"uses": Sum("uses"), "adults": Sum("adults"), "children": Sum("children")}


def _zero(row: dict | None, *names: str) -> dict:
    row = row or {}
    return {name: row.get(name) or 0 for name in names}


def _fold(groups: dict, index: int) -> dict:
    """Sum origin groups down to one of their parts (0 region, 1 office, 2 home municipality)."""
    return _merge(*({key[index]: row} for key, row in groups.items()))


def dashboard_for(region_ids, period: Period) -> Dashboard:
    """The dashboard for already-scoped ``region_ids`` (``None`` = national); see ``dashboard``."""
    cutoff = _rollup_cutoff()
    live = live_delta(region_ids, period, cutoff)
    names = region_names()  # read once for the venue and the office lists
    venue_objects = venue_infos(names)

    rolled = _rolled_use_views(region_ids, period, cutoff)
    # Monthly trend of uses (adults and children).
    trend_rows = _merge(rolled["month"], live.uses["month"])
    this_month = month_start(timezone.localdate())
    trend = [{"month": m, **_zero(trend_rows.get(m), "uses", "adults", "children")} for m in period.months()
             if m <= this_month]

    # Venues and their categories.
    venue_rows = _merge(rolled["venue"], live.uses["venue"])
    venues = sorted(
        ({"venue": venue_objects[pk], **_zero(row, "uses", "adults", "children")}
         for pk, row in venue_rows.items() if pk in venue_objects),
        key=lambda r: (-(r["uses"] + r["children"]), r["venue"].name),
    )
    category_rows: dict = {}
    for row in venues:
        target = category_rows.setdefault(row["venue"].category, {"uses": 0, "adults": 0, "children": 0})
        for name in target:
            target[name] += row[name]
    categories = [
        {"category": value, "label": label, "group": CATEGORY_GROUP[Category(value)],
         **_zero(category_rows.get(value), "uses", "adults", "children")}
        for value, label in Category.choices
    ]

    # Cards, cardholders and their uses by card region, issuing office and home municipality.
    card_rows = _card_figures_by_dimension(region_ids, period, cutoff, live)
    office_rows = card_rows["office"]
    office_qs = Office.objects.filter(
        Q(pk__in=[pk for pk in office_rows if pk is not None]) | Office.active_between_q(period.start, period.end)
    )
    offices = sorted(
        ({"office": office, **_zero(office_rows.get(office.pk), "registered", "taken", "holders")}
         for office in office_infos(_in_regions(office_qs, region_ids), names)),
        key=lambda r: (-r["registered"], -r["holders"], r["office"].name),
    )

    municipality_rows = card_rows["home"]
    municipality_objects = municipality_infos([pk for pk in municipality_rows if pk is not None])
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

    # Per region (the regional level is never suppressed); uses by attributed region.
    region_use_rows = _merge(rolled["region"], live.uses["region"])
    region_cards = card_rows["region"]
    region_rows = _merge(region_use_rows, {key: {k: v for k, v in row.items() if k not in ("uses", "children")}
                                           for key, row in region_cards.items()})
    region_objects = list(_in_regions(Region.objects.all(), region_ids, "pk"))
    regions_table = [
        {"region": region, **_zero(region_rows.get(region.pk), "uses", "adults", "children", "cross", "registered",
                                   "taken", "holders")}
        for region in region_objects
    ]

    card_totals = {name: sum(row.get(name) or 0 for row in region_cards.values())
                   for name in ("registered", "taken", "holders")}
    return Dashboard(
        region_ids=region_ids,
        regions=region_objects if region_ids is not None else [],
        period=period,
        summary=_summary(_add(rolled["totals"], live.totals), card_totals,
                         network_totals(region_ids, period)),
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


# --- public figures (issue 13, point 5; R16) ----------------------------------------------------------------------
#
# The national key figures per year and region for the public page and its open data. Nothing below region level
# ever leaves this function, and the people's counts (cards registered, cardholders, uses, child tickets) come
# back already suppressed: 1–4 is SUPPRESSED, at every level here, the whole country too (the public rule is
# stricter than the dashboards'); a region whose cardholders are hidden has its uses and child tickets hidden too
# (counts derived from the same few people, R16); and complementary suppression over each year's regions and the
# whole country (the column sums to the national figure) so that no hidden count comes back by subtraction.
# Venues, offices and municipalities are the network's own listed facts (the region pages name them), not counts
# of people: shown as they are.

PUBLIC_PEOPLE_FIGURES = ("cards_registered", "cardholders", "uses", "child_tickets")
PUBLIC_NETWORK_FIGURES = ("venues", "offices", "municipalities")
PUBLIC_FIGURES = (*PUBLIC_PEOPLE_FIGURES, *PUBLIC_NETWORK_FIGURES)


@dataclass(frozen=True)
class PublicFigureRow:
    """One line of the public figures: a region's (``region`` set) or the whole country's in one year. Values are
    ints, or ``suppression.SUPPRESSED`` / ``suppression.COMPLEMENTARY`` for a hidden count."""

    year: int
    region: Named | None
    figures: dict

    @property
    def national(self) -> bool:
        return self.region is None


@dataclass(frozen=True)
class PublicYear:
    year: int
    complete: bool  # False for the current year (figures so far)
    national: PublicFigureRow
    regions: list[PublicFigureRow]


def _public_year_raw(year: int, cutoff, regions: dict[int, Region]) -> tuple[dict, dict]:
    """{region_id: figures} and the national figures of one calendar year, exact (not for the public as such)."""
    period = Period.for_year(year)
    live = live_delta(None, period, cutoff)
    use_rows = _merge(_by(_rolled(UseMonthly, None, period, cutoff), "region_id", **USE_SUMS), live.uses["region"])
    card_rows = card_figures(None, period, cutoff, live, "region")

    def grouped(queryset, key: str = "region_id") -> dict:
        return {row[key]: row["n"] for row in queryset.order_by().values(key).annotate(n=Count("pk"))}

    venues = grouped(Venue.objects.active_between(period.start, period.end))
    offices = grouped(Office.objects.active_between(period.start, period.end))
    municipalities = grouped(Municipality.objects.filter(
        region__in=Region.objects.active_between(period.start, period.end)))
    per_region = {}
    for pk, region in regions.items():
        active = region.active_from <= period.end and (region.active_until is None
                                                      or region.active_until >= period.start)
        figures = {
            "cards_registered": (card_rows.get(pk) or {}).get("registered") or 0,
            "cardholders": (card_rows.get(pk) or {}).get("holders") or 0,
            "uses": (use_rows.get(pk) or {}).get("uses") or 0,
            "child_tickets": (use_rows.get(pk) or {}).get("children") or 0,
            "venues": venues.get(pk, 0),
            "offices": offices.get(pk, 0),
            "municipalities": municipalities.get(pk, 0),
        }
        if active or any(figures.values()):
            per_region[pk] = figures
    national = {name: sum(row[name] for row in per_region.values()) for name in PUBLIC_FIGURES}
    national["venues"] += venues.get(None, 0)  # pop-up venues belong to no region
    return per_region, national


def public_suppress(rows: list[dict]) -> list[dict]:
    """The people's counts of one year's rows (the regions', then the whole country's last) with R16 applied:
    see the comment above ``PUBLIC_PEOPLE_FIGURES``."""
    from .suppression import COMPLEMENTARY, hidden_cells, is_small

    table = [[row[name] for name in PUBLIC_PEOPLE_FIGURES] for row in rows]
    holders, derived_columns = PUBLIC_PEOPLE_FIGURES.index("cardholders"), (
        PUBLIC_PEOPLE_FIGURES.index("uses"), PUBLIC_PEOPLE_FIGURES.index("child_tickets"))
    # Counts derived from a hidden handful of cardholders are hidden with them: marked small here so the closure
    # below treats them as hidden, then shown as complementary (they are not small counts themselves).
    derived = {(r, c) for r, line in enumerate(table) if is_small(line[holders])
               for c in derived_columns if line[c] and not is_small(line[c])}
    marked = [[1 if (r, c) in derived else value for c, value in enumerate(line)] for r, line in enumerate(table)]
    columns = range(len(PUBLIC_PEOPLE_FIGURES))
    lines = [[(r, c) for r in range(len(table))] for c in columns] if len(table) > 1 else []
    primary, complementary = hidden_cells(marked, columns, lines)
    complementary |= derived
    primary -= derived
    out = []
    for r, row in enumerate(rows):
        shown = dict(row)
        for c, name in enumerate(PUBLIC_PEOPLE_FIGURES):
            if (r, c) in primary:
                shown[name] = SUPPRESSED
            elif (r, c) in complementary:
                shown[name] = COMPLEMENTARY
        out.append(shown)
    return out


def public_figures(*, today: datetime.date | None = None) -> list[PublicYear]:
    """The public key figures, newest year first, from the first year of the network to this year; already
    suppressed (R16), region level and above only. Open to everyone: no scope. Cached with the live figures
    (``settings.REPORTS_LIVE_SECONDS``); the names of the regions are read fresh."""
    today = today or timezone.localdate()
    regions = {region.pk: region for region in Region.objects.order_by("name", "pk")}
    cutoff = _rollup_cutoff()
    seconds = settings.REPORTS_LIVE_SECONDS
    key = f"reports:public:{today}:{cutoff}:{RollupState.objects.filter(pk=1).values_list('as_of', flat=True).first()}"
    raw = cache.get(key) if seconds else None
    if raw is None:
        first = min((region.active_from.year for region in regions.values()), default=today.year)
        raw = []
        for year in range(today.year, min(first, today.year) - 1, -1):
            per_region, national = _public_year_raw(year, cutoff, regions)
            ids = list(per_region)
            shown = public_suppress([*(per_region[pk] for pk in ids), national])
            raw.append((year, list(zip(ids, shown[:-1], strict=True)), shown[-1]))
        if seconds:
            cache.set(key, raw, seconds)
    return [
        PublicYear(year=year, complete=year < today.year,
                   national=PublicFigureRow(year, None, national),
                   regions=[PublicFigureRow(year, Named(pk, regions[pk].name), figures)
                            for pk, figures in region_rows if pk in regions])
        for year, region_rows, national in raw
    ]


# --- is a worker taking background jobs? (issue 12, point 6) ---------------------------------------------------
#
# Beat queues ``reports.worker_heartbeat`` every minute (migration 0008) and the worker that runs it writes the time
# under HEARTBEAT_KEY in the cache, which is Redis, shared by the web and the workers, whenever Celery has a real
# broker. A recent time means the queue is being served. Chosen over ``inspect().ping()``: a ping makes every page
# view wait on the broker up to its timeout, and a worker whose every process is busy with a long rollup answers it
# at once although nothing new will start for an hour; the heartbeat, queued like a file, tells what a person
# waiting for a file needs to know. Without a broker (the demo, SQLite) Celery runs every task inline in the
# request, so there is no worker to ask.

HEARTBEAT_KEY = "reports:worker-heartbeat"
HEARTBEAT_EVERY = datetime.timedelta(minutes=1)
HEARTBEAT_STALE_AFTER = 3 * HEARTBEAT_EVERY  # two missed beats: not one slow one


@dataclass(frozen=True)
class WorkerStatus:
    inline: bool  # no broker: tasks run inside the request that queues them
    last_seen: datetime.datetime | None  # when a worker last ran the heartbeat; None: never (or the cache forgot)
    alive: bool

    @property
    def silent(self) -> bool:
        return not self.inline and not self.alive


def worker_status(*, now: datetime.datetime | None = None) -> WorkerStatus:
    """Whether background jobs run: inline (eager Celery), or the time a worker last ran the heartbeat and whether
    that is recent (``HEARTBEAT_STALE_AFTER``)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return WorkerStatus(inline=True, last_seen=None, alive=True)
    try:
        raw = cache.get(HEARTBEAT_KEY)
    except Exception:  # the cache (Redis, the broker too) unreachable: no worker is reachable either
        raw = None
    try:
        last_seen = datetime.datetime.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        last_seen = None
    now = now or timezone.now()
    return WorkerStatus(inline=False, last_seen=last_seen,
                        alive=last_seen is not None and now - last_seen <= HEARTBEAT_STALE_AFTER)

# --- cards with unusually many uses in a week (issue 11) ----------------------------------------------------------
#
# A card used more than ``NationalSettings.unusual_uses_per_week`` times in one ISO week (Monday to Sunday) is listed
# for its region's contacts to look at: lent around, copied, or logged twice by mistake. Counted uses only (not
# cancelled), at any venue, by the card's region (``Use.card_region``): a contact looks after the cards of their
# region wherever they are used. Only the masked number is shown (``cards.numbers.mask``), never the card itself.

UNUSUAL_MAX_CARDS = 500  # per listing: a threshold set too low must not make a page of every card


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class UnusualCard:
    masked_number: str
    region: str
    uses: int
    venues: list[tuple[str, int]]  # (venue, uses there that week), most used first


@dataclass(frozen=True)
class UnusualWeek:
    start: datetime.date  # its Monday
    cards: list[UnusualCard]
    complete: bool  # False for the week still running (counted so far)

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6)

    @property
    def number(self) -> int:
        return self.start.isocalendar().week

    @property
    def year(self) -> int:
        return self.start.isocalendar().year


@dataclass(frozen=True)
class UnusualUses:
    threshold: int
    weeks: list[UnusualWeek]  # newest first
    truncated: bool  # more cards than UNUSUAL_MAX_CARDS: the ones with the most uses are listed


def unusual_uses(*, user, weeks: list[datetime.date], region: Region | None = None,
                 today: datetime.date | None = None) -> UnusualUses:
    """Per ISO week of ``weeks`` (any day of it), the cards of the user's regions with more uses than the national
    threshold. Coordinators see every region (or ``region``), regional contacts their own; anyone else, or a region
    outside the scope, is refused (``DomainError("not_allowed")``). Two queries however many cards are listed."""
    region_ids = scoped_region_ids(user, region)
    today = today or timezone.localdate()
    threshold = NationalSettings.current().unusual_uses_per_week
    starts = sorted({week_start(day) for day in weeks}, reverse=True)
    in_weeks = Q()
    for start in starts:
        in_weeks |= Q(used_on__gte=start, used_on__lte=start + datetime.timedelta(days=6))
    uses = counted_uses().filter(in_weeks).annotate(week=TruncWeek("used_on"))
    if region_ids is not None:
        uses = uses.filter(card_region_id__in=region_ids)
    flagged = list(
        uses.values("card_id", "card__number", "card_region_id", "week")
        .annotate(n=Count("pk"))
        .filter(n__gt=threshold)
        .order_by("-week", "-n", "card_id")[:UNUSUAL_MAX_CARDS + 1]
    )
    truncated = len(flagged) > UNUSUAL_MAX_CARDS
    flagged = flagged[:UNUSUAL_MAX_CARDS]
    venues: dict[tuple[int, datetime.date], list[tuple[str, int]]] = {}
    if flagged:
        rows = (
            uses.filter(card_id__in={row["card_id"] for row in flagged})
            .values("card_id", "week", "venue__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "venue__name")
        )
        for row in rows:
            venues.setdefault((row["card_id"], _as_date(row["week"])), []).append((row["venue__name"], row["n"]))
    cards: dict[datetime.date, list[UnusualCard]] = {start: [] for start in starts}
    regions = region_names() if flagged else {}
    for row in flagged:
        week = _as_date(row["week"])
        cards.setdefault(week, []).append(UnusualCard(
            masked_number=numbers.mask(row["card__number"]), region=regions.get(row["card_region_id"], ""),
            uses=row["n"],
            venues=venues.get((row["card_id"], week), []),
        ))
    return UnusualUses(
        threshold=threshold,
        weeks=[UnusualWeek(start=start, cards=cards[start], complete=start + datetime.timedelta(days=6) < today)
               for start in starts],
        truncated=truncated,
    )


def _as_date(value) -> datetime.date:
    """TruncWeek gives a date on SQLite and may give a datetime on PostgreSQL (``date_trunc``)."""
    return value.date() if isinstance(value, datetime.datetime) else value
