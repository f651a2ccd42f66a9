"""Distributor pages: register, list, card page with its actions, print, mobile-card hand-over, bulk import.

Views only read through the scoped selectors and write through ``cards.services``; a card outside
the user's scope answers 404 exactly like a missing one.
"""

import hashlib
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from import_export.tmp_storages import TempFolderStorage

from core.errors import DomainError
from core.scopes import scope_for
from distributors.models import Office
from regions.models import Municipality

from . import selectors, services
from .forms import CardFilterForm, CardRegisterForm, ImportForm, InactivateForm, RenewForm, ReplaceForm
from .mobile import mobile_url
from .models import Card, CardEvent
from .pdf import qr_svg, render_card_pdf
from .resources import COLUMNS, import_cards, read_dataset

PAGE_SIZE = 25
IMPORT_SESSION_KEY = "cards_import"


def _get_card(user, pk: int) -> Card:
    try:
        return selectors.card_get(user=user, pk=pk)
    except Card.DoesNotExist as exc:
        raise Http404 from exc


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
    form = CardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cards = selectors.card_list(user=request.user, **{k: v or "" for k, v in filters.items()})
    page = Paginator(cards, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cards/card_list.html", {
        "form": form, "page": page, "cards": page.object_list, "query": query.urlencode(),
        "can_register": bool(scope_for(request.user).office_ids),
        "show_office": len(scope_for(request.user).office_ids) != 1,
    })


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
    })


def _action(request, pk: int, form_class, template: str, perform, extra=None):
    """GET shows the confirmation page; POST performs the service call and records it."""
    card = _get_card(request.user, pk)
    _require_actor(request.user, card)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result, message = perform(card, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, message)
            return redirect("cards:detail", pk=result.pk)
    context = {"card": card, "form": form}
    context.update(extra(card) if extra else {})
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def card_renew(request, pk: int):
    def perform(card, data):
        card = services.card_renew(user=request.user, card=card, wellbeing_at_renewal=data.get("wellbeing_at_renewal"))
        return card, _("Card renewed: valid until %(date)s.") % {"date": date_format(card.valid_until, "j.n.Y")}

    def extra(card):
        return {"new_valid_until": services.card_renewal_valid_until(card=card)}

    return _action(request, pk, RenewForm, "cards/card_renew.html", perform, extra)


@login_required
@require_http_methods(["GET", "POST"])
def card_replace(request, pk: int):
    def perform(card, data):
        new = services.card_replace(user=request.user, card=card, number=data.get("number") or None,
                                    reason=data["reason"])
        return new, _("Card %(old)s closed and replaced by %(new)s.") % {
            "old": card.display_number, "new": new.display_number,
        }

    return _action(request, pk, ReplaceForm, "cards/card_replace.html", perform)


@login_required
@require_http_methods(["GET", "POST"])
def card_inactivate(request, pk: int):
    def perform(card, data):
        card = services.card_inactivate(user=request.user, card=card, reason=data["reason"])
        return card, _("Card %(number)s is no longer in use.") % {"number": card.display_number}

    return _action(request, pk, InactivateForm, "cards/card_inactivate.html", perform)


@login_required
@require_GET
def card_print(request, pk: int):
    """The ID-1 card and the A4 info sheet as one PDF; printing is recorded in the card's history."""
    card = _get_card(request.user, pk)
    _require_actor(request.user, card)
    try:
        services.card_handover_record(user=request.user, card=card, kind=CardEvent.Kind.PRINTED)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("cards:detail", pk=card.pk)
    pdf = render_card_pdf(card, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kaikukortti-{card.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def card_handover(request, pk: int):
    """The QR code the client scans with their own phone to open the mobile card."""
    card = _get_card(request.user, pk)
    _require_actor(request.user, card)
    try:
        services.card_handover_record(user=request.user, card=card, kind=CardEvent.Kind.MOBILE_LINK)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("cards:detail", pk=card.pk)
    url = mobile_url(request, card)
    response = render(request, "cards/card_handover.html", {
        "card": card, "mobile_url": url, "mobile_qr": qr_svg(url, scale=6, title=_("Link to the mobile card")),
    })
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


def _import_storage(name: str | None = None) -> TempFolderStorage:
    return TempFolderStorage(name=name, read_mode="rb")


def _preview(request, *, office, dataset, filename: str, outcome, form=None):
    return render(request, "cards/card_import.html", {
        "form": form, "office": office, "outcome": outcome, "filename": filename,
        "created_preview": outcome.created[:20] if outcome else [], "errors": outcome.errors[:500] if outcome else [],
        "more_errors": max(len(outcome.errors) - 500, 0) if outcome else 0, "columns": COLUMNS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def card_import(request):
    """Upload → preview (a dry run through the services, nothing saved) → confirm."""
    offices = _own_offices(request.user)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        office = form.cleaned_data["office"]
        content = upload.read()
        try:
            dataset = read_dataset(content, upload.name)
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            outcome = import_cards(user=request.user, office=office, dataset=dataset, dry_run=True)
            if outcome.ok and outcome.total:
                storage = _import_storage()
                storage.save(content)
                request.session[IMPORT_SESSION_KEY] = {
                    "file": os.path.basename(storage.name), "filename": upload.name, "office": office.pk,
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
            return _preview(request, office=office, dataset=dataset, filename=upload.name, outcome=outcome)
    return render(request, "cards/card_import.html", {"form": form, "columns": COLUMNS})


@login_required
@require_POST
def card_import_confirm(request):
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    offices = _own_offices(request.user)
    if not pending or "/" in pending["file"] or os.sep in pending["file"]:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("cards:import")
    office = offices.filter(pk=pending["office"]).first()
    storage = _import_storage(pending["file"])
    try:
        content = storage.read()
        storage.remove()
    except OSError:
        content = None
    if office is None or content is None or hashlib.sha256(content).hexdigest() != pending["sha256"]:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("cards:import")
    dataset = read_dataset(content, pending["filename"])
    outcome = import_cards(user=request.user, office=office, dataset=dataset, dry_run=False)
    if not outcome.saved:
        messages.error(request, _("Nothing was saved: some rows were refused. Fix the file and upload it again."))
        return _preview(request, office=office, dataset=dataset, filename=pending["filename"], outcome=outcome,
                        form=ImportForm(offices=offices))
    messages.success(request, _("%(count)s cards imported.") % {"count": len(outcome.created)})
    return redirect(reverse("cards:list") + "?" + "status=active")


@login_required
@require_GET
def import_template(request):
    header = ",".join(aliases[0] for aliases in COLUMNS.values())
    example = "ABC-DEF-GHJ,1980,837,33100,2,paper,fi,,\n,1975,Tampere,,0,mobile,sv,,"
    response = HttpResponse(f"{header}\n{example}\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kaikukortti-import.csv"'
    return response
