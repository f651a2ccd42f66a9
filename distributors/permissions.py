"""Who may act on an office: one function per question, built on ``core.scopes`` and the region's rule."""

from core.scopes import scope_for
from regions.permissions import manages_region

from .models import Office


def may_manage_office(user, office: Office) -> bool:
    """Regional contacts manage their region's offices (and who works there); the coordinator every office."""
    return manages_region(user, office.region_id)


def may_act_for_office(user, office: Office) -> bool:
    """Whether ``user`` works at ``office`` today: issues cards there (R1). Only the office's own staff do;
    managing the office's region is not enough."""
    return office.pk in scope_for(user).office_ids
