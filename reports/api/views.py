from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.common import errors
from core.scopes import scope_for
from regions.models import Region
from reports.selectors import Period, stats_summary

from .serializers import StatsQuerySerializer, StatsSummarySerializer


class ReadsStatistics(BasePermission):
    """Statistics are for national coordinators and regional contacts (DESIGN §1)."""

    def has_permission(self, request, view) -> bool:
        scope = scope_for(request.user)
        return scope.national or scope.is_regional


class StatsSummaryView(APIView):
    permission_classes = (*APIView.permission_classes, ReadsStatistics)

    @extend_schema(
        summary="Statistics summary for your scope (coordinators, regional contacts)",
        description="The DESIGN §7 figures for whole calendar months. A regional contact gets their regions "
        "(or `region`, one of them); a coordinator the whole country (or `region`). Counts come from the nightly "
        "rollups plus today's live uses.",
        parameters=[StatsQuerySerializer],
        responses={200: StatsSummarySerializer, **errors(e400=("invalid", "period_invalid"),
                                                         e403=("permission_denied",), e404=("not_found",))},
        tags=["stats"],
    )
    def get(self, request):
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        region = None
        if "region" in data:
            region = Region.objects.filter(pk=data["region"]).first()
            if region is None:
                raise NotFound()
        figures = stats_summary(user=request.user, region=region, date_from=data.get("from"),
                                date_to=data.get("to"))
        return Response({"period": Period.from_dates(data.get("from"), data.get("to")).key, **figures})
