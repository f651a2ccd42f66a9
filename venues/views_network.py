"""Venues for regional contacts and the coordinator: the list, a venue's page with its staff, pending
invitations and the invite form, ending a person's access. The office pages (distributors.views) are
the twin; both call the same services in access.services and render the same staff section.

Venue staff reach only their own venue's page (read-only); everything else answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from access import services as invitations
from access.views import InvitationForm
from core.errors import DomainError

from . import selectors
from .forms import VenueFilterForm
from .models import Venue, VenueMembership

PAGE_SIZE = 50


def _venue(user, pk: int) -> Venue:
    try:
        return selectors.venue_get(user=user, pk=pk)
    except Venue.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def venue_list(request: HttpRequest) -> HttpResponse:
    form = VenueFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.venue_list(user=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "venues/venue_list.html", {
        "form": form, "page": page, "venues": page.object_list, "query": query.urlencode(),
    })


def _venue_page(request: HttpRequest, venue: Venue, invite_form=None, status: int = 200) -> HttpResponse:
    return render(request, "venues/venue_detail.html", {
        "venue": venue,
        "staff": selectors.venue_staff(venue),
        "invitations": selectors.venue_pending_invitations(user=request.user, venue=venue),
        "can_manage": selectors.can_manage(request.user, venue),
        "invite_form": invite_form or InvitationForm(),
    }, status=status)


@login_required
@require_GET
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _venue_page(request, _venue(request.user, pk))


@login_required
@require_POST
def venue_invite(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue(request.user, pk)
    if not selectors.can_manage(request.user, venue):
        raise PermissionDenied
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitations.invitation_create(user=request.user, email=form.cleaned_data["email"],
                                                       venue=venue)
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("venues:venue", pk=venue.pk)
    return _venue_page(request, venue, invite_form=form, status=400)


@login_required
@require_POST
def venue_membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    venue = _venue(request.user, pk)
    membership = get_object_or_404(VenueMembership.objects.select_related("user", "venue"), pk=membership_pk,
                                   venue=venue, ended_on__isnull=True)
    try:
        invitations.membership_end(user=request.user, membership=membership)
    except DomainError as exc:
        raise PermissionDenied from exc
    messages.success(request, _("%(name)s no longer has access to this venue.") % {
        "name": membership.user.get_username(),
    })
    return redirect("venues:venue", pk=venue.pk)
