"""Region names in the page's language where reports read rows as values: the dashboard's venue and office lists, the
weekly list of unusual use and the uses export (a ``region__name`` there was the Finnish column on every page)."""

import pytest
from django.utils import timezone, translation

from kaikukanta.tests.world import build_world
from regions.models import NationalSettings
from regions.tests.factories import MunicipalityFactory, RegionFactory
from reports.exports import uses_rows
from reports.selectors import Period, dashboard_for, unusual_uses

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Region A has a Swedish name of its own; region B is named after its municipality Vaasa (Vasa in Swedish);
    a third region has no Swedish name at all."""
    w = build_world()
    w.region_a.name_sv = "Region A"
    w.region_a.save()
    w.region_b.name_fi = "Vaasa"
    w.region_b.save()
    MunicipalityFactory(code="905", name_fi="Vaasa", name_sv="Vasa", region=w.region_b)
    w.region_c = RegionFactory(name="Alue C")
    return w


EXPECTED = {"fi": ("Alue A", "Vaasa"), "sv": ("Region A", "Vasa"), "en": ("Alue A", "Vaasa")}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_dashboards_venue_and_office_lists_name_regions_in_the_page_language(world, language):
    with translation.override(language):
        board = dashboard_for(None, Period.from_dates(None, timezone.localdate()))
    venues = {row["venue"].name: row["venue"].region and row["venue"].region.name for row in board.venues}
    offices = {row["office"].name: row["office"].region.name for row in board.offices}
    name_a, name_b = EXPECTED[language]
    assert venues["Teatteri A"] == name_a
    assert venues["Teatteri B"] == name_b
    assert offices[world.office_a.name] == name_a
    assert offices[world.office_b.name] == name_b


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_unusual_use_list_names_the_cards_region_in_the_page_language(world, language):
    rules = NationalSettings.current()
    rules.unusual_uses_per_week = 1
    rules.save()
    today = timezone.localdate()
    with translation.override(language):
        listing = unusual_uses(user=world.coordinator, weeks=[today])
    regions = {card.region for week in listing.weeks for card in week.cards}
    # The world's card A has three uses today (venues A, B and the pop-up), card B two: both above one a week.
    assert regions == set(EXPECTED[language])


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_uses_export_names_both_regions_in_the_page_language(world, language):
    with translation.override(language):
        rows = list(uses_rows(None, Period.from_dates(None, timezone.localdate())))
    name_a, name_b = EXPECTED[language]
    # Columns: date, venue, venue municipality, venue region, …, card region (index 10).
    by_venue_and_card_region = {(row[1], row[3], row[10]) for row in rows}
    assert ("Teatteri B", name_b, name_a) in by_venue_and_card_region  # card A at venue B
    assert ("Teatteri A", name_a, name_b) in by_venue_and_card_region  # card B at venue A
