"""Issue 13, point 4: venue staff write their venue's public texts and a regional contact the region page's, in
Finnish, Swedish and English; the public pages show the active language with Finnish fallback."""

import pytest

from kaikukanta.tests.world import build_world
from regions.models import Region
from venues.models import Offer, Venue

pytestmark = pytest.mark.django_db

VENUE_POST = {
    "public_description_fi": "Kaupunginteatteri keskustassa.", "public_description_sv": "Stadsteatern i centrum.",
    "public_description_en": "", "address_fi": "Hämeenpuisto 1, Tampere", "address_sv": "", "address_en": "",
    "public_contact_fi": "Lipputoimisto ma–pe.", "public_contact_sv": "Biljettkontoret mån–fre.",
    "public_contact_en": "", "accessibility_fi": "Esteetön sisäänkäynti.", "accessibility_sv": "",
    "accessibility_en": "Step-free entrance.",
}
REGION_POST = {"name_sv": "Område A", "name_en": "", "public_text_fi": "Tervetuloa alueelle A.",
               "public_text_sv": "Välkommen till område A.", "public_text_en": ""}
ROLES = ("anonymous", "distributor", "venue_staff", "venue_staff_b", "contact", "contact_b", "coordinator")


@pytest.fixture
def world():
    return build_world()


def _as(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def _venue_state(venue):
    return tuple(Venue.objects.filter(pk=venue.pk).values_list(
        "public_description_fi", "public_description_sv", "address_fi", "accessibility_en", "public_contact_sv",
        "public_contact").get())


def _region_state(region):
    return tuple(Region.objects.filter(pk=region.pk).values_list(
        "name_fi", "name_sv", "public_text_fi", "public_text_sv").get())


def test_venue_staff_edit_swedish_text_and_see_it_on_the_catalogue(client, world):
    _as(client, world, "venue_staff")
    url = f"/venues/{world.venue_a.pk}/public-information/"
    assert client.get(url).status_code == 200
    response = client.post(url, VENUE_POST)
    assert response.status_code == 302
    client.logout()
    sv = client.get("/sv/venues/").content.decode()
    assert "Stadsteatern i centrum." in sv
    assert "Biljettkontoret mån–fre." in sv
    assert "Hämeenpuisto 1, Tampere" in sv  # no Swedish address: the Finnish one
    assert "Kaupunginteatteri keskustassa." not in sv
    fi = client.get("/fi/venues/").content.decode()
    assert "Kaupunginteatteri keskustassa." in fi
    assert "Esteetön sisäänkäynti." in fi
    assert "Stadsteatern i centrum." not in fi
    en = client.get("/en/venues/").content.decode()
    assert "Step-free entrance." in en
    assert "Kaupunginteatteri keskustassa." in en
    venue = Venue.objects.get(pk=world.venue_a.pk)
    assert venue.public_contact_fi == "Lipputoimisto ma–pe."
    # the untranslated column keeps the Finnish text (raw SQL readers, exports)
    assert Venue.objects.filter(pk=venue.pk).values_list("public_contact", flat=True).rewrite(False).get() == (
        "Lipputoimisto ma–pe.")


def test_the_catalogue_still_says_ask_the_venue_without_accessibility_text(client, world):
    page = client.get("/en/venues/").content.decode()
    assert "Teatteri A" in page
    assert "Step-free entrance." not in page


def test_the_regional_contact_edits_the_region_page(client, world):
    _as(client, world, "contact")
    response = client.post(f"/regions/{world.region_a.pk}/public-texts/", REGION_POST)
    assert response.status_code == 302
    client.logout()
    sv = client.get(f"/sv/regions/{world.region_a.pk}/").content.decode()
    assert "Välkommen till område A." in sv
    assert "Område A" in sv
    fi = client.get(f"/fi/regions/{world.region_a.pk}/").content.decode()
    assert "Tervetuloa alueelle A." in fi
    assert "Alue A" in fi
    en = client.get(f"/en/regions/{world.region_a.pk}/").content.decode()
    assert "Tervetuloa alueelle A." in en  # Finnish fallback
    assert _region_state(world.region_a) == ("Alue A", "Område A", "Tervetuloa alueelle A.",
                                             "Välkommen till område A.")


def test_the_swedish_region_name_shows_on_staff_pages(client, world):
    Region.objects.filter(pk=world.region_a.pk).update(name_sv="Område A")
    _as(client, world, "coordinator")
    assert "Område A" in client.get("/regions/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Område A" not in client.get("/regions/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("distributor", 404), ("venue_staff", 200), ("venue_staff_b", 404), ("contact", 404),
    ("contact_b", 404), ("coordinator", 404),
])
def test_venue_public_information_permissions(client, world, role, expected):
    _as(client, world, role)
    url = f"/venues/{world.venue_a.pk}/public-information/"
    before = _venue_state(world.venue_a)
    assert client.get(url).status_code == expected
    response = client.post(url, VENUE_POST)
    assert response.status_code == (302 if expected == 200 else expected)
    if expected != 200:
        assert _venue_state(world.venue_a) == before


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", 302), ("distributor", 404), ("venue_staff", 404), ("venue_staff_b", 404), ("contact", 200),
    ("contact_b", 404), ("coordinator", 200),
])
def test_region_public_texts_permissions(client, world, role, expected):
    _as(client, world, role)
    url = f"/regions/{world.region_a.pk}/public-texts/"
    before = _region_state(world.region_a)
    get = client.get(url)
    assert get.status_code == expected, role
    response = client.post(url, REGION_POST)
    assert response.status_code == (302 if expected == 200 else expected)
    if expected != 200:
        assert _region_state(world.region_a) == before


def test_an_offer_title_in_swedish_shows_on_the_swedish_catalogue(client, world):
    _as(client, world, "venue_staff")
    response = client.post(f"/venues/offers/{world.offer_a.pk}/edit/", {
        "title": "Näytös A", "title_sv": "Föreställning A", "title_en": "", "kind": world.offer_a.kind,
        "starts_on": world.offer_a.starts_on.isoformat(), "ends_on": world.offer_a.ends_on.isoformat(),
        "quota": world.offer_a.quota or "",
    }, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 302
    client.logout()
    assert "Föreställning A" in client.get("/sv/venues/").content.decode()
    fi = client.get("/fi/venues/").content.decode()
    assert "Näytös A" in fi
    assert "Föreställning A" not in fi
    assert "Näytös A" in client.get("/en/venues/").content.decode()
    # a Swedish page wrote the Finnish title to the Finnish columns (the counter's SQL reads ``title``)
    assert Offer.objects.filter(pk=world.offer_a.pk).rewrite(False).values_list(
        "title", "title_fi", "title_sv", "title_en").get() == ("Näytös A", "Näytös A", "Föreställning A", "")


def test_the_public_text_edits_are_audited(client, world):
    from auditlog.models import LogEntry

    _as(client, world, "venue_staff")
    client.post(f"/venues/{world.venue_a.pk}/public-information/", VENUE_POST)
    entry = LogEntry.objects.get_for_object(world.venue_a).latest("timestamp")
    assert entry.actor == world.venue_staff
    assert entry.changes_dict["public_description_sv"][1] == "Stadsteatern i centrum."
    client.force_login(world.contact)
    client.post(f"/regions/{world.region_a.pk}/public-texts/", REGION_POST)
    entry = LogEntry.objects.get_for_object(world.region_a).latest("timestamp")
    assert entry.actor == world.contact
    assert entry.changes_dict["name_sv"][1] == "Område A"
