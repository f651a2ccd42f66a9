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
from django.utils.translation import gettext as _

from cards.models import Card, WellbeingAnswer
from regions.models import Municipality, Region, WelfareArea

from .selectors import Dashboard, Period, _in_regions, summary_for
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
    grouped = rows.values("region_id", "home_municipality__welfare_area_id").annotate(
        holders=Count("id"), better=Count("id", filter=Q(value__gt=F("first_value"))),
        same=Count("id", filter=Q(value=F("first_value"))), worse=Count("id", filter=Q(value__lt=F("first_value"))),
        change=Sum(F("value") - F("first_value")),
    )
    out = {"regions": {}, "areas": {}, "total": dict.fromkeys(("holders", "better", "same", "worse", "change"), 0)}
    for row in grouped:
        for target in (out["regions"].setdefault(row["region_id"], {}),
                       out["areas"].setdefault(row["home_municipality__welfare_area_id"], {}), out["total"]):
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
    age_counts = cards.aggregate(**ages)
    gender = {row["gender"]: row["n"] for row in cards.values("gender").annotate(n=Count("id"))}
    life = {row["life_situation"]: row["n"] for row in cards.values("life_situation").annotate(n=Count("id"))}
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


def year_rows(region_ids, first_year: int, last_year: int) -> list[dict]:
    """The key figures of every year from ``first_year`` to ``last_year`` (whole years: the yearly rollups)."""
    return [{"year": year, **summary_for(region_ids, Period.for_year(year))} for year in
            range(first_year, last_year + 1)]
