"""Hardening #9 on the dashboards and their files: use and child counts below region level are small cells too."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cards.tests.factories import CardFactory
from regions.tests.factories import CoordinatorFactory, MunicipalityFactory, RegionContactFactory
from reports.services import rollup_rebuild
from reports.suppression import COMPLEMENTARY, SUPPRESSED
from venues.models import Category
from venues.tests.factories import VenueFactory

from .factories import card, network, use

YEAR = timezone.localdate().year - 1
H, C = SUPPRESSED, COMPLEMENTARY


@pytest.fixture
def net(db):
    """North: 6 cardholders from Tampere, 2 from Kangasala (3 uses, 1 child between them), 7 from Nokia.

    Theatre: 8 uses, 7 children. Nokia's swimming hall: 7 uses, 7 children. Pop-up: 6 uses, 2 children.
    Opisto: 1 course place.
    """
    net = network()
    theatre, opisto, _heureka, _swimming, popup = net["venues"]
    north = net["north"]
    kangasala = MunicipalityFactory(code="211", name_fi="Kangasala", region=north,
                                    welfare_area=net["munis"][north.pk].welfare_area)
    issued = {"issued_on": datetime.date(YEAR, 1, 5), "valid_until": datetime.date(YEAR, 12, 31)}
    tampere = [card(net, 0, **issued) for _ in range(6)]
    for i, holder in enumerate(tampere):
        use(holder, theatre, datetime.date(YEAR, 2, 10 + i), children=1)
        use(holder, popup, datetime.date(YEAR, 5, 10 + i), children=2 if i == 0 else 0)
    first, second = (CardFactory(office=net["offices"][0], region=north, home_municipality=kangasala, **issued)
                     for _ in range(2))
    use(first, opisto, datetime.date(YEAR, 3, 3), course=True)
    use(first, theatre, datetime.date(YEAR, 3, 4), children=1)
    use(second, theatre, datetime.date(YEAR, 3, 5))
    nokia = MunicipalityFactory(code="536", name_fi="Nokia", region=north,
                                welfare_area=net["munis"][north.pk].welfare_area)
    hall = VenueFactory(region=north, name="Nokian uimahalli", category=Category.SWIMMING_HALL, municipality=nokia)
    for i in range(7):
        holder = CardFactory(office=net["offices"][0], region=north, home_municipality=nokia, **issued)
        use(holder, hall, datetime.date(YEAR, 4, 1 + i), children=1)
    rollup_rebuild()
    return net


def contact(client, net):
    client.force_login(RegionContactFactory(region=net["north"]).user)


def test_regional_dashboard_hides_small_use_and_child_counts_below_region_level(client, net):
    # Given a contact of the north region
    contact(client, net)
    # When they open their dashboard
    response = client.get(reverse("reports:regional"), {"year": YEAR})
    # Then the Kangasala row (2 holders, 3 uses, 1 child) shows no small figure at all, and in each column
    # the smallest other figure is hidden too: the region's own figure minus the visible ones gives nothing
    tables = response.context["tables"]
    assert [row[0] for row in tables["municipalities"].rows] == ["Kangasala", "Nokia", "Tampere"]
    assert [row[2:] for row in tables["municipalities"].rows] == [[H, H, H, H, H], [7, 7, 7, C, C],
                                                                  [C, C, C, 12, 8]]
    # venues (theatre 8/7/15, hall 7/7/14, pop-up 6/2/8, opisto 1/0/1): the pop-up's 2 children and the
    # opisto's course place are small; the rest follows from the rows' totals and the columns' totals
    assert [row[0] for row in tables["venues"].rows] == ["Tampereen Teatteri", "Nokian uimahalli",
                                                         "Pop-up festivaali", "Työväenopisto"]
    assert [row[4:] for row in tables["venues"].rows] == [[C, C, 15], [C, C, C], [C, H, 8], [H, 0, H]]
    # and the region's own figures are exact
    summary = response.context["board"].summary
    assert (summary["uses_total"], summary["uses_children"], summary["active_cardholders"]) == (22, 16, 15)
    assert [row[1] for row in tables["figures"].rows[:6]] == [15, 15, 15, 22, 16, 38]  # uses, child tickets, both
    # the venue chart leaves out the venues with a hidden count
    assert "Pop-up festivaali" not in response.context["charts"]["venues"]
    assert "Tampereen Teatteri" not in response.context["charts"]["venues"]


def test_exports_hide_the_same_cells_as_text_marks(client, net):
    contact(client, net)

    content = client.get(reverse("reports:regional_export", args=["csv"]), {"year": YEAR}).content.decode()
    workbook = load_workbook(io.BytesIO(client.get(reverse("reports:regional_export", args=["xlsx"]),
                                                   {"year": YEAR}).content))

    rows = list(csv.reader(io.StringIO(content[1:]), delimiter=";"))
    assert next(r for r in rows if r[:1] == ["Kangasala"])[2:] == [H, H, H, H, H]
    assert next(r for r in rows if r[:1] == ["Pop-up festivaali"])[4:] == [C, H, "8"]
    sheet = workbook[next(name for name in workbook.sheetnames if name.startswith("By the cardholder"))]
    cells = {row[0].value: row[2:] for row in sheet.iter_rows(min_row=2)}
    assert [(c.value, c.data_type) for c in cells["Kangasala"]] == [(H, "s")] * 5
    assert [(c.value, c.data_type) for c in cells["Tampere"]] == [(C, "s")] * 3 + [(12, "n"), (8, "n")]


def test_the_coordinators_screen_still_shows_exact_figures(client, net):
    client.force_login(CoordinatorFactory().user)

    response = client.get(reverse("reports:national"), {"year": YEAR})

    municipalities = {row[0]: row[2:] for row in response.context["tables"]["municipalities"].rows}
    assert municipalities["Kangasala"] == [2, 2, 2, 3, 1]
