"""Dashboard wording (issue 12, point 7): uses (one adult visit each) and child tickets are named as the published
figures name them ("100,000 uses", "child tickets"), with the participations in total beside them, so a tile no
longer reads "Uses 9 — 9 adults, 6 children"; in Finnish, Swedish and English, on the page, in the PDF's tiles and
in the key-figure table of the downloads."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from regions.tests.factories import CoordinatorFactory
from reports.exports import dashboard_tables, visit_headers
from reports.selectors import Period, dashboard_for, participations
from reports.services import rollup_rebuild

from .factories import card, network, use

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1

TILES = {
    "en": ("Uses", "Child tickets", "Participations in total"),
    "fi": ("Käyttökerrat", "Lasten liput", "Osallistumiskerrat yhteensä"),
    "sv": ("Användningar", "Barnbiljetter", "Deltagningar totalt"),
}


@pytest.fixture
def net():
    """9 uses (one with a course place), 6 of them with a child: 9 uses, 6 child tickets, 15 participations."""
    net = network()
    theatre, opisto = net["venues"][:2]
    issued = {"issued_on": datetime.date(YEAR, 1, 5), "valid_until": datetime.date(YEAR, 12, 31)}
    for i in range(6):
        use(card(net, 0, children=1, **issued), theatre, datetime.date(YEAR, 2 + i % 3, 10), children=1)
    for _ in range(3):
        use(card(net, 0, **issued), opisto, datetime.date(YEAR, 3, 3), course=True)
    rollup_rebuild()
    return net


def _tiles(html: str) -> dict[str, str]:
    """{tile title: "value | note"} of the key-figure tiles."""
    tiles = {}
    for block in re.findall(r"<div><dt>(.*?)</div>", html, flags=re.S):
        title, rest = block.split("</dt>", 1)
        values = [re.sub(r"<[^>]+>", "", part).strip() for part in re.findall(r"<dd[^>]*>(.*?)</dd>", rest, re.S)]
        tiles[title.strip()] = " | ".join(values)
    return tiles


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_the_tiles_name_uses_child_tickets_and_participations(client, net, lang):
    client.force_login(CoordinatorFactory().user)

    html = client.get(reverse("reports:national"), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE=lang).content.decode()

    tiles = _tiles(html)
    uses, child_tickets, total = TILES[lang]
    assert tiles[uses].startswith("9 | ")
    assert tiles[child_tickets].startswith("6 | ")
    assert tiles[total].startswith("15 | ")
    assert list(tiles)[:3] == [uses, child_tickets, total]
    # The old note that read as a contradiction ("Uses 9 — 9 adults, 6 children") is gone.
    assert not re.search(r"9\s*(adults|aikuiset|vuxna)", html)


def test_the_notes_say_what_each_figure_counts(client, net):
    client.force_login(CoordinatorFactory().user)

    tiles = _tiles(client.get(reverse("reports:national"), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en").content.decode())

    assert tiles["Uses"] == "9 | adult visits: the cardholder or the community card's user"
    assert tiles["Child tickets"] == "6 | children who came along on a use"
    assert tiles["Participations in total"] == "15 | uses and child tickets together"


def test_the_download_tables_use_the_same_names(net):
    board = dashboard_for(None, Period.for_year(YEAR))

    with translation.override("fi"):
        tables = {table.key: table for table in dashboard_tables(board, suppressed=False)}
        headers = visit_headers()

    figures = {str(name): value for name, value in tables["figures"].rows}
    assert [figures["Käyttökerrat"], figures["Lasten liput"], figures["Osallistumiskerrat yhteensä"]] == [9, 6, 15]
    assert (figures["Kulttuuri, käyttökerrat"], figures["Kulttuuri, lasten liput"]) == (6, 6)
    assert [str(h) for h in headers] == ["Käyttökerrat", "Lasten liput", "Osallistumiskerrat yhteensä"]
    assert participations(board.summary) == 15
