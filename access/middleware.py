"""Send a user whose role requires two-factor sign-in (``access.permissions.mfa_required``: coordinators and
regional contacts by default, office and venue staff with ``MFA_REQUIRED_FOR_STAFF``) to set up TOTP first.

Once a second factor exists, allauth asks for it at every sign-in (and the Django admin's own sign-in form is
replaced by allauth's in kaikukanta/urls.py), so a session of such a user has passed it. API calls with a token
are not seen here: a token for these roles is created only on the profile page after the second factor.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from access.permissions import mfa_enabled, mfa_required

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
        if not (settings.MFA_REQUIRED_FOR_REGIONAL or settings.MFA_REQUIRED_FOR_STAFF):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(ALLOWED_PREFIXES):
            return False
        return mfa_required(user) and not mfa_enabled(user)
