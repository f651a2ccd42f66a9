"""The box office: the counter (check a card, log a use), today's log, late entries and the venue's uses.

Every page works with plain form posts; static/js/counter.js enhances the counter so that a check
and a log are fetches answered with data-only JSON (``Accept: application/json``) that the script
fills into the ``<template>`` elements the page carries, without a page reload. The rules are in
cards.services and venues.services.
"""

import datetime
import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from cards import holder, numbers
from cards.models import Card, Use
from cards.selectors import repeat_uses
from cards.services import CheckResult, card_check, use_cancel, use_log
from core.errors import MESSAGES, DomainError
from core.exports import BOM, CsvWriter, record_export
from core.scopes import scope_for
from venues import selectors as venue_selectors
from venues.models import Offer, StatGroup, Venue
from venues.permissions import may_act_for_venue
from venues.views import PAGE_SIZE, SESSION_VENUE, current_venue

from . import selectors
from .forms import CancelForm, CheckForm, LateEntryForm, LogForm, UsesFilterForm, offer_label

logger = logging.getLogger("kaikukanta.counter")


SESSION_OFFER = "counter_offer"  # {"venue": pk, "offer": pk or 0 for "no specific offer"}: today's choice

LATE_PREFIX = "late"  # the late-entry form shares the page (and field names) with the check and log forms


REFUSAL_FIELDS = {
    "too_many_children": "children",
    "children_not_allowed_for_courses": "children",
    "children_invalid": "children",
    "group_size_invalid": "group_size",
    "courses_need_personal_card": "kind",
    "course_not_offered": "kind",
    "offer_mismatch": "offer",
    "quota_exhausted": "offer",
    "used_on_in_future": "used_on",
    "late_entry_window_passed": "used_on",
}


# What the staff member can tell the client, one sentence per refusal (issue 11).
ADVICE = {
    "card_number_invalid": _lazy("Check the number on the card and type it again."),
    "card_not_found": _lazy("Ask the client to contact the office that gave the card."),
    "card_expired": _lazy("The card can be renewed at any distributing office of the region."),
    "card_inactive": _lazy("The holder has a newer card; ask for it, or ask them to contact their office."),
    "card_not_valid_in_region": _lazy("This card is valid only in its own region, under a local rule."),
    "quota_exhausted": _lazy("This offer is full; the client may use another offer or another day."),
    "throttled": _lazy("Wait a moment, then check the number again."),
}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _message(code: str) -> str:
    return str(MESSAGES.get(code, code))


def _counter_venue(request: HttpRequest) -> Venue:
    """The same venue as ``current_venue`` with one primary-key read: a check or a log at a busy
    counter does not list the user's venues (the full page, which offers the switch, does)."""
    venue_ids = scope_for(request.user).venue_ids
    chosen = request.session.get(SESSION_VENUE)
    if not may_act_for_venue(request.user, chosen):
        if len(venue_ids) != 1:
            return current_venue(request)  # none (refused) or several: the page's own rule picks
        chosen = next(iter(venue_ids))
    return venue_selectors.staff_venue(request.user, chosen)


def courses_first(venue: Venue) -> bool:
    """A venue whose category is for courses (an adult-education centre) logs a course place by default."""
    return venue.offers_courses and venue.stat_group == StatGroup.EDUCATION


def chosen_offer_id(request: HttpRequest, venue: Venue) -> int | None:
    """Today's offer the staff chose for this venue in this session: its id, 0 for "no specific offer",
    None when nothing has been chosen yet. Read from the session only (no query)."""
    choice = request.session.get(SESSION_OFFER)
    if not isinstance(choice, dict) or choice.get("venue") != venue.pk or choice.get("day") != str(
            timezone.localdate()):
        return None
    offer = choice.get("offer")
    return offer if isinstance(offer, int) else None


def _result_context(result: CheckResult | None, *, code: str | None = None, number: str = "") -> dict:
    """What the valid/refused panel shows."""
    if result is None:
        return {"valid": False, "code": code, "message": _message(code), "display_number": numbers.display(number),
                "kind": None, "kind_label": "", "valid_until": None, "children_allowed": 0, "region": "",
                "advice": str(ADVICE.get(code, "")), "mistyped": code == "card_number_invalid"}
    card = result.card
    return {
        "advice": str(ADVICE.get(result.code, "")) if result.code else "",
        "mistyped": result.code == "card_number_invalid",
        "valid": result.valid,
        "code": result.code,
        "message": _message(result.code) if result.code else "",
        "display_number": numbers.display(result.number),
        "kind": result.kind,
        "kind_label": card.get_kind_display() if card else "",
        "valid_until": result.valid_until,
        "children_allowed": result.children_allowed,
        "region": str(result.region) if card else "",
    }


def _log_defaults(venue: Venue, offers: list[Offer], community: bool, chosen: int | None) -> tuple[int | None, str]:
    """The offer and kind a log starts with: today's chosen offer when the card may use it, and a course
    place at a venue for courses (never for a community card)."""
    offer = next((o for o in offers if o.pk == chosen), None)
    if offer is not None:
        kind = Use.Kind.COURSE if offer.kind == Offer.Kind.COURSE else Use.Kind.TICKET
    else:
        kind = Use.Kind.COURSE if courses_first(venue) and not community else Use.Kind.TICKET
    return (offer.pk if offer else None), kind


def _log_form_for(request: HttpRequest, venue: Venue, result: CheckResult, day: datetime.date) -> LogForm:
    community = result.kind == Card.Kind.COMMUNITY
    offers = venue_selectors.counter_offers(venue, day, include_courses=not community)
    offer, kind = _log_defaults(venue, offers, community, chosen_offer_id(request, venue))
    return LogForm(venue=venue, offers=offers, community=community,
                   initial={"number": result.number, "offer": offer, "kind": kind})


def _counter_context(request: HttpRequest, venue: Venue, **extra) -> dict:
    day = timezone.localdate()
    today_offers = venue_selectors.counter_offers(venue, day)
    chosen = chosen_offer_id(request, venue)
    context = {
        "venue": venue,
        "today_offers": today_offers,
        "offer_chosen": chosen is not None,
        "chosen_offer": next((o for o in today_offers if o.pk == chosen), None),
        "courses_first": courses_first(venue),
        "check_form": CheckForm(),
        "result": None,
        "log_form": None,
        "today": day,
        "today_uses": selectors.today_uses(request.user, venue, day),
        "late_form": LateEntryForm(venue=venue, prefix=LATE_PREFIX),
        "cancel_form": None,
        "cancel_use_id": None,
        # Filled in by the counter's script after each check (offers come with the check's answer).
        "log_templates": [LogForm(venue=venue, offers=[], community=community, initial={
            "kind": Use.Kind.COURSE if courses_first(venue) and not community else Use.Kind.TICKET})
            for community in (False, True)],
    }
    context.update(extra)
    # Without JavaScript the focus lands where the next key press belongs.
    log_form = context["log_form"]
    if log_form is not None:
        if log_form.community and not log_form.repeat_lines:  # a repeat warning focuses its "Log again" button
            log_form.fields["group_size"].widget.attrs["autofocus"] = True
    elif not context.get("late_open") and context["cancel_use_id"] is None:
        context["check_form"].fields["number"].widget.attrs["autofocus"] = True
    return context


def _render_counter(request: HttpRequest, venue: Venue, status: int = 200, **extra) -> HttpResponse:
    if not hasattr(venue, "staff_venues"):
        venue = current_venue(request)
    return render(request, "counter/counter.html", _counter_context(request, venue, **extra), status=status)


def _use_summary(use: Use) -> str:
    number = selectors.mask_number(use.card.number)
    if use.kind == Use.Kind.COURSE:
        text = _("Logged a course place for %(number)s.") % {"number": number}
    elif use.children:
        text = ngettext(
            "Logged a ticket for %(number)s with %(children)s child.",
            "Logged a ticket for %(number)s with %(children)s children.",
            use.children,
        ) % {"number": number, "children": use.children}
    else:
        text = _("Logged a ticket for %(number)s.") % {"number": number}
    if use.used_on != timezone.localdate():
        text = f"{text} " + _("Date of the visit: %(date)s.") % {"date": formats.date_format(use.used_on,
                                                                                              "j.n.Y")}
    return text


MOBILE_CODE_WORDS = {
    "live": _lazy("Live mobile card code: shown on the holder's phone now."),
    "stale": _lazy("Old mobile card code: possibly a screenshot, or the phone's clock is wrong. Ask to see the card "
                   "on the phone again."),
}


def _mobile_code_context(state: str | None) -> dict:
    """Issue 14: whether the scanned mobile code was live, stale or absent (a paper card or a typed number)."""
    return {"mobile_code": state, "mobile_code_text": str(MOBILE_CODE_WORDS[state]) if state else ""}


def _check_payload(request: HttpRequest, result_ctx: dict, venue: Venue, result: CheckResult | None,
                   day: datetime.date) -> dict:
    """The answer to a check for the counter's script: data only, no HTML. The page carries the panel and
    the log forms as ``<template>`` elements rendered once (a busy counter checks a card every few
    seconds; rendering them on every check was a sixth of its work)."""
    payload = {key: result_ctx[key] for key in ("valid", "code", "message", "kind", "kind_label",
                                                 "children_allowed", "region", "advice", "mistyped")}
    valid_until = result_ctx["valid_until"]
    payload.update({
        "number": result_ctx["display_number"],
        "valid_until": valid_until.isoformat() if valid_until else None,
        "valid_until_display": formats.date_format(valid_until, "j.n.Y") if valid_until else "",
        "throttled": bool(result_ctx.get("throttled")),
        "repeat": result_ctx.get("repeat", []),  # issue 11: this card's uses here today (time and what)
        "mobile_code": result_ctx.get("mobile_code"),  # issue 14: "live" | "stale" | None
        "mobile_code_text": result_ctx.get("mobile_code_text", ""),
        "log": None,
    })
    if result is not None:
        community = result.kind == Card.Kind.COMMUNITY
        offers = venue_selectors.counter_offers(venue, day, include_courses=not community)
        offer, kind = _log_defaults(venue, offers, community, chosen_offer_id(request, venue))
        payload["course_default"] = kind == Use.Kind.COURSE
        payload["log_defaults"] = {"offer": offer, "kind": kind}  # today's chosen offer; a course place first
        payload["log"] = {
            "number": result.number,
            "community": community,
            "idempotency_key": uuid.uuid4().hex,
            "offers": [{"id": offer.pk, "kind": offer.kind, "label": offer_label(offer)} for offer in offers],
        }
    return payload


def _today_row(use: Use) -> dict:
    """A new line of today's log, filled into the page's row template by the counter's script."""
    today = timezone.localdate()
    return {
        "id": use.pk,
        "time": formats.time_format(timezone.localtime(use.logged_at), "H:i"),
        "visit_on": "" if use.used_on == today else _("visit on %(date)s") % {
            "date": formats.date_format(use.used_on, "j.n.Y")},
        "number": selectors.mask_number(use.card.number),
        "use": selectors.use_description(use),
        "offer": use.offer.title if use.offer_id else "",
        "children": use.children,
        "cancel_url": reverse("venues:cancel", args=[use.pk]),
    }


@login_required
@require_GET
def counter(request: HttpRequest) -> HttpResponse:
    return _render_counter(request, current_venue(request))


@login_required
@require_POST
def select_venue(request: HttpRequest) -> HttpResponse:
    """Staff of several venues choose the counter they work at; the choice lasts for the session."""
    venue = current_venue(request)
    try:
        chosen = int(request.POST.get("venue", ""))
    except ValueError:
        chosen = None
    if any(v.pk == chosen for v in venue.staff_venues):
        request.session[SESSION_VENUE] = chosen
    return redirect("venues:counter")


@login_required
@require_POST
def select_offer(request: HttpRequest) -> HttpResponse:
    """Today's offer, chosen once: logging counts against it until changed (for this session and day)."""
    venue = _counter_venue(request)
    raw = request.POST.get("offer", "")
    try:
        chosen = int(raw) if raw else 0
    except ValueError:
        chosen = -1
    if chosen == 0 or any(o.pk == chosen for o in venue_selectors.counter_offers(venue, timezone.localdate())):
        request.session[SESSION_OFFER] = {"venue": venue.pk, "offer": chosen, "day": str(timezone.localdate())}
    else:
        messages.error(request, _("That offer cannot be logged today. Choose another one."))
    return redirect("venues:counter")


@login_required
@require_POST
def check(request: HttpRequest) -> HttpResponse:
    """Check one exact card number (typed, scanned or read from a QR code) at this venue."""
    venue = _counter_venue(request)
    form = CheckForm(request.POST)
    wants_json = _wants_json(request)
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"valid": False, "code": "invalid", "message": form.errors["number"][0],
                                 "throttled": False, "log": None}, status=400)
        return _render_counter(request, venue, status=400, check_form=form)
    number = form.cleaned_data["number"]
    day = timezone.localdate()
    log_form = None
    status = 200
    mobile_code = None
    try:
        # Issue 14: a mobile card's live QR reads "KK1:<number>:<code>"; anything else is a typed or paper number.
        number, mobile_code = holder.scan_parse(user=request.user, venue=venue, text=number,
                                                channel=Use.Channel.COUNTER)
        result = card_check(user=request.user, venue=venue, number=number, channel=Use.Channel.COUNTER, today=day)
    except DomainError as exc:
        if exc.code == "not_allowed":
            raise PermissionDenied from exc
        if exc.code == "throttled":
            logger.warning("card check throttled: user=%s venue=%s", request.user.pk, venue.pk)
        result_ctx = _result_context(None, code=exc.code, number=number)
        result_ctx["throttled"] = exc.code == "throttled"
        status = exc.http_status
    else:
        result_ctx = _result_context(result)
        result_ctx.update(_mobile_code_context(holder.verify(result.card, mobile_code)))
        if result.valid:
            # Issue 11: the card's uses here today, for the panel to say so; logging again asks for a confirmation.
            result_ctx["repeat"] = selectors.repeat_lines(
                repeat_uses(user=request.user, venue=venue, card=result.card, day=day))
        if result.valid and not wants_json:
            log_form = _log_form_for(request, venue, result, day)
            result_ctx["course_default"] = log_form.initial["kind"] == Use.Kind.COURSE
    if wants_json:
        valid = result_ctx["valid"] and result is not None
        return JsonResponse(_check_payload(request, result_ctx, venue, result if valid else None, day),
                            status=status)
    return _render_counter(request, venue, status=status, result=result_ctx, log_form=log_form)


def _taken_offline(request: HttpRequest, venue: Venue) -> tuple[Venue, datetime.date | None]:
    """A use kept in the browser while the network was down (static/js/counter-offline.js) says where and when it
    was taken (``venue``, ``taken_at``): it is logged at that venue, whatever the session's venue is now, and on its
    own day, so one from an earlier day is a late entry (cards.services); a clock ahead of the server's counts as
    today. A plain log says neither: the session's venue, today."""
    if "taken_at" not in request.POST:
        return venue, None
    posted = request.POST.get("venue", "")
    if posted != str(venue.pk):
        # Another of the user's venues; 404 for a venue not (any more) theirs.
        venue = venue_selectors.staff_venue(request.user, int(posted) if posted.isdigit() else None)
    try:
        taken_at = parse_datetime(request.POST["taken_at"])
    except ValueError:
        taken_at = None
    if taken_at is None:
        raise Http404("taken_at is not a date and time")
    if timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)
    return venue, min(timezone.localdate(taken_at), timezone.localdate())


@login_required
@require_POST
def log(request: HttpRequest) -> HttpResponse:
    """Log the use of the card just checked: by default one ticket, no children."""
    venue, used_on = _taken_offline(request, _counter_venue(request))
    community = request.POST.get("community") == "1"
    form = LogForm(request.POST, venue=venue, community=community)
    wants_json = _wants_json(request)
    if not form.is_valid():
        field = next(iter(form.errors))
        message = form.errors[field][0]
        if wants_json:
            return JsonResponse({"ok": False, "code": "invalid", "message": message, "field": field}, status=400)
        messages.error(request, message)
        return redirect("venues:counter")
    try:
        use = use_log(user=request.user, venue=venue, number=form.cleaned_data["number"], used_on=used_on,
                      channel=Use.Channel.COUNTER, **form.use_kwargs())
    except DomainError as exc:
        if exc.code == "not_allowed":
            raise PermissionDenied from exc
        if exc.code == "throttled":
            logger.warning("use log throttled: user=%s venue=%s", request.user.pk, venue.pk)
        field = REFUSAL_FIELDS.get(exc.code, "")
        if exc.code == "repeat_use":  # issue 11: what was logged earlier, and a "Log again" button
            form.repeat_lines = selectors.repeat_lines(exc.params["uses"])
        if wants_json:
            answer = {"ok": False, "code": exc.code, "message": str(exc.message), "field": field}
            if exc.code == "repeat_use":
                answer["repeat"] = form.repeat_lines
            return JsonResponse(answer, status=exc.http_status)
        if field in form.fields:
            form.add_error(field, str(exc.message))
        else:
            form.add_error(None, str(exc.message))
        day = timezone.localdate()
        form.offer_choices = venue_selectors.counter_offers(venue, day, include_courses=not community)
        return _render_counter(request, venue, status=exc.http_status, log_form=form,
                               result={"valid": True, "refused_log": True, "message": str(exc.message),
                                       "display_number": numbers.display(form.cleaned_data["number"]),
                                       "kind": Card.Kind.COMMUNITY if community else Card.Kind.PERSONAL})
    message = _use_summary(use)
    places_left = None
    if use.offer_id:  # one primary-key read, only when the use counts against an offer
        quota, used = Offer.objects.filter(pk=use.offer_id).values_list("quota", "used_count").get()
        if quota is not None:
            places_left = max(quota - used, 0)
            message = f"{message} " + ngettext("%(n)s place left.", "%(n)s places left.", places_left) % {
                "n": places_left}
    if wants_json:
        return JsonResponse({"ok": True, "use": use.pk, "message": message, "row": _today_row(use),
                             "offer": use.offer_id, "places_left": places_left}, status=201)
    messages.success(request, message)
    return redirect("venues:counter")


@require_safe
def worker(request: HttpRequest) -> HttpResponse:
    """The counter's service worker (static/js/sw.js) from /venues/counter/sw.js, so that its scope is the counter's
    pages (a script under /static/ could only control /static/). No secrets in it, so no sign-in: the browser checks
    it for updates on its own. ``no-cache``: a new version is picked up on the next visit."""
    with open(finders.find("js/sw.js"), "rb") as source:
        response = HttpResponse(source.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_POST
def late_entry(request: HttpRequest) -> HttpResponse:
    """R11 offline fallback: a use written on paper is entered with the real date of the visit."""
    venue = current_venue(request)
    form = LateEntryForm(request.POST, venue=venue, prefix=LATE_PREFIX)
    if form.is_valid():
        try:
            use = use_log(user=request.user, venue=venue, number=form.cleaned_data["number"],
                          used_on=form.cleaned_data["used_on"], channel=Use.Channel.COUNTER, **form.use_kwargs())
        except DomainError as exc:
            if exc.code == "not_allowed":
                raise PermissionDenied from exc
            if exc.code == "throttled":
                logger.warning("late entry throttled: user=%s venue=%s", request.user.pk, venue.pk)
            field = REFUSAL_FIELDS.get(exc.code)
            form.add_error(field if field in form.fields else "number" if exc.code.startswith("card_") else None,
                           str(exc.message))
            if exc.code == "repeat_use":  # the same card on the same day here: shown, confirmed by "Log again"
                form.repeat_lines = selectors.repeat_lines(exc.params["uses"])
        else:
            messages.success(request, _use_summary(use))
            return redirect("venues:counter")
    return _render_counter(request, venue, status=400, late_form=form, late_open=True)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """R11: cancel a use of this venue within the window, with a reason."""
    venue = current_venue(request)
    use = get_object_or_404(
        Use.objects.visible_to(request.user).filter(venue_id__in=[v.pk for v in venue.staff_venues])
        .select_related("card", "venue"),
        pk=pk,
    )
    form = CancelForm(request.POST, prefix=f"cancel-{use.pk}")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("venues:counter")
    if form.is_valid():
        try:
            use_cancel(user=request.user, use=use, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            if exc.code == "not_allowed":
                raise PermissionDenied from exc
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Cancelled the use of %(number)s on %(date)s.") % {
                "number": selectors.mask_number(use.card.number),
                "date": formats.date_format(use.used_on, "j.n.Y"),
            })
        return redirect(next_url)
    if next_url != reverse("venues:counter"):
        messages.error(request, form.errors["reason"][0])
        return redirect(next_url)
    return _render_counter(request, venue, status=400, cancel_form=form, cancel_use_id=use.pk)


@login_required
@require_GET
def uses(request: HttpRequest) -> HttpResponse:
    venue = current_venue(request)
    form = UsesFilterForm(request.GET or None, venue=venue)
    qs = selectors.venue_uses(request.user, venue, **form.filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "counter/use_list.html", {
        "venue": venue, "form": form, "page": page, "totals": selectors.monthly_totals(qs),
        "query": query.urlencode(), "today": timezone.localdate(),
    })


CSV_HEADER = [
    "used_on", "card", "card_kind", "kind", "children", "group_size", "offer", "channel", "logged_at",
    "cancelled_at", "cancel_reason",
]


@login_required
@require_GET
def uses_export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV for Finnish Excel: UTF-8 with a BOM and ``;`` between fields, streamed row by row."""
    venue = current_venue(request)
    form = UsesFilterForm(request.GET or None, venue=venue)
    qs = selectors.venue_uses(request.user, venue, **form.filters())
    logger.info("venue uses export: user=%s venue=%s filters=%s", request.user.pk, venue.pk, form.filters())
    record_export(user=request.user, what="venue_uses", fmt="csv", region_ids=[venue.region_id] if venue.region_id
                  else [], params={"venue": venue.pk, "channel": "page", **request.GET.dict()})
    writer = CsvWriter()

    def rows():
        yield BOM + writer.line(CSV_HEADER)
        for row in selectors.export_rows(qs):
            yield writer.line(row)

    filename = f"kaikukortti-uses-{venue.pk}-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
