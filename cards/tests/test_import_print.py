"""Batch print of any selection of the office's cards (issue 15, point 4): boxes on the card list, "Print selected
cards" and "print every card in use the search finds" (at most PRINT_SELECTION_MAX) make one PDF of card-sized
cards through ``cards.pdf.render_cards_pdf``, each with a fresh activation code (issue 14); only the cards of the
user's own offices, only cards in use."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cards import numbers, views
from cards.models import Card, CardEvent
from cards.tests.web import build_world, card_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def printed(monkeypatch):
    """The cards and title each render_cards_pdf call got (a small fake PDF is answered)."""
    calls = []

    def fake(cards, *, title, base_url=None, codes=None):
        assert set(codes) == {card.pk for card in cards}  # a fresh activation code for each card (issue 14)
        calls.append(([card.number for card in cards], title))
        return b"%PDF-fake"

    monkeypatch.setattr(views, "render_cards_pdf", fake)
    return calls


@pytest.fixture
def own_cards(world):
    """Three cards in use of the worker's office (newest first, as the list shows them), one taken out of use."""
    today = timezone.localdate()
    cards = [card_for(world.office, world.tampere, issued_on=today - datetime.timedelta(days=d)) for d in (1, 2, 3)]
    inactive = card_for(world.office, world.tampere, issued_on=today - datetime.timedelta(days=4), status="inactive",
                        inactive_reason=Card.InactiveReason.LOST, inactivated_on=today)
    return cards, inactive


def post(client, data):
    return client.post(reverse("cards:print_selection"), data)


def error_messages(client, response) -> list[str]:
    """The messages the redirect back to the list shows (reading them there uses them up)."""
    assert response.status_code == 302
    page = client.get(response["Location"])
    return [str(m) for m in get_messages(page.wsgi_request)]


def test_the_list_offers_a_labelled_box_for_each_own_card_in_use_and_a_select_all(client, world, own_cards):
    cards, inactive = own_cards
    other = card_for(world.other_office, world.helsinki)
    client.force_login(world.jakaja)

    content = client.get(reverse("cards:list")).content.decode()

    boxes = re.findall(r'<input type="checkbox" name="card" value="(\d+)" id="card-(\d+)">'
                       r'<label for="card-(\d+)" class="visually-hidden">Select card ([^<]+)</label>', content)
    assert boxes == [(str(c.pk), str(c.pk), str(c.pk), numbers.mask(c.number)) for c in cards]
    assert f'value="{inactive.pk}"' not in content
    assert f'value="{other.pk}"' not in content
    assert '<label for="select-all-cards" class="visually-hidden">Select all cards on this page</label>' in content
    assert 'id="select-all-cards" data-select-all hidden' in content  # shown by js/card-selection.js
    assert 'js/card-selection.js' in content
    assert "Print selected cards" in content
    assert "Print every card in use that the search finds (at most 500)" in content


def test_a_regional_contact_without_an_office_gets_no_boxes_and_may_not_print(client, world, own_cards, printed):
    client.force_login(world.contact)
    content = client.get(reverse("cards:list")).content.decode()
    assert 'name="card"' not in content
    assert "Print selected cards" not in content

    assert post(client, {"card": [own_cards[0][0].pk]}).status_code == 403
    assert printed == []


def test_the_selected_cards_print_as_one_pdf_in_the_list_order(client, world, own_cards, printed):
    cards, _inactive = own_cards
    client.force_login(world.jakaja)

    response = post(client, {"print": "selected", "card": [cards[2].pk, cards[0].pk]})

    assert (response.status_code, response["Content-Type"], response.content) == (200, "application/pdf",
                                                                                  b"%PDF-fake")
    assert response["Cache-Control"] == "no-store"
    assert printed == [([cards[0].number, cards[2].number], "Kaikukortti cards (2)")]
    assert sorted(CardEvent.objects.filter(kind=CardEvent.Kind.ACTIVATION_CODE).values_list("card", flat=True)) == (
        sorted([cards[0].pk, cards[2].pk]))
    # Each printed card's history says so, as a single print does: by whom and at which office.
    assert sorted(CardEvent.objects.filter(kind=CardEvent.Kind.PRINTED).values_list("card", "by", "office")) == (
        sorted([(cards[0].pk, world.jakaja.pk, world.office.pk), (cards[2].pk, world.jakaja.pk, world.office.pk)]))
    assert client.get(reverse("cards:print_selection")).status_code == 405


def test_a_selected_card_of_another_office_answers_404_and_prints_nothing(client, world, own_cards, printed):
    cards, _inactive = own_cards
    other = card_for(world.other_office, world.helsinki)
    client.force_login(world.jakaja)

    assert post(client, {"card": [cards[0].pk, other.pk]}).status_code == 404
    assert post(client, {"card": [cards[0].pk, 999_999]}).status_code == 404
    assert post(client, {"card": ["x"]}).status_code == 404
    assert printed == []
    assert CardEvent.objects.count() == 0


def test_a_card_not_in_use_an_empty_or_too_large_selection_is_refused_with_a_message(client, world, own_cards,
                                                                                     printed, monkeypatch):
    cards, inactive = own_cards
    client.force_login(world.jakaja)

    response = post(client, {"card": [cards[0].pk, inactive.pk], "query": "status=inactive"})
    assert (response.status_code, response["Location"]) == (302, reverse("cards:list") + "?status=inactive")
    assert error_messages(client, response) == [
        f"Only cards in use are printed; not in use: {inactive.display_number}. Nothing was printed."]

    response = post(client, {"print": "selected"})
    assert (response.status_code, error_messages(client, response)) == (302, ["Select the cards to print."])

    monkeypatch.setattr(views, "PRINT_SELECTION_MAX", 2)
    response = post(client, {"card": [c.pk for c in cards]})
    assert error_messages(client, response) == [
        "3 cards: at most 2 cards are printed at a time. Narrow the search or select the cards."]
    assert printed == []
    assert CardEvent.objects.count() == 0


def test_every_own_card_in_use_the_search_finds_prints_up_to_the_cap(client, world, own_cards, printed,
                                                                     monkeypatch):
    cards, inactive = own_cards
    card_for(world.other_office, world.helsinki)
    client.force_login(world.jakaja)

    response = post(client, {"print": "filter", "query": ""})
    assert response.status_code == 200
    assert printed[-1] == ([c.number for c in cards], "Kaikukortti cards (3)")

    post(client, {"print": "filter", "query": f"q={cards[1].number}"})
    assert printed[-1] == ([cards[1].number], "Kaikukortti cards (1)")

    response = post(client, {"print": "filter", "query": "status=inactive"})
    assert error_messages(client, response) == ["No card in use matches the search: nothing was printed."]

    monkeypatch.setattr(views, "PRINT_SELECTION_MAX", 2)
    response = post(client, {"print": "filter", "query": "validity=valid"})
    assert (response.status_code, response["Location"]) == (302, reverse("cards:list") + "?validity=valid")
    assert error_messages(client, response) == [
        "3 cards: at most 2 cards are printed at a time. Narrow the search or select the cards."]
    assert len(printed) == 2


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_selection_prints_as_a_real_pdf_with_the_numbers(client, world, own_cards, tmp_path):
    cards, _inactive = own_cards
    client.force_login(world.jakaja)

    response = post(client, {"card": [cards[0].pk, cards[1].pk]})

    assert response["Content-Type"] == "application/pdf"
    (tmp_path / "cards.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "cards.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert [numbers.display(c.number) in text for c in cards] == [True, True, False]
