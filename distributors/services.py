"""Writes about offices: ending a staff member's access (an access grant, recorded by auditlog)."""

import datetime

from django.db import transaction
from django.utils import timezone

from kaikukanta.errors import DomainError
from kaikukanta.scopes import forget_scope, scope_for

from .models import OfficeMembership


def office_membership_end(*, user, membership: OfficeMembership,
                          today: datetime.date | None = None) -> OfficeMembership:
    """The region's contact (or the coordinator) ends a person's access to an office at once.

    ``ended_on`` is the last day of access (inclusive, see ``kaikukanta.scopes``), so it is set to yesterday.
    """
    day = today or timezone.localdate()
    scope = scope_for(user)
    if not (scope.national or membership.office.region_id in scope.region_ids):
        raise DomainError("not_allowed")
    with transaction.atomic():
        membership = OfficeMembership.objects.select_for_update().get(pk=membership.pk)
        last_day = day - datetime.timedelta(days=1)
        if membership.ended_on is not None and membership.ended_on <= last_day:
            return membership
        membership.ended_on = last_day
        membership.save(update_fields=["ended_on"])
    forget_scope(membership.user)
    return membership
