"""FilterSets for venues and offers; shared by the UI and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import IdFilter

from .models import Category, Offer, Venue


class VenueFilterSet(django_filters.FilterSet):
    region = IdFilter(field_name="region_id", label=_("Region id"))
    municipality = django_filters.CharFilter(field_name="municipality__code", label=_("Municipality code"),
                                             max_length=3)
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    q = django_filters.CharFilter(method="search", label=_("Name contains"), max_length=100)
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("Active on"))

    class Meta:
        model = Venue
        fields = ["region", "municipality", "category", "is_popup", "offers_courses"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)


class OfferFilterSet(django_filters.FilterSet):
    venue = IdFilter(field_name="venue_id", label=_("Venue id"))
    kind = django_filters.ChoiceFilter(choices=Offer.Kind.choices, label=_("Kind"))
    current_on = django_filters.DateFilter(method="filter_current_on", label=_("Current on"))
    q = django_filters.CharFilter(method="search", label=_("Title contains"), max_length=100)

    class Meta:
        model = Offer
        fields = ["venue", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(title__icontains=value) if value else queryset

    def filter_current_on(self, queryset, name, value):
        return queryset.current_on(value)
