"""Issue 11, the repeat warning: the same card again at the same venue on the same day is logged only when
confirmed (``repeat_confirmed``), for every entry point alike (they all call ``use_log_or_replay``).

Every date-dependent call passes ``today=``; a refusal is asserted to have written nothing.
"""

import datetime
from contextlib import contextmanager

import pytest

from cards import services
from cards.models import Card, Use
from cards.tests.factories import CardFactory, CommunityCardFactory
from core.errors import HTTP_STATUS, MESSAGES, DomainError
from distributors.tests.factories import OfficeFactory
from regions.models import NationalSettings
from regions.tests.factories import RegionFactory
from venues.models import Category, Offer
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 16)
DAY = datetime.timedelta(days=1)


def _state() -> dict:
    return {
        "uses": list(Use.objects.order_by("pk").values_list("pk", "used_on", "children", "cancelled_at")),
        "offers": list(Offer.objects.order_by("pk").values_list("pk", "used_count")),
        "cards": list(Card.objects.order_by("pk").values_list("pk", "first_used_on")),
    }


@contextmanager
def refused(code: str):
    before = _state()
    with pytest.raises(DomainError) as excinfo:
        yield excinfo
    assert excinfo.value.code == code
    assert _state() == before


@pytest.fixture
def region():
    return RegionFactory(name="Tampere")


@pytest.fixture
def venue(region):
    return VenueFactory(name="Vapriikki", category=Category.MUSEUM, region=region)


@pytest.fixture
def box_office(venue):
    return VenueMembershipFactory(venue=venue, user__username="kohde").user


@pytest.fixture
def card(region):
    return CardFactory(office=OfficeFactory(region=region), children=2, issued_on=TODAY - 30 * DAY,
                       valid_until=TODAY + 300 * DAY)


def _log(user, venue, card, **kwargs):
    kwargs.setdefault("today", TODAY)
    return services.use_log_or_replay(user=user, venue=venue, number=card.number, **kwargs)


def test_repeat_use_is_a_409_with_a_message_in_every_language():
    assert HTTP_STATUS["repeat_use"] == 409
    assert str(MESSAGES["repeat_use"]).startswith("This card has already been logged at this venue on this day.")


def test_the_same_card_again_the_same_day_needs_a_confirmation(box_office, venue, card):
    first, created = _log(box_office, venue, card, children=2, idempotency_key="a")
    assert created is True

    with refused("repeat_use") as excinfo:
        _log(box_office, venue, card, idempotency_key="b")

    # The refusal carries the earlier use, for the counter to say when and what was logged.
    assert [(use.pk, use.children, use.kind) for use in excinfo.value.params["uses"]] == [(first.pk, 2, "ticket")]
    second, created = _log(box_office, venue, card, idempotency_key="b", repeat_confirmed=True)
    assert created is True
    assert list(Use.objects.filter(card=card, venue=venue).order_by("pk").values_list("pk", "children")) == [
        (first.pk, 2), (second.pk, 0)]


def test_every_earlier_use_of_the_day_is_listed_oldest_first(box_office, venue, card):
    first, _created = _log(box_office, venue, card, idempotency_key="a")
    second, _created = _log(box_office, venue, card, idempotency_key="b", repeat_confirmed=True)

    with refused("repeat_use") as excinfo:
        _log(box_office, venue, card, idempotency_key="c")

    assert [use.pk for use in excinfo.value.params["uses"]] == [first.pk, second.pk]


def test_the_use_log_wrapper_asks_the_same(box_office, venue, card):
    services.use_log(user=box_office, venue=venue, number=card.number, today=TODAY)
    with refused("repeat_use"):
        services.use_log(user=box_office, venue=venue, number=card.number, today=TODAY)
    services.use_log(user=box_office, venue=venue, number=card.number, today=TODAY, repeat_confirmed=True)
    assert Use.objects.filter(card=card).count() == 2


@pytest.mark.parametrize("confirmed", [False, True])
def test_a_replay_with_the_same_key_is_still_a_replay_not_a_refusal(box_office, venue, card, confirmed):
    first, _created = _log(box_office, venue, card, children=1, idempotency_key="a")

    again, created = _log(box_office, venue, card, children=1, idempotency_key="a", repeat_confirmed=confirmed)

    assert (again.pk, created) == (first.pk, False)
    assert Use.objects.count() == 1


def test_a_confirmed_repeat_retried_without_the_confirmation_replays(box_office, venue, card):
    """The offline queue or a lost answer sends the confirmed request again: it is the same use, not a question."""
    _log(box_office, venue, card, idempotency_key="a")
    repeat, _created = _log(box_office, venue, card, idempotency_key="b", repeat_confirmed=True)

    again, created = _log(box_office, venue, card, idempotency_key="b")

    assert (again.pk, created) == (repeat.pk, False)
    assert Use.objects.count() == 2


def test_the_same_key_with_other_details_is_still_an_idempotency_conflict(box_office, venue, card):
    _log(box_office, venue, card, idempotency_key="a")
    with refused("idempotency_conflict"):
        _log(box_office, venue, card, children=2, idempotency_key="a")


def test_another_venue_another_day_or_a_cancelled_use_is_no_repeat(box_office, venue, card, region):
    other_venue = VenueFactory(region=region)
    VenueMembershipFactory(venue=other_venue, user=box_office)
    _log(box_office, other_venue, card, idempotency_key="elsewhere")
    _log(box_office, venue, card, idempotency_key="yesterday", today=TODAY - DAY)
    cancelled, _created = _log(box_office, venue, card, idempotency_key="cancelled")
    services.use_cancel(user=box_office, use=cancelled, reason="Väärä kortti", today=TODAY)

    use, created = _log(box_office, venue, card, idempotency_key="today")

    assert created is True
    assert Use.objects.counted().filter(card=card, venue=venue, used_on=TODAY).get() == use


def test_another_card_at_the_same_venue_is_no_repeat(box_office, venue, card):
    _log(box_office, venue, card, idempotency_key="a")
    other = CardFactory(office=card.office, issued_on=TODAY - 30 * DAY, valid_until=TODAY + 300 * DAY)
    assert _log(box_office, venue, other, idempotency_key="b")[1] is True


def test_a_late_entry_on_a_day_with_a_use_needs_the_confirmation_too(box_office, venue, card):
    """Late entry of paper logs (R11): the day that counts is the visit's, ``used_on``, not the day of typing."""
    visit = TODAY - 3 * DAY
    on_the_day, _created = _log(box_office, venue, card, idempotency_key="counter", today=visit)

    with refused("repeat_use") as excinfo:
        _log(box_office, venue, card, used_on=visit, idempotency_key="paper")
    assert [use.pk for use in excinfo.value.params["uses"]] == [on_the_day.pk]

    # Today's use does not make a late entry for another day a repeat, nor the other way round.
    _log(box_office, venue, card, idempotency_key="today")
    late, created = _log(box_office, venue, card, used_on=visit + DAY, idempotency_key="paper-2")
    assert (created, late.channel, late.used_on) == (True, Use.Channel.LATE, visit + DAY)

    confirmed, created = _log(box_office, venue, card, used_on=visit, idempotency_key="paper",
                              repeat_confirmed=True)
    assert (created, confirmed.channel, confirmed.used_on) == (True, Use.Channel.LATE, visit)


def test_a_repeat_takes_no_place_of_a_quota_and_a_full_quota_is_said_first(box_office, venue, card):
    offer = OfferFactory(venue=venue, quota=4, starts_on=TODAY - 10 * DAY, ends_on=TODAY + 10 * DAY)
    _log(box_office, venue, card, offer=offer, children=1, idempotency_key="a")

    with refused("repeat_use"):
        _log(box_office, venue, card, offer=offer, idempotency_key="b")
    assert Offer.objects.get(pk=offer.pk).used_count == 2

    # Three places asked, two left: the quota's refusal, so that nobody confirms a use that cannot be logged.
    with refused("quota_exhausted"):
        _log(box_office, venue, card, offer=offer, children=2, idempotency_key="c")

    _log(box_office, venue, card, offer=offer, children=1, idempotency_key="c", repeat_confirmed=True)
    assert Offer.objects.get(pk=offer.pk).used_count == 4


def test_every_other_rule_is_answered_before_the_repeat(box_office, venue, card):
    _log(box_office, venue, card, idempotency_key="a")
    with refused("too_many_children"):
        _log(box_office, venue, card, children=3, idempotency_key="b")


def test_a_community_card_repeat_is_asked_too(box_office, venue, region):
    community = CommunityCardFactory(office=OfficeFactory(region=region), issued_on=TODAY - 30 * DAY,
                                     valid_until=TODAY + 300 * DAY)
    group = NationalSettings.current().group_min
    _log(box_office, venue, community, group_size=group, idempotency_key="a")
    with refused("repeat_use"):
        _log(box_office, venue, community, group_size=group, idempotency_key="b")


def test_a_repeat_refusal_does_not_count_towards_the_check_throttle(box_office, venue, card, settings):
    from django.core.cache import cache

    settings.CARD_CHECK_FAILURES_PER_MINUTE = 1
    cache.clear()
    _log(box_office, venue, card, idempotency_key="a")
    for key in ("b", "c"):
        with refused("repeat_use"):
            _log(box_office, venue, card, idempotency_key=key)
    assert _log(box_office, venue, card, idempotency_key="d", repeat_confirmed=True)[1] is True


def test_the_pages_read_the_earlier_uses_only_for_the_venues_staff(box_office, venue, card, region):
    from cards.selectors import repeat_uses

    first, _created = _log(box_office, venue, card, idempotency_key="a")
    other_staff = VenueMembershipFactory(venue=VenueFactory(region=region)).user

    assert [use.pk for use in repeat_uses(user=box_office, venue=venue, card=card, day=TODAY)] == [first.pk]
    assert repeat_uses(user=box_office, venue=venue, card=card, day=TODAY + DAY) == []
    assert repeat_uses(user=other_staff, venue=venue, card=card, day=TODAY) == []
