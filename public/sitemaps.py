"""sitemap.xml: every public page in each of its languages, with its hreflang alternates (django.contrib.sitemaps).

Addresses are absolute on ``SITE_URL`` (the public origin), never on the request's Host header. A new public page
adds its URL name here: to ``PAGES`` if it exists in fi, sv and en, to ``FINNISH_PAGES`` if only in Finnish; a page
with one address per object (a region) gets its own Sitemap class with ``items()`` returning the objects.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from regions.selectors import public_regions

PAGES = ["public:home", "public:catalogue", "public:regions", "public:accessibility", "public:privacy",
         "public:figures"]
FINNISH_PAGES = ["public:plain_language"]


class _OnSiteUrl(Sitemap):
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def location(self, item):
        return reverse(item)


class PublicPages(_OnSiteUrl):
    i18n = True  # one <url> per language, the language active while reversing: /fi/…, /sv/…, /en/…
    alternates = True
    x_default = True  # x-default: the Finnish address, the service's default language
    changefreq = "monthly"

    def items(self):
        return PAGES


class FinnishPages(_OnSiteUrl):
    i18n = True
    languages = ["fi"]
    changefreq = "monthly"

    def items(self):
        return FINNISH_PAGES


class RegionPages(_OnSiteUrl):
    """The page of every network running today, in each language."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return list(public_regions(timezone.localdate()).values_list("pk", flat=True))

    def location(self, item):
        return reverse("public:region", args=[item])


SITEMAPS = {"pages": PublicPages, "fi": FinnishPages, "regions": RegionPages}
