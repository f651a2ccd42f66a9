"""Venue staff pages: the counter (check a card, log a use), today's log, offers and the venue's uses.

Every page works with plain form posts; static/js/counter.js enhances the counter so that a check
and a log are fetches answered with data-only JSON (``Accept: application/json``) that the script
fills into the ``<template>`` elements the page carries, without a page reload. The rules are in
cards.services and venues.services.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError

from . import selectors, services
from .forms import OfferForm
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


