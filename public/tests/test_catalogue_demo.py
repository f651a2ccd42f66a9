"""The catalogue's acceptance on the demo data (issue 13): ``seed_demo --small`` as a visitor finds it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from devdata.demo import SAVONLINNA_VENUE, VAPRIIKKI_OFFER
from regions.models import Municipality
from venues.models import Offer, Venue

pytestmark = pytest.mark.django_db


def names(html: str) -> list[str]:
    return re.findall(r'<h3 id="venue-\d+">([^<]+)</h3>', html)


def test_the_demo_catalogue_meets_the_acceptance(client):
    call_command("seed_demo", "--small", stdout=StringIO())
    tampere = Municipality.objects.get(code="837")
    espoo_venues = set(Venue.objects.filter(municipality__code="049").values_list("name", flat=True))
    ateneum = Venue.objects.get(name="Ateneum")

    assert names(client.get("/fi/venues/?q=vapriikki").content.decode()) == ["Vapriikki"]
    html = client.get("/fi/venues/?q=ateneum").content.decode()
    assert names(html) == ["Ateneum"]
    assert f"{ateneum.active_from.day}.{ateneum.active_from.month}.{ateneum.active_from.year}–" in html
    assert names(client.get("/fi/venues/?q=kiasma").content.decode()) == []  # campaign ended 31.12.2025

    tampere_page = client.get(f"/fi/venues/?municipality={tampere.pk}").content.decode()
    assert names(tampere_page)
    assert not espoo_venues & set(names(tampere_page))

    savonlinna = client.get("/en/venues/?q=riihisaari").content.decode()
    assert names(savonlinna) == [SAVONLINNA_VENUE]
    assert "Only for cards issued in Savonlinna." in savonlinna

    assert "Museum · Tammerfors ·" in client.get("/sv/venues/?q=vapriikki").content.decode()

    Offer.objects.filter(title=VAPRIIKKI_OFFER).update(used_count=F("quota"))
    html = client.get("/en/venues/?q=vapriikki").content.decode()
    assert re.search(rf"{re.escape(VAPRIIKKI_OFFER)}</strong>.*?availability-full\">full<", html, re.S)
