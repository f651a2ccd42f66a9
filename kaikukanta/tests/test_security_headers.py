"""Finding 12: a Content-Security-Policy on every page (no inline script runs), and card data never cached."""

import os
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from cards import holder
from cards.mobile import mobile_path
from cards.models import Card
from devdata.demo import DEMO_CARDS

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--small", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _client(username: str | None = None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _card(key: str = "tampere_valid") -> Card:
    return Card.objects.get(number=DEMO_CARDS[key])


def _pages() -> list[tuple[str, str | None]]:
    card = _card()
    return [
        ("/accounts/login/", None),
        ("/venues/counter/", "kohde-vapriikki"),
        ("/cards/register/", "jakaja-tampere"),
        ("/cards/", "jakaja-tampere"),
        (f"/cards/{card.pk}/", "jakaja-tampere"),
        (mobile_path(card), None),  # the signed link of before works until the card's first handover (issue 14)
        (f"/cards/{card.pk}/mobile/", "jakaja-tampere"),
        ("/reports/national/", "koordinaattori"),
        ("/reports/regional/", "alue-tampere"),
        ("/profile/", "jakaja-tampere"),
        ("/en/card/activate/", None),
    ]


def _activated_link() -> str:
    """Issue 14: the mobile card opened with an activation code, with its live code and its script."""
    card = _card()
    code = holder.activation_code_issue(user=get_user_model().objects.get(username="jakaja-tampere"), card=card)
    return reverse("cards:mobile", kwargs={"token": holder.activate(number=card.number, code=code, address="-")})


def test_every_main_page_has_the_policy_and_no_inline_script_handler_or_style(demo):
    for path, username in [*_pages(), (None, None)]:
        path = path or _activated_link()
        response = _client(username).get(path)
        html = response.content.decode()
        policy = response["Content-Security-Policy"]

        assert response.status_code == 200, path
        assert "script-src 'self' 'wasm-unsafe-eval'" in policy, path
        assert "'unsafe-inline'" not in policy, path
        assert "'unsafe-eval'" not in policy, path
        for directive in ("default-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'self'",
                          "form-action 'self'", "frame-ancestors 'none'"):
            assert directive in policy, (path, directive)
        assert INLINE_SCRIPT.findall(html) == [], path
        assert INLINE_HANDLER.findall(html) == [], path
        assert INLINE_STYLE.findall(html) == [], path
        assert "<script" in html, path  # the page does have scripts: from files


def test_pages_with_card_data_are_never_stored(demo):
    card = _card()
    staff = _client("jakaja-tampere")
    venue = _client("kohde-vapriikki")
    counter = venue.get("/venues/counter/")
    token = Token.objects.create(user=get_user_model().objects.get(username="kohde-vapriikki"))
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    answers = {
        "card list": staff.get("/cards/"),
        "card detail": staff.get(f"/cards/{card.pk}/"),
        "handover": staff.get(f"/cards/{card.pk}/mobile/"),
        "handover's QR": staff.post(f"/cards/{card.pk}/mobile/", {"action": "link"}),
        "register": staff.get("/cards/register/"),
        "counter": counter,
        "counter check": venue.post("/venues/counter/check/", {"number": card.number},
                                    HTTP_ACCEPT="application/json"),
        "api check": api.get(f"/api/v1/cards/{card.number}/check/"),
        "api uses": api.get("/api/v1/uses/"),
    }

    for what, response in answers.items():
        assert response.status_code in (200, 400, 422), (what, response.status_code)
        assert "no-store" in response["Cache-Control"], what
    print_pdf = staff.post(f"/cards/{card.pk}/print.pdf", follow=True)
    assert print_pdf["Content-Type"] == "application/pdf"
    assert print_pdf["Cache-Control"] == "no-store"


def test_the_public_mobile_card_keeps_its_own_caching(demo):
    response = Client().get(mobile_path(_card()))

    assert response["Cache-Control"] == "private, no-cache, max-age=0, no-store, must-revalidate"  # as it sets
    assert response["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_only_signed_in_answers_are_marked_no_store(db):
    signed_out = Client().get("/api/docs/")
    signed_in = _client_for(get_user_model().objects.create_user("docs-reader")).get("/api/docs/")

    assert "Cache-Control" not in signed_out
    assert signed_in["Cache-Control"] == "private, no-store"


def test_the_api_docs_load_their_setup_script_from_a_file(db):
    page = Client().get("/api/docs/")
    html = page.content.decode()
    script = Client().get("/api/docs/?script=")

    assert page.status_code == 200
    assert INLINE_SCRIPT.findall(html) == []
    assert "style-src 'self' 'unsafe-inline'" in page["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in page["Content-Security-Policy"]
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
