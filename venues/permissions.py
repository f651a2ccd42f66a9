"""Who may act on a venue: one function per question, built on ``core.scopes`` and the region's rule."""

from core.scopes import scope_for
from regions.permissions import manages_region

from .models import Venue


def may_manage_venue(user, venue: Venue) -> bool:
    """Regional contacts manage their region's venues (and who works there); the coordinator every venue,
    the pop-up venues (no region) too."""
    return manages_region(user, venue.region_id)


def may_act_for_venue(user, venue: Venue | int | None) -> bool:
    """R11: whether ``user`` works at ``venue`` (or the venue of that id) today: checks cards, logs and cancels
    uses and publishes offers there. Only the venue's own staff do; managing a venue's region is not enough."""
    venue_id = venue.pk if isinstance(venue, Venue) else venue
    return venue_id is not None and venue_id in scope_for(user).venue_ids
