"""API tokens are access grants (R12): issuing and revoking one is written to the audit log.

The token's key is its primary key, so the Token model itself is not registered with auditlog (the key
would end up in the log); the entry is written on the user instead, without the key.
"""

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

User = get_user_model()


def _audit(user, change: list[str]) -> None:
    LogEntry.objects.log_create(user, action=LogEntry.Action.UPDATE, changes={"api_token": change})


def api_token_get_or_issue(*, user) -> Token:
    """The user's token; a new one is issued (and audited) only when none exists."""
    with transaction.atomic():
        token, created = Token.objects.get_or_create(user=user)
        if created:
            _audit(user, ["none", "issued"])
    return token


def api_token_replace(*, user) -> Token:
    with transaction.atomic():
        replaced = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        _audit(user, ["issued" if replaced else "none", "replaced" if replaced else "issued"])
    return token


def api_token_revoke(*, user) -> bool:
    with transaction.atomic():
        deleted = Token.objects.filter(user=user).delete()[0] > 0
        if deleted:
            _audit(user, ["issued", "revoked"])
    return deleted
