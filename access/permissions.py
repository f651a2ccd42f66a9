"""Who may manage the staff of an office, a venue or a region: asked here, answered by the app that owns the
unit (``distributors.permissions``, ``venues.permissions``, ``regions.permissions``); who may invite whom and
deactivate whose account; and who must sign in with a second factor."""

import datetime

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.scopes import scope_for
from distributors.models import Office, OfficeMembership
from distributors.permissions import may_manage_office
from regions.models import Region, RegionMembership
from regions.permissions import may_manage_region_staff
from venues.models import Venue, VenueMembership
from venues.permissions import may_manage_venue

from .models import VenueKey


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


def may_invite(user, *, role: str, target: Office | Venue | Region | None) -> bool:
    """Whether ``user`` may invite a person by e-mail into ``role`` at ``target`` (who may invite whom).

    - office staff (``target`` an office) and venue staff (a venue): the unit's managers, that is its region's
      contacts and the coordinator (a pop-up venue has no region: the coordinator only);
    - a regional contact (``target`` a region): the coordinator, and the region's own contacts: DESIGN gives
      every region two contact persons (one from culture, one from the social side), so the one in office may
      bring in the other or a successor. Ending a contact's access or deactivating one stays with the coordinator;
    - a national coordinator (``target`` None): coordinators only.

    Office and venue staff invite nobody: DESIGN gives them no manager role. The matrix is tested in
    ``access/tests/test_lifecycle.py``.
    """
    scope = scope_for(user)
    if role == "office":
        return isinstance(target, Office) and may_manage_office(user, target)
    if role == "venue":
        return isinstance(target, Venue) and may_manage_venue(user, target)
    if role == "contact":
        return isinstance(target, Region) and scope.manages(target.pk)
    if role == "coordinator":
        return target is None and scope.national
    return False


def may_see_staff(user, target: Office | Venue | Region | None) -> bool:
    """Whether ``user`` may read the staff list of ``target`` with its last sign-ins and second factors: whoever
    manages the unit (a region's own contacts read the region's list, their fellow contacts included)."""
    if isinstance(target, Region):
        return scope_for(user).manages(target.pk)
    return may_manage_staff(user, target)


def may_deactivate(user, person, *, day: datetime.date | None = None) -> bool:
    """Whether ``user`` may deactivate ``person``'s account (every membership ends, sessions and token go).

    A coordinator may deactivate any account but their own; a regional contact only staff of their own regions:
    someone who has worked in one of its offices or venues and whose every membership still in force is there,
    so never a contact, a coordinator or someone who also works elsewhere. Superuser accounts (support staff)
    are managed in the Django admin, never from these pages; nor is a venue key's machine account (it is revoked
    with the venue's keys, access.keys).
    """
    if VenueKey.objects.filter(user_id=person.pk).exists():
        return False
    return person.pk in deactivatable(user, [person], day=day)


def deactivatable(user, people, *, day: datetime.date | None = None) -> set[int]:
    """The ids of those of ``people`` whose account ``user`` may deactivate (``may_deactivate`` for a whole staff
    list: at most four queries however long it is, none for a coordinator)."""
    candidates = {person.pk for person in people if person.pk != user.pk and not person.is_superuser}
    scope = scope_for(user)
    if scope.national or not candidates:
        return candidates if scope.national else set()
    if not scope.region_ids:
        return set()
    regions = scope.region_ids
    in_force = Q(ended_on__isnull=True) | Q(ended_on__gte=day or timezone.localdate())
    elsewhere = (
        set(RegionMembership.objects.filter(in_force, user_id__in=candidates).values_list("user_id", flat=True))
        | set(OfficeMembership.objects.filter(in_force, user_id__in=candidates)
              .exclude(office__region_id__in=regions).values_list("user_id", flat=True))
        | set(VenueMembership.objects.filter(in_force, user_id__in=candidates)
              .filter(Q(venue__region__isnull=True) | ~Q(venue__region_id__in=regions))
              .values_list("user_id", flat=True))
    )
    candidates -= elsewhere
    if not candidates:
        return set()
    worked_here = (
        set(OfficeMembership.objects.filter(user_id__in=candidates, office__region_id__in=regions)
            .values_list("user_id", flat=True))
        | set(VenueMembership.objects.filter(user_id__in=candidates, venue__region_id__in=regions)
              .values_list("user_id", flat=True))
    )
    return candidates & worked_here


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
