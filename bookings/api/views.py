"""Performances and bookings over the API (issue 16): for venue staff and their ticketing systems' venue keys.

The same services and scoped reads as the pages. A venue key needs the scope ``book`` to book and cancel and
``log`` to check a booking in (``access.api.keys``)."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from bookings import services
from bookings.filters import BookingFilterSet, PerformanceFilterSet
from bookings.models import Booking
from cards.models import Use
from core.api.common import DETAIL_ERRORS, LIST_ERRORS, errors
from venues.models import Offer, Performance
from venues.permissions import may_act_for_venue

from .serializers import BookingCreateSerializer, BookingSerializer, PerformanceCreateSerializer, PerformanceSerializer

BOOK_CODES = (
    "invalid", "invalid_json", "card_number_invalid", "card_expired", "card_inactive", "card_not_valid_in_region",
    "venue_inactive", "too_many_children", "children_not_allowed_for_courses", "courses_need_personal_card",
    "course_not_offered", "group_size_invalid", "children_invalid", "performance_past",
)
PERFORMANCE_EXAMPLE = {
    "id": 7, "offer": 3, "offer_title": "Pikku Myy", "venue": {"id": 2, "name": "Tampereen Teatteri"},
    "date": "2026-11-27", "time": "19:00", "quota": 10, "places_booked": 3, "remaining": 7,
    "availability": "available",
}
BOOKING_EXAMPLE = {
    "id": 41, "performance": 7, "card_number": "TAM-•••-E3M", "kind": "ticket", "children": 2, "group_size": None,
    "places": 3, "note": "", "status": "booked", "channel": "api", "created_at": "2026-11-23T10:04:11+02:00",
    "cancelled_at": None, "checked_in_at": None, "use": None,
}


def _not_found() -> NotFound:
    return NotFound(code="not_found")


@extend_schema_view(
    list=extend_schema(
        summary="List performances of the venues in your scope",
        description="Dated performances of offers, each with its own Kaikukortti places (R15).",
        responses={200: PerformanceSerializer(many=True), **LIST_ERRORS},
        examples=[OpenApiExample("A performance", value=[PERFORMANCE_EXAMPLE], response_only=True)],
    ),
    retrieve=extend_schema(summary="One performance in your scope",
                           responses={200: PerformanceSerializer, **DETAIL_ERRORS}),
)
class PerformanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    serializer_class = PerformanceSerializer
    filterset_class = PerformanceFilterSet

    def get_queryset(self):
        return (Performance.objects.visible_to(self.request.user).select_related("offer__venue")
                .order_by("date", "time", "pk"))

    @extend_schema(
        summary="Add a performance to an offer (venue staff; keys with scope book)",
        request=PerformanceCreateSerializer,
        responses={201: PerformanceSerializer, **errors(
            e400=("invalid", "invalid_json", "performance_past", "performance_date_invalid",
                  "performance_quota_invalid", "performance_taken"),
            e403=("key_scope_missing",), e404=("not_found",), e413=("payload_too_large",))},
        examples=[OpenApiExample("Friday evening", request_only=True,
                                 value={"offer": 3, "date": "2026-11-27", "time": "19:00", "quota": 10})],
    )
    def create(self, request, *args, **kwargs):
        serializer = PerformanceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        offer = Offer.objects.filter(pk=data["offer"]).first()
        if offer is None or not may_act_for_venue(request.user, offer.venue_id):
            raise _not_found()
        performance = services.performance_create(user=request.user, offer=offer, date=data["date"],
                                                  time=data["time"], quota=data["quota"])
        return Response(self.get_serializer(self.get_queryset().get(pk=performance.pk)).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="List bookings in your scope",
        description="Venue staff and keys: their venue's bookings; regional contacts: their region's venues'. Card "
        "numbers are masked.",
        responses={200: BookingSerializer(many=True), **LIST_ERRORS},
        examples=[OpenApiExample("A booking", value=[BOOKING_EXAMPLE], response_only=True)],
    ),
    retrieve=extend_schema(summary="One booking in your scope", responses={200: BookingSerializer, **DETAIL_ERRORS}),
)
class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = BookingSerializer
    filterset_class = BookingFilterSet

    def get_queryset(self):
        return (Booking.objects.visible_to(self.request.user).select_related("card")
                .order_by("-created_at", "-pk"))

    def _staff_booking(self) -> Booking:
        booking = self.get_object()
        if not may_act_for_venue(self.request.user, booking.performance.offer.venue_id):
            raise _not_found()
        return booking

    @extend_schema(
        summary="Book places of a performance for a card (venue staff; keys with scope book)",
        description="R15: the card is checked with every rule of a use today (R3–R10); the places (1 + children) "
        "are held at once. 201 with the booking; the same `idempotency_key` again answers 200 with the same "
        "booking. A full performance answers 409 `performance_full`; a card that already has a booking for it, 409 "
        "`already_booked`.",
        request=BookingCreateSerializer,
        responses={
            201: OpenApiResponse(BookingSerializer, description="Booked."),
            200: OpenApiResponse(BookingSerializer, description="Replay: the booking made earlier with this key."),
            **errors(e400=BOOK_CODES, e403=("key_scope_missing",), e404=("not_found", "card_not_found"),
                     e409=("performance_full", "already_booked", "idempotency_conflict"),
                     e413=("payload_too_large",)),
        },
        examples=[
            OpenApiExample("By phone, with two children", request_only=True, value={
                "performance": 7, "card_number": "TAM-PER-E3M", "children": 2, "note": "pyörätuolipaikka",
                "idempotency_key": "order-2026-1188",
            }),
            OpenApiExample("Booked", response_only=True, status_codes=["201"], value=BOOKING_EXAMPLE),
            OpenApiExample("Full", response_only=True, status_codes=["409"], value={
                "code": "performance_full", "detail": "All Kaikukortti places of this performance are booked."}),
        ],
    )
    def create(self, request, *args, **kwargs):
        serializer = BookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        performance = Performance.objects.select_related("offer__venue__region").filter(
            pk=data["performance"]).first()
        if performance is None or not may_act_for_venue(request.user, performance.offer.venue_id):
            raise _not_found()
        booking, created = services.booking_create(
            user=request.user, performance=performance, number=data["card_number"], children=data["children"],
            group_size=data.get("group_size"), note=data.get("note") or "", channel=Booking.Channel.API,
            idempotency_key=data.get("idempotency_key") or "",
        )
        body = self.get_serializer(self.get_queryset().get(pk=booking.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Cancel a booking (venue staff; keys with scope book)",
        description="Until the performance (its day included); the places are free again. Cancelling a cancelled "
        "booking again answers 200 with it.",
        request=None,
        responses={200: BookingSerializer, **errors(e400=("performance_past",), e403=("key_scope_missing",),
                                                    e404=("not_found",), e409=("booking_not_open",),
                                                    e413=("payload_too_large",))},
    )
    @action(detail=True, methods=["post"], url_path="cancel", filterset_class=None)
    def cancel(self, request, pk=None):
        booking = services.booking_cancel(user=request.user, booking=self._staff_booking())
        return Response(self.get_serializer(self.get_queryset().get(pk=booking.pk)).data)

    @extend_schema(
        summary="Check a booking in at the door (venue staff; keys with scope log)",
        description="On the performance day: the card is checked again with every rule and the booking becomes a "
        "use (`use`). Checking in again answers 200 with the same booking.",
        request=None,
        responses={200: BookingSerializer, **errors(
            e400=("card_expired", "card_inactive", "card_not_valid_in_region", "venue_inactive", "used_on_in_future",
                  "late_entry_window_passed", "too_many_children", "group_size_invalid"),
            e403=("key_scope_missing",), e404=("not_found",), e409=("booking_not_open",),
            e413=("payload_too_large",))},
    )
    @action(detail=True, methods=["post"], url_path="check-in", url_name="check-in", filterset_class=None)
    def check_in(self, request, pk=None):
        # The booking is the confirmation of a repeat use: the service logs it with repeat_confirmed.
        booking = services.booking_check_in(user=request.user, booking=self._staff_booking(),
                                            channel=Use.Channel.API)
        return Response(self.get_serializer(self.get_queryset().get(pk=booking.pk)).data)
