"""Creating, changing and closing venues on their pages (issue 12): pop-up venues with their campaign, public listing
and contact, the close page (R9); every refusal is shown next to its field and changes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cards.tests.web import build_world
from core.errors import DomainError
from regions.tests.factories import CoordinatorFactory, UserFactory
from venues import services
from venues.models import Venue
from venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    w.coordinator = CoordinatorFactory(user=UserFactory(username="koordinaattori")).user
    w.venue = VenueFactory(name="Tampereen Teatteri", region=w.region, municipality=w.tampere)
    return w


def _snapshot():
    return sorted(Venue.objects.values_list())


def test_the_coordinator_opens_a_pop_up_venue_with_its_campaign(client, world):
    today = timezone.localdate()
    client.force_login(world.coordinator)
    response = client.post(reverse("venues:popup_create"), {
        "name": "Ateneum", "category": "museum", "municipality": world.helsinki.pk, "website": "https://ateneum.fi/",
        "active_from": today.isoformat(), "active_until": (today + datetime.timedelta(days=90)).isoformat(),
        "public_listing": "on", "public_contact": "Liput museon kassalta.",
    })
    venue = Venue.objects.get(name="Ateneum")
    assert response["Location"] == reverse("venues:venue", args=[venue.pk])
    assert (venue.is_popup, venue.region, venue.active_until, venue.public_listing) == (
        True, None, today + datetime.timedelta(days=90), True)


def test_a_pop_up_venue_without_a_campaign_end_is_refused_next_to_the_field(client, world):
    client.force_login(world.coordinator)
    before = _snapshot()
    response = client.post(reverse("venues:popup_create"), {
        "name": "Ateneum", "category": "museum", "municipality": world.helsinki.pk, "active_from": "2026-01-01",
    })
    assert response.status_code == 400
    assert response.context["form"].errors == {"active_until": ["A pop-up venue's campaign needs an end date."]}
    assert 'aria-invalid="true"' in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(("field", "value", "message"), [
    ("public_phone", "soita", "Enter a phone number with digits, spaces and hyphens, e.g. +358 40 123 4567."),
    ("public_email", "lipunmyynti@", "Enter a valid e-mail address."),
    ("public_url", "www.teatteri.fi", "Enter a web address that starts with https:// or http://."),
    ("website", "teatteri", "Enter a web address that starts with https:// or http://."),
    ("name", "  ", "This field is required."),
])
def test_the_venue_form_puts_each_refusal_at_its_field(client, world, field, value, message):
    client.force_login(world.contact)
    before = _snapshot()
    data = {"name": "Tampereen Teatteri", "category": "theatre", "municipality": world.tampere.pk,
            "active_from": "2015-01-01", field: value}
    response = client.post(reverse("venues:venue_edit", args=[world.venue.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert _snapshot() == before


def test_a_venue_name_is_unique_in_its_region_and_the_municipality_must_be_of_the_region(world):
    with pytest.raises(DomainError) as refused:
        services.venue_create(user=world.contact, region=world.region, name="tampereen teatteri", category="theatre",
                              municipality=world.tampere, offers_courses=False, active_from=datetime.date(2026, 1, 1))
    assert refused.value.code == "venue_name_taken"
    with pytest.raises(DomainError) as refused:
        services.venue_create(user=world.contact, region=world.region, name="Uusi", category="theatre",
                              municipality=world.helsinki, offers_courses=False, active_from=datetime.date(2026, 1, 1))
    assert refused.value.code == "municipality_not_in_region"
    assert Venue.objects.count() == 1


def test_a_regional_contact_lists_the_venue_publicly_with_its_contact(client, world):
    client.force_login(world.contact)
    response = client.post(reverse("venues:venue_edit", args=[world.venue.pk]), {
        "name": "Tampereen Teatteri", "category": "theatre", "municipality": world.tampere.pk,
        "active_from": "2015-01-01", "public_contact": "Lipunmyynti ma–pe 10–17.\nKerro Kaikukortin numero.",
        "public_phone": "03 1234 5678", "public_email": "liput@teatteri.example", "public_url": "https://t.example/",
    })
    assert response.status_code == 302
    world.venue.refresh_from_db()
    assert (world.venue.public_listing, world.venue.public_phone, world.venue.public_email) == (
        False, "03 1234 5678", "liput@teatteri.example")
    page = client.get(reverse("venues:venue", args=[world.venue.pk])).content.decode()
    assert "Lipunmyynti ma–pe 10–17.<br>Kerro Kaikukortin numero." in page
    assert 'href="tel:0312345678"' in page


def test_closing_on_a_later_day_keeps_the_venue_open_until_then(client, world):
    last_day = timezone.localdate() + datetime.timedelta(days=10)
    client.force_login(world.contact)
    response = client.post(reverse("venues:venue_close", args=[world.venue.pk]),
                           {"when": "day", "last_day": last_day.isoformat()})
    assert response.status_code == 302
    world.venue.refresh_from_db()
    assert world.venue.active_until == last_day
    assert world.venue.is_active_on(last_day)
    assert not world.venue.is_active_on(last_day + datetime.timedelta(days=1))


@pytest.mark.parametrize(("data", "errors"), [
    ({"when": "day"}, {"last_day": ["Give the last day."]}),
    ({"when": "day", "last_day": "2020-01-01"},
     {"last_day": ["The last day must be yesterday or later, and within the current period."]}),
])
def test_a_close_date_in_the_past_is_refused(client, world, data, errors):
    client.force_login(world.contact)
    response = client.post(reverse("venues:venue_close", args=[world.venue.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    world.venue.refresh_from_db()
    assert world.venue.active_until is None


def test_a_closed_venue_cannot_be_closed_again_and_its_page_offers_no_close(client, world):
    Venue.objects.filter(pk=world.venue.pk).update(active_until=datetime.date(2020, 12, 31))
    client.force_login(world.contact)
    page = client.get(reverse("venues:venue", args=[world.venue.pk])).content.decode()
    assert reverse("venues:venue_close", args=[world.venue.pk]) not in page
    response = client.post(reverse("venues:venue_close", args=[world.venue.pk]), {"when": "now"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["It has already closed."]


def test_the_venue_list_filters_by_region_and_category_and_the_categories_page_counts_them(client, world):
    VenueFactory(name="Vapriikki", category="museum", region=world.region, municipality=world.tampere)
    VenueFactory(name="Ateneum", category="museum", region=world.other_region, municipality=world.helsinki)
    client.force_login(world.coordinator)
    listed = client.get(reverse("venues:venues"), {"region": world.region.pk, "category": "museum"})
    assert [v.name for v in listed.context["venues"]] == ["Vapriikki"]
    rows = {row.value: (row.group, row.venues, row.active)
            for row in client.get(reverse("venues:categories")).context["categories"]}
    assert rows["museum"] == ("culture", 2, 2)
    assert rows["theatre"] == ("culture", 1, 1)
    assert rows["adult_education"] == ("education", 0, 0)
    assert len(rows) == 11


def test_a_contact_with_several_regions_chooses_the_region_first(client, world):
    from regions.tests.factories import RegionContactFactory

    RegionContactFactory(user=world.contact, region=world.other_region)
    client.force_login(world.contact)
    response = client.get(reverse("venues:venue_create"))
    assert response.templates[0].name == "venues/venue_region_choice.html"
    assert [r.name for r in response.context["regions"]] == ["Helsinki", "Tampere"]
    form = client.get(reverse("venues:venue_create"), {"region": world.other_region.pk})
    assert [m.name_fi for m in form.context["form"].fields["municipality"].queryset] == ["Helsinki"]
