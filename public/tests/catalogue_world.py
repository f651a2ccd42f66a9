"""The data of the catalogue and region page tests (issue 13, points 2 and 3): Tampere (permanent), Espoo (permanent)
and Savonlinna (a local-only pilot) with their municipalities' Swedish names, the pop-up Ateneum in its campaign,
a venue and a pop-up whose period has ended, an unlisted venue, offers that are full, nearly full, open and coming,
listed and unlisted offices and Tampere's two contact persons.

The quotas and counts of uses are unusual numbers (4321, 9876, …) so a test can tell that no page shows them."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from distributors.tests.factories import OfficeFactory, OrganisationFactory
from regions.models import RegionContactPerson
from regions.tests.factories import MunicipalityFactory, RegionFactory, WelfareAreaFactory
from venues.models import Category, Offer
from venues.tests.factories import OfferFactory, VenueFactory

# Numbers that must never appear on a public page: quotas and places used.
SECRET_NUMBERS = ("4321", "9876", "9870", "5555", "1234", "7777", "7770")


def build_catalogue_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.today = today = timezone.localdate()
    days = datetime.timedelta
    pir = WelfareAreaFactory(code="PIR", name_fi="Pirkanmaan hyvinvointialue", name_sv="Birkalands välfärdsområde")
    lu = WelfareAreaFactory(code="LU", name_fi="Länsi-Uudenmaan hyvinvointialue",
                            name_sv="Västra Nylands välfärdsområde")
    es = WelfareAreaFactory(code="ES", name_fi="Etelä-Savon hyvinvointialue", name_sv="Södra Savolax välfärdsområde")
    w.tampere_region = RegionFactory(name="Tampere", active_from=datetime.date(2021, 1, 1))
    w.espoo_region = RegionFactory(name="Espoo", active_from=datetime.date(2016, 1, 1))
    w.savonlinna_end = datetime.date(today.year + 1, 12, 31)
    w.savonlinna_region = RegionFactory(name="Savonlinna", pilot=True, local_only=True,
                                        active_from=datetime.date(2018, 2, 1), active_until=w.savonlinna_end)
    w.ended_region = RegionFactory(name="Loppunut", pilot=True, active_from=datetime.date(2019, 1, 1),
                                   active_until=today - days(1))
    w.tampere = MunicipalityFactory(code="837", name_fi="Tampere", name_sv="Tammerfors", region=w.tampere_region,
                                    welfare_area=pir)
    w.nokia = MunicipalityFactory(code="536", name_fi="Nokia", name_sv="Nokia", region=w.tampere_region,
                                  welfare_area=pir)
    w.espoo = MunicipalityFactory(code="049", name_fi="Espoo", name_sv="Esbo", region=w.espoo_region, welfare_area=lu)
    w.savonlinna = MunicipalityFactory(code="740", name_fi="Savonlinna", name_sv="Nyslott",
                                       region=w.savonlinna_region, welfare_area=es)
    w.helsinki = MunicipalityFactory(code="091", name_fi="Helsinki", name_sv="Helsingfors", region=None,
                                     welfare_area=lu)
    w.ended_muni = MunicipalityFactory(code="999", name_fi="Loppukunta", name_sv="", region=w.ended_region,
                                       welfare_area=es)

    w.vapriikki = VenueFactory(name="Vapriikki", category=Category.MUSEUM, region=w.tampere_region,
                               municipality=w.tampere, website="https://vapriikki.example/",
                               public_contact="Lipunmyynti Vapriikin aulassa ti–su 10–18.",
                               public_phone="+358 40 000 0100", public_email="liput@vapriikki.example")
    w.teatteri = VenueFactory(name="Tampereen Teatteri", category=Category.THEATRE, region=w.tampere_region,
                              municipality=w.tampere)
    w.opisto = VenueFactory(name="Tampereen työväenopisto", category=Category.ADULT_EDUCATION,
                            region=w.tampere_region, municipality=w.tampere, offers_courses=True)
    w.weegee = VenueFactory(name="WeeGee-talo", category=Category.MUSEUM, region=w.espoo_region,
                            municipality=w.espoo)
    w.riihisaari = VenueFactory(name="Riihisaari – Savonlinnan museo", category=Category.MUSEUM,
                                region=w.savonlinna_region, municipality=w.savonlinna)
    w.ateneum = VenueFactory(name="Ateneum", category=Category.MUSEUM, region=None, is_popup=True,
                             municipality=w.helsinki, website="https://ateneum.example/",
                             active_from=today - days(30), active_until=today + days(300))
    w.ended_venue = VenueFactory(name="Suljettu näyttämö", category=Category.THEATRE, region=w.tampere_region,
                                 municipality=w.tampere, active_until=today - days(1))
    w.ended_popup = VenueFactory(name="Kiasma", category=Category.MUSEUM, region=None, is_popup=True,
                                 municipality=w.helsinki, active_from=datetime.date(2024, 1, 1),
                                 active_until=today - days(1))
    w.future_venue = VenueFactory(name="Tuleva sali", category=Category.CONCERT, region=w.tampere_region,
                                  municipality=w.tampere, active_from=today + days(5))
    w.unlisted = VenueFactory(name="Listaamaton kohde", category=Category.MUSEUM, region=w.tampere_region,
                              municipality=w.tampere, public_listing=False)
    w.venue_of_ended_region = VenueFactory(name="Loppuneen alueen museo", category=Category.MUSEUM,
                                           region=w.ended_region, municipality=w.ended_muni)

    w.full_offer = OfferFactory(venue=w.vapriikki, title="Vapriikin näyttelyt", kind=Offer.Kind.EVENT,
                                starts_on=today - days(10), ends_on=today + days(100), quota=4321, used_count=4321)
    w.few_offer = OfferFactory(venue=w.vapriikki, title="Syysnäyttely", kind=Offer.Kind.EVENT,
                               starts_on=today - days(5), ends_on=today + days(50), quota=9876, used_count=9870)
    w.open_offer = OfferFactory(venue=w.teatteri, title="Kevätnäytäntö", kind=Offer.Kind.PERFORMANCE,
                                starts_on=today - days(5), ends_on=today + days(50), quota=5555, used_count=1234)
    w.unlimited_offer = OfferFactory(venue=w.ateneum, title="Ateneumin kokoelmat", kind=Offer.Kind.EVENT,
                                     starts_on=today - days(30), ends_on=today + days(300), quota=None,
                                     used_count=2468)
    w.course = OfferFactory(venue=w.opisto, title="Keramiikan alkeet", kind=Offer.Kind.COURSE,
                            starts_on=today + days(10), ends_on=today + days(60), quota=7777, used_count=7770)
    w.past_offer = OfferFactory(venue=w.vapriikki, title="Mennyt näyttely", kind=Offer.Kind.EVENT,
                                starts_on=today - days(100), ends_on=today - days(1))

    org = OrganisationFactory(name="Pirkanmaan hyvinvointialue")
    w.listed_office = OfficeFactory(name="Sosiaalityö, Tampere", organisation=org, region=w.tampere_region,
                                    municipality=w.tampere, email="sisainen@office.example", public_listing=True,
                                    public_contact="Kysy Kaikukorttia omalta sosiaalityöntekijältäsi.",
                                    public_phone="+358 40 000 0010", public_email="neuvonta@office.example")
    w.unlisted_office = OfficeFactory(name="Piilotoimisto", organisation=org, region=w.tampere_region,
                                      municipality=w.tampere, public_listing=False)
    w.ended_office = OfficeFactory(name="Suljettu toimisto", organisation=org, region=w.tampere_region,
                                   municipality=w.tampere, public_listing=True, active_until=today - days(1))
    w.culture_person = RegionContactPerson.objects.create(
        region=w.tampere_region, side="culture", name="Kaisa Kulttuuri", title="kulttuurituottaja",
        organisation="Tampereen kaupunki", phone="+358 40 000 0001", email="kaisa@demo.example")
    w.social_person = RegionContactPerson.objects.create(
        region=w.tampere_region, side="social", name="Sami Sosiaali", title="sosiaalityön johtaja",
        organisation="Pirkanmaan hyvinvointialue", phone="+358 40 000 0002", email="sami@demo.example")
    return w
