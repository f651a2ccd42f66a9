from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api.common import DETAIL_ERRORS, LIST_ERRORS
from distributors.filters import OfficeFilterSet
from distributors.models import Office

from .serializers import OfficeSerializer


@extend_schema_view(
    list=extend_schema(summary="List distributor offices in your scope",
                       responses={200: OfficeSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(summary="One office in your scope", responses={200: OfficeSerializer, **DETAIL_ERRORS}),
)
class OfficeViewSet(viewsets.ReadOnlyModelViewSet):
    """Distributor staff see their own offices, regional contacts their region's, coordinators all."""

    serializer_class = OfficeSerializer
    filterset_class = OfficeFilterSet

    def get_queryset(self):
        return (
            Office.objects.visible_to(self.request.user)
            .select_related("organisation", "region", "municipality")
            .order_by("name", "pk")
        )
