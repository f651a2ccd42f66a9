"""Password guessing: failed sign-ins are limited per account (whichever route and name they use) and per real
client address, which a client cannot choose with X-Forwarded-For (TRUSTED_PROXY_COUNT)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from distributors.tests.factories import OfficeMembershipFactory
from regions.tests.factories import CoordinatorFactory, UserFactory
from venues.tests.factories import VenueMembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "salasana-testi-1"  # the factories' password
WRONG = "väärä-salasana"
PROXY = "10.0.0.1"  # our TLS proxy, the socket address of every request behind it


@pytest.fixture
def venue_user():
    return VenueMembershipFactory(user=UserFactory(username="kohde-vapriikki")).user


@pytest.fixture
def coordinator():
    return CoordinatorFactory(user=UserFactory(username="koordinaattori", email="koordinaattori@example.fi")).user


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def _token(username, password=PASSWORD, *, address="127.0.0.1", forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, **headers)


def _answer(response):
    return response.status_code, response.json()["code"]


def _sign_in(client, login, password=PASSWORD, *, address="127.0.0.1", forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("account_login"), {"login": login, "password": password}, **headers)


def test_one_number_of_trusted_proxies_for_every_limit():
    from django.conf import settings

    from kaikukanta import settings as project

    assert project.env.scheme["TRUSTED_PROXY_COUNT"] == (int, 0)
    assert (project.TRUSTED_PROXY_COUNT, project.ALLAUTH_TRUSTED_PROXY_COUNT,
            project.REST_FRAMEWORK["NUM_PROXIES"]) == (0, 0, 0)
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "30/5m/ip,5/5m/key"


def test_forty_guesses_with_forged_addresses_lock_the_account_and_the_right_password_is_refused(venue_user):
    """Finding 1, as probed: every guess claims another X-Forwarded-For. The header is not trusted (no proxy
    configured), so the address throttle sees one client; and the account is locked after 5 failures."""
    answers = [_answer(_token("kohde-vapriikki", WRONG, forwarded=f"198.51.100.{i}")) for i in range(40)]
    right = _token("kohde-vapriikki", forwarded="198.51.100.200")

    assert answers == [(400, "invalid_credentials")] * 5 + [(400, "too_many_login_attempts")] * 5 + [
        (429, "throttled")] * 30
    assert _answer(right) == (429, "throttled")
    assert Token.objects.count() == 0


def test_forty_guesses_from_forty_real_addresses_lock_the_account(venue_user):
    """The per-account limit holds when every guess really comes from another address (a botnet)."""
    answers = [_answer(_token("kohde-vapriikki", WRONG, address=f"198.51.100.{i}")) for i in range(40)]
    right = _token("kohde-vapriikki", address="203.0.113.7")

    assert answers == [(400, "invalid_credentials")] * 5 + [(400, "too_many_login_attempts")] * 35
    assert right.json() == {"code": "too_many_login_attempts",
                            "detail": "Too many failed login attempts. Try again later."}
    assert right.status_code == 400
    assert Token.objects.count() == 0


def test_a_locked_name_that_is_no_account_gets_the_same_answers(venue_user):
    def attempts(username):
        return [_token(username, WRONG, address=f"198.51.100.{i}").json() for i in range(7)]

    assert attempts("ei-ole-olemassa") == attempts("kohde-vapriikki")


def test_username_and_email_browser_and_api_draw_on_one_allowance(client, coordinator):
    for i in range(3):
        assert _answer(_token("koordinaattori", WRONG, address=f"198.51.100.{i}")) == (400, "invalid_credentials")
    for i in range(2):
        assert _sign_in(client, "KOORDINAATTORI@example.fi", WRONG, address=f"198.51.101.{i}").status_code == 200

    blocked = _sign_in(client, "koordinaattori", address="203.0.113.7")

    assert [e.code for e in blocked.context["form"].non_field_errors().as_data()] == ["too_many_login_attempts"]
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_of_colleagues_behind_the_proxy_do_not_lock_out_the_coordinator(
        client, coordinator, behind_one_proxy):
    """Finding 2: the whole country comes through the TLS proxy; its X-Forwarded-For names the real clients."""
    for i in range(40):
        user = OfficeMembershipFactory().user
        assert _sign_in(client, user.username, WRONG, address=PROXY, forwarded=f"198.51.100.{i}").status_code == 200

    signed_in = _sign_in(client, "koordinaattori", address=PROXY, forwarded="203.0.113.7")

    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_five_wrong_passwords_from_one_office_address_do_not_lock_out_the_coordinator(client, coordinator):
    """One office behind one address: the per-address allowance is for many people, the per-account one is 5."""
    for _ in range(5):
        user = OfficeMembershipFactory().user
        assert _sign_in(client, user.username, WRONG, address="198.51.100.1").status_code == 200

    signed_in = _sign_in(client, "koordinaattori", address="198.51.100.1")

    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_one_address_guessing_many_accounts_is_stopped_after_thirty(client, coordinator):
    users = [OfficeMembershipFactory().user for _ in range(30)]
    for user in users:
        assert _sign_in(client, user.username, WRONG, address="198.51.100.1").status_code == 200

    blocked = _sign_in(client, "koordinaattori", address="198.51.100.1")
    assert blocked.status_code == 429  # allauth's page for a limited address
    assert "_auth_user_id" not in client.session
    elsewhere = _sign_in(client, "koordinaattori", address="203.0.113.7")

    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_behind_the_proxy_the_token_throttle_counts_the_address_the_proxy_saw(venue_user, behind_one_proxy):
    """The client may send its own X-Forwarded-For; the proxy appends the address it saw, and only that counts."""
    forged = [_token("ei-ole", WRONG, address=PROXY, forwarded=f"192.0.2.{i}, 198.51.100.9").status_code
              for i in range(11)]
    other_client = _token("kohde-vapriikki", address=PROXY, forwarded="203.0.113.7")

    assert forged == [400] * 10 + [429]
    assert other_client.status_code == 200


def test_the_admin_signs_in_through_allauth(client, coordinator):
    """The admin's own form would skip the limits and the second factor."""
    coordinator.is_staff = True
    coordinator.save()

    page = client.get("/admin/login/?next=/admin/")
    posted = client.post("/admin/login/?next=/admin/", {"username": "koordinaattori", "password": PASSWORD})

    assert page.status_code == 302
    assert page["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.get(pk=coordinator.pk).last_login is None
