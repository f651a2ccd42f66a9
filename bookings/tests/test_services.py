"""R15: bookings ahead — every rule of a use at booking time, places held at once, check-in as a use, no-shows."""

import datetime

import pytest

from bookings import services
from bookings.models import Booking
from bookings.tests.factories import PerformanceFactory
from cards.models import CardCheck, Use
from cards.tests.factories import CardFactory, CommunityCardFactory
from core.errors import DomainError
from regions.tests.factories import RegionFactory
from venues.models import Offer, Performance
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)  # a Monday
FRIDAY = datetime.date(2026, 11, 27)


@pytest.fixture
def world():
    membership = VenueMembershipFactory()
    performance = PerformanceFactory(offer=OfferFactory(venue=membership.venue), date=FRIDAY, quota=4)
    card = CardFactory(issued_on=TODAY - datetime.timedelta(days=30), valid_until=TODAY + datetime.timedelta(days=300),
                       children=2)
    return membership.user, performance, card


def _book(user, performance, card, **kwargs):
    return services.booking_create(user=user, performance=performance, number=card.number, today=TODAY, **kwargs)


def test_a_booking_holds_one_place_for_the_holder_and_one_per_child(world):
    user, performance, card = world

    booking, created = _book(user, performance, card, children=2, note="pyörätuoli")

    assert created
    assert (booking.status, booking.places, booking.children, booking.note) == ("booked", 3, 2, "pyörätuoli")
    performance.refresh_from_db()
    assert performance.places_booked == 3
    assert CardCheck.objects.get().result == "valid"
    assert Use.objects.count() == 0  # a booking is not yet a use


def test_a_full_performance_refuses_and_changes_nothing(world):
    user, performance, card = world
    _book(user, performance, card, children=2)
    other = CardFactory(children=1)

    with pytest.raises(DomainError) as exc:
        _book(user, performance, other, children=1)

    assert exc.value.code == "performance_full"
    performance.refresh_from_db()
    assert performance.places_booked == 3
    assert Booking.objects.count() == 1


def test_a_local_only_card_at_another_regions_venue_is_refused(world):
    user, performance, _card = world
    local = CardFactory(office__region=RegionFactory(local_only=True))

    with pytest.raises(DomainError) as exc:
        _book(user, performance, local)

    assert exc.value.code == "card_not_valid_in_region"
    assert Booking.objects.count() == 0
    assert Performance.objects.get().places_booked == 0
    assert CardCheck.objects.get().result == "card_not_valid_in_region"


@pytest.mark.parametrize(("make", "kwargs", "code"), [
    (lambda: CardFactory(children=1), {"children": 2}, "too_many_children"),
    (lambda: CardFactory(valid_until=TODAY - datetime.timedelta(days=1)), {}, "card_expired"),
    (lambda: CommunityCardFactory(), {}, "group_size_invalid"),
])
def test_every_rule_of_a_use_is_checked_at_booking(world, make, kwargs, code):
    user, performance, _card = world

    with pytest.raises(DomainError) as exc:
        _book(user, performance, make(), **kwargs)

    assert exc.value.code == code
    assert Booking.objects.count() == 0


def test_a_course_performance_takes_no_children(world):
    user, performance, card = world
    performance.offer.venue.offers_courses = True
    performance.offer.venue.save()
    Offer.objects.filter(pk=performance.offer_id).update(kind=Offer.Kind.COURSE)
    performance.refresh_from_db()

    with pytest.raises(DomainError) as exc:
        _book(user, performance, card, children=1)

    assert exc.value.code == "children_not_allowed_for_courses"


def test_the_same_card_twice_and_another_venues_staff_are_refused(world):
    user, performance, card = world
    _book(user, performance, card)

    with pytest.raises(DomainError) as exc:
        _book(user, performance, card)
    assert exc.value.code == "already_booked"

    stranger = VenueMembershipFactory().user
    with pytest.raises(DomainError) as exc:
        _book(stranger, performance, CardFactory())
    assert exc.value.code == "not_allowed"
    assert Booking.objects.count() == 1


def test_a_repeated_key_returns_the_first_booking(world):
    user, performance, card = world
    first, created = _book(user, performance, card, idempotency_key="puhelin-1")

    again, created_again = _book(user, performance, card, idempotency_key="puhelin-1")

    assert (created, created_again, again.pk) == (True, False, first.pk)
    with pytest.raises(DomainError) as exc:
        _book(user, performance, card, children=1, idempotency_key="puhelin-1")
    assert exc.value.code == "idempotency_conflict"
    assert Performance.objects.get().places_booked == 1


def test_cancel_until_the_performance_releases_the_places(world):
    user, performance, card = world
    booking, _ = _book(user, performance, card, children=1)

    cancelled = services.booking_cancel(user=user, booking=booking, today=FRIDAY)

    assert cancelled.status == "cancelled"
    assert Performance.objects.get().places_booked == 0
    assert services.booking_cancel(user=user, booking=booking, today=FRIDAY).status == "cancelled"


def test_cancel_after_the_performance_is_refused(world):
    user, performance, card = world
    booking, _ = _book(user, performance, card)

    with pytest.raises(DomainError) as exc:
        services.booking_cancel(user=user, booking=booking, today=FRIDAY + datetime.timedelta(days=1))

    assert exc.value.code == "performance_past"
    assert Booking.objects.get().status == "booked"
    assert Performance.objects.get().places_booked == 1


def test_check_in_turns_the_booking_into_a_use_once(world):
    user, performance, card = world
    booking, _ = _book(user, performance, card, children=2)

    checked = services.booking_check_in(user=user, booking=booking, today=FRIDAY)
    again = services.booking_check_in(user=user, booking=booking, today=FRIDAY)

    use = Use.objects.get()
    assert (checked.status, checked.use_id, again.use_id) == ("checked_in", use.pk, use.pk)
    assert (use.card_id, use.children, use.used_on, use.offer_id) == (card.pk, 2, FRIDAY, None)
    assert Performance.objects.get().places_booked == 3


def test_a_card_expired_by_the_performance_day_is_refused_at_check_in(world):
    user, performance, _card = world
    card = CardFactory(issued_on=TODAY - datetime.timedelta(days=300), valid_until=FRIDAY - datetime.timedelta(days=1))
    booking, _ = _book(user, performance, card)

    with pytest.raises(DomainError) as exc:
        services.booking_check_in(user=user, booking=booking, today=FRIDAY)

    assert exc.value.code == "card_expired"
    assert Booking.objects.get().status == "booked"
    assert Use.objects.count() == 0


def test_check_in_before_the_day_is_refused(world):
    user, performance, card = world
    booking, _ = _book(user, performance, card)

    with pytest.raises(DomainError) as exc:
        services.booking_check_in(user=user, booking=booking, today=TODAY)

    assert exc.value.code == "used_on_in_future"
    assert Use.objects.count() == 0


def test_open_bookings_become_no_shows_after_the_day_and_keep_their_places(world):
    user, performance, card = world
    open_booking, _ = _book(user, performance, card)
    checked, _ = _book(user, performance, CardFactory())
    services.booking_check_in(user=user, booking=checked, today=FRIDAY)

    assert services.booking_mark_no_shows(today=FRIDAY) == 0
    assert services.booking_mark_no_shows(today=FRIDAY + datetime.timedelta(days=1)) == 1
    assert services.booking_mark_no_shows(today=FRIDAY + datetime.timedelta(days=1)) == 0

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {open_booking.pk: "no_show", checked.pk: "checked_in"}
    assert Performance.objects.get().places_booked == 2


def test_performance_create_checks_the_offer_period_and_the_quota(world):
    user, performance, _card = world
    offer = performance.offer

    created = services.performance_create(user=user, offer=offer, date=FRIDAY, time=datetime.time(14, 0), quota=5,
                                          today=TODAY)
    assert (created.quota, created.places_booked) == (5, 0)
    for kwargs, code in (
        ({"date": datetime.date(2031, 1, 2), "quota": 5}, "performance_date_invalid"),
        ({"date": FRIDAY, "quota": 0}, "performance_quota_invalid"),
        ({"date": TODAY - datetime.timedelta(days=1), "quota": 5}, "performance_past"),
        ({"date": FRIDAY, "quota": 5}, "performance_taken"),
    ):
        with pytest.raises(DomainError) as exc:
            services.performance_create(user=user, offer=offer, time=datetime.time(14, 0), today=TODAY, **kwargs)
        assert exc.value.code == code
    assert Performance.objects.count() == 2
    with pytest.raises(DomainError):
        services.performance_create(user=user, offer=OfferFactory(venue=VenueFactory()), date=FRIDAY,
                                    time=datetime.time(14, 0), quota=5, today=TODAY)


def test_the_nightly_task_marks_the_no_shows_and_is_safe_to_repeat(world):
    from bookings.tasks import mark_no_shows_task
    from kaikukanta import celery_app

    user, performance, card = world
    Performance.objects.filter(pk=performance.pk).update(date=datetime.date(2020, 1, 3))
    Booking.objects.create(performance=performance, card=card, places=1, created_by=user)

    assert mark_no_shows_task.delay().get() == 1
    assert mark_no_shows_task.delay().get() == 0
    assert Booking.objects.get().status == "no_show"
    assert celery_app.tasks["bookings.mark_no_shows"].acks_late
