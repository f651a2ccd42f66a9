"""Each card rule is written once and every entry point answers alike (issue 10, "one place per rule"):
the register form, the importer and the API refuse the same input with the same code (R1, R2); the renew
page and ``card_renew`` agree on the new end date and the pages on "expired" (R3); labels take the child
age limit from the national settings (R5)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cards import imports, numbers, services
from cards.imports import upload_storage
from cards.models import Card
from cards.selectors import municipality_from_text
from cards.tests.factories import _number
from cards.tests.web import build_world, card_for
from core.errors import MESSAGES, DomainError
from regions.models import NationalSettings

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MISTYPED = _number(4242)[:-1] + ("X" if _number(4242)[-1] != "X" else "Y")


@pytest.fixture
def world():
    return build_world()


def _form(client, world, **overrides) -> dict:
    data = {"office": world.office.pk, "number": "", "generate_number": "on", "birth_year": 1980,
            "home_municipality": "Tampere (837)", "postal_code": "", "children": 0, "format": "paper",
            "language": "fi"}
    data.update(overrides)
    client.force_login(world.jakaja)
    response = client.post(reverse("cards:register"), data)
    assert response.status_code == 200, "refused"
    errors = response.context["form"].errors.as_data()
    return {field: [error.code for error in field_errors] for field, field_errors in errors.items()}


def _import(world, *, number: str = "", birth_year: str = "1980", municipality: str = "837") -> list[str]:
    text = f"number,birth_year,municipality\n{number},{birth_year},{municipality}\n"
    job = imports.job_create(user=world.jakaja, office=world.office,
                             upload=SimpleUploadedFile("k.csv", text.encode(), content_type="text/csv"))
    job = imports.job_validate(job.pk)
    upload_storage.delete(job.file)
    if job.rows_file:
        upload_storage.delete(job.rows_file)
    return [code for _line, _column, code in job.errors]


def _api(world, **overrides):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world.jakaja)[0].key}")
    body = {"office": world.office.pk, "birth_year": 1980, "home_municipality": "837", "format": "mobile"}
    body.update(overrides)
    response = client.post("/api/v1/cards/", body)
    return response.status_code, response.json().get("code")


# --- R1: the home municipality, read by one function ------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("Tampere (837)", "837"), ("837", "837"), ("91", "091"), ("tammerfors", "837"), ("  Helsinki ", "091"),
])
def test_a_municipality_is_found_by_label_code_or_either_name(world, text, code):
    assert municipality_from_text(text).code == code


@pytest.mark.parametrize(("text", "code"), [
    ("Atlantis", "municipality_unknown"), ("", "municipality_unknown"), ("1234", "municipality_unknown"),
    ("999", "municipality_not_in_network"), ("Ulkokunta (999)", "municipality_not_in_network"),
])
def test_a_municipality_that_cannot_be_used_is_refused_with_one_code(world, text, code):
    with pytest.raises(DomainError) as refused:
        municipality_from_text(text)
    assert refused.value.code == code


def test_the_form_the_importer_and_the_api_answer_an_unknown_code_alike(client, world):
    assert _form(client, world, home_municipality="999") == {"home_municipality": ["municipality_not_in_network"]}
    assert _import(world, municipality="999") == ["municipality_not_in_network"]
    assert _api(world, home_municipality="999") == (400, "municipality_not_in_network")
    assert Card.objects.count() == 0


def test_the_form_and_the_importer_answer_an_unknown_name_alike(client, world):
    assert _form(client, world, home_municipality="Atlantis") == {"home_municipality": ["municipality_unknown"]}
    assert _import(world, municipality="Atlantis") == ["municipality_unknown"]
    assert Card.objects.count() == 0


# --- R1: one set of birth-year bounds --------------------------------------------------------------------


def test_birth_year_bounds_follow_today():
    assert services.birth_year_bounds(datetime.date(2030, 6, 1)) == (1910, 2030)


@pytest.mark.parametrize("birth_year", [TODAY.year - 121, TODAY.year + 1])
def test_every_entry_point_refuses_an_impossible_birth_year_alike(client, world, birth_year):
    assert _form(client, world, birth_year=birth_year) == {"birth_year": ["birth_year_invalid"]}
    assert _import(world, birth_year=str(birth_year)) == ["birth_year_invalid"]
    assert _api(world, birth_year=birth_year) == (400, "birth_year_invalid")
    assert Card.objects.count() == 0


def test_the_oldest_possible_birth_year_is_accepted_everywhere(client, world):
    earliest, latest = services.birth_year_bounds()
    client.force_login(world.jakaja)
    page = client.get(reverse("cards:register")).content.decode()

    assert f'min="{earliest}"' in page
    assert f'max="{latest}"' in page
    assert _import(world, birth_year=str(earliest)) == []
    assert _api(world, birth_year=earliest)[0] == 201


# --- R2: one card-number check ---------------------------------------------------------------------------


def test_numbers_clean_normalizes_or_refuses():
    number = _number(4242)
    assert numbers.clean(numbers.display(number).lower()) == number
    assert numbers.clean(" ") == ""
    with pytest.raises(DomainError) as refused:
        numbers.clean(MISTYPED)
    assert refused.value.code == "card_number_invalid"


def test_every_entry_point_refuses_a_mistyped_number_alike(client, world):
    card = card_for(world.office, world.tampere)
    client.force_login(world.jakaja)

    assert _form(client, world, number=MISTYPED, generate_number="") == {"number": ["card_number_invalid"]}
    assert _import(world, number=MISTYPED) == ["card_number_invalid"]
    assert _api(world, number=MISTYPED) == (400, "card_number_invalid")
    replace = client.post(reverse("cards:replace", args=[card.pk]), {"number": MISTYPED, "reason": "lost"})
    assert replace.context["form"].errors["number"] == [str(MESSAGES["card_number_invalid"])]
    assert list(Card.objects.values_list("pk", flat=True)) == [card.pk]


# --- R3: renewal date and "expired" --------------------------------------------------------------------------


def test_the_renew_page_shows_the_date_card_renew_writes(client, world):
    region = world.region
    region.default_valid_until = TODAY + datetime.timedelta(days=100)
    region.save()
    card = card_for(world.office, world.tampere, valid_until=TODAY + datetime.timedelta(days=10))
    client.force_login(world.jakaja)

    shown = client.get(reverse("cards:renew", args=[card.pk])).context["new_valid_until"]
    renewed = services.card_renew(user=world.jakaja, card=card)

    assert shown == renewed.valid_until == TODAY + datetime.timedelta(days=100)


def test_expired_is_the_models_answer_on_the_pages(client, world):
    yesterday = card_for(world.office, world.tampere, valid_until=TODAY - datetime.timedelta(days=1))
    today = card_for(world.office, world.tampere, valid_until=TODAY)
    client.force_login(world.jakaja)

    assert (yesterday.is_expired, today.is_expired) == (True, False)
    assert today.is_expired_on(TODAY + datetime.timedelta(days=1))
    assert "Expired" in client.get(reverse("cards:detail", args=[yesterday.pk])).content.decode()
    assert "Expired" not in client.get(reverse("cards:detail", args=[today.pk])).content.decode()


# --- R5: the child age limit is a setting --------------------------------------------------------------------


def test_labels_take_the_child_age_limit_from_the_national_settings(client, world):
    rules = NationalSettings.current()
    rules.child_age_limit = 16
    rules.save()
    client.force_login(world.jakaja)

    page = client.get(reverse("cards:register")).content.decode()

    assert "Own children or grandchildren under 16" in page
    assert "under 18" not in page


def test_counter_labels_take_the_child_age_limit_too():
    from counter.forms import LateEntryForm, LogForm
    from venues.tests.factories import VenueFactory

    venue = VenueFactory()
    rules = NationalSettings.current()
    rules.child_age_limit = 16
    rules.save()

    community = LogForm(venue=venue, community=True).fields["children"]
    personal = LogForm(venue=venue).fields["children"]
    late = LateEntryForm(venue=venue).fields["children"]

    assert (str(community.label), str(community.help_text)) == (
        "Under-16 clients", "Free tickets for the group's clients under 16.")
    assert str(personal.help_text) == "The holder's own children or grandchildren under 16."
    assert str(late.help_text) == "Children or, with a community card, under-16 clients."
