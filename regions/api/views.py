from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api.common import DETAIL_ERRORS, LIST_ERRORS
from regions.filters import RegionFilterSet
from regions.models import Region

from .serializers import RegionSerializer


@extend_schema_view(
    list=extend_schema(summary="List regions in your scope", responses={200: RegionSerializer(many=True),
                                                                        **LIST_ERRORS}),
    retrieve=extend_schema(summary="One region in your scope", responses={200: RegionSerializer, **DETAIL_ERRORS}),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Regions the caller works in (coordinators: all). Use the ids with ``/stats/summary/?region=``."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet

    def get_queryset(self):
        return Region.objects.visible_to(self.request.user).order_by("name", "pk")
