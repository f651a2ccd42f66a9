"""Pages of access: the staff of an office, a venue, a region and the national team, inviting people into them and
ending a person's access (one pair of views for every kind of unit; the office's and the venue's are mounted inside
the ``distributors:`` and ``venues:`` namespaces by kaikukanta/urls.py, the rest under ``/staff/``), deactivating
an account, the invitation link (set a password, then sign in) and the profile with its API token."""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from access.tokens import api_token_replace
from access.tokens import api_token_revoke as revoke_token
from core.errors import DomainError
from core.scopes import scope_for
from distributors.views import office_page
from regions.models import Region
from venues.views import venue_page

from . import selectors
from .forms import AcceptInvitationForm, InvitationForm
from .models import Invitation
from .permissions import (
    deactivatable,
    may_deactivate,
    may_get_token_with_password,
    may_invite,
    may_manage_staff,
    may_see_staff,
    mfa_enabled,
)
from .services import (
    account_deactivate,
    invitation_accept,
    invitation_create,
    invitation_get,
    invitation_user,
    membership_end,
)

# --- staff: the lists, inviting, ending access, deactivating an account --------------------------------


def region_page(request: HttpRequest, region: Region, *, status: int = 200,
                extra_context: dict | None = None) -> HttpResponse:
    """The region's staff: its contacts (invited and ended here), then the staff of its offices and venues
    (managed on each unit's page), each person with their last sign-in and second factor."""
    office_staff, venue_staff = selectors.region_unit_staff(region=region)
    office_staff, venue_staff = list(office_staff), list(venue_staff)
    back = reverse("access:region", args=[region.pk])
    can_deactivate = deactivatable(request.user, [m.user for m in (*office_staff, *venue_staff)])
    return render(request, "access/staff_region.html", {
        **staff_context(request, region, invite_form=(extra_context or {}).get(INVITE_FORM_KEY)),  # its contacts
        "region": region,
        "office_rows": _rows(office_staff, back=back, can_deactivate=can_deactivate, unit="office"),
        "venue_rows": _rows(venue_staff, back=back, can_deactivate=can_deactivate, unit="venue"),
    }, status=status)


def national_page(request: HttpRequest, target: None = None, *, status: int = 200,
                  extra_context: dict | None = None) -> HttpResponse:
    """The national team (coordinators), with their last sign-in and second factor."""
    return render(request, "access/staff_national.html",
                  staff_context(request, None, invite_form=(extra_context or {}).get(INVITE_FORM_KEY)), status=status)


@dataclass(frozen=True)
class StaffPages:
    """Where the staff of one kind of unit is managed: the unit's page (owned by its app) and our two URLs."""

    page: str  # URL name of the unit's page, where every POST returns
    render_page: Callable[..., HttpResponse]  # (request, unit, *, status, extra_context): the page again
    invite: str  # URL names of staff_invite and staff_end for this kind
    end: str
    ended: Promise  # the message after staff_end, %(name)s the person's username
    role: str  # the role an invitation from this page grants (access.models.Invitation.Role)
    title: Promise  # the heading of the staff section
    invite_title: Promise  # and of its invite form


# The office's and the venue's page belong to their apps (the staff_section tag draws the section there); the
# region's staff and the national team are pages of their own, below.
STAFF_PAGES: dict[str, StaffPages] = {
    "office": StaffPages(
        page="distributors:office", render_page=office_page, invite="distributors:office_invite",
        end="distributors:membership_end", ended=_("%(name)s no longer has access to this office."),
        role=Invitation.Role.OFFICE, title=_("Staff"), invite_title=_("Invite staff"),
    ),
    "venue": StaffPages(
        page="venues:venue", render_page=venue_page, invite="venues:venue_invite",
        end="venues:membership_end", ended=_("%(name)s no longer has access to this venue."),
        role=Invitation.Role.VENUE, title=_("Staff"), invite_title=_("Invite staff"),
    ),
    "region": StaffPages(
        page="access:region", render_page=region_page, invite="access:region_invite",
        end="access:region_end", ended=_("%(name)s is no longer a contact of this region."),
        role=Invitation.Role.CONTACT, title=_("Regional contacts"), invite_title=_("Invite a regional contact"),
    ),
    "national": StaffPages(
        page="access:national", render_page=national_page, invite="access:national_invite",
        end="access:national_end", ended=_("%(name)s is no longer a national coordinator."),
        role=Invitation.Role.COORDINATOR, title=_("National coordinators"),
        invite_title=_("Invite a national coordinator"),
    ),
}

# The page's context key that carries a refused invite form to the staff section (``staff_section`` tag).
INVITE_FORM_KEY = "staff_invite_form"


def _unit_args(target) -> list[int]:
    return [] if target is None else [target.pk]


def _rows(memberships, *, back: str, can_deactivate: set[int], end_url_name: str | None = None,
          unit_args: list[int] | None = None, unit: str | None = None) -> list[SimpleNamespace]:
    """One row per membership for ``access/_staff_table.html``: the person, the unit (``unit`` names the field to
    show), the end-access address and the deactivate address when the viewer may use them."""
    rows = []
    for membership in memberships:
        person = membership.user
        rows.append(SimpleNamespace(
            membership=membership, user=person, mfa_on=membership.mfa_on,
            unit=getattr(membership, unit) if unit else None,
            end_url=reverse(end_url_name, args=[*(unit_args or []), membership.pk]) if end_url_name else None,
            deactivate_url=(f"{reverse('access:deactivate', args=[person.pk])}?{urlencode({'next': back})}"
                            if person.pk in can_deactivate else None),
        ))
    return rows


def staff_context(request: HttpRequest, target, *, invite_form: InvitationForm | None = None) -> dict:
    """The context of ``access/_staff.html`` for ``target`` (an office, a venue, a region or None, the national
    team): who works there and, for those who may, the end-access and deactivate buttons, the last sign-ins and
    second factors, the waiting invitations and the invite form. A bounded number of queries however many
    people work there."""
    user = request.user
    kind = selectors.staff_kind(target)
    pages = STAFF_PAGES[kind]
    args = _unit_args(target)
    can_manage = may_manage_staff(user, target)
    can_invite = may_invite(user, role=pages.role, target=target)
    can_see = may_see_staff(user, target)
    staff = list(selectors.staff_list(target=target))
    back = reverse(pages.page, args=args)
    return {
        "target": target,
        "kind": kind,
        "title": pages.title,
        "invite_title": pages.invite_title,
        "section_id": "staff-title" if kind in ("office", "venue") else f"{kind}-staff-title",
        "staff": staff,
        "rows": _rows(staff, back=back, can_deactivate=deactivatable(user, [m.user for m in staff]) if can_see
                      else set(), end_url_name=pages.end if can_manage else None, unit_args=args),
        "can_manage": can_manage,
        "can_invite": can_invite,
        "show_sign_in": can_see,
        "invitations": list(selectors.invitation_pending_list(user=user, target=target)) if can_invite else [],
        "invite_form": invite_form or InvitationForm(),
        "invite_url": reverse(pages.invite, args=args),
    }


def _target(request: HttpRequest, kind: str, pk: int | None):
    """The unit of a staff URL: 404 outside the user's scope; the national team (None) for coordinators only."""
    if kind == "national":
        if not scope_for(request.user).national:
            raise PermissionDenied
        return None
    try:
        return selectors.staff_target_get(user=request.user, kind=kind, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _invitation_kwargs(kind: str, target) -> dict:
    return {"role": Invitation.Role.COORDINATOR} if kind == "national" else {
        {"office": "office", "venue": "venue", "region": "region"}[kind]: target}


@login_required
@require_POST
def staff_invite(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Invite a person by e-mail into the office, venue or region ``pk`` or the national team; a refusal shows
    on the page's e-mail field."""
    pages = STAFF_PAGES[kind]
    target = _target(request, kind, pk)
    if not may_invite(request.user, role=pages.role, target=target):
        raise PermissionDenied
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(user=request.user, email=form.cleaned_data["email"],
                                           **_invitation_kwargs(kind, target))
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect(reverse(pages.page, args=_unit_args(target)))
    return pages.render_page(request, target, status=400, extra_context={INVITE_FORM_KEY: form})


@login_required
@require_POST
def staff_end(request: HttpRequest, kind: str, membership_pk: int, pk: int | None = None) -> HttpResponse:
    """End a person's access to the office, venue or region ``pk`` or the national team (from yesterday); 404 for
    an ended membership."""
    pages = STAFF_PAGES[kind]
    target = _target(request, kind, pk)
    membership = get_object_or_404(selectors.staff_list(target=target), pk=membership_pk)
    try:
        membership_end(user=request.user, membership=membership)
    except DomainError as exc:
        raise PermissionDenied from exc
    messages.success(request, pages.ended % {"name": membership.user.get_username()})
    return redirect(reverse(pages.page, args=_unit_args(target)))


@login_required
@require_GET
def staff_index(request: HttpRequest) -> HttpResponse:
    """Where the staff lists are: the national team (coordinator) and the regions the user manages."""
    scope = scope_for(request.user)
    if not (scope.national or scope.is_regional):
        raise PermissionDenied
    return render(request, "access/staff_index.html", {
        "national": scope.national, "regions": list(selectors.staff_regions(user=request.user)),
    })


@login_required
@require_GET
def region_staff(request: HttpRequest, pk: int) -> HttpResponse:
    region = _target(request, "region", pk)
    if not may_see_staff(request.user, region):
        raise PermissionDenied
    return region_page(request, region)


@login_required
@require_GET
def national_staff(request: HttpRequest) -> HttpResponse:
    return national_page(request, _target(request, "national", None))


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate a person's account after a confirmation: every membership ends, every session and the API token
    go at once. 404 for an account the user may not deactivate (outside their scope, or their own)."""
    person = get_object_or_404(get_user_model(), pk=pk)
    if not may_deactivate(request.user, person):
        raise Http404
    back = _safe_next(request, reverse("access:staff"))
    if request.method == "POST":
        was_active = person.is_active
        account_deactivate(user=request.user, person=person)
        if was_active:
            messages.success(request, _("The account of %(name)s was deactivated: their access ended, they were "
                                        "signed out everywhere and their API token no longer works.")
                             % {"name": person.get_username()})
        return redirect(back)
    return render(request, "access/account_deactivate.html", {
        "person": person, "back": back,
        "memberships": selectors.memberships_in_force(person=person),
        "has_token": Token.objects.filter(user=person).exists(),
    })


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
