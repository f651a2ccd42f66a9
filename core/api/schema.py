"""The OpenAPI schema: how it is served, and what it says beyond what drf-spectacular infers.

- One schema for everybody: generated in English whatever the request's language (a client generated
  under another locale must get the same class names and texts), as YAML or, with ``?format=json``
  (or ``Accept: application/json``), as JSON.
- The token header is a security scheme with its prefix: ``Authorization: Token <key>`` (DRF's
  ``TokenAuthentication``; the prefix is "Token", not "Bearer").
- Query filters and request bodies say what the API refuses: blank filters, over-long strings and
  NUL characters (Django refuses them in every text field).

The extensions register themselves when this module is imported; ``kaikukanta.urls`` imports it for the
view, and ``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`` names the hook. Request bodies: ``core.api.autoschema``.
"""

from django.utils import translation
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

from core.api.autoschema import NO_NUL_PATTERN

SCHEMA_LANGUAGE = "en"


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, the same bytes whatever ``Accept-Language`` says.

    ``?format=json`` / ``?format=yaml`` pick the rendering (DRF's own ``format`` override is off in this
    project because ``format`` is a card filter); otherwise ``Accept`` decides and YAML is the default.
    """

    renderers_by_format = {"json": OpenApiJsonRenderer, "yaml": OpenApiYamlRenderer}

    def perform_content_negotiation(self, request, force=False):
        renderer_class = self.renderers_by_format.get(request.query_params.get("format", ""))
        if renderer_class is None:
            return super().perform_content_negotiation(request, force=force)
        renderer = renderer_class()
        return renderer, renderer.media_type

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        # No ``?lang=`` either (drf-spectacular's view has one): one schema, in English.
        return self._get_schema_response(request)

    def dispatch(self, request, *args, **kwargs):
        with translation.override(SCHEMA_LANGUAGE):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        response["Content-Language"] = SCHEMA_LANGUAGE
        return response


class TokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <key>``: an HTTP authentication scheme named "Token" (RFC 7235), so the
    prefix is part of the scheme rather than prose. drf-spectacular's default describes an API key
    whose value the client must prefix by hand."""

    target_class = "rest_framework.authentication.TokenAuthentication"
    name = "tokenAuth"
    match_subclasses = True
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": self.target.keyword,
            "description": f"Send `Authorization: {self.target.keyword} <key>`; get the key from "
            "`POST /api/v1/auth/token/` or the profile page.",
        }


class FilterExtension(DjangoFilterExtension):
    """django-filter parameters as ``core.api.filters.FilterBackend`` accepts them: a free-text filter is
    non-blank, at most its ``max_length`` long and without NUL characters."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
                schema["minLength"] = 1
                if filter_field.extra.get("max_length"):
                    schema["maxLength"] = filter_field.extra["max_length"]
                schema["pattern"] = NO_NUL_PATTERN
        return parameters




def postprocess_parameter_enums(result, generator, request, public):
    """A query filter with the same choices as a named enum (``ENUM_NAME_OVERRIDES``) refers to it, so a
    generated client has one ``CardFormatEnum`` rather than a class per operation named after the filter.

    Runs after ``postprocess_schema_enums``, which creates the enum components; a filter whose choices match
    no component, or several, keeps its inline enum.
    """
    components = result.get("components", {}).get("schemas", {})
    by_values: dict[frozenset, list[str]] = {}
    for name, component in components.items():
        if "enum" in component and "properties" not in component:
            by_values.setdefault(frozenset(component["enum"]), []).append(name)
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                names = by_values.get(frozenset(parameter.get("schema", {}).get("enum", ())), [])
                if len(names) == 1:
                    parameter["schema"] = {"$ref": f"#/components/schemas/{names[0]}"}
    return result
