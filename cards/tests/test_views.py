"""Distributor pages: register (R1–R3 through the services), list, card page and its actions, scopes."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from cards import numbers
from cards.models import Card, CardEvent
from cards.tests.factories import _number
from cards.tests.web import PASSWORD, build_world, card_for
from core.errors import MESSAGES
from regions.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

NUMBER = _number(777)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def jakaja_client(client, world):
    client.force_login(world.jakaja)
    return client


def register_data(world, **overrides):
    data = {
        "office": world.office.pk, "number": numbers.display(NUMBER), "birth_year": 1980,
        "home_municipality": "Tampere (837)", "postal_code": "33100", "children": 2, "format": "paper",
        "language": "sv", "gender": "", "life_situation": "", "wellbeing_at_issue": "",
    }
    data.update(overrides)
    return data


def snapshot():
    return (list(Card.objects.values_list("number", "status", "valid_until")), CardEvent.objects.count(),
            LogEntry.objects.count())


# --- sign-in ----------------------------------------------------------------------------------------


def test_distributor_lands_on_the_card_list_after_signing_in(client, world):
    response = client.post(reverse("account_login"), {"login": "jakaja-tampere", "password": PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("cards:list")


def test_public_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]


# --- register ---------------------------------------------------------------------------------------


def test_register_form_offers_only_network_municipalities(jakaja_client, world):
    outside = MunicipalityFactory(code="999", name_fi="Ulkokunta", region=None)
    ended = RegionFactory(name="Päättynyt", active_from=datetime.date(2015, 1, 1),
                          active_until=datetime.date(2016, 1, 1))
    old = MunicipalityFactory(code="998", name_fi="Vanhakunta", region=ended)

    response = jakaja_client.get(reverse("cards:register"))

    assert response.status_code == 200
    options = list(response.context["municipalities"])
    assert {m.code for m in options} == {"837", "091"}
    assert outside not in options
    assert old not in options
    html = response.content.decode()
    assert '<option value="Tampere (837)">Tammerfors</option>' in html
    assert 'data-scan-field' in html


def test_register_creates_the_card_through_the_service(jakaja_client, world):
    response = jakaja_client.post(reverse("cards:register"), register_data(world))

    card = Card.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cards:detail", args=[card.pk])
    assert (card.number, card.office, card.birth_year, card.home_municipality, card.postal_code, card.children,
            card.format, card.language, card.issued_on) == (
        NUMBER, world.office, 1980, world.tampere, "33100", 2, "paper", "sv", timezone.localdate())
    assert list(card.events.values_list("kind", "by")) == [("issued", world.jakaja.pk)]
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Card), object_pk=str(card.pk))
    assert entry.actor == world.jakaja


def test_mobile_only_card_gets_a_generated_number(jakaja_client, world):
    jakaja_client.post(reverse("cards:register"), register_data(world, number="", format="mobile"))

    card = Card.objects.get()
    assert card.format == "mobile"
    assert numbers.is_valid(card.number)


def test_number_is_required_unless_generated_or_mobile(jakaja_client, world):
    response = jakaja_client.post(reverse("cards:register"), register_data(world, number=""))

    assert response.status_code == 200
    assert response.context["form"].errors["number"][0].startswith("Type or scan")
    assert Card.objects.count() == 0

    jakaja_client.post(reverse("cards:register"), register_data(world, number="", generate_number="on"))
    assert Card.objects.get().format == "paper"


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"birth_year": timezone.localdate().year - 10}, "birth_year", "holder_too_young"),
    ({"home_municipality": "Ulkokunta"}, "home_municipality", "municipality_not_in_network"),
    ({"number": NUMBER[:-1] + ("X" if NUMBER[-1] != "X" else "Y")}, "number", "card_number_invalid"),
])
def test_refusals_are_shown_on_their_field_and_nothing_is_saved(jakaja_client, world, overrides, field, code):
    MunicipalityFactory(code="999", name_fi="Ulkokunta", region=None)
    before = snapshot()

    response = jakaja_client.post(reverse("cards:register"), register_data(world, **overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [str(MESSAGES[code])]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert snapshot() == before


def test_taken_number_is_refused_on_the_number_field(jakaja_client, world):
    card_for(world.other_office, world.helsinki, number=NUMBER)
    before = snapshot()

    response = jakaja_client.post(reverse("cards:register"), register_data(world))

    assert response.context["form"].errors["number"] == [str(MESSAGES["card_number_taken"])]
    assert snapshot() == before


def test_likely_duplicate_is_warned_before_saving_and_registered_after_confirming(jakaja_client, world):
    earlier = card_for(world.office, world.tampere, birth_year=1980, postal_code="33100",
                       issued_on=timezone.localdate() - datetime.timedelta(days=5))
    before = snapshot()

    first = jakaja_client.post(reverse("cards:register"), register_data(world))

    assert first.status_code == 200
    assert first.context["duplicates"] == [earlier]
    assert "confirm_duplicate" in first.context["form"].errors
    assert earlier.display_number in first.content.decode()
    assert snapshot() == before

    second = jakaja_client.post(reverse("cards:register"), register_data(world, confirm_duplicate="on"))

    assert second.status_code == 302
    assert Card.objects.filter(number=NUMBER).exists()


def test_no_duplicate_warning_for_older_cards_or_other_offices(jakaja_client, world):
    card_for(world.office, world.tampere, birth_year=1980, postal_code="33100",
             issued_on=timezone.localdate() - datetime.timedelta(days=31))
    card_for(world.other_office, world.helsinki, birth_year=1980, postal_code="33100")

    response = jakaja_client.post(reverse("cards:register"), register_data(world))

    assert response.status_code == 302


def test_users_without_an_office_cannot_register(client, world):
    client.force_login(world.contact)
    assert client.get(reverse("cards:register")).status_code == 403


# --- list -------------------------------------------------------------------------------------------


def test_list_shows_only_the_offices_cards_searchable_and_filterable(jakaja_client, world):
    own = card_for(world.office, world.tampere, number=_number(1))
    lost = card_for(world.office, world.tampere, number=_number(2), status="inactive", inactive_reason="lost",
                    inactivated_on=timezone.localdate())
    expired = card_for(world.office, world.tampere, number=_number(3),
                       issued_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1))
    card_for(world.other_office, world.helsinki, number=_number(4))

    def listed(**params):
        return list(jakaja_client.get(reverse("cards:list"), params).context["cards"])

    assert set(listed()) == {own, lost, expired}
    assert listed(q=numbers.display(own.number).lower()) == [own]
    assert listed(q=own.number[:3]) == [own]
    assert set(listed(status="active")) == {own, expired}
    assert listed(status="inactive") == [lost]
    assert listed(validity="expired") == [expired]


def test_list_is_paginated_with_bounded_queries(jakaja_client, world, django_assert_max_num_queries):
    for i in range(30):
        card_for(world.office, world.tampere, number=_number(100 + i))

    with django_assert_max_num_queries(12):
        response = jakaja_client.get(reverse("cards:list"))
    assert len(response.context["cards"]) == 25
    assert response.context["page"].paginator.count == 30

    with django_assert_max_num_queries(12):
        second = jakaja_client.get(reverse("cards:list"), {"page": 2})
    assert len(second.context["cards"]) == 5


# --- card page and actions --------------------------------------------------------------------------


def test_another_offices_card_answers_404_on_every_page(jakaja_client, world):
    other = card_for(world.other_office, world.helsinki)
    for name in ("detail", "renew", "replace", "inactivate", "print", "handover"):
        assert jakaja_client.get(reverse(f"cards:{name}", args=[other.pk])).status_code == 404, name
    for name in ("renew", "replace", "inactivate"):
        assert jakaja_client.post(reverse(f"cards:{name}", args=[other.pk]), {"reason": "lost"}).status_code == 404
    assert Card.objects.get(pk=other.pk).status == "active"


def test_card_page_shows_history_uses_and_actions(jakaja_client, world):
    card = card_for(world.office, world.tampere, children=2)
    CardEvent.objects.create(card=card, kind="issued", by=world.jakaja, office=world.office)

    response = jakaja_client.get(reverse("cards:detail", args=[card.pk]))

    html = response.content.decode()
    assert response.context["can_act"] is True
    assert reverse("cards:renew", args=[card.pk]) in html
    assert reverse("cards:print", args=[card.pk]) in html
    assert "jakaja-tampere" in html
    assert "<svg" in html


def test_regional_contact_reads_the_regions_cards_but_cannot_act(client, world):
    card = card_for(world.office, world.tampere)
    other = card_for(world.other_office, world.helsinki)
    client.force_login(world.contact)

    response = client.get(reverse("cards:detail", args=[card.pk]))
    assert response.status_code == 200
    assert response.context["can_act"] is False
    assert reverse("cards:renew", args=[card.pk]) not in response.content.decode()
    assert client.post(reverse("cards:renew", args=[card.pk])).status_code == 403
    assert client.get(reverse("cards:detail", args=[other.pk])).status_code == 404


def test_renew_confirms_then_extends_and_records(jakaja_client, world):
    card = card_for(world.office, world.tampere, valid_until=timezone.localdate() + datetime.timedelta(days=10))

    confirm = jakaja_client.get(reverse("cards:renew", args=[card.pk]))
    assert confirm.status_code == 200
    assert confirm.context["new_valid_until"] == timezone.localdate() + datetime.timedelta(days=365)
    assert Card.objects.get(pk=card.pk).valid_until == card.valid_until

    response = jakaja_client.post(reverse("cards:renew", args=[card.pk]), {"wellbeing_at_renewal": "4"})

    card.refresh_from_db()
    assert response["Location"] == reverse("cards:detail", args=[card.pk])
    assert card.valid_until == timezone.localdate() + datetime.timedelta(days=365)
    assert card.wellbeing_at_renewal == 4
    assert list(card.events.values_list("kind", flat=True)) == ["renewed"]
    assert LogEntry.objects.filter(object_pk=str(card.pk), actor=world.jakaja,
                                   action=LogEntry.Action.UPDATE).count() == 1


def test_replace_issues_a_new_number_and_links_the_cards(jakaja_client, world):
    card = card_for(world.office, world.tampere, children=3)

    response = jakaja_client.post(reverse("cards:replace", args=[card.pk]),
                                  {"number": numbers.display(NUMBER), "reason": "lost"})

    new = Card.objects.get(number=NUMBER)
    card.refresh_from_db()
    assert response["Location"] == reverse("cards:detail", args=[new.pk])
    assert (card.status, card.inactive_reason) == ("inactive", "lost")
    assert (new.replaces, new.children, new.status) == (card, 3, "active")
    assert list(card.events.values_list("kind", flat=True)) == ["replaced"]
    page = jakaja_client.get(reverse("cards:detail", args=[card.pk]))
    assert page.context["replaced_by"] == new


def test_replace_refusal_shows_on_the_number_field(jakaja_client, world):
    card = card_for(world.office, world.tampere)
    card_for(world.office, world.tampere, number=NUMBER)
    before = snapshot()

    response = jakaja_client.post(reverse("cards:replace", args=[card.pk]), {"number": NUMBER, "reason": "lost"})

    assert response.context["form"].errors["number"] == [str(MESSAGES["card_number_taken"])]
    assert snapshot() == before


def test_inactivate_needs_a_reason_and_records_it(jakaja_client, world):
    card = card_for(world.office, world.tampere)

    missing = jakaja_client.post(reverse("cards:inactivate", args=[card.pk]), {})
    assert "reason" in missing.context["form"].errors
    assert Card.objects.get(pk=card.pk).status == "active"

    jakaja_client.post(reverse("cards:inactivate", args=[card.pk]), {"reason": "returned"})

    card.refresh_from_db()
    assert (card.status, card.inactive_reason, card.inactivated_on) == ("inactive", "returned", timezone.localdate())
    assert list(card.events.values_list("kind", "details")) == [("inactivated", {"reason": "returned"})]


def test_community_card_is_created_by_the_regional_contact_only(client, world):
    client.force_login(world.jakaja)
    client.post(reverse("cards:community_create", args=[world.office.pk]))
    assert Card.objects.count() == 0

    client.force_login(world.contact)
    assert client.post(reverse("cards:community_create", args=[world.other_office.pk])).status_code == 404
    response = client.post(reverse("cards:community_create", args=[world.office.pk]))

    card = Card.objects.get()
    assert response["Location"] == reverse("distributors:office", args=[world.office.pk])
    assert (card.kind, card.office, card.children) == ("community", world.office, 0)
    page = client.get(reverse("distributors:office", args=[world.office.pk]))
    assert card.display_number in page.content.decode()


# --- R11: the register form is idempotent like POST /api/v1/cards/ (cards/tests/test_api.py) ----------------


def test_register_form_carries_a_fresh_idempotency_key(jakaja_client, world):
    first = jakaja_client.get(reverse("cards:register"))
    second = jakaja_client.get(reverse("cards:register"))

    keys = [response.context["form"]["idempotency_key"].value() for response in (first, second)]
    assert all(len(key) == 32 and int(key, 16) >= 0 for key in keys)
    assert keys[0] != keys[1]
    assert f'type="hidden" name="idempotency_key" value="{keys[0]}"' in first.content.decode()


def test_posting_the_same_register_form_twice_registers_one_card(jakaja_client, world):
    data = register_data(world, idempotency_key="lomake-1")

    first = jakaja_client.post(reverse("cards:register"), data)
    after_first = snapshot()
    again = jakaja_client.post(reverse("cards:register"), data)

    card = Card.objects.get()
    assert (first.status_code, again.status_code) == (302, 302)
    assert first["Location"] == again["Location"] == reverse("cards:detail", args=[card.pk])
    assert snapshot() == after_first  # no second card, event or audit entry
    assert list(card.events.values_list("kind", flat=True)) == ["issued"]


def test_the_same_form_key_with_other_data_is_refused_and_changes_nothing(jakaja_client, world):
    jakaja_client.post(reverse("cards:register"), register_data(world, idempotency_key="lomake-1"))
    before = snapshot()

    response = jakaja_client.post(reverse("cards:register"),
                                  register_data(world, idempotency_key="lomake-1", birth_year=1990))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(MESSAGES["idempotency_conflict"])]
    assert snapshot() == before


def test_a_form_key_is_the_users_own(client, world):
    """As in the API, another user's form with the same key registers its own card."""
    colleague = world.jakaja.office_memberships.model.objects.create(
        user=world.contact, office=world.office, started_on=datetime.date(2015, 1, 1)).user
    client.force_login(world.jakaja)
    client.post(reverse("cards:register"), register_data(world, idempotency_key="k", number="", format="mobile"))
    client.force_login(colleague)
    client.post(reverse("cards:register"), register_data(world, idempotency_key="k", number="", format="mobile",
                                                         confirm_duplicate="on"))

    assert sorted(Card.objects.values_list("events__by", flat=True)) == sorted([world.jakaja.pk, colleague.pk])
