"""Issue 12, points 3 and 5 together: every new page (the staff pages of access, the audit trail of reports) × every
role, and the acceptance path of a deactivated account: its sessions end, its API token answers 401 and the audit
trail shows who deactivated it."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from access.tests.staff_world import ROLES, build_world, user_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


# --- every new page × every role ----------------------------------------------------------------------------

PAGES = ("staff", "national", "region", "deactivate", "audit", "audit_csv")
# role → status of each page (302: to the sign-in page)
PAGE_MATRIX = {
    "anonymous": (302, 302, 302, 302, 302, 302),
    "office_staff": (403, 403, 403, 404, 403, 403),
    "venue_staff": (403, 403, 403, 404, 403, 403),
    "contact": (200, 403, 200, 200, 200, 200),
    "other_contact": (200, 403, 404, 404, 200, 200),
    "coordinator": (200, 200, 200, 200, 200, 200),
}


def _url(world, page: str) -> str:
    return {
        "staff": reverse("access:staff"),
        "national": reverse("access:national"),
        "region": reverse("access:region", args=[world.tampere.pk]),
        "deactivate": reverse("access:deactivate", args=[world.office_staff.pk]),
        "audit": reverse("reports:audit"),
        "audit_csv": reverse("reports:audit_csv"),
    }[page]


@pytest.mark.parametrize("role", ROLES)
def test_every_new_page_answers_every_role_as_the_matrix_says(client, world, role):
    user = user_of(world, role)
    if user is not None:
        client.force_login(user)

    answers = tuple(client.get(_url(world, page)).status_code for page in PAGES)

    assert answers == PAGE_MATRIX[role]
    if role == "anonymous":
        assert client.get(_url(world, "audit")).url.startswith("/accounts/login/")


def test_acceptance_a_deactivated_account_loses_its_sessions_and_token_and_the_audit_shows_who(client, world):
    """Issue 12 acceptance: its sessions end, its API token answers 401, the audit page shows who deactivated it."""
    token = Token.objects.create(user=world.office_staff)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 200
    worker = type(client)()
    worker.force_login(world.office_staff)
    assert worker.get(reverse("cards:list")).status_code == 200
    client.force_login(world.contact)

    confirm = client.get(reverse("access:deactivate", args=[world.office_staff.pk]),
                         {"next": reverse("access:region", args=[world.tampere.pk])})
    done = client.post(reverse("access:deactivate", args=[world.office_staff.pk]),
                       {"next": reverse("access:region", args=[world.tampere.pk])}, follow=True)

    assert confirm.status_code == 200
    assert "Sosiaalityö Tampere" in confirm.content.decode()
    assert done.redirect_chain == [(f"/staff/regions/{world.tampere.pk}/", 302)]
    assert [str(m) for m in done.context["messages"]] == [
        "The account of jakaja-tampere was deactivated: their access ended, they were signed out everywhere and "
        "their API token no longer works."]
    assert worker.get(reverse("cards:list")).status_code == 302
    assert not Session.objects.filter(session_key=worker.session.session_key).exists()
    answer = api.get("/api/v1/me/")
    assert (answer.status_code, answer.json()["code"]) == (401, "authentication_failed")
    audit = client.get(reverse("reports:audit"), {"kind": "account"})
    assert [(e.who, e.what) for e in audit.context["page"].events] == [
        ("alue-tampere", "account deactivated: jakaja-tampere (access ended: 1, API token revoked: yes)")]


