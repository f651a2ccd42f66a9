"""R13: dashboards show the same figures before and after retention reduces old cards."""

import datetime

import pytest
from django.utils import timezone

from cards.models import Card
from cards.retention import retention_apply
from reports.exports import dashboard_tables
from reports.selectors import Period, dashboard_for
from reports.services import rollup_rebuild

from .factories import card, network, use

TODAY = timezone.localdate()


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def figures(net) -> list:
    periods = [Period.for_year(TODAY.year - 4), Period.from_dates(ago(6 * 365), TODAY)]  # the last: every use
    out = []
    for region_ids in (None, [net["north"].pk]):
        for period in periods:
            board = dashboard_for(region_ids, period)
            out.append((board.summary, [(t.key, t.rows) for t in dashboard_tables(board, suppressed=False)]))
    return out


@pytest.mark.django_db
def test_dashboards_are_the_same_before_and_after_retention():
    net = network()
    theatre, opisto, heureka, _swimming, popup = net["venues"]
    old = [card(net, i % 2, children=2, birth_year=1950 + i, postal_code="33100", gender="male",
                issued_on=ago(4 * 365), valid_until=ago(3 * 365)) for i in range(4)]
    lost = card(net, 0, issued_on=ago(5 * 365), valid_until=ago(100), status="inactive", inactive_reason="lost",
                inactivated_on=ago(4 * 365))
    community = card(net, 1, community=True, issued_on=ago(4 * 365), valid_until=ago(3 * 365))
    current = card(net, 0, children=1, issued_on=ago(200), valid_until=ago(-100))
    for i, holder in enumerate(old):
        use(holder, [theatre, heureka, popup][i % 3], ago(3 * 365 + 100 + i), children=i % 3)
        use(holder, opisto, ago(3 * 365 + 30), course=True)
    use(lost, heureka, ago(4 * 365 + 20))
    use(community, theatre, ago(3 * 365 + 50), children=2, group_size=3)
    use(current, theatre, ago(10), children=1)
    use(current, popup, TODAY)
    rollup_rebuild()
    before = figures(net)

    result = retention_apply()

    assert result.reduced == 6
    assert Card.objects.filter(reduced_on__isnull=False, birth_year__isnull=True).count() == 6
    assert figures(net) == before
    rollup_rebuild()
    assert figures(net) == before
    rollup_rebuild(full=True)
    assert figures(net) == before
    assert before[0][0]["cards_registered"] == 5
    assert before[1][0]["uses_total"] == 12
