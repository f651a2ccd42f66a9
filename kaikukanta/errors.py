"""One domain error type, turned into HTTP by one handler."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger("kaikukanta.api")

# Stable codes (DESIGN §4 plus the few the rules need besides) and their user-facing messages.
MESSAGES = {
    "holder_too_young": _("The holder must be at least 16 or turn 16 this year."),
    "municipality_not_in_network": _("The home municipality does not belong to an active Kaikukortti region."),
    "card_number_invalid": _("The card number is mistyped: its check character does not match."),
    "card_number_taken": _("A card with this number already exists."),
    "card_expired": _("The card has expired."),
    "card_inactive": _("The card is no longer in use (lost, replaced or returned)."),
    "card_not_found": _("No card has this number."),
    "too_many_children": _("More children than the card allows."),
    "children_not_allowed_for_courses": _("Children cannot be logged on a course place."),
    "courses_need_personal_card": _("A course place needs a personal card; community cards are not valid for courses."),
    "card_not_valid_in_region": _("The card is not valid at this venue's region."),
    "venue_inactive": _("The venue is not active today."),
    "quota_exhausted": _("All Kaikukortti places of this offer have been used."),
    "region_inactive": _("The office's region is not active today."),
    "office_inactive": _("The office is not active today."),
    "not_allowed": _("You are not allowed to do this."),
    "group_size_invalid": _("The group size is outside what a community card allows."),
    "children_invalid": _("The number of children is not valid."),
    "birth_year_invalid": _("The birth year is not valid."),
    "cancel_window_passed": _("The use is older than the cancellation window."),
    "use_already_cancelled": _("The use has already been cancelled."),
    "late_entry_window_passed": _("The date is older than the late-entry window allows."),
    "used_on_in_future": _("A use cannot be dated in the future."),
    "offer_mismatch": _("The offer does not belong to this venue, is not current or is of another kind."),
    "course_not_offered": _("This venue does not offer courses."),
    "reason_required": _("A reason is required."),
    "card_not_renewable": _("Only an active card can be renewed."),
    "card_reduced": _("The card's details were removed after the retention period. Register a new card instead."),
    "card_kind_mismatch": _("This action is not available for this kind of card."),
    "idempotency_conflict": _("The idempotency key was already used for a different use."),
    "throttled": _("Too many failed card checks. Wait a minute before checking again."),
    "municipality_file_invalid": _("The municipality file has errors; nothing was loaded."),
    # Invitations (kaikukanta.invitations) and the card import (cards.resources).
    "invitation_invalid": _("The invitation link is not valid."),
    "invitation_expired": _("The invitation has expired."),
    "invitation_used": _("The invitation has already been accepted."),
    "invitation_target_invalid": _("An invitation is for exactly one office or one venue."),
    "email_invalid": _("Enter a valid e-mail address."),
    "already_member": _("This person already works here."),
    "username_taken": _("This username is already taken."),
    "municipality_unknown": _("No municipality has this code or name."),
    "postal_code_invalid": _("A postal code has five digits."),
    "language_invalid": _("The language must be fi, sv or en."),
    "choice_invalid": _("The value is not one of the choices."),
    "import_columns_missing": _("The file needs a header row with at least the columns birth_year and municipality."),
    "import_file_unreadable": _("The file could not be read as CSV or Excel (.xlsx)."),
    "import_too_many_rows": _("The file has too many rows (at most 100,000)."),
    "period_invalid": _("The period ends before it starts."),
    "report_not_ready": _("The file is not ready yet."),
    "card_format_invalid": _("The card format must be paper, mobile or both."),
    "wellbeing_invalid": _("The wellbeing answer must be between 1 and 5."),
    "offer_title_required": _("The offer needs a title."),
    "offer_kind_invalid": _("The offer must be an event, a performance or a course."),
    "offer_dates_invalid": _("The offer must end on or after the day it starts."),
    "offer_quota_invalid": _("The number of Kaikukortti places must be at least 1, or empty for no limit."),
    "offer_quota_below_used": _("The number of places cannot be lower than the places already used."),
    "offer_kind_in_use": _("The kind of an offer cannot change after uses have been logged on it."),
}

HTTP_STATUS = {
    "card_not_found": status.HTTP_404_NOT_FOUND,
    "not_allowed": status.HTTP_404_NOT_FOUND,
    "quota_exhausted": status.HTTP_409_CONFLICT,
    "card_number_taken": status.HTTP_409_CONFLICT,
    "idempotency_conflict": status.HTTP_409_CONFLICT,
    "use_already_cancelled": status.HTTP_409_CONFLICT,
    "throttled": status.HTTP_429_TOO_MANY_REQUESTS,
}


class DomainError(Exception):
    """A business rule refused. ``code`` is stable; ``message`` is translated for people."""

    def __init__(self, code: str, message: str | None = None, **params: object) -> None:
        self.code = code
        self.params = params
        self.message = message or MESSAGES.get(code, code)
        super().__init__(f"{code}: {self.message}")

    def __str__(self) -> str:
        return str(self.message)

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, status.HTTP_400_BAD_REQUEST)


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
    if isinstance(detail, list | tuple) and detail:
        return _first_message(detail[0])
    return str(detail)


def _field_messages(detail) -> dict[str, list[str]]:
    if isinstance(detail, list | tuple):
        return {"non_field_errors": [str(item) for item in detail]}
    fields: dict[str, list[str]] = {}
    for name, value in detail.items():
        if isinstance(value, dict):
            for sub, messages in _field_messages(value).items():
                fields[f"{name}.{sub}"] = messages
        elif isinstance(value, list | tuple):
            fields[name] = [_first_message(item) for item in value]
        else:
            fields[name] = [str(value)]
    return fields


def api_exception_handler(exc, context):
    """DRF handler: every error answers ``{"code","detail"}`` (DESIGN §8), never a stack trace.

    Out-of-scope refusals (``not_allowed``) answer exactly like a missing object, 404 ``not_found``,
    so that the API never tells whether something outside the caller's scope exists.
    """
    if isinstance(exc, DomainError):
        if exc.code == "not_allowed":
            return Response({"code": "not_found", "detail": str(_("Not found."))}, status=status.HTTP_404_NOT_FOUND)
        return Response({"code": exc.code, "detail": str(exc.message)}, status=exc.http_status)
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "detail": _first_message(exc.detail), "fields": _field_messages(exc.detail)}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    # Imported here: rest_framework.views resolves DEFAULT_PARSER_CLASSES (kaikukanta.api_common), which
    # imports this module — a top-level import would be circular.
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        body = {"code": "server_error", "detail": str(_("Something went wrong on our side. The error was logged."))}
        return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, Http404 | exceptions.NotFound):
        # One answer for "does not exist" and "outside your scope"; no model names in the detail.
        response.data = {"code": "not_found", "detail": str(_("Not found."))}
        return response
    if isinstance(exc, DjangoPermissionDenied):
        code = "permission_denied"
    else:
        code = getattr(exc, "default_code", None) or "error"
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
    response.data = {"code": str(code), "detail": _first_message(detail)}
    return response


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def server_error(request, *args, **kwargs):
    """Django's handler500: a JSON body on /api/ paths, the normal error page elsewhere."""
    if _wants_json(request):
        body = {"code": "server_error", "detail": str(_("Something went wrong on our side. The error was logged."))}
        return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request, *args, **kwargs)


def page_not_found(request, exception, *args, **kwargs):
    """Django's handler404: a JSON body on /api/ paths, the normal page elsewhere."""
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "detail": str(_("Not found."))}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception, *args, **kwargs)
