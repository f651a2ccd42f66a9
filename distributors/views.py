"""Offices for regional contacts and coordinators: the list and an office's page. Its community cards and its
staff (who works here, pending invitations, the invite form) are rendered by the template tags of the cards and
access apps, which also serve the pages that act on them, so this app imports neither."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from regions.models import Region
from regions.permissions import may_see_regions
from regions.selectors import managed_regions
from regions.views import close_view

from . import selectors, services
from .forms import OfficeFilterForm, OfficeForm
from .models import Office
from .permissions import may_manage_office

PAGE_SIZE = 50


def _office(user, pk: int) -> Office:
    try:
        return selectors.office_get(user=user, pk=pk)
    except Office.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def office_list(request: HttpRequest) -> HttpResponse:
    form = OfficeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    offices = selectors.office_list(user=request.user, q=filters.get("q") or "", region_id=filters.get("region"))
    page = Paginator(offices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "distributors/office_list.html", {
        "form": form, "page": page, "offices": page.object_list, "query": query.urlencode(),
        "can_add": may_see_regions(request.user),
        "region": managed_regions(request.user).filter(pk=filters["region"]).first() if filters.get("region") else None,
    })


def office_page(request: HttpRequest, office: Office, *, status: int = 200,
                extra_context: dict | None = None) -> HttpResponse:
    """The office's page. A higher app that acts on the office renders it again with what it adds
    (``extra_context``: access's refused invite form, with status 400)."""
    return render(request, "distributors/office_detail.html", {
        "office": office, "can_manage": may_manage_office(request.user, office), "today": timezone.localdate(),
        **(extra_context or {}),
    }, status=status)


@login_required
@require_GET
def office_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return office_page(request, _office(request.user, pk))


# --- creating, changing and closing offices (regional contacts and the coordinator) --------------------------


def _managed_office(request: HttpRequest, pk: int) -> Office:
    """An office the user may change: outside their scope 404, in it without the right (its own staff) 403."""
    office = _office(request.user, pk)
    if not may_manage_office(request.user, office):
        raise PermissionDenied
    return office


def _office_form_view(request: HttpRequest, *, region: Region, office: Office | None) -> HttpResponse:
    form = OfficeForm(request.POST or None, region=region, office=office)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if office is None:
                    saved = services.office_create(user=request.user, region=region, **form.cleaned_data)
                else:
                    saved = services.office_update(user=request.user, office=office, **form.cleaned_data)
            except DomainError as exc:
                if exc.code == "not_allowed":
                    raise PermissionDenied from exc
                form.add_error(form.error_field(exc.code), str(exc.message))
            else:
                messages.success(request, _("Saved the office %(name)s.") % {"name": saved.name})
                return redirect("distributors:office", saved.pk)
    return render(request, "distributors/office_form.html", {
        "form": form, "office": office, "region": region, "organisation_names": selectors.organisation_names(),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def office_create(request: HttpRequest) -> HttpResponse:
    """A new office of a region the user manages (``?region=``); with several regions and none chosen, the choice."""
    if not may_see_regions(request.user):
        raise PermissionDenied
    regions = managed_regions(request.user).order_by("name", "pk")
    chosen = request.GET.get("region", "")
    region = regions.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if region is None and chosen:
        raise Http404
    if region is None:
        only = list(regions[:2])
        if len(only) != 1:
            return render(request, "distributors/office_region_choice.html", {"regions": regions})
        region = only[0]
    return _office_form_view(request, region=region, office=None)


@login_required
@require_http_methods(["GET", "POST"])
def office_edit(request: HttpRequest, pk: int) -> HttpResponse:
    office = _managed_office(request, pk)
    return _office_form_view(request, region=office.region, office=office)


@login_required
@require_http_methods(["GET", "POST"])
def office_close(request: HttpRequest, pk: int) -> HttpResponse:
    """R9: the office's last day; from the next day its staff are refused with ``office_inactive``."""
    office = _managed_office(request, pk)
    return close_view(request, office, close=services.office_close, done="distributors:office",
                      template="distributors/office_close.html", context_name="office")
