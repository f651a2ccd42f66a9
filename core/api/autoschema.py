"""The AutoSchema of ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``.

DRF imports it while drf-spectacular's views are being imported: no imports of views here (``core.api.schema``
has the schema view and the extensions).
"""

from django.core.validators import RegexValidator
from drf_spectacular import openapi
from rest_framework import serializers

# Django's text fields (forms and DRF) refuse the NUL character.
NO_NUL_PATTERN = r"^[^\x00]*$"
# ...and DRF's CharField trims whitespace before it refuses a blank value.
NOT_BLANK_PATTERN = r"^[^\x00]*[^\x00\s][^\x00]*$"
# A field that may be blank: drf-spectacular adds the empty string as a second ``oneOf`` branch, so this one must
# not match it too.
NOT_EMPTY_PATTERN = r"^[^\x00]+$"


def _is_plain_string(schema: dict) -> bool:
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    return "string" in kinds and not {"enum", "format", "pattern"} & set(schema)


class AutoSchema(openapi.AutoSchema):
    """Request bodies: a free-text field refuses NUL characters (DRF's CharField does), and one that may not be
    blank also refuses only-whitespace text (DRF trims it first, then finds it blank). Say so in a pattern."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and _is_plain_string(schema)
            and not any(isinstance(validator, RegexValidator) for validator in field.validators)  # its own pattern
        ):
            if field.allow_blank:
                schema["pattern"] = NOT_EMPTY_PATTERN
            elif field.trim_whitespace:
                schema["pattern"] = NOT_BLANK_PATTERN
            else:
                schema["pattern"] = NO_NUL_PATTERN
        return schema
