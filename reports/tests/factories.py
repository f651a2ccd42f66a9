import datetime

from cards import counts
from cards.tests.factories import CardFactory, CommunityCardFactory, UseFactory
from distributors.tests.factories import OfficeFactory
from regions.tests.factories import MunicipalityFactory, RegionFactory, WelfareAreaFactory
from venues.models import Category
from venues.tests.factories import VenueFactory


def network(popup: bool = True) -> dict:
    """Two regions with an office, two venues and a municipality each, and a pop-up venue."""
    area = WelfareAreaFactory(code="PIR", name_fi="Pirkanmaan hyvinvointialue")
    north = RegionFactory(name="Pohjoinen")
    south = RegionFactory(name="Etelä")
    muni_n = MunicipalityFactory(code="837", name_fi="Tampere", region=north, welfare_area=area)
    muni_s = MunicipalityFactory(code="091", name_fi="Helsinki", region=south, welfare_area=area)
    office_n = OfficeFactory(region=north, name="Tampereen sosiaalityö", municipality=muni_n)
    office_s = OfficeFactory(region=south, name="Helsingin nuorisotyö", municipality=muni_s)
    venues = [
        VenueFactory(region=north, name="Tampereen Teatteri", category=Category.THEATRE, municipality=muni_n),
        VenueFactory(region=north, name="Työväenopisto", category=Category.ADULT_EDUCATION, offers_courses=True,
                     municipality=muni_n),
        VenueFactory(region=south, name="Heureka", category=Category.SCIENCE_CENTRE, municipality=muni_s),
        VenueFactory(region=south, name="Uimahalli", category=Category.SWIMMING_HALL, municipality=muni_s),
    ]
    if popup:
        venues.append(VenueFactory(region=None, is_popup=True, name="Pop-up festivaali", category=Category.FESTIVAL,
                                   active_from=datetime.date(2020, 1, 1), active_until=datetime.date(2030, 12, 31)))
    return {"north": north, "south": south, "munis": {north.pk: muni_n, south.pk: muni_s},
            "offices": [office_n, office_s], "venues": venues}


def card(net: dict, office_index: int = 0, community: bool = False, office=None, **kwargs):
    office = office or net["offices"][office_index]
    if community:
        return CommunityCardFactory(office=office, region=office.region, **kwargs)
    kwargs.setdefault("home_municipality", net["munis"][office.region_id])
    return CardFactory(office=office, region=office.region, **kwargs)


def use(card, venue, used_on: datetime.date, children: int = 0, course: bool = False, **kwargs):
    kind = "course" if course else "ticket"
    made = UseFactory(card=card, venue=venue, used_on=used_on, children=0 if course else children, kind=kind,
                      **kwargs)
    if made.cancelled_at is None:
        counts.use_counted(made, card, latest=False)  # as the use service does (issue 17)
    return made
