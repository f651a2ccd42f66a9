import datetime

import factory
from django.utils import timezone

from venues.models import Performance
from venues.tests.factories import OfferFactory


class PerformanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Performance

    offer = factory.SubFactory(OfferFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    time = datetime.time(19, 0)
    quota = 10
