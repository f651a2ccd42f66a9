"""Who may manage the staff of an office, a venue or a region: asked here, answered by the app that owns the
unit (``distributors.permissions``, ``venues.permissions``, ``regions.permissions``); and who must sign in with a
second factor."""

from allauth.mfa.models import Authenticator
from django.conf import settings

from core.scopes import scope_for
from distributors.models import Office
from distributors.permissions import may_manage_office
from regions.models import Region
from regions.permissions import may_manage_region_staff
from venues.models import Venue
from venues.permissions import may_manage_venue


def may_manage_staff(user, target: Office | Venue | Region | None) -> bool:
    """Whether ``user`` may invite people into ``target`` and end their access.

    ``target`` None is the national team (a coordinator membership has no region).
    """
    if isinstance(target, Office):
        return may_manage_office(user, target)
    if isinstance(target, Venue):
        return may_manage_venue(user, target)
    if target is None or isinstance(target, Region):
        return may_manage_region_staff(user, target)
    raise TypeError(f"no staff on {type(target).__name__}")


# --- two-factor sign-in ------------------------------------------------------------------------------------

# The kinds of authenticator that are a second factor on their own (recovery codes only stand in for one).
SECOND_FACTORS = ("totp", "webauthn")


def mfa_required(user) -> bool:
    """Whether ``user``'s roles oblige them to sign in with a second factor: coordinators and regional contacts
    when ``MFA_REQUIRED_FOR_REGIONAL`` (on by default), office and venue staff when ``MFA_REQUIRED_FOR_STAFF``."""
    scope = scope_for(user)
    if settings.MFA_REQUIRED_FOR_REGIONAL and (scope.national or scope.is_regional):
        return True
    return bool(settings.MFA_REQUIRED_FOR_STAFF and (scope.office_ids or scope.venue_ids))


def mfa_enabled(user) -> bool:
    """Whether ``user`` has a second factor set up (then allauth asks for it at every sign-in)."""
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def may_get_token_with_password(user) -> bool:
    """The password-only token endpoint would bypass the second factor: refused to those who have or need one;
    they create their token on the profile page in a session signed in with it."""
    return not (mfa_required(user) or Authenticator.objects.filter(user=user).exists())
