"""Two-factor sign-in: required by default from coordinators and regional contacts, by a setting from office and
venue staff; their API tokens come only from the profile page in a session that passed the second factor.

conftest.py turns the requirement off for tests not about it; every test here turns on what it is about."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from auditlog.models import LogEntry
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from distributors.tests.factories import OfficeMembershipFactory
from regions.tests.factories import CoordinatorFactory, RegionContactFactory, UserFactory
from venues.tests.factories import VenueMembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "salasana-testi-1"  # the factories' password
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


def _code(secret=SECRET) -> str:
    """The current code, never one about to expire (allauth accepts only the current 30-second window)."""
    if mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD < 3:
        time.sleep(3)
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


@pytest.fixture
def regional_required(settings):
    settings.MFA_REQUIRED_FOR_REGIONAL = True


@pytest.fixture
def contact():
    return RegionContactFactory(user=UserFactory(username="alue-tampere")).user


@pytest.fixture
def coordinator():
    return CoordinatorFactory(user=UserFactory(username="koordinaattori")).user


@pytest.fixture
def contact_with_totp(contact):
    TOTP.activate(contact, SECRET)
    RecoveryCodes.activate(contact)
    return contact


def _token(username, password=PASSWORD):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})


def test_required_by_default_for_regional_roles_and_optional_for_staff():
    from kaikukanta import settings as project

    assert project.env.scheme["MFA_REQUIRED_FOR_REGIONAL"] == (bool, True)
    assert project.env.scheme["MFA_REQUIRED_FOR_STAFF"] == (bool, False)
    assert (project.MFA_REQUIRED_FOR_REGIONAL, project.MFA_REQUIRED_FOR_STAFF) == (True, False)
    assert project.MFA_SUPPORTED_TYPES == ["totp", "recovery_codes", "webauthn"]


def test_a_security_key_is_offered_and_counts_as_the_second_factor(client, regional_required, contact):
    client.force_login(contact)
    index = client.get(reverse("mfa_index"))
    Authenticator.objects.create(user=contact, type=Authenticator.Type.WEBAUTHN, data={"name": "avain"})

    assert index.status_code == 200
    assert reverse("mfa_add_webauthn") in index.content.decode()
    assert client.get(reverse("profile")).status_code == 200
    assert (_token("alue-tampere").status_code, _token("alue-tampere").json()["code"]) == (400, "mfa_required")


@pytest.mark.parametrize("role", ["contact", "coordinator"])
def test_regional_roles_without_totp_are_sent_to_set_it_up(client, regional_required, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)

    page = client.get(reverse("profile"))
    api = client.get("/api/v1/me/")

    assert (page.status_code, page["Location"]) == (302, reverse("mfa_activate_totp"))
    assert (api.status_code, api.json()["code"]) == (403, "mfa_required")


def test_staff_need_a_second_factor_only_with_the_staff_setting(client, settings):
    venue_user = VenueMembershipFactory().user
    office_user = OfficeMembershipFactory().user
    settings.MFA_REQUIRED_FOR_REGIONAL = True

    client.force_login(venue_user)
    assert client.get(reverse("profile")).status_code == 200

    settings.MFA_REQUIRED_FOR_STAFF = True
    for user in (venue_user, office_user):
        client.force_login(user)
        assert client.get(reverse("profile"))["Location"] == reverse("mfa_activate_totp")
    TOTP.activate(office_user, SECRET)
    assert client.get(reverse("profile")).status_code == 200


def test_recovery_codes_alone_are_not_a_second_factor(client, regional_required, contact):
    RecoveryCodes.activate(contact)
    client.force_login(contact)

    assert client.get(reverse("profile"))["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", ["contact", "coordinator"])
def test_the_password_alone_gets_no_token_for_regional_roles(regional_required, role, request):
    request.getfixturevalue(role)

    response = _token(request.getfixturevalue(role).username)

    assert response.status_code == 400
    assert response.json() == {
        "code": "mfa_required",
        "detail": "This account uses two-factor authentication: create the token on your profile page."}
    assert Token.objects.count() == 0


def test_the_password_alone_gets_no_token_for_staff_with_the_staff_setting(settings):
    venue_user = VenueMembershipFactory(user=UserFactory(username="kohde-vapriikki")).user

    settings.MFA_REQUIRED_FOR_STAFF = True
    refused = _token("kohde-vapriikki")
    settings.MFA_REQUIRED_FOR_STAFF = False
    issued = _token("kohde-vapriikki")

    assert (refused.status_code, refused.json()["code"]) == (400, "mfa_required")
    assert issued.json() == {"token": Token.objects.get(user=venue_user).key}


def test_sign_in_asks_for_the_code_then_the_profile_creates_the_token(client, regional_required, contact_with_totp):
    password_step = client.post(reverse("account_login"), {"login": "alue-tampere", "password": PASSWORD})
    assert password_step["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if _code() != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    client.post(reverse("mfa_authenticate"), {"code": _code()})
    created = client.post(reverse("api-token-create"))

    assert client.session["_auth_user_id"] == str(contact_with_totp.pk)
    assert created["Location"] == reverse("profile")
    token = Token.objects.get(user=contact_with_totp)
    assert f'value="{token.key}"' in client.get(reverse("profile")).content.decode()


def test_a_session_without_the_second_factor_must_confirm_it_before_a_token(client, regional_required,
                                                                             contact_with_totp):
    client.force_login(contact_with_totp)  # as a session that never passed the code (e.g. from before the rule)
    profile = client.get(reverse("profile")).content.decode()

    refused = client.post(reverse("api-token-create"))

    assert "Creating a token asks for a code from your authenticator app first." in profile
    assert refused.status_code == 302
    assert refused["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fprofile%2F"
    assert Token.objects.count() == 0
    assert not LogEntry.objects.filter(changes__icontains="api_token").exists()

    confirmed = client.post(refused["Location"], {"code": _code()})
    created = client.post(reverse("api-token-create"))

    assert confirmed["Location"] == reverse("profile")
    assert created["Location"] == reverse("profile")
    assert Token.objects.filter(user=contact_with_totp).count() == 1


def test_required_but_not_set_up_is_sent_to_set_up_instead_of_a_token(client, regional_required, contact):
    client.force_login(contact)

    response = client.post(reverse("api-token-create"))

    assert response["Location"] == reverse("mfa_activate_totp")
    assert Token.objects.count() == 0


def test_the_totp_code_is_limited_per_account(client, regional_required, contact_with_totp):
    client.post(reverse("account_login"), {"login": "alue-tampere", "password": PASSWORD})
    wrong = "000000" if _code() != "000000" else "111111"
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": wrong})

    blocked = client.post(reverse("mfa_authenticate"), {"code": _code()})

    assert blocked.status_code == 200
    assert "_auth_user_id" not in client.session
    assert Authenticator.objects.get(user=contact_with_totp, type="totp").last_used_at is None
