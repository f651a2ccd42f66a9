"""R11 and the distributor and region rules: one permission function per question, as a matrix.

``may_act_for_venue`` (works at the venue's counter), ``may_act_for_office`` (works at the office),
``manages_region`` (the region's contact or the coordinator): role × unit → exactly these answers.
Managing a region never makes one staff of its venues or offices, and an ended grant counts for nothing.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from distributors.permissions import may_act_for_office
from kaikukanta.tests.world import build_world
from regions.permissions import manages_region
from venues.permissions import may_act_for_venue

WHO = ("coordinator", "contact", "distributor", "venue_staff", "ended_venue_staff", "anonymous")

# who -> (venue_a, venue_b, venue_p, office_a, office_b, region_a, region_b, no region)
EXPECTED = {
    "coordinator": (False, False, False, False, False, True, True, True),
    "contact": (False, False, False, False, False, True, False, False),
    "distributor": (False, False, False, True, False, False, False, False),
    "venue_staff": (True, False, False, False, False, False, False, False),
    "ended_venue_staff": (False, False, False, False, False, False, False, False),
    "anonymous": (False, False, False, False, False, False, False, False),
}


@pytest.fixture
def world(db):
    w = build_world()
    w.ended_venue_staff = type(w.venue_staff).objects.create(username="kohde-a-ennen")
    w.vm_ended = type(w.vm_a).objects.create(
        user=w.ended_venue_staff, venue=w.venue_a, started_on=datetime.date(2020, 1, 1),
        ended_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    w.anonymous = AnonymousUser()
    return w


@pytest.mark.parametrize("who", WHO)
def test_who_may_act_where(world, who):
    user = getattr(world, who)
    w = world

    answers = (
        may_act_for_venue(user, w.venue_a), may_act_for_venue(user, w.venue_b), may_act_for_venue(user, w.venue_p),
        may_act_for_office(user, w.office_a), may_act_for_office(user, w.office_b),
        manages_region(user, w.region_a.pk), manages_region(user, w.region_b.pk), manages_region(user, None),
    )

    assert answers == EXPECTED[who]
    # A venue is asked by its object or by its id (the counter keeps the id in the session) alike.
    assert may_act_for_venue(user, w.venue_a.pk) is EXPECTED[who][0]
    assert may_act_for_venue(user, None) is False
