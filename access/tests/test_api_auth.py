"""API authentication: POST /api/v1/auth/token/, session use of the API, and the profile token form."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from distributors.tests.factories import OfficeMembershipFactory
from regions.tests.factories import RegionContactFactory, UserFactory
from venues.tests.factories import VenueMembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "salasana-testi-1"  # the factories' password


@pytest.fixture
def venue_user():
    return VenueMembershipFactory(user=UserFactory(username="kohde-vapriikki")).user


def _token(username, password=PASSWORD):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})


def test_token_for_username_and_password(venue_user):
    response = _token("kohde-vapriikki")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=venue_user).key}
    assert _token("kohde-vapriikki").json() == response.json()


def test_token_authenticates_the_api(venue_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {_token('kohde-vapriikki').json()['token']}")

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["username"] == "kohde-vapriikki"
    assert response.json()["roles"] == ["venue"]


@pytest.mark.parametrize(("username", "password"), [
    ("kohde-vapriikki", "väärä-salasana"),
    ("ei-ole", PASSWORD),
])
def test_wrong_credentials_get_no_token(venue_user, username, password):
    response = _token(username, password)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert Token.objects.count() == 0


def test_inactive_user_gets_no_token(venue_user):
    venue_user.is_active = False
    venue_user.save()

    response = _token("kohde-vapriikki")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_credentials")
    assert Token.objects.count() == 0


def test_missing_fields_are_400_with_fields():
    response = APIClient().post("/api/v1/auth/token/", {"username": "x"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["password"]


def test_account_with_mfa_must_create_the_token_on_the_profile_page(venue_user):
    Authenticator.objects.create(user=venue_user, type=Authenticator.Type.TOTP, data={})

    response = _token("kohde-vapriikki")

    assert (response.status_code, response.json()["code"]) == (400, "mfa_required")
    assert Token.objects.count() == 0


def test_regional_roles_need_the_profile_page_when_mfa_is_required(settings):
    settings.MFA_REQUIRED_FOR_REGIONAL = True
    RegionContactFactory(user=UserFactory(username="vastuu-tampere"))
    VenueMembershipFactory(user=UserFactory(username="kohde-vapriikki"))

    contact = _token("vastuu-tampere")
    venue = _token("kohde-vapriikki")

    assert (contact.status_code, contact.json()["code"]) == (400, "mfa_required")
    assert venue.status_code == 200
    assert list(Token.objects.values_list("user__username", flat=True)) == ["kohde-vapriikki"]


def test_token_requests_are_throttled(venue_user):
    statuses = [_token("kohde-vapriikki", "väärä-salasana").status_code for _ in range(11)]

    assert statuses == [400] * 10 + [429]
    assert _token("kohde-vapriikki").json()["code"] == "throttled"


def test_session_works_for_reads_and_writes_need_csrf(venue_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(venue_user)

    read = client.get("/api/v1/me/")
    write = client.post("/api/v1/uses/", {"card_number": "ABCDEFGHJ", "venue": 1})

    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["code"] == "permission_denied"


# --- profile page ------------------------------------------------------------------------------------


@pytest.fixture
def distributor(client):
    user = OfficeMembershipFactory(user=UserFactory(username="jakaja-tampere")).user
    client.force_login(user)
    return user


def test_profile_offers_to_create_a_token(client, distributor):
    page = client.get(reverse("profile")).content.decode()

    assert 'action="/profile/api-token/"' in page
    assert "api-token-new" not in page


def test_create_token_shows_it_once(client, distributor):
    response = client.post(reverse("api-token-create"))

    assert response.status_code == 302
    token = Token.objects.get(user=distributor)
    first = client.get(reverse("profile")).content.decode()
    second = client.get(reverse("profile")).content.decode()
    assert f'value="{token.key}"' in first
    assert token.key not in second
    assert 'action="/profile/api-token/revoke/"' in second


def test_create_again_replaces_the_token(client, distributor):
    client.post(reverse("api-token-create"))
    old = Token.objects.get(user=distributor).key

    client.post(reverse("api-token-create"))

    assert Token.objects.filter(user=distributor).count() == 1
    assert Token.objects.get(user=distributor).key != old


def test_revoke_token(client, distributor):
    Token.objects.create(user=distributor)

    response = client.post(reverse("api-token-revoke"))

    assert response.status_code == 302
    assert Token.objects.filter(user=distributor).count() == 0


def test_token_pages_refuse_get(client, distributor):
    assert client.get(reverse("api-token-create")).status_code == 405
    assert Token.objects.count() == 0


def test_user_without_a_role_cannot_create_a_token(client):
    client.force_login(UserFactory(username="ei-roolia"))

    client.post(reverse("api-token-create"))

    assert Token.objects.count() == 0
    assert "api-token-heading" not in client.get(reverse("profile")).content.decode()


def test_anonymous_cannot_create_a_token(client):
    response = client.post(reverse("api-token-create"))

    assert response.status_code == 302
    assert Token.objects.count() == 0
