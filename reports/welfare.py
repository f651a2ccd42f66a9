"""Figures for welfare work (issue 17): wellbeing change, who the card reaches, reach per 1,000 inhabitants,
year-over-year change and the municipal welfare report's figures. Reads only, scoped by the caller
(``region_ids`` comes from ``selectors.scoped_region_ids``).

Wellbeing change
    Per holder, the latest answer against the first (``cards.WellbeingAnswer``: the latest rows carry both), for
    the holders whose latest answer falls in the year: better / same / worse and the mean change (points on the
    1–5 scale). Read from the latest rows only, which retention keeps (unlinked from the card), so the figures
    are the same before and after R13.

Who the card reaches
    Personal cards registered in the period by age group (the birth year against the period's last year),
    gender and life situation. Voluntary fields: "not recorded" is a row of its own, and so are the cards whose
    fields retention has cleared.

Reach per 1,000 inhabitants
    Active cardholders and uses by the holder's home municipality (the dashboard's figures) against the
    municipality's population; a welfare area sums its municipalities in the network of the scope.

Small cells
    Every table here is below region level or about people's answers: counts from 1 to 4 are "<5", with
    complementary suppression over each row's and column's totals (``reports.suppression``). A municipality or
    welfare area with 1–4 active cardholders shows "<5" in every cell derived from those people: cardholders,
    uses, child tickets and both rates (a rate and the public population give the count back).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from cards.models import Card, WellbeingAnswer
from regions.models import Municipality, Region, WelfareArea

from .models import CardYearly, HolderCounts, UseMonthly
from .selectors import Dashboard, Period, _in_regions, _rollup_cutoff, live_delta, summary_for
from .suppression import COMPLEMENTARY, SUPPRESSED, column_lines, is_small, row_lines, suppress_table

AGE_GROUPS = [(16, 29), (30, 44), (45, 64), (65, 74), (75, None)]


@dataclass
class Table:
    """Same shape as ``exports.Table`` (which imports this module)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    numeric_from: int = 1


def _hidden(value) -> bool:
    return value in (SUPPRESSED, COMPLEMENTARY)


# --- wellbeing change ------------------------------------------------------------------------------------------


def wellbeing_rows(region_ids, year: int) -> dict:
    """{"regions": {region_id: counts}, "areas": {area_id: counts}, "total": counts}; counts = holders, better,
    same, worse, change (sum of latest − first)."""
    rows = WellbeingAnswer.objects.order_by().filter(
        latest=True, first_value__isnull=False,
        answered_on__gte=datetime.date(year, 1, 1), answered_on__lte=datetime.date(year, 12, 31))
    rows = _in_regions(rows, region_ids)
    grouped = rows.values("region_id", "home_municipality_id", "home_municipality__welfare_area_id").annotate(
        holders=Count("id"), better=Count("id", filter=Q(value__gt=F("first_value"))),
        same=Count("id", filter=Q(value=F("first_value"))), worse=Count("id", filter=Q(value__lt=F("first_value"))),
        change=Sum(F("value") - F("first_value")),
    )
    grouped = grouped.values("region_id", "home_municipality_id", "home_municipality__welfare_area_id", "holders",
                             "better", "same", "worse", "change")
    out = {"regions": {}, "areas": {}, "municipalities": {},
           "total": dict.fromkeys(("holders", "better", "same", "worse", "change"), 0)}
    for row in grouped:
        for target in (out["regions"].setdefault(row["region_id"], {}),
                       out["areas"].setdefault(row["home_municipality__welfare_area_id"], {}),
                       out["municipalities"].setdefault(row["home_municipality_id"], {}), out["total"]):
            for name in ("holders", "better", "same", "worse", "change"):
                target[name] = (target.get(name) or 0) + (row[name] or 0)
    return out


def _mean(counts: dict):
    return round(counts["change"] / counts["holders"], 2) if counts.get("holders") else None


def _wellbeing_table(key: str, title: str, first_header: str, named: list[tuple[str, dict]], total: dict) -> Table:
    rows = [[name, c["holders"], c["better"], c["same"], c["worse"]] for name, c in named]
    rows.append([_("Total"), total["holders"], total["better"], total["same"], total["worse"]])
    n = len(rows)
    # better + same + worse = holders on every row; each column adds up to the total row.
    lines = row_lines(n, [((2, 3, 4), 1)]) + [[(r, c) for r in range(n)] for c in range(1, 5)]
    shown = suppress_table(rows, range(1, 5), lines)
    for row, (_name, counts) in zip(shown, [*named, ("", total)], strict=True):
        holders = counts["holders"]
        row.append(row[1] if _hidden(row[1]) else SUPPRESSED if 0 < holders < 5 else _mean(counts))
    return Table(key, title, [first_header, _("Holders who answered twice or more"), _("Better"), _("Same"),
                              _("Worse"), _("Mean change (points, 1–5)")], shown)


def wellbeing_tables(region_ids, year: int) -> list[Table]:
    data = wellbeing_rows(region_ids, year)
    regions = {r.pk: r.name for r in Region.objects.filter(pk__in=[pk for pk in data["regions"] if pk])}
    areas = {a.pk: str(a) for a in WelfareArea.objects.filter(pk__in=[pk for pk in data["areas"] if pk])}
    by_region = sorted(((regions.get(pk, ""), c) for pk, c in data["regions"].items()), key=lambda r: r[0])
    by_area = sorted(((areas.get(pk) or _("no welfare area"), c) for pk, c in data["areas"].items()),
                     key=lambda r: r[0])
    note = _("Wellbeing change in %(year)s: the holder's latest answer against the first") % {"year": year}
    return [
        _wellbeing_table("wellbeing_regions", f"{note}, {_('by region')}", _("Region"), by_region, data["total"]),
        _wellbeing_table("wellbeing_areas", f"{note}, {_('by welfare area')}", _("Welfare area"), by_area,
                         data["total"]),
    ]


# --- who the card reaches ----------------------------------------------------------------------------------------


def _age_label(low: int, high: int | None) -> str:
    return _("%(low)s–%(high)s years") % {"low": low, "high": high} if high else _("%(low)s years or more") % {
        "low": low}


def who_rows(region_ids, period: Period) -> dict:
    """Personal cards registered in the period: {"age": {label: n}, "gender": …, "life": …, "total": n}."""
    cards = Card.objects.order_by().filter(kind=Card.Kind.PERSONAL, issued_on__lte=period.end)
    if period.start:
        cards = cards.filter(issued_on__gte=period.start)
    cards = _in_regions(cards, region_ids)
    year = period.end.year
    ages = {}
    for low, high in AGE_GROUPS:
        condition = Q(birth_year__lte=year - low)
        if high is not None:
            condition &= Q(birth_year__gte=year - high)
        ages[f"a{low}"] = Count("id", filter=condition)
    ages["a_unknown"] = Count("id", filter=Q(birth_year__isnull=True))
    ages["a_young"] = Count("id", filter=Q(birth_year__gt=year - AGE_GROUPS[0][0]))  # turned 16 later
    ages["total"] = Count("id")
    # Every count in one pass over the cards instead of three (national, all years: 440 → 265 ms on the bench data).
    genders = [value for value, _label in Card.Gender.choices] + [""]
    lives = [value for value, _label in Card.LifeSituation.choices] + [""]
    ages.update({f"g{i}": Count("id", filter=Q(gender=value)) for i, value in enumerate(genders)})
    ages.update({f"l{i}": Count("id", filter=Q(life_situation=value)) for i, value in enumerate(lives)})
    age_counts = cards.aggregate(**ages)
    gender = {value: age_counts[f"g{i}"] for i, value in enumerate(genders)}
    life = {value: age_counts[f"l{i}"] for i, value in enumerate(lives)}
    age = {_age_label(low, high): age_counts[f"a{low}"] for low, high in AGE_GROUPS}
    age[_age_label(AGE_GROUPS[0][0], AGE_GROUPS[0][1])] += age_counts["a_young"]
    age[_("not recorded")] = age_counts["a_unknown"]
    return {
        "age": age,
        "gender": {**{str(label): gender.get(value, 0) for value, label in Card.Gender.choices},
                   _("not recorded"): gender.get("", 0)},
        "life": {**{str(label): life.get(value, 0) for value, label in Card.LifeSituation.choices},
                 _("not recorded"): life.get("", 0)},
        "total": age_counts["total"],
    }


def who_tables(region_ids, period: Period) -> list[Table]:
    data = who_rows(region_ids, period)
    tables = []
    for key, title, header in (
        ("age", _("Cards registered by the holder's age group"), _("Age group")),
        ("gender", _("Cards registered by gender"), _("Gender")),
        ("life", _("Cards registered by life situation"), _("Life situation")),
    ):
        rows = [[label, n] for label, n in data[key].items()]
        rows.append([_("Total"), data["total"]])
        shown = suppress_table(rows, [1], [[(r, 1) for r in range(len(rows))]])  # the rows add up to the total
        total = data["total"]
        share = [[*row, "" if _hidden(row[1]) or not total else f"{100 * row[1] / total:.0f} %"] for row in shown]
        tables.append(Table(f"who_{key}", title, [header, _("Cards registered"), _("Share")], share))
    return tables


# --- reach per 1,000 inhabitants ---------------------------------------------------------------------------------


def _per_thousand(count, population):
    if _hidden(count):
        return count
    if not population:
        return ""
    return round(1000 * count / population, 2)


def _reach_rows(named: list[tuple[str, int | None, dict]], groups: list) -> list[list]:
    """[name, population, holders, per 1,000, uses, per 1,000, child tickets] with the small cells hidden."""
    rows = []
    for _name, _population, counts in named:
        holders = counts.get("holders") or 0
        derived = is_small(holders)
        # Uses and child tickets of 1–4 cardholders are theirs: marked small, so they show as "<5" too.
        rows.append([_name, _population or 0, holders, 1 if derived and counts.get("uses") else counts.get("uses") or 0,
                     1 if derived and counts.get("children") else counts.get("children") or 0])
    # Each column adds up to the regions' figures and to the whole table's (shown at region level or above).
    shown = suppress_table(rows, (2, 3, 4), column_lines(groups, (2, 3, 4)))
    out = []
    for row, (_n, population, _counts) in zip(shown, named, strict=True):
        out.append([row[0], population or "", row[2], _per_thousand(row[2], population), row[3],
                    _per_thousand(row[3], population), row[4]])
    return out


def reach_tables(board: Dashboard) -> list[Table]:
    """Reach by home municipality and welfare area, from the dashboard's figures."""
    municipalities = [r for r in board.municipalities if r["municipality"] is not None]
    populations = dict(Municipality.objects.filter(pk__in=[r["municipality"].pk for r in municipalities])
                       .values_list("pk", "population"))
    muni_named = [(r["municipality"].name, populations.get(r["municipality"].pk), r) for r in municipalities]
    in_scope = Municipality.objects.filter(region__isnull=False)
    if board.region_ids is not None:
        in_scope = in_scope.filter(region_id__in=board.region_ids)
    area_population = {row["welfare_area_id"]: row["n"] for row in
                       in_scope.values("welfare_area_id").annotate(n=Sum("population"))}
    area_named = [(str(r["welfare_area"]), area_population.get(r["welfare_area"].pk), r) for r in board.welfare_areas]
    headers = [_("Inhabitants"), _("Active cardholders"), _("Cardholders per 1,000 inhabitants"), _("Uses"),
               _("Uses per 1,000 inhabitants"), _("Child tickets")]
    return [
        Table("reach_municipalities", _("Reach by the cardholder's home municipality"), [_("Municipality"), *headers],
              _reach_rows(muni_named, [r["municipality"].region_id for r in municipalities])),
        Table("reach_areas", _("Reach by welfare area"), [_("Welfare area"), *headers],
              _reach_rows(area_named, [None] * len(area_named))),
    ]


# --- year over year ------------------------------------------------------------------------------------------------

YOY_FIGURES = ("uses_total", "uses_children", "active_cardholders", "cards_registered", "community_card_uses",
               "cross_region_uses")


def change(current: int, previous: int) -> str:
    """The change in per cent, signed, or "–" when there was nothing to compare with."""
    if not previous:
        return "–"
    return f"{100 * (current - previous) / previous:+.0f} %"


def previous_period(period: Period) -> Period | None:
    """The same months a year earlier (``None`` for the all-years period)."""
    if period.start is None:
        return None
    def back(day: datetime.date) -> datetime.date:
        return day.replace(year=day.year - 1, day=min(day.day, 28)) if day.month == 2 else day.replace(
            year=day.year - 1)
    end = back(period.end)
    if period.end.month == 2:
        end = Period.from_dates(end, end).end
    return Period(back(period.start), end)


def year_rows(region_ids, today: datetime.date | None = None) -> list[dict]:
    """The key figures of every calendar year from the first with figures to this one (this one so far), each as
    ``summary_for`` gives it for that whole year; in three grouped reads of the yearly rollups plus this year's
    live part, not one dashboard per year."""
    today = today or timezone.localdate()
    cutoff = _rollup_cutoff()
    if cutoff is None:  # nothing rolled up yet: every figure is live anyway
        first = min((r.active_from.year for r in _in_regions(Region.objects.all(), region_ids, "pk")),
                    default=today.year)
        return [_year_row(year, summary_for(region_ids, Period.for_year(year)))
                for year in range(min(first, today.year), today.year + 1)]
    rows: dict[int, dict] = {}

    def add(year: int, **values) -> None:
        row = rows.setdefault(year, dict.fromkeys(YOY_FIGURES, 0))
        for name, value in values.items():
            row[name] += value or 0

    uses = _in_regions(UseMonthly.objects.order_by(), region_ids).values(y=ExtractYear("month")).annotate(
        u=Sum("uses"), c=Sum("children"), k=Sum("uses", filter=Q(card_kind=Card.Kind.COMMUNITY)),
        x=Sum("uses", filter=Q(cross_region=True)))
    for row in uses:
        add(row["y"], uses_total=row["u"], uses_children=row["c"], community_card_uses=row["k"],
            cross_region_uses=row["x"])
    for row in _in_regions(CardYearly.objects.order_by(), region_ids).values("year").annotate(n=Sum("registered")):
        add(row["year"], cards_registered=row["n"])
    for row in _in_regions(HolderCounts.objects.order_by(), region_ids).values("year").annotate(n=Sum("to12")):
        add(row["year"], active_cardholders=row["n"])
    live = live_delta(region_ids, Period.for_year(today.year), cutoff)
    add(today.year, uses_total=live.totals["total_uses"], uses_children=live.totals["total_children"],
        community_card_uses=live.totals["community_card_uses"], cross_region_uses=live.totals["cross_region_uses"],
        active_cardholders=sum(r.get("holders") or 0 for r in live.origin["region"].values()),
        cards_registered=sum(r.get("registered") or 0 for r in live.origin["region"].values()))
    first = min(rows, default=today.year)
    return [{"year": year, **rows.get(year, dict.fromkeys(YOY_FIGURES, 0))} for year in range(first, today.year + 1)]


def _year_row(year: int, summary: dict) -> dict:
    return {"year": year, **{name: summary[name] for name in YOY_FIGURES}}


def yoy_label(name: str) -> str:
    return {
        "uses_total": _("Uses"), "uses_children": _("Child tickets"), "active_cardholders": _("Active cardholders"),
        "cards_registered": _("Cards registered"), "community_card_uses": _("Community card uses"),
        "cross_region_uses": _("Cross-region uses"),
    }[name]


def years_table(region_ids, today: datetime.date | None = None) -> Table:
    """The all-years view's table: every year's key figures and their change from the year before."""
    years = year_rows(region_ids, today)
    shown = ("uses_total", "uses_children", "active_cardholders", "cards_registered")
    headers = [_("Year")]
    for name in shown:
        headers += [yoy_label(name), _("Change")]
    rows = []
    for index, row in enumerate(years):
        previous = years[index - 1] if index else None
        line = [str(row["year"])]
        for name in shown:
            line += [row[name], change(row[name], previous[name]) if previous else "–"]
        rows.append(line)
    total = [_("All years"), sum(r["uses_total"] for r in years), "", sum(r["uses_children"] for r in years),
             "", "", "", sum(r["cards_registered"] for r in years), ""]
    rows.append(total)
    return Table("years", _("Year by year (the current year so far)"), headers, rows)


def comparison_table(region_ids, period: Period, summary: dict) -> Table | None:
    """Key figures of the period against the same months a year earlier."""
    previous = previous_period(period)
    if previous is None:
        return None
    before = summary_for(region_ids, previous)
    from .exports import period_label

    rows = [[yoy_label(name), summary[name], before[name], change(summary[name], before[name])]
            for name in YOY_FIGURES]
    return Table("yoy", _("Change from a year earlier"),
                 [_("Figure"), period_label(period), period_label(previous), _("Change")], rows)


# --- the municipal welfare report (point 3) --------------------------------------------------------------------


@dataclass
class WelfareReport:
    """One municipality's or welfare area's year: the holders living there (``residents``: the dashboard's row,
    raw and as shown) and the venues located there (``venues``), each against the year before."""

    title: str
    year: int
    place: str
    residents: dict  # raw figures of the year: registered, taken, holders, uses, children
    venue_totals: dict  # raw: uses, children, community, cross
    tables: list[Table]


def _place_rows(board: Dashboard, municipality: Municipality | None, area: WelfareArea | None):
    """(raw row, shown row) of the place in the dashboard's table by home municipality / welfare area."""
    from .exports import dashboard_tables

    shown = {t.key: t for t in dashboard_tables(board, suppressed=True)}
    if municipality is not None:
        index = next((i for i, r in enumerate(board.municipalities)
                      if r["municipality"] is not None and r["municipality"].pk == municipality.pk), None)
        table, raw = shown["municipalities"], board.municipalities
        cells = slice(2, 7)
    else:
        index = next((i for i, r in enumerate(board.welfare_areas) if r["welfare_area"].pk == area.pk), None)
        table, raw = shown["welfare_areas"], board.welfare_areas
        cells = slice(1, 6)
    names = ("registered", "taken", "holders", "uses", "children")
    if index is None:
        return dict.fromkeys(names, 0), dict.fromkeys(names, 0)
    return ({name: raw[index][name] for name in names},
            dict(zip(names, table.rows[index][cells], strict=True)))


def _reach_cells(board: Dashboard, municipality, area) -> tuple:
    municipalities, areas = reach_tables(board)
    if municipality is not None:
        rows = [r for r, m in zip(municipalities.rows, [x for x in board.municipalities if x["municipality"]],
                                  strict=True) if m["municipality"].pk == municipality.pk]
    else:
        rows = [r for r, a in zip(areas.rows, board.welfare_areas, strict=True) if a["welfare_area"].pk == area.pk]
    return (rows[0][3], rows[0][5]) if rows else ("", "")


def _venue_side(board: Dashboard, venue_ids: set[int]) -> tuple[dict, list[list]]:
    """Totals and rows by category of the uses at ``venue_ids`` (community and cross-region uses from the rollups
    and today's counts: the dashboard's venue rows do not split them)."""
    from venues.models import CATEGORY_GROUP, Category

    from .aggregates import counted_uses
    from .exports import _group_label
    from .selectors import _rolled, _rollup_cutoff, use_totals_rollup, zero_none

    rows = [r for r in board.venues if r["venue"].pk in venue_ids]
    by_category: dict = {}
    for r in rows:
        target = by_category.setdefault(r["venue"].category, [0, 0])
        target[0] += r["uses"]
        target[1] += r["children"]
    cutoff = _rollup_cutoff()
    rolled = zero_none(_rolled(UseMonthly, board.region_ids, board.period, cutoff).filter(
        venue_id__in=venue_ids).aggregate(**use_totals_rollup()))
    lower = max(filter(None, [cutoff, board.period.start]), default=None)
    live = counted_uses().filter(venue_id__in=venue_ids, used_on__lte=board.period.end)
    if lower:
        live = live.filter(used_on__gte=lower)
    if board.region_ids is not None:
        from .aggregates import attributed_to

        live = live.filter(attributed_to(board.region_ids))
    cross = Q(venue_region__isnull=False) & ~Q(venue_region=F("card_region"))
    live_totals = live.aggregate(k=Count("id", filter=Q(card_kind=Card.Kind.COMMUNITY)), x=Count("id", filter=cross))
    totals = {"uses": sum(r["uses"] for r in rows), "children": sum(r["children"] for r in rows),
              "community": rolled["community_card_uses"] + (live_totals["k"] or 0),
              "cross": rolled["cross_region_uses"] + (live_totals["x"] or 0)}
    table = [[str(Category(value).label), _group_label(CATEGORY_GROUP[Category(value)]), *by_category[value],
              sum(by_category[value])] for value, _label in Category.choices if value in by_category]
    return totals, table


def welfare_report(region_ids, year: int, *, municipality: Municipality | None = None,
                   area: WelfareArea | None = None) -> WelfareReport:
    """The municipal welfare report of ``municipality`` (or of the welfare area ``area``) for ``year``, from the
    dashboards of the same scope: its figures are the dashboard's by construction."""
    from .selectors import dashboard_for

    place = municipality.name_fi if municipality is not None else str(area)
    boards = [dashboard_for(region_ids, Period.for_year(y)) for y in (year, year - 1)]
    in_place = Municipality.objects.filter(pk=municipality.pk) if municipality is not None else \
        Municipality.objects.filter(welfare_area=area)
    from venues.models import Venue

    venue_ids = set(Venue.objects.filter(municipality__in=in_place).values_list("pk", flat=True))
    (raw, shown), (raw_before, shown_before) = (_place_rows(b, municipality, area) for b in boards)
    reach, reach_before = (_reach_cells(b, municipality, area) for b in boards)
    (venues, categories), (venues_before, _c) = (_venue_side(b, venue_ids) for b in boards)

    def compare(label, now, before):
        both = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (now, before))
        return [label, now, before, change(now, before) if both else ""]

    years = [_("Figure"), str(year), str(year - 1), _("Change")]
    residents = Table("residents", _("Cardholders living in %(place)s") % {"place": place}, years, [
        compare(_("Cards registered"), shown["registered"], shown_before["registered"]),
        compare(_("Cards taken into use"), shown["taken"], shown_before["taken"]),
        compare(_("Active cardholders"), shown["holders"], shown_before["holders"]),
        compare(_("Cardholders per 1,000 inhabitants"), reach[0], reach_before[0]),
        compare(_("Uses"), shown["uses"], shown_before["uses"]),
        compare(_("Uses per 1,000 inhabitants"), reach[1], reach_before[1]),
        compare(_("Child tickets"), shown["children"], shown_before["children"]),
    ])
    # The venues of a place are public (the catalogue lists them); their use counts are below region level.
    venue_rows = [[_("Uses"), venues["uses"], venues_before["uses"]],
                  [_("Child tickets"), venues["children"], venues_before["children"]],
                  [_("Community card uses"), venues["community"], venues_before["community"]],
                  [_("Cross-region uses"), venues["cross"], venues_before["cross"]]]
    venue_rows = suppress_table(venue_rows, (1, 2))
    at_venues = Table("venues", _("Uses at venues in %(place)s") % {"place": place}, years,
                      [compare(*row) for row in venue_rows])
    categories = suppress_table(categories, (2, 3, 4), row_lines(len(categories), [((2, 3), 4)]) + [
        [(r, c) for r in range(len(categories))] for c in (2, 3, 4)])
    by_category = Table("categories", _("Uses at venues in %(place)s by category, %(year)s") % {
        "place": place, "year": year}, [_("Category"), _("Group"), _("Uses"), _("Child tickets"),
                                        _("Participations in total")], categories, numeric_from=2)
    wellbeing = wellbeing_rows(region_ids, year)
    counts = (wellbeing["municipalities"].get(municipality.pk) if municipality is not None
              else wellbeing["areas"].get(area.pk)) or dict.fromkeys(("holders", "better", "same", "worse",
                                                                       "change"), 0)
    tables = [residents, at_venues, by_category,
              _wellbeing_table("wellbeing", _("Wellbeing change in %(year)s: the holder's latest answer against "
                                              "the first") % {"year": year}, _("Place"), [(place, counts)], counts)]
    title = _("Kaikukortti welfare report %(year)s: %(place)s") % {"year": year, "place": place}
    return WelfareReport(title=title, year=year, place=place, residents=raw, venue_totals=venues, tables=tables)
