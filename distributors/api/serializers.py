from rest_framework import serializers

from core.api.common import RefSerializer
from distributors.models import Office


class OfficeSerializer(serializers.ModelSerializer):
    organisation = RefSerializer(read_only=True)
    region = RefSerializer(read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                                help_text="Official 3-digit municipality code.")
    email = serializers.CharField(read_only=True, help_text="E-mail address, or empty.")

    class Meta:
        model = Office
        fields = ["id", "name", "organisation", "region", "municipality", "email", "active_from", "active_until"]
        read_only_fields = fields
