from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from regions.models import Municipality, WelfareArea
from regions.services import municipalities_load
from regions.tests.factories import MunicipalityFactory, RegionFactory, WelfareAreaFactory

pytestmark = pytest.mark.django_db

SHARED_FILE = Path(settings.BASE_DIR).parent / "shared/data/municipalities-2021.csv"
needs_shared_file = pytest.mark.skipif(
    not SHARED_FILE.is_file(), reason=f"shared municipality file not found at {SHARED_FILE} (../shared beside the repo)"
)

HEADER = "code,name_fi,name_sv,population_2020,welfare_area_id,welfare_area_fi,welfare_area_sv\n"
TAMPERE = "837,Tampere,Tammerfors,241009,PI,Pirkanmaan hyvinvointialue,Birkalands välfärdsområde\n"
NOKIA = "536,Nokia,Nokia,34476,PI,Pirkanmaan hyvinvointialue,Birkalands välfärdsområde\n"
HELSINKI = "091,Helsinki,Helsingfors,656920,,,\n"


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "municipalities.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _load(path) -> str:
    out = StringIO()
    call_command("load_municipalities", str(path), stdout=out)
    return out.getvalue()


@needs_shared_file
def test_shared_file_loads_every_municipality_and_welfare_area():
    output = _load(SHARED_FILE)

    assert "Municipalities: 309 created, 0 updated, 0 unchanged." in output
    assert "Welfare areas: 21 created, 0 updated, 0 unchanged." in output
    assert Municipality.objects.count() == 309
    assert WelfareArea.objects.count() == 21
    tampere = Municipality.objects.get(code="837")
    assert (tampere.name_fi, tampere.name_sv, tampere.population) == ("Tampere", "Tammerfors", 241009)
    assert tampere.welfare_area.code == "PI"
    assert tampere.welfare_area.name_sv == "Birkalands välfärdsområde"
    helsinki = Municipality.objects.get(code="091")
    assert helsinki.welfare_area is None
    assert Municipality.objects.filter(welfare_area__isnull=True).count() == 17  # Helsinki and 16 on Åland


@needs_shared_file
def test_shared_file_twice_changes_nothing_the_second_time():
    _load(SHARED_FILE)

    output = _load(SHARED_FILE)

    assert "Municipalities: 0 created, 0 updated, 309 unchanged." in output
    assert "Welfare areas: 0 created, 0 updated, 21 unchanged." in output
    assert Municipality.objects.count() == 309


def test_existing_rows_are_updated_by_code_and_keep_their_region(tmp_path):
    region = RegionFactory(name="Tampere")
    old_area = WelfareAreaFactory(code="PI", name_fi="Vanha nimi", name_sv="")
    MunicipalityFactory(code="837", name_fi="Tampere", name_sv="", population=1, welfare_area=old_area, region=region)
    path = _write(tmp_path, HEADER + TAMPERE + HELSINKI)

    counts = municipalities_load(path=path)

    assert counts.municipalities_created == 1
    assert counts.municipalities_updated == 1
    assert counts.municipalities_unchanged == 0
    assert counts.welfare_areas_created == 0
    assert counts.welfare_areas_updated == 1
    tampere = Municipality.objects.get(code="837")
    assert (tampere.name_sv, tampere.population) == ("Tammerfors", 241009)
    assert tampere.region == region
    assert tampere.welfare_area == old_area
    old_area.refresh_from_db()
    assert old_area.name_fi == "Pirkanmaan hyvinvointialue"
    assert Municipality.objects.get(code="091").region is None


def test_columns_in_another_order_and_a_bom_are_accepted(tmp_path):
    text = "\ufeffname_fi,code,name_sv,population_2020,welfare_area_fi,welfare_area_id,welfare_area_sv\n" \
           "Nokia,536,Nokia,34476,Pirkanmaan hyvinvointialue,PI,Birkalands välfärdsområde\n"

    counts = municipalities_load(path=_write(tmp_path, text))

    assert counts.municipalities_created == 1
    assert Municipality.objects.get(code="536").welfare_area.code == "PI"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        pytest.param("code,name,population\n" + TAMPERE, 1, "wrong columns", id="wrong-header"),
        pytest.param(HEADER + TAMPERE + "536,Nokia,Nokia,34476,PI\n", 3, "expected 7 columns, found 5",
                     id="short-row"),
        pytest.param(HEADER + TAMPERE + HELSINKI + "91,Helsinki,Helsingfors,656920,,,\n", 4, "is not 3 digits",
                     id="code-two-digits"),
        pytest.param(HEADER + "83A,Tampere,Tammerfors,241009,,,\n", 2, "is not 3 digits", id="code-not-digits"),
        pytest.param(HEADER + TAMPERE + "536,,Nokia,34476,,,\n", 3, "Finnish name (name_fi) is empty",
                     id="empty-name"),
        pytest.param(HEADER + TAMPERE + "536,Nokia,Nokia,34 476,,,\n", 3, "not a non-negative integer",
                     id="population-not-integer"),
        pytest.param(HEADER + TAMPERE + "536,Nokia,Nokia,-5,,,\n", 3, "not a non-negative integer",
                     id="population-negative"),
        pytest.param(HEADER + TAMPERE + NOKIA + TAMPERE, 4, "duplicate municipality code 837 (first on line 2)",
                     id="duplicate-code"),
        pytest.param(HEADER + TAMPERE + "536,Nokia,Nokia,34476,PI,Toinen nimi,\n", 3, "named differently",
                     id="welfare-area-renamed"),
        pytest.param(HEADER + "536,Nokia,Nokia,34476,,Pirkanmaan hyvinvointialue,\n", 2, "without its id",
                     id="welfare-name-without-id"),
        pytest.param("", 1, "the file is empty", id="empty-file"),
        pytest.param(HEADER, 1, "no municipalities", id="header-only"),
    ],
)
def test_bad_file_names_the_line_and_loads_nothing(tmp_path, text, line, fragment):
    path = _write(tmp_path, text)

    with pytest.raises(CommandError) as excinfo:
        _load(path)

    message = str(excinfo.value)
    assert f"line {line}: " in message
    assert fragment in message
    assert Municipality.objects.count() == 0
    assert WelfareArea.objects.count() == 0


def test_bad_row_after_good_rows_leaves_existing_data_untouched(tmp_path):
    area = WelfareAreaFactory(code="PI", name_fi="Vanha nimi", name_sv="")
    MunicipalityFactory(code="837", name_fi="Tampere", name_sv="", population=1, welfare_area=area, region=None)
    path = _write(tmp_path, HEADER + TAMPERE + NOKIA + "562,Orivesi,Orivesi,lots,PI,Pirkanmaan hyvinvointialue,"
                  "Birkalands välfärdsområde\n")

    with pytest.raises(CommandError, match="line 4: population 'lots'"):
        _load(path)

    assert list(Municipality.objects.values_list("code", "name_sv", "population")) == [("837", "", 1)]
    area.refresh_from_db()
    assert area.name_fi == "Vanha nimi"


def test_every_bad_line_is_reported(tmp_path):
    path = _write(tmp_path, HEADER + "12,Yksi,,1,,,\n" + TAMPERE + "536,,Nokia,x,,,\n")

    with pytest.raises(CommandError) as excinfo:
        _load(path)

    message = str(excinfo.value)
    assert "line 2: municipality code '12' is not 3 digits" in message
    assert "line 4: the Finnish name (name_fi) is empty" in message
    assert "line 4: population 'x' is not a non-negative integer" in message


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _load(tmp_path / "missing.csv")
