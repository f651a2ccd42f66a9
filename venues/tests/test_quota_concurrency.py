"""R10 through the counter endpoint on real PostgreSQL: two or more counters log the last places at
the same moment, and the offer is never oversold.

Each thread is one counter with its own test client (its own session and database connection). A
barrier releases the log requests together, so they really meet at the offer's row lock.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from cards import numbers
from cards.models import Use
from cards.tests.factories import CardFactory
from regions.tests.factories import RegionFactory
from venues.models import Offer
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

JSON = {"HTTP_ACCEPT": "application/json"}


def _counters(count: int, *, quota: int, children: int = 0):
    region = RegionFactory()
    venue = VenueFactory(region=region)
    offer = OfferFactory(venue=venue, quota=quota)
    clients, cards = [], []
    for i in range(count):
        client = Client()
        client.force_login(VenueMembershipFactory(venue=venue).user)
        clients.append(client)
        payload = f"RACE{i:02d}".replace("0", "A").replace("1", "B")[:8].ljust(8, "Z")
        cards.append(CardFactory(number=payload + numbers.check_character(payload), office__region=region,
                                 region=region, children=children))
    return offer, clients, cards


def _race(offer, clients, cards, *, children: int = 0) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(clients), timeout=30)
    results: list = [None] * len(clients)

    def counter(index: int) -> None:
        client, card = clients[index], cards[index]
        try:
            checked = client.post(reverse("venues:check"), {"number": card.number}, **JSON).json()
            assert checked["valid"] is True, checked
            barrier.wait()
            response = client.post(reverse("venues:log"), {
                "number": card.number, "offer": str(offer.pk), "children": str(children), "kind": "ticket",
                "idempotency_key": f"race-{index}",
            }, **JSON)
            results[index] = (response.status_code, response.json().get("code") or "ok")
        except Exception as exc:  # noqa: BLE001 - reported to the test thread
            results[index] = (0, repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=counter, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_counters_logging_the_last_place_sell_it_once():
    offer, clients, cards = _counters(2, quota=1)
    results = _race(offer, clients, cards)
    offer.refresh_from_db()
    assert sorted(results) == [(201, "ok"), (409, "quota_exhausted")]
    assert offer.used_count == 1
    assert Use.objects.filter(offer=offer).count() == 1


def test_eight_counters_never_oversell_three_places():
    offer, clients, cards = _counters(8, quota=3)
    results = _race(offer, clients, cards)
    offer.refresh_from_db()
    assert sorted(results) == [(201, "ok")] * 3 + [(409, "quota_exhausted")] * 5
    assert offer.used_count == 3
    assert Use.objects.filter(offer=offer).count() == 3
    assert Offer.objects.get(pk=offer.pk).remaining == 0


def test_places_with_children_count_against_the_quota():
    # Three places left; each counter logs a holder with one child (two places): only one fits.
    offer, clients, cards = _counters(3, quota=3, children=1)
    results = _race(offer, clients, cards, children=1)
    offer.refresh_from_db()
    assert sorted(results) == [(201, "ok"), (409, "quota_exhausted"), (409, "quota_exhausted")]
    assert offer.used_count == 2
    assert list(Use.objects.filter(offer=offer).values_list("children", flat=True)) == [1]
