import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token

from access import tokens
from regions.tests.factories import UserFactory
from venues.tests.factories import VenueMembershipFactory

pytestmark = pytest.mark.django_db


def _token_entries(user) -> list:
    entries = LogEntry.objects.get_for_object(user).order_by("pk")
    return [entry.changes_dict["api_token"] for entry in entries if "api_token" in entry.changes_dict]


def test_issuing_replacing_and_revoking_a_token_is_audited_without_the_key():
    user = UserFactory(username="lipunmyynti")

    first = tokens.api_token_get_or_issue(user=user)
    again = tokens.api_token_get_or_issue(user=user)
    second = tokens.api_token_replace(user=user)
    assert tokens.api_token_revoke(user=user) is True
    assert tokens.api_token_revoke(user=user) is False

    assert again.key == first.key
    assert second.key != first.key
    assert Token.objects.filter(user=user).count() == 0
    assert _token_entries(user) == [["none", "issued"], ["issued", "replaced"], ["issued", "revoked"]]
    logged = " ".join(str(e.changes) + e.object_repr + str(e.serialized_data) for e in LogEntry.objects.all())
    assert first.key not in logged
    assert second.key not in logged


def test_the_profile_page_routes_go_through_the_audited_service(client):
    user = UserFactory(username="kohde-testi")
    VenueMembershipFactory(user=user)
    client.force_login(get_user_model().objects.get(pk=user.pk))

    client.post(reverse("api-token-create"))
    client.post(reverse("api-token-revoke"))

    assert _token_entries(user) == [["none", "issued"], ["issued", "revoked"]]
