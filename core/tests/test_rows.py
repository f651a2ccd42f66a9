"""``core.rows.one`` reads the same instances as the ORM, the joined row included."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Model

from access.backends import AuthenticationBackend, ModelBackend
from cards.models import Card, CardCheck
from cards.tests.factories import CardFactory
from core import rows
from regions.tests.factories import UserFactory
from venues.models import Offer, Venue
from venues.tests.factories import OfferFactory, VenueFactory

pytestmark = pytest.mark.django_db


def _fields(instance: Model) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_a_card_and_its_region_equal_the_orms_in_one_statement(django_assert_num_queries):
    card = CardFactory(children=2, postal_code="33100", wellbeing_at_issue=3)
    expected = Card.objects.select_related("region").get(pk=card.pk)

    with django_assert_num_queries(1):
        found = rows.one(Card, "number", card.number, related="region")
        region = found.region

    assert _fields(found) == _fields(expected)
    assert _fields(region) == _fields(expected.region)
    assert isinstance(found.issued_on, datetime.date)
    assert found._state.adding is False
    assert found._state.db == "default"


def test_a_pop_up_venue_has_no_region_and_an_unknown_key_no_row(django_assert_num_queries):
    popup = VenueFactory(is_popup=True, region=None, active_until=datetime.date(2030, 1, 1))
    with django_assert_num_queries(1):
        found = rows.one(Venue, "id", popup.pk, related="region")
        assert found.region is None
    assert _fields(found) == _fields(Venue.objects.get(pk=popup.pk))
    assert rows.one(Card, "number", "NOSUCHNUM", related="region") is None


@pytest.mark.parametrize("backend_class", [ModelBackend, AuthenticationBackend])
def test_the_session_user_is_read_once_and_only_if_active(backend_class, django_assert_num_queries):
    user = UserFactory()
    backend = backend_class()
    with django_assert_num_queries(1):
        found = backend.get_user(str(user.pk))
    assert _fields(found) == _fields(get_user_model().objects.get(pk=user.pk))
    assert backend.get_user("not-a-number") is None
    assert backend.get_user(user.pk + 1000) is None
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None


def test_insert_writes_the_row_save_would_in_one_statement(django_assert_num_queries):
    card = CardFactory()
    user = UserFactory()
    venue = VenueFactory(region=card.region)
    check = CardCheck(user=user, venue=venue, number=card.number, card=card, result="valid")

    with django_assert_num_queries(1):
        rows.insert(check)

    stored = CardCheck.objects.get()
    assert check.pk == stored.pk
    assert check._state.adding is False
    assert check.at is not None  # auto_now_add, as save() sets it
    assert _fields(stored) == _fields(check)


def test_many_reads_the_rows_in_order(django_assert_num_queries):
    venue = VenueFactory()
    later = OfferFactory(venue=venue, title="B", starts_on=datetime.date(2026, 2, 1))
    first = OfferFactory(venue=venue, title="A", starts_on=datetime.date(2026, 1, 1))
    OfferFactory(title="Other venue")

    with django_assert_num_queries(1):
        found = rows.many(Offer, "venue_id = %s", [venue.pk], order_by="starts_on, title, id")

    assert [offer.pk for offer in found] == [first.pk, later.pk]
    assert [_fields(offer) for offer in found] == [_fields(Offer.objects.get(pk=first.pk)),
                                                    _fields(Offer.objects.get(pk=later.pk))]
