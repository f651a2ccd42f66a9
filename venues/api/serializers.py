from rest_framework import serializers

from core.api.common import RefSerializer
from venues.models import Offer, StatGroup, Venue


class VenueSerializer(serializers.ModelSerializer):
    region = RefSerializer(read_only=True, allow_null=True, help_text="Null for a pop-up venue.")
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                                help_text="Official 3-digit municipality code.")
    stat_group = serializers.ChoiceField(choices=StatGroup.choices, read_only=True)
    website = serializers.CharField(read_only=True, help_text="Web address, or empty.")

    class Meta:
        model = Venue
        fields = ["id", "name", "category", "stat_group", "region", "municipality", "is_popup", "offers_courses",
                  "website", "active_from", "active_until"]
        read_only_fields = fields


class OfferSerializer(serializers.ModelSerializer):
    venue = RefSerializer(read_only=True)
    remaining = serializers.IntegerField(read_only=True, allow_null=True,
                                         help_text="Places left; null when the offer has no quota.")

    class Meta:
        model = Offer
        fields = ["id", "venue", "title", "kind", "starts_on", "ends_on", "quota", "used_count", "remaining"]
        read_only_fields = fields
