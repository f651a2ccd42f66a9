"""FilterSets for performances and bookings; the API's."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import IdFilter
from venues.models import Performance

from .models import Booking


class PerformanceFilterSet(django_filters.FilterSet):
    offer = IdFilter(field_name="offer_id", label=_("Offer id"))
    venue = IdFilter(field_name="offer__venue_id", label=_("Venue id"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Performance
        fields = ["offer", "venue"]


class BookingFilterSet(django_filters.FilterSet):
    performance = IdFilter(field_name="performance_id", label=_("Performance id"))
    status = django_filters.ChoiceFilter(choices=Booking.Status.choices, label=_("Status"))

    class Meta:
        model = Booking
        fields = ["performance", "status"]
