"""FilterSets for distributor offices; shared by the UI and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.api.filters import IdFilter

from .models import Office


class OfficeFilterSet(django_filters.FilterSet):
    region = IdFilter(field_name="region_id", label=_("Region id"))
    organisation = IdFilter(field_name="organisation_id", label=_("Organisation id"))
    municipality = django_filters.CharFilter(field_name="municipality__code", label=_("Municipality code"),
                                             max_length=3)
    q = django_filters.CharFilter(method="search", label=_("Name contains"), max_length=100)
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Active on"))

    class Meta:
        model = Office
        fields = ["region", "organisation", "municipality"]

    def search(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(organisation__name__icontains=value))

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)
