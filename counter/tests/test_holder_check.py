"""The counter's check with a mobile card's live QR (issue 14): live, stale, or a paper card / typed number."""

import time

import pytest
from django.urls import reverse
from django.utils import translation

from cards import holder
from cards.models import CardCheck
from cards.tests.factories import CardFactory
from regions.tests.factories import RegionFactory, UserFactory
from venues.tests.factories import VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def setup(client):
    region = RegionFactory(name="Tampere")
    venue = VenueFactory(name="Vapriikki", region=region)
    staff = VenueMembershipFactory(venue=venue, user=UserFactory(username="kohde")).user
    card = CardFactory(region=region, office__region=region, live_secret="ab" * 20)
    client.force_login(staff)
    return client, card


def _check(client, text, json=True):
    return client.post(reverse("venues:check"), {"number": text}, **(JSON if json else {}))


def test_live_and_stale_codes_in_words_and_json(setup):
    client, card = setup

    live = _check(client, holder.live_payload(card))
    stale = _check(client, holder.live_payload(card, at=time.time() - 120))
    typed = _check(client, card.number)

    assert (live.json()["valid"], live.json()["mobile_code"]) == (True, "live")
    assert live.json()["mobile_code_text"].startswith("Live mobile card code")
    assert (stale.json()["valid"], stale.json()["mobile_code"]) == (True, "stale")
    assert typed.json()["mobile_code"] is None
    assert typed.json()["mobile_code_text"] == ""
    page = _check(client, holder.live_payload(card, at=time.time() - 120), json=False).content.decode()
    assert 'data-mobile-code="stale"' in page
    assert "Old mobile card code" in page
    assert "data-mobile-code" not in _check(client, card.number, json=False).content.decode()
    assert CardCheck.objects.count() == 5


def test_malformed_payload_is_refused_not_looked_up_and_recorded(setup):
    client, card = setup
    response = _check(client, f"KK1:{card.number}:1234")
    assert response.status_code == 400
    assert response.json()["code"] == "mobile_code_invalid"
    # Recorded like a mistyped number (R12), without a card: it was never looked up.
    assert list(CardCheck.objects.values_list("number", "result", "card")) == [
        (f"KK1:{card.number}:1234", "mobile_code_invalid", None)]
