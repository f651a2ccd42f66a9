"""Pages for the public, served without sign-in: today the holder's mobile card, its status, manifest and
service worker. They read through the cards selectors and never write."""

import hashlib
import json
import os

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cards import selectors
from cards.mobile import card_is_live
from cards.models import Card
from cards.pdf import code39_svg, qr_svg


def _mobile_headers(response, *, cache: bool = True):
    response["Cache-Control"] = "private, no-cache" if cache else "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _mobile_card(token: str) -> Card | None:
    try:
        return selectors.holder_card(token)
    except selectors.NotAMobileLink as exc:
        raise Http404 from exc


@never_cache
@require_GET
def mobile_card(request, token: str):
    """Re-reads the card every time: an inactivated card's link shows only 'no longer in use'."""
    card = _mobile_card(token)
    language = card.language if card is not None and card.language else translation.get_language()
    with translation.override(language):
        if not card_is_live(card):
            return _mobile_headers(render(request, "public/mobile_gone.html", {"token": token}, status=410),
                                   cache=False)
        today = timezone.localdate()
        response = render(request, "public/mobile.html", {
            "card": card, "token": token, "uses": selectors.holder_uses(card), "today": today,
            "expired": card.is_expired_on(today),
            "number_qr": qr_svg(card.number, scale=6, title=card.display_number),
            "number_barcode": code39_svg(card.number, title=card.display_number),
            "status_version": _status_version(card),
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
    assets = [static("vendor/pico-2.1.1.min.css"), static("cards/mobile.css"), static("js/mobile-card.js")]
    source = source.replace("/*ASSETS*/[]", json.dumps(assets))
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("cards:mobile_scope")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def mobile_scope(request):
    raise Http404
