"""R9: "active on a day" (``core.periods``) on every model that has a period, at the boundary days.

A period runs from its first to its last day, both included; an empty end never ends. The model method,
the queryset, the ``Q`` through a relation, the SQL of ``core.scopes`` and of the counter's offers must
all give the same answer on the same day.
"""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from core.periods import period_q, period_sql
from core.scopes import scope_for
from distributors.models import Office, OfficeMembership
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.models import Municipality, Region, RegionMembership
from regions.tests.factories import MunicipalityFactory, RegionContactFactory, RegionFactory, UserFactory
from venues.models import Offer, Venue, VenueMembership
from venues.selectors import counter_offers
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

D = datetime.date
START, END = D(2025, 3, 10), D(2025, 3, 20)
ONE = datetime.timedelta(days=1)
# day -> active on it, for a period START..END
BOUNDARIES = {START - ONE: False, START: True, START + ONE: True, END - ONE: True, END: True, END + ONE: False}
FAR = D(2099, 12, 31)


def _bounded() -> dict:
    """One row of every model with a period, each running START..END."""
    region = RegionFactory(active_from=START, active_until=END)
    host = RegionFactory(active_from=D(2015, 1, 1))
    office = OfficeFactory(region=host, active_from=START, active_until=END)
    venue = VenueFactory(region=host, active_from=START, active_until=END)
    return {
        "region": region,
        "office": office,
        "venue": venue,
        "popup": VenueFactory(region=None, is_popup=True, active_from=START, active_until=END),
        "offer": OfferFactory(venue=venue, starts_on=START, ends_on=END),
        "region_membership": RegionContactFactory(region=host, started_on=START, ended_on=END),
        "office_membership": OfficeMembershipFactory(office=office, started_on=START, ended_on=END),
        "venue_membership": VenueMembershipFactory(venue=venue, started_on=START, ended_on=END),
    }


def _open() -> dict:
    """One row of every model whose period may be open-ended, each from START on."""
    host = RegionFactory(active_from=D(2015, 1, 1))
    office = OfficeFactory(region=host, active_from=START, active_until=None)
    venue = VenueFactory(region=host, active_from=START, active_until=None)
    return {
        "region": RegionFactory(active_from=START, active_until=None),
        "office": office,
        "venue": venue,
        "region_membership": RegionContactFactory(region=host, started_on=START, ended_on=None),
        "office_membership": OfficeMembershipFactory(office=office, started_on=START, ended_on=None),
        "venue_membership": VenueMembershipFactory(venue=venue, started_on=START, ended_on=None),
    }


def _active_in_db(obj, day) -> bool:
    return type(obj).objects.active_on(day).filter(pk=obj.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["region", "office", "venue", "popup", "offer", "region_membership",
                                  "office_membership", "venue_membership"])
def test_a_period_includes_its_first_and_last_day_and_nothing_outside(kind):
    obj = _bounded()[kind]

    assert {day: obj.is_active_on(day) for day in BOUNDARIES} == BOUNDARIES
    assert {day: _active_in_db(obj, day) for day in BOUNDARIES} == BOUNDARIES


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["region", "office", "venue", "region_membership", "office_membership",
                                  "venue_membership"])
def test_an_empty_end_never_ends(kind):
    obj = _open()[kind]

    expected = {START - ONE: False, START: True, END + ONE: True, FAR: True}
    assert {day: obj.is_active_on(day) for day in expected} == expected
    assert {day: _active_in_db(obj, day) for day in expected} == expected
    assert not obj.has_ended_before(FAR)
    assert type(obj).objects.open_ended().filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_has_ended_before_is_about_the_last_day_only():
    bounded = _bounded()
    office = bounded["office"]

    assert [office.has_ended_before(day) for day in (START - ONE, START, END, END + ONE)] == [
        False, False, False, True]
    # A bounded membership is not open-ended, whatever the day.
    assert not OfficeMembership.objects.open_ended().filter(pk=bounded["office_membership"].pk).exists()


@pytest.mark.django_db
def test_active_q_reaches_a_period_through_a_relation():
    bounded = _bounded()
    region, office = bounded["region"], bounded["office"]
    municipality = MunicipalityFactory(region=region)
    membership = bounded["office_membership"]

    for day, active in BOUNDARIES.items():
        assert Municipality.objects.in_network_on(day).filter(pk=municipality.pk).exists() is active
        assert OfficeMembership.objects.filter(Office.active_q(day, prefix="office__"), pk=membership.pk).exists() \
            is active
        assert Offer.objects.filter(Venue.active_q(day, prefix="venue__"), pk=bounded["offer"].pk).exists() is active
    assert Office.objects.filter(Region.active_q(START - ONE, prefix="region__"), pk=office.pk).exists()  # host
    assert not Office.objects.filter(Region.active_q(D(2014, 12, 31), prefix="region__"), pk=office.pk).exists()


@pytest.mark.django_db
def test_active_between_is_any_shared_day_and_an_open_start_reaches_back_forever():
    region = _bounded()["region"]

    def between(first, last) -> bool:
        return Region.objects.active_between(first, last).filter(pk=region.pk).exists()

    assert between(END + ONE, END + 10 * ONE) is False
    assert between(END, END + 10 * ONE) is True
    assert between(START - 10 * ONE, START - ONE) is False
    assert between(START - 10 * ONE, START) is True
    assert between(START + ONE, END - ONE) is True  # inside
    assert between(None, START - ONE) is False
    assert between(None, START) is True


def test_the_q_and_sql_forms_spell_out_the_same_rule():
    assert Region.active_q(START) == Q(active_from__lte=START) & (
        Q(active_until__isnull=True) | Q(active_until__gte=START))
    assert Office.active_q(START, prefix="office__") == Q(office__active_from__lte=START) & (
        Q(office__active_until__isnull=True) | Q(office__active_until__gte=START))
    # A required end needs no NULL test.
    assert Offer.active_q(START) == Q(starts_on__lte=START) & Q(ends_on__gte=START)
    assert period_q("a", "b", first=START, last=END, end_nullable=False) == Q(a__lte=END) & Q(b__gte=START)
    assert period_sql("started_on", "ended_on") == "started_on <= %s AND (ended_on IS NULL OR ended_on >= %s)"
    assert Offer.active_sql() == "starts_on <= %s AND ends_on >= %s"
    assert RegionMembership.active_sql() == OfficeMembership.active_sql() == VenueMembership.active_sql() \
        == period_sql("started_on", "ended_on")


@pytest.mark.django_db
def test_counter_offers_and_the_orm_reference_agree_at_every_boundary():
    venue = VenueFactory(offers_courses=True)
    other = VenueFactory()
    free = OfferFactory(venue=venue, title="A free", starts_on=START, ends_on=END, quota=None)
    full = OfferFactory(venue=venue, title="B full", starts_on=START, ends_on=END, quota=2)
    one_left = OfferFactory(venue=venue, title="C one left", starts_on=START, ends_on=END, quota=2)
    course = OfferFactory(venue=venue, title="D course", kind=Offer.Kind.COURSE, starts_on=START, ends_on=END)
    later = OfferFactory(venue=venue, title="E later", starts_on=END + ONE, ends_on=END + 5 * ONE)
    OfferFactory(venue=other, starts_on=START, ends_on=END)
    Offer.objects.filter(pk=full.pk).update(used_count=2)
    Offer.objects.filter(pk=one_left.pk).update(used_count=1)

    for day in [*BOUNDARIES, END + 5 * ONE]:
        for include_courses in (True, False):
            reference = Offer.objects.filter(venue=venue).available_on(day).order_by("starts_on", "title", "pk")
            if not include_courses:
                reference = reference.exclude(kind=Offer.Kind.COURSE)
            assert [o.pk for o in counter_offers(venue, day, include_courses=include_courses)] == [
                o.pk for o in reference], (day, include_courses)

    assert counter_offers(venue, START) == [free, one_left, course]
    assert counter_offers(venue, END, include_courses=False) == [free, one_left]
    assert counter_offers(venue, END + ONE) == [later]
    assert counter_offers(venue, START - ONE) == []


@pytest.mark.django_db
def test_scope_sql_and_the_membership_querysets_agree_on_today():
    today = timezone.localdate()
    user = UserFactory()
    host = RegionFactory(active_from=D(2015, 1, 1))
    periods = {  # name -> (started_on, ended_on)
        "open": (today - 10 * ONE, None),
        "ends_today": (today - 10 * ONE, today),
        "ended_yesterday": (today - 10 * ONE, today - ONE),
        "starts_today": (today, None),
        "starts_tomorrow": (today + ONE, None),
    }
    venues, offices, regions = {}, {}, {}
    for name, (started, ended) in periods.items():
        venues[name] = VenueFactory(region=host)
        VenueMembershipFactory(user=user, venue=venues[name], started_on=started, ended_on=ended)
        offices[name] = OfficeFactory(region=host)
        OfficeMembershipFactory(user=user, office=offices[name], started_on=started, ended_on=ended)
        regions[name] = RegionFactory()
        RegionContactFactory(user=user, region=regions[name], started_on=started, ended_on=ended)

    scope = scope_for(user)

    in_force = {"open", "ends_today", "starts_today"}
    assert scope.venue_ids == {venues[n].pk for n in in_force} == set(
        VenueMembership.objects.filter(user=user).active_on(today).values_list("venue_id", flat=True))
    assert scope.office_ids == {offices[n].pk for n in in_force} == set(
        OfficeMembership.objects.filter(user=user).active_on(today).values_list("office_id", flat=True))
    assert scope.region_ids == {regions[n].pk for n in in_force} == set(
        RegionMembership.objects.filter(user=user).active_on(today).values_list("region_id", flat=True))
