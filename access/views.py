"""Pages of access: inviting staff into an office or a venue and ending a person's access (one pair of views
for every kind of unit, mounted inside the ``distributors:`` and ``venues:`` namespaces by kaikukanta/urls.py),
the invitation link (set a password, then sign in) and the profile with its API token."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from access.tokens import api_token_replace
from access.tokens import api_token_revoke as revoke_token
from core.errors import DomainError
from core.scopes import scope_for
from distributors.views import office_page
from venues.views import venue_page

from . import selectors
from .forms import AcceptInvitationForm, InvitationForm
from .permissions import may_get_token_with_password, may_manage_staff, mfa_enabled
from .services import invitation_accept, invitation_create, invitation_get, invitation_user, membership_end

# --- the staff of an office or a venue: invite, end access ----------------------------------------------


@dataclass(frozen=True)
class StaffPages:
    """Where the staff of one kind of unit is managed: the unit's page (owned by its app) and our two URLs."""

    page: str  # URL name of the unit's page, where every POST returns
    render_page: Callable[..., HttpResponse]  # (request, unit, *, status, extra_context): the page again
    invite: str  # URL names of staff_invite and staff_end for this kind
    end: str
    ended: Promise  # the message after staff_end, %(name)s the person's username


# A region has no page yet (nor invitations: the model targets an office or a venue); its contacts are listed
# and ended through the same selectors and service (access.selectors, access.services.membership_end).
STAFF_PAGES: dict[str, StaffPages] = {
    "office": StaffPages(
        page="distributors:office", render_page=office_page, invite="distributors:office_invite",
        end="distributors:membership_end", ended=_("%(name)s no longer has access to this office."),
    ),
    "venue": StaffPages(
        page="venues:venue", render_page=venue_page, invite="venues:venue_invite",
        end="venues:membership_end", ended=_("%(name)s no longer has access to this venue."),
    ),
}

# The page's context key that carries a refused invite form to the staff section (``staff_section`` tag).
INVITE_FORM_KEY = "staff_invite_form"


def _target(request: HttpRequest, kind: str, pk: int):
    try:
        return selectors.staff_target_get(user=request.user, kind=kind, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_POST
def staff_invite(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Invite a person by e-mail into the office or venue ``pk``; a refusal shows on the page's e-mail field."""
    pages = STAFF_PAGES[kind]
    target = _target(request, kind, pk)
    if not may_manage_staff(request.user, target):
        raise PermissionDenied
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(user=request.user, email=form.cleaned_data["email"], **{kind: target})
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect(pages.page, pk=target.pk)
    return pages.render_page(request, target, status=400, extra_context={INVITE_FORM_KEY: form})


@login_required
@require_POST
def staff_end(request: HttpRequest, kind: str, pk: int, membership_pk: int) -> HttpResponse:
    """End a person's access to the office or venue ``pk`` (from yesterday); 404 for an ended membership."""
    pages = STAFF_PAGES[kind]
    target = _target(request, kind, pk)
    membership = get_object_or_404(selectors.staff_list(target=target), pk=membership_pk)
    try:
        membership_end(user=request.user, membership=membership)
    except DomainError as exc:
        raise PermissionDenied from exc
    messages.success(request, pages.ended % {"name": membership.user.get_username()})
    return redirect(pages.page, pk=target.pk)


# --- the invitation link -------------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept(request, token: str):
    try:
        invitation = invitation_get(token)
    except DomainError as exc:
        return render(request, "account/invitation_invalid.html", {"error": exc}, status=404)
    existing = invitation_user(invitation)
    data = request.POST if request.method == "POST" else None
    form = AcceptInvitationForm(data, invitation=invitation, existing_user=existing)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token, password=form.cleaned_data["password1"], username=form.cleaned_data.get("username", "")
            )
        except DomainError as exc:
            form.add_error("username" if exc.code == "username_taken" else None, exc.message)
        else:
            messages.success(
                request, _("Welcome to Kaikukanta, %(name)s. Sign in with your new password.") % {"name": user.username}
            )
            return redirect(reverse("account_login"))
    return render(request, "account/invitation_accept.html", {"form": form, "invitation": invitation,
                                                               "existing_user": existing})


# --- the profile page: create and revoke the API token in the browser ---------------------------------

NEW_TOKEN_SESSION_KEY = "kaikukanta_new_api_token"


def _signed_in_with_second_factor(request) -> bool:
    """Whether this session passed a second factor (allauth records it at sign-in and at re-authentication)."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def _token_needs_second_factor(request) -> bool:
    """A token is as good as a password-and-second-factor sign-in for those who have or need a second factor:
    their session must have passed it (allauth's MFA re-authentication asks for a code if it has not)."""
    return not may_get_token_with_password(request.user) and not _signed_in_with_second_factor(request)


def token_context(request) -> dict:
    """Context for ``kaikukanta/_api_token.html``: whether a token exists and a just-created key (shown once)."""
    user = request.user
    return {
        "api_token_allowed": bool(scope_for(user).roles),
        "api_token_exists": Token.objects.filter(user=user).exists(),
        "api_token_new": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        "api_token_needs_second_factor": _token_needs_second_factor(request),
    }


@login_required
@require_POST
def api_token_create(request):
    """Create a new token (replacing the old one). The key is shown once, on the next profile page."""
    if not scope_for(request.user).roles:
        messages.error(request, _("Only staff with a role can have an API token."))
        return redirect("profile")
    if _token_needs_second_factor(request):
        if not mfa_enabled(request.user):  # required but not set up yet (the middleware sends them there too)
            return redirect("mfa_activate_totp")
        messages.info(request, _("Confirm with your authenticator app first, then create the token."))
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': reverse('profile')})}")
    token = api_token_replace(user=request.user)
    request.session[NEW_TOKEN_SESSION_KEY] = token.key
    messages.success(request, _("A new API token was created. Copy it now: it is shown only once."))
    return redirect("profile")


@login_required
@require_POST
def api_token_revoke(request):
    if revoke_token(user=request.user):
        messages.success(request, _("The API token was revoked. Systems using it can no longer sign in."))
    return redirect("profile")


@login_required
def profile(request):
    return render(request, "kaikukanta/profile.html", token_context(request))
