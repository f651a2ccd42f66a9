"""Shared pieces of the REST API: the error body, its schema, pagination and the size-limited parser.

Every app's ``api/`` package builds on these so that all endpoints answer errors, pages and
oversized bodies the same way (DESIGN §8).
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from core.errors import MESSAGES

# Codes the API itself answers besides the domain codes of ``errors.MESSAGES``.
API_CODES = {
    "invalid": _("The request has invalid fields; see ``fields``."),
    "parse_error": _("The request body is not valid JSON."),
    "not_authenticated": _("No credentials were given."),
    "authentication_failed": _("The credentials or the token are not valid."),
    "invalid_credentials": _("The username or the password is wrong."),
    "mfa_required": _("The account uses two-factor authentication: create the token on the profile page."),
    "too_many_login_attempts": _("Too many failed login attempts. Try again later."),
    "permission_denied": _("Your role does not allow this."),
    "not_found": _("The object does not exist or is outside your scope."),
    "method_not_allowed": _("This method is not allowed here."),
    "not_acceptable": _("The requested response format is not available; ask for application/json."),
    "payload_too_large": _("The request body is too large."),
    "unsupported_media_type": _("Send the request body as application/json."),
    "throttled": _("Too many requests. Wait before trying again."),
    "error": _("The request could not be handled."),
    "server_error": _("Something went wrong on our side. The error was logged."),
}

ALL_CODES = sorted(set(MESSAGES) | set(API_CODES))

# Ids in request bodies and query strings: bounded so that no value can overflow a database integer.
ID_FIELD = {"min_value": 1, "max_value": 2**63 - 1}


class ErrorSerializer(serializers.Serializer):
    """The one error body: a stable ``code`` for programs and a translated ``detail`` for people."""

    code = serializers.ChoiceField(choices=ALL_CODES, help_text=_("Stable machine-readable code."))
    detail = serializers.CharField(help_text=_("Human-readable, translated (Accept-Language) explanation."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Only with code ``invalid``: the messages per request field."),
    )


# A JSON request body whose text fields take JSON strings and whose number fields take JSON integers, as the
# schema says. DRF's own fields also take ``5`` for ``"5"`` and ``"5"`` for ``5``, so a client that gets a type
# wrong would be accepted here and refused by a stricter server later. (A comment, not a docstring: the schema
# would show it as the description of every request body without one of its own.)
class StrictSerializer(serializers.Serializer):

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = dict(data)
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name)
                if field.read_only or value is None:
                    continue  # missing and null are the field's own business (required, allow_null)
                if isinstance(field, serializers.IntegerField):
                    # JSON has one number type: 5.0 is an integer (JSON Schema agrees), "5" and 5.5 are not.
                    if isinstance(value, float) and value.is_integer():
                        data[name] = value = int(value)
                    if isinstance(value, bool) or not isinstance(value, int):
                        errors[name] = [field.error_messages["invalid"]]
                elif isinstance(field, serializers.CharField) and not isinstance(value, str):
                    errors[name] = [field.error_messages["invalid"]]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class RefSerializer(serializers.Serializer):
    """A referenced object as ``{"id","name"}``."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


DEFAULT_DESCRIPTIONS = {
    400: _("The request was refused."),
    401: _("Not authenticated."),
    403: _("Not allowed for your role."),
    404: _("Not found, or outside your scope."),
    409: _("Conflicts with the current state."),
    413: _("Request body too large."),
    429: _("Too many requests."),
}


def error_response(http_status: int, *codes: str, description: str = "") -> OpenApiResponse:
    """An OpenAPI response for an error status that lists the codes it can carry.

    The text stays lazy: these responses are built when the views are imported, in whatever language is
    active then, and the schema is generated in English (``core.api.schema``).
    """
    text = description or DEFAULT_DESCRIPTIONS.get(http_status, "")
    if codes:
        listed = ", ".join(f"`{code}`" for code in codes)
        text = format_lazy("{} {} {}.", text, _("Possible codes:"), listed) if text else format_lazy(
            "{} {}.", _("Possible codes:"), listed)
    return OpenApiResponse(ErrorSerializer, description=text)


def errors(**by_status: tuple[str, ...] | str) -> dict[int, OpenApiResponse]:
    """``errors(e400=("invalid",), e404="not_found")`` -> responses dict for ``extend_schema``.

    401 and 429 are part of every authenticated endpoint and are added here once.
    """
    responses = {
        401: error_response(401, "not_authenticated", "authentication_failed"),
        429: error_response(429, "throttled"),
    }
    for key, codes in by_status.items():
        http_status = int(key.lstrip("e"))
        if isinstance(codes, str):
            codes = (codes,)
        responses[http_status] = error_response(http_status, *codes)
    return dict(sorted(responses.items()))


LIST_ERRORS = errors(e400=("invalid",), e404=("not_found",))
DETAIL_ERRORS = errors(e404=("not_found",))
