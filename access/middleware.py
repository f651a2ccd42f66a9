"""Require TOTP for regional and national roles when ``settings.MFA_REQUIRED_FOR_REGIONAL`` is on."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.scopes import scope_for

# Paths a user without TOTP may still reach: sign-in/out, MFA set-up, language switch, static files and
# the public mobile card.
ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz/", "/cards/m/", "/invitations/")


class RequireMfaForRegionalMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "mfa_required", "detail": _("Set up two-factor authentication first.")}, status=403
                )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request) -> bool:
        if not settings.MFA_REQUIRED_FOR_REGIONAL:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(ALLOWED_PREFIXES):
            return False
        scope = scope_for(user)
        if not (scope.national or scope.is_regional):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
