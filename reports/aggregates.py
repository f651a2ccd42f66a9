"""The raw-data expressions behind every figure, shared by the rollup builder and the live delta.

Keeping them in one place is what makes "rollup + live delta = a direct count" hold by
construction: both sides group and filter the raw uses with exactly these expressions.
"""

import datetime

from django.db.models import BooleanField, Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from cards.models import Card, Use
from venues.models import StatGroup

GROUPS = [StatGroup.CULTURE, StatGroup.EDUCATION, StatGroup.SCIENCE, StatGroup.SPORT]

# The region a use is attributed to: its venue's region; a pop-up venue (no region) -> the card's.
ATTRIBUTED_REGION = Coalesce(F("venue_region_id"), F("card_region_id"))

# A card of one region used at a venue of another. Pop-up venues belong to no region, so their
# uses are not cross-region (they are national campaigns open to every card).
CROSS_REGION = Case(
    When(Q(venue_region__isnull=False) & ~Q(venue_region=F("card_region")), then=Value(True)),
    default=Value(False),
    output_field=BooleanField(),
)

def month_bit_of(field: str) -> Case:
    """Bit (month - 1) of a 12-bit mask; summing the distinct bits of a card's uses in a year ORs them."""
    return Case(
        *[When(**{f"{field}__month": month}, then=Value(1 << (month - 1))) for month in range(1, 13)],
        output_field=IntegerField(),
    )


def months_mask(first_month: int, last_month: int) -> int:
    """Bits for months ``first_month..last_month`` (1-based, inclusive)."""
    return sum(1 << (m - 1) for m in range(first_month, last_month + 1))


def counted_uses():
    """Uses that count: not cancelled (R11: cancelled uses leave the statistics)."""
    return Use.objects.filter(cancelled_at__isnull=True).order_by()


def attributed_to(region_ids) -> Q:
    """Raw uses attributed to any of ``region_ids`` (see ``ATTRIBUTED_REGION``)."""
    return Q(venue_region_id__in=region_ids) | Q(venue_region__isnull=True, card_region_id__in=region_ids)


def use_totals_rollup() -> dict:
    aggregates = {
        "total_uses": Sum("uses"),
        "total_adults": Sum("adults"),
        "total_children": Sum("children"),
        "community_card_uses": Sum("uses", filter=Q(card_kind=Card.Kind.COMMUNITY)),
        "cross_region_uses": Sum("uses", filter=Q(cross_region=True)),
    }
    for group in GROUPS:
        aggregates[f"{group}_adults"] = Sum("adults", filter=Q(stat_group=group))
        aggregates[f"{group}_children"] = Sum("children", filter=Q(stat_group=group))
    return aggregates


def zero_none(values: dict) -> dict:
    return {key: value or 0 for key, value in values.items()}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return next_month(day) - datetime.timedelta(days=1)
