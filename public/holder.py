"""The holder's own pages (issue 14): activate the mobile card with the number and the activation code printed on
the paper card, the page a withdrawn link shows, and the live code the open mobile card fetches every 30 seconds.
The rules are ``cards.holder``'s; these pages only ask them."""

from django import forms
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cards import holder, selectors
from cards.mobile import card_is_live
from cards.pdf import qr_svg
from core.errors import DomainError


class ActivateForm(forms.Form):
    number = forms.CharField(label=_("Card number"), max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text",
                                                           "autocapitalize": "characters", "spellcheck": "false"}))
    code = forms.CharField(label=_("Activation code"), max_length=40,
                           help_text=_("Eight letters and digits, printed under the card number, e.g. 7K3M-Q9XA."),
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "autocapitalize": "characters", "spellcheck": "false"}))


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request):
    """Number + activation code → the mobile card on this phone (a new link; the code is used up)."""
    form = ActivateForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token = holder.activate(number=form.cleaned_data["number"], code=form.cleaned_data["code"],
                                        address=_address(request))
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.http_status
            else:
                return redirect("cards:mobile", token=token)
        else:
            status = 400
    # No "no-referrer" here: Chromium would then send "Origin: null" with the form and CSRF would refuse it.
    return render(request, "public/holder_activate.html", {"form": form}, status=status)


def withdrawn(request):
    """What an old link shows once withdrawn: how to get the card on the phone again."""
    response = render(request, "public/holder_withdrawn.html", {}, status=410)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# The language switch of the holder's page: each language named in itself.
LANGUAGE_NAMES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]


def live_context(card) -> dict:
    """The live code part of the mobile card page (only a card with its secret shows one).

    The page gets the card's secret too: the phone computes the code itself every 30 seconds, so the card works
    offline (for ``OFFLINE_LIVE_DAYS`` after its last check). A screenshot is still worthless, and the secret is new
    with every activation and gone with a withdrawal (``cards.holder``)."""
    if not card.live_secret:
        return {}
    payload = holder.live_payload(card)
    return {"live_code": payload.rsplit(":", 1)[1], "live_qr": qr_svg(payload, scale=6, title=card.display_number),
            "live_seconds": holder.seconds_left(), "live_secret": card.live_secret,
            "live_prefix": f"{holder.PAYLOAD_PREFIX}{card.number}:", "live_step": holder.LIVE_STEP_SECONDS,
            "offline_days": holder.OFFLINE_LIVE_DAYS}


@never_cache
@require_GET
def live(request, token: str):
    """The mobile card's current live code: payload, short code, QR (SVG) and the seconds it stays live."""
    try:
        card = selectors.holder_card(token)
    except (selectors.NotAMobileLink, selectors.MobileLinkWithdrawn):
        card = None
    if not card_is_live(card) or not card.live_secret:
        response = JsonResponse({"active": False}, status=410)
    else:
        context = live_context(card)
        response = JsonResponse({"active": True, "code": context["live_code"], "svg": str(context["live_qr"]),
                                 "seconds_left": context["live_seconds"],
                                 "card_url": reverse("cards:mobile", kwargs={"token": token})})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
