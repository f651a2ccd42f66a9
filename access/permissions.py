"""Who may manage the staff of an office, a venue or a region: asked here, answered by the app that owns the
unit (``distributors.permissions``, ``venues.permissions``, ``regions.permissions``)."""

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
