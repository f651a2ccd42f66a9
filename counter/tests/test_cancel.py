"""R11: a repeated cancellation through the counter page answers as the API does (cards/tests/test_api.py):
the same cancellation again is accepted and changes nothing; another one is refused with
``use_already_cancelled`` and changes nothing. Both go through ``cards.services.use_cancel``."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cards.models import Use
from cards.tests.factories import CardFactory, UseFactory
from core.errors import MESSAGES
from regions.tests.factories import RegionFactory, UserFactory
from venues.models import Offer
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def venue():
    return VenueFactory(name="Vapriikki", region=RegionFactory(name="Tampere"))


@pytest.fixture
def staff(venue):
    return VenueMembershipFactory(venue=venue, user=UserFactory(username="kohde-vapriikki")).user


@pytest.fixture
def use(venue):
    """A ticket with one child on an offer whose two places it took."""
    card = CardFactory(office__region=venue.region, region=venue.region, children=2)
    offer = OfferFactory(venue=venue, quota=10, used_count=2)
    return UseFactory(card=card, venue=venue, offer=offer, children=1)


def _state(use: Use) -> tuple:
    use = Use.objects.get(pk=use.pk)
    return use.cancelled_at, use.cancelled_by_id, use.cancel_reason, Offer.objects.get(pk=use.offer_id).used_count


def _page_cancel(client, use: Use, reason: str):
    """Post the cancel form; the messages it left for the next page (earlier ones were shown first)."""
    client.get(reverse("venues:counter"))
    response = client.post(reverse("venues:cancel", args=[use.pk]), {f"cancel-{use.pk}-reason": reason})
    return response, [str(message) for message in get_messages(response.wsgi_request)]


def _api_cancel(user, use: Use, reason: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return api.post(f"/api/v1/uses/{use.pk}/cancel/", {"reason": reason})


def test_the_same_cancellation_again_through_the_page_is_accepted_and_changes_nothing(client, staff, use):
    client.force_login(staff)
    first, _messages = _page_cancel(client, use, "Väärä kortti")
    cancelled = _state(use)

    again, messages = _page_cancel(client, use, "Väärä kortti")

    assert cancelled[1:] == (staff.pk, "Väärä kortti", 0)
    assert (first.status_code, again.status_code) == (302, 302)
    assert again["Location"] == reverse("venues:counter")
    assert len(messages) == 1
    assert messages[0].startswith("Cancelled the use of")
    assert _state(use) == cancelled  # the offer's places were given back once
    # The API answers the same repeat alike: 200 with the use, nothing changed.
    api = _api_cancel(staff, use, "Väärä kortti")
    assert (api.status_code, api.json()["cancelled"], api.json()["cancel_reason"]) == (200, True, "Väärä kortti")
    assert _state(use) == cancelled


def test_another_cancellation_of_a_cancelled_use_is_refused_on_the_page_as_in_the_api(client, staff, use):
    client.force_login(staff)
    _page_cancel(client, use, "Väärä kortti")
    cancelled = _state(use)

    again, messages = _page_cancel(client, use, "Toinen syy")

    assert again.status_code == 302
    assert messages == [str(MESSAGES["use_already_cancelled"])]
    assert _state(use) == cancelled
    api = _api_cancel(staff, use, "Toinen syy")
    assert (api.status_code, api.json()["code"]) == (409, "use_already_cancelled")
    assert _state(use) == cancelled
