"""Public figures (issue 13, point 5): the national key figures per year and per region, as a page and as open data
(CSV and JSON, CC BY 4.0).

Every figure comes from ``reports.selectors.public_figures``, which returns region level and above only and has
already hidden the small counts (R16): nothing here can show a venue's or an office's count, and nothing here
decides what to hide. A hidden count is ``"<5"`` (1 to 4) or ``".."`` (hidden so that a total does not give a small
one away) on the page and in the CSV; in the JSON it is ``null`` with its mark under ``"suppressed"``.

The open data is public: it is not an export of personal data, so it is not recorded as one (R12 records staff
exports); the files are the page's own figures.
"""

import json

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.exports import CsvWriter
from regions import selectors as region_selectors
from reports.selectors import PUBLIC_FIGURES, PublicYear, public_figures
from reports.suppression import COMPLEMENTARY, SUPPRESSED

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "Kaikukeskus / Kulttuuria kaikille -palvelu"
CSV_NAME = "kaikukortti-figures.csv"
JSON_NAME = "kaikukortti-figures.json"

# The names the published figures and the dashboards use (templates/reports/dashboard.html).
LABELS = {
    "cards_registered": gettext_lazy("Cards registered"),
    "cardholders": gettext_lazy("Active cardholders"),
    "uses": gettext_lazy("Uses"),
    "child_tickets": gettext_lazy("Child tickets"),
    "venues": gettext_lazy("Active venues"),
    "offices": gettext_lazy("Active distributor offices"),
    "municipalities": gettext_lazy("Municipalities in the network"),
}
DEFINITIONS = {
    "cards_registered": gettext_lazy("Cards (personal and community) given out in the year, in the region of the "
                                     "office that gave them out."),
    "cardholders": gettext_lazy("Personal cards used at least once in the year, in the card's region."),
    "uses": gettext_lazy("Free tickets and course places taken with the card in the year, one adult visit each: "
                         "the cardholder or the community card's user; in the venue's region (a pop-up venue's in "
                         "the card's region)."),
    "child_tickets": gettext_lazy("Children who came along on a use free of charge."),
    "venues": gettext_lazy("Venues taking the card on at least one day of the year; the whole country's figure "
                           "includes pop-up venues, which belong to no region."),
    "offices": gettext_lazy("Offices giving out the card on at least one day of the year."),
    "municipalities": gettext_lazy("Municipalities of the regions in the network during the year."),
}


def suppression_note() -> str:
    return _('Counts from 1 to 4 of cards, cardholders, uses and child tickets are not published: they are shown as '
             '"<5". Where a total would give a hidden count away, one more count is hidden and shown as "..". Where '
             'fewer than 5 cardholders are shown, their uses and child tickets are hidden too.')


def licence_note() -> str:
    return _("Open data under the Creative Commons Attribution 4.0 licence (CC BY 4.0): you may use and share it "
             "freely when you name the source: Kaikukortti, Kaikukeskus.")


def _year_label(year: PublicYear) -> str:
    return str(year.year) if year.complete else _("%(year)s (so far)") % {"year": year.year}


def _figures_for(years: list[PublicYear], chosen: str | None) -> PublicYear | None:
    return next((year for year in years if str(year.year) == chosen), None) or (
        next((year for year in years if year.complete), None) or (years[0] if years else None))


def _cells(row) -> list:
    return [row.figures[name] for name in PUBLIC_FIGURES]


@require_safe
def figures_page(request):
    years = public_figures()
    chosen = _figures_for(years, request.GET.get("year"))
    names = region_selectors.region_names()
    return render(request, "public/figures.html", {
        "years": years,
        "year_options": [(year.year, _year_label(year)) for year in years],
        "chosen": chosen,
        "chosen_label": _year_label(chosen) if chosen else "",
        "columns": [(name, LABELS[name], DEFINITIONS[name]) for name in PUBLIC_FIGURES],
        "by_year": [(_year_label(year), _cells(year.national)) for year in years],
        "by_region": [(names.get(row.region.pk, row.region.name), _cells(row)) for row in chosen.regions]
        if chosen else [],
        "chosen_national": _cells(chosen.national) if chosen else [],
        "suppressed_mark": SUPPRESSED,
        "complementary_mark": COMPLEMENTARY,
        "suppression_note": suppression_note(),
        "licence_note": licence_note(),
        "licence_url": LICENCE_URL,
        "today": timezone.localdate(),
    })


def _rows(years: list[PublicYear]):
    for year in years:
        yield year, year.national
        for row in year.regions:
            yield year, row


@require_safe
def figures_csv(request):
    """One line per year and region (the whole country first in each year); a note line on the licence and the
    marks above the header, as the first lines of the file."""
    years = public_figures()
    names = region_selectors.region_names()
    whole_country = _("Whole country")

    def lines():
        yield [_("Kaikukortti key figures. Source: Kaikukortti, Kaikukeskus. Licence: %(licence)s %(url)s")
               % {"licence": LICENCE, "url": LICENCE_URL}]
        yield [suppression_note()]
        yield [_("Year"), _("Complete year"), _("Region"), *(str(LABELS[name]) for name in PUBLIC_FIGURES)]
        for year, row in _rows(years):
            yield [year.year, _("yes") if year.complete else _("no"),
                   whole_country if row.national else names.get(row.region.pk, row.region.name),
                   *(row.figures[name] for name in PUBLIC_FIGURES)]

    response = StreamingHttpResponse(CsvWriter().lines(lines(), batch=200), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{CSV_NAME}"'
    return response


def _json_row(row, names: dict[int, str]) -> dict:
    values, hidden = {}, {}
    for name in PUBLIC_FIGURES:
        value = row.figures[name]
        if isinstance(value, int):
            values[name] = value
        else:
            values[name], hidden[name] = None, value
    return {"region": None if row.national else {"id": row.region.pk,
                                                  "name": names.get(row.region.pk, row.region.name)},
            "figures": values, "suppressed": hidden}


@require_safe
def figures_json(request):
    years = public_figures()
    names = region_selectors.region_names()
    data = {
        "title": _("Kaikukortti key figures"),
        "language": translation.get_language(),
        "generated": timezone.localtime().isoformat(timespec="seconds"),
        "licence": {"name": LICENCE, "url": LICENCE_URL},
        "attribution": _("Source: Kaikukortti, Kaikukeskus"),
        "publisher": PUBLISHER,
        "figures": {name: {"label": str(LABELS[name]), "definition": str(DEFINITIONS[name])}
                    for name in PUBLIC_FIGURES},
        "suppression": {
            "note": suppression_note(),
            "marks": {SUPPRESSED: _("a count from 1 to 4"),
                      COMPLEMENTARY: _("hidden so that a total does not give a small count away")},
        },
        "years": [
            {"year": year.year, "complete": year.complete, "whole_country": _json_row(year.national, names),
             "regions": [_json_row(row, names) for row in year.regions]}
            for year in years
        ],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{JSON_NAME}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: readable from any site's scripts
    return response
