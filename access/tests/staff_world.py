"""Two regions and a person of every role, for the staff lifecycle and the audit trail (issue 12, points 3 and 5).

Tampere and Espoo each have an office and a venue with one person working there and a regional contact; a
pop-up venue has no region; ``koordinaattori`` is the national coordinator. Users sign in with ``force_login``
(no password hashing in the many matrix cells).
"""

import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.models import NationalSettings
from regions.tests.factories import CoordinatorFactory, MunicipalityFactory, RegionContactFactory, RegionFactory
from venues.tests.factories import VenueFactory, VenueMembershipFactory

# The roles of the permission matrices: who signs in (None: nobody).
ROLES = ("anonymous", "office_staff", "venue_staff", "contact", "other_contact", "coordinator")


def person(username: str, **fields):
    return get_user_model().objects.create(username=username, email=f"{username}@example.fi", **fields)


def build_world() -> SimpleNamespace:
    NationalSettings.current()
    w = SimpleNamespace()
    w.tampere = RegionFactory(name="Tampere", active_from=datetime.date(2015, 1, 1))
    w.espoo = RegionFactory(name="Espoo", active_from=datetime.date(2015, 1, 1))
    w.muni_tampere = MunicipalityFactory(code="837", name_fi="Tampere", region=w.tampere)
    w.muni_espoo = MunicipalityFactory(code="049", name_fi="Espoo", region=w.espoo)
    w.office = OfficeFactory(name="Sosiaalityö Tampere", region=w.tampere, municipality=w.muni_tampere)
    w.office_espoo = OfficeFactory(name="Sosiaalityö Espoo", region=w.espoo, municipality=w.muni_espoo)
    w.venue = VenueFactory(name="Vapriikki", region=w.tampere, municipality=w.muni_tampere)
    w.venue_espoo = VenueFactory(name="Espoon teatteri", region=w.espoo, municipality=w.muni_espoo)
    w.popup = VenueFactory(name="Ateneum", region=None, is_popup=True, active_until=datetime.date(2099, 12, 31))

    w.coordinator = person("koordinaattori")
    w.contact = person("alue-tampere")
    w.other_contact = person("alue-espoo")
    w.office_staff = person("jakaja-tampere", first_name="Jaana", last_name="Jakaja")
    w.venue_staff = person("kohde-vapriikki")
    w.office_staff_espoo = person("jakaja-espoo")
    w.venue_staff_espoo = person("kohde-espoo")
    CoordinatorFactory(user=w.coordinator)
    w.contact_membership = RegionContactFactory(user=w.contact, region=w.tampere)
    RegionContactFactory(user=w.other_contact, region=w.espoo)
    w.office_membership = OfficeMembershipFactory(user=w.office_staff, office=w.office)
    w.venue_membership = VenueMembershipFactory(user=w.venue_staff, venue=w.venue)
    OfficeMembershipFactory(user=w.office_staff_espoo, office=w.office_espoo)
    VenueMembershipFactory(user=w.venue_staff_espoo, venue=w.venue_espoo)
    return w


def user_of(world: SimpleNamespace, role: str):
    return None if role == "anonymous" else getattr(world, role)
