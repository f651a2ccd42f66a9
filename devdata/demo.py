"""Demo data: the networks, offices and venues the source documents name, the demo logins and a few
cards with known numbers. ``manage.py seed_demo`` calls :func:`demo_seed`; tests and browser tests
import the constants (``DEMO_CARDS``, ``DEMO_LOGINS``) so they never hard-code a number twice.

Real names come from ``../shared/seeds`` (the Pirkanmaa presentation lists Tampere, Valkeakoski,
Nokia and Orivesi with their offices and venues; Espoo has been permanent since 2016; Kainuu since
2016; the Savonlinna pilot was local-only; the 2024–2025 pop-up venues are in Helsinki and Vantaa).
Two dates are moved so the demo logins are useful today: the Savonlinna pilot is "renewed" and runs
to the end of next year, and Ateneum's pop-up campaign runs to the end of next year; the other
pop-up venues keep their real 2024–2025 campaign (so they show ``venue_inactive`` after 2025).
The Valkeakoski, Nokia and Orivesi pilots (autumn 2024–2025) are treated as continued, like Tampere's.

Fixed cards go through ``cards.services`` so the rules are exercised; the bulk of the full demo is
written with ``bulk_create`` (deterministic: ``random.Random(seed)``), filling the denormalised use
fields the way ``use_log`` does.
"""

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from access.permissions import mfa_enabled, mfa_required
from cards import numbers
from cards.models import Card, CardEvent, Use, WellbeingAnswer
from cards.services import (
    card_inactivate,
    card_issue,
    card_region_refusal,
    card_renew,
    community_card_create,
    default_valid_until,
    use_log,
)
from core.scopes import forget_scope
from distributors.models import Office, OfficeMembership, Organisation
from regions.models import Municipality, NationalSettings, Region, RegionContactPerson, RegionMembership, WelfareArea
from reports.services import rollup_rebuild
from venues.models import Category, Offer, StatGroup, Venue, VenueMembership

# --- Known demo card numbers (valid check characters: cards.numbers.check_character) --------------
DEMO_CARDS = {
    "tampere_valid": "TAMPERE2E",  # personal, Tampere, no children, valid
    "tampere_children": "TAMPERE3M",  # personal, Tampere, 2 children, valid
    "tampere_expired": "TAMPERE4T",  # personal, Tampere, expired about a month ago
    "tampere_inactive": "TAMPERE5Z",  # personal, Tampere, inactivated (lost)
    "tampere_community": "TAMPERE67",  # community card of jakaja-tampere's office
    "savonlinna_valid": "SAVNYS22J",  # personal, Savonlinna (local-only pilot), 1 child, valid
}

# --- Logins (password: settings.DEMO_PASSWORD) ------------------------------------------------------
TAMPERE_OFFICE = ("Pirkanmaan hyvinvointialue", "Hyvinvointialueen sosiaalityö, Tampere")
SAVONLINNA_OFFICE = ("Etelä-Savon hyvinvointialue", "Aikuissosiaalityö, Savonlinna")
SAVONLINNA_VENUE = "Riihisaari – Savonlinnan museo"
OPISTO = "Tampereen seudun työväenopisto"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # "coordinator" | "contact" | "office" | "venue"
    unit: object  # None, region name, (organisation, office) or (region name or None, venue name)
    is_staff: bool = False
    description: str = ""

    @property
    def email(self) -> str:
        return f"{self.username}@demo.kaikukanta.example"


DEMO_LOGINS = [
    DemoLogin("koordinaattori", "coordinator", None, is_staff=True, description="National coordinator (Kaikukeskus)"),
    DemoLogin("alue-tampere", "contact", "Tampere", is_staff=True, description="Regional contact, Tampere"),
    DemoLogin("jakaja-tampere", "office", TAMPERE_OFFICE, description="Distributor staff, Tampere"),
    DemoLogin("kohde-vapriikki", "venue", ("Tampere", "Vapriikki"), description="Box office, Vapriikki"),
    DemoLogin("kohde-opisto", "venue", ("Tampere", OPISTO), description="Box office (courses), työväenopisto"),
    DemoLogin("jakaja-savonlinna", "office", SAVONLINNA_OFFICE, description="Distributor staff, Savonlinna"),
    DemoLogin("kohde-savonlinna", "venue", ("Savonlinna", SAVONLINNA_VENUE), description="Box office, Savonlinna"),
    DemoLogin("kohde-ateneum", "venue", (None, "Ateneum"), description="Box office, Ateneum (pop-up)"),
]
DEMO_USERNAMES = [login.username for login in DEMO_LOGINS]

# The second factor of the demo logins whose role requires one (coordinators and regional contacts by default,
# access.permissions.mfa_required): a TOTP authenticator with this fixed, public secret, so that a newcomer can add
# it to an authenticator app (README) or print the current code with ``manage.py demo_totp``. Demo only: a real
# account sets up its own secret on first sign-in.
DEMO_TOTP_SECRET = "KAIKUKANTADEMOTOTPSECRET"  # noqa: S105 - published on purpose (README, demo logins)


def demo_totp_code(at: float | None = None) -> str:
    """The demo authenticator's code at ``at`` (a Unix time; now by default), as an authenticator app shows it."""
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    moment = time.time() if at is None else at
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(moment) // mfa_settings.TOTP_PERIOD))

# --- Reference data used when the official municipality list has not been loaded -------------------
WELFARE_AREAS = {
    "PI": ("Pirkanmaan hyvinvointialue", "Birkalands välfärdsområde"),
    "LU": ("Länsi-Uudenmaan hyvinvointialue", "Västra Nylands välfärdsområde"),
    "KA": ("Kainuun hyvinvointialue", "Kajanalands välfärdsområde"),
    "ES": ("Etelä-Savon hyvinvointialue", "Södra Savolax välfärdsområde"),
    "VK": ("Vantaan ja Keravan hyvinvointialue", "Vanda och Kervo välfärdsområde"),
}
MUNICIPALITIES = {  # code: (name_fi, name_sv, population 2020, welfare area); as in municipalities-2021.csv
    "837": ("Tampere", "Tammerfors", 241009, "PI"),
    "908": ("Valkeakoski", "Valkeakoski", 20765, "PI"),
    "536": ("Nokia", "Nokia", 34476, "PI"),
    "562": ("Orivesi", "Orivesi", 9008, "PI"),
    "049": ("Espoo", "Esbo", 292796, "LU"),
    "105": ("Hyrynsalmi", "Hyrynsalmi", 2199, "KA"),
    "205": ("Kajaani", "Kajana", 36567, "KA"),
    "290": ("Kuhmo", "Kuhmo", 8042, "KA"),
    "578": ("Paltamo", "Paltamo", 3235, "KA"),
    "620": ("Puolanka", "Puolanka", 2491, "KA"),
    "697": ("Ristijärvi", "Ristijärvi", 1235, "KA"),
    "765": ("Sotkamo", "Sotkamo", 10301, "KA"),
    "777": ("Suomussalmi", "Suomussalmi", 7594, "KA"),
    "740": ("Savonlinna", "Nyslott", 32662, "ES"),
    "091": ("Helsinki", "Helsingfors", 656920, None),
    "092": ("Vantaa", "Vanda", 237231, "VK"),
}


def _end_of_next_year(today: datetime.date) -> datetime.date:
    return datetime.date(today.year + 1, 12, 31)


def _regions(today: datetime.date) -> list[dict]:
    savonlinna_end = _end_of_next_year(today)
    return [
        # Tampere: pilot 2021–22, then established.
        {"name": "Tampere", "active_from": datetime.date(2021, 1, 1), "municipalities": ["837"]},
        # Valkeakoski, Nokia, Orivesi: pilots from autumn 2024 (treated as continued).
        {"name": "Valkeakoski", "active_from": datetime.date(2024, 9, 1), "municipalities": ["908"]},
        {"name": "Nokia", "active_from": datetime.date(2024, 9, 1), "municipalities": ["536"]},
        {"name": "Orivesi", "active_from": datetime.date(2024, 9, 1), "municipalities": ["562"]},
        # Espoo: the first trial in 2015, a permanent service since the beginning of 2016.
        {"name": "Espoo", "active_from": datetime.date(2015, 4, 1), "municipalities": ["049"]},
        # Kainuu: the first regional trial 2016–2017, continued since.
        {"name": "Kainuu", "active_from": datetime.date(2016, 1, 1),
         "municipalities": ["105", "205", "290", "578", "620", "697", "765", "777"]},
        # Savonlinna: local-only pilot from 1.2.2018, renewed in the demo to run to the end of next year;
        # its cards are valid until the pilot ends.
        {"name": "Savonlinna", "pilot": True, "active_from": datetime.date(2018, 2, 1), "active_until": savonlinna_end,
         "local_only": True, "default_valid_until": savonlinna_end, "municipalities": ["740"]},
    ]


# (organisation, kind, [(office, region, municipality code)])
OFFICES = [
    ("Pirkanmaan hyvinvointialue", Organisation.Kind.WELFARE_AREA, [
        ("Hyvinvointialueen sosiaalityö, Tampere", "Tampere", "837"),
        ("Vammaisten asumispalvelut, Tampere", "Tampere", "837"),
        ("Sairaalapalvelut, Tampere", "Tampere", "837"),
        ("Lasten, nuorten ja perheiden asiakasohjaus, Tampere", "Tampere", "837"),
        ("Valkeakosken Lähitori", "Valkeakoski", "908"),
        ("Työikäisten sosiaalityö ja -ohjaus, Valkeakoski", "Valkeakoski", "908"),
        ("Lasten, nuorten ja perheiden asiakasohjaus ja varhainen tuki, Valkeakoski", "Valkeakoski", "908"),
        ("Aikuispsykiatrian yksikkö, Valkeakoski", "Valkeakoski", "908"),
        ("Aikuissosiaalityö, Nokia", "Nokia", "536"),
        ("Gerontologinen sosiaalityö, Nokia", "Nokia", "536"),
        ("Lapsiperheiden sosiaali- ja perhetyö, Nokia", "Nokia", "536"),
        ("Työikäisten sosiaalityö, Orivesi", "Orivesi", "562"),
        ("Oriveden psykiatrian poliklinikka", "Orivesi", "562"),
    ]),
    ("Tampereen kaupunki", Organisation.Kind.MUNICIPALITY, [
        ("Työllisyys- ja kasvupalvelut", "Tampere", "837"),
        ("Nuorisopalvelut", "Tampere", "837"),
    ]),
    ("Nauha ry", Organisation.Kind.NGO, [("Nauha ry", "Tampere", "837")]),
    ("Setlementti Tampere ry", Organisation.Kind.NGO, [("Setlementti Tampere ry", "Tampere", "837")]),
    ("Tampereen A-Kilta ry", Organisation.Kind.NGO, [("Tampereen A-Kilta ry", "Tampere", "837")]),
    ("Mielen ry", Organisation.Kind.NGO, [("Mielen ry", "Tampere", "837")]),
    ("Vastaanottokeskus Kotokunta Oy", Organisation.Kind.OTHER, [("Vastaanottokeskus Kotokunta", "Tampere", "837")]),
    ("Ysti, Yhdessä selviytymisentuki ry", Organisation.Kind.NGO, [("Ysti", "Tampere", "837")]),
    ("Valkeakosken kaupunki", Organisation.Kind.MUNICIPALITY, [("Ohjaamo Valkeakoski", "Valkeakoski", "908")]),
    ("Sääksmäen seurakunta", Organisation.Kind.PARISH, [("Sääksmäen seurakunta, diakoniatyö", "Valkeakoski", "908")]),
    ("Nokian kaupunki", Organisation.Kind.MUNICIPALITY, [
        ("Kotoutujien palvelut", "Nokia", "536"),
        ("Varikon valmennusyksikkö", "Nokia", "536"),
        ("Etsivä nuorisotyö, Nokia", "Nokia", "536"),
        ("Varhaiskasvatuksen perheiden tuki", "Nokia", "536"),
    ]),
    ("Nokian seurakunta", Organisation.Kind.PARISH, [("Nokian seurakunta, diakoniatyö", "Nokia", "536")]),
    ("Oriveden kaupunki", Organisation.Kind.MUNICIPALITY, [("Työllisyyspalvelut, Orivesi", "Orivesi", "562")]),
    ("Länsi-Uudenmaan hyvinvointialue", Organisation.Kind.WELFARE_AREA, [
        ("Aikuissosiaalityö, Espoo", "Espoo", "049"),
        ("Mielenterveys- ja päihdepalvelut, Espoo", "Espoo", "049"),
        ("Maahanmuuttajapalvelut, Espoo", "Espoo", "049"),
    ]),
    ("Espoon kaupunki", Organisation.Kind.MUNICIPALITY, [("Nuorisopalvelut, Espoo", "Espoo", "049")]),
    ("Kainuun hyvinvointialue", Organisation.Kind.WELFARE_AREA, [
        ("Aikuissosiaalityö, Kajaani", "Kainuu", "205"),
        ("Mielenterveys- ja päihdepalvelut, Kajaani", "Kainuu", "205"),
        ("Perhepalvelut, Kuhmo", "Kainuu", "290"),
        ("Sosiaalipalvelut, Sotkamo", "Kainuu", "765"),
    ]),
    ("Kajaanin seurakunta", Organisation.Kind.PARISH, [("Kajaanin seurakunta, diakoniatyö", "Kainuu", "205")]),
    ("Etelä-Savon hyvinvointialue", Organisation.Kind.WELFARE_AREA, [
        ("Aikuissosiaalityö, Savonlinna", "Savonlinna", "740"),
        ("Perhetyö, Savonlinna", "Savonlinna", "740"),
    ]),
]

# (venue, category, region, municipality code, offers courses)
VENUES = [
    # Tampere 2024 (Pirkanmaa presentation): museums, theatres, music, festivals, adult education.
    ("Tampereen Taidemuseo", Category.MUSEUM, "Tampere", "837", False),
    ("Vapriikki", Category.MUSEUM, "Tampere", "837", False),
    ("Milavida", Category.MUSEUM, "Tampere", "837", False),
    ("Amurin museokortteli", Category.MUSEUM, "Tampere", "837", False),
    ("Muumimuseo", Category.MUSEUM, "Tampere", "837", False),
    ("Sara Hildénin taidemuseo", Category.MUSEUM, "Tampere", "837", False),
    ("Työväenmuseo Werstas", Category.MUSEUM, "Tampere", "837", False),
    ("Lenin-museo", Category.MUSEUM, "Tampere", "837", False),
    ("Emil Aaltosen museo", Category.MUSEUM, "Tampere", "837", False),
    ("Tampereen Teatteri", Category.THEATRE, "Tampere", "837", False),
    ("Tampereen Työväenteatteri", Category.THEATRE, "Tampere", "837", False),
    ("Tampereen Komediateatteri", Category.THEATRE, "Tampere", "837", False),
    ("Tanssiteatteri MD", Category.THEATRE, "Tampere", "837", False),
    ("Teatteri Telakka", Category.THEATRE, "Tampere", "837", False),
    ("Tukkateatteri", Category.THEATRE, "Tampere", "837", False),
    ("Tampere Filharmonia", Category.CONCERT, "Tampere", "837", False),
    ("Tampereen musiikkijuhlat", Category.FESTIVAL, "Tampere", "837", False),
    ("Tampere Biennale", Category.FESTIVAL, "Tampere", "837", False),
    ("Tampere Jazz Happening", Category.FESTIVAL, "Tampere", "837", False),
    ("Tanssivirtaa Tampereella", Category.FESTIVAL, "Tampere", "837", False),
    ("Tampereen Teatterikesä", Category.FESTIVAL, "Tampere", "837", False),
    ("Tampereen Elokuvajuhlat", Category.FESTIVAL, "Tampere", "837", False),
    (OPISTO, Category.ADULT_EDUCATION, "Tampere", "837", True),
    ("TREenit! ry", Category.SPORTS_CLUB, "Tampere", "837", False),
    ("Tampereen kaupunginkirjasto Metso", Category.LIBRARY, "Tampere", "837", False),
    # Valkeakoski
    ("Valkeakosken kaupunginteatteri", Category.THEATRE, "Valkeakoski", "908", False),
    ("Voipaalan taidekeskus", Category.MUSEUM, "Valkeakoski", "908", False),
    ("Myllysaaren museo", Category.MUSEUM, "Valkeakoski", "908", False),
    ("Valkeakosken uimahalli", Category.SWIMMING_HALL, "Valkeakoski", "908", False),
    ("Valkeakoski-opisto", Category.ADULT_EDUCATION, "Valkeakoski", "908", True),
    # Nokia
    ("Pirkan opisto", Category.ADULT_EDUCATION, "Nokia", "536", True),
    ("Nokian Työväen Teatteri", Category.THEATRE, "Nokia", "536", False),
    ("Pyry Hockey (Suomi-sarjan ottelut)", Category.SPORTS_CLUB, "Nokia", "536", False),
    ("Filmipyörän elokuvat", Category.CINEMA, "Nokia", "536", False),
    # Orivesi
    ("Oriveden seudun kansalaisopisto", Category.ADULT_EDUCATION, "Orivesi", "562", True),
    ("Oriveden kampus", Category.LIBRARY, "Orivesi", "562", False),
    # Espoo: "from April Jazz to WeeGee's museums as well as local theatres and cultural centres"
    ("April Jazz", Category.FESTIVAL, "Espoo", "049", False),
    ("WeeGee-talo", Category.MUSEUM, "Espoo", "049", False),
    ("Espoon kaupunginteatteri", Category.THEATRE, "Espoo", "049", False),
    ("Kulttuurikeskus Sello", Category.LIBRARY, "Espoo", "049", False),
    ("Espoon työväenopisto", Category.ADULT_EDUCATION, "Espoo", "049", True),
    ("Leppävaaran uimahalli", Category.SWIMMING_HALL, "Espoo", "049", False),
    # Kainuu
    ("Kuhmon Kamarimusiikki", Category.FESTIVAL, "Kainuu", "290", False),
    ("Kajaanin kaupunginteatteri", Category.THEATRE, "Kainuu", "205", False),
    ("Kainuun museo", Category.MUSEUM, "Kainuu", "205", False),
    ("Kajaanin kaupunginkirjasto", Category.LIBRARY, "Kainuu", "205", False),
    ("Kajaanin kansalaisopisto", Category.ADULT_EDUCATION, "Kainuu", "205", True),
    ("Sotkamon uimahalli", Category.SWIMMING_HALL, "Kainuu", "765", False),
    # Savonlinna (local-only)
    (SAVONLINNA_VENUE, Category.MUSEUM, "Savonlinna", "740", False),
    ("Savonlinnan Oopperajuhlat", Category.FESTIVAL, "Savonlinna", "740", False),
    ("Savonlinnan kaupunginkirjasto", Category.LIBRARY, "Savonlinna", "740", False),
]

# Pop-up venues 2024–2025 (Helsinki and Vantaa): (name, category, municipality, website)
POPUPS = [
    ("Ateneum", Category.MUSEUM, "091", "https://ateneum.fi/"),
    ("Nykytaiteen museo Kiasma", Category.MUSEUM, "091", "https://kiasma.fi/"),
    ("Sinebrychoffin taidemuseo", Category.MUSEUM, "091", "https://sinebrychoffintaidemuseo.fi/"),
    ("Amos Rex", Category.MUSEUM, "091", "https://amosrex.konstsamfundet.fi/"),
    ("Suomen valokuvataiteen museo", Category.MUSEUM, "091", "https://www.valokuvataiteenmuseo.fi/fi"),
    ("Tiedekeskus Heureka", Category.SCIENCE_CENTRE, "092", "https://www.heureka.fi/"),
]
POPUP_CAMPAIGN = (datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))

# The public side (issue 12): the offices that choose to be listed on their region's public page, with the contact
# they give; every venue is listed with the booking advice of the source documents. Names, numbers and addresses
# are made up (phone numbers +358 40 000 …, the e-mail domain is the demo logins').
DEMO_PHONE = "+358 40 000 {:04d}"
DEMO_MAIL = "{}@demo.kaikukanta.example"
LISTED_OFFICES = {
    "Hyvinvointialueen sosiaalityö, Tampere": "Kysy Kaikukorttia omalta sosiaalityöntekijältäsi tai soita "
                                              "sosiaalityön neuvontaan arkisin klo 9–15.",
    "Nauha ry": "Tule kysymään Kaikukorttia päivätoiminnan aukioloaikoina, ajanvarausta ei tarvita.",
    "Setlementti Tampere ry": "Kysy Kaikukorttia ohjaajaltasi tai toimiston infosta.",
    "Mielen ry": "Kysy Kaikukorttia jäsenpalveluista tai ryhmän ohjaajalta.",
    "Valkeakosken Lähitori": "Lähitorilta saat Kaikukortin arkisin ilman ajanvarausta.",
    "Aikuissosiaalityö, Nokia": "Kysy Kaikukorttia omalta sosiaalityöntekijältäsi.",
    "Työikäisten sosiaalityö, Orivesi": "Kysy Kaikukorttia omalta sosiaalityöntekijältäsi.",
    "Aikuissosiaalityö, Espoo": "Kysy Kaikukorttia omalta sosiaalityöntekijältäsi tai sosiaalineuvonnasta.",
    "Aikuissosiaalityö, Kajaani": "Kysy Kaikukorttia omalta sosiaalityöntekijältäsi.",
    "Aikuissosiaalityö, Savonlinna": "Kysy Kaikukorttia omalta sosiaalityöntekijältäsi. Kortti käy vain "
                                     "Savonlinnan kohteissa.",
}
VENUE_BOOKING = ("Kerro Kaikukortin numero, kun varaat lipun lipunmyynnistä tai puhelimitse. Lippupalvelut perivät "
                 "palvelumaksunsa. Ota kortti ja henkilöllisyystodistus mukaan.")
VENUE_PHONES = ("Vapriikki", OPISTO, "Tampereen Teatteri", SAVONLINNA_VENUE, "Ateneum")
# Tampere's two contact persons (the culture side and the social and health side).
TAMPERE_CONTACTS = {
    "culture": {"name": "Kaisa Kulttuuri", "title": "kulttuurituottaja", "organisation": "Tampereen kaupunki",
                "phone": DEMO_PHONE.format(1), "email": DEMO_MAIL.format("kaisa.kulttuuri")},
    "social": {"name": "Sami Sosiaali", "title": "sosiaalityön johtaja", "organisation": "Pirkanmaan hyvinvointialue",
               "phone": DEMO_PHONE.format(2), "email": DEMO_MAIL.format("sami.sosiaali")},
}

VAPRIIKKI_OFFER = "Vapriikin näyttelyt – Kaikukortti-liput"
COURSE_OFFER = "Keramiikan alkeet (kurssi)"

BULK_SEED = 2015
BULK_CARDS = 400
BULK_USES = 3000
CANCEL_REASONS = ["Kirjattu väärälle kortille", "Asiakas ei saapunut", "Tapahtuma peruttiin"]


@dataclass
class DemoSummary:
    created: Counter = field(default_factory=Counter)
    bulk_skipped: bool = False
    bulk_cards: int = 0
    bulk_uses: int = 0
    rollups_rebuilt: bool = False


# --- building blocks ---------------------------------------------------------------------------------


def _municipalities(today: datetime.date, summary: DemoSummary) -> dict[str, Municipality]:
    """Use the loaded official list when present; otherwise create the few municipalities the demo needs."""
    areas = {a.code: a for a in WelfareArea.objects.filter(code__in=WELFARE_AREAS)}
    for code, (name_fi, name_sv) in WELFARE_AREAS.items():
        if code not in areas:
            areas[code] = WelfareArea.objects.create(code=code, name_fi=name_fi, name_sv=name_sv)
            summary.created["welfare areas"] += 1
    existing = set(Municipality.objects.filter(code__in=MUNICIPALITIES).values_list("code", flat=True))
    missing = [
        Municipality(code=code, name_fi=name_fi, name_sv=name_sv, population=population,
                     welfare_area=areas[area] if area else None)
        for code, (name_fi, name_sv, population, area) in MUNICIPALITIES.items() if code not in existing
    ]
    Municipality.objects.bulk_create(missing)
    summary.created["municipalities"] += len(missing)
    return {m.code: m for m in Municipality.objects.filter(code__in=MUNICIPALITIES)}


def _networks(today: datetime.date, municipalities: dict[str, Municipality],
              summary: DemoSummary) -> dict[str, Region]:
    regions = {}
    for spec in _regions(today):
        region, created = Region.objects.update_or_create(
            name=spec["name"],
            defaults={
                "pilot": spec.get("pilot", False),
                "active_from": spec["active_from"],
                "active_until": spec.get("active_until"),
                "local_only": spec.get("local_only", False),
                "default_valid_until": spec.get("default_valid_until"),
            },
        )
        summary.created["regions"] += created
        regions[region.name] = region
        codes = spec["municipalities"]
        Municipality.objects.filter(code__in=codes).exclude(region=region).update(region=region)
    return regions


def _offices(regions: dict[str, Region], municipalities: dict[str, Municipality],
             summary: DemoSummary) -> dict[tuple[str, str], Office]:
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=[name for name, _k, _u in OFFICES])}
    for org_name, kind, _units in OFFICES:
        if org_name not in organisations:
            organisations[org_name] = Organisation.objects.create(name=org_name, kind=kind)
            summary.created["organisations"] += 1
    existing = {(o.organisation.name, o.name): o
                for o in Office.objects.filter(organisation__in=organisations.values()).select_related("organisation")}
    missing = []
    for org_name, _kind, units in OFFICES:
        for name, region_name, code in units:
            if (org_name, name) not in existing:
                region = regions[region_name]
                missing.append(Office(organisation=organisations[org_name], name=name, region=region,
                                      municipality=municipalities[code], active_from=region.active_from))
    Office.objects.bulk_create(missing)
    summary.created["offices"] += len(missing)
    return {(o.organisation.name, o.name): o
            for o in Office.objects.filter(organisation__in=organisations.values()).select_related(
                "organisation", "region")}


def _venues(today: datetime.date, regions: dict[str, Region], municipalities: dict[str, Municipality],
            summary: DemoSummary) -> dict[tuple[str | None, str], Venue]:
    def by_key() -> dict[tuple[str | None, str], Venue]:
        return {(v.region.name if v.region else None, v.name): v
                for v in Venue.objects.filter(Q(region__in=regions.values()) | Q(is_popup=True, name__in=popup_names))
                .select_related("region")}

    popup_names = [name for name, *_rest in POPUPS]
    existing = by_key()
    missing = []
    for name, category, region_name, code, courses in VENUES:
        if (region_name, name) not in existing:
            region = regions[region_name]
            missing.append(Venue(name=name, category=category, region=region, municipality=municipalities[code],
                                 offers_courses=courses, active_from=region.active_from))
    starts, ends = POPUP_CAMPAIGN
    for name, category, code, website in POPUPS:
        campaign_end = _end_of_next_year(today) if name == "Ateneum" else ends
        venue = existing.get((None, name))
        if venue is None:
            missing.append(Venue(name=name, category=category, region=None, is_popup=True, website=website,
                                 municipality=municipalities[code], active_from=starts, active_until=campaign_end))
        elif (venue.active_from, venue.active_until) != (starts, campaign_end):
            venue.active_from, venue.active_until = starts, campaign_end
            venue.save(update_fields=["active_from", "active_until"])
    Venue.objects.bulk_create(missing)
    summary.created["venues"] += len(missing)
    return by_key()


def _public_side(regions: dict[str, Region], offices, venues, summary: DemoSummary) -> None:
    """The listed offices and the venues' public contact, and Tampere's two contact persons; existing values kept
    (a demo user may have changed them on the pages)."""
    for number, (_key, office) in enumerate(sorted(offices.items()), start=10):
        text = LISTED_OFFICES.get(office.name)
        if text and not office.public_listing and not office.public_contact:
            office.public_listing, office.public_contact = True, text
            office.public_phone = DEMO_PHONE.format(number)
            office.save(update_fields=["public_listing", "public_contact", "public_phone"])
            summary.created["listed offices"] += 1
    for number, venue in enumerate(sorted(venues.values(), key=lambda v: v.pk), start=100):
        if venue.public_contact:
            continue
        venue.public_contact = VENUE_BOOKING
        venue.public_phone = DEMO_PHONE.format(number) if venue.name in VENUE_PHONES else ""
        venue.save(update_fields=["public_contact", "public_phone"])
        summary.created["venue public contacts"] += 1
    for side, values in TAMPERE_CONTACTS.items():
        _person, created = RegionContactPerson.objects.get_or_create(region=regions["Tampere"], side=side,
                                                                     defaults=values)
        summary.created["contact persons"] += created
    _public_texts(regions["Tampere"], venues.get(("Tampere", "Vapriikki")), summary)


# Public texts in three languages (issue 13, point 4): the region page of Tampere and Vapriikki in the catalogue.
TAMPERE_TEXTS = {
    "name_sv": "Tammerfors", "name_en": "Tampere",
    "public_text_fi": "Tampereella Kaikukortin saa hyvinvointialueen sosiaalityöstä ja monelta järjestöltä. "
                      "Kortilla pääsee museoihin, teattereihin, konsertteihin ja työväenopiston kursseille.",
    "public_text_sv": "I Tammerfors får man Kaikukortti från välfärdsområdets socialarbete och många "
                      "organisationer. Med kortet kommer man till museer, teatrar, konserter och arbetarinstitutets "
                      "kurser.",
    "public_text_en": "In Tampere you get the card from the wellbeing services county's social work and many "
                      "organisations. It takes you to museums, theatres, concerts and adult-education courses.",
}
VAPRIIKKI_TEXTS = {
    "public_description_fi": "Museokeskus Vapriikki Tampellan tehdasalueella: useita museoita saman katon alla.",
    "public_description_sv": "Museicentralen Vapriikki på Tampella fabriksområde: flera museer under samma tak.",
    "public_description_en": "Vapriikki museum centre in the old Tampella mill: several museums under one roof.",
    "address_fi": "Alaverstaanraitti 5, 33100 Tampere",
    "address_sv": "Alaverstaanraitti 5, 33100 Tammerfors",
    "accessibility_fi": "Esteetön sisäänkäynti ja hissit kaikkiin kerroksiin. Avustaja pääsee maksutta.",
    "accessibility_sv": "Steglös entré och hissar till alla våningar. Assistenten kommer in gratis.",
    "accessibility_en": "Step-free entrance and lifts to every floor. An assistant gets in free.",
}


def _public_texts(tampere: Region, vapriikki: Venue | None, summary: DemoSummary) -> None:
    """Swedish and English texts for Tampere's region page and Vapriikki; a text already written is kept."""
    for row, texts in ((tampere, TAMPERE_TEXTS), (vapriikki, VAPRIIKKI_TEXTS)):
        if row is None:
            continue
        missing = [key for key, value in texts.items() if not getattr(row, key)]
        for key in missing:
            setattr(row, key, texts[key])
        if missing:
            row.save(update_fields=missing)
            summary.created["public texts"] += len(missing)


def _logins(regions, offices, venues, summary: DemoSummary) -> dict[str, object]:
    from allauth.account.models import EmailAddress

    user_model = get_user_model()
    password = make_password(settings.DEMO_PASSWORD)  # hashed once, shared by all demo logins
    users = {}
    since = datetime.date(2015, 1, 1)
    for login in DEMO_LOGINS:
        user, created = user_model.objects.get_or_create(username=login.username,
                                                         defaults={"email": login.email})
        summary.created["logins"] += created
        user.email = login.email
        user.is_staff = login.is_staff
        user.is_active = True
        user.password = password
        user.save(update_fields=["email", "is_staff", "is_active", "password"])
        EmailAddress.objects.update_or_create(user=user, email=login.email,
                                              defaults={"verified": True, "primary": True})
        if login.role == "coordinator":
            RegionMembership.objects.get_or_create(user=user, role=RegionMembership.Role.COORDINATOR, region=None,
                                                   ended_on=None, defaults={"started_on": since})
        elif login.role == "contact":
            RegionMembership.objects.get_or_create(user=user, role=RegionMembership.Role.CONTACT,
                                                   region=regions[login.unit], ended_on=None,
                                                   defaults={"started_on": since})
        elif login.role == "office":
            OfficeMembership.objects.get_or_create(user=user, office=offices[login.unit], ended_on=None,
                                                   defaults={"started_on": since})
        else:
            VenueMembership.objects.get_or_create(user=user, venue=venues[login.unit], ended_on=None,
                                                  defaults={"started_on": since})
        forget_scope(user)
        _demo_second_factor(user, summary)
        users[login.username] = user
    return users


def _demo_second_factor(user, summary: DemoSummary) -> None:
    """Give a demo login the demo TOTP (and recovery codes) when its role requires a second factor and it has none,
    so that the README's logins work after ``make run`` (allauth then asks for the code at sign-in)."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not mfa_required(user) or mfa_enabled(user):
        return
    TOTP.activate(user, DEMO_TOTP_SECRET)
    RecoveryCodes.activate(user)
    summary.created["demo TOTP authenticators"] += 1


def _offers(today: datetime.date, venues, summary: DemoSummary) -> dict[str, Offer]:
    specs = [
        ("vapriikki", venues[("Tampere", "Vapriikki")], VAPRIIKKI_OFFER, Offer.Kind.EVENT, 40),
        ("course", venues[("Tampere", OPISTO)], COURSE_OFFER, Offer.Kind.COURSE, 6),
    ]
    offers = {}
    for key, venue, title, kind, quota in specs:
        offer, created = Offer.objects.get_or_create(
            venue=venue, title=title,
            defaults={"kind": kind, "quota": quota, "starts_on": today - datetime.timedelta(days=30),
                      "ends_on": today + datetime.timedelta(days=180)},
        )
        summary.created["offers"] += created
        if offer.ends_on < today + datetime.timedelta(days=30):  # keep the demo offer current on later runs
            offer.ends_on = today + datetime.timedelta(days=180)
            offer.save(update_fields=["ends_on"])
        offers[key] = offer
    return offers


def _fixed_cards(today: datetime.date, users, offices, municipalities, summary: DemoSummary) -> dict[str, Card]:
    """The cards with known numbers, issued through the card services (R1–R4 apply)."""
    days = datetime.timedelta
    jakaja, savonlinna_jakaja = users["jakaja-tampere"], users["jakaja-savonlinna"]
    tampere_office, savonlinna_office = offices[TAMPERE_OFFICE], offices[SAVONLINNA_OFFICE]
    tampere, savonlinna = municipalities["837"], municipalities["740"]
    specs = {
        "tampere_valid": lambda n: card_issue(
            user=jakaja, office=tampere_office, birth_year=1978, home_municipality=tampere, children=0,
            format=Card.Format.BOTH, number=n, life_situation=Card.LifeSituation.UNEMPLOYED,
            wellbeing_at_issue=2, today=today - days(60)),
        "tampere_children": lambda n: card_issue(
            user=jakaja, office=tampere_office, birth_year=1986, home_municipality=tampere, children=2,
            format=Card.Format.PAPER, number=n, life_situation=Card.LifeSituation.FAMILY, today=today - days(30)),
        "tampere_expired": lambda n: card_issue(
            user=jakaja, office=tampere_office, birth_year=1959, home_municipality=tampere, children=0,
            number=n, life_situation=Card.LifeSituation.PENSIONER, today=today - days(400)),
        "tampere_inactive": lambda n: card_issue(
            user=jakaja, office=tampere_office, birth_year=1992, home_municipality=tampere, children=1,
            number=n, today=today - days(200)),
        "tampere_community": lambda n: community_card_create(
            user=users["alue-tampere"], office=tampere_office, number=n, today=today - days(90)),
        "savonlinna_valid": lambda n: card_issue(
            user=savonlinna_jakaja, office=savonlinna_office, birth_year=1964, home_municipality=savonlinna,
            children=1, format=Card.Format.MOBILE, number=n, language=Card.Language.FI, today=today - days(45)),
    }
    cards = {}
    for key, issue in specs.items():
        number = DEMO_CARDS[key]
        card = Card.objects.filter(number=number).first()
        if card is None:
            card = issue(number)
            summary.created["fixed cards"] += 1
            if key == "tampere_inactive":
                card = card_inactivate(user=jakaja, card=card, reason=Card.InactiveReason.LOST,
                                       today=today - days(10))
        elif key not in ("tampere_expired", "tampere_inactive") and card.valid_until < today + days(30):
            # A later run keeps the "valid" demo cards valid (a renewal, through the service).
            renewer = savonlinna_jakaja if key == "savonlinna_valid" else jakaja
            card = card_renew(user=renewer, card=card, today=today)
        cards[key] = card
    return cards


def _fixed_uses(today: datetime.date, users, venues, offers, cards, summary: DemoSummary) -> None:
    """A few uses through ``use_log`` (quota, course, children, community group, pop-up, local-only).

    Visits of a week ago, entered today from paper (late entries): the demo cards' uses today and yesterday are left
    to the people (and the tests) trying the counter, whose first log of a card at a venue on such a day is then not
    a repeat (issue 11: ``repeat_use``).
    """
    visit_day = today - datetime.timedelta(days=7)
    specs = [
        ("kohde-vapriikki", ("Tampere", "Vapriikki"), "tampere_valid", {"offer": offers["vapriikki"]}),
        ("kohde-vapriikki", ("Tampere", "Vapriikki"), "tampere_children",
         {"offer": offers["vapriikki"], "children": 2}),
        ("kohde-vapriikki", ("Tampere", "Vapriikki"), "tampere_community", {"group_size": 3}),
        ("kohde-opisto", ("Tampere", OPISTO), "tampere_valid", {"offer": offers["course"], "kind": Use.Kind.COURSE}),
        ("kohde-ateneum", (None, "Ateneum"), "tampere_children", {"children": 1}),
        ("kohde-savonlinna", ("Savonlinna", SAVONLINNA_VENUE), "savonlinna_valid", {"children": 1}),
    ]
    for i, (username, venue_key, card_key, extra) in enumerate(specs, start=1):
        key = f"demo-fixed-{i}"
        venue = venues[venue_key]
        if Use.objects.filter(venue=venue, idempotency_key=key).exists():
            continue
        use_log(user=users[username], venue=venue, number=cards[card_key].number, idempotency_key=key,
                today=today, used_on=visit_day, **extra)
        summary.created["fixed uses"] += 1


# --- the bulk of the full demo -------------------------------------------------------------------


def _bulk_numbers(rng: random.Random, count: int) -> list[str]:
    taken = set(DEMO_CARDS.values())
    result = []
    while len(result) < count:
        payload = "".join(rng.choice(numbers.ALPHABET) for _ in range(numbers.PAYLOAD_LENGTH))
        number = payload + numbers.check_character(payload)
        if number not in taken:
            taken.add(number)
            result.append(number)
    return result


def _random_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _bulk(today: datetime.date, regions, offices, venues, users, summary: DemoSummary, *,
          card_count: int, use_count: int, seed: int) -> None:
    rng = random.Random(seed)
    card_numbers = _bulk_numbers(rng, card_count)
    if Card.objects.filter(number__in=card_numbers).exists():
        summary.bulk_skipped = True
        return
    two_years_ago = today - datetime.timedelta(days=730)
    region_weight = {"Tampere": 34, "Espoo": 20, "Kainuu": 16, "Savonlinna": 10, "Valkeakoski": 7, "Nokia": 7,
                     "Orivesi": 6}
    office_list = sorted(offices.values(), key=lambda o: o.pk)
    office_weights = [region_weight[o.region.name] / sum(p.region_id == o.region_id for p in office_list)
                      for o in office_list]
    municipalities_by_region = {}
    for m in Municipality.objects.filter(region__in=regions.values()).order_by("code"):
        municipalities_by_region.setdefault(m.region_id, []).append(m)

    cards, events = [], []
    for number in card_numbers:
        office = rng.choices(office_list, office_weights)[0]
        region = office.region
        issued_on = _random_day(rng, max(two_years_ago, region.active_from, office.active_from), today)
        community = rng.random() < 0.05
        card = Card(
            number=number, office=office, region=region, issued_on=issued_on,
            valid_until=default_valid_until(region, issued_on),
            format=rng.choices(list(Card.Format.values), [60, 25, 15])[0],
            language=rng.choices(list(Card.Language.values), [90, 6, 4])[0],
        )
        if community:
            card.kind = Card.Kind.COMMUNITY
            card.format = Card.Format.PAPER
        else:
            card.kind = Card.Kind.PERSONAL
            card.home_municipality = rng.choice(municipalities_by_region[region.pk])
            card.birth_year = rng.randint(1940, issued_on.year - 16)
            card.children = rng.choices([0, 1, 2, 3, 4], [55, 18, 15, 8, 4])[0]
            card.gender = rng.choice(["", *Card.Gender.values])
            card.life_situation = rng.choice(["", *Card.LifeSituation.values])
            card.wellbeing_at_issue = rng.choice([None, 1, 2, 3, 4, 5])
        last_day = min(card.valid_until, today)
        if rng.random() < 0.06 and last_day > issued_on:
            card.status = Card.Status.INACTIVE
            card.inactive_reason = rng.choice([Card.InactiveReason.LOST, Card.InactiveReason.RETURNED,
                                               Card.InactiveReason.OTHER])
            card.inactivated_on = _random_day(rng, issued_on + datetime.timedelta(days=1), last_day)
        cards.append(card)
    Card.objects.bulk_create(cards, batch_size=500)
    cards = list(Card.objects.filter(number__in=card_numbers).select_related("region").order_by("number"))
    for card in cards:
        events.append(CardEvent(card=card, kind=CardEvent.Kind.ISSUED, office_id=card.office_id,
                                details={"valid_until": card.valid_until.isoformat(), "demo": True}))
        if card.status == Card.Status.INACTIVE:
            events.append(CardEvent(card=card, kind=CardEvent.Kind.INACTIVATED, office_id=card.office_id,
                                    details={"reason": card.inactive_reason, "demo": True}))
    CardEvent.objects.bulk_create(events, batch_size=500)
    _wellbeing_history(today, cards, seed)

    venue_list = sorted(venues.values(), key=lambda v: v.pk)
    staff = {}
    for login in DEMO_LOGINS:
        if login.role == "venue":
            staff[venues[login.unit].pk] = users[login.username]
    used_cards = [c for c in cards if rng.random() < 0.8]  # about a fifth are never taken into use
    tz = timezone.get_current_timezone()
    now = timezone.now()
    uses, logged, first_used = [], [], {}
    for i in range(use_count):
        card = rng.choice(used_cards)
        last = min(card.valid_until, today)
        if card.inactivated_on:
            last = min(last, card.inactivated_on - datetime.timedelta(days=1))
        if last < card.issued_on:
            continue
        day = _random_day(rng, card.issued_on, last)
        venue = _pick_venue(rng, card, day, venue_list)
        if venue is None:
            continue
        kind, children, group_size = Use.Kind.TICKET, 0, None
        if card.kind == Card.Kind.COMMUNITY:
            group_size = rng.choices([1, 2, 3, 4, 5], [40, 20, 20, 10, 10])[0]
            children = rng.choices([0, 1, 2], [85, 10, 5])[0]
        elif venue.offers_courses and rng.random() < 0.7:
            kind = Use.Kind.COURSE
        elif card.children and rng.random() < 0.6:
            children = rng.randint(1, card.children)
        channel = rng.choices([Use.Channel.COUNTER, Use.Channel.API, Use.Channel.LATE], [85, 10, 5])[0]
        logged_at = _logged_at(rng, day, channel, today, now, tz)
        if logged_at is None:
            channel, logged_at = Use.Channel.COUNTER, _logged_at(rng, day, Use.Channel.COUNTER, today, now, tz)
        logged_by = staff.get(venue.pk)
        use = Use(
            card=card, venue=venue, kind=kind, children=children, group_size=group_size, used_on=day,
            logged_by=logged_by, channel=channel,
            idempotency_key=f"demo-{i:05d}" if channel == Use.Channel.API else "",
            card_kind=card.kind, card_region_id=card.region_id, venue_region_id=venue.region_id,
            stat_group=StatGroup.EDUCATION if kind == Use.Kind.COURSE else venue.stat_group,
        )
        if rng.random() < 0.03:
            use.cancelled_at = min(logged_at + datetime.timedelta(minutes=rng.randint(5, 600)), now)
            use.cancelled_by = logged_by
            use.cancel_reason = rng.choice(CANCEL_REASONS)
        else:
            first_used[card.pk] = min(day, first_used.get(card.pk, day))
        uses.append(use)
        logged.append(logged_at)
    Use.objects.bulk_create(uses, batch_size=1000)
    # ``logged_at`` is auto_now_add, so bulk_create stamped "now"; give each use its real logging time
    # (bulk_update does not stamp), or every old late entry would show in today's counter log.
    for use, logged_at in zip(uses, logged, strict=True):
        use.logged_at = logged_at
    Use.objects.bulk_update(uses, ["logged_at"], batch_size=500)
    for card in cards:
        card.first_used_on = first_used.get(card.pk)
    Card.objects.bulk_update([c for c in cards if c.first_used_on], ["first_used_on"], batch_size=500)
    summary.bulk_cards, summary.bulk_uses = len(cards), len(uses)


def _wellbeing_history(today: datetime.date, cards: list[Card], seed: int) -> None:
    """Issue 17: every wellbeing answer kept (``WellbeingAnswer``); about half of the cards answered at issue more
    than a year ago were renewed a year after issue and answered again, mostly a little better. Its own random
    sequence, so the rest of the demo stays as it was."""
    rng = random.Random(seed + 17)
    answers, renewed = [], []
    for card in cards:
        if card.kind != Card.Kind.PERSONAL or card.wellbeing_at_issue is None:
            continue
        common = {"card": card, "region_id": card.region_id, "home_municipality_id": card.home_municipality_id}
        renewal_day = card.issued_on + datetime.timedelta(days=365)
        again = renewal_day <= today and card.status == Card.Status.ACTIVE and rng.random() < 0.5
        answers.append(WellbeingAnswer(answered_on=card.issued_on, occasion=WellbeingAnswer.Occasion.ISSUE,
                                       value=card.wellbeing_at_issue, latest=not again, **common))
        if again:
            card.wellbeing_at_renewal = min(5, max(1, card.wellbeing_at_issue + rng.choice([-1, 0, 0, 1, 1, 2])))
            answers.append(WellbeingAnswer(answered_on=renewal_day, occasion=WellbeingAnswer.Occasion.RENEWAL,
                                           value=card.wellbeing_at_renewal, first_value=card.wellbeing_at_issue,
                                           latest=True, **common))
            renewed.append(card)
    WellbeingAnswer.objects.bulk_create(answers, batch_size=1000)
    Card.objects.bulk_update(renewed, ["wellbeing_at_renewal"], batch_size=500)


def _logged_at(rng: random.Random, day: datetime.date, channel: str, today: datetime.date,
               now: datetime.datetime, tz) -> datetime.datetime | None:
    """When the use was typed in: during the day of the use, or 1–10 days later for a late entry."""
    if channel == Use.Channel.LATE:
        if day >= today - datetime.timedelta(days=1):
            return None  # too recent to be a late entry
        day = min(day + datetime.timedelta(days=rng.randint(1, 10)), today - datetime.timedelta(days=1))
    moment = datetime.datetime.combine(day, datetime.time(9), tzinfo=tz) + datetime.timedelta(
        minutes=rng.randint(0, 11 * 60))
    start_of_day = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return max(start_of_day, min(moment, now - datetime.timedelta(minutes=rng.randint(1, 120))))


def _pick_venue(rng: random.Random, card: Card, day: datetime.date, venues: list[Venue]) -> Venue | None:
    """A venue that takes this card on this day (R8, R9): mostly home, sometimes elsewhere or a pop-up."""
    def takes(venue: Venue) -> bool:
        if not venue.is_active_on(day) or (venue.region_id is not None and not venue.region.is_active_on(day)):
            return False
        return card_region_refusal(card, venue) is None

    home = [v for v in venues if v.region_id == card.region_id and takes(v)]
    elsewhere = [v for v in venues if v.region_id not in (None, card.region_id) and takes(v)]
    popups = [v for v in venues if v.region_id is None and takes(v)]
    pool = rng.choices([home, elsewhere, popups], [75, 15, 10])[0] or home or elsewhere or popups
    return rng.choice(pool) if pool else None


# --- entry point -----------------------------------------------------------------------------------


def demo_seed(*, small: bool = False, today: datetime.date | None = None, card_count: int = BULK_CARDS,
              use_count: int = BULK_USES, seed: int = BULK_SEED) -> DemoSummary:
    """Create (or bring up to date) the demo data. Safe to run again: nothing is duplicated."""
    today = today or timezone.localdate()
    summary = DemoSummary()
    with transaction.atomic():
        NationalSettings.current()
        municipalities = _municipalities(today, summary)
        regions = _networks(today, municipalities, summary)
        municipalities = {m.code: m for m in Municipality.objects.filter(code__in=MUNICIPALITIES)}
        offices = _offices(regions, municipalities, summary)
        venues = _venues(today, regions, municipalities, summary)
        _public_side(regions, offices, venues, summary)
        users = _logins(regions, offices, venues, summary)
        offers = _offers(today, venues, summary)
        cards = _fixed_cards(today, users, offices, municipalities, summary)
        _fixed_uses(today, users, venues, offers, cards, summary)
        if not small:
            _bulk(today, regions, offices, venues, users, summary,
                  card_count=card_count, use_count=use_count, seed=seed)
    if summary.bulk_cards:
        # The bulk was written with past logging times, which an incremental rollup would not look for.
        rollup_rebuild(full=True)
        summary.rollups_rebuilt = True
    return summary


def demo_counts() -> dict[str, int]:
    """What the demo database holds now (the command prints it; the tests compare two runs)."""
    counted = Use.objects.counted()
    return {
        "regions": Region.objects.count(),
        "municipalities in the network": Municipality.objects.filter(region__isnull=False).count(),
        "organisations": Organisation.objects.count(),
        "offices": Office.objects.count(),
        "venues": Venue.objects.count(),
        "pop-up venues": Venue.objects.filter(is_popup=True).count(),
        "offers": Offer.objects.count(),
        "logins": get_user_model().objects.filter(username__in=DEMO_USERNAMES).count(),
        "memberships": (RegionMembership.objects.count() + OfficeMembership.objects.count()
                        + VenueMembership.objects.count()),
        "personal cards": Card.objects.filter(kind=Card.Kind.PERSONAL).count(),
        "community cards": Card.objects.filter(kind=Card.Kind.COMMUNITY).count(),
        "card events": CardEvent.objects.count(),
        "uses": counted.count(),
        "cancelled uses": Use.objects.filter(cancelled_at__isnull=False).count(),
        "course places": counted.filter(kind=Use.Kind.COURSE).count(),
        "community-card uses": counted.filter(card_kind=Card.Kind.COMMUNITY).count(),
        "cross-region uses": counted.filter(venue_region__isnull=False).exclude(
            venue_region=F("card_region")).count(),
        "pop-up uses": counted.filter(venue_region__isnull=True).count(),
        "child tickets": counted.aggregate(n=Sum("children"))["n"] or 0,
    }
