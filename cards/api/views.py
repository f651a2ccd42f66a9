"""Cards and uses over the API (DESIGN §8): the same services and scoped selectors as the web UI."""

import hashlib
import re

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cards import holder, numbers, selectors, services
from cards.filters import CardFilterSet, UseFilterSet
from cards.models import Card, Use
from cards.selectors import card_by_number, municipality_from_text
from cards.services import card_check, card_issue_or_replay, card_renew, card_replace, use_cancel, use_log_or_replay
from core.api.common import DETAIL_ERRORS, LIST_ERRORS, error_response, errors
from core.errors import DomainError
from core.exports import record_export
from core.scopes import scope_for
from distributors.models import Office
from venues.models import Offer, Venue
from venues.permissions import may_act_for_venue
from venues.selectors import offer_belongs_to_venue

from .serializers import (
    CHECK_CODES,
    CardCheckQuerySerializer,
    CardCheckSerializer,
    CardIssuedSerializer,
    CardIssueSerializer,
    CardRenewSerializer,
    CardReplaceSerializer,
    CardSerializer,
    CheckUseSerializer,
    HolderActivatedSerializer,
    HolderActivateSerializer,
    ServedCardSerializer,
    UseCancelSerializer,
    UseLogSerializer,
    UseSerializer,
)

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")

ISSUE_CODES = (
    "invalid", "invalid_json", "holder_too_young", "municipality_not_in_network", "card_number_invalid",
    "birth_year_invalid", "children_invalid", "office_inactive", "region_inactive",
)
RENEW_CODES = (
    "invalid", "invalid_json", "wellbeing_invalid", "card_not_renewable", "card_reduced", "region_inactive",
    "office_inactive",
)
REPLACE_CODES = (
    "invalid", "invalid_json", "card_number_invalid", "card_kind_mismatch", "card_reduced", "card_inactive",
    "office_inactive",
)
SERVED_CARD_EXAMPLE = {
    "number": "TAMPERE3M", "display_number": "TAM-PER-E3M", "kind": "personal", "status": "active",
    "office": {"id": 1, "name": "Tampereen sosiaalitoimisto"}, "region": {"id": 1, "name": "Tampere"},
    "children": 2, "format": "paper", "language": "fi", "issued_on": "2025-10-24", "valid_until": "2026-11-23",
}
BY_NUMBER = (
    "The card is named by its exact number, in your scope or of a region where you work at an office: staff of any "
    "office of the card's region may renew and replace it (R3, R4), not only the issuing office's. Another office's "
    "cards are never listed; any other card answers 404 `not_found`, as does a card whose region's offices you are "
    "not staff of (regional contacts and coordinators read cards but do not renew or replace them)."
)
LOG_CODES = (
    "invalid", "invalid_json", "card_number_invalid", "card_expired", "card_inactive", "card_not_valid_in_region",
    "venue_inactive", "too_many_children", "children_not_allowed_for_courses", "courses_need_personal_card",
    "course_not_offered", "group_size_invalid", "children_invalid", "offer_mismatch", "used_on_in_future",
    "late_entry_window_passed",
)


def _issued_code(user, key: str, card: Card, created: bool) -> str | None:
    """The activation code of a card registered by this request, or by the first request with the same key (a retry
    after a lost answer must not lose the code): kept in the cache for the key's day while still unused."""
    digest = hashlib.sha256(key[:64].encode()).hexdigest()
    remembered = f"card-issue-code:{user.pk}:{digest}" if key else ""
    if created:
        code = getattr(card, "activation_code", None)
        if remembered and code:
            cache.set(remembered, code, timeout=services.ISSUE_KEY_SECONDS)
        return code
    code = cache.get(remembered) if remembered else None
    return code if code and holder.code_is_current(card, code) else None


def _not_found() -> NotFound:
    return NotFound(code="not_found")


def _own_venue_or_404(user, venue_id: int) -> Venue:
    """Checking and logging happen at the caller's own venue: any other venue is simply not found."""
    if not may_act_for_venue(user, venue_id):
        raise _not_found()
    venue = Venue.objects.select_related("region").filter(pk=venue_id).first()
    if venue is None:
        raise _not_found()
    return venue


@extend_schema_view(
    list=extend_schema(
        summary="List cards in your scope",
        description="Distributor staff: their offices' cards; regional contacts: their region's; coordinators: all. "
        "Venue staff never list cards: they check one exact number with `/cards/{number}/check/`.",
        responses={200: CardSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One card in your scope, by number",
        responses={200: CardSerializer, **DETAIL_ERRORS},
    ),
)
class CardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CardSerializer
    filterset_class = CardFilterSet
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (
            Card.objects.visible_to(self.request.user)
            .select_related("office", "region", "home_municipality", "replaces", "replaced_by")
            .order_by("-issued_on", "number")
        )

    def get_object(self):
        number = numbers.normalize(self.kwargs["number"])
        card = self.get_queryset().filter(number=number).first() if numbers.is_valid(number) else None
        if card is None:
            raise _not_found()
        return card

    @extend_schema(
        summary="Register a personal card (distributor staff)",
        description="R1–R3. A repeated request with the same `idempotency_key` and the same body answers 200 with "
        "the card registered the first time; the same key with another body answers 409 `idempotency_conflict`.",
        request=CardIssueSerializer,
        responses={
            201: OpenApiResponse(CardIssuedSerializer, description="Registered, with its activation code."),
            200: OpenApiResponse(CardIssuedSerializer, description="Replay of an earlier request with the same key "
                                 "(`activation_code` again while unused, else null)."),
            **errors(e400=ISSUE_CODES, e404=("not_found",), e409=("card_number_taken", "idempotency_conflict"),
                     e413=("payload_too_large",)),
        },
        examples=[OpenApiExample("Paper card", request_only=True, value={
            "office": 1, "birth_year": 1980, "home_municipality": "837", "children": 2, "format": "paper",
        })],
    )
    def create(self, request, *args, **kwargs):
        serializer = CardIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        office = Office.objects.visible_to(user).select_related("region").filter(pk=data["office"]).first()
        if office is None:
            raise _not_found()
        card_issued, created = card_issue_or_replay(
            user=user,
            office=office,
            birth_year=data["birth_year"],
            home_municipality=municipality_from_text(data["home_municipality"]),
            children=data["children"],
            format=data["format"],
            number=data.get("number") or None,
            postal_code=data.get("postal_code") or "",
            language=data["language"],
            idempotency_key=data.get("idempotency_key") or "",
        )
        card = self.get_queryset().filter(pk=card_issued.pk).first()
        if card is None:
            raise _not_found()
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        issued = _issued_code(user, data.get("idempotency_key") or "", card_issued, created)
        return Response({**self.get_serializer(card).data, "activation_code": issued}, status=answer)

    def _card_by_number(self, number: str | None) -> Card:
        """R3/R4: the card an office of its region acts on (``card_by_number``), else 404 as for a missing one."""
        try:
            return card_by_number(user=self.request.user, number=number or "")
        except Card.DoesNotExist as exc:
            raise _not_found() from exc

    @extend_schema(
        summary="Renew a card (distributor staff of the card's region)",
        description="R3: an active card is extended to the region's default validity from today, never shortened. "
        + BY_NUMBER + " The answer is the card as serving its holder needs it (no birth year, home municipality or "
        "voluntary answers). Renewing again on the same day changes no date.",
        parameters=[OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     description="The card number; hyphens and lower case are fine.")],
        request=CardRenewSerializer,
        responses={
            200: OpenApiResponse(ServedCardSerializer, description="Renewed."),
            **errors(e400=RENEW_CODES, e404=("not_found",), e413=("payload_too_large",)),
        },
        examples=[
            OpenApiExample("Renew, with the voluntary wellbeing answer", request_only=True,
                           value={"wellbeing_at_renewal": 4}),
            OpenApiExample("Renewed card", response_only=True, status_codes=["200"], value=SERVED_CARD_EXAMPLE),
            OpenApiExample("The region's period has ended", response_only=True, status_codes=["400"],
                           value={"code": "region_inactive", "detail": "The office's region is not active today."}),
        ],
    )
    @action(detail=True, methods=["post"], url_path="renew", filterset_class=None, pagination_class=None)
    def renew(self, request, number=None):
        serializer = CardRenewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        card = card_renew(user=request.user, card=self._card_by_number(number),
                          wellbeing_at_renewal=serializer.validated_data.get("wellbeing_at_renewal"))
        return Response(ServedCardSerializer(self._card_by_number(card.number)).data)

    @extend_schema(
        summary="Replace a lost card (distributor staff of the card's region)",
        description="R4: the old card stops working at once (inactive, with the reason) and a new personal card is "
        "issued with the same details, validity and issuing office; the history links them. " + BY_NUMBER
        + " 201 with the new card. Not idempotent: repeating the request answers 400 `card_inactive`, the old card "
        "having been replaced.",
        parameters=[OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     description="The number of the card to replace; hyphens and lower case are "
                                     "fine.")],
        request=CardReplaceSerializer,
        responses={
            201: OpenApiResponse(ServedCardSerializer, description="The new card."),
            **errors(e400=REPLACE_CODES, e404=("not_found",), e409=("card_number_taken",),
                     e413=("payload_too_large",)),
        },
        examples=[
            OpenApiExample("A new pre-printed card", request_only=True,
                           value={"number": "TAM-UUS-22U", "reason": "lost"}),
            OpenApiExample("A generated number (mobile card)", request_only=True, value={"reason": "lost"}),
            OpenApiExample("The new card", response_only=True, status_codes=["201"],
                           value={**SERVED_CARD_EXAMPLE, "number": "TAMUUS22U", "display_number": "TAM-UUS-22U",
                                  "issued_on": "2026-11-23"}),
            OpenApiExample("Already replaced", response_only=True, status_codes=["400"],
                           value={"code": "card_inactive",
                                  "detail": "The card is no longer in use (lost, replaced or returned)."}),
        ],
    )
    @action(detail=True, methods=["post"], url_path="replace", filterset_class=None, pagination_class=None)
    def replace(self, request, number=None):
        serializer = CardReplaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        new = card_replace(user=request.user, card=self._card_by_number(number), number=data.get("number") or None,
                           reason=data["reason"])
        return Response(ServedCardSerializer(self._card_by_number(new.number)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Check a card at a venue (venue staff, ticketing systems)",
        description="Always 200 for a well-formed request: `valid` tells whether the card may be used at this venue "
        "today, `code` why not (" + ", ".join(f"`{code}`" for code in CHECK_CODES) + "). Every check is recorded "
        "(R12). `uses_today` lists a valid card's uses at this venue today: logging it again today needs "
        "`confirm_repeat` (issue 11). Failed checks are limited per user and minute: over the limit the answer is "
        "429 `throttled`. "
        "A venue you are not staff of answers 404 `not_found`. "
        "A mobile card's scanned QR (`KK1:<number>:<code>`) may stand for the number, or its six-digit live code be "
        "given as `code`: `mobile_code` then says whether it was `live` or `stale` (issue 14); a payload of another "
        "shape answers 400 `mobile_code_invalid`.",
        parameters=[
            OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH,
                             description="The card number as typed or scanned; hyphens and lower case are fine."),
            CardCheckQuerySerializer,
        ],
        responses={200: CardCheckSerializer, **errors(e400=("invalid", "mobile_code_invalid"), e404=("not_found",))},
    )
    @action(detail=True, methods=["get"], url_path="check", filterset_class=None, pagination_class=None)
    def check(self, request, number=None):
        query = CardCheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        venue = _own_venue_or_404(request.user, query.validated_data["venue"])
        # Control characters never reach the audit table; such a number is simply invalid.
        typed = _UNPRINTABLE.sub("?", number or "")[:64]
        # Issue 14: a scanned mobile card's live QR; a malformed one is refused and recorded like a mistyped number.
        typed, mobile_code = holder.scan_parse(user=request.user, venue=venue, text=typed, channel=Use.Channel.API)
        mobile_code = mobile_code or query.validated_data.get("code")
        day = timezone.localdate()
        result = card_check(user=request.user, venue=venue, number=typed, channel=Use.Channel.API, today=day)
        region = result.region
        uses_today = []
        if result.valid:  # issue 11: what logging it again today would repeat
            uses_today = selectors.repeat_uses(user=request.user, venue=venue, card=result.card, day=day)
        answer = {
            "number": result.number[:64],
            "kind": result.kind,
            "valid": result.valid,
            "code": result.code,
            "valid_until": result.valid_until,
            "children_allowed": result.children_allowed,
            "region": {"id": region.pk, "name": region.name} if region else None,
            "uses_today": CheckUseSerializer(uses_today, many=True).data,
        }
        if mobile_code:  # without a live code the answer is exactly today's (a paper card, a typed number)
            answer["mobile_code"] = holder.verify(result.card, mobile_code)
        return Response(answer)


class HolderActivateView(APIView):
    """The holder's own mobile card (issue 14): no account, no token — the card number and activation code."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Activate the mobile card (card holders; no sign-in)",
        description="The card number and its one-time activation code (printed on the paper card or the info sheet) "
        "give a new link to the mobile card; the code is then used up and any earlier link of the card stops "
        "working. A wrong, used or absent code, or a number that has no active personal card, answers 400 "
        "`activation_invalid` (one answer for all). Attempts are limited per address and per card: over the limit "
        "429 `activation_throttled`. Every attempt is recorded.",
        request=HolderActivateSerializer,
        responses={
            200: HolderActivatedSerializer,
            400: error_response(400, "invalid", "invalid_json", "activation_invalid"),
            413: error_response(413, "payload_too_large"),
            429: error_response(429, "activation_throttled"),
        },
        examples=[OpenApiExample("Activate", request_only=True, value={"number": "TAM-PER-E3M", "code": "7K3M-Q9XA"})],
        auth=[],
    )
    def post(self, request):
        serializer = HolderActivateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token = holder.activate(number=data["number"], code=data["code"], address=request.META.get("REMOTE_ADDR", ""))
        url = request.build_absolute_uri(reverse("cards:mobile", kwargs={"token": token}))
        return Response({"card_url": url})


@extend_schema_view(
    list=extend_schema(
        summary="List uses in your scope",
        description="Venue staff: their venues' uses; distributor staff: uses of their offices' cards; regional "
        "contacts: uses at their region's venues or with their region's cards; coordinators: all. Every page read "
        "is recorded as an export in the audit trail (R12).",
        responses={200: UseSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(summary="One use in your scope", responses={200: UseSerializer, **DETAIL_ERRORS}),
)
class UseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UseSerializer
    filterset_class = UseFilterSet

    def list(self, request, *args, **kwargs):
        """A page of uses is an export (R12): recorded, with the regions of the caller's scope, through the
        service every other export uses (``core.exports.record_export``)."""
        response = super().list(request, *args, **kwargs)
        scope = scope_for(request.user)
        region_ids = None if scope.national else sorted(
            set(scope.region_ids)
            | set(Office.objects.filter(pk__in=scope.office_ids).values_list("region_id", flat=True))
            | set(Venue.objects.filter(pk__in=scope.venue_ids).exclude(region=None).values_list("region_id", flat=True))
        )
        record_export(user=request.user, what="api_uses", fmt="json", region_ids=region_ids,
                      params={"channel": "api", **request.query_params.dict()}, rows=len(response.data["results"]))
        return response

    def get_queryset(self):
        return (
            Use.objects.visible_to(self.request.user)
            .select_related("card", "venue")
            .order_by("-used_on", "-logged_at", "-pk")
        )

    @extend_schema(
        summary="Log a free ticket or course place (venue staff, ticketing systems)",
        description="R5–R11. 201 with the new use. **Idempotent**: a repeated request with the same "
        "`idempotency_key` at the same venue answers **200 with the same use** (nothing new is logged); the same key "
        "with another card number answers 409 `idempotency_conflict`. **Repeat warning**: when the card already has a "
        "use that is not cancelled at this venue on the same day (`used_on`, so a late entry too), nothing is logged "
        "and the answer is 409 `repeat_use` unless the request says `\"confirm_repeat\": true` (a replay with the same "
        "key is still 200). A card that does not exist answers 404 `card_not_found`; a venue you are not staff of "
        "answers 404 `not_found`.",
        request=UseLogSerializer,
        responses={
            201: OpenApiResponse(UseSerializer, description="Logged."),
            200: OpenApiResponse(UseSerializer, description="Replay: the use logged earlier with this key."),
            **errors(e400=LOG_CODES, e404=("not_found", "card_not_found"),
                     e409=("quota_exhausted", "idempotency_conflict", "repeat_use"), e413=("payload_too_large",)),
        },
        examples=[OpenApiExample("Ticket with two children", request_only=True, value={
            "card_number": "ABC-DEF-GHJ", "venue": 1, "kind": "ticket", "children": 2, "offer": None,
            "used_on": "2025-10-01", "idempotency_key": "ticket-4711",
        }), OpenApiExample("The same card again today, confirmed", request_only=True, value={
            "card_number": "ABC-DEF-GHJ", "venue": 1, "kind": "ticket", "children": 0, "idempotency_key": "ticket-4712",
            "confirm_repeat": True,
        })],
    )
    def create(self, request, *args, **kwargs):
        serializer = UseLogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        venue = _own_venue_or_404(user, data["venue"])
        offer = None
        if data.get("offer") is not None:
            offer = Offer.objects.filter(pk=data["offer"]).first()
            if offer is None or not offer_belongs_to_venue(offer, venue):
                raise DomainError("offer_mismatch")
        use, created = use_log_or_replay(
            user=user,
            venue=venue,
            number=data["card_number"],
            kind=data["kind"],
            children=data["children"],
            group_size=data.get("group_size"),
            offer=offer,
            used_on=data.get("used_on"),
            idempotency_key=data.get("idempotency_key") or "",
            channel=Use.Channel.API,
            repeat_confirmed=data["confirm_repeat"],
        )
        use = self.get_queryset().get(pk=use.pk)
        # The answer echoes the number this request typed (DESIGN §5); a replay matched it too (``_replay``).
        context = {**self.get_serializer_context(), "typed_number": numbers.normalize(data["card_number"])}
        body = self.get_serializer(use, context=context).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Cancel a use (venue staff)",
        description="R11: within the cancellation window, with a reason; the use leaves the statistics. Repeating "
        "the same cancellation (same reason, same user) answers 200 with the use again.",
        request=UseCancelSerializer,
        responses={
            200: UseSerializer,
            **errors(e400=("invalid", "invalid_json", "reason_required", "cancel_window_passed"), e404=("not_found",),
                     e409=("use_already_cancelled",), e413=("payload_too_large",)),
        },
    )
    @action(detail=True, methods=["post"], url_path="cancel", filterset_class=None)
    def cancel(self, request, pk=None):
        serializer = UseCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        use = self.get_object()
        # A repeated cancellation answers 200 with the use again: use_cancel returns it unchanged.
        use = use_cancel(user=request.user, use=use, reason=serializer.validated_data["reason"])
        return Response(self.get_serializer(self.get_queryset().get(pk=use.pk)).data)
