"""The holder's pages (issue 14): activation, the withdrawn link's page, the live code endpoint."""

import pytest
from django.urls import reverse

from cards import holder
from cards.mobile import mobile_path
from cards.models import ActivationAttempt
from cards.tests.web import build_world, card_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _activate(client, number, code):
    return client.post(reverse("public:holder_activate"), {"number": number, "code": code})


def test_home_links_to_the_activation_page(client, world):
    html = client.get(reverse("public:home")).content.decode()
    assert reverse("public:holder_activate") in html


def test_activate_open_withdraw_and_reactivate(client, world):
    card = card_for(world.office, world.tampere)
    code = holder.activation_code_issue(user=world.jakaja, card=card)

    response = _activate(client, card.display_number, code)

    assert response.status_code == 302
    url = response["Location"]
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="live-code"' in html
    assert "js/holder-card.js" in html
    card.refresh_from_db()
    assert holder.live_code(card) in html
    live = client.get(url + "live.json")
    assert live.status_code == 200
    assert live.json()["code"] == holder.live_code(card)
    assert live.json()["svg"].startswith("<svg")
    assert "no-store" in live["Cache-Control"]

    again = _activate(client, card.number, code)
    assert again.status_code == 400
    assert "already been used" in again.content.decode()

    holder.link_withdraw(user=world.jakaja, card=card)
    gone = client.get(url)
    assert gone.status_code == 410
    assert reverse("public:holder_activate") in gone.content.decode()
    assert client.get(url + "live.json").status_code == 410
    assert client.get(url + "status.json").status_code == 410
    # The signed link of before is withdrawn too.
    assert client.get(mobile_path(card)).status_code == 410

    new = _activate(client, card.number, holder.activation_code_issue(user=world.jakaja, card=card))
    assert new.status_code == 302
    assert new["Location"] != url
    assert client.get(new["Location"]).status_code == 200


def test_wrong_code_shows_the_error_summary_and_changes_nothing(client, world):
    card = card_for(world.office, world.tampere)
    holder.activation_code_issue(user=world.jakaja, card=card)

    response = _activate(client, card.number, "0000-0000")

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'aria-invalid="true"' in html
    card.refresh_from_db()
    assert not card.mobile_token_hash
    assert list(ActivationAttempt.objects.values_list("result", flat=True)) == ["activation_invalid"]
    assert _activate(client, "", "").status_code == 400


def test_too_many_attempts_from_one_address_answer_429(client, world):
    cards = [card_for(world.office, world.tampere) for _ in range(holder.ACTIVATIONS_PER_ADDRESS + 3)]
    statuses = [_activate(client, card.number, "0000-0000").status_code for card in cards]
    assert statuses == [400] * holder.ACTIVATIONS_PER_ADDRESS + [429] * 3
    assert "Wait 15 minutes" in _activate(client, cards[0].number, "0000-0000").content.decode()
    assert ActivationAttempt.objects.count() == holder.ACTIVATIONS_PER_ADDRESS + 4


def test_an_unknown_random_link_shows_the_withdrawn_page_and_a_legacy_link_still_works(client, world):
    card = card_for(world.office, world.tampere)
    assert client.get(reverse("cards:mobile", args=["A" * 43])).status_code == 410
    assert client.get(mobile_path(card)).status_code == 200
    assert 'id="live-code"' not in client.get(mobile_path(card)).content.decode()
