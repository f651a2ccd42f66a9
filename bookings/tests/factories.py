import datetime

import factory

from venues.models import Performance
from venues.tests.factories import OfferFactory


class PerformanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Performance

    offer = factory.SubFactory(OfferFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=3))
    time = datetime.time(19, 0)
    quota = 10
