from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api.common import DETAIL_ERRORS, LIST_ERRORS
from venues.filters import OfferFilterSet, VenueFilterSet
from venues.models import Offer, Venue

from .serializers import OfferSerializer, VenueSerializer


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
                       responses={200: OfferSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="One offer in your scope", responses={200: OfferSerializer, **DETAIL_ERRORS}),
)
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """Events, performances and courses with their Kaikukortti quota; pass the id as ``offer`` when logging."""

    serializer_class = OfferSerializer
    filterset_class = OfferFilterSet

    def get_queryset(self):
        return Offer.objects.visible_to(self.request.user).select_related("venue").order_by("starts_on", "title", "pk")
