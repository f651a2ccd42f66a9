"""Filters shared by the apps' FilterSets, and the API's filter backend."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import fields
from rest_framework.exceptions import ValidationError


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """An object id. Not a model choice: an unknown or out-of-scope id filters to nothing rather than
    answering "no such object", so a filter never tells whether something outside the scope exists."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class FilterBackend(DjangoFilterBackend):
    """django-filter for the API, stricter than the HTML filter forms that share the FilterSets.

    A filter that is given must have a value, and a yes/no filter takes ``true`` or ``false`` only:
    django-filter would silently ignore ``?used_to=`` or ``?cancelled=maybe`` and answer the
    unfiltered list, which a program takes for the filtered one. The schema says the same
    (``core.api.schema.FilterExtension``).
    """

    BOOLEAN_VALUES = ("true", "false")

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name, filter_ in filterset_class.base_filters.items():
                for value in request.query_params.getlist(name):
                    if value == "":
                        errors[name] = [fields.CharField.default_error_messages["blank"]]
                    elif isinstance(filter_, django_filters.BooleanFilter) and value not in self.BOOLEAN_VALUES:
                        errors[name] = [fields.BooleanField.default_error_messages["invalid"]]
            if errors:
                raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
