"""Who may act on a venue: one function per question, built on ``core.scopes`` and the region's rule."""

from regions.permissions import manages_region

from .models import Venue


def may_manage_venue(user, venue: Venue) -> bool:
    """Regional contacts manage their region's venues (and who works there); the coordinator every venue,
    the pop-up venues (no region) too."""
    return manages_region(user, venue.region_id)
