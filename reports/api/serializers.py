import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.common import ID_FIELD

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2999, 12, 31)


def _within_years(value: datetime.date) -> datetime.date:
    if not EARLIEST <= value <= LATEST:
        raise serializers.ValidationError(_("Give a date between 2000 and 2999."))
    return value


def _with_from_to(name: str, base, from_field, to_field, doc: str, **fields):
    """``from`` is a Python keyword, so serializers with a ``from`` field are built with type()."""
    return type(name, (base,), {"__doc__": doc, "__module__": __name__, "from": from_field, "to": to_field, **fields})


StatsQuerySerializer = _with_from_to(
    "StatsQuerySerializer", serializers.Serializer,
    serializers.DateField(required=False, validators=[_within_years],
                          help_text="First month (any day of it); empty = from the beginning."),
    serializers.DateField(required=False, validators=[_within_years],
                          help_text="Last month (any day of it); empty = this month."),
    "Query of the statistics summary.",
    region=serializers.IntegerField(required=False, **ID_FIELD,
                                    help_text="One region of your scope; empty = your whole scope."),
)

PeriodSerializer = _with_from_to(
    "PeriodSerializer", serializers.Serializer,
    serializers.DateField(allow_null=True, help_text="First day of the first month; null = from the beginning."),
    serializers.DateField(help_text="Last day of the last month."),
    "The whole months the figures cover.",
)


class GroupFiguresSerializer(serializers.Serializer):
    adults = serializers.IntegerField()
    children = serializers.IntegerField()


class UsesByGroupSerializer(serializers.Serializer):
    culture = GroupFiguresSerializer()
    education = GroupFiguresSerializer(help_text="Every course place counts as education.")
    science = GroupFiguresSerializer()
    sport = GroupFiguresSerializer()


class StatsSummarySerializer(serializers.Serializer):
    """DESIGN §7 figures; definitions in ``reports.selectors``. Cancelled uses are not counted."""

    period = PeriodSerializer()
    cards_registered = serializers.IntegerField()
    cards_taken_into_use = serializers.IntegerField(help_text="Cards whose first use falls in the period.")
    active_cardholders = serializers.IntegerField(help_text="Personal cards with at least one use in the period.")
    uses_total = serializers.IntegerField()
    uses_adults = serializers.IntegerField()
    uses_children = serializers.IntegerField()
    uses_by_group = UsesByGroupSerializer()
    community_card_uses = serializers.IntegerField()
    cross_region_uses = serializers.IntegerField(help_text="A card of one region used at another region's venue.")
    active_offices = serializers.IntegerField()
    active_venues = serializers.IntegerField()
    municipalities_in_network = serializers.IntegerField()
