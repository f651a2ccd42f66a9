"""Classes the REST_FRAMEWORK settings name (parser, pagination).

DRF imports these while ``rest_framework.views`` itself is being imported, so this module must not
import anything that imports DRF views back (``core.api.exceptions`` does): keep it free of project imports.
"""

import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):
    """JSON bodies are small in this API; refuse big ones before parsing them (memory, CPU)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        if stream is None:
            return super().parse(stream, media_type, parser_context)
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge()
        return super().parse(io.BytesIO(raw), media_type, parser_context)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
