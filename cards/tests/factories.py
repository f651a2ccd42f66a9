import datetime

import factory
from django.utils import timezone

from cards import numbers
from cards.models import Card, Use
from distributors.tests.factories import OfficeFactory
from regions.tests.factories import MunicipalityFactory
from venues.models import StatGroup
from venues.tests.factories import VenueFactory


def _number(n: int) -> str:
    payload = "".join(numbers.ALPHABET[(n // numbers.MODULUS**i) % numbers.MODULUS] for i in range(8))
    return payload + numbers.check_character(payload)


class CardFactory(factory.django.DjangoModelFactory):
    """A valid personal card; a direct row (tests of rules go through services instead)."""

    class Meta:
        model = Card

    number = factory.Sequence(lambda n: _number(n + 1000))
    kind = Card.Kind.PERSONAL
    office = factory.SubFactory(OfficeFactory)
    region = factory.LazyAttribute(lambda o: o.office.region)
    home_municipality = factory.LazyAttribute(lambda o: MunicipalityFactory(region=o.office.region))
    birth_year = 1980
    children = 0
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=300))


class CommunityCardFactory(CardFactory):
    kind = Card.Kind.COMMUNITY
    home_municipality = None
    birth_year = None


class UseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Use

    card = factory.SubFactory(CardFactory)
    venue = factory.SubFactory(VenueFactory)
    kind = Use.Kind.TICKET
    used_on = factory.LazyFunction(datetime.date.today)
    card_kind = factory.LazyAttribute(lambda o: o.card.kind)
    card_region = factory.LazyAttribute(lambda o: o.card.region)
    venue_region = factory.LazyAttribute(lambda o: o.venue.region)
    stat_group = factory.LazyAttribute(
        lambda o: StatGroup.EDUCATION if o.kind == Use.Kind.COURSE else o.venue.stat_group
    )
