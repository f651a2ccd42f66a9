"""Classes the REST_FRAMEWORK settings name (parser, pagination).

DRF imports these while ``rest_framework.views`` itself is being imported, so this module must not
import anything that imports DRF views back (``core.api.exceptions`` does): keep it free of project imports
other than ``core.errors`` (plain messages, no DRF).
"""

import io
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser

from core.errors import MESSAGES  # imports no DRF: safe here


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class InvalidJSON(ParseError):
    default_detail = MESSAGES["invalid_json"]
    default_code = "invalid_json"


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether arrays and objects in the JSON ``text`` nest more than ``limit`` levels (strings skipped).

    A scan with two compiled regular expressions, no recursion; a body with at most ``limit`` brackets is
    answered without scanning.
    """
    if text.count("{") + text.count("[") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class LimitedJSONParser(JSONParser):
    """JSON bodies are small and flat in this API; refuse big ones before parsing them (memory, CPU) and deeply
    nested ones too: Python's JSON decoder recurses per level, so 5,000 nested ``{"a":`` would end in a
    RecursionError (a 500) instead of a 400."""

    max_depth = 64

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        if stream is None:
            return super().parse(stream, media_type, parser_context)
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            text = ""  # the JSON parser below refuses it (parse_error)
        if nested_deeper_than(text, self.max_depth):
            raise InvalidJSON()
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as exc:  # should the limit ever exceed the interpreter's
            raise InvalidJSON() from exc


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
