"""The one export writer (hardening #5): formula prefixes neutralised, numbers kept as numbers."""

import csv
import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from core.exports import BOM, CsvWriter, cell, safe_text, xlsx_append

ATTACKS = ['=HYPERLINK("http://x")', "=1+2", "+358401234", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "  =1+2",
           "\n@x", " -1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_starting_with_a_formula_prefix_gets_a_leading_quote(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Tampereen Teatteri", "", "<5", "ABC-•••-GHJ", "2025-04-02", "a=b", "'=x",
                                  "  spaces first"])
def test_ordinary_text_is_left_as_it_is(text):
    assert safe_text(text) == text


@pytest.mark.parametrize(("value", "written"), [
    (-3, -3), (0, 0), (12, 12), (Decimal("-1.50"), Decimal("-1.50")), (2.5, 2.5), (None, None),
    ("-3", "'-3"), (True, "True"), (datetime.date(2025, 4, 2), "2025-04-02"),
    (datetime.datetime(2025, 4, 2, 7, 5, tzinfo=datetime.UTC), "2025-04-02 10:05"),
])
def test_numbers_stay_numbers_and_other_values_become_text(settings, value, written):
    settings.TIME_ZONE = "Europe/Helsinki"
    result = cell(value)
    assert (result, type(result)) == (written, type(written))


def test_csv_line_quotes_nothing_it_need_not_and_keeps_negative_numbers():
    writer = CsvWriter()

    line = writer.line(["=1+2", -3, Decimal("4.5"), None, "a;b", "<5"])

    assert line == "'=1+2;-3;4.5;;\"a;b\";<5\r\n"
    assert next(csv.reader(io.StringIO(line), delimiter=";")) == ["'=1+2", "-3", "4.5", "", "a;b", "<5"]


def test_csv_lines_come_in_batches_with_the_bom_first():
    chunks = list(CsvWriter().lines([["@a", 1], ["b", -2], ["c", 3]], batch=2))

    assert chunks == [BOM + "'@a;1\r\nb;-2\r\n", "c;3\r\n"]


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_cells_are_text_not_formulas_and_numbers_are_numbers(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x") if write_only else workbook.active
    xlsx_append(sheet, ['=HYPERLINK("http://x")', "+1", -3, Decimal("2.5"), "<5", "bad\x01=1", None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    cells = list(load_workbook(buffer).worksheets[0].iter_rows())[0]

    assert [c.data_type for c in cells[:6]] == ["s", "s", "n", "n", "s", "s"]
    assert [c.value for c in cells] == ["'=HYPERLINK(\"http://x\")", "'+1", -3, 2.5, "<5", "bad=1"]  # None: no cell


def test_xlsx_strips_characters_xml_cannot_hold_before_neutralising():
    workbook = Workbook()
    xlsx_append(workbook.active, ["\x02=1+2"])

    assert workbook.active["A1"].value == "'=1+2"
    assert workbook.active["A1"].data_type == "s"


def test_local_time_is_the_current_time_zone():
    helsinki = zoneinfo.ZoneInfo("Europe/Helsinki")

    with timezone.override(helsinki):
        assert cell(datetime.datetime(2025, 1, 2, 22, 30, tzinfo=datetime.UTC)) == "2025-01-03 00:30"


@pytest.mark.parametrize("text", [*ATTACKS, "Tampere", "", "  plain", "<5"])
def test_the_csv_fast_path_writes_what_safe_text_gives(text):
    line = CsvWriter().line([text, 1])

    assert next(csv.reader(io.StringIO(line), delimiter=";")) == [safe_text(text), "1"]
