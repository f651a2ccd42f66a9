"""Venue API keys over the API (issue 16): ``Authorization: Token kk_<prefix>_<secret>``.

The authentication answers only for keys (they start with ``kk_``); a personal token goes on to DRF's own. For a key
it also decides, per endpoint, whether the key's scopes allow the call (403 ``key_scope_missing``), limits the
requests per key and minute (429 ``throttled``) and records every request (``VenueKeyUse``). Which venue the key
may act for is the machine account's one venue membership: any other venue answers 404 as for staff.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled

from access.keys import PREFIX, venue_key_find
from access.models import VenueKey, VenueKeyUse
from core.errors import MESSAGES

ANY = "any"  # reading offers, performances, venues and /me/: every key
# URL name -> the scope it needs, per method ("*" = every method). Anything not listed: no key may call it.
SCOPES = {
    "api-card-check": {"GET": VenueKey.Scope.CHECK},
    "api-use-list": {"*": VenueKey.Scope.LOG},
    "api-use-detail": {"*": VenueKey.Scope.LOG},
    "api-use-cancel": {"*": VenueKey.Scope.LOG},
    "api-booking-list": {"*": VenueKey.Scope.BOOK},
    "api-booking-detail": {"*": VenueKey.Scope.BOOK},
    "api-booking-cancel": {"*": VenueKey.Scope.BOOK},
    "api-booking-check-in": {"*": VenueKey.Scope.LOG},
    "api-performance-list": {"GET": ANY, "POST": VenueKey.Scope.BOOK},
    "api-performance-detail": {"GET": ANY},
    "api-offer-list": {"GET": ANY},
    "api-offer-detail": {"GET": ANY},
    "api-venue-list": {"GET": ANY},
    "api-venue-detail": {"GET": ANY},
    "api-me": {"GET": ANY},
}


class KeyScopeMissing(PermissionDenied):
    """403 ``key_scope_missing``: an API exception, so that DRF treats the request as not authenticated."""

    default_code = "key_scope_missing"
    default_detail = MESSAGES["key_scope_missing"]


def required_scope(url_name: str | None, method: str) -> str | None:
    """The scope a call needs; None when no key may make it."""
    rule = SCOPES.get(url_name or "", {})
    method = "GET" if method in ("HEAD", "OPTIONS") else method
    return rule.get(method) or rule.get("*")


class VenueKeyAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() != b"token" or not parts[1].startswith(PREFIX.encode()):
            return None
        key = venue_key_find(parts[1].decode("ascii", errors="replace"))
        if key is None or key.is_revoked or not key.user.is_active:
            raise AuthenticationFailed(code="authentication_failed")
        self._throttle(key)
        match = getattr(request._request, "resolver_match", None)
        VenueKeyUse.objects.create(key=key, method=request.method[:8], path=request.path[:200])
        VenueKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        scope = required_scope(match.url_name if match else None, request.method)
        if scope is None or (scope != ANY and scope not in key.scopes):
            raise KeyScopeMissing
        return key.user, key

    @staticmethod
    def _throttle(key: VenueKey) -> None:
        limit = settings.VENUE_KEY_REQUESTS_PER_MINUTE
        window = int(timezone.now().timestamp() // 60)
        counter = f"venue-key-rate:{key.pk}:{window}"
        if cache.add(counter, 1, timeout=90):
            return
        try:
            count = cache.incr(counter)
        except ValueError:
            cache.add(counter, 1, timeout=90)
            return
        if count > limit:
            raise Throttled(wait=60 - int(timezone.now().timestamp()) % 60)





class VenueKeyScheme(OpenApiAuthenticationExtension):
    """The venue key in the schema: the same header as a personal token, with a ``kk_`` key."""

    target_class = "access.api.keys.VenueKeyAuthentication"
    name = "venueKeyAuth"
    priority = 2

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "Token",
            "description": "A venue's API key for its ticketing system: `Authorization: Token kk_…`, made on the "
            "venue's API keys page. Its scopes (check, log, book) decide what it may call (403 `key_scope_missing`); a "
            "revoked key answers 401.",
        }
