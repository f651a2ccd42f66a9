"""Hardening #5: names that start like a formula come out of every statistics CSV and XLSX as text."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from distributors.models import Office, Organisation
from regions.models import Municipality, Region
from regions.tests.factories import CoordinatorFactory, RegionContactFactory
from reports.models import ReportFile
from reports.services import rollup_rebuild
from venues.models import Venue

from .factories import card, network, use

YEAR = timezone.localdate().year - 1
PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NAMES = {
    "venue": '=HYPERLINK("http://x")',
    "venue2": " @SUM(A1)",
    "office": "+358 Toimisto",
    "organisation": "-Järjestö",
    "municipality": "=1+2",
    "region": "@Pohjoinen",
}


@pytest.fixture
def net(db):
    net = network()
    theatre, opisto = net["venues"][:2]
    office = net["offices"][0]
    Venue.objects.filter(pk=theatre.pk).update(name=NAMES["venue"])
    Venue.objects.filter(pk=opisto.pk).update(name=NAMES["venue2"])
    Office.objects.filter(pk=office.pk).update(name=NAMES["office"])
    Organisation.objects.filter(pk=office.organisation_id).update(name=NAMES["organisation"])
    Municipality.objects.filter(pk=net["munis"][net["north"].pk].pk).update(name_fi=NAMES["municipality"])
    Region.objects.filter(pk=net["north"].pk).update(name=NAMES["region"], name_fi=NAMES["region"])
    issued = {"issued_on": datetime.date(YEAR, 1, 5), "valid_until": datetime.date(YEAR, 12, 31)}
    for i in range(6):
        use(card(net, 0, **issued), theatre, datetime.date(YEAR, 2 + i % 3, 10), children=1)
    for i in range(5):  # 5 course places: no small cell in the opisto's row
        use(card(net, 0, **issued), opisto, datetime.date(YEAR, 3, 3 + i), course=True)
    rollup_rebuild()
    return net


def csv_cells(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def assert_neutralised_csv(rows: list[list[str]], expected: set[str]) -> None:
    texts = {value for row in rows for value in row}
    assert [value for value in texts if value.lstrip().startswith(PREFIXES) or value.startswith(PREFIXES)] == []
    assert {"'" + name for name in expected} <= texts


def assert_neutralised_xlsx(cells: list, expected: set[str]) -> None:
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    assert [v for v in texts if v.lstrip().startswith(PREFIXES) or v.startswith(PREFIXES)] == []
    assert {"'" + name for name in expected} <= texts


DASHBOARD_NAMES = {NAMES[key] for key in ("venue", "venue2", "office", "organisation", "municipality", "region")}


@pytest.mark.parametrize("national", [False, True])
def test_dashboard_csv_and_xlsx_neutralise_formula_names(client, net, national):
    if national:
        client.force_login(CoordinatorFactory().user)
    else:
        client.force_login(RegionContactFactory(region=net["north"]).user)
    name = "reports:national_export" if national else "reports:regional_export"

    csv_rows = csv_cells(client.get(reverse(name, args=["csv"]), {"year": YEAR}).content)
    cells = xlsx_cells(client.get(reverse(name, args=["xlsx"]), {"year": YEAR}).content)

    assert_neutralised_csv(csv_rows, DASHBOARD_NAMES)
    assert_neutralised_xlsx(cells, DASHBOARD_NAMES)
    # Figures stay numbers: the theatre's row is 6 uses, 6 children, 12 visitors, as numbers in XLSX.
    theatre = next(r for r in csv_rows if r[:1] == ["'" + NAMES["venue"]])
    assert theatre[-3:] == ["6", "6", "12"]
    row = next(c.row for c in cells if c.value == "'" + NAMES["venue"])
    sheet = next(c.parent for c in cells if c.value == "'" + NAMES["venue"])
    assert [(c.value, c.data_type) for c in sheet[row][-3:]] == [(6, "n"), (6, "n"), (12, "n")]


def test_streamed_uses_csv_neutralises_formula_names(client, net):
    client.force_login(RegionContactFactory(region=net["north"]).user)

    response = client.get(reverse("reports:uses_csv"), {"year": YEAR})

    rows = csv_cells(b"".join(response.streaming_content))
    assert len(rows) == 1 + 11
    assert_neutralised_csv(rows, {NAMES["venue"], NAMES["venue2"], NAMES["municipality"], NAMES["region"]})


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_generated_uses_files_neutralise_formula_names(client, net, fmt, django_capture_on_commit_callbacks):
    client.force_login(RegionContactFactory(region=net["north"]).user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:file_request") + f"?year={YEAR}", {"kind": "uses", "format": fmt})
    report = ReportFile.objects.get()

    content = b"".join(client.get(reverse("reports:file_download", args=[report.pk])).streaming_content)

    expected = {NAMES["venue"], NAMES["venue2"], NAMES["municipality"], NAMES["region"]}
    if fmt == "csv":
        assert_neutralised_csv(csv_cells(content), expected)
    else:
        cells = xlsx_cells(content)
        assert_neutralised_xlsx(cells, expected)
        # adults (1) and children are numbers
        assert {c.data_type for c in cells if c.column == 8 and c.row > 1} == {"n"}
