"""The distributor journey in real Chromium: sign in as jakaja-tampere, register a card (the number
typed like a USB scanner does, Enter moving on), print it, open its mobile card (also offline), renew,
replace; another office's card answers 404.

Data: ``seed_demo --small``. Skipped without /usr/bin/chromium unless REQUIRE_BROWSER=1 (CI), where a
missing browser fails.
"""

import datetime
import os
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from cards import numbers
from cards.models import Card, CardEvent
from devdata.demo import DEMO_CARDS
from kaikukanta.tests.browser import watch_csp

TIMEOUT_MS = 15_000
NEW_NUMBER = "BRWSRTST" + numbers.check_character("BRWSRTST")
REPLACEMENT = "BRWSRNEW" + numbers.check_character("BRWSRNEW")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




@pytest.fixture
def demo(chromium, transactional_db):
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--small", stdout=devnull)


def test_distributor_registers_prints_hands_over_renews_and_replaces(chromium, live_server, demo):
    assert not Card.objects.filter(number__in=[NEW_NUMBER, REPLACEMENT]).exists()
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    violations = watch_csp(context)
    page = context.new_page()

    # Sign in with the keyboard; the distributor lands on the card list.
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', "jakaja-tampere")
    page.fill('input[name="password"]', settings.DEMO_PASSWORD)
    page.press('input[name="password"]', "Enter")
    page.wait_for_url(re.compile(r"/cards/$"))

    # Register: the scanner "types" the number and presses Enter, which moves on instead of submitting.
    page.click('a[href="/cards/register/"]')
    page.wait_for_url(re.compile(r"/cards/register/$"))
    assert page.evaluate("document.activeElement.name") == "number"
    page.keyboard.type(numbers.display(NEW_NUMBER).lower())
    page.keyboard.press("Enter")
    assert page.url.endswith("/cards/register/")
    assert page.evaluate("document.activeElement.name") == "format"
    assert page.input_value('input[name="number"]') == numbers.display(NEW_NUMBER)
    page.fill('input[name="birth_year"]', "1984")
    page.fill('input[name="children"]', "2")
    page.fill('input[name="home_municipality"]', "Tampere (837)")
    page.fill('input[name="postal_code"]', "33100")
    page.check('input[name="language"][value="sv"]')
    page.press('input[name="postal_code"]', "Enter")
    page.wait_for_url(re.compile(r"/cards/\d+/$"))
    card = Card.objects.get(number=NEW_NUMBER)
    assert (card.birth_year, card.children, card.language, card.home_municipality.code) == (1984, 2, "sv", "837")
    assert numbers.display(NEW_NUMBER) in page.inner_text("h1")

    # Print: the button posts (in a new tab), the PDF follows; recorded in the history. Fetching the PDF again (a
    # viewer saving it) prints nothing new.
    pdf_url = f"/cards/{card.pk}/print.pdf"
    opened = lambda r: r.url.endswith(pdf_url) and r.request.method == "GET"  # noqa: E731 - in the new tab
    with page.context.expect_event("response", opened) as answer:
        page.click("#print-card")
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    assert card.events.filter(kind=CardEvent.Kind.PRINTED).count() == 1
    again = page.request.get(pdf_url)
    assert again.status == 200
    assert again.body()[:4] == b"%PDF"
    assert card.events.filter(kind=CardEvent.Kind.PRINTED).count() == 1
    for other_page in page.context.pages:
        if other_page != page:
            other_page.close()

    # Hand over the mobile card: the client's phone opens the link without signing in, and keeps it offline.
    page.click(f'a[href="/cards/{card.pk}/mobile/"]')
    page.click("#issue-link")
    mobile_url = page.input_value("#mobile-url")
    phone = chromium.new_context(locale="sv-FI")
    phone.set_default_timeout(TIMEOUT_MS)
    phone_violations = watch_csp(phone)
    mobile = phone.new_page()
    mobile.goto(mobile_url)
    assert numbers.display(NEW_NUMBER) in mobile.inner_text(".number")
    scope = mobile.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/cards/m/")
    mobile.reload()  # now controlled by the service worker
    assert mobile.evaluate("navigator.serviceWorker.controller !== null")
    phone.set_offline(True)
    mobile.reload()
    assert numbers.display(NEW_NUMBER) in mobile.inner_text(".number")
    phone.set_offline(False)

    # Renew, confirmed on its own page.
    page.goto(f"/cards/{card.pk}/")
    page.click(f'a[href="/cards/{card.pk}/renew/"]')
    page.wait_for_url(re.compile(r"/renew/$"))
    page.click('main form button[type="submit"]')
    page.wait_for_url(re.compile(rf"/cards/{card.pk}/$"))
    card.refresh_from_db()
    assert card.valid_until == timezone.localdate() + datetime.timedelta(days=365)
    assert card.events.filter(kind=CardEvent.Kind.RENEWED).count() == 1

    # Replace the lost card with a new pre-printed one: scanner again, then confirm.
    page.click(f'a[href="/cards/{card.pk}/replace/"]')
    page.wait_for_url(re.compile(r"/replace/$"))
    page.wait_for_function("document.activeElement && document.activeElement.name === 'number'")
    page.keyboard.type(REPLACEMENT)
    page.keyboard.press("Enter")
    assert page.url.endswith("/replace/")
    assert numbers.normalize(page.input_value('input[name="number"]')) == REPLACEMENT
    page.click('form.card-form button[type="submit"]')
    try:
        page.wait_for_url(re.compile(r"/cards/\d+/$"))
    except Exception as exc:  # say what the page showed instead of a bare time-out
        raise AssertionError(f"replace did not finish: {page.url}\n{page.inner_text('main')}") from exc
    new = Card.objects.get(number=REPLACEMENT)
    card.refresh_from_db()
    assert page.url.endswith(f"/cards/{new.pk}/")
    assert (card.status, new.replaces_id, new.children) == ("inactive", card.pk, 2)

    # The old card's mobile link is dead at once, even with the service worker in between.
    gone = mobile.goto(mobile_url)
    assert gone.status == 410
    assert mobile.locator("article.gone").count() == 1
    assert numbers.display(NEW_NUMBER) not in mobile.content()

    # Another office's card answers 404 to the same user.
    other = Card.objects.get(number=DEMO_CARDS["savonlinna_valid"])
    assert page.goto(f"/cards/{other.pk}/").status == 404
    assert page.goto(f"/cards/{other.pk}/print.pdf").status == 404

    assert violations + phone_violations == []  # every page ran under the CSP without a blocked script or style
    # ... and the watch would have seen one: an inline script is refused and reported.
    page.goto(f"/cards/{card.pk}/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
                  " document.body.append(s); }")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran === undefined")
    assert len(violations) == 1
    assert "script-src" in violations[0]
    phone.close()
    context.close()
