"""Issue 12's acceptance, through the pages: the coordinator opens a pilot region with two municipalities and a
period; its office registers a card the next day; after the period the card and the office are refused as DESIGN
R9 says. A regional contact closes a venue; its counter then refuses with ``venue_inactive``. Every change is in
the audit log with the person who made it."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from cards import services as cards
from cards.tests.factories import CardFactory
from core.errors import DomainError
from distributors.models import Office
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.models import Region
from regions.tests.factories import (
    CoordinatorFactory,
    MunicipalityFactory,
    RegionContactFactory,
    RegionFactory,
    UserFactory,
)
from venues.models import Venue
from venues.tests.factories import VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db


def test_a_pilot_region_opened_by_the_coordinator_serves_its_period_and_refuses_after_it(client):
    today = timezone.localdate()
    start, end = today + datetime.timedelta(days=1), today + datetime.timedelta(days=200)
    valkeakoski = MunicipalityFactory(code="908", name_fi="Valkeakoski", region=None)
    akaa = MunicipalityFactory(code="020", name_fi="Akaa", region=None)
    coordinator = CoordinatorFactory(user=UserFactory(username="koordinaattori")).user
    client.force_login(coordinator)

    # The coordinator opens the pilot: two municipalities, a period, cards valid until the pilot ends.
    response = client.post(reverse("regions:region_create"), {
        "name": "Valkeakoski", "period_kind": "pilot", "active_from": start.isoformat(),
        "active_until": end.isoformat(), "municipalities": [valkeakoski.pk, akaa.pk],
        "default_valid_until": end.isoformat(),
    })
    region = Region.objects.get(name="Valkeakoski")
    assert response["Location"] == reverse("regions:region", args=[region.pk])
    assert (region.pilot, region.active_from, region.active_until) == (True, start, end)
    assert set(region.municipalities.values_list("name_fi", flat=True)) == {"Valkeakoski", "Akaa"}
    akaa.refresh_from_db()
    assert LogEntry.objects.get_for_object(region).get().actor == coordinator

    # It adds an office and a venue to the network through their pages.
    response = client.post(reverse("distributors:office_create") + f"?region={region.pk}", {
        "organisation_name": "Pirkanmaan hyvinvointialue", "organisation_kind": "welfare_area",
        "name": "Aikuissosiaalityö, Valkeakoski", "municipality": valkeakoski.pk, "active_from": start.isoformat(),
        "public_listing": "on", "public_phone": "03 565 000",
    })
    office = Office.objects.get(name="Aikuissosiaalityö, Valkeakoski")
    assert response["Location"] == reverse("distributors:office", args=[office.pk])
    response = client.post(reverse("venues:venue_create") + f"?region={region.pk}", {
        "name": "Valkeakosken kaupunginteatteri", "category": "theatre", "municipality": valkeakoski.pk,
        "active_from": start.isoformat(), "public_listing": "on",
    })
    venue = Venue.objects.get(name="Valkeakosken kaupunginteatteri")
    assert (venue.region, venue.is_popup, response.status_code) == (region, False, 302)

    jakaja = OfficeMembershipFactory(office=office, user=UserFactory(username="jakaja-valkeakoski")).user
    kassa = VenueMembershipFactory(venue=venue, user=UserFactory(username="kohde-valkeakoski")).user
    elsewhere = VenueFactory(name="Vapriikki", region=RegionFactory(name="Tampere"))
    kassa_elsewhere = VenueMembershipFactory(venue=elsewhere, user=UserFactory(username="kohde-vapriikki")).user

    # Before the first day the office (opened with the region) registers nothing yet.
    with pytest.raises(DomainError) as refused:
        cards.card_issue(user=jakaja, office=office, birth_year=1980, home_municipality=akaa, today=today)
    assert refused.value.code == "office_inactive"

    # The next day its office registers a card; it works at the region's venue and elsewhere.
    card = cards.card_issue(user=jakaja, office=office, birth_year=1980, home_municipality=akaa, today=start)
    assert (card.region_id, card.valid_until) == (region.pk, end)
    assert cards.card_check(user=kassa, venue=venue, number=card.number, today=start).code is None
    assert cards.card_check(user=kassa_elsewhere, venue=elsewhere, number=card.number, today=end).code is None

    # After the period: R9 at the region's own venue, R3 elsewhere (the card was valid until the pilot's end),
    # and its office registers no more cards.
    after = end + datetime.timedelta(days=1)
    assert cards.card_check(user=kassa, venue=venue, number=card.number, today=after).code == "venue_inactive"
    assert cards.card_check(user=kassa_elsewhere, venue=elsewhere, number=card.number, today=after).code == (
        "card_expired")
    with pytest.raises(DomainError) as refused:
        cards.card_issue(user=jakaja, office=office, birth_year=1980, home_municipality=akaa, today=after)
    assert refused.value.code == "region_inactive"


def test_a_regional_contact_closes_a_venue_and_its_counter_refuses_with_venue_inactive(client):
    region = RegionFactory(name="Tampere")
    tampere = MunicipalityFactory(code="837", name_fi="Tampere", region=region)
    contact = RegionContactFactory(user=UserFactory(username="alue-tampere"), region=region).user
    venue = VenueFactory(name="Vapriikki", region=region, municipality=tampere)
    kassa = VenueMembershipFactory(venue=venue, user=UserFactory(username="kohde-vapriikki")).user
    office = OfficeFactory(region=region, municipality=tampere)
    card = CardFactory(office=office, region=region, home_municipality=tampere,
                       issued_on=timezone.localdate() - datetime.timedelta(days=10),
                       valid_until=timezone.localdate() + datetime.timedelta(days=300))

    client.force_login(kassa)
    checked = client.post(reverse("venues:check"), {"number": card.number}, HTTP_ACCEPT="application/json")
    assert (checked.status_code, checked.json()["valid"]) == (200, True)

    client.force_login(contact)
    page = client.get(reverse("venues:venue", args=[venue.pk]))
    assert reverse("venues:venue_close", args=[venue.pk]) in page.content.decode()
    response = client.post(reverse("venues:venue_close", args=[venue.pk]), {"when": "now"})
    assert response["Location"] == reverse("venues:venue", args=[venue.pk])
    venue.refresh_from_db()
    assert venue.active_until == timezone.localdate() - datetime.timedelta(days=1)
    entry = LogEntry.objects.get_for_object(venue).filter(action=LogEntry.Action.UPDATE).get()
    assert (entry.actor, list(entry.changes_dict)) == (contact, ["active_until"])

    client.force_login(kassa)
    checked = client.post(reverse("venues:check"), {"number": card.number}, HTTP_ACCEPT="application/json")
    assert (checked.json()["valid"], checked.json()["code"]) == (False, "venue_inactive")
    api = client.get(f"/api/v1/cards/{card.number}/check/?venue={venue.pk}")
    assert (api.status_code, api.json()["code"]) == (200, "venue_inactive")
