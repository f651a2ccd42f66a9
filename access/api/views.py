"""API authentication: tokens for ticketing systems and scripts, and ``/me/``.

A token is DRF's authtoken (one per user). Accounts that use two-factor authentication (or must, by
``MFA_REQUIRED_FOR_REGIONAL`` / ``MFA_REQUIRED_FOR_STAFF``) cannot get a token with the password alone — that
would bypass the second factor — so they create it on their profile page after signing in with MFA.

The password is checked through allauth's adapter, as the sign-in page does: failed attempts count against one
limit per account (``ACCOUNT_RATE_LIMITS["login_failed"]``, keyed in access.adapters) and per client address
(``TRUSTED_PROXY_COUNT``), whichever route they come by.
"""

from allauth.account.adapter import get_adapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from access.permissions import may_get_token_with_password
from access.tokens import api_token_get_or_issue
from core.api.common import RefSerializer, error_response, errors
from core.scopes import scope_for
from distributors.models import Office
from regions.models import Region
from venues.models import Venue

ROLES = ["coordinator", "regional_contact", "distributor", "venue"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class TokenView(APIView):
    """Exchange a username and password for the user's API token (created on first use)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "auth_token"

    @extend_schema(
        summary="Get an API token",
        description="For ticketing systems and scripts. The same token is returned until it is revoked on the "
        "profile page. Accounts with two-factor authentication create their token on the profile page instead "
        "(`mfa_required`), and so do coordinators and regional contacts when two-factor authentication is required "
        "for them. Limited to a few attempts per minute per address; after 5 failed attempts for one account in "
        "5 minutes (here or on the sign-in page) even the right password is refused with `too_many_login_attempts` "
        "until the window passes — the same answer for a name that is no account.",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: error_response(400, "invalid", "invalid_credentials", "too_many_login_attempts", "mfa_required"),
            413: error_response(413, "payload_too_large"),
            429: error_response(429, "throttled"),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = get_adapter(request._request).authenticate(
                request._request, username=serializer.validated_data["username"],
                password=serializer.validated_data["password"])
        except ValidationError as exc:  # the account's (or the address's) failed attempts are used up
            if exc.code != "too_many_login_attempts":
                raise
            return Response({"code": "too_many_login_attempts", "detail": exc.messages[0]},
                            status=status.HTTP_400_BAD_REQUEST)
        if user is None or not user.is_active:
            return Response({"code": "invalid_credentials", "detail": str(_("The username or the password is wrong."))},
                            status=status.HTTP_400_BAD_REQUEST)
        if not may_get_token_with_password(user):
            detail = _("This account uses two-factor authentication: create the token on your profile page.")
            return Response({"code": "mfa_required", "detail": str(detail)}, status=status.HTTP_400_BAD_REQUEST)
        token = api_token_get_or_issue(user=user)
        return Response({"token": token.key})


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES))
    offices = RefSerializer(many=True)
    venues = RefSerializer(many=True)
    regions = RefSerializer(many=True)


class MeView(APIView):
    @extend_schema(
        summary="Who am I",
        description="Your roles and the offices, venues and regions you work in (their ids are what the other "
        "endpoints take). A national coordinator's scope is everything; `regions` lists regional memberships only.",
        responses={200: MeSerializer, **errors()},
        tags=["auth"],
    )
    def get(self, request):
        scope = scope_for(request.user)

        def refs(model, ids):
            return [{"id": pk, "name": name} for pk, name in
                    model.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", "name")]

        return Response({
            "username": request.user.get_username(),
            "roles": scope.roles,
            "offices": refs(Office, scope.office_ids),
            "venues": refs(Venue, scope.venue_ids),
            "regions": refs(Region, scope.region_ids),
        })
