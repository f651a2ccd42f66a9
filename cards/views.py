"""Distributor pages: register, list, card page with its actions, print, mobile-card hand-over, bulk import.

Views only read through the scoped selectors and write through ``cards.services``; a card outside
the user's scope answers 404 exactly like a missing one.

A card of another office of the user's region (R3/R4) is reached only by its exact number
(``selectors.card_by_number``): the number search, then the pages under ``number/<number>/``. Its pages
never answer at the card's id, so no office can page through another office's cards.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import MESSAGES, DomainError
from core.scopes import scope_for
from distributors.models import Office
from regions.models import Municipality

from . import holder, imports, numbers, selectors, services, tasks
from .forms import CardFilterForm, CardRegisterForm, ImportForm, InactivateForm, RenewForm, ReplaceForm
from .models import Card, CardEvent, ImportJob
from .pdf import qr_svg, render_card_pdf, render_cards_pdf
from .resources import COLUMNS

PAGE_SIZE = 25
IMPORT_ERRORS_SHOWN = 500
IMPORT_RUNNING = (ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING, ImportJob.Status.WRITING)
IMPORT_FINISHED = (ImportJob.Status.REFUSED, ImportJob.Status.FAILED, ImportJob.Status.DONE)


def _get_card(user, pk: int) -> Card:
    try:
        return selectors.card_get(user=user, pk=pk)
    except Card.DoesNotExist as exc:
        raise Http404 from exc


def _get_card_by_number(user, number: str) -> Card:
    try:
        return selectors.card_by_number(user=user, number=number)
    except Card.DoesNotExist as exc:
        raise Http404 from exc


def _card_urls(user, card: Card) -> dict[str, str]:
    """Where the card's page and its actions are for this user: at the card's id in their own scope, at its
    number for another office of its region (whose page offers no taking out of use: that is the issuing
    office's decision, and the service's region rule is for renewing, replacing and handing over)."""
    if selectors.card_in_scope(user, card):
        return {name: reverse(f"cards:{name}", args=[card.pk])
                for name in ("detail", "renew", "replace", "inactivate", "print", "handover")}
    return {name: reverse(f"cards:{name}_by_number", args=[card.number])
            for name in ("detail", "renew", "replace", "print", "handover")}


def _require_actor(user, card: Card) -> None:
    """Visible is not enough to act: only staff of an office of the card's region renew, replace, print…"""
    if not selectors.can_act_on(user, card):
        raise PermissionDenied


def _own_offices(user):
    offices = Office.objects.filter(pk__in=scope_for(user).office_ids).select_related("region").order_by("name")
    if not offices:
        raise PermissionDenied
    return offices


# --- list and register ----------------------------------------------------------------------------


@login_required
@require_GET
def card_list(request):
    """The user's own cards; a search by a whole, well-formed number may also find one card of another office
    of the user's region (R3/R4), shown apart from the list with a link to its page, never in it."""
    form = CardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cards = selectors.card_list(user=request.user, **{k: v or "" for k, v in filters.items()})
    page = Paginator(cards, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    own = scope_for(request.user).office_ids
    for card in page.object_list:  # the batch print's boxes: the user's own offices' cards in use
        card.printable = card.office_id in own and _printable(card)
        card.masked_number = numbers.mask(card.number)
    return render(request, "cards/card_list.html", {
        "form": form, "page": page, "cards": page.object_list, "query": query.urlencode(),
        "can_print": bool(own), "print_max": PRINT_SELECTION_MAX,
        "can_register": bool(scope_for(request.user).office_ids),
        "show_office": len(scope_for(request.user).office_ids) != 1,
        "region_card": _region_card(request.user, filters.get("q") or ""),
    })


PRINT_SELECTION_MAX = 500  # cards in one batch print of a selection (50 A4 sheets)


def _printable(card: Card) -> bool:
    return card.status == Card.Status.ACTIVE and card.reduced_on is None


@login_required
@require_POST
def card_print_selection(request):
    """Many of the office's cards in one PDF (issue 15, point 4), A4 sheets of card-sized cards: the cards ticked on
    the list (``card``), or with ``print=filter`` every card in use that the list's search (``query``) finds, at
    most ``PRINT_SELECTION_MAX``. Only the cards of the user's own offices: a ticked card outside them answers 404
    as a missing one; a ticked card not in use, or too many cards, is refused with a message and prints nothing."""
    own = scope_for(request.user).office_ids
    if not own:
        raise PermissionDenied
    query = QueryDict(request.POST.get("query", ""))
    back = redirect(f"{reverse('cards:list')}?{query.urlencode()}" if query else reverse("cards:list"))
    cards = selectors.card_list(user=request.user).filter(office_id__in=own)
    if request.POST.get("print") == "filter":
        form = CardFilterForm(query)
        filters = form.cleaned_data if form.is_valid() else {}
        cards = selectors.card_list(user=request.user, **{k: v or "" for k, v in filters.items()}).filter(
            office_id__in=own, status=Card.Status.ACTIVE, reduced_on__isnull=True)
        count = cards.count()
        if not count:
            messages.error(request, _("No card in use matches the search: nothing was printed."))
            return back
    else:
        try:
            ids = {int(value) for value in request.POST.getlist("card")}
        except ValueError as exc:
            raise Http404 from exc
        if not ids:
            messages.error(request, _("Select the cards to print."))
            return back
        count = len(ids)
        if count <= PRINT_SELECTION_MAX:
            cards = cards.filter(pk__in=ids)
            if cards.count() != count:
                raise Http404
            not_in_use = [card.display_number for card in cards if not _printable(card)]
            if not_in_use:
                messages.error(request, _("Only cards in use are printed; not in use: %(numbers)s. Nothing was "
                                          "printed.") % {"numbers": ", ".join(not_in_use)})
                return back
    if count > PRINT_SELECTION_MAX:
        messages.error(request, _("%(count)s cards: at most %(max)s cards are printed at a time. Narrow the search "
                                  "or select the cards.") % {"count": count, "max": PRINT_SELECTION_MAX})
        return back
    title = _("Kaikukortti cards (%(count)s)") % {"count": count}
    cards = list(cards)
    with transaction.atomic():  # each card's history says it was printed, with the fresh code (issue 14)
        services.cards_printed_record(user=request.user, cards=cards)
        codes = holder.activation_codes_issue(user=request.user, cards=cards)
    pdf = render_cards_pdf(cards, title=title, base_url=request.build_absolute_uri("/"), codes=codes)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kaikukortit-{timezone.localdate():%Y%m%d}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _region_card(user, q: str) -> Card | None:
    """The card of another office of the user's region that an exact number search names, if any."""
    if not numbers.is_valid(q):
        return None
    try:
        card = selectors.card_by_number(user=user, number=q)
    except Card.DoesNotExist:
        return None
    return None if selectors.card_in_scope(user, card) else card


def _municipality_options():
    today = timezone.localdate()
    return Municipality.objects.in_network_on(today).order_by("name_fi").only("code", "name_fi", "name_sv")


@login_required
@require_http_methods(["GET", "POST"])
def card_register(request):
    offices = _own_offices(request.user)
    form = CardRegisterForm(request.POST if request.method == "POST" else None, offices=offices)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A repeat of a form that already registered its card (a double click, a resubmission) gets that card
        # back from card_issue; the card is no duplicate of itself.
        if services.card_issued_with_key(user=request.user, idempotency_key=data["idempotency_key"]) is None:
            duplicates = list(selectors.likely_duplicates(
                office=data["office"], birth_year=data["birth_year"], postal_code=data.get("postal_code") or ""
            )[:10])
        if duplicates and not data.get("confirm_duplicate"):
            form.add_error("confirm_duplicate", _(
                "A card with the same birth year and postal code was registered at this office in the last "
                "30 days. Check the cards below; tick the box to register anyway."
            ))
        else:
            try:
                card = services.card_issue(user=request.user, **form.service_kwargs())
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Card %(number)s registered, valid until %(date)s.") % {
                    "number": card.display_number, "date": date_format(card.valid_until, "j.n.Y"),
                })
                if getattr(card, "activation_code", None):  # issue 14: shown this once; only its hash is kept
                    messages.info(request, _(
                        "Activation code for the mobile card: %(code)s. Write it on the card or the info sheet; it is "
                        "shown only now. A new one can be issued on the card's mobile card page."
                    ) % {"code": card.activation_code})
                return redirect("cards:detail", pk=card.pk)
    return render(request, "cards/card_register.html", {
        "form": form, "duplicates": duplicates, "municipalities": _municipality_options(),
        "show_confirm": bool(duplicates) or bool(form.data.get("confirm_duplicate")),
    })


# --- card page and its actions --------------------------------------------------------------------


@login_required
@require_GET
def card_detail(request, pk: int):
    card = _get_card(request.user, pk)
    return render(request, "cards/card_detail.html", {
        "card": card,
        "events": selectors.card_events(card)[:100],
        "uses": selectors.card_uses(card)[:100],
        "replaced_by": selectors.card_replaced_by(card),
        "can_act": selectors.can_act_on(request.user, card),
        "number_qr": qr_svg(card.number, scale=5, title=card.display_number),
        "urls": _card_urls(request.user, card),
    })


@login_required
@require_GET
def card_detail_by_number(request, number: str):
    """The page of a card opened by its exact number: in the user's own scope it is the card's usual page (a
    redirect there); for staff of another office of the card's region it is the card as serving its holder needs
    it (R3/R4), and no more.

    Personal data minimisation, decided here: that office sees what renewing, replacing and handing over the
    card takes — the number (the one they typed, in full), kind, status, the issuing office, the dates, the
    number of children and the format and language printed on the card — and not the holder's birth year, home
    municipality, postal code or voluntary answers, nor the card's uses (where the holder has been) or its history
    (who served them before). Other card numbers on the page (the card it replaced, the card that replaced it)
    are masked by the one rule, ``cards.permissions.may_see_card_number``, as for venue staff, except a
    replacement this user has just made: they are sent to its page by its number. The issuing office, its
    region's contacts and the coordinator keep the whole page.
    """
    card = _get_card_by_number(request.user, number)
    if selectors.card_in_scope(request.user, card):
        return redirect("cards:detail", pk=card.pk)
    replaced_by = selectors.card_replaced_by(card)
    return render(request, "cards/card_detail.html", {
        "card": card,
        "limited": True,
        "replaces_masked": numbers.mask(card.replaces.number) if card.replaces else "",
        "replaced_by_masked": numbers.mask(replaced_by.number) if replaced_by else "",
        "can_act": selectors.can_act_on(request.user, card),
        "number_qr": qr_svg(card.number, scale=5, title=card.display_number),
        "urls": _card_urls(request.user, card),
    })


def _action(request, card: Card, form_class, template: str, perform, extra=None):
    """GET shows the confirmation page; POST performs the service call and records it."""
    _require_actor(request.user, card)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result, message = perform(card, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, message)
            return redirect(_card_urls(request.user, result)["detail"])
    context = {"card": card, "form": form, "card_url": _card_urls(request.user, card)["detail"]}
    context.update(extra(card) if extra else {})
    return render(request, template, context)


def _renew(request, card: Card):
    def perform(card, data):
        card = services.card_renew(user=request.user, card=card, wellbeing_at_renewal=data.get("wellbeing_at_renewal"))
        return card, _("Card renewed: valid until %(date)s.") % {"date": date_format(card.valid_until, "j.n.Y")}

    def extra(card):
        return {"new_valid_until": services.card_renewal_valid_until(card=card)}

    return _action(request, card, RenewForm, "cards/card_renew.html", perform, extra)


@login_required
@require_http_methods(["GET", "POST"])
def card_renew(request, pk: int):
    return _renew(request, _get_card(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def card_renew_by_number(request, number: str):
    """R3: renewal by another office of the card's region, the card reached by its exact number."""
    return _renew(request, _get_card_by_number(request.user, number))


def _replace(request, card: Card):
    def perform(card, data):
        new = services.card_replace(user=request.user, card=card, number=data.get("number") or None,
                                    reason=data["reason"])
        return new, _("Card %(old)s closed and replaced by %(new)s.") % {
            "old": card.display_number, "new": new.display_number,
        }

    return _action(request, card, ReplaceForm, "cards/card_replace.html", perform)


@login_required
@require_http_methods(["GET", "POST"])
def card_replace(request, pk: int):
    return _replace(request, _get_card(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def card_replace_by_number(request, number: str):
    """R4: replacement by another office of the card's region; the new card keeps the issuing office and the
    user goes on to its page by its new number, to print it or hand over the mobile card."""
    return _replace(request, _get_card_by_number(request.user, number))


@login_required
@require_http_methods(["GET", "POST"])
def card_inactivate(request, pk: int):
    def perform(card, data):
        card = services.card_inactivate(user=request.user, card=card, reason=data["reason"])
        return card, _("Card %(number)s is no longer in use.") % {"number": card.display_number}

    return _action(request, _get_card(request.user, pk), InactivateForm, "cards/card_inactivate.html", perform)


@login_required
@require_http_methods(["GET", "POST"])
def card_print(request, pk: int):
    """The ID-1 card and the A4 info sheet as one PDF; printing is recorded in the card's history."""
    return _print(request, _get_card(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def card_print_by_number(request, number: str):
    return _print(request, _get_card_by_number(request.user, number))


PRINT_SESSION_KEY = "kk_prints"
PRINT_KEPT = datetime.timedelta(hours=1)


def _keep_print(request, key: str, value) -> None:
    """Keep what a print put on paper (its activation codes) in the session for ``PRINT_KEPT``, so that the PDF can
    be fetched again (a viewer saving or printing it) without issuing new codes, which would make the printed ones
    invalid. Only the latest print of each card or import part is kept; expired ones are dropped."""
    now = timezone.now()
    prints = {k: kept for k, kept in (request.session.get(PRINT_SESSION_KEY) or {}).items()
              if datetime.datetime.fromisoformat(kept["until"]) > now and k != key}
    prints[key] = {"value": value, "until": (now + PRINT_KEPT).isoformat()}
    request.session[PRINT_SESSION_KEY] = prints


def _kept_print(request, key: str):
    """What ``_keep_print`` kept under ``key`` in this session, or ``None`` (never printed here, or over an hour)."""
    kept = (request.session.get(PRINT_SESSION_KEY) or {}).get(key)
    if kept is None or datetime.datetime.fromisoformat(kept["until"]) <= timezone.now():
        return None
    return kept


def _print(request, card: Card):
    """POST prints: the print is recorded in the card's history and (issue 14) a fresh activation code is issued
    (only its hash is kept, so earlier codes stop working); then the browser is sent to the PDF. GET shows the PDF
    of this session's last print of the card, with the same code, for an hour: opening, saving or re-fetching the
    PDF never issues another code and so never makes the printed one invalid. Without such a print, GET sends the
    user back to the card's page to press Print."""
    _require_actor(request.user, card)
    detail = _card_urls(request.user, card)["detail"]
    key = f"card:{card.pk}"
    if request.method == "POST":
        try:
            with transaction.atomic():  # the print is recorded with its code, or neither
                services.card_handover_record(user=request.user, card=card, kind=CardEvent.Kind.PRINTED)
                code = holder.activation_code_issue(user=request.user, card=card) \
                    if card.kind == Card.Kind.PERSONAL else None
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(detail)
        _keep_print(request, key, code)
        return HttpResponseRedirect(request.path, status=303)  # See Other: the PDF is fetched with GET
    kept = _kept_print(request, key)
    if kept is None or card.status != Card.Status.ACTIVE:
        messages.info(request, _("To print the card, press the print button on its page: the print has a new "
                                 "activation code."))
        return redirect(detail)
    pdf = render_card_pdf(card, base_url=request.build_absolute_uri("/"), activation_code=kept["value"])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kaikukortti-{card.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def card_handover(request, pk: int):
    """The QR code the client scans with their own phone to open the mobile card; a new activation code; "phone
    lost" (issue 14)."""
    return _handover(request, _get_card(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def card_handover_by_number(request, number: str):
    return _handover(request, _get_card_by_number(request.user, number))


def _handover(request, card: Card):
    """GET: the page and its choices; nothing changes. POST ``action=link``: a new random link for the phone in front
    of the office, shown as a QR code (an earlier phone's link stops working); ``action=code``: a new one-time
    activation code, shown once; ``action=withdraw``: the link is withdrawn."""
    _require_actor(request.user, card)
    card_url = _card_urls(request.user, card)["detail"]
    context = {"card": card, "card_url": card_url}
    try:
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "withdraw":
                holder.link_withdraw(user=request.user, card=card)
                messages.success(request, _("The mobile link was withdrawn: the card no longer opens on the lost "
                                            "phone. Give the holder a new activation code to open it again."))
                return redirect(card_url)
            if action == "link":
                token = holder.mobile_link_issue(user=request.user, card=card)
                url = request.build_absolute_uri(reverse("cards:mobile", kwargs={"token": token}))
                context.update(mobile_url=url, mobile_qr=qr_svg(url, scale=6, title=_("Link to the mobile card")))
            elif action == "code":
                context["activation_code"] = holder.activation_code_issue(user=request.user, card=card)
            else:
                raise DomainError("not_allowed")
        else:
            holder.require_live(card)  # the page offers nothing for a card not in use, or a community card
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(card_url)
    response = render(request, "cards/card_handover.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def community_card_create(request, office_pk: int):
    """R6: the region's contact (or the coordinator) creates a community card for an office."""
    office = Office.objects.visible_to(request.user).filter(pk=office_pk).first()
    if office is None:
        raise Http404
    try:
        card = services.community_card_create(user=request.user, office=office)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Community card %(number)s created for %(office)s.") % {
            "number": card.display_number, "office": office.name,
        })
    return redirect("distributors:office", pk=office.pk)


# --- bulk import ----------------------------------------------------------------------------------


def _import_page(request, *, form, job=None):
    errors = [imports.RowError(*row) for row in job.errors[:IMPORT_ERRORS_SHOWN]] if job else []
    return render(request, "cards/card_import.html", {
        "form": form, "columns": COLUMNS, "job": job, "errors": errors,
        "more_errors": max(len(job.errors) - IMPORT_ERRORS_SHOWN, 0) if job else 0,
        "whole_file_error": MESSAGES.get(job.error, job.error) if job and job.error else "",
        "finished": job is not None and job.status in IMPORT_FINISHED,
        "pdf_parts": range(1, (job.cards_created - 1) // IMPORT_PDF_CARDS + 2) if job and job.cards_created else [],
    })


def _own_import_job(request, pk: int) -> ImportJob:
    """The job of one of the user's own offices (the same permission as the import), else 404."""
    job = ImportJob.objects.select_related("office").filter(pk=pk, office__in=_own_offices(request.user)).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def card_import(request):
    """Upload → the file is stored and checked in the background (the job page) → confirm → saved."""
    offices = _own_offices(request.user)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            job = imports.job_create(user=request.user, office=form.cleaned_data["office"],
                                     upload=form.cleaned_data["file"])
            transaction.on_commit(lambda: tasks.import_validate_task.delay(job.pk))
        return redirect("cards:import_job", pk=job.pk)
    return _import_page(request, form=form)


@login_required
@require_GET
def import_job(request, pk: int):
    job = _own_import_job(request, pk)
    form = ImportForm(offices=_own_offices(request.user)) if job.status in IMPORT_FINISHED else None
    return _import_page(request, form=form, job=job)


@login_required
@require_GET
def import_job_status(request, pk: int):
    """The job's progress for the page's polling script (static/js/import-job.js)."""
    job = _own_import_job(request, pk)
    return JsonResponse({
        "status": job.status, "status_label": str(job.get_status_display()), "rows_read": job.rows_read,
        "rows_valid": job.rows_valid, "rows_refused": job.rows_refused, "cards_created": job.cards_created,
        "waiting": job.status in IMPORT_RUNNING,
    })


@login_required
@require_POST
def import_job_confirm(request, pk: int):
    job = _own_import_job(request, pk)
    with transaction.atomic():
        if imports.job_confirm(job=job):
            transaction.on_commit(lambda: tasks.import_write_task.delay(job.pk))
        else:
            messages.error(request, _("This import is not waiting for confirmation."))
    return redirect("cards:import_job", pk=job.pk)


@login_required
@require_GET
def import_job_errors(request, pk: int):
    """The refused rows as a CSV file: line, column, translated message, code."""
    job = _own_import_job(request, pk)
    response = StreamingHttpResponse(imports.error_report_lines(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kaikukortti-import-{job.pk}-errors.csv"'
    return response


IMPORT_PDF_CARDS = 500  # cards per batch PDF (50 A4 sheets); a larger import prints in parts


@login_required
@require_http_methods(["GET", "POST"])
def import_job_pdf(request, pk: int):
    """The cards of a finished import as A4 sheets of card-sized cards, ``IMPORT_PDF_CARDS`` per file (``?part=``).
    POST prints: a fresh activation code on each card (issue 14), kept in the session for an hour as a single
    card's print is (``_keep_print``), then the browser is sent to the PDF; GET shows that print again with the same
    codes, and without one sends the user back to the import's page."""
    job = _own_import_job(request, pk)
    if job.status != ImportJob.Status.DONE:
        raise Http404
    try:
        part = max(int(request.GET.get("part", "1")), 1)
    except ValueError:
        part = 1
    key = f"import:{job.pk}:{part}"
    start = (part - 1) * IMPORT_PDF_CARDS
    card_ids = list(CardEvent.objects.filter(kind=CardEvent.Kind.IMPORTED, details__import_job=job.pk)
                    .order_by("details__line").values_list("card_id", flat=True)[start:start + IMPORT_PDF_CARDS])
    if not card_ids:
        raise Http404
    order = {card_id: i for i, card_id in enumerate(card_ids)}
    cards = sorted(Card.objects.filter(pk__in=card_ids, office=job.office), key=lambda card: order[card.pk])
    if request.method == "POST":
        with transaction.atomic():  # each card's history says it was printed, with a fresh code (issue 14)
            services.cards_printed_record(user=request.user, cards=cards)
            codes = holder.activation_codes_issue(user=request.user, cards=cards)
        _keep_print(request, key, {str(card_id): code for card_id, code in codes.items()})
        return HttpResponseRedirect(request.get_full_path(), status=303)
    kept = _kept_print(request, key)
    if kept is None:
        messages.info(request, _("To print the cards, press the button of the PDF part on this page: the print has "
                                 "new activation codes."))
        return redirect("cards:import_job", pk=job.pk)
    codes = {int(card_id): code for card_id, code in kept["value"].items()}
    title = _("Kaikukortti import %(job)s, part %(part)s") % {"job": job.pk, "part": part}
    pdf = render_cards_pdf(cards, title=title, base_url=request.build_absolute_uri("/"), codes=codes)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kaikukortti-import-{job.pk}-{part}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def import_template(request):
    header = ",".join(aliases[0] for aliases in COLUMNS.values())
    example = "ABC-DEF-GHJ,1980,837,33100,2,paper,fi,,\n,1975,Tampere,,0,mobile,sv,,"
    response = HttpResponse(f"{header}\n{example}\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kaikukortti-import.csv"'
    return response
