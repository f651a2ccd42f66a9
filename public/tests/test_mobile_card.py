"""Mobile card: signed link, no login, the holder's own uses, offline manifest and service worker;
inactivating the card kills the link at once."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from cards import holder, services
from cards.mobile import card_pk_from_token, mobile_path, mobile_token
from cards.models import CardEvent
from cards.tests.factories import UseFactory
from cards.tests.web import build_world, card_for
from venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_token_is_signed_and_a_forged_one_is_rejected(world):
    card = card_for(world.office, world.tampere)
    token = mobile_token(card)

    assert card_pk_from_token(token) == card.pk
    forged = token.replace(token.split(":")[0], mobile_token(card_for(world.office, world.tampere)).split(":")[0])
    assert card_pk_from_token(forged) is None
    assert card_pk_from_token("1") is None
    assert card_pk_from_token("") is None


def test_handover_page_shows_the_link_as_qr_and_records_it(client, world):
    card = card_for(world.office, world.tampere)
    client.force_login(world.jakaja)

    assert "mobile_url" not in client.get(reverse("cards:handover", args=[card.pk])).context  # nothing on GET
    assert not card.events.exists()
    response = client.post(reverse("cards:handover", args=[card.pk]), {"action": "link"})

    assert response.status_code == 200
    # Issue 14: a random link stored hashed, not derived from the card.
    token = response.context["mobile_url"].removeprefix("http://testserver/cards/m/").rstrip("/")
    assert holder.card_by_token(token) == card
    assert "<svg" in response.content.decode()
    assert list(card.events.values_list("kind", "by")) == [(CardEvent.Kind.MOBILE_LINK, world.jakaja.pk)]


def test_mobile_page_needs_no_login_and_shows_the_card_and_own_uses(client, world):
    card = card_for(world.office, world.tampere, children=2, language="sv")
    venue = VenueFactory(name="Vapriikki", region=world.region)
    UseFactory(card=card, venue=venue, children=1)
    UseFactory(card=card, venue=VenueFactory(name="Peruttu paikka", region=world.region),
               cancelled_at=timezone.now(), cancel_reason="väärä kortti")
    other = card_for(world.office, world.tampere)
    UseFactory(card=other, venue=VenueFactory(name="Toisen kortin paikka", region=world.region))

    response = client.get(mobile_path(card))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert card.display_number in html
    assert card.valid_until.strftime("%-d.%-m.%Y") in html
    assert [u.venue.name for u in response.context["uses"]] == ["Vapriikki"]
    uses = html.split('id="uses-title"')[1].split("</section>")[0]  # the venues are listed under "where" too
    assert "Vapriikki" in uses
    assert "Peruttu paikka" not in uses
    assert "Toisen kortin paikka" not in uses
    assert reverse("cards:mobile_manifest", args=[mobile_token(card)]) in html
    assert 'data-sw-url="/cards/m/sw.js"' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"


def test_inactivating_the_card_kills_the_link_at_once(client, world):
    card = card_for(world.office, world.tampere, children=2, language="en")
    token = mobile_token(card)
    assert client.get(reverse("cards:mobile_status", args=[token])).json()["active"] is True

    services.card_inactivate(user=world.jakaja, card=card, reason="lost")

    page = client.get(reverse("cards:mobile", args=[token]))
    assert page.status_code == 410
    html = page.content.decode()
    assert "no longer in use" in html
    assert card.number not in html
    assert card.display_number not in html
    status = client.get(reverse("cards:mobile_status", args=[token]))
    assert (status.status_code, status.json()) == (410, {"active": False})
    assert status["Cache-Control"] == "no-store"


def test_renewal_changes_the_status_version_so_an_open_page_reloads(client, world):
    card = card_for(world.office, world.tampere, valid_until=timezone.localdate())
    url = reverse("cards:mobile_status", args=[mobile_token(card)])
    before = client.get(url).json()["version"]

    services.card_renew(user=world.jakaja, card=card)

    assert client.get(url).json()["version"] != before


def test_tampered_links_answer_404(client, world):
    card = card_for(world.office, world.tampere)
    token = mobile_token(card)
    assert client.get(reverse("cards:mobile", args=[token + "x"])).status_code == 404
    assert client.get(reverse("cards:mobile", args=[str(card.pk)])).status_code == 404


def test_manifest_starts_at_the_card_and_is_installable(client, world):
    card = card_for(world.office, world.tampere)
    token = mobile_token(card)

    response = client.get(reverse("cards:mobile_manifest", args=[token]))

    manifest = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["start_url"] == reverse("cards:mobile", args=[token])
    assert manifest["scope"] == "/cards/m/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_service_worker_is_served_at_the_mobile_scope_network_first(client):
    response = client.get(reverse("cards:service_worker"))

    source = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/cards/m/"
    assert reverse("cards:service_worker").startswith("/cards/m/")
    assert "networkFirst" in source
    assert "/static/js/mobile-card.js" in source
