"""The one API router (v1). Apps register their viewsets here."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from access.api.views import MeView, TokenView
from bookings.api.views import BookingViewSet, PerformanceViewSet
from cards.api.views import CardViewSet, HolderActivateView, UseViewSet
from distributors.api.views import OfficeViewSet
from regions.api.views import RegionViewSet
from reports.api.views import StatsSummaryView
from venues.api.views import OfferViewSet, VenueViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="api-region")
router.register("offices", OfficeViewSet, basename="api-office")
router.register("venues", VenueViewSet, basename="api-venue")
router.register("offers", OfferViewSet, basename="api-offer")
router.register("cards", CardViewSet, basename="api-card")
router.register("uses", UseViewSet, basename="api-use")
router.register("performances", PerformanceViewSet, basename="api-performance")
router.register("bookings", BookingViewSet, basename="api-booking")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-auth-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("stats/summary/", StatsSummaryView.as_view(), name="api-stats-summary"),
    path("holder/activate/", HolderActivateView.as_view(), name="api-holder-activate"),
    path("", include(router.urls)),
]
