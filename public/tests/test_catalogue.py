"""The public catalogue "Where the card works" and the region pages (issue 13, points 2 and 3, and their acceptance):
which venues are listed, the filters as GET parameters, the local-only and pop-up notes, names in the page's language,
availability as one word and never a count of uses, the listed offices and contact persons, bounded queries."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from public.tests.catalogue_world import SECRET_NUMBERS, build_catalogue_world
from venues.models import Category, Offer
from venues.selectors import Availability, availability
from venues.tests.factories import OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL.rstrip("/")


@pytest.fixture
def w():
    return build_catalogue_world()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def venue_names(html: str) -> list[str]:
    return re.findall(r'<h3 id="venue-\d+">([^<]+)</h3>', html)


def article(html: str, name: str) -> str:
    """The venue's own block of the catalogue page."""
    start = html.index(f">{name}</h3>")
    end = html.find("</article>", start)
    return html[start:end]


def d(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


# --- which venues ---------------------------------------------------------------------------------------------------

def test_catalogue_lists_active_venues_and_popups_in_their_campaign_and_nothing_ended_or_unlisted(client, w):
    html = page(client, "/fi/venues/")

    assert venue_names(html) == ["Ateneum", "Riihisaari – Savonlinnan museo", "Tampereen Teatteri",
                                 "Tampereen työväenopisto", "Vapriikki", "WeeGee-talo"]
    assert "6 kohdetta" in html
    ateneum = article(html, "Ateneum")
    assert f"käy kampanjan ajan, {d(w.ateneum.active_from)}–{d(w.ateneum.active_until)}" in ateneum
    for gone in ("Suljettu näyttämö", "Kiasma", "Tuleva sali", "Listaamaton kohde", "Loppuneen alueen museo"):
        assert gone not in html


def test_a_venue_shows_its_category_municipality_region_website_ticket_contact_and_accessibility(client, w):
    html = article(page(client, "/en/venues/"), "Vapriikki")

    assert f'Museum · Tampere · <a href="/en/regions/{w.tampere_region.pk}/">Region Tampere</a>' in html
    assert '<a href="https://vapriikki.example/" rel="noopener">' in html
    assert "Lipunmyynti Vapriikin aulassa ti–su 10–18." in html
    assert '<a href="tel:+358400000100">+358 40 000 0100</a>' in html
    assert '<a href="mailto:liput@vapriikki.example">' in html
    assert "state your Kaikukortti number" in html
    assert "service fee" in html
    assert "<dt>Accessibility</dt>" in html


def test_filtering_by_municipality_tampere_shows_no_espoo_venue_and_the_address_can_be_shared(client, w):
    url = f"/fi/venues/?municipality={w.tampere.pk}"
    html = page(client, url)

    assert venue_names(html) == ["Tampereen Teatteri", "Tampereen työväenopisto", "Vapriikki"]
    assert "WeeGee" not in html
    assert f'<option value="{w.tampere.pk}" selected>Tampere</option>' in html
    assert venue_names(page(client, url)) == venue_names(html)  # the same address, the same venues


def test_filters_by_region_category_and_free_text(client, w):
    assert venue_names(page(client, f"/fi/venues/?region={w.espoo_region.pk}")) == ["WeeGee-talo"]
    assert venue_names(page(client, f"/fi/venues/?category={Category.MUSEUM}")) == [
        "Ateneum", "Riihisaari – Savonlinnan museo", "Vapriikki", "WeeGee-talo"]
    assert venue_names(page(client, "/fi/venues/?q=weegee")) == ["WeeGee-talo"]
    assert venue_names(page(client, "/fi/venues/?q=keramiikan")) == ["Tampereen työväenopisto"]  # an offer's title
    assert venue_names(page(client, "/sv/venues/?q=tammerfors")) == [  # a municipality's Swedish name
        "Tampereen Teatteri", "Tampereen työväenopisto", "Vapriikki"]
    assert venue_names(page(client, f"/fi/venues/?region={w.tampere_region.pk}&category=theatre&q=teatteri")) == [
        "Tampereen Teatteri"]


def test_unknown_filter_values_are_left_out_not_refused(client, w):
    html = page(client, f"/fi/venues/?region=abc&municipality={w.ended_muni.pk}&category=nonsense&page=99")

    assert len(venue_names(html)) == 6


def test_the_catalogue_is_paginated_and_its_links_keep_the_filters(client, w):
    for n in range(25):
        VenueFactory(name=f"Museo {n:02d}", category=Category.MUSEUM, region=w.tampere_region,
                     municipality=w.nokia)

    first = page(client, f"/fi/venues/?municipality={w.nokia.pk}")
    second = page(client, f"/fi/venues/?municipality={w.nokia.pk}&page=2")

    assert len(venue_names(first)) == 20
    assert venue_names(second) == [f"Museo {n}" for n in range(20, 25)]
    assert f'href="?municipality={w.nokia.pk}&amp;page=2" rel="next"' in first
    assert "25 kohdetta" in first


# --- notes and languages -------------------------------------------------------------------------------------------

def test_savonlinna_venues_carry_the_local_only_note(client, w):
    html = page(client, "/fi/venues/")

    assert "Vain tällä alueella myönnetyille korteille (Savonlinna)." in article(html, "Riihisaari – Savonlinnan museo")
    assert "myönnetyille" not in article(html, "Vapriikki")
    assert "Only for cards issued in Savonlinna." in article(page(client, "/en/venues/"),
                                                             "Riihisaari – Savonlinnan museo")
    assert "Endast för kort som beviljats i Nyslott." in article(page(client, "/sv/venues/"),
                                                                 "Riihisaari – Savonlinnan museo")


def test_in_swedish_the_municipality_shows_as_tammerfors(client, w):
    html = page(client, f"/sv/venues/?municipality={w.tampere.pk}")

    assert "Museum · Tammerfors ·" in article(html, "Vapriikki")
    assert f'<option value="{w.tampere.pk}" selected>Tammerfors</option>' in html
    assert "Esbo" in html  # the filter's other municipalities in Swedish too
    assert "Museum · Helsingfors · Pop up-aktör" in article(page(client, "/sv/venues/"), "Ateneum")


# --- offers --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("quota", "used", "word"), [
    (None, 0, Availability.AVAILABLE), (None, 10_000, Availability.AVAILABLE),
    (40, 0, Availability.AVAILABLE), (40, 35, Availability.AVAILABLE), (40, 36, Availability.FEW_LEFT),
    (40, 39, Availability.FEW_LEFT), (40, 40, Availability.FULL),
    (6, 2, Availability.AVAILABLE), (6, 3, Availability.FEW_LEFT), (1, 0, Availability.FEW_LEFT),
    (1000, 899, Availability.AVAILABLE), (1000, 900, Availability.FEW_LEFT), (0, 0, Availability.FULL),
])
def test_few_left_is_at_most_three_places_or_a_tenth_of_the_quota(quota, used, word):
    assert availability(quota, used) == word


def test_offers_show_title_dates_course_or_ticket_and_availability_never_a_count(client, w):
    html = page(client, "/en/venues/")

    vapriikki = article(html, "Vapriikki")
    assert re.search(r"<strong>Vapriikin näyttelyt</strong>\s*<span class=\"offer-kind\">ticket</span>\s*"
                     rf"<span class=\"offer-dates\">now, until {d(w.full_offer.ends_on)}</span>\s*"
                     r"<span class=\"availability availability-full\">full</span>", vapriikki)
    assert re.search(r"Syysnäyttely</strong>.*?availability-few_left\">few left<", vapriikki, re.S)
    assert "Mennyt näyttely" not in html  # ended yesterday
    assert "places available" in article(html, "Tampereen Teatteri")
    course = article(html, "Tampereen työväenopisto")
    assert "course place" in course
    assert f"coming, {d(w.course.starts_on)}–{d(w.course.ends_on)}" in course
    assert "places available" in article(html, "Ateneum")  # no quota


def test_an_offer_whose_quota_is_used_up_shows_full_in_every_language(client, w):
    assert 'availability-full">täynnä<' in page(client, "/fi/venues/")
    assert 'availability-full">fullt<' in page(client, "/sv/venues/")
    assert 'availability-full">full<' in page(client, "/en/venues/")


def test_no_public_page_shows_a_quota_or_a_count_of_uses(client, w):
    urls = ["/", "/fi/venues/", "/sv/venues/", "/en/venues/", f"/fi/venues/?region={w.tampere_region.pk}",
            "/fi/regions/", "/sv/regions/", f"/fi/regions/{w.tampere_region.pk}/",
            f"/sv/regions/{w.savonlinna_region.pk}/", "/sitemap.xml"]
    for url in urls:
        html = page(client, url)
        for number in (*SECRET_NUMBERS, "2468"):
            assert number not in html, (url, number)


# --- region pages --------------------------------------------------------------------------------------------------

def test_region_index_lists_the_running_networks_with_period_and_municipalities(client, w):
    html = page(client, "/fi/regions/")

    names = re.findall(r'<h2><a href="/fi/regions/(\d+)/">([^<]+)</a></h2>', html)
    assert names == [(str(w.espoo_region.pk), "Espoo"), (str(w.savonlinna_region.pk), "Savonlinna"),
                     (str(w.tampere_region.pk), "Tampere")]
    assert "Loppunut" not in html
    assert f"Pilotti {d(w.savonlinna_region.active_from)}–{d(w.savonlinna_end)}" in html
    assert "Pysyvä 1.1.2021 alkaen" in html
    assert "Kunnat: Nokia, Tampere" in html
    assert re.findall(r'<h2><a href="/sv/regions/\d+/">([^<]+)</a></h2>', page(client, "/sv/regions/")) == [
        "Esbo", "Nyslott", "Tammerfors"]


def test_region_page_shows_period_municipalities_listed_offices_contact_persons_and_its_venues(client, w):
    html = page(client, f"/fi/regions/{w.tampere_region.pk}/")

    assert "<h1>Kaikukortti alueella Tampere</h1>" in html
    assert "Pysyvä 1.1.2021 alkaen" in html
    assert "<li>Nokia</li><li>Tampere</li>" in html
    assert "Sosiaalityö, Tampere" in html
    assert "Kysy Kaikukorttia omalta sosiaalityöntekijältäsi." in html
    assert '<a href="tel:+358400000010">+358 40 000 0010</a>' in html
    assert "neuvonta@office.example" in html
    assert "sisainen@office.example" not in html  # the office's own address is not public
    assert "Piilotoimisto" not in html
    assert "Suljettu toimisto" not in html
    assert "Kaisa Kulttuuri</strong>, kulttuurituottaja" in html
    assert "Sami Sosiaali</strong>, sosiaalityön johtaja" in html
    assert 'href="mailto:kaisa@demo.example"' in html
    assert f'<a href="/fi/venues/?region={w.tampere_region.pk}">' in html
    assert "Alueen Tampere 3 kohdetta" in html


def test_region_page_in_swedish_and_a_pilot_without_contact_persons(client, w):
    html = page(client, f"/sv/regions/{w.savonlinna_region.pk}/")

    assert "<h1>Kaikukortet i Nyslott</h1>" in html
    assert f"Pilot {d(w.savonlinna_region.active_from)}–{d(w.savonlinna_end)}" in html
    assert "Nyslott är ett lokalt område:" in html
    assert "Inte utsedd ännu." in html


def test_an_ended_or_unknown_region_answers_404(client, w):
    assert client.get(f"/fi/regions/{w.ended_region.pk}/").status_code == 404
    assert client.get("/fi/regions/999999/").status_code == 404


def test_sitemap_lists_the_catalogue_the_index_and_the_running_regions(client, w):
    xml = client.get("/sitemap.xml").content.decode()

    for code in ("fi", "sv", "en"):
        assert f"<loc>{SITE}/{code}/venues/</loc>" in xml
        assert f"<loc>{SITE}/{code}/regions/</loc>" in xml
        assert f"<loc>{SITE}/{code}/regions/{w.tampere_region.pk}/</loc>" in xml
    assert f"/regions/{w.ended_region.pk}/" not in xml


def test_catalogue_has_hreflang_alternates_and_a_canonical_address(client, w):
    html = page(client, "/sv/venues/?municipality=1")

    assert f'<link rel="canonical" href="{SITE}/sv/venues/">' in html
    assert f'<link rel="alternate" hreflang="fi" href="{SITE}/fi/venues/">' in html
    with translation.override("fi"):
        assert reverse("public:region", args=[w.tampere_region.pk]) == f"/fi/regions/{w.tampere_region.pk}/"


# --- queries -------------------------------------------------------------------------------------------------------

def test_a_page_of_results_reads_a_fixed_number_of_queries(client, w, django_assert_max_num_queries):
    page(client, "/fi/venues/")  # warm the caches (national settings, sessions table, …)
    # 8: the page's venues, their offers and (issue 16) their coming performances are one query each.
    with django_assert_max_num_queries(8):
        small = page(client, f"/fi/venues/?region={w.tampere_region.pk}")
    for n in range(40):
        venue = VenueFactory(name=f"Teatteri {n:02d}", region=w.tampere_region, municipality=w.nokia)
        for k in range(5):
            OfferFactory(venue=venue, title=f"Esitys {n}-{k}", quota=10, used_count=k, kind=Offer.Kind.PERFORMANCE)
    with django_assert_max_num_queries(8):
        big = page(client, f"/fi/venues/?region={w.tampere_region.pk}&q=teatteri")
    assert len(venue_names(small)) == 3
    assert len(venue_names(big)) == 20
