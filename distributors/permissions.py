"""Who may act on an office: one function per question, built on ``core.scopes`` and the region's rule."""

from regions.permissions import manages_region

from .models import Office


def may_manage_office(user, office: Office) -> bool:
    """Regional contacts manage their region's offices (and who works there); the coordinator every office."""
    return manages_region(user, office.region_id)
