"""Office pages for regional contacts and coordinators: list, office page (staff, community cards),
invite staff, end access; scopes as a matrix."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from access.models import Invitation
from cards.tests.factories import CommunityCardFactory
from cards.tests.web import build_world
from distributors.models import OfficeMembership
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.tests.factories import CoordinatorFactory, UserFactory
from venues.tests.factories import VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _user(world, who):
    if who == "coordinator":
        return CoordinatorFactory(user=UserFactory(username="koordinaattori")).user
    if who == "venue":
        return VenueMembershipFactory(venue=VenueFactory(region=world.region)).user
    return {"contact": world.contact, "jakaja": world.jakaja}[who]


@pytest.mark.parametrize(("who", "expected"), [
    ("coordinator", {"Sosiaalityö Tampere", "Sosiaalityö Helsinki"}),
    ("contact", {"Sosiaalityö Tampere"}),
    ("jakaja", {"Sosiaalityö Tampere"}),
    ("venue", set()),
])
def test_office_list_is_scoped(client, world, who, expected):
    client.force_login(_user(world, who))
    response = client.get(reverse("distributors:offices"))
    assert {office.name for office in response.context["offices"]} == expected


@pytest.mark.parametrize(("who", "own", "other"), [
    ("coordinator", 200, 200), ("contact", 200, 404), ("jakaja", 200, 404), ("venue", 404, 404),
])
def test_office_page_is_scoped(client, world, who, own, other):
    client.force_login(_user(world, who))
    assert client.get(reverse("distributors:office", args=[world.office.pk])).status_code == own
    assert client.get(reverse("distributors:office", args=[world.other_office.pk])).status_code == other


def test_office_list_has_bounded_queries(client, world, django_assert_max_num_queries):
    for i in range(20):
        office = OfficeFactory(name=f"Toimisto {i}", region=world.region)
        OfficeMembershipFactory(office=office)
    client.force_login(world.contact)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("distributors:offices"))

    assert len(response.context["offices"]) == 21
    staff = {o.name: o.staff_count for o in response.context["offices"]}
    assert (staff["Sosiaalityö Tampere"], staff["Toimisto 0"]) == (1, 1)


def test_office_page_lists_staff_and_community_cards_and_offers_invite(client, world):
    card = CommunityCardFactory(office=world.office, region=world.region)
    CommunityCardFactory(office=world.other_office, region=world.other_region)
    client.force_login(world.contact)

    response = client.get(reverse("distributors:office", args=[world.office.pk]))

    html = response.content.decode()
    assert response.context["can_manage"] is True
    assert [m.user.username for m in response.context["staff"]] == ["jakaja-tampere"]
    assert card.display_number in html
    assert reverse("distributors:office_invite", args=[world.office.pk]) in html
    assert reverse("cards:community_create", args=[world.office.pk]) in html


def test_distributor_sees_own_office_page_without_management(client, world):
    client.force_login(world.jakaja)
    response = client.get(reverse("distributors:office", args=[world.office.pk]))
    html = response.content.decode()
    assert response.context["can_manage"] is False
    assert reverse("distributors:office_invite", args=[world.office.pk]) not in html
    assert reverse("cards:community_create", args=[world.office.pk]) not in html
    assert client.post(reverse("distributors:office_invite", args=[world.office.pk]),
                       {"email": "x@example.fi"}).status_code == 403
    assert Invitation.objects.count() == 0


def test_invite_staff_sends_the_link(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.contact)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("distributors:office_invite", args=[world.office.pk]),
                               {"email": "uusi@example.fi"})

    assert response["Location"] == reverse("distributors:office", args=[world.office.pk])
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.office, invitation.venue, invitation.invited_by) == (
        "uusi@example.fi", world.office, None, world.contact)
    assert len(mail.outbox) == 1
    assert "/invitations/" in mail.outbox[0].body
    page = client.get(reverse("distributors:office", args=[world.office.pk]))
    assert list(page.context["invitations"]) == [invitation]


def test_invite_refusals_show_on_the_email_field(client, world):
    client.force_login(world.contact)
    world.jakaja.email = "jakaja@example.fi"
    world.jakaja.save()

    bad = client.post(reverse("distributors:office_invite", args=[world.office.pk]), {"email": "ei-osoite"})
    member = client.post(reverse("distributors:office_invite", args=[world.office.pk]),
                         {"email": "jakaja@example.fi"})

    assert bad.status_code == 400
    assert "email" in bad.context["invite_form"].errors
    assert member.context["invite_form"].errors["email"] == ["This person already works here."]
    assert Invitation.objects.count() == 0


def test_contact_ends_a_staff_members_access(client, world):
    membership = OfficeMembership.objects.get(user=world.jakaja)
    client.force_login(world.jakaja)
    assert client.post(reverse("distributors:membership_end", args=[world.office.pk, membership.pk])
                       ).status_code == 403

    client.force_login(world.contact)
    client.post(reverse("distributors:membership_end", args=[world.office.pk, membership.pk]))

    membership.refresh_from_db()
    assert membership.ended_on == timezone.localdate() - datetime.timedelta(days=1)
    client.force_login(world.jakaja)
    assert client.get(reverse("cards:register")).status_code == 403
