"""Dashboards and uses as CSV (UTF-8 with BOM, ';'), XLSX (openpyxl) and PDF (WeasyPrint).

Every export goes through ``dashboard_tables`` (or ``uses_rows``) so the files and the page show
the same figures; person counts below region level are always suppressed in files.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cards.models import Card, Use
from core.exports import BOM, CsvWriter, xlsx_append
from regions.selectors import region_names
from venues.models import Category, StatGroup, Venue

from . import charts
from .aggregates import GROUPS, attributed_to, counted_uses
from .selectors import Dashboard, Period, participations
from .suppression import (
    COMPLEMENTARY,
    SMALL_COUNT_LIMIT,
    SUPPRESSED,
    column_lines,
    is_small,
    row_lines,
    suppress_table,
)

NOTICE = gettext_lazy(
    "Data protection: these are statistics from the Kaikukortti registry, which holds no names, identity "
    "codes, dates of birth or addresses. Below region level, counts from 1 to 4 (cards, cardholders, uses, "
    "children) are shown as \"<5\"; where a total would give one away, one more figure is hidden and shown as "
    "\"..\". Do not try to identify individuals from the figures. Keep this file only as long as you need it and "
    "handle it according to your organisation's data-protection rules."
)


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    numeric_from: int = 1


def period_label(period: Period) -> str:
    start, end = period.start, period.end
    if start is None:
        return f"– {end.month}/{end.year}"
    if start.year == end.year and start.month == 1 and end.month == 12:
        return str(start.year)
    if start.year == end.year and start.month == end.month:
        return f"{start.month}/{start.year}"
    if start.year == end.year:
        return f"{start.month}–{end.month}/{end.year}"
    return f"{start.month}/{start.year}–{end.month}/{end.year}"


def scope_label(board: Dashboard) -> str:
    if board.national:
        return _("Whole country")
    return ", ".join(region.name for region in board.regions)


def report_title(board: Dashboard) -> str:
    return _("Kaikukortti statistics %(period)s: %(scope)s") % {
        "period": period_label(board.period), "scope": scope_label(board)}


def _group_label(group: str) -> str:
    return str(dict(StatGroup.choices)[group])


def visit_headers() -> list[str]:
    """Named as the published figures name them: a use admits one adult (the cardholder or the community card's
    user), child tickets come on top, participations are both (``selectors.participations``)."""
    return [_("Uses"), _("Child tickets"), _("Participations in total")]


def visits(row: dict) -> list[int]:
    return [row["uses"], row["children"], row["uses"] + row["children"]]


def _below_region(rows: list[list], columns: range, suppressed: bool, lines=(), holders: int | None = None,
                  derived: tuple[int, ...] = ()) -> list[list]:
    """A table below region level as shown: through ``reports.suppression`` when ``suppressed``. ``holders``: the
    column of a row's active cardholders; where they are 1–4, the row's ``derived`` counts (their uses and child
    tickets) are theirs and hidden as "<5" too (issue 17)."""
    if not suppressed:
        return rows
    if holders is not None:
        rows = [[1 if c in derived and value and is_small(row[holders]) else value for c, value in enumerate(row)]
                for row in rows]
    return suppress_table(rows, columns, lines)


def venue_rows(board: Dashboard, *, suppressed: bool) -> list[list]:
    """Every venue's row (name, region, municipality, category, uses, children, visitors), in the board's order."""
    rows = [[r["venue"].name, str(r["venue"].region or _("pop-up venue")), str(r["venue"].municipality or ""),
             str(r["venue"].get_category_display()), *visits(r)] for r in board.venues]
    # visitors = uses + children: a row's own total; the columns add up to the regions' figures
    lines = row_lines(len(rows), [((4, 5), 6)]) + column_lines(
        [r["venue"].region.pk if r["venue"].region else None for r in board.venues], range(4, 7))
    return _below_region(rows, range(4, 7), suppressed, lines)


def dashboard_tables(board: Dashboard, *, suppressed: bool, top_venues: int | None = None,
                     top_offices: int | None = None, top_municipalities: int | None = None) -> list[Table]:
    """The dashboard as tables. ``suppressed``: the small cells below region level are hidden
    (``reports.suppression``, over the whole table before a page shows only its top rows)."""
    s = board.summary
    key_figures = [
        [_("Cards registered"), s["cards_registered"]],
        [_("Cards taken into use"), s["cards_taken_into_use"]],
        [_("Active cardholders"), s["active_cardholders"]],
        [_("Uses"), s["uses_total"]],
        [_("Child tickets"), s["uses_children"]],
        [_("Participations in total"), participations(s)],
    ]
    for group in GROUPS:
        key_figures.append([_("%(group)s, uses") % {"group": _group_label(group).capitalize()},
                            s["uses_by_group"][group]["adults"]])
        key_figures.append([_("%(group)s, child tickets") % {"group": _group_label(group).capitalize()},
                            s["uses_by_group"][group]["children"]])
    key_figures += [
        [_("Community card uses"), s["community_card_uses"]],
        [_("Cross-region uses"), s["cross_region_uses"]],
        [_("Active distributor offices"), s["active_offices"]],
        [_("Active venues"), s["active_venues"]],
        [_("Municipalities in the network"), s["municipalities_in_network"]],
    ]
    tables = [
        Table("figures", _("Key figures"), [_("Figure"), _("Value")], key_figures),
        Table("trend", _("Uses by month"), [_("Month"), *visit_headers()],
              [[f"{r['month']:%Y-%m}", *visits(r)] for r in board.trend]),
        Table("categories", _("Uses by venue category"), [_("Category"), _("Group"), *visit_headers()],
              [[str(r["label"]), _group_label(r["group"]), *visits(r)] for r in board.categories], numeric_from=2),
    ]
    venues = venue_rows(board, suppressed=suppressed)
    tables.append(Table(
        "venues", _("Top venues") if top_venues else _("Uses by venue"),
        [_("Venue"), _("Region"), _("Municipality"), _("Category"), *visit_headers()],
        venues[:top_venues] if top_venues else venues,
        numeric_from=4,
    ))
    offices = _below_region(
        [[r["office"].name, r["office"].organisation.name, r["office"].region.name, r["registered"], r["taken"],
          r["holders"]] for r in board.offices],
        range(3, 6), suppressed, column_lines([r["office"].region.pk for r in board.offices], range(3, 6)))
    offices_title = _("Cards by distributor office")
    if top_offices and len(offices) > top_offices:
        offices_title = _("Cards by distributor office: the %(shown)s with the most cards of %(total)s "
                          "(all of them in the downloads)") % {"shown": top_offices, "total": len(offices)}
        offices = offices[:top_offices]
    tables.append(Table(
        "offices", offices_title,
        [_("Office"), _("Organisation"), _("Region"), _("Cards registered"), _("Taken into use"),
         _("Active cardholders")],
        offices,
        numeric_from=3,
    ))
    municipalities = _below_region(
        [[str(r["municipality"] or _("no home municipality (community cards)")),
          str((r["municipality"] and r["municipality"].welfare_area) or ""),
          r["registered"], r["taken"], r["holders"], r["uses"], r["children"]] for r in board.municipalities],
        range(2, 7), suppressed,
        column_lines([r["municipality"].region_id if r["municipality"] else None for r in board.municipalities],
                     range(2, 7)), holders=4, derived=(5, 6))
    municipalities_title = _("By the cardholder's home municipality")
    if top_municipalities and len(municipalities) > top_municipalities:
        municipalities_title = _("By the cardholder's home municipality: the %(shown)s with the most uses of "
                                 "%(total)s (all of them in the downloads)") % {
            "shown": top_municipalities, "total": len(municipalities)}
        order = sorted(range(len(municipalities)), key=lambda i: -board.municipalities[i]["uses"])
        municipalities = [municipalities[i] for i in order[:top_municipalities]]
    tables.append(Table(
        "municipalities", municipalities_title,
        [_("Municipality"), _("Welfare area"), _("Cards registered"), _("Taken into use"), _("Active cardholders"),
         _("Uses"), _("Child tickets")],
        municipalities,
        numeric_from=2,
    ))
    tables.append(Table(
        "welfare_areas", _("By welfare area"),
        [_("Welfare area"), _("Cards registered"), _("Taken into use"), _("Active cardholders"), _("Uses"),
         _("Child tickets")],
        _below_region([[str(r["welfare_area"]), r["registered"], r["taken"], r["holders"], r["uses"], r["children"]]
                       for r in board.welfare_areas], range(1, 6), suppressed,
                      column_lines([None] * len(board.welfare_areas), range(1, 6)), holders=3, derived=(4, 5)),
    ))
    if len(board.regions_table) > 1 or board.national:
        tables.append(Table(
            "regions", _("By region"),
            [_("Region"), _("Uses"), _("Child tickets"), _("Cross-region uses"), _("Cards registered"),
             _("Taken into use"), _("Active cardholders")],
            [[r["region"].name, r["uses"], r["children"], r["cross"], r["registered"], r["taken"], r["holders"]]
             for r in board.regions_table],
        ))
    return tables


# --- charts ---------------------------------------------------------------------------------------


def dashboard_charts(board: Dashboard, *, suppressed: bool = True, top: int = 10) -> dict[str, str]:
    """SVG charts; when ``suppressed``, offices with 1–4 cards and venues with a hidden count are left out
    (a bar would show the count)."""
    series = [str(_("Uses")), str(_("Child tickets"))]
    month_names = [formats.date_format(r["month"], "M") for r in board.trend]
    trend = [charts.Bar(name, (r["adults"], r["children"])) for name, r in zip(month_names, board.trend, strict=True)]
    categories = [charts.Bar(str(r["label"]), (r["adults"], r["children"])) for r in board.categories if r["uses"]]
    # A bar would show a hidden count: venues with a hidden use or child count are left out.
    shown = venue_rows(board, suppressed=suppressed)
    venues = [charts.Bar(r["venue"].name, (r["adults"], r["children"])) for r, row in zip(board.venues, shown,
              strict=True) if not {row[4], row[5]} & {SUPPRESSED, COMPLEMENTARY}][:top]
    offices = [charts.Bar(r["office"].name, (r["registered"],)) for r in board.offices
               if r["registered"] >= (SMALL_COUNT_LIMIT if suppressed else 1)][:top]
    return {
        "trend": charts.vertical_bars("chart-trend", str(_("Uses by month")), trend, series),
        "categories": charts.horizontal_bars("chart-categories", str(_("Uses by venue category")), categories,
                                             series),
        "venues": charts.horizontal_bars("chart-venues", str(_("Top venues")), venues, series),
        "offices": charts.horizontal_bars("chart-offices", str(_("Cards registered by office")), offices,
                                          [str(_("Cards registered"))]),
    }


# --- CSV ------------------------------------------------------------------------------------------


def _meta_rows(title: str, period: Period, scope: str) -> list[list]:
    return [
        [title],
        [_("Period"), period_label(period)],
        [_("Scope"), scope],
        [_("Created"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        [str(NOTICE)],
    ]


def dashboard_csv(board: Dashboard) -> str:
    """Every cell through ``core.exports`` (formula prefixes neutralised, numbers as numbers)."""
    writer = CsvWriter()
    out = [BOM]
    out += [writer.line(row) for row in _meta_rows(report_title(board), board.period, scope_label(board))]
    for table in dashboard_tables(board, suppressed=True):
        out.append("\r\n")
        out.append(writer.line([table.title]))
        out.append(writer.line(table.headers))
        out += [writer.line(row) for row in table.rows]
    return "".join(out)


# --- XLSX -----------------------------------------------------------------------------------------


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]
    base, n = title, 2
    while title in used:
        title = f"{base[:28]} {n}"
        n += 1
    used.add(title)
    return title


def dashboard_xlsx(board: Dashboard) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    info = workbook.active
    used: set[str] = set()
    info.title = _sheet_title(str(_("Information")), used)
    for row in _meta_rows(report_title(board), board.period, scope_label(board)):
        xlsx_append(info, row)
    info["A1"].font = Font(bold=True, size=14)
    info["A5"].alignment = Alignment(wrap_text=True, vertical="top")
    info.merge_cells("A5:F5")
    info.row_dimensions[5].height = 90
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 40
    for table in dashboard_tables(board, suppressed=True):
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        xlsx_append(sheet, table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            xlsx_append(sheet, row)
        for index, header in enumerate(table.headers, start=1):
            width = max([len(str(header))] + [len(str(r[index - 1])) for r in table.rows[:200]]) + 2
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(width, 50)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------------


def dashboard_pdf(board: Dashboard, *, heading: str | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/pdf/dashboard.html", {
        "board": board,
        "title": heading or report_title(board),
        "period_label": period_label(board.period),
        "scope_label": scope_label(board),
        "tables": dashboard_tables(board, suppressed=True),
        "charts": dashboard_charts(board),
        "notice": NOTICE,
        "created": timezone.localtime(),
    })
    return HTML(string=html).write_pdf()


# --- uses, one row per use ------------------------------------------------------------------------

USE_COLUMNS = [
    gettext_lazy("Date"), gettext_lazy("Venue"), gettext_lazy("Venue municipality"), gettext_lazy("Venue region"),
    gettext_lazy("Category"), gettext_lazy("Statistics group"), gettext_lazy("Kind"), gettext_lazy("Adults"),
    gettext_lazy("Children"), gettext_lazy("Card kind"), gettext_lazy("Card region"),
    gettext_lazy("Cross-region"), gettext_lazy("Channel"),
]


def uses_queryset(region_ids, period: Period):
    """Counted uses attributed to the regions (as on the dashboards), oldest first."""
    uses = counted_uses().filter(used_on__lte=period.end)
    if period.start:
        uses = uses.filter(used_on__gte=period.start)
    if region_ids is not None:
        uses = uses.filter(attributed_to(region_ids))
    return uses.order_by("used_on", "id")


def uses_rows(region_ids, period: Period, chunk_size: int = 5000) -> Iterator[list]:
    """Rows of the uses export. No card number, no home municipality: events, not people.

    Names come from small in-memory lookups so the database streams only narrow id rows.
    """
    venues = {
        v.pk: (v.name, str(v.municipality or ""), v.category)
        for v in Venue.objects.select_related("municipality").only("name", "category", "municipality__name_fi",
                                                                  "municipality__name_sv")
    }
    regions = region_names()
    categories = {value: str(label) for value, label in Category.choices}
    groups = {value: str(label) for value, label in StatGroup.choices}
    kinds = {value: str(label) for value, label in Use.Kind.choices}
    card_kinds = {value: str(label) for value, label in Card.Kind.choices}
    channels = {value: str(label) for value, label in Use.Channel.choices}
    yes, no = str(_("yes")), str(_("no"))
    fields = ("used_on", "venue_id", "venue_region_id", "stat_group", "kind", "children", "card_kind",
              "card_region_id", "channel")
    for used_on, venue_id, venue_region, group, kind, children, card_kind, card_region, channel in (
        uses_queryset(region_ids, period).values_list(*fields).iterator(chunk_size=chunk_size)
    ):
        name, municipality, category = venues.get(venue_id, ("", "", ""))
        yield [
            used_on.isoformat(), name, municipality, regions.get(venue_region, ""), categories.get(category, ""),
            groups.get(group, group), kinds.get(kind, kind), 1, children, card_kinds.get(card_kind, card_kind),
            regions.get(card_region, ""), yes if venue_region and venue_region != card_region else no,
            channels.get(channel, channel),
        ]


def uses_csv_stream(region_ids, period: Period, batch: int = 2000) -> Iterator[str]:
    """The uses export as CSV text chunks, for a ``StreamingHttpResponse``: memory stays flat."""
    writer = CsvWriter()
    yield BOM + writer.line(USE_COLUMNS)
    yield from writer.lines(uses_rows(region_ids, period), bom=False, batch=batch)


XLSX_MAX_ROWS = 1_000_000


def uses_xlsx(region_ids, period: Period, out, progress: Callable[[int], None] | None = None,
              every: int = 10_000) -> int:
    """Write the uses export as XLSX to the file ``out`` (write-only mode); returns the row count."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    header = [str(c) for c in USE_COLUMNS]
    sheet, count, in_sheet, n_sheet = None, 0, XLSX_MAX_ROWS, 0
    for row in uses_rows(region_ids, period):
        if in_sheet >= XLSX_MAX_ROWS:
            n_sheet += 1
            sheet = workbook.create_sheet(f"{_('Uses')} {n_sheet}")
            xlsx_append(sheet, header)
            in_sheet = 0
        xlsx_append(sheet, row)
        in_sheet += 1
        count += 1
        if progress and count % every == 0:
            progress(count)
    if sheet is None:
        xlsx_append(workbook.create_sheet(str(_("Uses"))), header)
    workbook.save(out)
    return count


# --- the municipal welfare report (issue 17, point 3) -------------------------------------------------------------


def welfare_report_xlsx(report) -> bytes:
    """``reports.welfare.WelfareReport`` as a workbook: an information sheet, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    info = workbook.active
    used: set[str] = set()
    info.title = _sheet_title(str(_("Information")), used)
    for row in [[report.title], [_("Year"), report.year], [_("Created"),
                                                           timezone.localtime().strftime("%Y-%m-%d %H:%M")],
                [str(NOTICE)]]:
        xlsx_append(info, row)
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 40
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        xlsx_append(sheet, [table.title])
        sheet["A1"].font = Font(bold=True)
        xlsx_append(sheet, table.headers)
        for row in table.rows:
            xlsx_append(sheet, row)
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def welfare_report_pdf(report) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/pdf/welfare_report.html", {
        "report": report, "notice": NOTICE, "created": timezone.localtime(),
    })
    return HTML(string=html).write_pdf()
