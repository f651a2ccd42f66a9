"""The box office's bookings (issue 16): performances ahead, booking by phone, the door list (Enter on a row checks
the booking in, as a use) and the no-show statistics. The rules are in bookings.services."""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cards import numbers
from core.errors import DomainError
from core.scopes import scope_for
from venues import selectors as venue_selectors
from venues.views import current_venue

from . import selectors, services
from .forms import BookingForm, PerformanceForm
from .models import Booking


def _performance_or_404(request: HttpRequest, pk: int):
    performance = selectors.staff_performance(request.user, pk)
    if performance is None:
        raise Http404
    return performance


@login_required
@require_http_methods(["GET", "POST"])
def performances(request: HttpRequest) -> HttpResponse:
    """The venue's performances from today on, and a form to add one."""
    venue = current_venue(request)
    offers = venue_selectors.offers_for_venue(request.user, venue)
    form = PerformanceForm(request.POST or None, offers=offers.filter(ends_on__gte=timezone.localdate()))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.performance_create(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                if exc.code == "not_allowed":
                    raise PermissionDenied from exc
                form.add_error(PerformanceForm.ERROR_FIELDS.get(exc.code), str(exc.message))
            else:
                messages.success(request, _("Added the performance."))
                return redirect("venues:performances")
    return render(request, "bookings/performance_list.html", {
        "venue": venue, "form": form, "today": timezone.localdate(),
        "performances": selectors.staff_performances(request.user, venue),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, pk: int) -> HttpResponse:
    """Book by phone or at the box office: card number, children and a note."""
    performance = _performance_or_404(request, pk)
    form = BookingForm(request.POST or None)
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking, _created = services.booking_create(
                    user=request.user, performance=performance, number=data["number"], children=data["children"],
                    group_size=data["group_size"], note=data["note"], idempotency_key=key,
                )
            except DomainError as exc:
                if exc.code == "not_allowed":
                    raise PermissionDenied from exc
                form.add_error(BookingForm.ERROR_FIELDS.get(exc.code), str(exc.message))
            else:
                messages.success(request, _("Booked %(places)s places for %(number)s.") % {
                    "places": booking.places, "number": numbers.mask(booking.card.number)})
                return redirect("venues:door_list", pk=performance.pk)
    return render(request, "bookings/booking_form.html",
                  {"performance": performance, "form": form, "idempotency_key": key}, status=status)


@login_required
@require_GET
def door_list(request: HttpRequest, pk: int) -> HttpResponse:
    performance = _performance_or_404(request, pk)
    bookings = selectors.door_list(performance)
    rows = [{"booking": b, "masked": numbers.mask(b.card.number)} for b in bookings]
    return render(request, "bookings/door_list.html", {
        "performance": performance, "rows": rows, "today": timezone.localdate(),
        "open_count": sum(1 for b in bookings if b.status == Booking.Status.BOOKED),
        "checked_in_count": sum(1 for b in bookings if b.status == Booking.Status.CHECKED_IN),
    })


def _booking_or_404(request: HttpRequest, pk: int) -> Booking:
    booking = selectors.staff_booking(request.user, pk)
    if booking is None:
        raise Http404
    return booking


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_or_404(request, pk)
    masked = numbers.mask(booking.card.number)
    try:
        services.booking_check_in(user=request.user, booking=booking)
    except DomainError as exc:
        messages.error(request, _("%(number)s was not checked in: %(reason)s") % {
            "number": masked, "reason": exc.message})
    else:
        messages.success(request, _("%(number)s checked in.") % {"number": masked})
    return redirect("venues:door_list", pk=booking.performance_id)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking_or_404(request, pk)
    try:
        services.booking_cancel(user=request.user, booking=booking)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Cancelled the booking of %(number)s.") % {
            "number": numbers.mask(booking.card.number)})
    return redirect("venues:door_list", pk=booking.performance_id)


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """No-shows per venue over the last 90 days: venue staff see their venues, regional contacts their region's."""
    scope = scope_for(request.user)
    if not (scope.venue_ids or scope.region_ids or scope.national):
        raise PermissionDenied
    today = timezone.localdate()
    since = today - datetime.timedelta(days=90)
    return render(request, "bookings/statistics.html", {
        "rows": selectors.no_show_statistics(request.user, since=since, today=today), "since": since,
        "today": today,
    })
