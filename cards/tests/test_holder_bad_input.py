"""Bad input at the counter (issue 14 acceptance): a malformed mobile-card payload, a code of another card, a thousand
made-up payloads from one user — clear refusals, nothing changed, every attempt recorded (R12) and the failures
throttled like mistyped numbers."""

import time

import pytest
from django.urls import reverse
from django.utils import translation

from cards import holder
from cards.models import Card, CardCheck, Use
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
def counter(client):
    region = RegionFactory(name="Tampere")
    venue = VenueFactory(name="Vapriikki", region=region)
    staff = VenueMembershipFactory(venue=venue, user=UserFactory(username="kohde")).user
    card = CardFactory(region=region, office__region=region, live_secret="ab" * 20)
    other = CardFactory(region=region, office__region=region, live_secret="cd" * 20)
    client.force_login(staff)
    return client, card, other


def _check(client, text):
    return client.post(reverse("venues:check"), {"number": text}, **JSON)


def _state(card):
    return Card.objects.filter(pk=card.pk).values().get()


@pytest.mark.parametrize("payload", ["KK1:", "KK1:{n}", "KK1:{n}:12345", "KK1:{n}:1234567", "KK1::123456",
                                     "KK1:{n}:12a456", "kk1:{n}:1:2", "KK1:{n}:" + "9" * 30])
def test_a_malformed_payload_is_refused_clearly_and_recorded(counter, payload):
    client, card, _other = counter
    before = _state(card)
    text = payload.format(n=card.number)

    response = _check(client, text)

    assert response.status_code == 400
    assert response.json()["code"] == "mobile_code_invalid"
    assert response.json()["message"].startswith("The scanned code is not a Kaikukortti mobile card code")
    assert response.json()["log"] is None
    assert list(CardCheck.objects.values_list("number", "result", "card")) == [(text[:40], "mobile_code_invalid", None)]
    assert _state(card) == before
    assert not Use.objects.exists()


def test_another_card_s_live_code_answers_stale(counter):
    client, card, other = counter
    code = holder.live_code(other)
    if code in {holder.live_code(card), holder.live_code(card, at=time.time() - 30)}:  # one in a million
        pytest.skip("the two cards' codes are equal this half-minute")

    response = _check(client, f"KK1:{card.number}:{code}")

    assert (response.json()["valid"], response.json()["mobile_code"]) == (True, "stale")
    assert CardCheck.objects.get().card == card


def test_a_thousand_made_up_payloads_are_all_recorded_and_throttled_after_the_limit(counter, settings):
    client, card, _other = counter
    before = _state(card)
    limit = settings.CARD_CHECK_FAILURES_PER_MINUTE

    codes = [_check(client, f"KK1:{card.number}:{attempt:05d}").json()["code"] for attempt in range(1000)]

    assert codes[:limit] == ["mobile_code_invalid"] * limit
    assert set(codes[limit:]) == {"throttled"}
    assert CardCheck.objects.count() == 1000
    assert CardCheck.objects.filter(result="mobile_code_invalid").count() == limit
    assert CardCheck.objects.filter(card__isnull=False).count() == 0
    assert _state(card) == before
    assert not Use.objects.exists()
    # The user's failures are spent: even the real card is not answered until the window passes.
    assert _check(client, holder.live_payload(card)).json()["code"] == "throttled"
