"""``{% alternate_links %}`` in the head of every public page: the canonical address and the hreflang alternates.

Public pages live under a language prefix (/fi/…, /sv/…, /en/…; see public/urls.py), so each language version has
its own address: the tag reverses the page's own URL name and arguments once per language. The address without the
prefix is the x-default: it answers in the visitor's cookie or browser language (``/`` itself for the home, which
names the prefixed home of its language as canonical). A page in fewer languages (selkokieli) lists them in the
context as ``page_languages``. Absolute addresses are built on ``SITE_URL``, never on the request's Host header.
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation

register = template.Library()


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@register.inclusion_tag("public/_alternates.html", takes_context=True)
def alternate_links(context) -> dict:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name:
        return {"canonical": None, "alternates": []}
    view_name = "public:home" if match.view_name == "home" else match.view_name  # "/" is the home, unprefixed
    languages = list(context.get("page_languages") or [code for code, _name in settings.LANGUAGES])

    def address(code: str) -> str:
        with translation.override(code):
            return absolute(reverse(view_name, args=match.args, kwargs=match.kwargs))

    alternates = [(code, address(code)) for code in languages]
    current = translation.get_language()
    canonical = dict(alternates).get(current) or alternates[0][1]
    default = settings.LANGUAGE_CODE
    if len(languages) > 1 and default in languages:
        # As django.contrib.sitemaps does: the address without its prefix, which answers in the visitor's language
        # (the home at "/", the other pages through LocaleMiddleware's redirect to the prefixed address).
        alternates.append(("x-default", address(default).replace(f"/{default}/", "/", 1)))
    return {"canonical": canonical, "alternates": alternates}
