"""Venue API keys for ticketing systems (issue 16): made, named, rotated and revoked by the venue's staff or its
region's contact; shown once, stored hashed; each acts through its own machine account with a venue membership.

Making, rotating and revoking a key is an access grant (R12): written to the audit log on the key's account,
without the secret.
"""

import datetime
import hashlib
import hmac
import secrets

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from venues.models import Venue, VenueMembership
from venues.permissions import may_act_for_venue, may_manage_venue

from .models import VenueKey

PREFIX = "kk_"  # every venue key starts with it: the authentication tells a key from a personal token by it


def may_manage_keys(user, venue: Venue) -> bool:
    """The venue's own staff and its region's contact (the coordinator for every venue)."""
    return may_act_for_venue(user, venue) or may_manage_venue(user, venue)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret(prefix: str) -> tuple[str, str]:
    secret = secrets.token_urlsafe(30)
    return f"{PREFIX}{prefix}_{secret}", _digest(secret)


def _audit(key: VenueKey, actor, change: list[str]) -> None:
    LogEntry.objects.log_create(key.user, action=LogEntry.Action.UPDATE, actor=actor,
                                changes={"venue_key": change, "scopes": [",".join(key.scopes)] * 2})


def _clean_scopes(scopes) -> list[str]:
    chosen = [scope for scope in VenueKey.Scope.values if scope in set(scopes or ())]
    if not chosen:
        raise DomainError("key_scopes_required")
    return chosen


def venue_key_create(*, user, venue: Venue, name: str, scopes: list[str]) -> tuple[VenueKey, str]:
    """A new key and its secret, which is shown once and never stored."""
    if not may_manage_keys(user, venue):
        raise DomainError("not_allowed")
    name = (name or "").strip()[:100]
    if not name:
        raise DomainError("name_required")
    scopes = _clean_scopes(scopes)
    with transaction.atomic():
        prefix = secrets.token_hex(4)
        account = get_user_model().objects.create_user(username=f"venue-key-{prefix}", password=None)
        account.first_name = name[:150]
        account.save(update_fields=["first_name"])
        VenueMembership.objects.create(user=account, venue=venue, started_on=timezone.localdate())
        plain, digest = _new_secret(prefix)
        key = VenueKey.objects.create(venue=venue, name=name, prefix=prefix, secret_hash=digest, scopes=scopes,
                                      user=account, created_by=user)
        _audit(key, user, ["none", "created"])
    return key, plain


def venue_key_rotate(*, user, key: VenueKey) -> tuple[VenueKey, str]:
    """A new secret for the same key (name, scopes, history); the old secret stops working at once."""
    if not may_manage_keys(user, key.venue):
        raise DomainError("not_allowed")
    with transaction.atomic():
        key = VenueKey.objects.select_for_update().get(pk=key.pk)
        if key.is_revoked:
            raise DomainError("key_revoked")
        plain, key.secret_hash = _new_secret(key.prefix)
        key.rotated_at = timezone.now()
        key.save(update_fields=["secret_hash", "rotated_at"])
        _audit(key, user, ["active", "rotated"])
    return key, plain


def venue_key_revoke(*, user, key: VenueKey) -> VenueKey:
    """The key stops working for good (401); its account loses the venue. Revoking again changes nothing."""
    if not may_manage_keys(user, key.venue):
        raise DomainError("not_allowed")
    with transaction.atomic():
        key = VenueKey.objects.select_for_update().get(pk=key.pk)
        if key.is_revoked:
            return key
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        today = timezone.localdate()
        # Out of the venue from today: ended yesterday (or, made today, gone; a period cannot end before it starts).
        live = VenueMembership.objects.filter(user=key.user_id, ended_on__isnull=True)
        live.filter(started_on__lt=today).update(ended_on=today - datetime.timedelta(days=1))
        live.filter(started_on__gte=today).delete()
        get_user_model().objects.filter(pk=key.user_id).update(is_active=False)
        _audit(key, user, ["active", "revoked"])
    return key


def venue_key_find(raw: str) -> VenueKey | None:
    """The key a presented ``kk_<prefix>_<secret>`` names when the secret matches, revoked or not; else None."""
    if not raw.startswith(PREFIX) or raw.count("_") < 2:
        return None
    prefix, _sep, secret = raw[len(PREFIX):].partition("_")
    key = VenueKey.objects.select_related("user").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(secret)):
        return None
    return key
