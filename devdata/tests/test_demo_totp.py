"""The demo keeps working with two-factor sign-in required (the default): the coordinator and the regional
contacts get a TOTP authenticator with the published demo secret, and ``demo_totp`` prints its code."""

import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from devdata.demo import DEMO_TOTP_SECRET, demo_seed, demo_totp_code
from regions.tests.factories import RegionContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional_required(settings):
    settings.MFA_REQUIRED_FOR_REGIONAL = True


def _totp_secrets() -> dict[str, str]:
    return {a.user.username: decrypt(a.data["secret"])
            for a in Authenticator.objects.filter(type=Authenticator.Type.TOTP).select_related("user")}


def test_the_demo_gives_the_regional_logins_the_demo_totp(regional_required):
    demo_seed(small=True)
    demo_seed(small=True)  # idempotent

    assert _totp_secrets() == {"koordinaattori": DEMO_TOTP_SECRET, "alue-tampere": DEMO_TOTP_SECRET}
    assert sorted(Authenticator.objects.filter(type=Authenticator.Type.RECOVERY_CODES)
                  .values_list("user__username", flat=True)) == ["alue-tampere", "koordinaattori"]


def test_the_demo_gives_staff_the_demo_totp_only_when_required_from_them(settings):
    demo_seed(small=True)
    assert _totp_secrets() == {}

    settings.MFA_REQUIRED_FOR_STAFF = True
    demo_seed(small=True)
    assert set(_totp_secrets()) == {"jakaja-tampere", "kohde-vapriikki", "kohde-opisto", "jakaja-savonlinna",
                                    "kohde-savonlinna", "kohde-ateneum"}


def test_a_demo_login_signs_in_with_the_printed_code(client, regional_required):
    demo_seed(small=True)
    out, err = StringIO(), StringIO()

    if 30 - time.time() % 30 < 3:  # not a code about to expire (allauth accepts only the current window)
        time.sleep(3)
    before = demo_totp_code()
    call_command("demo_totp", "alue-tampere", stdout=out, stderr=err)
    code = out.getvalue().strip()
    after = demo_totp_code()
    password_step = client.post(reverse("account_login"),
                                {"login": "alue-tampere", "password": settings.DEMO_PASSWORD})
    code_step = client.post(reverse("mfa_authenticate"), {"code": code})

    assert code in {before, after}  # the 30-second window may turn between the two
    assert len(code) == 6
    assert DEMO_TOTP_SECRET in err.getvalue()
    assert password_step["Location"] == reverse("mfa_authenticate")
    assert code_step.status_code == 302
    assert client.session["_auth_user_id"] == str(Authenticator.objects.get(
        user__username="alue-tampere", type="totp").user_id)


def test_demo_totp_refuses_accounts_without_the_demo_secret(regional_required):
    demo_seed(small=True)
    real = RegionContactFactory(user=UserFactory(username="oikea-ihminen")).user
    Authenticator.objects.create(user=real, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})

    for username in ("oikea-ihminen", "jakaja-tampere", "ei-ole"):
        with pytest.raises(CommandError, match="has no demo TOTP authenticator"):
            call_command("demo_totp", username, stdout=StringIO(), stderr=StringIO())
