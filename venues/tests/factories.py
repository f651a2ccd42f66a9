import datetime

import factory

from regions.tests.factories import RegionFactory, UserFactory
from venues.models import Category, Offer, Venue, VenueMembership


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Teatteri {n}")
    category = Category.THEATRE
    region = factory.SubFactory(RegionFactory)
    active_from = datetime.date(2015, 1, 1)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    venue = factory.SubFactory(VenueFactory)
    title = factory.Sequence(lambda n: f"Esitys {n}")
    kind = Offer.Kind.PERFORMANCE
    starts_on = datetime.date(2020, 1, 1)
    ends_on = datetime.date(2030, 12, 31)
    quota = None


class VenueMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VenueMembership

    user = factory.SubFactory(UserFactory)
    venue = factory.SubFactory(VenueFactory)
    started_on = datetime.date(2015, 1, 1)
