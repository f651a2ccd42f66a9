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

from . import selectors, services
from .forms import OfferForm, VenueFilterForm
from .models import Offer, Venue

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
        initial = {"title": offer.title, "kind": offer.kind, "starts_on": offer.starts_on, "ends_on": offer.ends_on,
                   "quota": offer.quota}
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
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.venue_list(user=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "venues/venue_list.html", {
        "form": form, "page": page, "venues": page.object_list, "query": query.urlencode(),
    })


def venue_page(request: HttpRequest, venue: Venue, *, status: int = 200,
               extra_context: dict | None = None) -> HttpResponse:
    """The venue's page. A higher app that acts on the venue renders it again with what it adds
    (``extra_context``: access's refused invite form, with status 400)."""
    return render(request, "venues/venue_detail.html", {"venue": venue, **(extra_context or {})}, status=status)


@login_required
@require_GET
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return venue_page(request, _venue(request.user, pk))
