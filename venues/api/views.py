from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api.common import DETAIL_ERRORS, LIST_ERRORS
from venues.filters import OfferFilterSet, VenueFilterSet
from venues.models import Offer, Venue

from .serializers import OfferSerializer, VenueSerializer

OFFER_EXAMPLE = {
    "id": 3, "venue": {"id": 2, "name": "Vapriikki"}, "title": "Vapriikin näyttelyt", "kind": "event",
    "starts_on": "2026-01-01", "ends_on": "2026-12-31", "quota": 40, "used_count": 6, "remaining": 34,
}
COURSE_EXAMPLE = {
    "id": 9, "venue": {"id": 5, "name": "Tampereen seudun työväenopisto"}, "title": "Akvarellimaalaus",
    "kind": "course", "starts_on": "2026-09-01", "ends_on": "2026-12-15", "quota": 6, "used_count": 2,
    "remaining": 4,
}


@extend_schema_view(
    list=extend_schema(summary="List venues in your scope", responses={200: VenueSerializer(many=True),
                                                                       **LIST_ERRORS}),
    retrieve=extend_schema(summary="One venue in your scope", responses={200: VenueSerializer, **DETAIL_ERRORS}),
)
class VenueViewSet(viewsets.ReadOnlyModelViewSet):
    """Venue staff see their own venues, regional contacts their region's, coordinators all."""

    serializer_class = VenueSerializer
    filterset_class = VenueFilterSet

    def get_queryset(self):
        return (
            Venue.objects.visible_to(self.request.user)
            .select_related("region", "municipality")
            .order_by("name", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="List offers of the venues in your scope",
                       responses={200: OfferSerializer(many=True), **LIST_ERRORS},
                       examples=[OpenApiExample("An exhibition and a course", response_only=True,
                                                value=[OFFER_EXAMPLE, COURSE_EXAMPLE])]),
    retrieve=extend_schema(summary="One offer in your scope", responses={200: OfferSerializer, **DETAIL_ERRORS},
                           examples=[OpenApiExample("An offer with a quota", response_only=True, status_codes=["200"],
                                                    value=OFFER_EXAMPLE)]),
)
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """Events, performances and courses with their Kaikukortti quota; pass the id as ``offer`` when logging."""

    serializer_class = OfferSerializer
    filterset_class = OfferFilterSet

    def get_queryset(self):
        return Offer.objects.visible_to(self.request.user).select_related("venue").order_by("starts_on", "title", "pk")
