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


def may_manage_regions(user) -> bool:
    """The national coordinator opens regions and pilots, sets their periods, municipalities and defaults, runs
    the pop-up venues and changes the national settings; a regional contact reads their own region only."""
    return scope_for(user).national


def may_see_regions(user) -> bool:
    """The region pages are for the coordinator and regional contacts (their own regions)."""
    scope = scope_for(user)
    return scope.national or scope.is_regional
