"""Issue 17, point 5: the dashboards' live part is summed from the daily counts, and it equals the recount from the
raw uses for every period the dashboards offer; no request reads the uses table for it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cards import services
from reports.selectors import Period, _live_from_counts, _live_recount, _rollup_cutoff, dashboard_for
from reports.services import rollup_rebuild
from venues.tests.factories import VenueMembershipFactory

from .factories import card, network, use

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def periods() -> list[Period]:
    quarter = (TODAY.month - 1) // 3 + 1
    return [Period.for_year(TODAY.year), Period.for_year(TODAY.year, quarter=quarter),
            Period.for_year(TODAY.year, month=TODAY.month), Period.from_dates(None, TODAY),
            Period.from_dates(datetime.date(TODAY.year, 1, 1), TODAY)]


@pytest.mark.django_db
def test_live_part_from_the_counts_equals_the_recount():
    net = network()
    theatre, _opisto, heureka, _hall, popup = net["venues"]
    holders = [card(net, i % 2, children=2, issued_on=TODAY - 400 * DAY, valid_until=TODAY + 100 * DAY)
               for i in range(4)]
    community = card(net, 0, community=True, issued_on=TODAY - 400 * DAY, valid_until=TODAY + 100 * DAY)
    use(holders[0], theatre, TODAY - 40 * DAY)
    use(holders[1], heureka, datetime.date(TODAY.year, 1, 1))
    rollup_rebuild()
    staff = {venue: VenueMembershipFactory(venue=venue).user for venue in (theatre, heureka, popup)}
    for i, holder in enumerate(holders):
        for venue in (theatre, heureka, popup)[: i + 1]:
            services.use_log(user=staff[venue], venue=venue, number=holder.number, children=i % 3,
                             repeat_confirmed=True)
    services.use_log(user=staff[theatre], venue=theatre, number=community.number, group_size=1, children=1)
    cancelled = services.use_log(user=staff[heureka], venue=heureka, number=holders[3].number, repeat_confirmed=True)
    services.use_cancel(user=staff[heureka], use=cancelled, reason="väärin")
    cutoff = _rollup_cutoff()
    assert cutoff == TODAY

    for region_ids in (None, [net["north"].pk], [net["south"].pk]):
        for period in periods():
            with CaptureQueriesContext(connection) as queries:
                counted = _live_from_counts(region_ids, period, cutoff)
            assert counted == _live_recount(region_ids, period, cutoff), (region_ids, period)
            assert not any("cards_use" in q["sql"] for q in queries.captured_queries)
    assert counted.totals["total_uses"] == 4  # the south: heureka's (1, 2, 3 minus the cancelled) and a popup use
    # A run of months that starts elsewhere than a month, quarter or year boundary of today: recounted.
    odd = Period.from_dates(datetime.date(TODAY.year - 1, 2, 1), TODAY)
    assert _live_from_counts(None, odd, cutoff) is None

    boards = [dashboard_for(None, period) for period in periods()]
    rollup_rebuild(full=True)  # today's uses stay in the live part; the counts are recounted
    assert [dashboard_for(None, period) .summary for period in periods()] == [board.summary for board in boards]


@pytest.mark.django_db
def test_no_dashboard_request_reads_the_uses_table(client, settings):
    """With the live cache off (as after every expiry), the dashboards of every period the filter offers read
    today's uses from the daily counts only."""
    from django.core.cache import cache
    from django.urls import reverse

    from regions.tests.factories import CoordinatorFactory, RegionContactFactory

    settings.REPORTS_LIVE_SECONDS = 0
    net = network()
    theatre = net["venues"][0]
    holder = card(net, 0, issued_on=TODAY - 400 * DAY, valid_until=TODAY + 100 * DAY)
    use(holder, theatre, TODAY - 40 * DAY)
    rollup_rebuild()
    staff = VenueMembershipFactory(venue=theatre).user
    services.use_log(user=staff, venue=theatre, number=holder.number)
    coordinator, contact = CoordinatorFactory().user, RegionContactFactory(region=net["north"]).user
    quarter = f"q{(TODAY.month - 1) // 3 + 1}"
    for user, page in ((coordinator, "reports:national"), (contact, "reports:regional")):
        client.force_login(user)
        for params in ({"year": TODAY.year}, {"year": "all"}, {"year": TODAY.year, "period": quarter},
                       {"year": TODAY.year, "period": f"m{TODAY.month}"}):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(page), params)
            assert response.status_code == 200
            assert response.context["board"].summary["uses_total"] >= 1
            assert not [q["sql"] for q in queries.captured_queries if '"cards_use"' in q["sql"]], params
