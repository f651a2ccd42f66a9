"""The card rules R1–R11 (DESIGN §4): each accepted and refused with its stable code; a refusal writes nothing.

Every date-dependent call passes ``today=`` so no test depends on the wall clock.
"""

import datetime
from contextlib import contextmanager

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from cards import numbers, services
from cards.models import Card, CardCheck, CardEvent, Use
from cards.tests.factories import CardFactory, CommunityCardFactory
from core.errors import MESSAGES, DomainError
from core.scopes import scope_for
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory
from regions.models import NationalSettings
from regions.tests.factories import MunicipalityFactory, RegionContactFactory, RegionFactory
from venues.models import Category, Offer, StatGroup
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 16)
DAY = datetime.timedelta(days=1)


def _number(payload: str) -> str:
    return payload + numbers.check_character(payload)


def _mistyped(number: str) -> str:
    """The same number with its first symbol replaced: the check character no longer matches."""
    first = numbers.ALPHABET[(numbers.ALPHABET.index(number[0]) + 1) % numbers.MODULUS]
    return first + number[1:]


def _state() -> dict:
    """Everything a card rule may write."""
    return {
        "cards": list(
            Card.objects.order_by("pk").values_list(
                "pk", "number", "status", "inactive_reason", "valid_until", "first_used_on", "wellbeing_at_renewal"
            )
        ),
        "events": CardEvent.objects.count(),
        "uses": list(Use.objects.order_by("pk").values_list("pk", "cancelled_at", "cancel_reason")),
        "offers": list(Offer.objects.order_by("pk").values_list("pk", "used_count")),
        "log_entries": LogEntry.objects.count(),
    }


@contextmanager
def refused(code: str):
    """The block raises DomainError(code) and leaves the database as it was."""
    assert code in MESSAGES, f"{code} has no user-facing message"
    before = _state()
    with pytest.raises(DomainError) as excinfo:
        yield excinfo
    assert excinfo.value.code == code
    assert _state() == before


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def rules():
    """The national settings row exists, as in every deployment (its creation is audited)."""
    return NationalSettings.current()


@pytest.fixture
def region():
    return RegionFactory(name="Tampere")


@pytest.fixture
def other_region():
    return RegionFactory(name="Espoo")


@pytest.fixture
def local_region():
    return RegionFactory(name="Savonlinna", local_only=True, active_from=datetime.date(2018, 2, 1))


@pytest.fixture
def municipality(region):
    return MunicipalityFactory(code="837", name_fi="Tampere", region=region)


@pytest.fixture
def office(region):
    return OfficeFactory(name="Aikuissosiaalityö", region=region)


@pytest.fixture
def distributor(office):
    return OfficeMembershipFactory(office=office, user__username="jakaja").user


@pytest.fixture
def venue(region):
    return VenueFactory(name="Vapriikki", category=Category.MUSEUM, region=region)


@pytest.fixture
def box_office(venue):
    return VenueMembershipFactory(venue=venue, user__username="kohde").user


@pytest.fixture
def card(office):
    return CardFactory(office=office, children=2, issued_on=TODAY - 30 * DAY, valid_until=TODAY + 300 * DAY)


@pytest.fixture
def community_card(office):
    return CommunityCardFactory(office=office, issued_on=TODAY - 30 * DAY, valid_until=TODAY + 300 * DAY)


def _staff_of(venue):
    return VenueMembershipFactory(venue=venue).user


def _log(user, venue, card, **kwargs):
    kwargs.setdefault("today", TODAY)
    return services.use_log(user=user, venue=venue, number=card.number, **kwargs)


def _issue(user, office, municipality, **kwargs):
    kwargs.setdefault("birth_year", 1980)
    kwargs.setdefault("today", TODAY)
    return services.card_issue(user=user, office=office, home_municipality=municipality, **kwargs)


def test_every_rule_code_has_a_message():
    codes = [
        "holder_too_young", "municipality_not_in_network", "card_number_invalid", "card_number_taken",
        "card_expired", "card_inactive", "card_not_found", "too_many_children", "children_not_allowed_for_courses",
        "courses_need_personal_card", "card_not_valid_in_region", "venue_inactive", "quota_exhausted",
    ]
    assert all(code in MESSAGES for code in codes)


# --- R1 issue ----------------------------------------------------------------------------------------


def test_r1_distributor_issues_a_personal_card(distributor, office, municipality):
    card = _issue(distributor, office, municipality, children=2, postal_code="33100", wellbeing_at_issue=3)

    assert card.kind == Card.Kind.PERSONAL
    assert card.status == Card.Status.ACTIVE
    assert card.office == office
    assert card.region == office.region
    assert card.home_municipality == municipality
    assert card.birth_year == 1980
    assert card.children == 2
    assert card.issued_on == TODAY
    assert card.valid_until == TODAY + 365 * DAY
    assert numbers.is_valid(card.number)
    event = CardEvent.objects.get(card=card)
    assert (event.kind, event.by, event.office) == (CardEvent.Kind.ISSUED, distributor, office)
    assert event.details == {"valid_until": (TODAY + 365 * DAY).isoformat()}


def test_r1_a_card_keeps_no_direct_identifier():
    fields = {field.name for field in Card._meta.get_fields()}
    assert not fields & {"name", "first_name", "last_name", "hetu", "ssn", "date_of_birth", "birth_date",
                         "address", "street_address", "income", "phone", "email"}
    assert "birth_year" in fields


@pytest.mark.parametrize(
    ("today", "birth_year"),
    [
        (TODAY, TODAY.year - 16),  # turns 16 this calendar year
        (datetime.date(2025, 1, 1), 2009),  # on New Year's Day, for someone born on 31 December 2009
        (datetime.date(2025, 12, 31), 2009),
        (TODAY, 1905),
    ],
)
def test_r1_holder_who_turns_16_this_year_is_accepted(distributor, office, municipality, today, birth_year):
    card = _issue(distributor, office, municipality, birth_year=birth_year, today=today)
    assert card.birth_year == birth_year


@pytest.mark.parametrize(
    ("today", "birth_year"),
    [
        (TODAY, TODAY.year - 15),  # turns 16 only next year
        (datetime.date(2025, 12, 31), 2010),
        (datetime.date(2025, 1, 1), 2010),
    ],
)
def test_r1_holder_too_young_is_refused(distributor, office, municipality, today, birth_year):
    with refused("holder_too_young"):
        _issue(distributor, office, municipality, birth_year=birth_year, today=today)


@pytest.mark.parametrize("birth_year", [TODAY.year + 1, TODAY.year - 121, None])
def test_r1_impossible_birth_year_is_refused(distributor, office, municipality, birth_year):
    with refused("birth_year_invalid"):
        _issue(distributor, office, municipality, birth_year=birth_year)


def test_r1_home_municipality_may_be_in_another_active_region(distributor, office, other_region):
    espoo = MunicipalityFactory(code="049", name_fi="Espoo", region=other_region)
    card = _issue(distributor, office, espoo)
    assert card.home_municipality == espoo
    assert card.region == office.region


def test_r1_municipality_outside_every_region_is_refused(distributor, office):
    outside = MunicipalityFactory(code="005", name_fi="Alajärvi", region=None)
    with refused("municipality_not_in_network"):
        _issue(distributor, office, outside)


def test_r1_municipality_of_an_ended_region_is_refused(distributor, office):
    ended = RegionFactory(name="Lappeenranta", active_from=datetime.date(2017, 6, 1),
                          active_until=datetime.date(2018, 12, 31))
    lappeenranta = MunicipalityFactory(code="405", name_fi="Lappeenranta", region=ended)
    with refused("municipality_not_in_network"):
        _issue(distributor, office, lappeenranta)


def test_r1_staff_of_another_office_is_refused(office, municipality, region):
    other_staff = OfficeMembershipFactory(office=OfficeFactory(region=region)).user
    with refused("not_allowed"):
        _issue(other_staff, office, municipality)


@pytest.mark.parametrize("role", ["venue", "contact", "anonymous"])
def test_r1_only_distributor_staff_issue(office, municipality, venue, role):
    user = {
        "venue": lambda: _staff_of(venue),
        "contact": lambda: RegionContactFactory(region=office.region).user,
        "anonymous": AnonymousUser,
    }[role]()
    with refused("not_allowed"):
        _issue(user, office, municipality)


def test_r1_region_not_active_that_day_is_refused(distributor, office, municipality, region):
    region.active_until = TODAY - DAY
    region.save()
    with refused("region_inactive"):
        _issue(distributor, office, municipality)
    # ... and the day before the pilot ended it was fine.
    assert _issue(distributor, office, municipality, today=TODAY - DAY).issued_on == TODAY - DAY


def test_r1_region_not_yet_started_is_refused(distributor, office, municipality, region):
    region.active_from = TODAY + DAY
    region.save()
    with refused("region_inactive"):
        _issue(distributor, office, municipality)


def test_r1_inactive_office_is_refused(distributor, office, municipality):
    office.active_until = TODAY - DAY
    office.save()
    with refused("office_inactive"):
        _issue(distributor, office, municipality)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"children": -1}, "children_invalid"),
        ({"children": 21}, "children_invalid"),
        ({"format": "papyrus"}, "card_format_invalid"),
        ({"wellbeing_at_issue": 6}, "wellbeing_invalid"),
        ({"wellbeing_at_issue": 0}, "wellbeing_invalid"),
    ],
)
def test_r1_invalid_card_data_is_refused(distributor, office, municipality, kwargs, code):
    with refused(code):
        _issue(distributor, office, municipality, **kwargs)


# --- R2 number ---------------------------------------------------------------------------------------


def test_r2_preprinted_number_is_registered_as_printed(distributor, office, municipality):
    printed = _number("TAMPERE2")
    card = _issue(distributor, office, municipality, number=numbers.display(printed).lower())
    assert card.number == printed
    assert card.display_number == numbers.display(printed)


def test_r2_mobile_card_gets_a_generated_number(distributor, office, municipality):
    card = _issue(distributor, office, municipality, format=Card.Format.MOBILE)
    assert card.format == Card.Format.MOBILE
    assert numbers.is_valid(card.number)
    assert len(card.number) == numbers.LENGTH


def test_r2_mistyped_printed_number_is_refused(distributor, office, municipality):
    with refused("card_number_invalid"):
        _issue(distributor, office, municipality, number=_mistyped(_number("TAMPERE2")))


def test_r2_number_already_in_use_is_refused(distributor, office, municipality, card):
    with refused("card_number_taken"):
        _issue(distributor, office, municipality, number=numbers.display(card.number))


def test_r2_community_card_number_is_checked_too(office, region):
    contact = RegionContactFactory(region=region).user
    with refused("card_number_invalid"):
        services.community_card_create(user=contact, office=office, number="ABC-DEF-GHJ", today=TODAY)


# --- R3 validity and renewal -------------------------------------------------------------------------


def test_r3_region_fixed_end_date_is_the_default(distributor, office, municipality, region):
    region.default_valid_until = datetime.date(2025, 12, 31)
    region.save()
    assert _issue(distributor, office, municipality).valid_until == datetime.date(2025, 12, 31)


def test_r3_region_end_date_already_passed_falls_back_to_days(distributor, office, municipality, region):
    region.default_valid_until = TODAY - DAY
    region.default_validity_days = 90
    region.save()
    assert _issue(distributor, office, municipality).valid_until == TODAY + 90 * DAY


def test_r3_region_validity_days_is_the_default(distributor, office, municipality, region):
    region.default_validity_days = 180
    region.save()
    assert _issue(distributor, office, municipality).valid_until == TODAY + 180 * DAY


def test_r3_national_default_validity_is_a_setting(distributor, office, municipality):
    rules = NationalSettings.current()
    rules.default_validity_days = 730
    rules.save()
    assert _issue(distributor, office, municipality).valid_until == TODAY + 730 * DAY


def test_r3_valid_on_its_last_day_and_expired_the_day_after(box_office, venue, card):
    result = services.card_check(user=box_office, venue=venue, number=card.number, today=card.valid_until)
    assert (result.valid, result.code) == (True, None)
    result = services.card_check(user=box_office, venue=venue, number=card.number, today=card.valid_until + DAY)
    assert (result.valid, result.code) == (False, "card_expired")


def test_r3_expired_card_is_refused_at_the_venue(box_office, venue, office):
    expired = CardFactory(office=office, issued_on=TODAY - 400 * DAY, valid_until=TODAY - DAY)
    with refused("card_expired"):
        _log(box_office, venue, expired)


def test_r3_inactivated_card_is_refused_at_the_venue(box_office, venue, card, distributor):
    services.card_inactivate(user=distributor, card=card, reason=Card.InactiveReason.RETURNED, today=TODAY)
    result = services.card_check(user=box_office, venue=venue, number=card.number, today=TODAY)
    assert (result.valid, result.code) == (False, "card_inactive")
    with refused("card_inactive"):
        _log(box_office, venue, card)


def test_r3_unknown_number_is_refused_at_the_venue(box_office, venue):
    unknown = _number("HEUREKA7")
    result = services.card_check(user=box_office, venue=venue, number=unknown, today=TODAY)
    assert (result.valid, result.code, result.card) == (False, "card_not_found", None)
    with refused("card_not_found"):
        services.use_log(user=box_office, venue=venue, number=unknown, today=TODAY)


def test_r3_renewal_by_the_issuing_office_extends_the_card(distributor, office, card):
    renewed = services.card_renew(user=distributor, card=card, wellbeing_at_renewal=4, today=TODAY)

    card.refresh_from_db()
    assert renewed.valid_until == card.valid_until == TODAY + 365 * DAY
    assert card.wellbeing_at_renewal == 4
    event = CardEvent.objects.get(card=card, kind=CardEvent.Kind.RENEWED)
    assert (event.by, event.office) == (distributor, office)
    assert event.details["previous"] == (TODAY + 300 * DAY).isoformat()


def test_r3_renewal_of_an_expired_card(distributor, office):
    expired = CardFactory(office=office, issued_on=TODAY - 400 * DAY, valid_until=TODAY - 35 * DAY)
    services.card_renew(user=distributor, card=expired, today=TODAY)
    expired.refresh_from_db()
    assert expired.valid_until == TODAY + 365 * DAY


def test_r13_a_card_reduced_to_statistics_is_neither_renewed_nor_replaced(distributor, office):
    # Retention cleared its details (birth year and the rest); only a new registration brings the holder back.
    reduced = CardFactory(office=office, issued_on=TODAY - 1200 * DAY, valid_until=TODAY - 800 * DAY,
                          birth_year=None, reduced_on=TODAY - DAY)
    with refused("card_reduced"):
        services.card_renew(user=distributor, card=reduced, today=TODAY)
    with refused("card_reduced"):
        services.card_replace(user=distributor, card=reduced, today=TODAY)


def test_r3_renewal_never_shortens(distributor, office):
    long_card = CardFactory(office=office, issued_on=TODAY - DAY, valid_until=TODAY + 500 * DAY)
    services.card_renew(user=distributor, card=long_card, today=TODAY)
    long_card.refresh_from_db()
    assert long_card.valid_until == TODAY + 500 * DAY


def test_r3_renewal_by_another_office_of_the_same_region(card, region):
    neighbour = OfficeFactory(name="Nuorisopalvelut", region=region)
    neighbour_staff = OfficeMembershipFactory(office=neighbour).user

    services.card_renew(user=neighbour_staff, card=card, today=TODAY)

    card.refresh_from_db()
    assert card.valid_until == TODAY + 365 * DAY
    assert card.office != neighbour  # the card stays with its issuing office
    assert CardEvent.objects.get(card=card, kind=CardEvent.Kind.RENEWED).office == neighbour


def test_r3_renewal_from_another_region_is_refused(card, other_region):
    stranger = OfficeMembershipFactory(office=OfficeFactory(region=other_region)).user
    with refused("not_allowed"):
        services.card_renew(user=stranger, card=card, today=TODAY)


def test_r3_renewal_by_venue_staff_is_refused(card, box_office):
    with refused("not_allowed"):
        services.card_renew(user=box_office, card=card, today=TODAY)


def test_r3_renewal_by_an_inactive_office_is_refused(card, distributor, office):
    office.active_until = TODAY - DAY
    office.save()
    with refused("office_inactive"):
        services.card_renew(user=distributor, card=card, today=TODAY)


def test_r3_renewal_of_an_inactive_card_is_refused(card, distributor):
    services.card_inactivate(user=distributor, card=card, reason=Card.InactiveReason.LOST, today=TODAY)
    with refused("card_not_renewable"):
        services.card_renew(user=distributor, card=card, today=TODAY)


def test_r3_renewal_in_an_ended_region_is_refused(card, distributor, region):
    region.active_until = TODAY - DAY
    region.save()
    with refused("region_inactive"):
        services.card_renew(user=distributor, card=card, today=TODAY)


def test_r3_renewal_with_invalid_wellbeing_is_refused(card, distributor):
    with refused("wellbeing_invalid"):
        services.card_renew(user=distributor, card=card, wellbeing_at_renewal=9, today=TODAY)


def test_inactivation_records_the_reason(card, distributor, office):
    services.card_inactivate(user=distributor, card=card, reason=Card.InactiveReason.RETURNED, today=TODAY)
    card.refresh_from_db()
    assert (card.status, card.inactive_reason, card.inactivated_on) == ("inactive", "returned", TODAY)
    event = CardEvent.objects.get(card=card, kind=CardEvent.Kind.INACTIVATED)
    assert (event.by, event.office, event.details) == (distributor, office, {"reason": "returned"})


@pytest.mark.parametrize("reason", ["", "forgot", None])
def test_inactivation_needs_a_known_reason(card, distributor, reason):
    with refused("reason_required"):
        services.card_inactivate(user=distributor, card=card, reason=reason, today=TODAY)


def test_inactivation_twice_is_refused(card, distributor):
    services.card_inactivate(user=distributor, card=card, reason=Card.InactiveReason.LOST, today=TODAY)
    with refused("card_inactive"):
        services.card_inactivate(user=distributor, card=card, reason=Card.InactiveReason.LOST, today=TODAY)


def test_inactivation_from_another_region_is_refused(card, other_region):
    stranger = OfficeMembershipFactory(office=OfficeFactory(region=other_region)).user
    with refused("not_allowed"):
        services.card_inactivate(user=stranger, card=card, reason=Card.InactiveReason.LOST, today=TODAY)


# --- R4 replacement ----------------------------------------------------------------------------------


def test_r4_replacement_links_old_and_new(card, distributor, office, box_office, venue):
    new = services.card_replace(user=distributor, card=card, today=TODAY)

    card.refresh_from_db()
    assert new.number != card.number
    assert numbers.is_valid(new.number)
    assert new.replaces == card
    assert card.replaced_by == new
    assert (card.status, card.inactive_reason, card.inactivated_on) == ("inactive", "lost", TODAY)
    assert (new.status, new.issued_on, new.valid_until) == ("active", TODAY, card.valid_until)
    assert (new.office, new.region, new.home_municipality, new.birth_year, new.children) == (
        card.office, card.region, card.home_municipality, card.birth_year, card.children,
    )
    replaced = CardEvent.objects.get(card=card, kind=CardEvent.Kind.REPLACED)
    assert replaced.details == {"replaced_by": new.number, "reason": "lost"}
    issued = CardEvent.objects.get(card=new, kind=CardEvent.Kind.ISSUED)
    assert issued.details["replaces"] == card.number
    # The old number is refused afterwards; the new one works.
    assert services.card_check(user=box_office, venue=venue, number=card.number, today=TODAY).code == "card_inactive"
    with refused("card_inactive"):
        _log(box_office, venue, card)
    assert _log(box_office, venue, new).card == new


def test_r4_replacement_with_a_preprinted_number(card, distributor):
    printed = _number("VAPRJKKJ")
    assert services.card_replace(user=distributor, card=card, number=printed, today=TODAY).number == printed


def test_r4_replacement_with_a_mistyped_number_is_refused(card, distributor):
    with refused("card_number_invalid"):
        services.card_replace(user=distributor, card=card, number=_mistyped(_number("VAPRJKKJ")), today=TODAY)


def test_r4_replacing_an_inactive_card_is_refused(card, distributor):
    services.card_replace(user=distributor, card=card, today=TODAY)
    with refused("card_inactive"):
        services.card_replace(user=distributor, card=card, today=TODAY)


def test_r4_community_card_is_not_replaced_this_way(community_card, distributor):
    with refused("card_kind_mismatch"):
        services.card_replace(user=distributor, card=community_card, today=TODAY)


def test_r4_replacement_from_another_region_is_refused(card, other_region):
    stranger = OfficeMembershipFactory(office=OfficeFactory(region=other_region)).user
    with refused("not_allowed"):
        services.card_replace(user=stranger, card=card, today=TODAY)


# --- R5 children -------------------------------------------------------------------------------------


def test_r5_holder_takes_tickets_for_own_children(box_office, venue, card):
    use = _log(box_office, venue, card, children=2)
    assert (use.children, use.kind, use.card_kind) == (2, "ticket", "personal")


def test_r5_more_children_than_the_card_allows_is_refused(box_office, venue, card):
    with refused("too_many_children"):
        _log(box_office, venue, card, children=3)


def test_r5_card_without_children_takes_no_child_ticket(box_office, venue, office):
    alone = CardFactory(office=office, children=0, issued_on=TODAY - DAY, valid_until=TODAY + DAY)
    with refused("too_many_children"):
        _log(box_office, venue, alone, children=1)


def test_r5_negative_children_is_refused(box_office, venue, card):
    with refused("children_invalid"):
        _log(box_office, venue, card, children=-1)


def test_r5_children_never_on_a_course(card, region):
    college = VenueFactory(name="Työväenopisto", category=Category.ADULT_EDUCATION, region=region,
                           offers_courses=True)
    staff = _staff_of(college)
    with refused("children_not_allowed_for_courses"):
        _log(staff, college, card, kind=Use.Kind.COURSE, children=1)


def test_r5_check_tells_how_many_children_are_allowed(box_office, venue, card, community_card):
    assert services.card_check(user=box_office, venue=venue, number=card.number, today=TODAY).children_allowed == 2
    group_max = NationalSettings.current().group_max
    community = services.card_check(user=box_office, venue=venue, number=community_card.number, today=TODAY)
    assert (community.kind, community.children_allowed) == ("community", group_max)


# --- R6 community card -------------------------------------------------------------------------------


def test_r6_regional_contact_creates_a_community_card(office, region):
    contact = RegionContactFactory(region=region).user
    card = services.community_card_create(user=contact, office=office, today=TODAY)
    assert (card.kind, card.office, card.region, card.children, card.birth_year) == (
        "community", office, region, 0, None,
    )
    assert card.valid_until == TODAY + 365 * DAY
    assert CardEvent.objects.filter(card=card, kind=CardEvent.Kind.ISSUED).count() == 1


def test_r6_contact_of_another_region_cannot_create_a_community_card(office, other_region):
    stranger = RegionContactFactory(region=other_region).user
    with refused("not_allowed"):
        services.community_card_create(user=stranger, office=office, today=TODAY)


@pytest.mark.parametrize("group_size", [1, 2, 3, 4, 5])
def test_r6_community_card_accompanies_one_holder_or_a_small_group(box_office, venue, community_card, group_size):
    use = _log(box_office, venue, community_card, group_size=group_size)
    assert (use.card_kind, use.group_size, use.children) == ("community", group_size, 0)


@pytest.mark.parametrize("group_size", [0, 6, None])
def test_r6_group_outside_the_size_is_refused(box_office, venue, community_card, group_size):
    with refused("group_size_invalid"):
        _log(box_office, venue, community_card, group_size=group_size)


def test_r6_group_size_is_a_setting(box_office, venue, community_card):
    rules = NationalSettings.current()
    rules.group_max = 8
    rules.save()
    assert _log(box_office, venue, community_card, group_size=8).group_size == 8


def test_r6_community_card_takes_tickets_for_under_18_clients(box_office, venue, community_card):
    assert _log(box_office, venue, community_card, group_size=3, children=2).children == 2
    with refused("too_many_children"):
        _log(box_office, venue, community_card, group_size=3, children=6)


def test_r6_group_size_on_a_personal_card_is_refused(box_office, venue, card):
    with refused("group_size_invalid"):
        _log(box_office, venue, card, group_size=3)


def test_r6_community_card_never_for_courses(community_card, region):
    college = VenueFactory(name="Työväenopisto", category=Category.ADULT_EDUCATION, region=region,
                           offers_courses=True)
    staff = _staff_of(college)
    with refused("courses_need_personal_card"):
        _log(staff, college, community_card, kind=Use.Kind.COURSE)


# --- R7 courses --------------------------------------------------------------------------------------


def test_r7_course_place_for_the_personal_card_holder(card, region):
    college = VenueFactory(name="Työväenopisto", category=Category.ADULT_EDUCATION, region=region,
                           offers_courses=True)
    course = OfferFactory(venue=college, kind=Offer.Kind.COURSE, quota=10)
    use = _log(_staff_of(college), college, card, kind=Use.Kind.COURSE, offer=course)
    assert (use.kind, use.children, use.stat_group, use.offer) == ("course", 0, StatGroup.EDUCATION, course)


def test_r7_course_at_a_venue_without_courses_is_refused(box_office, venue, card):
    with refused("course_not_offered"):
        _log(box_office, venue, card, kind=Use.Kind.COURSE)


def test_r7_ticket_on_a_course_offer_is_refused(card, region):
    college = VenueFactory(name="Työväenopisto", category=Category.ADULT_EDUCATION, region=region,
                           offers_courses=True)
    course = OfferFactory(venue=college, kind=Offer.Kind.COURSE, quota=10)
    staff = _staff_of(college)
    with refused("offer_mismatch"):
        _log(staff, college, card, kind=Use.Kind.TICKET, offer=course)


# --- R8 regions --------------------------------------------------------------------------------------


def test_r8_card_works_at_venues_of_every_region(card, other_region):
    espoo_venue = VenueFactory(name="KAMU", category=Category.MUSEUM, region=other_region)
    use = _log(_staff_of(espoo_venue), espoo_venue, card)
    assert (use.card_region, use.venue_region) == (card.region, other_region)


def test_r8_local_only_card_works_at_its_own_venues(local_region):
    local_card = CardFactory(office=OfficeFactory(region=local_region), issued_on=TODAY - DAY,
                             valid_until=TODAY + DAY)
    local_venue = VenueFactory(name="Savonlinnan teatteri", region=local_region)
    assert _log(_staff_of(local_venue), local_venue, local_card).venue_region == local_region


def test_r8_local_only_card_is_refused_elsewhere(local_region, venue, box_office):
    local_card = CardFactory(office=OfficeFactory(region=local_region), issued_on=TODAY - DAY,
                             valid_until=TODAY + DAY)
    result = services.card_check(user=box_office, venue=venue, number=local_card.number, today=TODAY)
    assert (result.valid, result.code) == (False, "card_not_valid_in_region")
    with refused("card_not_valid_in_region"):
        _log(box_office, venue, local_card)


def test_r8_local_only_venue_refuses_other_cards(local_region, card):
    local_venue = VenueFactory(name="Savonlinnan teatteri", region=local_region)
    staff = _staff_of(local_venue)
    with refused("card_not_valid_in_region"):
        _log(staff, local_venue, card)


@pytest.fixture
def popup():
    return VenueFactory(name="Ateneum", category=Category.MUSEUM, region=None, is_popup=True,
                        active_from=datetime.date(2024, 9, 1), active_until=datetime.date(2025, 12, 31))


def test_r8_popup_venue_takes_cards_of_every_region(popup, card, community_card):
    staff = _staff_of(popup)
    use = _log(staff, popup, card)
    assert (use.venue_region, use.card_region) == (None, card.region)
    assert _log(staff, popup, community_card, group_size=2).card_kind == "community"


def test_r8_popup_venue_refuses_a_local_only_card(popup, local_region):
    local_card = CardFactory(office=OfficeFactory(region=local_region), issued_on=TODAY - DAY,
                             valid_until=TODAY + DAY)
    staff = _staff_of(popup)
    with refused("card_not_valid_in_region"):
        _log(staff, popup, local_card)


# --- R9 periods --------------------------------------------------------------------------------------


def test_r9_venue_within_its_period_accepts(box_office, venue, card):
    venue.active_from = TODAY
    venue.active_until = TODAY
    venue.save()
    assert _log(box_office, venue, card).used_on == TODAY


@pytest.mark.parametrize(("active_from", "active_until"), [(TODAY + DAY, None), (TODAY - 10 * DAY, TODAY - DAY)])
def test_r9_venue_outside_its_period_is_refused(box_office, venue, card, active_from, active_until):
    venue.active_from = active_from
    venue.active_until = active_until
    venue.save()
    assert services.card_check(user=box_office, venue=venue, number=card.number, today=TODAY).code == "venue_inactive"
    with refused("venue_inactive"):
        _log(box_office, venue, card)


def test_r9_popup_campaign_over_is_refused(popup, card):
    staff = _staff_of(popup)
    assert _log(staff, popup, card, today=popup.active_until).used_on == popup.active_until
    with refused("venue_inactive"):
        _log(staff, popup, card, today=popup.active_until + DAY)


def test_r9_venue_of_an_ended_region_is_refused(box_office, venue, card, region):
    region.active_until = TODAY - DAY
    region.save()
    with refused("venue_inactive"):
        _log(box_office, venue, card)


def test_r9_pilot_region_is_active_during_its_pilot(box_office, venue, card, region):
    region.active_from = datetime.date(2025, 2, 1)
    region.active_until = datetime.date(2025, 12, 31)
    region.save()
    assert _log(box_office, venue, card).venue_region == region


# --- R10 quotas --------------------------------------------------------------------------------------


def test_r10_quota_counts_the_holder_and_children_and_cancel_frees_them(box_office, venue, card):
    offer = OfferFactory(venue=venue, quota=3)
    use = _log(box_office, venue, card, children=2, offer=offer)
    offer.refresh_from_db()
    assert (offer.used_count, offer.remaining) == (3, 0)

    with refused("quota_exhausted"):
        _log(box_office, venue, card, offer=offer)

    services.use_cancel(user=box_office, use=use, reason="Väärä esitys", today=TODAY)
    offer.refresh_from_db()
    assert offer.used_count == 0
    assert _log(box_office, venue, card, offer=offer).offer == offer


def test_r10_last_places_cannot_be_exceeded_by_children(box_office, venue, card):
    offer = OfferFactory(venue=venue, quota=2)
    _log(box_office, venue, card, offer=offer)
    with refused("quota_exhausted"):
        _log(box_office, venue, card, children=1, offer=offer)
    # The same card again today at this venue: a repeat, confirmed (issue 11).
    assert _log(box_office, venue, card, offer=offer, repeat_confirmed=True).offer == offer


def test_r10_offer_without_quota_has_no_limit(box_office, venue, card):
    offer = OfferFactory(venue=venue, quota=None)
    for visit in range(5):
        _log(box_office, venue, card, children=2, offer=offer, repeat_confirmed=visit > 0)  # repeats: issue 11
    offer.refresh_from_db()
    assert offer.used_count == 15


def test_r10_offer_of_another_venue_is_refused(box_office, venue, card, region):
    elsewhere = OfferFactory(venue=VenueFactory(region=region), quota=10)
    with refused("offer_mismatch"):
        _log(box_office, venue, card, offer=elsewhere)


def test_r10_offer_not_running_that_day_is_refused(box_office, venue, card):
    offer = OfferFactory(venue=venue, quota=10, starts_on=TODAY + DAY, ends_on=TODAY + 10 * DAY)
    with refused("offer_mismatch"):
        _log(box_office, venue, card, offer=offer)


# --- R11 uses: who logs ------------------------------------------------------------------------------


def test_r11_venue_staff_logs_a_use(box_office, venue, card):
    use = _log(box_office, venue, card, children=1)
    assert (use.card, use.venue, use.logged_by, use.used_on, use.channel) == (card, venue, box_office, TODAY, "counter")
    assert (use.card_kind, use.card_region, use.venue_region, use.stat_group) == (
        "personal", card.region, venue.region, StatGroup.CULTURE,
    )
    card.refresh_from_db()
    assert card.first_used_on == TODAY


def test_r11_staff_of_another_venue_is_refused(venue, card, region):
    other_staff = _staff_of(VenueFactory(name="Tampereen Teatteri", region=region))
    with refused("not_allowed"):
        _log(other_staff, venue, card)


def test_r11_distributor_cannot_log_uses(distributor, venue, card):
    with refused("not_allowed"):
        _log(distributor, venue, card)


def test_r11_other_office_staff_cannot_act_on_the_card(card, region):
    other_region_staff = OfficeMembershipFactory(office=OfficeFactory(region=RegionFactory())).user
    with refused("not_allowed"):
        services.card_inactivate(user=other_region_staff, card=card, reason="lost", today=TODAY)


def test_r11_ticketing_integration_logs_through_the_api_channel(box_office, venue, card):
    assert _log(box_office, venue, card, channel=Use.Channel.API).channel == "api"


# --- R11 idempotency ---------------------------------------------------------------------------------


def test_r11_repeated_submission_returns_the_same_use(box_office, venue, card):
    offer = OfferFactory(venue=venue, quota=5)
    first = _log(box_office, venue, card, children=1, offer=offer, idempotency_key="kassa-1-0001")
    before = _state()

    again = _log(box_office, venue, card, children=1, offer=offer, idempotency_key="kassa-1-0001")

    assert again.pk == first.pk
    assert _state() == before
    assert Use.objects.filter(idempotency_key="kassa-1-0001").count() == 1
    offer.refresh_from_db()
    assert offer.used_count == 2


def test_r11_repeat_of_the_last_place_returns_the_use_not_a_quota_refusal(box_office, venue, card):
    offer = OfferFactory(venue=venue, quota=1)
    first = _log(box_office, venue, card, offer=offer, idempotency_key="last-place")
    before = _state()

    assert _log(box_office, venue, card, offer=offer, idempotency_key="last-place").pk == first.pk
    assert _state() == before


def test_r11_repeat_after_the_card_was_inactivated_returns_the_use_and_counts_no_failure(
    box_office, distributor, venue, card
):
    first = _log(box_office, venue, card, idempotency_key="k-lost")
    services.card_inactivate(user=distributor, card=card, reason=Card.InactiveReason.LOST, today=TODAY)
    before = _state()

    assert _log(box_office, venue, card, idempotency_key="k-lost").pk == first.pk
    assert _state() == before
    assert cache.get(services._throttle_key(box_office)) is None
    with refused("card_inactive"):  # a new submission is refused, and counted
        _log(box_office, venue, card, idempotency_key="k-new")
    assert cache.get(services._throttle_key(box_office)) == 1


def test_r11_repeat_while_throttled_returns_the_use(box_office, venue, card, settings):
    first = _log(box_office, venue, card, idempotency_key="k-busy")
    cache.set(services._throttle_key(box_office), settings.CARD_CHECK_FAILURES_PER_MINUTE, 60)

    assert _log(box_office, venue, card, idempotency_key="k-busy").pk == first.pk
    with refused("throttled"):
        _log(box_office, venue, card, idempotency_key="k-other")


def test_r11_repeat_next_day_without_date_returns_the_same_use(box_office, venue, card):
    first = _log(box_office, venue, card, idempotency_key="k1")
    assert _log(box_office, venue, card, idempotency_key="k1", today=TODAY + DAY).pk == first.pk


def test_r11_same_key_at_another_venue_is_another_use(box_office, venue, card, region):
    other = VenueFactory(region=region)
    first = _log(box_office, venue, card, idempotency_key="k1")
    second = _log(_staff_of(other), other, card, idempotency_key="k1")
    assert first.pk != second.pk


@pytest.mark.parametrize(
    "change",
    [{"number": "other"}, {"children": 1}, {"used_on": TODAY - DAY}, {"kind": "course"}],
)
def test_r11_same_key_for_a_different_use_is_refused(box_office, venue, card, office, change):
    _log(box_office, venue, card, idempotency_key="k1")
    kwargs = {"idempotency_key": "k1"}
    target = card
    if "number" in change:
        target = CardFactory(office=office, issued_on=TODAY - DAY, valid_until=TODAY + DAY)
    if "children" in change:
        kwargs["children"] = change["children"]
    if "used_on" in change:
        kwargs["used_on"] = change["used_on"]
    if "kind" in change:
        kwargs["kind"] = Use.Kind.COURSE
    with refused("idempotency_conflict"):
        _log(box_office, venue, target, **kwargs)


# --- R11 cancel --------------------------------------------------------------------------------------


@pytest.mark.parametrize("days_after", [0, 1, 14])
def test_r11_cancel_within_the_window(box_office, venue, card, days_after):
    use = _log(box_office, venue, card)

    cancelled = services.use_cancel(user=box_office, use=use, reason=" Väärä kortti ", today=TODAY + days_after * DAY)

    use.refresh_from_db()
    assert cancelled.pk == use.pk
    assert (use.is_cancelled, use.cancelled_by, use.cancel_reason) == (True, box_office, "Väärä kortti")
    assert not Use.objects.counted().filter(pk=use.pk).exists()
    card.refresh_from_db()
    assert card.first_used_on is None  # a cancelled use does not take the card into use


def test_r11_cancel_after_the_window_is_refused(box_office, venue, card):
    use = _log(box_office, venue, card)
    with refused("cancel_window_passed"):
        services.use_cancel(user=box_office, use=use, reason="Väärä kortti", today=TODAY + 15 * DAY)


def test_r11_cancel_window_is_a_setting(box_office, venue, card):
    rules = NationalSettings.current()
    rules.cancel_window_days = 30
    rules.save()
    use = _log(box_office, venue, card)
    services.use_cancel(user=box_office, use=use, reason="Väärä kortti", today=TODAY + 30 * DAY)
    assert Use.objects.get(pk=use.pk).is_cancelled


def test_r11_cancel_twice_is_refused(box_office, venue, card):
    use = _log(box_office, venue, card)
    services.use_cancel(user=box_office, use=use, reason="Väärä kortti", today=TODAY)
    with refused("use_already_cancelled"):
        services.use_cancel(user=box_office, use=use, reason="Uudestaan", today=TODAY)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_r11_cancel_needs_a_reason(box_office, venue, card, reason):
    use = _log(box_office, venue, card)
    with refused("reason_required"):
        services.use_cancel(user=box_office, use=use, reason=reason, today=TODAY)


def test_r11_cancel_by_another_venue_is_refused(box_office, venue, card, region):
    use = _log(box_office, venue, card)
    staff = _staff_of(VenueFactory(region=region))
    with refused("not_allowed"):
        services.use_cancel(user=staff, use=use, reason="x", today=TODAY)


def test_r11_cancel_keeps_first_use_of_the_remaining_uses(box_office, venue, card):
    earlier = _log(box_office, venue, card, today=TODAY - 3 * DAY)
    later = _log(box_office, venue, card)
    services.use_cancel(user=box_office, use=earlier, reason="Väärä kortti", today=TODAY)
    card.refresh_from_db()
    assert card.first_used_on == later.used_on == TODAY


# --- R11 late entry ----------------------------------------------------------------------------------


@pytest.mark.parametrize("days_ago", [1, 30])
def test_r11_late_entry_within_the_window(box_office, venue, card, days_ago):
    use = _log(box_office, venue, card, used_on=TODAY - days_ago * DAY)
    assert (use.used_on, use.channel) == (TODAY - days_ago * DAY, "late")
    card.refresh_from_db()
    assert card.first_used_on == TODAY - days_ago * DAY


def test_r11_late_entry_beyond_the_window_is_refused(box_office, venue, card):
    with refused("late_entry_window_passed"):
        _log(box_office, venue, card, used_on=TODAY - 31 * DAY)


def test_r11_future_date_is_refused(box_office, venue, card):
    with refused("used_on_in_future"):
        _log(box_office, venue, card, used_on=TODAY + DAY)


def test_r11_late_entry_checks_the_card_on_the_real_date(box_office, venue, office):
    # Valid last week, expired yesterday: the paper log of last week is accepted.
    card = CardFactory(office=office, issued_on=TODAY - 400 * DAY, valid_until=TODAY - DAY)
    assert _log(box_office, venue, card, used_on=TODAY - 7 * DAY).channel == "late"
    # Issued yesterday: a use a week ago cannot be on this card.
    fresh = CardFactory(office=office, issued_on=TODAY - DAY, valid_until=TODAY + 300 * DAY)
    with refused("card_expired"):
        _log(box_office, venue, fresh, used_on=TODAY - 7 * DAY)


def test_r11_late_entry_for_a_card_lost_afterwards(box_office, venue, card, distributor):
    services.card_inactivate(user=distributor, card=card, reason=Card.InactiveReason.LOST, today=TODAY - 2 * DAY)
    assert _log(box_office, venue, card, used_on=TODAY - 5 * DAY).channel == "late"
    with refused("card_inactive"):
        _log(box_office, venue, card, used_on=TODAY - 2 * DAY)


def test_r11_late_entry_can_be_cancelled_within_the_window_from_its_entry(box_office, venue, card):
    use = _log(box_office, venue, card, used_on=TODAY - 20 * DAY)
    entered = datetime.datetime(2025, 6, 16, 12, 0, tzinfo=datetime.UTC)
    Use.objects.filter(pk=use.pk).update(logged_at=entered)  # entered on TODAY
    use.refresh_from_db()
    with refused("cancel_window_passed"):
        services.use_cancel(user=box_office, use=use, reason="Väärä päivä", today=TODAY + 15 * DAY)
    services.use_cancel(user=box_office, use=use, reason="Väärä päivä", today=TODAY + 14 * DAY)
    assert Use.objects.get(pk=use.pk).is_cancelled


# --- card check at the counter -----------------------------------------------------------------------


def test_check_records_a_valid_result(box_office, venue, card):
    result = services.card_check(user=box_office, venue=venue, number=numbers.display(card.number).lower(),
                                 today=TODAY)

    assert (result.valid, result.code, result.card, result.number) == (True, None, card, card.number)
    assert (result.kind, result.valid_until, result.region) == ("personal", card.valid_until, card.region)
    check = CardCheck.objects.get()
    assert (check.user, check.venue, check.card, check.result, check.valid) == (box_office, venue, card, "valid", True)
    assert check.number == numbers.display(card.number).lower()  # as entered
    assert Use.objects.count() == 0  # a check logs no use


def test_check_records_a_refused_result(box_office, venue, office):
    expired = CardFactory(office=office, issued_on=TODAY - 400 * DAY, valid_until=TODAY - DAY)
    result = services.card_check(user=box_office, venue=venue, number=expired.number, today=TODAY)
    assert (result.valid, result.code, result.children_allowed) == (False, "card_expired", 0)
    check = CardCheck.objects.get()
    assert (check.card, check.result, check.valid) == (expired, "card_expired", False)


def test_check_of_a_mistyped_number_makes_no_card_lookup(box_office, venue, card, django_assert_num_queries):
    scope_for(box_office)  # the user's memberships are read once per request, before this point
    mistyped = _mistyped(card.number)

    with django_assert_num_queries(1) as captured:
        result = services.card_check(user=box_office, venue=venue, number=mistyped, today=TODAY)

    assert (result.valid, result.code, result.card) == (False, "card_number_invalid", None)
    (insert,) = captured.captured_queries
    assert insert["sql"].startswith('INSERT INTO "cards_cardcheck"')
    assert CardCheck.objects.get().result == "card_number_invalid"


def test_log_of_a_mistyped_number_makes_no_query(box_office, venue, card, django_assert_num_queries):
    scope_for(box_office)
    before = _state()
    with django_assert_num_queries(0), pytest.raises(DomainError) as excinfo:
        services.use_log(user=box_office, venue=venue, number=_mistyped(card.number), today=TODAY)
    assert excinfo.value.code == "card_number_invalid"
    assert _state() == before


def test_check_by_staff_of_another_venue_is_refused(venue, card, region):
    other_staff = _staff_of(VenueFactory(region=region))
    with refused("not_allowed"):
        services.card_check(user=other_staff, venue=venue, number=card.number, today=TODAY)
    assert CardCheck.objects.count() == 0


def test_check_is_throttled_after_too_many_failures(settings, box_office, venue, card):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 3
    services.card_check(user=box_office, venue=venue, number=card.number, today=TODAY)  # valid: not counted
    for payload in ("HEUREKA7", "TAMPERE2"):
        assert services.card_check(user=box_office, venue=venue, number=_number(payload), today=TODAY).code == (
            "card_not_found"
        )
    assert services.card_check(user=box_office, venue=venue, number="XXX", today=TODAY).code == "card_number_invalid"
    checks = CardCheck.objects.count()

    with refused("throttled"):
        services.card_check(user=box_office, venue=venue, number=card.number, today=TODAY)
    with refused("throttled"):
        _log(box_office, venue, card)
    assert checks == 4
    # The blocked check is recorded too (R12); the blocked log attempt is not a check.
    assert list(CardCheck.objects.order_by("pk").values_list("result", flat=True)[4:]) == ["throttled"]

    # Another person at the same counter is not affected.
    colleague = _staff_of(venue)
    assert services.card_check(user=colleague, venue=venue, number=card.number, today=TODAY).valid


def test_failed_logs_count_towards_the_throttle(settings, box_office, venue, card):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 2
    for payload in ("HEUREKA7", "TAMPERE2"):
        with refused("card_not_found"):
            services.use_log(user=box_office, venue=venue, number=_number(payload), today=TODAY)
    with refused("throttled"):
        _log(box_office, venue, card)


def test_throttle_window_ends(settings, box_office, venue, card):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 1
    services.card_check(user=box_office, venue=venue, number=_number("HEUREKA7"), today=TODAY)
    with refused("throttled"):
        services.card_check(user=box_office, venue=venue, number=card.number, today=TODAY)
    cache.delete(services._throttle_key(box_office))  # what the expiry of the window does
    assert services.card_check(user=box_office, venue=venue, number=card.number, today=TODAY).valid
