"""Filters shared by the apps' FilterSets."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """An object id. Not a model choice: an unknown or out-of-scope id filters to nothing rather than
    answering "no such object", so a filter never tells whether something outside the scope exists."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
