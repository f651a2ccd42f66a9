"""The one place that tells what a user may see: their memberships, read once per request.

Apps build their ``visible_to(user)`` querysets from this. Memberships live in the apps that own
the unit (regions, distributors, venues); models are looked up lazily so no app imports a higher one.
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    national: bool
    region_ids: frozenset[int]
    office_ids: frozenset[int]
    venue_ids: frozenset[int]

    @property
    def is_regional(self) -> bool:
        return bool(self.region_ids)

    @property
    def is_distributor(self) -> bool:
        return bool(self.office_ids)

    @property
    def is_venue_staff(self) -> bool:
        return bool(self.venue_ids)

    @property
    def roles(self) -> list[str]:
        roles = []
        if self.national:
            roles.append("coordinator")
        if self.region_ids:
            roles.append("regional_contact")
        if self.office_ids:
            roles.append("distributor")
        if self.venue_ids:
            roles.append("venue")
        return roles


EMPTY = Scope(None, False, frozenset(), frozenset(), frozenset())


def _active_ids(model_label: str, user, field: str) -> frozenset[int]:
    model = apps.get_model(model_label)
    today = timezone.localdate()
    qs = model.objects.filter(user=user, started_on__lte=today).exclude(ended_on__lt=today)
    return frozenset(qs.values_list(field, flat=True))


def scope_for(user) -> Scope:
    """Memberships of ``user`` in force today; cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, "_kaikukanta_scope", None)
    if cached is not None:
        return cached
    region_membership = apps.get_model("regions.RegionMembership")
    today = timezone.localdate()
    region_rows = list(
        region_membership.objects.filter(user=user, started_on__lte=today)
        .exclude(ended_on__lt=today)
        .values_list("role", "region_id")
    )
    national = user.is_superuser or any(role == "coordinator" for role, _ in region_rows)
    scope = Scope(
        user_id=user.pk,
        national=national,
        region_ids=frozenset(rid for role, rid in region_rows if role == "contact" and rid),
        office_ids=_active_ids("distributors.OfficeMembership", user, "office_id"),
        venue_ids=_active_ids("venues.VenueMembership", user, "venue_id"),
    )
    user._kaikukanta_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after a membership change within the same request or test)."""
    if hasattr(user, "_kaikukanta_scope"):
        del user._kaikukanta_scope
