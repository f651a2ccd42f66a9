"""R3/R4 across the offices of a region, in the browser pages: another office of the card's region opens one card by
its exact number, renews it, replaces it and hands it over; no office of another region does, and no office ever
lists another office's cards.

Tampere has office A (which issued the card) and office B; Espoo has office E.
"""

import datetime
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from cards import numbers
from cards.models import Card, CardEvent
from cards.selectors import card_by_number
from cards.tests.factories import CardFactory, UseFactory, _number
from core.errors import MESSAGES
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.models import NationalSettings
from regions.tests.factories import MunicipalityFactory, RegionContactFactory, RegionFactory, UserFactory
from venues.tests.factories import VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

NEW_NUMBER = _number(4242)


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def world():
    NationalSettings.current()  # created once here, not by the first request of a test
    w = SimpleNamespace()
    w.tampere = RegionFactory(name="Tampere")
    w.espoo = RegionFactory(name="Espoo")
    w.muni_tampere = MunicipalityFactory(code="837", name_fi="Tampere", region=w.tampere)
    w.muni_espoo = MunicipalityFactory(code="049", name_fi="Espoo", region=w.espoo)
    w.office_a = OfficeFactory(name="Sosiaalityö Tampere", region=w.tampere, municipality=w.muni_tampere)
    w.office_b = OfficeFactory(name="Nuorisotyö Tampere", region=w.tampere, municipality=w.muni_tampere)
    w.office_e = OfficeFactory(name="Sosiaalityö Espoo", region=w.espoo, municipality=w.muni_espoo)
    w.staff_a = OfficeMembershipFactory(user=UserFactory(username="jakaja-a"), office=w.office_a).user
    w.staff_b = OfficeMembershipFactory(user=UserFactory(username="jakaja-b"), office=w.office_b).user
    w.staff_e = OfficeMembershipFactory(user=UserFactory(username="jakaja-espoo"), office=w.office_e).user
    w.contact = RegionContactFactory(user=UserFactory(username="alue-tampere"), region=w.tampere).user
    w.venue = VenueFactory(name="Vapriikki", region=w.tampere, municipality=w.muni_tampere)
    w.venue_staff = VenueMembershipFactory(user=UserFactory(username="kohde-vapriikki"), venue=w.venue).user
    w.card = CardFactory(office=w.office_a, home_municipality=w.muni_tampere, birth_year=1967, postal_code="33710",
                         children=2, valid_until=_today() + datetime.timedelta(days=10))
    w.other_a = CardFactory(office=w.office_a, home_municipality=w.muni_tampere)
    w.card_b = CardFactory(office=w.office_b, home_municipality=w.muni_tampere)
    UseFactory(card=w.card, venue=w.venue)
    CardEvent.objects.create(card=w.card, kind=CardEvent.Kind.ISSUED, by=w.staff_a, office=w.office_a)
    return w


def _as(client, user):
    client.force_login(user)
    return client


def snapshot():
    return (sorted(Card.objects.values_list("number", "status", "valid_until", "office_id")),
            CardEvent.objects.count(), LogEntry.objects.count())


def _by_number(name: str, number: str) -> str:
    return reverse(f"cards:{name}_by_number", args=[number])


# --- the selector --------------------------------------------------------------------------------------------


def test_the_selector_opens_a_card_of_the_users_region_by_its_exact_number_only(world):
    number = world.card.number

    assert card_by_number(user=world.staff_b, number=number) == world.card
    assert card_by_number(user=world.staff_b, number=world.card.display_number.lower()) == world.card
    for user in (world.staff_e, world.venue_staff):
        with pytest.raises(Card.DoesNotExist):
            card_by_number(user=user, number=number)
    for typed in (number[:6], number[:-1], number[:-1] + ("2" if number[-1] != "2" else "3"), ""):
        with pytest.raises(Card.DoesNotExist):
            card_by_number(user=world.staff_b, number=typed)
    # The card's own office, its region's contact: their scope, as before.
    assert card_by_number(user=world.staff_a, number=number) == world.card
    assert card_by_number(user=world.contact, number=number) == world.card


def test_the_region_is_the_cards_not_the_holders_home_municipality(world):
    """A holder of a Tampere card who lives in Espoo is still served by Tampere's offices, not Espoo's."""
    moved = CardFactory(office=world.office_a, home_municipality=world.muni_espoo)

    assert card_by_number(user=world.staff_b, number=moved.number) == moved
    with pytest.raises(Card.DoesNotExist):
        card_by_number(user=world.staff_e, number=moved.number)


def test_staff_of_an_office_that_has_closed_no_longer_open_the_regions_cards(world):
    world.office_b.active_until = _today() - datetime.timedelta(days=1)
    world.office_b.save()

    with pytest.raises(Card.DoesNotExist):
        card_by_number(user=world.staff_b, number=world.card.number)
    # Their own office's cards stay readable, as before.
    assert card_by_number(user=world.staff_b, number=world.card_b.number) == world.card_b


def test_a_local_only_regions_cards_stay_inside_it(world):
    savonlinna = RegionFactory(name="Savonlinna", local_only=True)
    office_s1 = OfficeFactory(region=savonlinna)
    office_s2 = OfficeFactory(region=savonlinna)
    staff_s2 = OfficeMembershipFactory(office=office_s2).user
    local = CardFactory(office=office_s1)

    assert card_by_number(user=staff_s2, number=local.number) == local
    for user in (world.staff_b, world.staff_e):
        with pytest.raises(Card.DoesNotExist):
            card_by_number(user=user, number=local.number)
    with pytest.raises(Card.DoesNotExist):
        card_by_number(user=staff_s2, number=world.card.number)


# --- never a list --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_b", "staff_e"])
def test_neither_office_lists_office_as_cards(client, world, who):
    user = getattr(world, who)
    _as(client, user)

    listed = client.get(reverse("cards:list"))
    partial = client.get(reverse("cards:list"), {"q": world.card.number[:6]})

    expected = [world.card_b] if who == "staff_b" else []
    assert list(listed.context["cards"]) == expected
    assert list(partial.context["cards"]) == []
    assert partial.context["region_card"] is None
    for response in (listed, partial):
        html = response.content.decode()
        for card in (world.card, world.other_a):
            assert card.display_number not in html


def test_an_exact_number_search_finds_the_regions_card_beside_the_list_not_in_it(client, world):
    _as(client, world.staff_b)

    response = client.get(reverse("cards:list"), {"q": world.card.display_number.lower()})

    assert list(response.context["cards"]) == []
    assert response.context["region_card"] == world.card
    html = response.content.decode()
    assert _by_number("detail", world.card.number) in html
    assert "Sosiaalityö Tampere" in html
    assert reverse("cards:detail", args=[world.card.pk]) not in html
    assert world.other_a.display_number not in html


def test_an_exact_number_search_in_espoo_finds_nothing(client, world):
    _as(client, world.staff_e)

    response = client.get(reverse("cards:list"), {"q": world.card.number})

    assert list(response.context["cards"]) == []
    assert response.context["region_card"] is None
    assert _by_number("detail", world.card.number) not in response.content.decode()


def test_an_own_card_found_by_number_stays_in_the_list(client, world):
    _as(client, world.staff_b)

    response = client.get(reverse("cards:list"), {"q": world.card_b.number})

    assert list(response.context["cards"]) == [world.card_b]
    assert response.context["region_card"] is None


def test_another_offices_card_never_answers_at_its_id(client, world):
    """The id is a counter: the pages at the id stay the own scope's, or an office could page through the region."""
    _as(client, world.staff_b)
    before = snapshot()

    for name in ("detail", "renew", "replace", "inactivate", "print", "handover"):
        assert client.get(reverse(f"cards:{name}", args=[world.card.pk])).status_code == 404, name
    for name in ("renew", "replace", "inactivate"):
        assert client.post(reverse(f"cards:{name}", args=[world.card.pk]), {"reason": "lost"}).status_code == 404

    assert snapshot() == before


# --- office B of Tampere serves the holder --------------------------------------------------------------------


def test_office_b_opens_the_card_and_sees_what_serving_the_holder_takes(client, world):
    _as(client, world.staff_b)

    response = client.get(_by_number("detail", world.card.display_number))

    assert response.status_code == 200
    assert response.context["limited"] is True
    assert response.context["can_act"] is True
    html = response.content.decode()
    assert world.card.display_number in html
    assert "Sosiaalityö Tampere" in html
    for url in ("renew", "replace", "print", "handover"):
        assert _by_number(url, world.card.number) in html, url
    assert reverse("cards:inactivate", args=[world.card.pk]) not in html
    # Not needed to serve the holder: birth year, postal code, home municipality, uses, history.
    for hidden in ("1967", "33710", "Vapriikki", "jakaja-a", 'id="uses-title"', 'id="history-title"'):
        assert hidden not in html, hidden
    assert "uses" not in response.context
    assert "events" not in response.context


def test_the_own_scope_opening_by_number_goes_to_the_whole_page(client, world):
    for user in (world.staff_a, world.contact):
        _as(client, user)
        response = client.get(_by_number("detail", world.card.number))
        assert response.status_code == 302
        assert response["Location"] == reverse("cards:detail", args=[world.card.pk])


def test_office_b_renews_the_card_by_its_number(client, world):
    _as(client, world.staff_b)
    url = _by_number("renew", world.card.number)

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert confirm.context["card_url"] == _by_number("detail", world.card.number)
    response = client.post(url, {"wellbeing_at_renewal": "3"})

    card = Card.objects.get(pk=world.card.pk)
    assert response.status_code == 302
    assert response["Location"] == _by_number("detail", world.card.number)
    assert card.valid_until == _today() + datetime.timedelta(days=365)
    assert card.office == world.office_a
    event = card.events.get(kind=CardEvent.Kind.RENEWED)
    assert (event.by, event.office) == (world.staff_b, world.office_b)


def test_office_b_replaces_the_card_by_its_number_and_goes_on_to_the_new_one(client, world):
    _as(client, world.staff_b)

    response = client.post(_by_number("replace", world.card.number),
                           {"number": numbers.display(NEW_NUMBER), "reason": "lost"})

    old = Card.objects.get(pk=world.card.pk)
    new = Card.objects.get(number=NEW_NUMBER)
    assert response["Location"] == _by_number("detail", NEW_NUMBER)
    assert (old.status, old.inactive_reason) == ("inactive", "lost")
    assert (new.replaces, new.office, new.region, new.children, new.birth_year) == (
        old, world.office_a, world.tampere, 2, 1967)
    assert old.events.get(kind=CardEvent.Kind.REPLACED).office == world.office_b
    assert client.get(response["Location"]).status_code == 200  # with the message naming both numbers
    page = client.get(response["Location"])
    html = page.content.decode()
    assert numbers.mask(old.number) in html
    assert old.display_number not in html
    assert _by_number("print", NEW_NUMBER) in html
    # Printing the new card is recorded as office B's.
    printed = client.post(_by_number("print", NEW_NUMBER), follow=True)
    assert printed.redirect_chain == [(_by_number("print", NEW_NUMBER), 303)]
    assert printed.status_code == 200
    assert printed["Content-Type"] == "application/pdf"
    assert new.events.get(kind=CardEvent.Kind.PRINTED).office == world.office_b


def test_office_b_hands_over_the_mobile_card(client, world):
    _as(client, world.staff_b)

    response = client.post(_by_number("handover", world.card.number), {"action": "link"})

    assert response.status_code == 200
    assert response.context["card_url"] == _by_number("detail", world.card.number)
    assert response.context["mobile_url"]
    assert world.card.events.get(kind=CardEvent.Kind.MOBILE_LINK).office == world.office_b


def test_a_refusal_on_the_renew_page_changes_nothing(client, world):
    """The pilot has ended: the region no longer renews (R9), and the page says why."""
    world.tampere.active_until = _today() - datetime.timedelta(days=1)
    world.tampere.pilot = True
    world.tampere.save()
    _as(client, world.staff_b)
    before = snapshot()

    response = client.post(_by_number("renew", world.card.number), {})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(MESSAGES["region_inactive"])]
    assert snapshot() == before


def test_a_replacement_refused_for_a_taken_number_changes_nothing(client, world):
    _as(client, world.staff_b)
    before = snapshot()

    response = client.post(_by_number("replace", world.card.number), {"number": world.other_a.number, "reason": "lost"})

    assert response.context["form"].errors["number"] == [str(MESSAGES["card_number_taken"])]
    assert snapshot() == before


# --- Espoo, venue staff, regional contacts -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_e", "venue_staff"])
def test_other_regions_and_venues_get_404_for_the_number_and_change_nothing(client, world, who):
    _as(client, getattr(world, who))
    before = snapshot()

    for name in ("detail", "renew", "replace", "print", "handover"):
        assert client.get(_by_number(name, world.card.number)).status_code == 404, name
    assert client.post(_by_number("print", world.card.number)).status_code == 404
    assert client.post(_by_number("handover", world.card.number), {"action": "link"}).status_code == 404
    assert client.post(_by_number("renew", world.card.number), {}).status_code == 404
    assert client.post(_by_number("replace", world.card.number), {"reason": "lost"}).status_code == 404

    assert snapshot() == before


def test_the_regional_contact_reads_but_does_not_act_by_number(client, world):
    _as(client, world.contact)
    before = snapshot()

    assert client.post(_by_number("renew", world.card.number), {}).status_code == 403
    assert client.post(_by_number("replace", world.card.number), {"reason": "lost"}).status_code == 403

    assert snapshot() == before


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(_by_number("detail", world.card.number))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
