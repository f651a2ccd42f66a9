"""A region's printable list of venues and offers (issue 13, point 7): a real PDF (WeasyPrint, read back with
pdftotext) in the language of its address, listing only the region's publicly listed venues active today with their
current and coming offers, never a count of places."""

import shutil
import subprocess

import pytest

from .catalogue_world import SECRET_NUMBERS, build_catalogue_world

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")


@pytest.fixture
def w(db):
    return build_catalogue_world()


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                            check=True)
    return " ".join(result.stdout.decode().split())  # one line: names may wrap in the layout


def test_the_list_renders_in_finnish_with_the_regions_active_listed_venues_and_their_offers(client, w):
    text = pdf_text(client.get(f"/fi/regions/{w.tampere_region.pk}/list.pdf"))
    assert "Missä Kaikukortti käy: Tampere" in text
    assert "Kohteet ja tarjonta" in text
    assert "Kortti käy kaikkien Kaikukortti-alueiden kohteissa, ei vain näissä." in text
    for venue in (w.vapriikki, w.teatteri, w.opisto):
        assert venue.name in text
    for offer in (w.full_offer, w.few_offer, w.open_offer, w.course):
        assert offer.title in text
    # Ended, not yet begun, unlisted, other regions' and pop-up venues, and past offers are not on the list.
    for venue in (w.ended_venue, w.future_venue, w.unlisted, w.weegee, w.riihisaari, w.ateneum):
        assert venue.name not in text
    assert w.past_offer.title not in text
    assert "liput@vapriikki.example" in text
    for number in SECRET_NUMBERS:  # no quota, no count of places used
        assert number not in text


def test_the_list_in_swedish_and_english_has_that_languages_headings(client, w):
    swedish = pdf_text(client.get(f"/sv/regions/{w.tampere_region.pk}/list.pdf"))
    assert "Var Kaikukortet gäller: Tammerfors" in swedish  # the region's Swedish name
    assert "Aktörer och utbud" in swedish
    assert "Vapriikki" in swedish
    english = pdf_text(client.get(f"/en/regions/{w.tampere_region.pk}/list.pdf"))
    assert "Where Kaikukortti works in Tampere" in english
    assert "Venues and offers" in english


def test_a_local_only_region_says_so(client, w):
    text = pdf_text(client.get(f"/fi/regions/{w.savonlinna_region.pk}/list.pdf"))
    assert w.riihisaari.name in text
    assert "Vain paikallinen" in text


def test_a_region_that_is_not_running_today_has_no_list(client, w):
    assert client.get(f"/fi/regions/{w.ended_region.pk}/list.pdf").status_code == 404
    assert client.get("/fi/regions/999999/list.pdf").status_code == 404
