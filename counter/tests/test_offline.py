"""Uses kept in the browser while the network was down (static/js/counter-offline.js), sent to the counter's log
later with their idempotency key, the venue and the time they were taken; and the counter's service worker.

The script posts exactly what ``_offline`` posts here."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cards import numbers
from cards.models import Card, Use
from cards.tests.factories import CardFactory, CommunityCardFactory
from core.errors import MESSAGES
from regions.models import NationalSettings
from regions.tests.factories import RegionFactory, UserFactory
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _number(payload: str) -> str:
    return payload + numbers.check_character(payload)


@pytest.fixture
def region():
    return RegionFactory(name="Tampere")


@pytest.fixture
def venue(region):
    return VenueFactory(name="Vapriikki", region=region)


@pytest.fixture
def staff(venue):
    return VenueMembershipFactory(venue=venue, user=UserFactory(username="kohde-vapriikki")).user


@pytest.fixture
def client_staff(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def card(region):
    return CardFactory(number=_number("TAMPERE2"), office__region=region, region=region, children=2)


def _offline(client, number, venue, *, key="offline-1", taken_at=None, **fields):
    """What counter-offline.js sends for one kept use."""
    taken_at = taken_at or timezone.now()
    data = {"number": number, "idempotency_key": key, "kind": "ticket", "children": "0", "offer": "",
            "taken_at": taken_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"), "venue": str(venue.pk),
            "confirm_repeat": "1", **fields}
    return client.post(reverse("venues:log"), data, **JSON)


def _helsinki(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_replaying_the_same_key_logs_exactly_one_use(client_staff, card, venue):
    """The guarantee against a double use: the browser may send a kept use again (its answer was lost, two tabs,
    a reload mid-sync); every sending answers with the one use the first logged."""
    offer = OfferFactory(venue=venue, quota=40)
    answers = [_offline(client_staff, card.number, venue, key="k-replay", children="1", offer=str(offer.pk))
               for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert {a.json()["use"] for a in answers} == {Use.objects.get().pk}
    assert all(a.json()["ok"] for a in answers)
    use = Use.objects.get()
    assert (use.card_id, use.venue_id, use.children, use.offer_id, use.used_on, use.channel, use.idempotency_key) == (
        card.pk, venue.pk, 1, offer.pk, timezone.localdate(), "counter", "k-replay")
    offer.refresh_from_db()
    assert offer.used_count == 2  # the places of one use (holder and child), taken once


def test_the_same_key_with_other_details_is_refused_and_changes_nothing(client_staff, card, venue):
    assert _offline(client_staff, card.number, venue, key="k-same").status_code == 201
    response = _offline(client_staff, card.number, venue, key="k-same", children="2")
    assert response.status_code == 409
    assert response.json() == {"ok": False, "code": "idempotency_conflict",
                               "message": str(MESSAGES["idempotency_conflict"]), "field": ""}
    assert Use.objects.get().children == 0


def test_a_use_taken_offline_yesterday_lands_on_yesterday_as_a_late_entry(client_staff, card, venue):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    taken_at = _helsinki(yesterday, 23)  # late in the evening, sent after midnight
    first = _offline(client_staff, card.number, venue, key="k-yesterday", taken_at=taken_at)
    again = _offline(client_staff, card.number, venue, key="k-yesterday", taken_at=taken_at)
    assert (first.status_code, again.status_code) == (201, 201)
    use = Use.objects.get()
    assert (use.used_on, use.channel) == (yesterday, "late")
    assert first.json()["use"] == again.json()["use"] == use.pk
    assert first.json()["row"]["visit_on"].startswith("visit on ")
    card.refresh_from_db()
    assert card.first_used_on == yesterday


def test_a_use_taken_offline_before_the_late_entry_window_is_refused(client_staff, card, venue):
    days = NationalSettings.current().late_entry_days
    taken_at = timezone.now() - datetime.timedelta(days=days + 1)
    response = _offline(client_staff, card.number, venue, taken_at=taken_at)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "code": "late_entry_window_passed",
                               "message": str(MESSAGES["late_entry_window_passed"]), "field": "used_on"}
    assert Use.objects.count() == 0


def test_a_clock_ahead_of_the_servers_counts_as_today(client_staff, card, venue):
    response = _offline(client_staff, card.number, venue, taken_at=timezone.now() + datetime.timedelta(days=1))
    assert response.status_code == 201
    assert Use.objects.get().used_on == timezone.localdate()


def test_an_expired_card_is_refused_with_its_translated_message_and_nothing_is_logged(client_staff, region, venue):
    today = timezone.localdate()
    expired = CardFactory(number=_number("VANHENT2"), office__region=region, region=region,
                          issued_on=today - datetime.timedelta(days=400),
                          valid_until=today - datetime.timedelta(days=1))
    response = client_staff.post(reverse("venues:log"), {
        "number": expired.number, "idempotency_key": "k-expired", "kind": "ticket", "children": "0",
        "taken_at": timezone.now().isoformat(), "venue": str(venue.pk), "confirm_repeat": "1",
    }, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 400
    with translation.override("fi"):
        finnish = str(MESSAGES["card_expired"])
    assert finnish != "The card has expired."
    assert response.json() == {"ok": False, "code": "card_expired", "message": finnish, "field": ""}
    assert Use.objects.count() == 0
    # Sent again (the browser keeps it until resolved, a reload may send it once more): still nothing.
    assert _offline(client_staff, expired.number, venue, key="k-expired").status_code == 400
    assert Use.objects.count() == 0


def test_a_use_is_logged_at_the_venue_it_was_taken_at_whatever_the_session_says(client_staff, staff, card, venue,
                                                                               region):
    other = VenueMembershipFactory(user=staff, venue=VenueFactory(name="Amuri", region=region)).venue
    client_staff.post(reverse("venues:select_venue"), {"venue": str(other.pk)})  # the counter moved on since
    assert _offline(client_staff, card.number, venue, key="k-venue").status_code == 201
    assert Use.objects.get().venue_id == venue.pk
    # The key belongs to the venue: the same key replayed there still answers with that use.
    assert _offline(client_staff, card.number, venue, key="k-venue").json()["use"] == Use.objects.get().pk
    assert Use.objects.count() == 1


def test_a_venue_the_user_does_not_work_at_is_refused_and_nothing_is_logged(client_staff, card, region):
    elsewhere = VenueFactory(name="Muualla", region=region)
    response = _offline(client_staff, card.number, elsewhere)
    assert response.status_code == 404
    assert Use.objects.count() == 0


@pytest.mark.parametrize("taken_at", ["", "yesterday", "2027-13-40T25:00:00Z"])
def test_a_taken_at_that_is_no_time_is_refused_and_nothing_is_logged(client_staff, card, venue, taken_at):
    response = client_staff.post(reverse("venues:log"), {
        "number": card.number, "idempotency_key": "k-bad", "kind": "ticket", "children": "0", "taken_at": taken_at,
        "venue": str(venue.pk)}, **JSON)
    assert response.status_code == 404
    assert Use.objects.count() == 0


def test_a_community_card_kept_offline_with_its_group(client_staff, region, venue):
    community = CommunityCardFactory(number=_number("YHTEYS22"), office__region=region, region=region)
    response = _offline(client_staff, community.number, venue, community="1", group_size="3", children="2")
    assert response.status_code == 201
    use = Use.objects.get()
    assert (use.card_kind, use.group_size, use.children) == (Card.Kind.COMMUNITY, 3, 2)


def test_a_plain_log_still_uses_the_sessions_venue_and_today(client_staff, card, venue):
    response = client_staff.post(reverse("venues:log"), {"number": card.number, "idempotency_key": "k-plain",
                                                         "children": "0"}, **JSON)
    assert response.status_code == 201
    use = Use.objects.get()
    assert (use.venue_id, use.used_on, use.channel) == (venue.pk, timezone.localdate(), "counter")


# --- the page and the service worker ------------------------------------------------------------------------------


def test_the_counter_carries_the_offline_part_with_its_texts(client_staff, staff, venue):
    html = client_staff.get(reverse("venues:counter")).content.decode()
    assert f'data-user="{staff.pk}" data-venue="{venue.pk}"' in html
    assert f'data-log-url="{reverse("venues:log")}"' in html
    assert 'data-worker-url="/venues/counter/sw.js" data-scope="/venues/counter/"' in html
    assert 'id="offline-banner" class="offline-banner" hidden' in html
    assert "Log without checking" in html
    assert 'id="offline-alert" class="visually-hidden" aria-live="assertive"' in html
    assert "js/counter-offline.js" in html
    with translation.override("sv"):
        swedish = client_staff.get(reverse("venues:counter"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Registrera utan kontroll" in swedish
    assert 'data-msg-kept="Sparad på den här enheten för att skickas: {use}, kort {number}."' in swedish
    with translation.override("fi"):
        finnish = client_staff.get(reverse("venues:counter"), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert 'data-msg-sent="Ilman yhteyttä kirjattuja käyttökertoja lähetetty palvelimelle: {n}."' in finnish
    assert "Kirjaa tarkistamatta" in finnish


def test_the_worker_is_served_from_the_counters_address_to_anyone(client):
    response = client.get(reverse("venues:counter_worker"))
    assert reverse("venues:counter_worker") == "/venues/counter/sw.js"  # its scope: /venues/counter/
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'var CACHE = "kaikukanta-counter-v1";' in body
    assert client.post(reverse("venues:counter_worker")).status_code == 405
