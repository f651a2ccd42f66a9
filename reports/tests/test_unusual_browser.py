"""Issue 11: the weekly list of unusually many uses in real Chromium, as the Tampere contact sees it: linked from the
regional dashboard, reflowing at 390 and 320 px (the table scrolls in its own region), no CSP violation, and no
critical or serious axe-core violation.

Data: ``seed_demo --small`` (its fixed uses are a week old: in the last complete week) plus six uses of a demo card in
that week.
"""

import datetime
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from cards import numbers
from cards.models import Card
from cards.tests.factories import UseFactory
from devdata.demo import DEMO_CARDS
from kaikukanta.tests.browser import watch_csp
from reports.selectors import week_start
from venues.models import Venue

TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def open_as(chromium, live_server, transactional_db):
    call_command("seed_demo", "--small", stdout=open(os.devnull, "w"))  # noqa: SIM115
    card = Card.objects.get(number=DEMO_CARDS["tampere_children"])
    last_monday = week_start(timezone.localdate()) - datetime.timedelta(days=7)
    for venue_name, count in (("Vapriikki", 4), ("Tampereen Taidemuseo", 2)):
        venue = Venue.objects.get(name=venue_name, region=card.region)
        for day in range(count):
            UseFactory(card=card, venue=venue, used_on=last_monday + datetime.timedelta(days=day))
    contexts = []

    def open_page(username: str, path: str, **options):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        context = chromium.new_context(base_url=live_server.url, locale="en-GB", **options)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        violations = [] if options.get("bypass_csp") else watch_csp(context)
        page = context.new_page()
        page.goto(path)
        return page, violations, card

    yield open_page
    for context in contexts:
        context.close()


def test_the_contact_follows_the_dashboards_link_and_the_page_reflows(open_as):
    page, violations, card = open_as("alue-tampere", "/reports/regional/")
    with page.expect_navigation():
        page.get_by_role("link", name="Cards with unusually many uses in a week").click()
    assert page.locator("h1").inner_text() == "Unusually many uses in a week"
    row = page.locator("tbody tr").filter(has_text=numbers.mask(card.number))
    assert " ".join(row.inner_text().split()) == (
        f"{numbers.mask(card.number)} 8 Vapriikki (5), Tampereen Taidemuseo (2), Ateneum (1)")  # + the demo's 2
    assert card.number not in page.content()
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert violations == []


def test_the_page_has_no_critical_or_serious_axe_violation(open_as):
    page, _violations, _card = open_as("alue-tampere", "/reports/unusual/", bypass_csp=True)
    page.locator("table").first.wait_for()
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
    assert [f"{v['id']}: {[node['target'] for node in v['nodes']]}" for v in blocking] == []
