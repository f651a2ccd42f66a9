"""Who may act on a region: one function per question, built on ``core.scopes``."""

from core.scopes import scope_for


def manages_region(user, region_id: int | None) -> bool:
    """The region's contacts manage its offices, venues and their staff; the national coordinator manages
    every region and the pop-up venues, which have none (``region_id`` None)."""
    return scope_for(user).manages(region_id)


def may_manage_region_staff(user, region) -> bool:
    """Only the national coordinator grants and ends the roles of a region (its contacts) and of the national
    team (``region`` None): a contact manages the region's offices and venues, not a fellow contact."""
    return scope_for(user).national
