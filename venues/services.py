"""Writes of the venues app: a venue's own offers (R10). Only that venue's staff publish and edit them."""

import datetime

from django.db import transaction

from core.errors import DomainError

from .models import Offer, Venue
from .permissions import may_act_for_venue

MAX_QUOTA = 100_000


def _require_venue_staff(user, venue_id: int) -> None:
    if not may_act_for_venue(user, venue_id):
        raise DomainError("not_allowed")


def _validate(*, venue: Venue, title: str, kind: str, starts_on: datetime.date, ends_on: datetime.date,
              quota: int | None) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError("offer_title_required")
    if kind not in Offer.Kind.values:
        raise DomainError("offer_kind_invalid")
    if kind == Offer.Kind.COURSE and not venue.offers_courses:
        raise DomainError("course_not_offered")
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise DomainError("offer_dates_invalid")
    if quota is not None and not 1 <= quota <= MAX_QUOTA:
        raise DomainError("offer_quota_invalid")
    return title[:200]


def offer_create(*, user, venue: Venue, title: str, kind: str, starts_on: datetime.date,
                 ends_on: datetime.date, quota: int | None = None) -> Offer:
    """R10: a venue publishes an event, performance or course, optionally with a Kaikukortti quota."""
    _require_venue_staff(user, venue.pk)
    title = _validate(venue=venue, title=title, kind=kind, starts_on=starts_on, ends_on=ends_on, quota=quota)
    return Offer.objects.create(venue=venue, title=title, kind=kind, starts_on=starts_on, ends_on=ends_on,
                                quota=quota)


def offer_update(*, user, offer: Offer, title: str, kind: str, starts_on: datetime.date,
                 ends_on: datetime.date, quota: int | None = None) -> Offer:
    """R10: the quota never drops below the places already used, and the kind of a used offer stays.

    The row is locked so that a counter logging the last place at the same moment cannot slip
    under a lowered quota.
    """
    _require_venue_staff(user, offer.venue_id)
    with transaction.atomic():
        locked = Offer.objects.select_for_update().select_related("venue").get(pk=offer.pk)
        title = _validate(venue=locked.venue, title=title, kind=kind, starts_on=starts_on, ends_on=ends_on,
                          quota=quota)
        if kind != locked.kind and locked.uses.exists():
            raise DomainError("offer_kind_in_use")
        if quota is not None and quota < locked.used_count:
            raise DomainError("offer_quota_below_used")
        locked.title, locked.kind, locked.starts_on, locked.ends_on, locked.quota = (
            title, kind, starts_on, ends_on, quota
        )
        locked.save(update_fields=["title", "kind", "starts_on", "ends_on", "quota"])
    return locked
