"""Venue pages: the offers of the venue a staff member works at, and the venue network (list and a venue's
page) for regional contacts and the coordinator. The box office itself (check, log, today's log, the venue's
uses) is in the counter app; the rules are in venues.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from regions.models import Region
from regions.permissions import may_manage_regions, may_see_regions
from regions.selectors import managed_regions
from regions.views import close_view

from . import selectors, services
from .forms import OfferForm, VenueFilterForm, VenueForm, VenuePublicTextsForm
from .models import Offer, Venue
from .permissions import may_act_for_venue, may_manage_venue

SESSION_VENUE = "counter_venue_id"
PAGE_SIZE = 50

# The field a log refusal is about, so the page can put the focus (and the message) there.


# --- helpers -------------------------------------------------------------------------------------


def current_venue(request: HttpRequest) -> Venue:
    """The venue whose counter this user works at; with several, the one chosen for this session."""
    venues = list(selectors.staff_venues(request.user))
    if not venues:
        raise PermissionDenied
    chosen = request.session.get(SESSION_VENUE)
    venue = next((v for v in venues if v.pk == chosen), venues[0])
    venue.staff_venues = venues
    return venue


# --- the counter ---------------------------------------------------------------------------------


# --- offers --------------------------------------------------------------------------------------


@login_required
@require_GET
def offers(request: HttpRequest) -> HttpResponse:
    venue = current_venue(request)
    return render(request, "venues/offer_list.html", {
        "venue": venue, "offers": selectors.offers_for_venue(request.user, venue), "today": timezone.localdate(),
    })


def _offer_form_view(request: HttpRequest, venue: Venue, offer: Offer | None) -> HttpResponse:
    initial = {}
    if offer is not None:
        initial = {"title": offer.title_fi or offer.title, "title_sv": offer.title_sv or "",
                   "title_en": offer.title_en or "", "kind": offer.kind, "starts_on": offer.starts_on,
                   "ends_on": offer.ends_on, "quota": offer.quota}
    form = OfferForm(request.POST or None, venue=venue, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if offer is None:
                    saved = services.offer_create(user=request.user, venue=venue, **form.cleaned_data)
                else:
                    saved = services.offer_update(user=request.user, offer=offer, **form.cleaned_data)
            except DomainError as exc:
                if exc.code == "not_allowed":
                    raise PermissionDenied from exc
                form.add_error(OfferForm.ERROR_FIELDS.get(exc.code), str(exc.message))
            else:
                messages.success(request, _("Saved the offer “%(title)s”.") % {"title": saved.title})
                return redirect("venues:offers")
    return render(request, "venues/offer_form.html", {"venue": venue, "form": form, "offer": offer}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    return _offer_form_view(request, current_venue(request), None)


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    venue = current_venue(request)
    offer = get_object_or_404(selectors.offers_for_venue(request.user, venue), pk=pk)
    return _offer_form_view(request, venue, offer)


# --- the venue's public information (issue 13, point 4) --------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def venue_public_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """The venue's own staff write its public texts in Finnish, Swedish and English; anyone else 404."""
    venue = Venue.objects.filter(pk=pk).first()
    if venue is None or not may_act_for_venue(request.user, venue):
        raise Http404
    form = VenuePublicTextsForm(request.POST or None, venue=venue)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.venue_public_texts_update(user=request.user, venue=venue, texts=form.cleaned_data)
            except DomainError as exc:
                if exc.code == "not_allowed":
                    raise Http404 from exc
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Saved the public information of %(name)s.") % {"name": venue.name})
                return redirect("venues:venue_public_texts", venue.pk)
    return render(request, "venues/venue_public_texts.html", {"venue": venue, "form": form}, status=status)


# --- the venue's uses ----------------------------------------------------------------------------


# --- the venue network, for regional contacts and the coordinator -------------------------------
# The venue list and a venue's page. Its staff (who works here, pending invitations, the invite form, ending a
# person's access) is rendered and served by the access app (the ``staff_section`` template tag and access.views),
# the same as on an office's page. Venue staff reach only their own venue's page (read-only); else 404.


def _venue(user, pk: int) -> Venue:
    try:
        return selectors.venue_get(user=user, pk=pk)
    except Venue.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def venue_list(request: HttpRequest) -> HttpResponse:
    form = VenueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    venues = selectors.venue_list(user=request.user, q=filters.get("q") or "", region_id=filters.get("region"),
                                  category=filters.get("category") or "")
    page = Paginator(venues, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "venues/venue_list.html", {
        "form": form, "page": page, "venues": page.object_list, "query": query.urlencode(),
        "can_add": may_see_regions(request.user), "can_add_popup": may_manage_regions(request.user),
        "region": managed_regions(request.user).filter(pk=filters["region"]).first() if filters.get("region") else None,
    })


def venue_page(request: HttpRequest, venue: Venue, *, status: int = 200,
               extra_context: dict | None = None) -> HttpResponse:
    """The venue's page. A higher app that acts on the venue renders it again with what it adds
    (``extra_context``: access's refused invite form, with status 400)."""
    return render(request, "venues/venue_detail.html", {
        "venue": venue, "can_manage": may_manage_venue(request.user, venue), "today": timezone.localdate(),
        **(extra_context or {}),
    }, status=status)


@login_required
@require_GET
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return venue_page(request, _venue(request.user, pk))


# --- creating, changing and closing venues (regional contacts; the coordinator and the pop-up venues) ------------


def _managed_venue(request: HttpRequest, pk: int) -> Venue:
    """A venue the user may change: outside their scope 404, in it without the right (its own staff) 403."""
    venue = _venue(request.user, pk)
    if not may_manage_venue(request.user, venue):
        raise PermissionDenied
    return venue


def _venue_form_view(request: HttpRequest, *, region: Region | None, venue: Venue | None) -> HttpResponse:
    form = VenueForm(request.POST or None, region=region, venue=venue)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if venue is None:
                    saved = services.venue_create(user=request.user, region=region, **form.cleaned_data)
                else:
                    saved = services.venue_update(user=request.user, venue=venue, **form.cleaned_data)
            except DomainError as exc:
                if exc.code == "not_allowed":
                    raise PermissionDenied from exc
                form.add_error(form.error_field(exc.code), str(exc.message))
            else:
                messages.success(request, _("Saved the venue %(name)s.") % {"name": saved.name})
                return redirect("venues:venue", saved.pk)
    return render(request, "venues/venue_form.html", {
        "form": form, "venue": venue, "region": region, "popup": region is None,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def venue_create(request: HttpRequest) -> HttpResponse:
    """A new venue of a region the user manages (``?region=``); with several regions and none chosen, the choice."""
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
            return render(request, "venues/venue_region_choice.html", {"regions": regions})
        region = only[0]
    return _venue_form_view(request, region=region, venue=None)


@login_required
@require_http_methods(["GET", "POST"])
def popup_create(request: HttpRequest) -> HttpResponse:
    """The coordinator opens a pop-up venue: no region, a campaign period (R8, R9)."""
    if not may_manage_regions(request.user):
        raise PermissionDenied
    return _venue_form_view(request, region=None, venue=None)


@login_required
@require_http_methods(["GET", "POST"])
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _managed_venue(request, pk)
    return _venue_form_view(request, region=venue.region, venue=venue)


@login_required
@require_http_methods(["GET", "POST"])
def venue_close(request: HttpRequest, pk: int) -> HttpResponse:
    """R9: the venue's last day; from the next day its counter refuses every card with ``venue_inactive``."""
    venue = _managed_venue(request, pk)
    return close_view(request, venue, close=services.venue_close, done="venues:venue",
                      template="venues/venue_close.html", context_name="venue")


@login_required
@require_GET
def categories(request: HttpRequest) -> HttpResponse:
    """The venue categories and the statistics group each counts in (DESIGN §7), with the venues of each."""
    if not may_see_regions(request.user):
        raise PermissionDenied
    return render(request, "venues/category_list.html", {
        "categories": selectors.category_list(user=request.user, today=timezone.localdate()),
    })
