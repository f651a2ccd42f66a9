"""The card history shows what the staff member reads, not the stored JSON: the reason translated, dates in the
page's format (j.n.Y, like the rest of the page) and card numbers hyphenated. Before: "orsak: lost", 2027-10-30."""

import re

import pytest
from django.urls import reverse

from cards import numbers, services
from cards.tests.web import build_world, card_for

pytestmark = pytest.mark.django_db


def history(response) -> str:
    html = response.content.decode()
    section = html[html.index('<ol class="history">'):]
    return " ".join(re.sub(r"<[^>]+>", " ", section[:section.index("</ol>")]).split())


def test_the_history_of_a_replaced_card_reads_in_the_language_of_the_page(client):
    world = build_world()
    old = card_for(world.office, world.tampere)
    new = services.card_replace(user=world.jakaja, card=old)
    client.force_login(world.jakaja)
    client.cookies["django_language"] = "sv"

    old_page = history(client.get(reverse("cards:detail", args=[old.pk])))
    assert f"ersatt med {numbers.display(new.number)} · orsak: förlorat" in old_page
    assert "lost" not in old_page

    new_page = history(client.get(reverse("cards:detail", args=[new.pk])))
    assert f"giltigt till {new.valid_until:%-d.%-m.%Y}" in new_page
    assert new.valid_until.isoformat() not in new_page
    assert f"ersätter kortet {numbers.display(old.number)}" in new_page
