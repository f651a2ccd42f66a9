"""Data tables scroll sideways inside their own region on a phone (WCAG 1.4.10 allows it for data tables), and the
region can be reached and scrolled with the keyboard: focusable (tabindex=0) and named (role=region, aria-label)."""

import re

import pytest
from django.urls import reverse

from cards.tests.web import build_world, card_for

pytestmark = pytest.mark.django_db

REGION_TABLE = re.compile(r'<div class="table-scroll" role="region" aria-label="[^"]+" tabindex="0">\s*<table')


def assert_every_table_in_a_region(response, tables):
    html = response.content.decode()
    assert html.count("<table") == tables
    assert len(REGION_TABLE.findall(html)) == tables


def test_tables_of_the_card_list_and_the_office_page_scroll_in_a_focusable_region(client):
    world = build_world()
    card_for(world.office, world.tampere)
    client.force_login(world.jakaja)
    assert_every_table_in_a_region(client.get(reverse("cards:list")), 1)
    community = card_for(world.office, world.tampere, kind="community")
    client.force_login(world.contact)
    office = client.get(reverse("distributors:office", args=[world.office.pk]))
    assert community.display_number in office.content.decode()
    assert_every_table_in_a_region(office, 1 + 1)  # community cards, staff
