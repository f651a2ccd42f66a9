"""A small world for the distributor page tests: two regions, an office in each, their staff."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from cards.models import Card
from cards.tests.factories import CardFactory
from distributors.models import Office
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.models import Municipality, NationalSettings, Region
from regions.tests.factories import MunicipalityFactory, RegionContactFactory, RegionFactory, UserFactory

PASSWORD = "salasana-testi-1"


@dataclass
class World:
    region: Region
    other_region: Region
    tampere: Municipality
    helsinki: Municipality
    office: Office
    other_office: Office
    jakaja: object
    other_jakaja: object
    contact: object


def build_world() -> World:
    NationalSettings.current()
    region = RegionFactory(name="Tampere", active_from=datetime.date(2015, 1, 1))
    other_region = RegionFactory(name="Helsinki", active_from=datetime.date(2015, 1, 1))
    tampere = MunicipalityFactory(code="837", name_fi="Tampere", name_sv="Tammerfors", region=region)
    helsinki = MunicipalityFactory(code="091", name_fi="Helsinki", name_sv="Helsingfors", region=other_region)
    office = OfficeFactory(name="Sosiaalityö Tampere", region=region, municipality=tampere)
    other_office = OfficeFactory(name="Sosiaalityö Helsinki", region=other_region, municipality=helsinki)
    jakaja = UserFactory(username="jakaja-tampere")
    other_jakaja = UserFactory(username="jakaja-helsinki")
    OfficeMembershipFactory(user=jakaja, office=office)
    OfficeMembershipFactory(user=other_jakaja, office=other_office)
    contact = RegionContactFactory(user=UserFactory(username="alue-tampere"), region=region).user
    return World(region, other_region, tampere, helsinki, office, other_office, jakaja, other_jakaja, contact)


def card_for(office: Office, municipality: Municipality, **kwargs) -> Card:
    today = timezone.localdate()
    kwargs.setdefault("issued_on", today - datetime.timedelta(days=30))
    kwargs.setdefault("valid_until", today + datetime.timedelta(days=300))
    return CardFactory(office=office, region=office.region, home_municipality=municipality, **kwargs)
