"""Two regions, a pop-up venue and one person of every role: the data of the scope matrices.

Region A and region B each have an organisation, an office, a venue with an offer, a card, the
grants of their staff and counter checks; cards travel across regions so that the uses show whose
scope a cross-region use belongs to. Every user is ``is_staff`` so that the admin's scoping itself,
not Django's staff gate, is what the admin matrix tests.
"""

import datetime
from collections.abc import Iterator
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cards.models import CardCheck
from cards.tests.factories import CardFactory, UseFactory
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory, OrganisationFactory
from regions.models import NationalSettings
from regions.tests.factories import (
    CoordinatorFactory,
    MunicipalityFactory,
    RegionContactFactory,
    RegionFactory,
    WelfareAreaFactory,
)
from venues.models import Category
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

ROLES = ("coordinator", "contact", "distributor", "venue")


def _staff(username: str):
    """Tests sign in with ``force_login``: no password, so no slow hashing in the many matrix cells."""
    return get_user_model().objects.create(username=username, email=f"{username}@example.fi", is_staff=True)


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    today = timezone.localdate()
    w.region_a = RegionFactory(name="Alue A")
    w.region_b = RegionFactory(name="Alue B")
    w.wa_a = WelfareAreaFactory(code="PIR", name_fi="Pirkanmaan hyvinvointialue")
    w.wa_b = WelfareAreaFactory(code="KAI", name_fi="Kainuun hyvinvointialue")
    w.muni_a = MunicipalityFactory(code="837", name_fi="Tampere", region=w.region_a, welfare_area=w.wa_a)
    w.muni_b = MunicipalityFactory(code="205", name_fi="Kajaani", region=w.region_b, welfare_area=w.wa_b)
    w.org_a = OrganisationFactory(name="Pirkanmaan hyvinvointialue (org)")
    w.org_b = OrganisationFactory(name="Kainuun hyvinvointialue (org)")
    w.office_a = OfficeFactory(name="Sosiaalityö A", organisation=w.org_a, region=w.region_a, municipality=w.muni_a)
    w.office_b = OfficeFactory(name="Sosiaalityö B", organisation=w.org_b, region=w.region_b, municipality=w.muni_b)
    w.venue_a = VenueFactory(name="Teatteri A", region=w.region_a, municipality=w.muni_a)
    w.venue_b = VenueFactory(name="Teatteri B", region=w.region_b, municipality=w.muni_b)
    w.venue_p = VenueFactory(name="Pop-up museo", category=Category.MUSEUM, region=None, is_popup=True,
                             active_from=today - datetime.timedelta(days=60),
                             active_until=today + datetime.timedelta(days=60))
    w.offer_a = OfferFactory(venue=w.venue_a, title="Esitys A")
    w.offer_b = OfferFactory(venue=w.venue_b, title="Esitys B")
    w.offer_p = OfferFactory(venue=w.venue_p, title="Näyttely P")
    w.card_a = CardFactory(office=w.office_a, home_municipality=w.muni_a)
    w.card_b = CardFactory(office=w.office_b, home_municipality=w.muni_b)
    # use_<card region><venue region>; "p" = the pop-up venue.
    w.use_aa = UseFactory(card=w.card_a, venue=w.venue_a)
    w.use_bb = UseFactory(card=w.card_b, venue=w.venue_b)
    w.use_ba = UseFactory(card=w.card_b, venue=w.venue_a)
    w.use_ab = UseFactory(card=w.card_a, venue=w.venue_b)
    w.use_ap = UseFactory(card=w.card_a, venue=w.venue_p)

    w.coordinator = _staff("koordinaattori")
    w.contact = _staff("alue-a")
    w.contact_b = _staff("alue-b")
    w.distributor = _staff("jakaja-a")
    w.distributor_b = _staff("jakaja-b")
    w.venue_staff = _staff("kohde-a")
    w.venue_staff_b = _staff("kohde-b")
    w.rm_coordinator = CoordinatorFactory(user=w.coordinator)
    w.rm_a = RegionContactFactory(user=w.contact, region=w.region_a)
    w.rm_b = RegionContactFactory(user=w.contact_b, region=w.region_b)
    w.om_a = OfficeMembershipFactory(user=w.distributor, office=w.office_a)
    w.om_b = OfficeMembershipFactory(user=w.distributor_b, office=w.office_b)
    w.vm_a = VenueMembershipFactory(user=w.venue_staff, venue=w.venue_a)
    w.vm_b = VenueMembershipFactory(user=w.venue_staff_b, venue=w.venue_b)

    w.check_a = CardCheck.objects.create(user=w.venue_staff, venue=w.venue_a, number=w.card_a.number,
                                         card=w.card_a, result="valid")
    w.check_b = CardCheck.objects.create(user=w.venue_staff_b, venue=w.venue_b, number=w.card_b.number,
                                         card=w.card_b, result="valid")
    w.check_p = CardCheck.objects.create(user=None, venue=w.venue_p, number="ABC", result="card_number_invalid")
    w.check_api = CardCheck.objects.create(user=None, venue=None, number=w.card_b.number, card=w.card_b,
                                           result="valid", channel="api")
    w.national_settings = NationalSettings.current()
    return w


def user_of(world: SimpleNamespace, role: str):
    return {
        "coordinator": world.coordinator,
        "contact": world.contact,
        "distributor": world.distributor,
        "venue": world.venue_staff,
    }[role]


def shared_world(django_db_blocker) -> Iterator[SimpleNamespace]:
    """One world for a whole module of read-only tests, rolled back at the end of the module.

    Use from a module-scoped fixture (``yield from shared_world(django_db_blocker)``); each test still
    runs in its own savepoint (``django_db``), so a test that writes leaves the world as it was.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
