"""The staff lifecycle (issue 12, point 3): who may invite whom into which role, the region's and the national
team's staff pages with last sign-in and second factor, and deactivating an account (every membership ends,
sessions and the API token go at once, audited with who did it)."""

import datetime
import re

import pytest
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from access.models import Invitation
from access.permissions import deactivatable, may_deactivate, may_invite
from access.services import account_deactivate, invitation_accept, invitation_create, sessions_end
from core.errors import DomainError
from core.scopes import scope_for
from distributors.models import OfficeMembership
from distributors.tests.factories import OfficeMembershipFactory
from regions.models import RegionMembership
from venues.models import VenueMembership
from venues.tests.factories import VenueMembershipFactory

from .staff_world import ROLES, build_world, person, user_of

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Kulttuuri-kuuluu-kaikille-42"


@pytest.fixture
def world():
    return build_world()


def _link_token(message) -> str:
    return re.search(r"/invitations/([^/\s]+)/", message.body).group(1)


# --- who may invite whom ------------------------------------------------------------------------------------

# inviter → may invite into (Tampere's office, Tampere's venue, the pop-up venue, Tampere's contacts,
# Espoo's contacts, Espoo's office, the national team)
INVITE_MATRIX = {
    "office_staff": (False, False, False, False, False, False, False),
    "venue_staff": (False, False, False, False, False, False, False),
    "contact": (True, True, False, True, False, False, False),
    "other_contact": (False, False, False, False, True, True, False),
    "coordinator": (True, True, True, True, True, True, True),
}


def _targets(world):
    return [("office", world.office), ("venue", world.venue), ("venue", world.popup), ("contact", world.tampere),
            ("contact", world.espoo), ("office", world.office_espoo), ("coordinator", None)]


def _try_invite(inviter, role: str, target, n: int) -> str:
    kwargs = {"role": role} if role == "coordinator" else {"region": target} if role == "contact" else {role: target}
    try:
        invitation_create(user=inviter, email=f"uusi-{n}@example.fi", **kwargs)
    except DomainError as refused:
        return refused.code
    return "invited"


@pytest.mark.parametrize("who", list(INVITE_MATRIX))
def test_who_may_invite_whom_is_one_matrix_for_the_permission_and_the_service(world, who):
    inviter = user_of(world, who)

    answers = tuple(may_invite(inviter, role=role, target=target) for role, target in _targets(world))
    outcomes = tuple(_try_invite(inviter, role, target, n) for n, (role, target) in enumerate(_targets(world)))

    assert answers == INVITE_MATRIX[who]
    assert outcomes == tuple("invited" if allowed else "not_allowed" for allowed in INVITE_MATRIX[who])
    assert Invitation.objects.count() == sum(INVITE_MATRIX[who])  # a refusal created nothing


def test_a_contact_invites_the_regions_other_contact_who_becomes_one_on_accepting(
        world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(user=world.contact, email="kulttuuri@example.fi", region=world.tampere)

    user = invitation_accept(token=_link_token(mail.outbox[0]), password=GOOD_PASSWORD, username="alue-tampere-2")

    assert (invitation.role, invitation.region, invitation.office, invitation.venue) == (
        "contact", world.tampere, None, None)
    assert mail.outbox[0].subject == "Invitation to Kaikukanta: Tampere (regional contact)"
    assert list(RegionMembership.objects.filter(user=user).values_list("role", "region", "ended_on")) == [
        ("contact", world.tampere.pk, None)]
    assert scope_for(user).region_ids == frozenset({world.tampere.pk})


def test_the_coordinator_invites_a_coordinator_into_the_national_team(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(user=world.coordinator, email="kaikukeskus@example.fi", role="coordinator")

    user = invitation_accept(token=_link_token(mail.outbox[0]), password=GOOD_PASSWORD, username="koordinaattori-2")

    assert "for Kaikukeskus (national coordinator)" in mail.outbox[0].body
    assert list(RegionMembership.objects.filter(user=user).values_list("role", "region")) == [("coordinator", None)]
    assert scope_for(user).national


@pytest.mark.parametrize("kwargs", [
    {"role": "coordinator", "region": "tampere"}, {"role": "contact"}, {"role": "office", "venue": "venue"},
    {"office": "office", "region": "tampere"}, {"role": "janitor"},
])
def test_an_invitation_names_exactly_the_unit_its_role_needs(world, kwargs):
    kwargs = {key: getattr(world, value) if key != "role" else value for key, value in kwargs.items()}
    with pytest.raises(DomainError) as refused:
        invitation_create(user=world.coordinator, email="x@example.fi", **kwargs)
    assert refused.value.code == "invitation_target_invalid"
    assert Invitation.objects.count() == 0


def test_a_current_contact_is_not_invited_again(world):
    with pytest.raises(DomainError) as refused:
        invitation_create(user=world.coordinator, email="ALUE-TAMPERE@example.fi", region=world.tampere)
    assert refused.value.code == "already_member"


# --- deactivating an account ------------------------------------------------------------------------------


def test_deactivating_ends_every_membership_the_token_the_sessions_and_waiting_invitations(client, world):
    worker = world.office_staff
    VenueMembershipFactory(user=worker, venue=world.venue)
    in_a_month = timezone.localdate() + datetime.timedelta(days=30)
    OfficeMembershipFactory(user=worker, office=world.office, ended_on=in_a_month)
    token = Token.objects.create(user=worker)
    client.force_login(worker)
    other = type(client)()
    other.force_login(worker)
    bystander = type(client)()
    bystander.force_login(world.venue_staff)
    waiting = invitation_create(user=world.coordinator, email="JAKAJA-TAMPERE@example.fi", office=world.office_espoo)
    assert Session.objects.count() == 3

    account_deactivate(user=world.contact, person=worker)

    worker.refresh_from_db()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert worker.is_active is False
    assert set(OfficeMembership.objects.filter(user=worker).values_list("ended_on", flat=True)) == {yesterday}
    assert list(VenueMembership.objects.filter(user=worker).values_list("ended_on", flat=True)) == [yesterday]
    assert not Token.objects.filter(pk=token.pk).exists()
    assert Session.objects.count() == 1  # the bystander's
    assert client.get(reverse("cards:list")).status_code == 302
    assert bystander.get(reverse("venues:uses")).status_code == 200
    waiting.refresh_from_db()
    assert not waiting.is_pending()
    entry = LogEntry.objects.get(content_type__model="user", object_id=worker.pk, changes__has_key="is_active")
    assert (entry.actor, entry.changes, entry.additional_data) == (world.contact, {"is_active": ["True", "False"]}, {
        "event": "account_deactivated", "channel": "page", "memberships_ended": 3, "api_token_revoked": True,
        "invitations_withdrawn": 1})
    assert LogEntry.objects.filter(content_type__model="user", object_id=worker.pk,
                                   changes__api_token=["issued", "revoked"], actor=world.contact).count() == 1
    assert scope_for(worker).roles == []


def test_deactivating_twice_changes_nothing_and_writes_nothing(world):
    account_deactivate(user=world.coordinator, person=world.venue_staff)
    entries = LogEntry.objects.count()

    again = account_deactivate(user=world.coordinator, person=world.venue_staff)

    assert again.is_active is False
    assert LogEntry.objects.count() == entries


# deactivator → may deactivate (Tampere's office worker, Tampere's venue worker, Espoo's office worker, Tampere's
# contact, the coordinator, someone working in Tampere and Espoo, a former Tampere worker, a superuser)
DEACTIVATE_MATRIX = {
    "office_staff": (False, False, False, False, False, False, False, False),
    "venue_staff": (False, False, False, False, False, False, False, False),
    "contact": (True, True, False, False, False, False, True, False),
    "other_contact": (False, False, True, False, False, False, False, False),
    "coordinator": (True, True, True, True, False, True, True, False),
}


def _people(world):
    both = person("molemmat")
    OfficeMembershipFactory(user=both, office=world.office)
    VenueMembershipFactory(user=both, venue=world.venue_espoo)
    former = person("entinen")
    OfficeMembershipFactory(user=former, office=world.office, ended_on=datetime.date(2024, 12, 31))
    root = person("tuki", is_superuser=True, is_staff=True)
    return [world.office_staff, world.venue_staff, world.office_staff_espoo, world.contact, world.coordinator, both,
            former, root]


@pytest.mark.parametrize("who", list(DEACTIVATE_MATRIX))
def test_who_may_deactivate_whom(world, who):
    deactivator = user_of(world, who)
    people = _people(world)

    answers = tuple(may_deactivate(deactivator, target) for target in people)

    assert answers == DEACTIVATE_MATRIX[who]
    assert deactivatable(deactivator, people) == {p.pk for p, ok in zip(people, answers, strict=True) if ok}


@pytest.mark.parametrize(("who", "whom", "code"), [
    ("contact", "coordinator", "not_allowed"), ("contact", "other_contact", "not_allowed"),
    ("other_contact", "office_staff", "not_allowed"), ("office_staff", "venue_staff", "not_allowed"),
    ("coordinator", "coordinator", "account_self"), ("contact", "contact", "account_self"),
])
def test_a_refused_deactivation_changes_nothing(client, world, who, whom, code):
    target = user_of(world, whom)
    Token.objects.create(user=target)
    client.force_login(target)
    entries = LogEntry.objects.count()

    with pytest.raises(DomainError) as refused:
        account_deactivate(user=user_of(world, who), person=target)

    assert refused.value.code == code
    target.refresh_from_db()
    assert target.is_active is True
    assert Token.objects.filter(user=target).exists()
    assert Session.objects.count() == 1
    assert LogEntry.objects.count() == entries
    assert scope_for(target).roles != []


def test_sessions_of_a_store_that_cannot_be_listed_end_with_the_account(client, world, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    client.force_login(world.venue_staff)
    assert client.get(reverse("venues:uses")).status_code == 200

    account_deactivate(user=world.coordinator, person=world.venue_staff)

    assert sessions_end(world.venue_staff) == 0  # nothing to list in the cache
    assert client.get(reverse("venues:uses")).status_code == 302  # but the session names an inactive account


def test_the_deactivate_page_is_404_outside_the_scope_and_for_oneself(client, world):
    client.force_login(world.other_contact)
    assert client.get(reverse("access:deactivate", args=[world.office_staff.pk])).status_code == 404
    assert client.post(reverse("access:deactivate", args=[world.office_staff.pk])).status_code == 404
    client.force_login(world.coordinator)
    assert client.get(reverse("access:deactivate", args=[world.coordinator.pk])).status_code == 404
    world.office_staff.refresh_from_db()
    assert world.office_staff.is_active


def test_an_invitation_brings_a_deactivated_account_back_and_says_who_let_it_in(
        world, django_capture_on_commit_callbacks):
    account_deactivate(user=world.contact, person=world.office_staff)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(user=world.contact, email="jakaja-tampere@example.fi", office=world.office)

    user = invitation_accept(token=_link_token(mail.outbox[0]), password=GOOD_PASSWORD)

    assert (user.pk, user.is_active) == (world.office_staff.pk, True)
    assert scope_for(user).office_ids == frozenset({world.office.pk})
    entry = LogEntry.objects.filter(object_id=user.pk, changes__is_active=["False", "True"]).get()
    assert (entry.actor, entry.additional_data["event"]) == (world.contact, "account_reactivated")


# --- the staff lists -----------------------------------------------------------------------------------------


def test_the_regions_staff_page_lists_contacts_office_and_venue_staff_with_sign_in_and_second_factor(client, world):
    signed_in = datetime.datetime(2026, 3, 2, 9, 15, tzinfo=timezone.get_current_timezone())
    get_user_model().objects.filter(pk=world.office_staff.pk).update(last_login=signed_in)
    Authenticator.objects.create(user=world.contact, type=Authenticator.Type.TOTP, data={})
    Authenticator.objects.create(user=world.venue_staff, type=Authenticator.Type.RECOVERY_CODES, data={})
    client.force_login(world.contact)

    response = client.get(reverse("access:region", args=[world.tampere.pk]))

    page = response.context
    assert [(r.user.username, r.mfa_on, bool(r.end_url), bool(r.deactivate_url)) for r in page["rows"]] == [
        ("alue-tampere", True, False, False)]  # a contact neither ends nor deactivates a contact, themselves included
    assert [(r.user.username, r.unit.name, r.mfa_on, bool(r.deactivate_url)) for r in page["office_rows"]] == [
        ("jakaja-tampere", "Sosiaalityö Tampere", False, True)]
    assert [(r.user.username, r.unit.name, r.mfa_on) for r in page["venue_rows"]] == [
        ("kohde-vapriikki", "Vapriikki", False)]  # recovery codes alone are no second factor
    html = response.content.decode()
    assert "2.3.2026 09:15" in html
    assert "never" in html  # kohde-vapriikki has never signed in
    assert html.count('role="region"') == 3
    assert "jakaja-espoo" not in html
    assert [i.role for i in page["invitations"]] == []
    assert f'action="/staff/regions/{world.tampere.pk}/invite/"' in html


def test_the_coordinator_ends_a_contact_on_the_regions_page_and_invites_another(client, world):
    client.force_login(world.coordinator)

    ended = client.post(reverse("access:region_end", args=[world.tampere.pk, world.contact_membership.pk]))
    invited = client.post(reverse("access:region_invite", args=[world.tampere.pk]), {"email": "uusi@example.fi"})
    refused = client.post(reverse("access:region_invite", args=[world.tampere.pk]), {"email": "ei-osoite"})

    assert (ended.status_code, ended.url) == (302, f"/staff/regions/{world.tampere.pk}/")
    world.contact_membership.refresh_from_db()
    assert world.contact_membership.ended_on == timezone.localdate() - datetime.timedelta(days=1)
    assert (invited.status_code, invited.url) == (302, f"/staff/regions/{world.tampere.pk}/")
    assert list(Invitation.objects.values_list("email", "role", "region")) == [
        ("uusi@example.fi", "contact", world.tampere.pk)]
    assert refused.status_code == 400
    assert list(refused.context["invite_form"].errors) == ["email"]


def test_a_contact_cannot_end_a_fellow_contact(client, world):
    client.force_login(world.contact)
    response = client.post(reverse("access:region_end", args=[world.tampere.pk, world.contact_membership.pk]))
    assert response.status_code == 403
    world.contact_membership.refresh_from_db()
    assert world.contact_membership.ended_on is None


def test_the_national_team_page_lists_coordinators_and_invites_one(client, world):
    client.force_login(world.coordinator)

    page = client.get(reverse("access:national"))
    invited = client.post(reverse("access:national_invite"), {"email": "kaikukeskus@example.fi"})

    assert [r.user.username for r in page.context["rows"]] == ["koordinaattori"]
    assert page.context["rows"][0].deactivate_url is None  # not oneself
    assert invited.status_code == 302
    assert list(Invitation.objects.values_list("email", "role", "region")) == [
        ("kaikukeskus@example.fi", "coordinator", None)]


def test_staff_lists_cost_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(30):
        worker = person(f"jakaja-{n}")
        OfficeMembershipFactory(user=worker, office=world.office)
        VenueMembershipFactory(user=person(f"kohde-{n}"), venue=world.venue)
        Authenticator.objects.create(user=worker, type=Authenticator.Type.TOTP, data={})
    client.force_login(world.contact)

    with django_assert_max_num_queries(16):
        region = client.get(reverse("access:region", args=[world.tampere.pk]))
    with django_assert_max_num_queries(16):
        office = client.get(reverse("distributors:office", args=[world.office.pk]))

    assert len(region.context["office_rows"]) == 31
    assert sum(r.mfa_on for r in region.context["office_rows"]) == 30
    assert len(office.context["rows"]) == 31


# --- inviting and ending on the staff pages × every role ---------------------------------------------------

# invite and end on the region's page and the national team's, as POSTs: who may and the refusals
POSTS = ("region_invite", "region_end", "national_invite", "national_end")
POST_MATRIX = {
    "anonymous": (302, 302, 302, 302),
    "office_staff": (403, 403, 403, 403),
    "venue_staff": (403, 403, 403, 403),
    "contact": (302, 403, 403, 403),
    "other_contact": (404, 404, 403, 403),
    "coordinator": (302, 302, 302, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_inviting_and_ending_on_the_staff_pages_as_every_role(client, world, role):
    user = user_of(world, role)
    if user is not None:
        client.force_login(user)
    second_coordinator = RegionMembership.objects.create(user=person("koordinaattori-2"), role="coordinator")
    urls = {
        "region_invite": reverse("access:region_invite", args=[world.tampere.pk]),
        "region_end": reverse("access:region_end", args=[world.tampere.pk, world.contact_membership.pk]),
        "national_invite": reverse("access:national_invite"),
        "national_end": reverse("access:national_end", args=[second_coordinator.pk]),
    }

    answers = tuple(client.post(urls[name], {"email": f"{name}@example.fi"}).status_code for name in POSTS)

    assert answers == POST_MATRIX[role]
    allowed = dict(zip(POSTS, (answer == 302 and role != "anonymous" for answer in answers), strict=True))
    assert Invitation.objects.filter(role="contact").exists() is allowed["region_invite"]
    assert Invitation.objects.filter(role="coordinator").exists() is allowed["national_invite"]
    assert (RegionMembership.objects.get(pk=world.contact_membership.pk).ended_on is not None) is allowed["region_end"]
    assert (RegionMembership.objects.get(pk=second_coordinator.pk).ended_on is not None) is allowed["national_end"]


# --- languages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "titles"), [
    ("fi", ("Henkilöstö", "Tampere: henkilöstö", "Kansalliset koordinaattorit")),
    ("sv", ("Personal", "Tampere: personal", "Nationella koordinatorer")),
    ("en", ("Staff", "Staff of Tampere", "National coordinators")),
])
def test_the_staff_pages_speak_finnish_swedish_and_english(client, world, language, titles):
    client.force_login(world.coordinator)
    client.cookies["django_language"] = language
    pages = [client.get(reverse("access:staff")), client.get(reverse("access:region", args=[world.tampere.pk])),
             client.get(reverse("access:national"))]
    found = tuple(re.search(r"<title>(.*?) – Kaikukanta</title>", p.content.decode()).group(1) for p in pages)
    assert found == titles
