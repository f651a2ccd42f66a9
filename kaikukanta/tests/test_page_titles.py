"""Every page's <title> reads "<page title> – Kaikukanta" (WCAG 2.4.2), or "Kaikukanta" when the page has none;
before, base.html's ``{% if self.title %}`` (not Django) ran the two together: "Rekisteröi korttiKaikukanta"."""

import re

import pytest
from django.template import engines
from django.urls import reverse

from cards.tests.web import build_world, card_for

pytestmark = pytest.mark.django_db


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


@pytest.mark.parametrize(("language", "expected"), [
    ("fi", "Rekisteröi kortti – Kaikukanta"), ("sv", "Registrera ett kort – Kaikukanta"),
    ("en", "Register a card – Kaikukanta"),
])
def test_a_page_title_is_followed_by_a_dash_and_the_site_name(client, language, expected):
    world = build_world()
    client.force_login(world.jakaja)
    client.cookies["django_language"] = language
    assert title_of(client.get(reverse("cards:register"))) == expected


def test_a_title_with_a_number_keeps_one_space(client):
    world = build_world()
    card = card_for(world.office, world.tampere)
    client.force_login(world.jakaja)
    assert title_of(client.get(reverse("cards:detail", args=[card.pk]))) == f"Card {card.display_number} – Kaikukanta"
    client.logout()
    assert title_of(client.get(reverse("account_login"))) == "Sign in – Kaikukanta"  # allauth's pages too


def test_a_page_without_a_title_is_just_the_site_name(rf):
    template = engines["django"].from_string('{% extends "base.html" %}{% block content %}x{% endblock %}')
    html = template.render({}, rf.get("/"))
    assert "<title>Kaikukanta</title>" in html
    escaped = engines["django"].from_string('{% extends "base.html" %}{% block title %}  {{ name }}\n B {% endblock %}')
    escaped = escaped.render({"name": "A & <b>"}, rf.get("/"))
    assert "<title>A &amp; &lt;b&gt; B – Kaikukanta</title>" in escaped
