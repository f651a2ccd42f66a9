import datetime

import factory
from django.contrib.auth import get_user_model

from regions.models import Municipality, Region, RegionMembership, WelfareArea


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"kayttaja{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.fi")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    password = factory.django.Password("salasana-testi-1")


class WelfareAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WelfareArea
        django_get_or_create = ("code",)

    code = "PIR"
    name_fi = "Pirkanmaan hyvinvointialue"
    name_sv = "Birkalands välfärdsområde"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Alue {n}")
    active_from = datetime.date(2015, 1, 1)
    active_until = None
    local_only = False


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 900) + 100:03d}")
    name_fi = factory.Faker("city", locale="fi_FI")
    name_sv = factory.LazyAttribute(lambda o: o.name_fi)
    welfare_area = factory.SubFactory(WelfareAreaFactory)
    region = factory.SubFactory(RegionFactory)


class RegionContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionMembership

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)
    role = RegionMembership.Role.CONTACT
    started_on = datetime.date(2015, 1, 1)


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionMembership

    user = factory.SubFactory(UserFactory)
    region = None
    role = RegionMembership.Role.COORDINATOR
    started_on = datetime.date(2015, 1, 1)
