"""Region pages: the coordinator opens and changes networks (period, municipalities, local-only, default validity)
and the national settings; a regional contact reads their own region and keeps its two public contact persons.

The region's page also lists its offices and venues: their template tags (``distributors_tags``,
``venues_tags``) render them, so this app imports neither (it is the lower layer). The rules are in
regions.services; every change lands in the audit log (auditlog, registered in regions.apps).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError

from . import selectors, services
from .forms import CloseForm, ContactPersonForm, NationalSettingsForm, RegionForm, RegionPublicTextsForm
from .models import Region
from .permissions import manages_region, may_manage_regions, may_see_regions

# The region's staff (its contacts, office and venue staff; inviting, ending, deactivating) is the access app's page,
# /staff/regions/<pk>/; linked here by its name once it is routed.
STAFF_URL_NAME = "access:region"


def _staff_url(region: Region) -> str:
    try:
        return reverse(STAFF_URL_NAME, args=[region.pk])
    except NoReverseMatch:
        return ""


def _require_regions_page(user) -> None:
    if not may_see_regions(user):
        raise PermissionDenied


def _refusal_to_form(form, exc: DomainError) -> None:
    if exc.code == "not_allowed":
        raise PermissionDenied from exc
    form.add_error(form.ERROR_FIELDS.get(exc.code), str(exc.message))


@login_required
@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    _require_regions_page(request.user)
    return render(request, "regions/region_list.html", {
        "regions": selectors.region_list(user=request.user), "can_manage": may_manage_regions(request.user),
    })


@login_required
@require_GET
def region_detail(request: HttpRequest, pk: int) -> HttpResponse:
    region = selectors.region_get(user=request.user, pk=pk)
    return render(request, "regions/region_detail.html", {
        "region": region, "contact_persons": selectors.contact_persons_by_side(region),
        "can_edit": may_manage_regions(request.user), "staff_url": _staff_url(region),
    })


def _region_form_view(request: HttpRequest, region: Region | None) -> HttpResponse:
    if not may_manage_regions(request.user):
        raise PermissionDenied
    form = RegionForm(request.POST or None, region=region)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if region is None:
                    saved = services.region_create(user=request.user, **form.service_kwargs())
                else:
                    saved = services.region_update(user=request.user, region=region, **form.service_kwargs())
            except DomainError as exc:
                _refusal_to_form(form, exc)
            else:
                messages.success(request, _("Saved the region %(name)s.") % {"name": saved.name})
                return redirect("regions:region", saved.pk)
    return render(request, "regions/region_form.html", {"form": form, "region": region}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def region_create(request: HttpRequest) -> HttpResponse:
    return _region_form_view(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _region_form_view(request, selectors.region_get(user=request.user, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def region_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """The region's two public contact persons (culture side, social and health side), on one page."""
    region = selectors.region_get(user=request.user, pk=pk)
    if not manages_region(request.user, region.pk):
        raise PermissionDenied
    people = selectors.contact_persons_by_side(region)
    data = request.POST or None
    forms = [ContactPersonForm(data, side=side, person=person) for side, person in people.items()]
    status = 200
    if request.method == "POST":
        status = 400
        if all(form.is_valid() for form in forms):  # both sides are saved, or neither
            current = forms[0]
            try:
                with transaction.atomic():
                    for current in forms:  # noqa: B007 (the refused side, below)
                        services.region_contact_person_set(user=request.user, region=region, side=current.side,
                                                           **current.cleaned_data)
            except DomainError as exc:
                _refusal_to_form(current, exc)
            else:
                messages.success(request, _("Saved the contact persons of %(name)s.") % {"name": region.name})
                return redirect("regions:region", region.pk)
    return render(request, "regions/region_contacts.html", {"region": region, "forms": forms}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def region_public_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """The region page's public text and the region's Swedish and English names, in three languages: the region's
    contacts (their own region) and the coordinator (any region); others 404 (not in their scope) or 403."""
    region = selectors.region_get(user=request.user, pk=pk)
    if not manages_region(request.user, region.pk):
        raise PermissionDenied
    form = RegionPublicTextsForm(request.POST or None, region=region)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.region_public_texts_update(user=request.user, region=region, texts=form.cleaned_data)
            except DomainError as exc:
                if exc.code == "not_allowed":
                    raise PermissionDenied from exc
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Saved the public texts of %(name)s.") % {"name": region.name})
                return redirect("regions:region", region.pk)
    return render(request, "regions/region_public_texts.html", {"region": region, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def national_settings(request: HttpRequest) -> HttpResponse:
    if not may_manage_regions(request.user):
        raise PermissionDenied
    current = selectors.national_settings()
    initial = {name: getattr(current, name) for name in services.SETTING_BOUNDS}
    form = NationalSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.national_settings_update(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                if exc.code == "not_allowed":
                    raise PermissionDenied from exc
                form.add_error(exc.params.get("field") or ("group_min" if exc.code == "group_range_invalid" else None),
                               str(exc.message))
            else:
                messages.success(request, _("Saved the national settings. Counters use them within seconds."))
                return redirect("regions:settings")
    return render(request, "regions/national_settings.html", {"form": form}, status=status)


def close_view(request: HttpRequest, obj, *, close, done: str, template: str, context_name: str) -> HttpResponse:
    """R9 for an office or a venue: the page that sets its last day through ``close`` (the owning app's service,
    called as ``close(user=, <context_name>=, last_day=, today=)``), then goes back to ``done``."""
    today = timezone.localdate()
    form = CloseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                closed = close(user=request.user, last_day=form.last_day_value(today), today=today,
                               **{context_name: obj})
            except DomainError as exc:
                if exc.code == "not_allowed":
                    raise PermissionDenied from exc
                form.add_error(form.ERROR_FIELDS.get(exc.code), str(exc.message))
            else:
                messages.success(request, _("%(name)s is active until %(day)s.") % {
                    "name": closed.name, "day": formats.date_format(closed.active_until, "j.n.Y")})
                return redirect(done, closed.pk)
    return render(request, template, {"form": form, context_name: obj}, status=status)
