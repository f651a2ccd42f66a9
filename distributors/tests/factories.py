import datetime

import factory

from distributors.models import Office, OfficeMembership, Organisation
from regions.tests.factories import RegionFactory, UserFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Hyvinvointialue {n}")
    kind = Organisation.Kind.WELFARE_AREA


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Sosiaalitoimisto {n}")
    region = factory.SubFactory(RegionFactory)
    active_from = datetime.date(2015, 1, 1)


class OfficeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeMembership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    started_on = datetime.date(2015, 1, 1)
