"""Performance and booking serializers. They shape JSON only: every rule is in ``bookings.services``."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.models import Booking
from cards import numbers
from cards.api.serializers import CARD_NUMBER_HELP, TypedCardNumberField
from core.api.common import ID_FIELD, RefSerializer, StrictSerializer
from venues.models import Performance


@extend_schema_field({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "19:00"})
class LocalTimeField(serializers.TimeField):
    """A local wall-clock time (Europe/Helsinki), ``HH:MM``: JSON Schema's ``time`` format needs a UTC offset, which a
    performance's time has not."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


class PerformanceSerializer(serializers.ModelSerializer):
    time = LocalTimeField(read_only=True)
    venue = RefSerializer(source="offer.venue", read_only=True)
    offer_title = serializers.CharField(source="offer.title", read_only=True)
    remaining = serializers.IntegerField(read_only=True, help_text="Kaikukortti places not yet booked.")
    availability = serializers.ChoiceField(
        choices=["available", "few_left", "full"], read_only=True,
        help_text="The band the public catalogue shows.",
    )

    class Meta:
        model = Performance
        fields = ["id", "offer", "offer_title", "venue", "date", "time", "quota", "places_booked", "remaining",
                  "availability"]
        read_only_fields = fields


class PerformanceCreateSerializer(StrictSerializer):
    offer = serializers.IntegerField(**ID_FIELD, help_text="An offer of a venue you are staff of.")
    date = serializers.DateField(help_text="Within the offer's period, today or later.")
    time = LocalTimeField(help_text="Local time, HH:MM.")
    quota = serializers.IntegerField(min_value=1, max_value=100000, help_text="Kaikukortti places.")


class BookingSerializer(serializers.ModelSerializer):
    card_number = serializers.SerializerMethodField(help_text="Masked, e.g. ABC-•••-GHJ.")
    performance = serializers.IntegerField(source="performance_id", read_only=True)
    use = serializers.IntegerField(source="use_id", read_only=True, allow_null=True,
                                   help_text="The use made at check-in.")

    class Meta:
        model = Booking
        fields = ["id", "performance", "card_number", "kind", "children", "group_size", "places", "note", "status",
                  "channel", "created_at", "cancelled_at", "checked_in_at", "use"]
        read_only_fields = fields

    def get_card_number(self, booking: Booking) -> str:
        return numbers.mask(booking.card.number)


class BookingCreateSerializer(StrictSerializer):
    performance = serializers.IntegerField(**ID_FIELD, help_text="A performance of a venue you are staff of.")
    card_number = TypedCardNumberField(max_length=40, help_text=CARD_NUMBER_HELP)
    children = serializers.IntegerField(default=0, min_value=0, max_value=50)
    group_size = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=9999,
        help_text="Community card only (R6): cardholders in the accompanied group.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                 help_text="For the door staff; no names or other personal details.")
    idempotency_key = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text="A unique key per booking (e.g. your order id): the same request again returns the same booking "
        "with status 200.",
    )
