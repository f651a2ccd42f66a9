"""Invitations: regional contacts invite staff into an office or a venue; the link sets the password;
no public sign-up; MFA can be required for regional and national roles."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from access.models import Invitation
from access.services import invitation_accept, invitation_create
from core.errors import MESSAGES, DomainError
from distributors.models import OfficeMembership
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.tests.factories import CoordinatorFactory, RegionContactFactory, RegionFactory, UserFactory
from venues.models import VenueMembership
from venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Kulttuuri-kuuluu-kaikille-42"


@pytest.fixture
def region():
    return RegionFactory(name="Tampere")


@pytest.fixture
def contact(region):
    return RegionContactFactory(region=region, user=UserFactory(username="alue-tampere")).user


@pytest.fixture
def office(region):
    return OfficeFactory(name="Sosiaalityö Tampere", region=region)


def _link_token(message) -> str:
    return re.search(r"/invitations/([^/\s]+)/", message.body).group(1)


def test_contact_invites_by_email_and_the_link_creates_the_user_and_membership(
        contact, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(user=contact, email="uusi.jakaja@example.fi", office=office)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["uusi.jakaja@example.fi"]
    token = _link_token(mail.outbox[0])
    assert token == invitation.raw_token
    assert token not in Invitation.objects.values_list("token_hash", flat=True).get()

    user = invitation_accept(token=token, password=GOOD_PASSWORD, username="uusi-jakaja")

    assert (user.username, user.email, user.check_password(GOOD_PASSWORD)) == (
        "uusi-jakaja", "uusi.jakaja@example.fi", True)
    assert list(OfficeMembership.objects.filter(user=user).values_list("office", "ended_on")) == [(office.pk, None)]
    assert EmailAddress.objects.get(user=user).verified is True
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (user, True)


def test_accepting_twice_or_late_or_with_a_wrong_token_is_refused(contact, office):
    invitation = invitation_create(user=contact, email="a@example.fi", office=office)
    invitation_accept(token=invitation.raw_token, password=GOOD_PASSWORD, username="a")

    with pytest.raises(DomainError) as used:
        invitation_accept(token=invitation.raw_token, password=GOOD_PASSWORD, username="b")
    assert used.value.code == "invitation_used"

    late = invitation_create(user=contact, email="b@example.fi", office=office)
    with pytest.raises(DomainError) as expired:
        invitation_accept(token=late.raw_token, password=GOOD_PASSWORD, username="b",
                          now=timezone.now() + datetime.timedelta(days=15))
    assert expired.value.code == "invitation_expired"
    with pytest.raises(DomainError) as wrong:
        invitation_accept(token="not-a-token", password=GOOD_PASSWORD)
    assert wrong.value.code == "invitation_invalid"
    assert get_user_model().objects.filter(username="b").count() == 0
    assert all(code in MESSAGES for code in ("invitation_used", "invitation_expired", "invitation_invalid"))


def test_existing_user_gets_the_membership_and_a_new_password(contact, office):
    existing = UserFactory(username="vanha", email="Vanha@Example.fi")
    invitation = invitation_create(user=contact, email="vanha@example.fi", office=office)

    user = invitation_accept(token=invitation.raw_token, password=GOOD_PASSWORD)

    assert user == existing
    assert get_user_model().objects.filter(email__iexact="vanha@example.fi").count() == 1
    assert OfficeMembership.objects.filter(user=existing, office=office).count() == 1


def test_venue_invitation_creates_a_venue_membership(contact, region):
    venue = VenueFactory(name="Vapriikki", region=region)
    invitation = invitation_create(user=contact, email="kassa@example.fi", venue=venue)

    user = invitation_accept(token=invitation.raw_token, password=GOOD_PASSWORD, username="kassa")

    assert list(VenueMembership.objects.filter(user=user).values_list("venue", flat=True)) == [venue.pk]


@pytest.mark.parametrize(("who", "code"), [("distributor", "not_allowed"), ("other_contact", "not_allowed")])
def test_only_the_regions_contact_or_the_coordinator_may_invite(office, who, code):
    if who == "distributor":
        user = OfficeMembershipFactory(office=office).user
    else:
        user = RegionContactFactory(region=RegionFactory(name="Muu")).user

    with pytest.raises(DomainError) as refused:
        invitation_create(user=user, email="x@example.fi", office=office)

    assert refused.value.code == code
    assert Invitation.objects.count() == 0
    coordinator = CoordinatorFactory().user
    assert invitation_create(user=coordinator, email="x@example.fi", office=office).pk


def test_invitation_targets_exactly_one_office_or_venue(contact, office, region):
    venue = VenueFactory(region=region)
    for kwargs in ({}, {"office": office, "venue": venue}):
        with pytest.raises(DomainError) as refused:
            invitation_create(user=contact, email="x@example.fi", **kwargs)
        assert refused.value.code == "invitation_target_invalid"
    with pytest.raises(IntegrityError):
        Invitation.objects.create(email="x@example.fi", office=office, venue=venue, token_hash="x" * 64,
                                  expires_at=timezone.now())


def test_current_staff_is_not_invited_again(contact, office):
    OfficeMembershipFactory(office=office, user=UserFactory(email="jo@example.fi"))
    with pytest.raises(DomainError) as refused:
        invitation_create(user=contact, email="JO@example.fi", office=office)
    assert refused.value.code == "already_member"


def test_accept_page_sets_password_then_user_signs_in_and_lands_on_cards(client, contact, office):
    invitation = invitation_create(user=contact, email="uusi@example.fi", office=office)
    url = reverse("invitation_accept", args=[invitation.raw_token])

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].fields["username"].initial == "uusi"

    mismatch = client.post(url, {"username": "uusi", "password1": GOOD_PASSWORD, "password2": "eri"})
    assert "password2" in mismatch.context["form"].errors
    weak = client.post(url, {"username": "uusi", "password1": "123", "password2": "123"})
    assert "password1" in weak.context["form"].errors
    assert not get_user_model().objects.filter(username="uusi").exists()

    done = client.post(url, {"username": "uusi", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert done["Location"] == reverse("account_login")
    assert client.get(url).status_code == 404

    signed_in = client.post(reverse("account_login"), {"login": "uusi@example.fi", "password": GOOD_PASSWORD},
                            follow=True)
    assert signed_in.redirect_chain[-1][0] == reverse("cards:list")


def test_failed_sign_ins_are_rate_limited(client, contact):
    for _ in range(5):
        failed = client.post(reverse("account_login"), {"login": "alue-tampere", "password": "väärä-salasana"})
        assert failed.status_code == 200

    # Even the right password is refused until the window passes.
    blocked = client.post(reverse("account_login"), {"login": "alue-tampere", "password": "salasana-testi-1"})

    assert blocked.status_code == 200
    assert "_auth_user_id" not in client.session
    assert [e.code for e in blocked.context["form"].non_field_errors().as_data()] == ["too_many_login_attempts"]


def test_mfa_can_be_required_for_regional_roles(client, contact, office, settings):
    settings.MFA_REQUIRED_FOR_REGIONAL = True
    jakaja = OfficeMembershipFactory(office=office).user
    client.force_login(jakaja)
    assert client.get(reverse("profile")).status_code == 200

    client.force_login(contact)
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    setup = client.get(reverse("mfa_activate_totp"))  # allauth may first ask for the password again
    assert setup.status_code == 200 or setup["Location"].startswith("/accounts/")

    Authenticator.objects.create(user=contact, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(reverse("profile")).status_code == 200

    settings.MFA_REQUIRED_FOR_REGIONAL = False
    Authenticator.objects.all().delete()
    assert client.get(reverse("profile")).status_code == 200


def test_invitation_is_in_the_audit_log_with_its_inviter_and_without_the_token(client, contact, office):
    client.force_login(contact)

    client.post(reverse("distributors:office_invite", args=[office.pk]), {"email": "uusi@example.fi"})

    invitation = Invitation.objects.get()
    entry = LogEntry.objects.get(content_type__model="invitation", object_pk=str(invitation.pk))
    assert entry.actor == contact
    assert "token_hash" not in entry.changes_dict
    assert entry.changes_dict["email"] == ["None", "uusi@example.fi"]


def test_password_reset_is_sent_by_email(client, contact):
    contact.email = "alue@example.fi"
    contact.save()

    response = client.post(reverse("account_reset_password"), {"email": "alue@example.fi"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alue@example.fi"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
