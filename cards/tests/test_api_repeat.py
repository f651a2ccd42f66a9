"""Issue 11 over the API: POST /api/v1/uses/ answers 409 ``repeat_use`` for the same card at the same venue on the
same day unless ``"confirm_repeat": true``; the check lists the card's uses there today."""

import datetime

import pytest
from django.utils import timezone

from cards.models import Use
from cards.tests.factories import CardFactory, UseFactory
from core.errors import MESSAGES
from kaikukanta.tests.api_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """``use_a``: card A at venue A today (build_world)."""
    return build_world()


def _log(world, **body):
    payload = {"card_number": world.card_a.number, "venue": world.venue_a.pk, "idempotency_key": "lippu-2", **body}
    return world.client("venue_a").post("/api/v1/uses/", payload)


def test_the_same_card_again_today_is_409_repeat_use_and_logs_nothing(world):
    before = list(Use.objects.order_by("pk").values_list("pk", flat=True))

    response = _log(world)

    assert response.status_code == 409
    assert response.json() == {"code": "repeat_use", "detail": str(MESSAGES["repeat_use"])}
    assert list(Use.objects.order_by("pk").values_list("pk", flat=True)) == before


def test_confirm_repeat_logs_it(world):
    response = _log(world, confirm_repeat=True)

    assert response.status_code == 201
    assert Use.objects.filter(card=world.card_a, venue=world.venue_a, used_on=timezone.localdate()).count() == 2


def test_a_replay_of_the_confirmed_request_is_200_with_the_same_use_confirmed_or_not(world):
    logged = _log(world, confirm_repeat=True)
    again = _log(world, confirm_repeat=True)
    retried = _log(world)

    assert (logged.status_code, again.status_code, retried.status_code) == (201, 200, 200)
    assert logged.json()["id"] == again.json()["id"] == retried.json()["id"]
    assert Use.objects.filter(idempotency_key="lippu-2").count() == 1


@pytest.mark.parametrize("value", ["true", 1, "yes", None])
def test_confirm_repeat_is_a_json_boolean(world, value):
    before = Use.objects.count()
    response = _log(world, confirm_repeat=value)
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", ["confirm_repeat"])
    assert Use.objects.count() == before


def test_false_is_the_default_and_another_card_is_no_repeat(world):
    other = CardFactory(office=world.office_a)
    assert _log(world, confirm_repeat=False).status_code == 409
    assert _log(world, card_number=other.number, confirm_repeat=False).status_code == 201


def test_a_late_entry_for_a_day_with_a_use_there_needs_the_confirmation(world):
    visit = timezone.localdate() - datetime.timedelta(days=2)
    UseFactory(card=world.card_a, venue=world.venue_a, used_on=visit)

    refused = _log(world, used_on=visit.isoformat())
    confirmed = _log(world, used_on=visit.isoformat(), confirm_repeat=True)

    assert (refused.status_code, refused.json()["code"]) == (409, "repeat_use")
    assert (confirmed.status_code, confirmed.json()["channel"], confirmed.json()["used_on"]) == (
        201, "api", visit.isoformat())


def test_the_check_lists_no_uses_for_a_card_not_used_here_today(world):
    other = CardFactory(office=world.office_a)
    UseFactory(card=other, venue=world.venue_b)  # elsewhere
    UseFactory(card=other, venue=world.venue_a, used_on=timezone.localdate() - datetime.timedelta(days=1))
    UseFactory(card=other, venue=world.venue_a, cancelled_at=timezone.now(), cancel_reason="Väärä kortti")

    body = world.client("venue_a").get(f"/api/v1/cards/{other.number}/check/", {"venue": world.venue_a.pk}).json()

    assert (body["valid"], body["uses_today"]) == (True, [])
