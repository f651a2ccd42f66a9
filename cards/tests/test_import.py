"""Bulk import (CSV/XLSX): preview with per-row errors, nothing saved until confirmed, all-or-nothing,
every row through ``card_issue``."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cards import numbers
from cards.models import Card, CardEvent
from cards.resources import import_cards, read_dataset
from cards.tests.factories import _number
from cards.tests.web import build_world, card_for
from regions.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

A, B, C = _number(501), _number(502), _number(503)


@pytest.fixture
def world():
    w = build_world()
    MunicipalityFactory(code="005", name_fi="Alajärvi", region=w.region)
    return w


def csv_file(text: str, name: str = "kortit.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


GOOD = f"number,birth_year,municipality,postal_code,children,format,language\n" \
       f"{numbers.display(A)},1980,837,33100,2,paper,fi\n" \
       f",1975,Tampere,,0,mobile,sv\n" \
       f"{B},1990,5,,1,both,en\n"


def test_read_dataset_accepts_finnish_headers_semicolons_and_windows_encoding():
    text = "Numero;Syntymävuosi;Kunta;Postinumero;Lapset\n;1980;Tampere;100;0\n"
    dataset = read_dataset(text.encode("cp1252"), "kortit.csv")
    assert dataset.headers == ["number", "birth_year", "municipality", "postal_code", "children"]
    assert list(dataset[0]) == ["", "1980", "Tampere", "100", "0"]


def test_preview_saves_nothing_and_lists_every_row(client, world):
    client.force_login(world.jakaja)

    response = client.post(reverse("cards:import"), {"office": world.office.pk, "file": csv_file(GOOD)})

    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert (outcome.total, outcome.errors, outcome.saved) == (3, [], False)
    assert [(line, generated) for line, _n, generated in outcome.created] == [(2, False), (3, True), (4, False)]
    assert Card.objects.count() == 0
    assert CardEvent.objects.count() == 0
    assert "Confirm: import 3 cards" in response.content.decode()


def test_confirm_imports_all_rows_through_the_service(client, world):
    client.force_login(world.jakaja)
    client.post(reverse("cards:import"), {"office": world.office.pk, "file": csv_file(GOOD)})

    response = client.post(reverse("cards:import_confirm"))

    assert response.status_code == 302
    cards = Card.objects.order_by("birth_year")
    assert [(c.birth_year, c.home_municipality.code, c.children, c.format, c.language) for c in cards] == [
        (1975, "837", 0, "mobile", "sv"), (1980, "837", 2, "paper", "fi"), (1990, "005", 1, "both", "en"),
    ]
    assert {A, B} <= {c.number for c in cards}
    assert all(numbers.is_valid(c.number) for c in cards)
    assert set(CardEvent.objects.values_list("kind", flat=True)) == {"imported"}
    assert set(CardEvent.objects.values_list("by", flat=True)) == {world.jakaja.pk}
    # The pending file is used once.
    assert client.post(reverse("cards:import_confirm")).status_code == 302
    assert Card.objects.count() == 3


def test_errors_are_listed_per_line_with_code_and_nothing_can_be_confirmed(client, world):
    card_for(world.other_office, world.helsinki, number=C)
    MunicipalityFactory(code="999", name_fi="Ulkokunta", region=None)
    text = (
        "number,birth_year,municipality,children\n"
        f"{A},1980,837,0\n"  # line 2: fine
        f"{C},1980,837,0\n"  # line 3: taken
        ",2020,837,0\n"  # line 4: too young
        ",1980,999,0\n"  # line 5: outside the network
        ",1980,Atlantis,0\n"  # line 6: unknown municipality
        f"{A[:-1]}{'X' if A[-1] != 'X' else 'Y'},1980,837,0\n"  # line 7: mistyped
        ",,,\n"  # line 8: blank, skipped
        f"{A},1981,837,0\n"  # line 9: duplicate of line 2 in the same file
        ",abc,837,0\n"  # line 10: not a year
    )
    client.force_login(world.jakaja)

    response = client.post(reverse("cards:import"), {"office": world.office.pk, "file": csv_file(text)})

    errors = [str(e) for e in response.context["outcome"].errors]
    assert errors == [
        "line 3: card_number_taken – A card with this number already exists.",
        "line 4: holder_too_young – The holder must be at least 16 or turn 16 this year.",
        "line 5: municipality_not_in_network – The home municipality does not belong to an active Kaikukortti "
        "region.",
        "line 6: municipality_unknown – No municipality has this code or name.",
        "line 7: card_number_invalid – The card number is mistyped: its check character does not match.",
        "line 9: card_number_taken – A card with this number already exists.",
        "line 10: birth_year_invalid – The birth year is not valid.",
    ]
    assert Card.objects.count() == 1
    assert "Confirm: import" not in response.content.decode()
    assert client.post(reverse("cards:import_confirm")).status_code == 302
    assert Card.objects.count() == 1


def test_import_is_all_or_nothing_when_a_row_fails_at_confirm_time(world):
    dataset = read_dataset(GOOD.encode(), "kortit.csv")
    card_for(world.other_office, world.helsinki, number=B)  # taken after the preview

    outcome = import_cards(user=world.jakaja, office=world.office, dataset=dataset, dry_run=False)

    assert outcome.saved is False
    assert [str(e) for e in outcome.errors] == ["line 4: card_number_taken – A card with this number already exists."]
    assert Card.objects.count() == 1
    assert CardEvent.objects.count() == 0


def test_xlsx_with_numeric_cells_is_imported(client, world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Syntymävuosi", "Kotikunta", "Postinumero", "Lapset", "Muoto"])
    sheet.append([1980, 5, 100, 1, "mobiili"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("kortit.xlsx", buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    client.force_login(world.jakaja)

    preview = client.post(reverse("cards:import"), {"office": world.office.pk, "file": upload})
    assert preview.context["outcome"].errors == []
    client.post(reverse("cards:import_confirm"))

    card = Card.objects.get()
    assert (card.birth_year, card.home_municipality.code, card.postal_code, card.children, card.format) == (
        1980, "005", "00100", 1, "mobile")


def test_missing_columns_and_wrong_files_are_refused(client, world):
    client.force_login(world.jakaja)

    response = client.post(reverse("cards:import"), {"office": world.office.pk,
                                                     "file": csv_file("number,children\n,1\n")})
    assert response.context["form"].errors["file"] == [
        "The file needs a header row with at least the columns birth_year and municipality."
    ]
    response = client.post(reverse("cards:import"), {"office": world.office.pk,
                                                     "file": csv_file("x", name="kortit.pdf")})
    assert "file" in response.context["form"].errors
    assert Card.objects.count() == 0


def test_import_is_for_distributor_staff_only_and_into_their_own_office(client, world):
    client.force_login(world.contact)
    assert client.get(reverse("cards:import")).status_code == 403

    client.force_login(world.jakaja)
    response = client.post(reverse("cards:import"), {"office": world.other_office.pk, "file": csv_file(GOOD)})
    assert "office" in response.context["form"].errors
    assert Card.objects.count() == 0
