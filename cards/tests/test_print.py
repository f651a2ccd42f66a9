"""Print: the ID-1 card and the info sheet (WeasyPrint), the Code 39 table, the venue list (R8)."""

import datetime
import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from cards import pdf
from cards.models import CardEvent
from cards.selectors import venues_for_card
from cards.tests.web import build_world, card_for
from venues.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db

PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"
PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"

# Reference patterns from the Code 39 specification (n = narrow, w = wide; bar, space, bar, …).
REFERENCE = {
    "0": "nnnwwnwnn", "1": "wnnwnnnnw", "9": "nnwwnnwnn", "A": "wnnnnwnnw", "J": "nnnnwwwnn",
    "K": "wnnnnnnww", "M": "wnwnnnnwn", "T": "nnnnwnwwn", "U": "wwnnnnnnw", "Z": "nwwnwnnnn",
    "-": "nwnnnnwnw", "*": "nwnnwnwnn",
}


def test_code39_table_matches_the_standard():
    for symbol, pattern in REFERENCE.items():
        assert pdf.CODE39[symbol] == pattern, symbol
    assert len(pdf.CODE39) == 44
    # Every symbol has nine elements of which exactly three are wide, and all patterns differ.
    assert all(len(p) == 9 and p.count("w") == 3 for p in pdf.CODE39.values())
    assert len(set(pdf.CODE39.values())) == 44


def test_code39_svg_draws_start_stop_and_five_bars_per_symbol():
    svg = str(pdf.code39_svg("AB2"))
    # *AB2* = 5 symbols × 5 bars
    assert svg.count("<rect") == 25
    modules = pdf.code39_modules("AB2")
    assert sum(width for _bar, width in modules) == 5 * (6 + 3 * pdf.WIDE) + 4
    with pytest.raises(ValueError, match="cannot be encoded"):
        pdf.code39_modules("ä")


def test_venue_listing_follows_r8_own_region_first_then_others_and_popups():
    world = build_world()
    today = timezone.localdate()
    own = VenueFactory(name="Vapriikki", region=world.region)
    other = VenueFactory(name="Ateneumin naapuri", region=world.other_region)
    ended = VenueFactory(name="Suljettu", region=world.region, active_until=today - datetime.timedelta(days=1))
    local = VenueFactory(name="Paikallinen", region=world.region.__class__.objects.create(
        name="Savonlinna", active_from=datetime.date(2020, 1, 1), local_only=True))
    popup = VenueFactory(name="Pop-up", region=None, is_popup=True, active_until=today + datetime.timedelta(days=30))
    card = card_for(world.office, world.tampere)

    listing = venues_for_card(card, today)

    assert listing.own == [own]
    assert listing.others == [(world.other_region, [other])]
    assert listing.popups == [popup]
    assert ended not in listing.own
    assert all(local not in v for _r, v in listing.others)


def test_local_only_card_lists_only_its_own_region():
    world = build_world()
    world.region.local_only = True
    world.region.save()
    own = VenueFactory(name="Riihisaari", region=world.region)
    VenueFactory(name="Muualla", region=world.other_region)
    VenueFactory(name="Pop-up", region=None, is_popup=True,
                 active_until=timezone.localdate() + datetime.timedelta(days=30))
    card = card_for(world.office, world.tampere)

    listing = venues_for_card(card)

    assert (listing.own, listing.others, listing.popups) == ([own], [], [])


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_info_sheet_is_rendered_in_the_cards_language(language):
    world = build_world()
    card = card_for(world.office, world.tampere, language=language, children=2)

    html = pdf.render_card_html(card)

    assert f'<html lang="{language}">' in html
    assert card.display_number in html
    assert 'class="code39"' in html
    assert 'class="qr"' in html


def test_print_returns_a_pdf_with_a_card_page_and_an_a4_page_and_records_it(client, tmp_path):
    world = build_world()
    VenueFactory(name="Vapriikki", region=world.region)
    card = card_for(world.office, world.tampere, children=2)
    client.force_login(world.jakaja)

    response = client.post(reverse("cards:print", args=[card.pk]), follow=True)

    assert response.redirect_chain == [(reverse("cards:print", args=[card.pk]), 303)]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    (tmp_path / "card.pdf").write_bytes(response.content)
    if os.path.exists(PDFINFO):
        info = subprocess.run([PDFINFO, "-f", "1", "-l", "2", str(tmp_path / "card.pdf")], capture_output=True,
                              text=True, check=True).stdout
        # ID-1 85.6 × 54 mm = 242.65 × 153.07 pt; A4 = 595.28 × 841.89 pt.
        sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)
        assert [(round(float(w)), round(float(h))) for w, h in sizes] == [(243, 153), (595, 842)]
    assert list(CardEvent.objects.filter(card=card).order_by("pk").values_list("kind", "by", "office")) == [
        (CardEvent.Kind.PRINTED, world.jakaja.pk, world.office.pk),
        (CardEvent.Kind.ACTIVATION_CODE, world.jakaja.pk, world.office.pk),  # issue 14: the print's fresh code
    ]


@pytest.mark.skipif(not os.path.exists(PDFTOPPM), reason="pdftoppm not installed")
def test_pdf_renders_to_png_pages(tmp_path):
    world = build_world()
    card = card_for(world.office, world.tampere, children=1)
    (tmp_path / "card.pdf").write_bytes(pdf.render_card_pdf(card))

    subprocess.run([PDFTOPPM, "-png", "-r", "100", str(tmp_path / "card.pdf"), str(tmp_path / "page")], check=True)

    pages = sorted(p.name for p in tmp_path.glob("page-*.png"))
    assert pages == ["page-1.png", "page-2.png"]
    keep = os.environ.get("KK_KEEP_PRINT")
    if keep:
        for name in [*pages, "card.pdf"]:
            shutil.copy(tmp_path / name, os.path.join(keep, name))


def test_print_is_refused_for_other_offices_and_inactive_cards(client):
    world = build_world()
    other = card_for(world.other_office, world.helsinki)
    inactive = card_for(world.office, world.tampere, status="inactive", inactive_reason="lost",
                        inactivated_on=timezone.localdate())
    client.force_login(world.jakaja)

    assert client.get(reverse("cards:print", args=[other.pk])).status_code == 404
    assert client.post(reverse("cards:print", args=[other.pk])).status_code == 404
    response = client.post(reverse("cards:print", args=[inactive.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cards:detail", args=[inactive.pk])
    assert CardEvent.objects.count() == 0
