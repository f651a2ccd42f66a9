"""Public figures and their open data (issue 13, point 5; R16): exact figures of a small world per year and region,
counts under 5 hidden with their marks and explanation, the CSV and JSON files (content, content type, licence), and
never a venue's or an office's count."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from regions.tests.factories import MunicipalityFactory, RegionFactory
from reports.selectors import PUBLIC_FIGURES, public_figures, public_suppress
from reports.services import rollup_rebuild
from reports.suppression import COMPLEMENTARY, SUPPRESSED
from reports.tests.factories import card, network, use

THIS_YEAR = timezone.localdate().year
YEAR_A, YEAR_B = THIS_YEAR - 2, THIS_YEAR - 1
H, C = SUPPRESSED, COMPLEMENTARY


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.REPORTS_LIVE_SECONDS = 0  # every test builds its own world and reads it at once


@pytest.fixture
def net(db):
    """Year A: north gives out 8 cards, all used: the theatre 6 uses (6 children), the adult-education centre
    4 course places, the pop-up venue 1 use with 3 children (counted in the card's region, north).
    Year B: north gives out 9 cards, each used once at the theatre with a child; south gives out 3, each used once
    at Heureka, one with a child."""
    net = network()
    theatre, opisto, heureka, _swimming, popup = net["venues"]
    issued_a = {"issued_on": datetime.date(YEAR_A, 1, 5), "valid_until": datetime.date(YEAR_A, 12, 31)}
    cards_a = [card(net, 0, **issued_a) for _ in range(8)]
    for i, holder in enumerate(cards_a[:6]):
        use(holder, theatre, datetime.date(YEAR_A, 2, 1 + i), children=1)
    for i, holder in enumerate(cards_a[4:8]):
        use(holder, opisto, datetime.date(YEAR_A, 3, 1 + i), course=True)
    use(cards_a[0], popup, datetime.date(YEAR_A, 6, 1), children=3)
    issued_b = {"issued_on": datetime.date(YEAR_B, 1, 5), "valid_until": datetime.date(YEAR_B, 12, 31)}
    for i in range(9):
        use(card(net, 0, **issued_b), theatre, datetime.date(YEAR_B, 2, 1 + i), children=1)
    for i in range(3):
        use(card(net, 1, **issued_b), heureka, datetime.date(YEAR_B, 4, 1 + i), children=1 if i == 0 else 0)
    rollup_rebuild()
    return net


def figures(row) -> list:
    return [row.figures[name] for name in PUBLIC_FIGURES]


def by_year(years) -> dict:
    return {year.year: year for year in years}


def test_exact_figures_per_year_and_region(net):
    years = by_year(public_figures())
    assert list(years) == list(range(THIS_YEAR, 2014, -1))  # the network started in 2015 (the factories' regions)
    a = years[YEAR_A]
    rows = {row.region.name: figures(row) for row in a.regions}
    # cards registered, cardholders, uses, child tickets, venues, offices, municipalities
    assert rows == {"Etelä": [0, 0, 0, 0, 2, 1, 1], "Pohjoinen": [8, 8, 11, 9, 2, 1, 1]}
    assert figures(a.national) == [8, 8, 11, 9, 5, 2, 2]  # the pop-up venue counts in the whole country only
    assert a.complete
    assert not years[THIS_YEAR].complete
    assert figures(years[THIS_YEAR].national) == [0, 0, 0, 0, 5, 2, 2]


def test_counts_under_5_are_hidden_and_a_total_does_not_give_them_away(net):
    b = by_year(public_figures())[YEAR_B]
    rows = {row.region.name: figures(row) for row in b.regions}
    # South's 3 cards, 3 holders, 3 uses and 1 child are small; north's counts in the same columns are hidden as
    # well, or the whole country's (shown) minus north would give south's away.
    assert rows == {"Etelä": [H, H, H, H, 2, 1, 1], "Pohjoinen": [C, C, C, C, 2, 1, 1]}
    assert figures(b.national) == [12, 12, 12, 10, 5, 2, 2]


def test_uses_derived_from_fewer_than_5_cardholders_are_hidden_with_them():
    net = {"cards_registered": 10, "cardholders": 3, "uses": 20, "child_tickets": 6}
    other = {"cards_registered": 30, "cardholders": 40, "uses": 50, "child_tickets": 7}
    whole = {"cards_registered": 40, "cardholders": 43, "uses": 70, "child_tickets": 13}
    shown = public_suppress([net, other, whole])
    assert shown == [
        {"cards_registered": 10, "cardholders": H, "uses": C, "child_tickets": C},
        {"cards_registered": 30, "cardholders": C, "uses": C, "child_tickets": C},
        whole,
    ]


def test_a_whole_country_count_under_5_is_hidden_too():
    shown = public_suppress([{"cards_registered": 2, "cardholders": 0, "uses": 0, "child_tickets": 0},
                             {"cards_registered": 2, "cardholders": 0, "uses": 0, "child_tickets": 0}])
    assert shown[1] == {"cards_registered": H, "cardholders": 0, "uses": 0, "child_tickets": 0}


def test_the_page_shows_the_figures_with_the_marks_and_their_explanation(client, net):
    response = client.get(f"/fi/figures/?year={YEAR_B}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Kaikukortti lukuina" in page
    for label in ("Rekisteröidyt kortit", "Aktiiviset kortinhaltijat", "Käyttökerrat", "Lasten liput"):
        assert label in page
    assert '<span aria-hidden="true">&lt;5</span><span class="visually-hidden">alle 5, ei julkaista</span>' in page
    assert '<span aria-hidden="true">..</span>' in page
    assert "näytetään merkinnällä" in page  # the explanation of the marks
    assert "/fi/figures/kaikukortti-figures.csv" in page
    assert "/fi/figures/kaikukortti-figures.json" in page
    assert "CC BY 4.0" in page


def test_the_home_and_the_sitemap_link_the_page(client, db):
    assert 'href="/fi/figures/"' in client.get("/fi/").content.decode()
    assert "/sv/figures/" in client.get("/sitemap.xml").content.decode()


def test_the_csv_holds_the_figures_the_licence_and_the_marks(client, net):
    response = client.get("/fi/figures/kaikukortti-figures.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kaikukortti-figures.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert "CC BY 4.0" in lines[0][0]
    assert "https://creativecommons.org/licenses/by/4.0/" in lines[0][0]
    assert '"<5"' in lines[1][0]
    assert lines[2] == ["Vuosi", "Koko vuosi", "Alue", "Rekisteröidyt kortit", "Aktiiviset kortinhaltijat",
                        "Käyttökerrat", "Lasten liput", "Toiminnassa olevat kohteet",
                        "Toiminnassa olevat kortinjakajat", "Verkostoon kuuluvat kunnat"]
    body = [line for line in lines[3:] if line[0] in (str(YEAR_A), str(YEAR_B))]
    assert body == [
        [str(YEAR_B), "kyllä", "Koko maa", "12", "12", "12", "10", "5", "2", "2"],
        [str(YEAR_B), "kyllä", "Etelä", "<5", "<5", "<5", "<5", "2", "1", "1"],
        [str(YEAR_B), "kyllä", "Pohjoinen", "..", "..", "..", "..", "2", "1", "1"],
        [str(YEAR_A), "kyllä", "Koko maa", "8", "8", "11", "9", "5", "2", "2"],
        [str(YEAR_A), "kyllä", "Etelä", "0", "0", "0", "0", "2", "1", "1"],
        [str(YEAR_A), "kyllä", "Pohjoinen", "8", "8", "11", "9", "2", "1", "1"],
    ]


def test_the_json_holds_the_figures_the_licence_and_the_marks(client, net):
    response = client.get("/en/figures/kaikukortti-figures.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert data["licence"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert data["attribution"] == "Source: Kaikukortti, Kaikukeskus"
    assert set(data["suppression"]["marks"]) == {H, C}
    assert data["figures"]["uses"]["label"] == "Uses"
    b = next(year for year in data["years"] if year["year"] == YEAR_B)
    assert b["whole_country"] == {"region": None, "suppressed": {}, "figures": {
        "cards_registered": 12, "cardholders": 12, "uses": 12, "child_tickets": 10, "venues": 5, "offices": 2,
        "municipalities": 2}}
    south = next(row for row in b["regions"] if row["region"]["name"] == "Etelä")
    assert south["region"]["id"] == net["south"].pk
    assert south["figures"] == {"cards_registered": None, "cardholders": None, "uses": None, "child_tickets": None,
                                "venues": 2, "offices": 1, "municipalities": 1}
    assert south["suppressed"] == {"cards_registered": H, "cardholders": H, "uses": H, "child_tickets": H}


def test_no_venue_or_office_count_appears_anywhere(client, net):
    """The theatre's 6 uses and the adult-education centre's 4 course places (year A), and any venue's or office's
    name: none in the page, the CSV or the JSON; every use count in the files is a region's or the whole country's."""
    page = client.get(f"/fi/figures/?year={YEAR_A}").content.decode()
    csv_text = b"".join(client.get("/fi/figures/kaikukortti-figures.csv").streaming_content).decode()
    data = json.loads(client.get("/fi/figures/kaikukortti-figures.json").content)
    for venue in net["venues"]:
        for text in (page, csv_text, json.dumps(data, ensure_ascii=False)):
            assert venue.name not in text
    for office in net["offices"]:
        assert office.name not in page
        assert office.name not in csv_text
        assert office.name not in json.dumps(data)
    uses = set()
    for year in data["years"]:
        assert set(year) == {"year", "complete", "whole_country", "regions"}
        for row in [year["whole_country"], *year["regions"]]:
            assert set(row) == {"region", "figures", "suppressed"}
            assert row["region"] is None or set(row["region"]) == {"id", "name"}
            uses.add(row["figures"]["uses"])
    assert uses == {0, 11, 12, None}  # never 6 or 4 (a venue's), or any count below region level


def test_region_names_follow_the_page_language(client, db):
    region = RegionFactory(name="Tampere")
    MunicipalityFactory(code="837", name_fi="Tampere", name_sv="Tammerfors", region=region)
    assert "Tammerfors" in client.get(f"/sv/figures/?year={YEAR_A}").content.decode()
    data = json.loads(client.get("/sv/figures/kaikukortti-figures.json").content)
    assert data["years"][0]["regions"][0]["region"]["name"] == "Tammerfors"
    assert "Tampere" in client.get(f"/fi/figures/?year={YEAR_A}").content.decode()
