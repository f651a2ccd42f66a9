"""The DRF exception handler: every API error answers ``{"code","detail"}`` (DESIGN §8)."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import DomainError

logger = logging.getLogger("kaikukanta.api")


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
