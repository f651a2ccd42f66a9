import datetime

import pytest
from django.utils import timezone

from core.errors import DomainError
from regions.tests.factories import CoordinatorFactory, RegionContactFactory
from reports.selectors import Period, dashboard, stats_summary, suppress
from reports.services import rollup_rebuild
from venues.tests.factories import VenueMembershipFactory

from .factories import card, network, use

YEAR = timezone.localdate().year - 1


def day(month: int, d: int = 1) -> datetime.date:
    return datetime.date(YEAR, month, d)


@pytest.fixture
def scenario(db):
    """Known data in last year: four cards, six counted uses and one cancelled."""
    net = network()
    theatre, opisto, heureka, swimming, popup = net["venues"]
    issued = {"issued_on": day(1, 5), "valid_until": day(12, 31)}
    h1 = card(net, 0, children=2, **issued)
    h2 = card(net, 0, **issued)
    h3 = card(net, 1, children=1, **issued)
    c1 = card(net, 0, community=True, **issued)
    use(h1, theatre, day(3, 10), children=2)
    use(h1, heureka, day(4, 2))
    use(h2, opisto, day(5, 5), course=True)
    use(h3, swimming, day(6, 1), children=1)
    use(h3, popup, day(7, 7))
    use(c1, theatre, day(3, 10), children=1, group_size=3)
    use(h2, theatre, day(2, 1), cancelled_at=timezone.now(), cancel_reason="väärä päivä")
    rollup_rebuild()
    return net


NATIONAL = {
    "cards_registered": 4,
    "cards_taken_into_use": 4,
    "active_cardholders": 3,
    "uses_total": 6,
    "uses_adults": 6,
    "uses_children": 4,
    "uses_by_group": {
        "culture": {"adults": 3, "children": 3},
        "education": {"adults": 1, "children": 0},
        "science": {"adults": 1, "children": 0},
        "sport": {"adults": 1, "children": 1},
    },
    "community_card_uses": 1,
    "cross_region_uses": 1,
    "active_offices": 2,
    "active_venues": 5,
    "municipalities_in_network": 2,
}


def test_coordinator_gets_national_figures(scenario):
    coordinator = CoordinatorFactory().user

    figures = stats_summary(user=coordinator, date_from=day(1), date_to=day(12, 31))

    assert figures == NATIONAL


def test_coordinator_may_pick_a_region(scenario):
    coordinator = CoordinatorFactory().user

    figures = stats_summary(user=coordinator, region=scenario["south"], date_from=day(1), date_to=day(12, 31))

    assert figures == {
        "cards_registered": 1, "cards_taken_into_use": 1, "active_cardholders": 1,
        "uses_total": 3, "uses_adults": 3, "uses_children": 1,
        "uses_by_group": {"culture": {"adults": 1, "children": 0}, "education": {"adults": 0, "children": 0},
                          "science": {"adults": 1, "children": 0}, "sport": {"adults": 1, "children": 1}},
        "community_card_uses": 0, "cross_region_uses": 1,
        "active_offices": 1, "active_venues": 2, "municipalities_in_network": 1,
    }


def test_regional_contact_gets_only_their_region(scenario):
    contact = RegionContactFactory(region=scenario["north"]).user

    figures = stats_summary(user=contact, date_from=day(1), date_to=day(12, 31))

    assert figures["uses_total"] == 3
    assert figures["uses_children"] == 3
    assert figures["cards_registered"] == 3
    assert figures["active_cardholders"] == 2
    assert figures["cross_region_uses"] == 0
    assert figures["community_card_uses"] == 1
    assert figures == stats_summary(user=contact, region=scenario["north"], date_from=day(1), date_to=day(12, 31))


@pytest.mark.parametrize("role", ["contact_elsewhere", "venue_staff", "nobody"])
def test_region_outside_scope_is_refused(scenario, role):
    if role == "contact_elsewhere":
        user = RegionContactFactory(region=scenario["north"]).user
    elif role == "venue_staff":
        user = VenueMembershipFactory(venue=scenario["venues"][2]).user
    else:
        user = CoordinatorFactory().user
        user.is_active = False
    with pytest.raises(DomainError) as exc:
        stats_summary(user=user, region=scenario["south"])
    assert exc.value.code == "not_allowed"


def test_period_is_whole_months_and_ordered(scenario):
    coordinator = CoordinatorFactory().user

    march = stats_summary(user=coordinator, date_from=day(3, 15), date_to=day(3, 16))

    assert (march["uses_total"], march["uses_children"], march["cards_taken_into_use"]) == (2, 3, 2)
    with pytest.raises(DomainError) as exc:
        stats_summary(user=coordinator, date_from=day(5), date_to=day(4))
    assert exc.value.code == "period_invalid"


def test_dashboard_breakdowns(scenario):
    contact = RegionContactFactory(region=scenario["north"]).user

    board = dashboard(user=contact, period=Period.for_year(YEAR))

    assert [(r["month"].month, r["uses"], r["children"]) for r in board.trend if r["uses"]] == [(3, 2, 3), (5, 1, 0)]
    assert {r["category"]: (r["adults"], r["children"]) for r in board.categories if r["uses"]} == {
        "theatre": (2, 3), "adult_education": (1, 0)}
    assert [(r["venue"].name, r["uses"]) for r in board.venues] == [("Tampereen Teatteri", 2), ("Työväenopisto", 1)]
    assert [(r["office"].name, r["registered"], r["taken"], r["holders"]) for r in board.offices] == [
        ("Tampereen sosiaalityö", 3, 3, 2)]
    assert [(str(r["municipality"] or "-"), r["registered"], r["holders"], r["uses"]) for r in board.municipalities] \
        == [("Tampere", 2, 2, 3), ("-", 1, 0, 1)]
    assert [(r["region"].name, r["uses"], r["registered"]) for r in board.regions_table] == [("Pohjoinen", 3, 3)]


def test_national_dashboard_regions_add_up(scenario):
    coordinator = CoordinatorFactory().user

    board = dashboard(user=coordinator, period=Period.for_year(YEAR))

    assert sum(r["uses"] for r in board.regions_table) == NATIONAL["uses_total"]
    assert sum(r["holders"] for r in board.regions_table) == NATIONAL["active_cardholders"]
    assert sum(r["cross"] for r in board.regions_table) == NATIONAL["cross_region_uses"]
    assert sum(r["uses"] for r in board.venues) == NATIONAL["uses_total"]
    assert board.summary == NATIONAL


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (None, None)])
def test_small_counts_are_suppressed(value, shown):
    assert suppress(value) == shown


def test_the_live_part_is_cached_for_the_configured_time(scenario, settings):
    from django.core.cache import cache

    settings.REPORTS_LIVE_SECONDS = 60
    coordinator = CoordinatorFactory().user
    today = timezone.localdate()
    before = stats_summary(user=coordinator, date_from=today, date_to=today)["uses_total"]
    use(card(scenario, 0), scenario["venues"][0], today)

    cached = stats_summary(user=coordinator, date_from=today, date_to=today)["uses_total"]
    cache.clear()
    fresh = stats_summary(user=coordinator, date_from=today, date_to=today)["uses_total"]

    assert (before, cached, fresh) == (0, 0, 1)


def test_grouped_reads_every_grouping_at_once_with_the_answer_of_one_read_per_grouping(
        scenario, django_assert_num_queries):
    """Issue 17: the dashboards read each rollup table once for several groupings (GROUPING SETS on PostgreSQL,
    one grouped read per set elsewhere); a real NULL key (a community card has no home municipality) stays apart
    from the groupings that do not group by that field."""
    from django.db import connection
    from django.db.models import Sum

    from reports.models import CardYearly, UseMonthly
    from reports.selectors import _by, grouped

    north, south = scenario["north"], scenario["south"]
    theatre, opisto, heureka, swimming, popup = scenario["venues"]
    office_n, office_s = scenario["offices"]
    sets = {"home": ("home_municipality_id",), "office": ("office_id",), "region": ("region_id",)}
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        cards = grouped(CardYearly.objects.all(), sets, registered=Sum("registered"), taken=Sum("taken_into_use"))
    muni_n, muni_s = scenario["munis"][north.pk], scenario["munis"][south.pk]
    assert cards == {
        "home": {muni_n.pk: {"registered": 2, "taken": 2}, muni_s.pk: {"registered": 1, "taken": 1},
                 None: {"registered": 1, "taken": 1}},
        "office": {office_n.pk: {"registered": 3, "taken": 3}, office_s.pk: {"registered": 1, "taken": 1}},
        "region": {north.pk: {"registered": 3, "taken": 3}, south.pk: {"registered": 1, "taken": 1}},
    }
    uses = grouped(UseMonthly.objects.all(), {"venue": ("venue_id",), "crossed": ("region_id", "cross_region")},
                   uses=Sum("uses"), children=Sum("children"))
    assert uses["venue"] == _by(UseMonthly.objects.all(), "venue_id", uses=Sum("uses"), children=Sum("children"))
    assert uses["venue"] == {theatre.pk: {"uses": 2, "children": 3}, opisto.pk: {"uses": 1, "children": 0},
                             heureka.pk: {"uses": 1, "children": 0}, swimming.pk: {"uses": 1, "children": 1},
                             popup.pk: {"uses": 1, "children": 0}}
    # The pop-up's use counts in its card's region (south); Heureka's by a northern card is south's cross-region use.
    assert uses["crossed"] == {(north.pk, False): {"uses": 3, "children": 3},
                               (south.pk, True): {"uses": 1, "children": 0},
                               (south.pk, False): {"uses": 2, "children": 1}}
    assert grouped(UseMonthly.objects.none(), {"venue": ("venue_id",)}, uses=Sum("uses")) == {"venue": {}}
