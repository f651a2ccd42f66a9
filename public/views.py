"""Pages for the public, served without sign-in: the public home (what the card is, who gets it, how to use it), the
plain-language Finnish page, the accessibility statement and the privacy notice, robots.txt; the holder's mobile card,
its status, manifest and service worker. They read through the selectors and settings of the apps below and never
write."""

import datetime
import hashlib
import json
import os
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from cards import selectors
from cards.mobile import card_is_live
from cards.models import Card
from cards.pdf import code39_svg, qr_svg
from core import views as core_views
from regions.models import NationalSettings

from . import catalogue, contacts, holder


def _mobile_headers(response, *, cache: bool = True):
    response["Cache-Control"] = "private, no-cache" if cache else "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _mobile_card(token: str, *, withdrawn_as_gone: bool = True) -> Card | None:
    try:
        return selectors.holder_card(token)
    except selectors.NotAMobileLink as exc:
        raise Http404 from exc
    except selectors.MobileLinkWithdrawn:
        if withdrawn_as_gone:
            return None
        raise


HOLDER_USES_MONTHS = 24  # the holder's page lists the uses of the last two years
HOLDER_USES_SHOWN = 500


def _months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (day.day, 30, 29, 28):  # 29 February, 31 March… → the month's last day
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _mobile_language(request, card: Card | None) -> str:
    """The page's language: the holder's choice on the page (``?lang=``), else the card's, else the request's."""
    chosen = request.GET.get("lang", "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return card.language if card is not None and card.language else translation.get_language()


@never_cache
@require_GET
def mobile_card(request, token: str):
    """The holder's page (issue 14, point 4): the card with its live code, validity, children, own uses of the last
    24 months, where the card works, how to renew, what is stored; fi/sv/en by ``?lang=``. Re-reads the card every
    time: an inactivated card's link shows only 'no longer in use'."""
    try:
        card = _mobile_card(token, withdrawn_as_gone=False)
    except selectors.MobileLinkWithdrawn:
        return holder.withdrawn(request)  # issue 14: how to get the card on the phone again
    language = _mobile_language(request, card)
    with translation.override(language):
        if not card_is_live(card):
            return _mobile_headers(render(request, "public/mobile_gone.html", {"token": token}, status=410),
                                   cache=False)
        today = timezone.localdate()
        page_url = reverse("cards:mobile", kwargs={"token": token})
        response = render(request, "public/mobile.html", {
            "card": card, "token": token, "today": today,
            "uses": selectors.holder_uses(card, limit=HOLDER_USES_SHOWN,
                                          since=_months_before(today, HOLDER_USES_MONTHS)),
            "uses_months": HOLDER_USES_MONTHS,
            "expired": card.is_expired_on(today),
            "rules": NationalSettings.current(),
            "where": catalogue.holder_venues(card, today) if card.kind == Card.Kind.PERSONAL else None,
            "region_url": reverse("public:region", args=[card.region_id]) if card.region_id else "",
            "page_languages": [(code, name, f"{page_url}?lang={code}") for code, name in holder.LANGUAGE_NAMES],
            "checked_at": int(timezone.now().timestamp() * 1000),
            "number_qr": qr_svg(card.number, scale=6, title=card.display_number),
            "number_barcode": code39_svg(card.number, title=card.display_number),
            "status_version": _status_version(card),
            **holder.live_context(card),
        })
    return _mobile_headers(response)


def _status_version(card: Card) -> str:
    raw = f"{card.status}|{card.valid_until}|{card.children}"
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


@require_GET
def mobile_status(request, token: str):
    """Polled by the open mobile card so an inactivation shows at once (and renewals refresh the page)."""
    card = _mobile_card(token)
    if not card_is_live(card):
        return _mobile_headers(JsonResponse({"active": False}, status=410), cache=False)
    return _mobile_headers(JsonResponse({
        "active": True, "valid_until": card.valid_until.isoformat(), "version": _status_version(card),
        "now": int(timezone.now().timestamp() * 1000),  # the phone's clock may be wrong: its live code corrects by it
    }), cache=False)


@require_GET
def mobile_manifest(request, token: str):
    card = _mobile_card(token)
    language = card.language if card is not None and card.language else translation.get_language()
    with translation.override(language):
        manifest = {
            "name": _("Kaikukortti – mobile card"),
            "short_name": "Kaikukortti",
            "lang": language,
            "start_url": reverse("cards:mobile", kwargs={"token": token}),
            "scope": reverse("cards:mobile_scope"),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5563",
            "icons": [
                {"src": static("cards/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("cards/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("cards/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        }
    response = HttpResponse(json.dumps(manifest), content_type="application/manifest+json")
    return _mobile_headers(response, cache=False)


@require_GET
def service_worker(request):
    """Served under /cards/m/ so that its scope covers every mobile card page (and nothing else)."""
    path = finders.find("cards/sw.js") or os.path.join(settings.STATIC_ROOT, "cards", "sw.js")
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    assets = [static("vendor/pico-2.1.1.min.css"), static("cards/mobile.css"), static("js/mobile-card.js"),
              static("js/holder-card.js"), static("vendor/qrcode-generator-2.0.4.js")]
    source = source.replace("/*ASSETS*/[]", json.dumps(assets))
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("cards:mobile_scope")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def mobile_scope(request):
    raise Http404


# --- the public service's pages (/, /fi/ /sv/ /en/ …) -------------------------------------------------------------

# When the statements were last checked against the service; change it whenever their content changes.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 29)
PRIVACY_NOTICE_DATE = datetime.date(2026, 11, 29)


@require_safe
def home(request):
    """``/``: signed-in staff go on to their work page as before (core.views.home); everybody else gets the public
    home in the language of their cookie or browser, Finnish by default. The same page lives at /fi/, /sv/ and /en/
    for sharing, and this one names the one in its language as canonical."""
    if request.user.is_authenticated:
        return core_views.home(request)
    return home_page(request)


@require_safe
def home_page(request):
    return render(request, "public/home.html", {
        "rules": NationalSettings.current(), "national_website": contacts.NATIONAL_WEBSITE,
    })


@require_safe
def plain_language(request):
    """Selkokieli is Finnish: in another language the address leads to that language's home page (what someone
    who switches the language on this page wants)."""
    if translation.get_language() != "fi":
        return redirect("public:home")
    return render(request, "public/plain_language.html", {
        "rules": NationalSettings.current(), "page_languages": ["fi"],
    })


@require_safe
def accessibility(request):
    return render(request, "public/accessibility.html", {
        "statement_date": ACCESSIBILITY_STATEMENT_DATE, "contact": contacts.REGISTRY_CONTACT,
    })


@require_safe
def privacy(request):
    return render(request, "public/privacy.html", {
        "rules": NationalSettings.current(), "notice_date": PRIVACY_NOTICE_DATE,
        "contact": contacts.REGISTRY_CONTACT, "controller": contacts.CONTROLLER,
    })


# Staff areas are no business of a search engine (they answer the sign-in page anyway); the public pages are listed
# in the sitemap.
ROBOTS_DISALLOW = ["/accounts/", "/admin/", "/api/", "/cards/", "/i18n/", "/invitations/", "/offices/", "/profile/",
                   "/reports/", "/staff/", "/venues/"]


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
             f"Sitemap: {settings.SITE_URL.rstrip('/')}{reverse('sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def set_language(request):
    """Django's set_language, resolving ``next`` in its own language first.

    ``translate_url`` (which turns /fi/privacy/ into /sv/privacy/) resolves the address with the *active* language's
    prefix only, and the active language of this request is the cookie's or the browser's, not necessarily the
    page's: someone reading /fi/… with an English browser would stay on the Finnish page. Activating the language of
    ``next``'s prefix first makes the switch land on the same page in the chosen language."""
    next_url = request.POST.get("next", request.GET.get("next"))
    if next_url and (language := translation.get_language_from_path(urlsplit(next_url).path)):
        translation.activate(language)
    return i18n_views.set_language(request)
