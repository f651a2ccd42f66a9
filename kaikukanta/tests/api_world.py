"""A small two-region world for the API's role × scope matrix tests.

Region A has two offices, a venue that also offers courses and an offer with a quota; region B has
one office and one venue. ``use_x`` is a card of region A used at region B's venue (a cross-region
use), so it is visible on both sides.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bookings.models import Booking
from cards.tests.factories import CardFactory, UseFactory
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.tests.factories import (
    CoordinatorFactory,
    MunicipalityFactory,
    RegionContactFactory,
    RegionFactory,
    UserFactory,
)
from venues.models import Category, Performance
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

ROLES = ["coordinator", "contact_a", "distributor_a", "venue_a", "distributor_b", "venue_b", "nobody"]


@dataclass
class World:
    objects: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def client(self, role: str | None) -> APIClient:
        client = APIClient()
        if role is not None:
            token, _created = Token.objects.get_or_create(user=self.users[role])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


def _user(username: str):
    # An unusable password: hashing a real one per user would make every matrix test slow.
    return UserFactory(username=username, password="!")


def build_world() -> World:
    today = timezone.localdate()
    w = World()
    o = w.objects
    o["region_a"] = RegionFactory(name="Pirkanmaa")
    o["region_b"] = RegionFactory(name="Uusimaa")
    o["municipality_a"] = MunicipalityFactory(code="837", name_fi="Tampere", region=o["region_a"])
    o["municipality_b"] = MunicipalityFactory(code="091", name_fi="Helsinki", region=o["region_b"])
    o["office_a"] = OfficeFactory(name="Tampereen sosiaalitoimisto", region=o["region_a"],
                                  municipality=o["municipality_a"])
    o["office_a2"] = OfficeFactory(name="Nuorisotyö Tampere", region=o["region_a"])
    o["office_b"] = OfficeFactory(name="Helsingin diakoniatyö", region=o["region_b"])
    o["venue_a"] = VenueFactory(name="Vapriikki", category=Category.MUSEUM, region=o["region_a"],
                                municipality=o["municipality_a"], offers_courses=True)
    o["venue_b"] = VenueFactory(name="Kansallisteatteri", category=Category.THEATRE, region=o["region_b"])
    o["offer_a"] = OfferFactory(venue=o["venue_a"], title="Näyttely", quota=10)
    o["offer_b"] = OfferFactory(venue=o["venue_b"], title="Kevätnäytös", quota=None)
    o["card_a"] = CardFactory(office=o["office_a"], home_municipality=o["municipality_a"], children=2)
    o["card_a2"] = CardFactory(office=o["office_a2"], home_municipality=o["municipality_a"])
    o["card_b"] = CardFactory(office=o["office_b"], home_municipality=o["municipality_b"])
    o["use_a"] = UseFactory(card=o["card_a"], venue=o["venue_a"], used_on=today)
    o["use_b"] = UseFactory(card=o["card_b"], venue=o["venue_b"], used_on=today)
    o["use_x"] = UseFactory(card=o["card_a"], venue=o["venue_b"], used_on=today)
    # Issue 16: a performance per venue, with one booking each (the contract run books, cancels and checks in).
    o["performance_a"] = Performance.objects.create(offer=o["offer_a"], date=today + datetime.timedelta(days=3),
                                                    time=datetime.time(19), quota=10, places_booked=1)
    o["performance_b"] = Performance.objects.create(offer=o["offer_b"], date=today, time=datetime.time(19), quota=10,
                                                    places_booked=1)
    o["booking_a"] = Booking.objects.create(performance=o["performance_a"], card=o["card_a2"], places=1)
    o["booking_b"] = Booking.objects.create(performance=o["performance_b"], card=o["card_b"], places=1)

    u = w.users
    u["coordinator"] = CoordinatorFactory(user=_user("kaikukeskus")).user
    u["contact_a"] = RegionContactFactory(user=_user("vastuu-pirkanmaa"), region=o["region_a"]).user
    u["distributor_a"] = OfficeMembershipFactory(user=_user("jakaja-tampere"),
                                                 office=o["office_a"]).user
    u["venue_a"] = VenueMembershipFactory(user=_user("kohde-vapriikki"), venue=o["venue_a"]).user
    u["distributor_b"] = OfficeMembershipFactory(user=_user("jakaja-helsinki"),
                                                 office=o["office_b"]).user
    u["venue_b"] = VenueMembershipFactory(user=_user("kohde-teatteri"), venue=o["venue_b"]).user
    u["nobody"] = _user("ei-roolia")
    return w
