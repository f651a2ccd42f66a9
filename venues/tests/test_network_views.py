"""Venue pages for regional contacts and the coordinator: list, venue page (staff, invitations), invite staff,
end access; scopes as a matrix. The twin of distributors/tests/test_views.py."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access.models import Invitation
from access.services import membership_end
from cards.tests.web import World, build_world
from core.errors import DomainError
from core.navigation import nav_items
from core.scopes import scope_for
from regions.tests.factories import CoordinatorFactory, UserFactory
from venues.models import Venue, VenueMembership
from venues.tests.factories import VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Kulttuuri-kuuluu-kaikille-42"


@dataclass
class Net:
    world: World
    venue: Venue
    other_venue: Venue
    popup: Venue
    kassa: object
    coordinator: object


@pytest.fixture
def net():
    world = build_world()
    venue = VenueFactory(name="Tampereen Teatteri", region=world.region, municipality=world.tampere)
    other_venue = VenueFactory(name="Helsingin Kaupunginteatteri", region=world.other_region)
    popup = VenueFactory(name="Kesäfestari", region=None, is_popup=True,
                         active_until=timezone.localdate() + datetime.timedelta(days=60))
    kassa = VenueMembershipFactory(venue=venue, user=UserFactory(username="kassa-tampere")).user
    VenueMembershipFactory(venue=other_venue, user=UserFactory(username="kassa-helsinki"))
    VenueMembershipFactory(venue=popup, user=UserFactory(username="kassa-festari"))
    coordinator = CoordinatorFactory(user=UserFactory(username="koordinaattori")).user
    return Net(world, venue, other_venue, popup, kassa, coordinator)


def _user(net: Net, who: str):
    return {"coordinator": net.coordinator, "contact": net.world.contact, "venue": net.kassa,
            "distributor": net.world.jakaja}[who]


def _link_token(message) -> str:
    return re.search(r"/invitations/([^/\s]+)/", message.body).group(1)


@pytest.mark.parametrize(("who", "expected"), [
    ("coordinator", ["Tampereen Teatteri", "Helsingin Kaupunginteatteri", "Kesäfestari"]),
    ("contact", ["Tampereen Teatteri"]),
    ("venue", ["Tampereen Teatteri"]),
    ("distributor", []),
])
def test_venue_list_is_scoped(client, net, who, expected):
    client.force_login(_user(net, who))
    response = client.get(reverse("venues:venues"))
    assert response.status_code == 200
    # By region name (Helsinki before Tampere), pop-up venues (no region) last.
    assert sorted(v.name for v in response.context["venues"]) == sorted(expected)
    if who == "coordinator":
        assert [v.name for v in response.context["venues"]] == [
            "Helsingin Kaupunginteatteri", "Tampereen Teatteri", "Kesäfestari"]


@pytest.mark.parametrize(("who", "own", "other", "popup"), [
    ("coordinator", 200, 200, 200),
    ("contact", 200, 404, 404),
    ("venue", 200, 404, 404),
    ("distributor", 404, 404, 404),
])
def test_venue_page_is_scoped(client, net, who, own, other, popup):
    client.force_login(_user(net, who))
    assert client.get(reverse("venues:venue", args=[net.venue.pk])).status_code == own
    assert client.get(reverse("venues:venue", args=[net.other_venue.pk])).status_code == other
    assert client.get(reverse("venues:venue", args=[net.popup.pk])).status_code == popup


def test_anonymous_is_sent_to_sign_in(client, net):
    response = client.get(reverse("venues:venues"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("who", "venue", "status"), [
    ("venue", "venue", 403),         # own venue: read-only
    ("distributor", "venue", 404),
    ("contact", "other_venue", 404),
    ("contact", "popup", 404),       # pop-up venues belong to the coordinator
])
def test_invite_refused_outside_the_managers_scope(client, net, who, venue, status):
    target = getattr(net, venue)
    client.force_login(_user(net, who))
    response = client.post(reverse("venues:venue_invite", args=[target.pk]), {"email": "uusi@example.fi"})
    assert response.status_code == status
    assert Invitation.objects.count() == 0
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(("who", "venue", "status"), [
    ("venue", "venue", 403),
    ("distributor", "venue", 404),
    ("contact", "other_venue", 404),
    ("contact", "popup", 404),
])
def test_end_access_refused_outside_the_managers_scope(client, net, who, venue, status):
    target = getattr(net, venue)
    membership = target.memberships.get()
    client.force_login(_user(net, who))
    response = client.post(reverse("venues:membership_end", args=[target.pk, membership.pk]))
    assert response.status_code == status
    membership.refresh_from_db()
    assert membership.ended_on is None


def test_venue_page_lists_staff_and_offers_invite_to_the_contact(client, net):
    VenueMembershipFactory(venue=net.venue, user=UserFactory(username="kassa-2"),
                           ended_on=datetime.date(2020, 1, 1))  # ended long ago: not listed
    client.force_login(net.world.contact)

    response = client.get(reverse("venues:venue", args=[net.venue.pk]))

    html = response.content.decode()
    assert response.context["can_manage"] is True
    assert [m.user.username for m in response.context["staff"]] == ["kassa-tampere"]
    assert reverse("venues:venue_invite", args=[net.venue.pk]) in html
    membership = VenueMembership.objects.get(user=net.kassa)
    assert reverse("venues:membership_end", args=[net.venue.pk, membership.pk]) in html


def test_venue_staff_see_their_own_venue_without_management(client, net):
    client.force_login(net.kassa)
    response = client.get(reverse("venues:venue", args=[net.venue.pk]))
    html = response.content.decode()
    assert response.context["can_manage"] is False
    assert reverse("venues:venue_invite", args=[net.venue.pk]) not in html
    assert "End access" not in html


def test_invite_sends_the_link_and_accepting_grants_the_venue(client, net, django_capture_on_commit_callbacks):
    client.force_login(net.world.contact)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("venues:venue_invite", args=[net.venue.pk]), {"email": "lipunmyyja@example.fi"})

    assert response["Location"] == reverse("venues:venue", args=[net.venue.pk])
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.office, invitation.venue, invitation.invited_by) == (
        "lipunmyyja@example.fi", None, net.venue, net.world.contact)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lipunmyyja@example.fi"]
    page = client.get(reverse("venues:venue", args=[net.venue.pk]))
    assert list(page.context["invitations"]) == [invitation]
    assert "lipunmyyja@example.fi" in page.content.decode()

    client.logout()
    url = reverse("invitation_accept", args=[_link_token(mail.outbox[0])])
    done = client.post(url, {"username": "lipunmyyja", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})

    assert done["Location"] == reverse("account_login")
    membership = VenueMembership.objects.get(user__username="lipunmyyja")
    assert (membership.venue, membership.started_on, membership.ended_on) == (net.venue, timezone.localdate(), None)
    assert client.login(username="lipunmyyja", password=GOOD_PASSWORD)
    assert client.get(reverse("venues:counter")).status_code == 200
    assert client.get(reverse("venues:venue", args=[net.other_venue.pk])).status_code == 404
    client.force_login(net.world.contact)
    assert list(client.get(reverse("venues:venue", args=[net.venue.pk])).context["invitations"]) == []


def test_coordinator_invites_into_a_popup_venue(client, net, django_capture_on_commit_callbacks):
    client.force_login(net.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("venues:venue_invite", args=[net.popup.pk]), {"email": "festari@example.fi"})

    assert Invitation.objects.get().venue == net.popup
    assert len(mail.outbox) == 1


def test_invite_refusals_show_on_the_email_field(client, net):
    client.force_login(net.world.contact)

    bad = client.post(reverse("venues:venue_invite", args=[net.venue.pk]), {"email": "ei-osoite"})
    member = client.post(reverse("venues:venue_invite", args=[net.venue.pk]), {"email": "kassa-tampere@example.fi"})
    Venue.objects.filter(pk=net.venue.pk).update(active_until=timezone.localdate() - datetime.timedelta(days=1))
    ended = client.post(reverse("venues:venue_invite", args=[net.venue.pk]), {"email": "uusi@example.fi"})

    assert (bad.status_code, member.status_code, ended.status_code) == (400, 400, 400)
    assert "email" in bad.context["invite_form"].errors
    assert member.context["invite_form"].errors["email"] == ["This person already works here."]
    assert ended.context["invite_form"].errors["email"] == ["The venue is not active today."]
    assert 'aria-invalid="true"' in ended.content.decode()
    assert Invitation.objects.count() == 0
    assert len(mail.outbox) == 0


def test_contact_ends_a_staff_members_access(client, net):
    membership = VenueMembership.objects.get(user=net.kassa)
    client.force_login(net.kassa)
    assert client.get(reverse("venues:counter")).status_code == 200

    client.force_login(net.world.contact)
    response = client.post(reverse("venues:membership_end", args=[net.venue.pk, membership.pk]))

    assert response["Location"] == reverse("venues:venue", args=[net.venue.pk])
    membership.refresh_from_db()
    assert membership.ended_on == timezone.localdate() - datetime.timedelta(days=1)
    assert list(client.get(reverse("venues:venue", args=[net.venue.pk])).context["staff"]) == []
    assert client.post(reverse("venues:membership_end", args=[net.venue.pk, membership.pk])).status_code == 404
    client.force_login(net.kassa)
    assert client.get(reverse("venues:counter")).status_code == 403
    assert client.get(reverse("venues:venue", args=[net.venue.pk])).status_code == 404


def test_only_the_coordinator_ends_access_to_a_popup_venue(net):
    membership = net.popup.memberships.get()

    with pytest.raises(DomainError) as refused:
        membership_end(user=net.world.contact, membership=membership)
    assert refused.value.code == "not_allowed"
    membership.refresh_from_db()
    assert membership.ended_on is None

    today = datetime.date(2026, 3, 2)
    ended = membership_end(user=net.coordinator, membership=membership, today=today)
    again = membership_end(user=net.coordinator, membership=membership, today=today)
    assert ended.ended_on == again.ended_on == datetime.date(2026, 3, 1)


def test_venue_list_has_bounded_queries(client, net):
    client.force_login(net.world.contact)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("venues:venues"))
        assert response.status_code == 200
        return len(queries)

    client.get(reverse("venues:venues"))
    few = count_queries()
    for i in range(30):
        venue = VenueFactory(name=f"Museo {i:02d}", region=net.world.region)
        VenueMembershipFactory(venue=venue)
    many = count_queries()

    assert few == many
    assert many <= 10
    response = client.get(reverse("venues:venues"))
    staff = {v.name: v.staff_count for v in response.context["venues"]}
    assert (len(staff), staff["Tampereen Teatteri"], staff["Museo 00"]) == (31, 1, 1)


def test_venue_list_is_paginated_and_searchable(client, net):
    for i in range(55):
        VenueFactory(name=f"Museo {i:02d}", region=net.world.region)
    client.force_login(net.world.contact)

    first = client.get(reverse("venues:venues"))
    second = client.get(reverse("venues:venues"), {"page": 2})
    found = client.get(reverse("venues:venues"), {"q": "teatteri"})

    assert (first.context["page"].paginator.count, len(first.context["venues"]), len(second.context["venues"])) == (
        56, 50, 6)
    assert [v.name for v in found.context["venues"]] == ["Tampereen Teatteri"]


@pytest.mark.parametrize(("who", "has_venues"), [
    ("coordinator", True), ("contact", True), ("venue", False), ("distributor", False),
])
def test_menu_has_venues_after_offices_for_managers(net, who, has_venues):
    names = [item["name"] for item in nav_items(_user(net, who))]
    assert ("venues:venues" in names) is has_venues
    if has_venues:
        assert names.index("venues:venues") == names.index("distributors:offices") + 1


def test_scope_manages_regions_and_popups(net):
    contact, coordinator = scope_for(net.world.contact), scope_for(net.coordinator)
    assert (contact.manages(net.world.region.pk), contact.manages(net.world.other_region.pk),
            contact.manages(None)) == (True, False, False)
    assert (coordinator.manages(net.world.other_region.pk), coordinator.manages(None)) == (True, True)
