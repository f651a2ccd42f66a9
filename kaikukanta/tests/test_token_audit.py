import pytest
from auditlog.models import LogEntry
from rest_framework.authtoken.models import Token

from regions.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_creating_and_revoking_a_token_is_audited_without_the_key():
    user = UserFactory(username="lipunmyynti")
    token = Token.objects.create(user=user)
    token.delete()

    entries = LogEntry.objects.get_for_model(Token).order_by("pk")
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
    for entry in entries:
        assert token.key not in str(entry.changes)
