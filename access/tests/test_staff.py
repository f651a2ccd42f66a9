"""Staff management, one implementation for offices, venues and regions: who may manage whom, the staff
section on the office page and the venue page, ending a region contact's access through the same service."""

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from access.permissions import may_manage_staff
from access.selectors import invitation_pending_list, staff_list
from access.services import invitation_create, membership_end
from cards.tests.web import build_world
from core.errors import DomainError
from core.scopes import scope_for
from distributors.models import OfficeMembership
from distributors.tests.factories import OfficeMembershipFactory
from regions.models import RegionMembership
from regions.tests.factories import CoordinatorFactory, RegionContactFactory, UserFactory
from venues.tests.factories import VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def coordinator():
    return CoordinatorFactory(user=UserFactory(username="koordinaattori")).user


@pytest.fixture
def other_contact(world):
    return RegionContactFactory(region=world.other_region, user=UserFactory(username="alue-helsinki")).user


def _audit(model) -> list[tuple[str, dict]]:
    return [(entry.object_pk, entry.changes_dict) for entry in
            LogEntry.objects.filter(content_type__model=model._meta.model_name, action=LogEntry.Action.UPDATE)]


# --- who may manage whom --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "office", "other_office", "venue", "popup", "region", "national_team"), [
    ("coordinator", True, True, True, True, True, True),
    ("contact", True, False, True, False, False, False),
    ("jakaja", False, False, False, False, False, False),
    ("kassa", False, False, False, False, False, False),
])
def test_who_may_manage_the_staff_of_each_kind_of_unit(world, coordinator, who, office, other_office, venue,
                                                       popup, region, national_team):
    own_venue = VenueFactory(region=world.region)
    popup_venue = VenueFactory(region=None, is_popup=True, active_until=datetime.date(2026, 8, 31))
    kassa = VenueMembershipFactory(venue=own_venue).user
    user = {"coordinator": coordinator, "contact": world.contact, "jakaja": world.jakaja, "kassa": kassa}[who]

    answers = (may_manage_staff(user, world.office), may_manage_staff(user, world.other_office),
               may_manage_staff(user, own_venue), may_manage_staff(user, popup_venue),
               may_manage_staff(user, world.region), may_manage_staff(user, None))

    assert answers == (office, other_office, venue, popup, region, national_team)


# --- regions: listed and ended through the same selectors and service ------------------------------------


def test_a_region_contact_is_listed_and_ended_by_the_coordinator_through_the_one_service(world, coordinator):
    membership = RegionMembership.objects.get(user=world.contact)
    person = membership.user
    assert scope_for(person).region_ids == frozenset({world.region.pk})  # cached on the user object

    assert [m.user.username for m in staff_list(target=world.region)] == ["alue-tampere"]
    assert list(invitation_pending_list(user=coordinator, target=world.region)) == []

    ended = membership_end(user=coordinator, membership=membership, today=TODAY)

    assert ended.ended_on == datetime.date(2026, 3, 1)
    membership.refresh_from_db()
    assert membership.ended_on == datetime.date(2026, 3, 1)
    assert _audit(RegionMembership) == [(str(membership.pk), {"ended_on": ["None", "2026-03-01"]})]
    assert list(staff_list(target=world.region)) == []
    # The same user object: its cached scope was dropped, so the region is gone at once.
    assert scope_for(person).region_ids == frozenset()

    again = membership_end(user=coordinator, membership=membership, today=TODAY)
    assert again.ended_on == datetime.date(2026, 3, 1)
    assert len(_audit(RegionMembership)) == 1


@pytest.mark.parametrize("who", ["contact", "fellow_contact", "other_contact"])
def test_only_the_coordinator_ends_a_region_contacts_access(world, other_contact, who):
    fellow = RegionContactFactory(region=world.region, user=UserFactory(username="alue-tampere-2")).user
    membership = RegionMembership.objects.get(user=world.contact)
    person = membership.user
    scope_for(person)
    user = {"contact": world.contact, "fellow_contact": fellow, "other_contact": other_contact}[who]

    with pytest.raises(DomainError) as refused:
        membership_end(user=user, membership=membership, today=TODAY)

    assert refused.value.code == "not_allowed"
    membership.refresh_from_db()
    assert membership.ended_on is None
    assert _audit(RegionMembership) == []
    assert scope_for(person).region_ids == frozenset({world.region.pk})


# --- offices and venues: a refusal changes nothing ---------------------------------------------------------


def test_another_regions_contact_cannot_end_access_and_nothing_changes(client, world, other_contact):
    membership = OfficeMembership.objects.get(user=world.jakaja)
    url = reverse("distributors:membership_end", args=[world.office.pk, membership.pk])
    assert url == f"/offices/{world.office.pk}/staff/{membership.pk}/end/"

    with pytest.raises(DomainError) as refused:
        membership_end(user=other_contact, membership=membership, today=TODAY)
    client.force_login(other_contact)
    response = client.post(url)

    assert refused.value.code == "not_allowed"
    assert response.status_code == 404  # the office is outside the contact's scope
    membership.refresh_from_db()
    assert membership.ended_on is None
    assert _audit(OfficeMembership) == []
    assert [m.message for m in get_messages(response.wsgi_request)] == []
    client.force_login(world.jakaja)
    assert client.get(reverse("cards:register")).status_code == 200


def test_the_contact_ends_access_to_an_office_with_the_message_and_back_to_the_page(client, world):
    membership = OfficeMembership.objects.get(user=world.jakaja)
    client.force_login(world.contact)

    response = client.post(reverse("distributors:membership_end", args=[world.office.pk, membership.pk]),
                           follow=True)

    assert response.redirect_chain == [(f"/offices/{world.office.pk}/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["jakaja-tampere no longer has access to this office."]
    membership.refresh_from_db()
    assert membership.ended_on is not None
    assert _audit(OfficeMembership) == [(str(membership.pk), {"ended_on": ["None", str(membership.ended_on)]})]


# --- the staff section: one partial on the office page and the venue page ------------------------------


def _staff_section(html: str) -> str:
    section = re.search(r'<section aria-labelledby="staff-title">.*?</section>', html, re.DOTALL).group(0)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="…"', section)


def test_the_staff_section_renders_the_same_on_the_office_and_the_venue_page(client, world,
                                                                          django_capture_on_commit_callbacks):
    venue = VenueFactory(name="Tampereen Teatteri", region=world.region)
    OfficeMembership.objects.filter(user=world.jakaja).delete()
    person = UserFactory(username="monitoimija", first_name="Aino", last_name="Virtanen")
    office_membership = OfficeMembershipFactory(office=world.office, user=person)
    venue_membership = VenueMembershipFactory(venue=venue, user=person)
    invitation_create(user=world.contact, email="uusi@example.fi", office=world.office)
    invitation_create(user=world.contact, email="uusi@example.fi", venue=venue)
    client.force_login(world.contact)

    office_page = client.get(reverse("distributors:office", args=[world.office.pk]))
    venue_page = client.get(reverse("venues:venue", args=[venue.pk]))

    office_section = _staff_section(office_page.content.decode())
    venue_section = _staff_section(venue_page.content.decode())
    office_links = (f'action="/offices/{world.office.pk}/staff/{office_membership.pk}/end/"',
                    f'action="/offices/{world.office.pk}/invite/"',
                    f'href="/staff/people/{person.pk}/deactivate/?next=%2Foffices%2F{world.office.pk}%2F"')
    venue_links = (f'action="/venues/{venue.pk}/staff/{venue_membership.pk}/end/"',
                   f'action="/venues/{venue.pk}/invite/"',
                   f'href="/staff/people/{person.pk}/deactivate/?next=%2Fvenues%2F{venue.pk}%2F"')
    assert [office_section.count(link) for link in office_links] == [1, 1, 1]
    assert [venue_section.count(link) for link in venue_links] == [1, 1, 1]
    assert "Aino Virtanen" in office_section
    assert "uusi@example.fi" in office_section
    for old, new in zip(office_links, venue_links, strict=True):
        office_section = office_section.replace(old, new)
    assert office_section == venue_section
    assert "access/_staff.html" in [t.name for t in office_page.templates]
    assert "access/_staff.html" in [t.name for t in venue_page.templates]


def test_the_staff_section_shows_no_management_to_the_units_own_staff(client, world):
    client.force_login(world.jakaja)

    section = _staff_section(client.get(reverse("distributors:office", args=[world.office.pk])).content.decode())

    assert "jakaja-tampere" in section
    assert "/staff/" not in section
    assert "/invite/" not in section
    assert "Invitations waiting" not in section


def test_a_refused_invitation_shows_the_page_again_with_the_error_and_sends_nothing(client, world):
    venue = VenueFactory(name="Tampereen Teatteri", region=world.region)
    client.force_login(world.contact)

    response = client.post(reverse("venues:venue_invite", args=[venue.pk]), {"email": "ei-osoite"})

    assert response.status_code == 400
    assert [t.name for t in response.templates][0] == "venues/venue_detail.html"
    assert response.context["venue"] == venue
    assert list(response.context["invite_form"].errors) == ["email"]
    assert 'value="ei-osoite"' in _staff_section(response.content.decode())
    assert list(invitation_pending_list(user=world.contact, target=venue)) == []


# --- a venue key's machine account is not a person on the staff lists ----------------------------------------------


def test_a_venue_keys_machine_account_is_on_no_staff_list_and_cannot_be_ended_there(client, world):
    from access.keys import venue_key_create
    from access.selectors import region_unit_staff
    from venues.models import VenueMembership

    venue = VenueFactory(region=world.region)
    person = VenueMembershipFactory(venue=venue, user=UserFactory(username="lipunmyyja")).user
    key, _secret = venue_key_create(user=world.contact, venue=venue, name="Lippujärjestelmä", scopes=["check"])
    machine = VenueMembership.objects.get(user=key.user)

    assert [m.user for m in staff_list(target=venue)] == [person]
    _offices, venues = region_unit_staff(region=world.region)
    assert key.user not in {m.user for m in venues}
    assert person in {m.user for m in venues}

    client.force_login(world.contact)
    page = client.get(reverse("venues:venue", args=[venue.pk])).content.decode()
    assert "lipunmyyja" in page
    assert key.user.username not in page
    response = client.post(reverse("venues:membership_end", args=[venue.pk, machine.pk]))
    assert response.status_code == 404
    machine.refresh_from_db()
    assert machine.ended_on is None
    assert scope_for(key.user).venue_ids == frozenset({venue.pk})


def test_a_venue_keys_machine_account_cannot_be_deactivated_from_the_people_pages(client, world, coordinator):
    from access.keys import venue_key_create
    from access.permissions import may_deactivate

    venue = VenueFactory(region=world.region)
    key, _secret = venue_key_create(user=world.contact, venue=venue, name="Lippujärjestelmä", scopes=["check"])
    assert not may_deactivate(coordinator, key.user)
    assert not may_deactivate(world.contact, key.user)

    client.force_login(coordinator)
    url = reverse("access:deactivate", args=[key.user.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    key.user.refresh_from_db()
    assert key.user.is_active
    assert scope_for(key.user).venue_ids == frozenset({venue.pk})
