"""R12 audit: django-auditlog records who changed a card, a use, a membership or an organisation;
every counter check leaves a typed CardCheck row (who, venue, number, result).
"""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from cards import numbers, services
from cards.models import Card, CardCheck, Use
from cards.tests.factories import CardFactory
from distributors.models import OfficeMembership, Organisation
from distributors.tests.factories import OfficeFactory, OfficeMembershipFactory, OrganisationFactory
from regions.tests.factories import MunicipalityFactory, RegionContactFactory, UserFactory
from venues.tests.factories import VenueMembershipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 16)
DAY = datetime.timedelta(days=1)


def _entries(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("pk"))


@pytest.fixture
def office():
    return OfficeFactory()


@pytest.fixture
def distributor(office):
    return OfficeMembershipFactory(office=office).user


@pytest.fixture
def box_office(office):
    return VenueMembershipFactory(venue__region=office.region).user


@pytest.fixture
def card(office):
    return CardFactory(office=office, children=1, issued_on=TODAY - 30 * DAY, valid_until=TODAY + 300 * DAY)


def test_card_issue_and_renewal_are_logged_with_the_actor(distributor, office):
    municipality = MunicipalityFactory(region=office.region)
    with set_actor(distributor):
        card = services.card_issue(user=distributor, office=office, birth_year=1970,
                                   home_municipality=municipality, today=TODAY)
        services.card_renew(user=distributor, card=card, today=TODAY + 200 * DAY)

    created, updated = _entries(card)
    assert (created.action, created.actor) == (LogEntry.Action.CREATE, distributor)
    assert created.changes_dict["number"] == ["None", card.number]
    assert (updated.action, updated.actor) == (LogEntry.Action.UPDATE, distributor)
    assert updated.changes_dict["valid_until"] == [
        str(TODAY + 365 * DAY), str(TODAY + 200 * DAY + 365 * DAY),
    ]


def test_card_inactivation_is_logged(distributor, card):
    with set_actor(distributor):
        services.card_inactivate(user=distributor, card=card, reason=Card.InactiveReason.LOST, today=TODAY)
    entry = _entries(card)[-1]
    assert (entry.action, entry.actor) == (LogEntry.Action.UPDATE, distributor)
    assert entry.changes_dict["status"] == ["active", "inactive"]
    assert entry.changes_dict["inactive_reason"] == ["", "lost"]


def test_change_outside_a_request_has_no_actor(card):
    card.postal_code = "33100"
    card.save()
    entry = _entries(card)[-1]
    assert (entry.action, entry.actor) == (LogEntry.Action.UPDATE, None)
    assert entry.changes_dict["postal_code"] == ["", "33100"]


def test_a_use_records_its_logging_and_its_cancellation_is_audited(box_office, card):
    venue = box_office.venue_memberships.get().venue
    with set_actor(box_office):
        use = services.use_log(user=box_office, venue=venue, number=card.number, children=1, today=TODAY)
        services.use_cancel(user=box_office, use=use, reason="Väärä kortti", today=TODAY)

    # The use row itself records the logging (who, when, where, how); only its change is an audit entry.
    use.refresh_from_db()
    assert (use.logged_by, use.venue, use.channel, use.children) == (box_office, venue, Use.Channel.COUNTER, 1)
    assert use.logged_at is not None
    [cancelled] = _entries(use)
    assert (cancelled.action, cancelled.actor) == (LogEntry.Action.UPDATE, box_office)
    assert cancelled.changes_dict["cancel_reason"] == ["", "Väärä kortti"]
    assert Use.objects.get(pk=use.pk).is_cancelled


def test_office_membership_grant_and_end_are_logged(office):
    contact = RegionContactFactory(region=office.region).user
    person = UserFactory()
    with set_actor(contact):
        membership = OfficeMembership.objects.create(user=person, office=office, started_on=TODAY)
        membership.ended_on = TODAY + 90 * DAY
        membership.save()

    created, ended = _entries(membership)
    assert (created.action, created.actor) == (LogEntry.Action.CREATE, contact)
    assert created.changes_dict["user"] == ["None", str(person.pk)]
    assert (ended.action, ended.actor) == (LogEntry.Action.UPDATE, contact)
    assert ended.changes_dict["ended_on"] == ["None", str(TODAY + 90 * DAY)]


def test_organisation_create_and_update_are_logged():
    coordinator = UserFactory(is_superuser=True)
    with set_actor(coordinator):
        organisation = Organisation.objects.create(name="Tampereen Mielenterveysseura", kind=Organisation.Kind.NGO)
        organisation.name = "Tampereen Mielenterveysseura ry"
        organisation.save()

    created, renamed = _entries(organisation)
    assert (created.action, created.actor) == (LogEntry.Action.CREATE, coordinator)
    assert (renamed.action, renamed.actor) == (LogEntry.Action.UPDATE, coordinator)
    assert renamed.changes_dict["name"] == ["Tampereen Mielenterveysseura", "Tampereen Mielenterveysseura ry"]


def test_factory_created_organisation_is_logged_too():
    organisation = OrganisationFactory()
    assert [entry.action for entry in _entries(organisation)] == [LogEntry.Action.CREATE]


def test_every_counter_check_is_recorded(box_office, card, office):
    venue = box_office.venue_memberships.get().venue
    expired = CardFactory(office=office, issued_on=TODAY - 400 * DAY, valid_until=TODAY - DAY)
    typed = numbers.display(card.number).lower()
    unknown = "HEUREKA7" + numbers.check_character("HEUREKA7")

    services.card_check(user=box_office, venue=venue, number=typed, today=TODAY)
    services.card_check(user=box_office, venue=venue, number=expired.number, today=TODAY)
    services.card_check(user=box_office, venue=venue, number=unknown, today=TODAY)
    services.card_check(user=box_office, venue=venue, number="abc-def", today=TODAY)

    rows = list(CardCheck.objects.order_by("pk").values_list("user", "venue", "number", "card", "result", "channel"))
    assert rows == [
        (box_office.pk, venue.pk, typed, card.pk, "valid", "counter"),
        (box_office.pk, venue.pk, expired.number, expired.pk, "card_expired", "counter"),
        (box_office.pk, venue.pk, unknown, None, "card_not_found", "counter"),
        (box_office.pk, venue.pk, "abc-def", None, "card_number_invalid", "counter"),
    ]


def test_check_from_a_ticketing_system_records_its_channel(box_office, card):
    venue = box_office.venue_memberships.get().venue
    services.card_check(user=box_office, venue=venue, number=card.number, channel=Use.Channel.API, today=TODAY)
    check = CardCheck.objects.get()
    assert (check.user, check.venue, check.result, check.channel) == (box_office, venue, "valid", "api")
    assert check.at is not None
