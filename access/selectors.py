"""Reads of who works where: the staff of an office, a venue, a region or the national team and the invitations
waiting for them, each person with their last sign-in and whether a second factor is set up. One implementation
for every kind of unit; the pages of the owning apps show an office's or a venue's through the ``staff_section``
template tag (``access.templatetags.access_tags``), the region's and the national team's are access's own pages."""

import datetime

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.scopes import scope_for
from distributors.models import Office, OfficeMembership
from distributors.selectors import office_get
from regions.models import Region, RegionMembership
from venues.models import Venue, VenueMembership
from venues.selectors import venue_get

from .models import Invitation
from .permissions import SECOND_FACTORS

StaffTarget = Office | Venue | Region | None  # None: the national team
Membership = OfficeMembership | VenueMembership | RegionMembership

# kind → (the unit's model, its membership model, the membership's field that points at the unit)
KINDS: dict[str, tuple[type | None, type, str]] = {
    "office": (Office, OfficeMembership, "office"),
    "venue": (Venue, VenueMembership, "venue"),
    "region": (Region, RegionMembership, "region"),
    "national": (None, RegionMembership, "region"),
}


def staff_kind(target: StaffTarget) -> str:
    """``office``, ``venue``, ``region`` or ``national``: the name the URLs and the templates use."""
    if target is None:
        return "national"
    for kind, (model, _membership, _field) in KINDS.items():
        if model is not None and isinstance(target, model):
            return kind
    raise TypeError(f"no staff on {type(target).__name__}")


def staff_target_get(*, user, kind: str, pk: int) -> StaffTarget:
    """The office, venue or region ``pk`` if ``user`` may see it (``DoesNotExist`` otherwise: a 404 on pages)."""
    if kind == "office":
        return office_get(user=user, pk=pk)
    if kind == "venue":
        return venue_get(user=user, pk=pk)
    if kind == "region":
        return Region.objects.visible_to(user).get(pk=pk)
    raise ValueError(f"unknown staff kind {kind!r}")


def with_mfa(queryset: QuerySet) -> QuerySet:
    """Memberships with ``mfa_on``: whether their person has a second factor (``access.permissions.mfa_enabled``
    for a whole list in the same query)."""
    return queryset.annotate(mfa_on=Exists(
        Authenticator.objects.filter(user_id=OuterRef("user_id"), type__in=SECOND_FACTORS)
    ))


def staff_list(*, target: StaffTarget) -> QuerySet[Membership]:
    """The memberships of ``target`` (None: the national team) not ended, with their user, whether the user has a
    second factor (``mfa_on``) and the unit, which ``membership_end`` reads. One query however long the list.
    People only: a venue key's machine account is listed, rotated and revoked with the venue's keys."""
    kind = staff_kind(target)
    _model, membership_model, field = KINDS[kind]
    queryset = membership_model.objects.open_ended()
    if kind == "national":
        queryset = queryset.filter(role=RegionMembership.Role.COORDINATOR, region__isnull=True)
    else:
        queryset = queryset.filter(**{field: target})
    if kind == "venue":
        queryset = queryset.filter(user__venue_key__isnull=True)
    return with_mfa(queryset.select_related("user", field).order_by("user__username", "pk"))


def region_unit_staff(*, region: Region) -> tuple[QuerySet[OfficeMembership], QuerySet[VenueMembership]]:
    """The staff of every office and every venue of ``region`` (memberships not ended, with unit and user and
    ``mfa_on``), for the region's staff page: one query each, ordered by unit and person. People only, as
    ``staff_list``."""
    offices = OfficeMembership.objects.open_ended().filter(office__region=region).select_related("user", "office")
    venues = VenueMembership.objects.open_ended().filter(venue__region=region, user__venue_key__isnull=True)
    venues = venues.select_related("user", "venue")
    return (with_mfa(offices.order_by("office__name", "office_id", "user__username", "pk")),
            with_mfa(venues.order_by("venue__name", "venue_id", "user__username", "pk")))


def staff_regions(*, user) -> QuerySet[Region]:
    """The regions whose staff pages ``user`` may open: every region for the coordinator, their own for a contact."""
    scope = scope_for(user)
    regions = Region.objects.all() if scope.national else Region.objects.filter(pk__in=scope.region_ids)
    return regions.order_by("name", "pk")


def invitation_pending_list(*, user, target: StaffTarget) -> QuerySet[Invitation]:
    """Invitations into ``target`` (None: the national team) not yet accepted nor expired, as far as ``user`` may
    see them."""
    kind = staff_kind(target)
    queryset = Invitation.objects.visible_to(user).pending()
    if kind == "national":
        queryset = queryset.filter(role=Invitation.Role.COORDINATOR)
    elif kind == "region":
        queryset = queryset.filter(role=Invitation.Role.CONTACT, region=target)
    else:
        queryset = queryset.filter(**{kind: target})
    return queryset.select_related("invited_by").order_by("-created_at", "-pk")


def memberships_in_force(*, person, day: datetime.date | None = None) -> list[Membership]:
    """Every membership of ``person`` not ended before ``day`` (what deactivating their account ends), with its
    unit: at most three queries."""
    day = day or timezone.localdate()
    in_force = Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    return [
        *OfficeMembership.objects.filter(in_force, user=person).select_related("office").order_by("pk"),
        *VenueMembership.objects.filter(in_force, user=person).select_related("venue").order_by("pk"),
        *RegionMembership.objects.filter(in_force, user=person).select_related("region").order_by("pk"),
    ]
