"""What axe-core flagged or a screen reader trips on at the counter, held without a browser (the axe runs themselves
are in test_axe.py): messages are a live region around a plain list (a ``<ul role="status">`` is no list any more),
today's log scrolls in a named, focusable region like every other data table, and the counter's dates are in the
page's j.n.Y format in every language (Swedish's SHORT_DATE_FORMAT is ISO 2027-10-30)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from cards.tests.factories import UseFactory
from kaikukanta.tests.world import build_world

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def world():
    return build_world()


def test_a_message_is_announced_by_a_status_region_around_a_plain_list(client, world):
    client.force_login(world.venue_staff)
    day = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(reverse("venues:late_entry"), {
        "late-number": world.card_a.number, "late-used_on": day.isoformat(), "late-children": "0",
        "late-kind": "ticket", "late-idempotency_key": "markup-1"}, follow=True)
    html = response.content.decode()
    assert re.search(r'<div class="messages" role="status">\s*<ul><li class="success">[^<]+</li></ul>\s*</div>', html)
    assert re.findall(r"<ul[^>]*\srole=", html) == []


def test_todays_log_scrolls_in_a_named_focusable_region_under_a_dated_heading(client, world):
    UseFactory(card=world.card_a, venue=world.venue_a, used_on=timezone.localdate())
    client.force_login(world.venue_staff)
    today = timezone.localdate()
    for language in ("fi", "sv", "en"):
        client.cookies["django_language"] = language
        html = client.get(reverse("venues:counter")).content.decode()
        label = {"fi": "Tämän päivän kirjaukset", "sv": "Dagens registreringar", "en": "Today's log"}[language]
        assert re.search(r'<h2 id="today-heading">[^<]*<small class="muted">(?P<day>[^<]+)</small></h2>\s*'
                         rf'<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">\s*<table', html)
        assert f'<small class="muted">{today.day}.{today.month}.{today.year}</small>' in html


def test_the_valid_until_of_a_check_is_in_the_pages_format_in_swedish_too(client, world):
    client.force_login(world.venue_staff)
    client.cookies["django_language"] = "sv"
    data = client.post(reverse("venues:check"), {"number": world.card_a.number}, **JSON).json()
    until = world.card_a.valid_until
    assert data["valid_until_display"] == f"{until.day}.{until.month}.{until.year}"
    assert data["valid_until_display"] == formats.date_format(until, "j.n.Y")
