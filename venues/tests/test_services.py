"""R10 offers: only the venue's own staff publish them; dates, kind and quota are validated."""

import datetime

import pytest

from cards.tests.factories import UseFactory
from core.errors import DomainError
from regions.tests.factories import RegionContactFactory
from venues import services
from venues.models import Offer
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

START, END = datetime.date(2025, 9, 1), datetime.date(2025, 12, 31)


@pytest.fixture
def membership():
    return VenueMembershipFactory(venue__offers_courses=False)


def _create(user, venue, **overrides):
    kwargs = {"title": "Syysnäyttely", "kind": Offer.Kind.EVENT, "starts_on": START, "ends_on": END, "quota": 20}
    kwargs.update(overrides)
    return services.offer_create(user=user, venue=venue, **kwargs)


def test_offer_create_by_the_venues_staff(membership):
    offer = _create(membership.user, membership.venue, title="  Syysnäyttely ")
    assert (offer.venue, offer.title, offer.kind, offer.starts_on, offer.ends_on, offer.quota, offer.used_count) == (
        membership.venue, "Syysnäyttely", "event", START, END, 20, 0)


@pytest.mark.parametrize(("overrides", "code"), [
    ({"title": " "}, "offer_title_required"),
    ({"kind": "party"}, "offer_kind_invalid"),
    ({"kind": Offer.Kind.COURSE}, "course_not_offered"),
    ({"ends_on": START - datetime.timedelta(days=1)}, "offer_dates_invalid"),
    ({"quota": 0}, "offer_quota_invalid"),
])
def test_offer_create_refusals_write_nothing(membership, overrides, code):
    with pytest.raises(DomainError) as refused:
        _create(membership.user, membership.venue, **overrides)
    assert refused.value.code == code
    assert Offer.objects.count() == 0


def test_course_offer_where_courses_are_offered():
    membership = VenueMembershipFactory(venue__offers_courses=True)
    assert _create(membership.user, membership.venue, kind=Offer.Kind.COURSE).kind == "course"


@pytest.mark.parametrize("who", ["other_venue_staff", "regional_contact"])
def test_only_the_venues_own_staff_publish_offers(membership, who):
    if who == "other_venue_staff":
        user = VenueMembershipFactory(venue=VenueFactory(region=membership.venue.region)).user
    else:
        user = RegionContactFactory(region=membership.venue.region).user
    with pytest.raises(DomainError) as refused:
        _create(user, membership.venue)
    assert refused.value.code == "not_allowed"
    assert Offer.objects.count() == 0


def test_offer_update(membership):
    offer = OfferFactory(venue=membership.venue, quota=5)
    updated = services.offer_update(user=membership.user, offer=offer, title="Uusi nimi", kind=Offer.Kind.EVENT,
                                    starts_on=START, ends_on=END, quota=None)
    offer.refresh_from_db()
    assert (updated.pk, offer.title, offer.kind, offer.quota) == (offer.pk, "Uusi nimi", "event", None)


def test_offer_update_keeps_the_quota_above_used_places(membership):
    offer = OfferFactory(venue=membership.venue, quota=10, title="Konsertti")
    Offer.objects.filter(pk=offer.pk).update(used_count=7)
    with pytest.raises(DomainError) as refused:
        services.offer_update(user=membership.user, offer=offer, title="Konsertti", kind=offer.kind,
                              starts_on=START, ends_on=END, quota=6)
    offer.refresh_from_db()
    assert refused.value.code == "offer_quota_below_used"
    assert offer.quota == 10
    assert services.offer_update(user=membership.user, offer=offer, title="Konsertti", kind=offer.kind,
                                 starts_on=START, ends_on=END, quota=7).quota == 7


def test_offer_update_keeps_the_kind_of_a_used_offer(membership):
    offer = OfferFactory(venue=membership.venue, kind=Offer.Kind.PERFORMANCE, title="Esitys")
    UseFactory(venue=membership.venue, offer=offer)
    with pytest.raises(DomainError) as refused:
        services.offer_update(user=membership.user, offer=offer, title="Esitys", kind=Offer.Kind.EVENT,
                              starts_on=START, ends_on=END)
    offer.refresh_from_db()
    assert refused.value.code == "offer_kind_in_use"
    assert offer.kind == "performance"


def test_offer_update_by_other_venue_staff_is_refused(membership):
    offer = OfferFactory(venue=membership.venue, title="Oma")
    other = VenueMembershipFactory().user
    with pytest.raises(DomainError) as refused:
        services.offer_update(user=other, offer=offer, title="Vieras", kind=offer.kind, starts_on=START, ends_on=END)
    offer.refresh_from_db()
    assert refused.value.code == "not_allowed"
    assert offer.title == "Oma"
