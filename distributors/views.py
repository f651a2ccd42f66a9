"""Offices for regional contacts and coordinators: the list, an office's page with its staff, pending
invitations and community cards (rendered by the cards app's template tag), the invite form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from access import services as invitations
from core.errors import DomainError

from . import selectors
from .forms import InviteStaffForm, OfficeFilterForm
from .models import Office, OfficeMembership

PAGE_SIZE = 50


def _office(user, pk: int) -> Office:
    try:
        return selectors.office_get(user=user, pk=pk)
    except Office.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def office_list(request):
    form = OfficeFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.office_list(user=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "distributors/office_list.html", {
        "form": form, "page": page, "offices": page.object_list, "query": query.urlencode(),
    })


def _office_page(request, office: Office, invite_form=None, status=200):
    return render(request, "distributors/office_detail.html", {
        "office": office,
        "staff": selectors.office_staff(office),
        "invitations": selectors.office_pending_invitations(user=request.user, office=office),
        "can_manage": selectors.can_manage(request.user, office),
        "invite_form": invite_form or InviteStaffForm(),
    }, status=status)


@login_required
@require_GET
def office_detail(request, pk: int):
    return _office_page(request, _office(request.user, pk))


@login_required
@require_POST
def office_invite(request, pk: int):
    office = _office(request.user, pk)
    if not selectors.can_manage(request.user, office):
        raise PermissionDenied
    form = InviteStaffForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitations.invitation_create(user=request.user, email=form.cleaned_data["email"],
                                                       office=office)
        except DomainError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("distributors:office", pk=office.pk)
    return _office_page(request, office, invite_form=form, status=400)


@login_required
@require_POST
def membership_end(request, pk: int, membership_pk: int):
    office = _office(request.user, pk)
    membership = get_object_or_404(OfficeMembership.objects.select_related("user", "office"), pk=membership_pk,
                                   office=office, ended_on__isnull=True)
    try:
        invitations.membership_end(user=request.user, membership=membership)
    except DomainError as exc:
        raise PermissionDenied from exc
    messages.success(request, _("%(name)s no longer has access to this office.") % {
        "name": membership.user.get_username(),
    })
    return redirect("distributors:office", pk=office.pk)
