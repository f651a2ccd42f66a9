"""Reads of who works where: the staff of an office, a venue or a region and the invitations waiting for
them. One implementation for the three kinds of unit; the pages of the owning apps show it through the
``staff_section`` template tag (``access.templatetags.access_tags``)."""

from django.db.models import QuerySet

from distributors.models import Office, OfficeMembership
from distributors.selectors import office_get
from regions.models import Region, RegionMembership
from venues.models import Venue, VenueMembership
from venues.selectors import venue_get

from .models import Invitation

StaffTarget = Office | Venue | Region
Membership = OfficeMembership | VenueMembership | RegionMembership

# kind → (the unit's model, its membership model, the membership's field that points at the unit)
KINDS: dict[str, tuple[type, type, str]] = {
    "office": (Office, OfficeMembership, "office"),
    "venue": (Venue, VenueMembership, "venue"),
    "region": (Region, RegionMembership, "region"),
}


def staff_kind(target: StaffTarget) -> str:
    """``office``, ``venue`` or ``region``: the name the URLs, the invitation and the template use."""
    for kind, (model, _membership, _field) in KINDS.items():
        if isinstance(target, model):
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


def staff_list(*, target: StaffTarget) -> QuerySet[Membership]:
    """The memberships of ``target`` not ended, with their user (and the unit, which ``membership_end`` reads)."""
    _model, membership_model, field = KINDS[staff_kind(target)]
    return (
        membership_model.objects.open_ended().filter(**{field: target})
        .select_related("user", field).order_by("user__username", "pk")
    )


def invitation_pending_list(*, user, target: StaffTarget) -> QuerySet[Invitation]:
    """Invitations into ``target`` not yet accepted nor expired, as far as ``user`` may see them.

    An invitation goes into an office or a venue only: a region has none.
    """
    kind = staff_kind(target)
    if kind == "region":
        return Invitation.objects.none()
    return Invitation.objects.visible_to(user).pending().filter(**{kind: target}).select_related("invited_by")
