"""FilterSets for regions; one per model, shared by the UI and the API (NetBox style)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Region


class RegionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name contains"), max_length=100)
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Active on"))

    class Meta:
        model = Region
        fields = ["local_only"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)
