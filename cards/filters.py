"""FilterSets for cards and uses; shared by the UI and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import IdFilter

from . import numbers
from .models import Card, Use


class CardFilterSet(django_filters.FilterSet):
    number = django_filters.CharFilter(method="filter_number", label=_("Card number"), max_length=40)
    office = IdFilter(field_name="office_id", label=_("Office id"))
    region = IdFilter(field_name="region_id", label=_("Region id"))
    home_municipality = django_filters.CharFilter(field_name="home_municipality__code",
                                                  label=_("Home municipality code"), max_length=3)
    kind = django_filters.ChoiceFilter(choices=Card.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Card.Status.choices, label=_("Status"))
    format = django_filters.ChoiceFilter(choices=Card.Format.choices, label=_("Card format"))
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("Issued from"))
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label=_("Issued until"))
    valid_from = django_filters.DateFilter(field_name="valid_until", lookup_expr="gte",
                                           label=_("Valid until on or after"))
    valid_to = django_filters.DateFilter(field_name="valid_until", lookup_expr="lte",
                                         label=_("Valid until on or before"))

    class Meta:
        model = Card
        fields = ["number", "office", "region", "home_municipality", "kind", "status", "format"]

    def filter_number(self, queryset, name, value):
        return queryset.filter(number=numbers.normalize(value)) if value else queryset


class UseFilterSet(django_filters.FilterSet):
    venue = IdFilter(field_name="venue_id", label=_("Venue id"))
    offer = IdFilter(field_name="offer_id", label=_("Offer id"))
    card = django_filters.CharFilter(method="filter_card", label=_("Card number"), max_length=40)
    kind = django_filters.ChoiceFilter(choices=Use.Kind.choices, label=_("Kind"))
    channel = django_filters.ChoiceFilter(choices=Use.Channel.choices, label=_("Channel"))
    used_from = django_filters.DateFilter(field_name="used_on", lookup_expr="gte", label=_("Used from"))
    used_to = django_filters.DateFilter(field_name="used_on", lookup_expr="lte", label=_("Used until"))
    cancelled = django_filters.BooleanFilter(field_name="cancelled_at", lookup_expr="isnull", exclude=True,
                                             label=_("Cancelled"))

    class Meta:
        model = Use
        fields = ["venue", "offer", "card", "kind", "channel", "cancelled"]

    def filter_card(self, queryset, name, value):
        return queryset.filter(card__number=numbers.normalize(value)) if value else queryset
