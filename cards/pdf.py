"""Printable card (ID-1, 85.6 × 54 mm) and the A4 info sheet, rendered with WeasyPrint.

The card carries its number three ways: printed text, a QR code (segno) and a Code 39 barcode,
drawn here as SVG bars: Code 39 is a fixed 44-symbol table, every symbol nine elements (five bars,
four spaces) of which exactly three are wide. Every card-number symbol is in the table.
"""

import datetime

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from regions.models import NationalSettings

from .models import Card
from .selectors import venues_for_card

# The ten bar patterns of Code 39 (which two of the five bars are wide), in the order of the
# digits 1, 2, …, 9, 0; each of the four symbol groups reuses them with its wide space in one of
# the four space positions.
_BAR_PAIRS = [(0, 4), (1, 4), (0, 1), (2, 4), (0, 2), (1, 2), (3, 4), (0, 3), (1, 3), (2, 3)]
_GROUPS = [
    ("1234567890", 1),  # wide space after the second bar
    ("ABCDEFGHIJ", 2),
    ("KLMNOPQRST", 3),
    ("UVWXYZ-. *", 0),  # "*" is the start/stop symbol
]


def _code39_table() -> dict[str, str]:
    table = {}
    for symbols, wide_space in _GROUPS:
        for symbol, (a, b) in zip(symbols, _BAR_PAIRS, strict=True):
            elements = []
            for i in range(5):
                elements.append("w" if i in (a, b) else "n")
                if i < 4:
                    elements.append("w" if i == wide_space else "n")
            table[symbol] = "".join(elements)
    # The four symbols with three wide spaces and no wide bar.
    table.update({"$": "nwnwnwnnn", "/": "nwnwnnnwn", "+": "nwnnnwnwn", "%": "nnnwnwnwn"})
    return table


CODE39 = _code39_table()
WIDE = 3  # wide:narrow ratio 3:1 (the standard allows 2–3; 3 reads best from print and screens)
QUIET = 10  # quiet zone on each side, in narrow modules


def code39_modules(text: str) -> list[tuple[bool, int]]:
    """(is_bar, width in narrow modules) for ``*text*``, with a narrow gap between symbols."""
    modules: list[tuple[bool, int]] = []
    for index, symbol in enumerate(f"*{text.upper()}*"):
        if symbol not in CODE39:
            raise ValueError(f"{symbol!r} cannot be encoded in Code 39")
        if index:
            modules.append((False, 1))
        for i, element in enumerate(CODE39[symbol]):
            modules.append((i % 2 == 0, WIDE if element == "w" else 1))
    return modules


def code39_svg(text: str, *, height: float = 40, title: str = "") -> SafeString:
    """An SVG of the barcode; width is set by CSS (``preserveAspectRatio="none"`` stretches bars evenly)."""
    x = QUIET
    rects = []
    for is_bar, width in code39_modules(text):
        if is_bar:
            rects.append(f'<rect x="{x}" y="0" width="{width}" height="{height}"/>')
        x += width
    total = x + QUIET
    label = f"<title>{escape(title)}</title>" if title else ""
    return mark_safe(  # noqa: S308 - built from our own numbers; title is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="code39" viewBox="0 0 {total} {height}" '
        f'preserveAspectRatio="none" role="img" shape-rendering="crispEdges">{label}'
        f'<g fill="#000">{"".join(rects)}</g></svg>'
    )


def qr_svg(data: str, *, scale: int = 4, title: str = "") -> SafeString:
    """An inline SVG QR code (segno); card numbers fit alphanumeric mode, links byte mode."""
    qr = segno.make(data, error="m", micro=False)
    svg = qr.svg_inline(scale=scale, border=2, omitsize=True, svgclass="qr", lineclass=None)
    if title:
        svg = svg.replace(">", f' role="img"><title>{escape(title)}</title>', 1)
    return mark_safe(svg)  # noqa: S308 - segno output


def activate_address() -> str:
    """Where a holder types the number and the activation code, in the active language, as printed (no scheme)."""
    url = settings.SITE_URL.rstrip("/") + reverse("public:holder_activate")
    return url.split("://", 1)[-1]


def card_context(card: Card, *, today: datetime.date | None = None, activation_code: str | None = None) -> dict:
    day = today or timezone.localdate()
    return {
        "card": card,
        "number_qr": qr_svg(card.number, scale=4),
        "number_barcode": code39_svg(card.number),
        "venues": venues_for_card(card, day),
        "rules": NationalSettings.current(),
        "today": day,
        "activation_code": activation_code,
        "activate_address": activate_address(),
    }


def render_card_html(card: Card, *, today: datetime.date | None = None, activation_code: str | None = None) -> str:
    """The card and its info sheet in the holder's chosen language (fi/sv/en). ``activation_code``: the fresh code
    the print issued (``cards.holder.activation_code_issue``; only its hash is stored, so it is printed now or
    never), under the card number with where to activate."""
    with translation.override(card.language or "fi"):
        return render_to_string("cards/card_print.html",
                                card_context(card, today=today, activation_code=activation_code))


def render_card_pdf(card: Card, *, base_url: str | None = None, today: datetime.date | None = None,
                    activation_code: str | None = None) -> bytes:
    from weasyprint import HTML  # heavy import, only when printing

    html = render_card_html(card, today=today, activation_code=activation_code)
    return HTML(string=html, base_url=base_url).write_pdf()


BATCH_COLUMNS, BATCH_ROWS = 2, 5  # ten ID-1 cards (85.6 × 54 mm) on an A4 sheet, cut along the dashed lines
BATCH_STEP_X, BATCH_STEP_Y = 90.4, 55.5  # mm from one card's corner to the next one's


def render_cards_html(cards, *, title: str, codes: dict[int, str] | None = None) -> str:
    """The batch print's HTML (``render_cards_pdf``)."""
    codes = codes or {}
    per_page = BATCH_COLUMNS * BATCH_ROWS
    pages: list[list[dict]] = []
    for index, card in enumerate(cards):
        if index % per_page == 0:
            pages.append([])
        slot = index % per_page
        pages[-1].append({
            "card": card, "qr": qr_svg(card.number, scale=4), "barcode": code39_svg(card.number),
            "activation_code": codes.get(card.pk),
            # Text, not numbers: the template would write a localized "90,4" that CSS does not read.
            "left": f"{(slot % BATCH_COLUMNS) * BATCH_STEP_X:.1f}",
            "top": f"{(slot // BATCH_COLUMNS) * BATCH_STEP_Y:.1f}",
        })
    return render_to_string("cards/card_batch_print.html", {"pages": pages, "title": title,
                                                             "activate_address": activate_address()})


def render_cards_pdf(cards, *, title: str, base_url: str | None = None, codes: dict[int, str] | None = None) -> bytes:
    """Many cards in one PDF (issue 15, batch print): A4 sheets of ten card-sized cards, each with its number,
    QR code and Code 39 barcode, in the order given; ``codes`` (card id → the fresh activation code the print
    issued, ``cards.holder.activation_codes_issue``) prints each card's code under its number (issue 14)."""
    from weasyprint import HTML  # heavy import, only when printing

    html = render_cards_html(cards, title=title, codes=codes)
    return HTML(string=html, base_url=base_url).write_pdf()
