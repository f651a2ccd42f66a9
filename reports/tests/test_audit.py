"""The audit trail, readable (issue 12, point 5; R12): every kind of event in one scoped, filtered, paged list and
CSV; the venue's own CSV and the API's lists of uses are exports there too."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from access.services import account_deactivate, invitation_create, membership_end
from access.tests.staff_world import build_world, person
from cards import numbers
from cards.models import CardCheck, CardEvent, Use
from cards.tests.factories import CardFactory, UseFactory
from distributors.models import OfficeMembership
from distributors.tests.factories import OfficeMembershipFactory
from regions.models import NationalSettings
from reports import audit
from reports.models import ExportRecord
from reports.services import export_record

pytestmark = pytest.mark.django_db


def _at(event, moment):
    """Pin a typed record's time (auto_now_add) for tests of order and dates."""
    type(event).objects.filter(pk=event.pk).update(**{"cancelled_at" if isinstance(event, Use) else "at": moment})


def _events(client, **params) -> list:
    response = client.get(reverse("reports:audit"), params)
    assert response.status_code == 200
    return response.context["page"].events


def _keys(events) -> set[tuple[str, int]]:
    return {(event.kind, event.pk) for event in events}


def _log(model_instance) -> set[int]:
    content_type = ContentType.objects.get_for_model(model_instance)
    return set(LogEntry.objects.filter(content_type=content_type, object_id=model_instance.pk)
               .values_list("pk", flat=True))


@pytest.fixture
def world():
    w = build_world()
    LogEntry.objects.all().delete()  # the world's own creation: not what these tests look at
    return w


@pytest.fixture
def two_regions(client, world):
    """Events of every kind in Tampere and in Espoo (and some of the whole country), through the real flows where
    there is one: the venue's CSV and the API's list of uses, ending access, deactivating an account."""
    w = world
    w.card = CardFactory(office=w.office, home_municipality=w.muni_tampere)
    w.card_espoo = CardFactory(office=w.office_espoo, home_municipality=w.muni_espoo)
    w.event = CardEvent.objects.create(card=w.card, kind=CardEvent.Kind.ISSUED, by=w.office_staff, office=w.office,
                                       details={"valid_until": "2027-03-01"})
    w.event_espoo = CardEvent.objects.create(card=w.card_espoo, kind=CardEvent.Kind.ISSUED, by=w.office_staff_espoo,
                                             office=w.office_espoo)
    w.check = CardCheck.objects.create(user=w.venue_staff, venue=w.venue, number=w.card.number, card=w.card,
                                       result="valid")
    w.check_abroad = CardCheck.objects.create(user=w.venue_staff_espoo, venue=w.venue_espoo, number=w.card.number,
                                              card=w.card, result="valid")  # a Tampere card at Espoo's venue
    w.check_espoo = CardCheck.objects.create(user=w.venue_staff_espoo, venue=w.venue_espoo,
                                             number=w.card_espoo.number, card=w.card_espoo, result="card_expired")
    now = timezone.now()
    w.cancelled = UseFactory(card=w.card, venue=w.venue, cancelled_at=now, cancelled_by=w.venue_staff,
                             cancel_reason="Asiakas ei tullut")
    w.cancelled_visitor = UseFactory(card=w.card_espoo, venue=w.venue, cancelled_at=now, cancelled_by=w.venue_staff,
                                     cancel_reason="Väärä päivä")  # Espoo's card at Tampere's venue
    w.cancelled_espoo = UseFactory(card=w.card_espoo, venue=w.venue_espoo, cancelled_at=now,
                                   cancelled_by=w.venue_staff_espoo, cancel_reason="Tuplakirjaus")
    UseFactory(card=w.card, venue=w.venue)  # a use that was not cancelled is no event

    client.force_login(w.venue_staff)
    assert client.get(reverse("venues:uses_export")).status_code == 200
    w.venue_export = ExportRecord.objects.get(what="venue_uses")
    token = Token.objects.create(user=w.venue_staff)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/uses/", {"page_size": 1}).status_code == 200
    w.api_export = ExportRecord.objects.get(what="api_uses")
    w.export_espoo = export_record(user=w.other_contact, what="regional_dashboard", fmt="pdf",
                                   region_ids=[w.espoo.pk])
    w.export_national = export_record(user=w.coordinator, what="national_dashboard", fmt="xlsx", region_ids=None)

    leaver = person("lahtija")
    w.leaver_membership = OfficeMembershipFactory(user=leaver, office=w.office)
    leaver_espoo = person("lahtija-espoo")
    w.leaver_espoo_membership = OfficeMembershipFactory(user=leaver_espoo, office=w.office_espoo)
    membership_end(user=w.contact, membership=w.leaver_membership)
    membership_end(user=w.other_contact, membership=w.leaver_espoo_membership)
    w.invitation = invitation_create(user=w.contact, email="uusi@example.fi", office=w.office)
    w.invitation_espoo = invitation_create(user=w.other_contact, email="uusi@example.fi", office=w.office_espoo)
    w.gone = person("poistuva")
    OfficeMembershipFactory(user=w.gone, office=w.office)
    Token.objects.create(user=w.gone)
    w.gone_espoo = person("poistuva-espoo")
    OfficeMembershipFactory(user=w.gone_espoo, office=w.office_espoo)
    account_deactivate(user=w.contact, person=w.gone)
    account_deactivate(user=w.coordinator, person=w.gone_espoo)

    with set_actor(w.coordinator):
        w.tampere.name = "Tampereen seutu"
        w.tampere.save()
        w.espoo.name = "Espoon seutu"
        w.espoo.save()
        settings = NationalSettings.current()
        settings.late_entry_days = 14
        settings.save()
    client.logout()
    return w


def _tampere(w) -> set[tuple[str, int]]:
    office_memberships = OfficeMembership.objects.filter(user__in=[w.gone], office=w.office)
    return {
        ("card_change", w.event.pk),
        ("card_check", w.check.pk), ("card_check", w.check_abroad.pk),
        ("use_cancelled", w.cancelled.pk), ("use_cancelled", w.cancelled_visitor.pk),
        ("export", w.venue_export.pk), ("export", w.api_export.pk),
        *(("access", pk) for pk in _log(w.leaver_membership) | _log(w.invitation)),
        *(("access", pk) for membership in office_memberships for pk in _log(membership)),  # created, ended
        *(("access", pk) for pk in LogEntry.objects.filter(object_id=w.gone.pk, changes__has_key="api_token")
          .values_list("pk", flat=True)),
        *(("account", pk) for pk in LogEntry.objects.filter(object_id=w.gone.pk, changes__has_key="is_active")
          .values_list("pk", flat=True)),
        *(("settings", pk) for pk in _log(w.tampere)),
    }


def test_acceptance_the_contact_of_tampere_reads_tampere_events_only(client, two_regions):
    """Issue 12 acceptance: as alue-tampere, Tampere's events only (the exact set), the venue's CSV export and an
    API list of uses among them."""
    w = two_regions
    client.force_login(w.contact)

    events = _events(client)

    assert _keys(events) == _tampere(w)
    assert len(_tampere(w)) == 15
    exports = {event.what: (event.who, event.unit, event.channel) for event in events if event.kind == "export"}
    assert exports == {
        "the venue's uses (CSV)": ("kohde-vapriikki", "Vapriikki", "page"),
        "list of uses (API) (JSON), 1 rows": ("kohde-vapriikki", "Tampereen seutu", "api"),
    }
    assert [event.at for event in events] == sorted((event.at for event in events), reverse=True)


def test_the_coordinator_reads_every_region_and_the_whole_country(client, two_regions):
    w = two_regions
    client.force_login(w.coordinator)

    keys = _keys(_events(client))

    assert keys > _tampere(w)
    assert {("card_change", w.event_espoo.pk), ("card_check", w.check_espoo.pk),
            ("use_cancelled", w.cancelled_espoo.pk), ("export", w.export_espoo.pk),
            ("export", w.export_national.pk)} <= keys
    assert {kind for kind, _pk in keys} == set(audit.KINDS)
    settings_changes = [e.what for e in _events(client, kind="settings")]
    assert "National settings changed: late-entry window (days): 30 → 14" in settings_changes


def test_the_other_regions_contact_shares_only_the_events_that_cross_the_border(client, two_regions):
    w = two_regions
    client.force_login(w.other_contact)

    common = _keys(_events(client)) & _tampere(w)

    # a Tampere card checked at Espoo's venue, an Espoo card's use cancelled at Tampere's venue: both regions' events
    assert common == {("card_check", w.check_abroad.pk), ("use_cancelled", w.cancelled_visitor.pk)}


def test_each_event_says_who_what_and_from_which_channel(client, two_regions):
    w = two_regions
    client.force_login(w.contact)

    rows = {(e.kind, e.who, e.what, e.unit, e.channel) for e in _events(client)
            if e.kind in ("card_change", "card_check", "use_cancelled", "account")}

    masked = numbers.mask(w.card.number)
    today = timezone.localdate()
    today = f"{today.day}.{today.month}.{today.year}"
    assert rows == {
        ("card_change", "jakaja-tampere", "issued, valid until 1.3.2027", "Sosiaalityö Tampere", "page_or_api"),
        ("card_check", "kohde-vapriikki", "checked: valid", "Vapriikki", "page"),
        ("card_check", "kohde-espoo", "checked: valid", "Espoon teatteri", "page"),
        ("use_cancelled", "kohde-vapriikki", f"ticket of {today} cancelled: Asiakas ei tullut",
         "Vapriikki", "page"),
        ("use_cancelled", "kohde-vapriikki", f"ticket of {today} cancelled: Väärä päivä",
         "Vapriikki", "page"),
        ("account", "alue-tampere", "account deactivated: poistuva (access ended: 1, API token revoked: yes)", "",
         "page"),
    }
    cards = {e.card for e in _events(client) if e.card}
    assert cards == {masked, numbers.mask(w.card_espoo.number)}  # never in full without the exact-number filter


# --- filters -----------------------------------------------------------------------------------------------


def test_filters_kind_person_office_or_venue_dates_and_exact_number(client, two_regions):
    w = two_regions
    client.force_login(w.contact)
    old = timezone.now() - datetime.timedelta(days=40)
    _at(w.check, old)

    by_kind = _keys(_events(client, kind="card_check"))
    by_person = _keys(_events(client, person="KOHDE-VAPRIIKKI"))
    by_venue = _keys(_events(client, unit=f"venue:{w.venue.pk}"))
    by_office = _keys(_events(client, unit=f"office:{w.office.pk}"))
    by_dates = _keys(_events(client, date_from=old.date().isoformat(), date_to=old.date().isoformat()))
    by_card = _events(client, card=numbers.display(w.card.number).lower())
    nobody = _events(client, person="ei-ketaan")

    assert by_kind == {("card_check", w.check.pk), ("card_check", w.check_abroad.pk)}
    assert by_person == {("card_check", w.check.pk), ("use_cancelled", w.cancelled.pk),
                         ("use_cancelled", w.cancelled_visitor.pk), ("export", w.venue_export.pk),
                         ("export", w.api_export.pk)}
    assert by_venue == {("card_check", w.check.pk), ("use_cancelled", w.cancelled.pk),
                        ("use_cancelled", w.cancelled_visitor.pk), ("export", w.venue_export.pk)}
    assert {kind for kind, _pk in by_office} == {"card_change", "card_check", "use_cancelled", "access", "account"}
    assert ("card_change", w.event.pk) in by_office
    assert by_dates == {("card_check", w.check.pk)}
    assert _keys(by_card) == {("card_change", w.event.pk), ("card_check", w.check.pk),
                              ("card_check", w.check_abroad.pk), ("use_cancelled", w.cancelled.pk)}
    assert {e.card for e in by_card} == {numbers.display(w.card.number)}  # in full: the number searched
    assert nobody == []


def test_a_mistyped_number_or_a_reversed_period_is_an_error_and_lists_nothing(client, two_regions):
    client.force_login(two_regions.contact)
    wrong = numbers.display(two_regions.card.number)[:-1] + ("A" if two_regions.card.number[-1] != "A" else "B")

    mistyped = client.get(reverse("reports:audit"), {"card": wrong})
    reversed_period = client.get(reverse("reports:audit"), {"date_from": "2026-03-02", "date_to": "2026-03-01"})

    assert mistyped.context["page"] is None
    assert list(mistyped.context["form"].errors) == ["card"]
    assert list(reversed_period.context["form"].errors) == ["date_to"]
    assert "Correct the filters to see the events." in mistyped.content.decode()


@pytest.mark.parametrize("params", [
    {"cursor": "2026-03-01T10:00:00+00:00~1~99999999999999999999999"}, {"cursor": "2026-03-01T10:00:00~1~1"},
    {"cursor": "eilen~x~y"}, {"cursor": "2026-03-01T10:00:00+00:00~42~1"},
    {"date_from": "0001-01-01", "date_to": "9999-12-31"},
])
def test_a_foreign_cursor_or_an_extreme_date_lists_from_the_newest_without_an_error(client, two_regions, params):
    client.force_login(two_regions.contact)
    assert _keys(_events(client, **params)) == _tampere(two_regions)


def test_the_unit_filter_offers_only_the_contacts_own_offices_and_venues(client, two_regions):
    client.force_login(two_regions.contact)
    form = client.get(reverse("reports:audit")).context["form"]
    values = [value for _group, options in form.fields["unit"].choices[1:] for value, _label in options]
    assert values == [f"office:{two_regions.office.pk}", f"venue:{two_regions.venue.pk}"]
    refused = client.get(reverse("reports:audit"), {"unit": f"office:{two_regions.office_espoo.pk}"})
    assert refused.context["page"] is None


# --- paging and cost ---------------------------------------------------------------------------------------


def test_pages_follow_each_other_without_gaps_or_repeats_even_when_times_tie(world):
    w = world
    card = CardFactory(office=w.office, home_municipality=w.muni_tampere)
    moment = timezone.now().replace(microsecond=0)
    for n in range(9):
        _at(CardCheck.objects.create(user=w.venue_staff, venue=w.venue, number=card.number, card=card,
                                     result="valid"), moment)
        _at(CardEvent.objects.create(card=card, kind=CardEvent.Kind.PRINTED, by=w.office_staff, office=w.office),
            moment - datetime.timedelta(seconds=n % 3))
    filters = audit.AuditFilters(kind="")
    seen, cursor, pages = [], None, 0
    while True:
        page = audit.audit_page(user=w.contact, filters=filters, cursor=cursor, size=4)
        seen.extend(page.events)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break

    assert pages == 5
    assert len(seen) == len({(e.kind, e.pk) for e in seen}) == 18
    assert [e.key for e in seen] == sorted((e.key for e in seen), reverse=True)


def test_a_page_costs_the_same_few_queries_with_many_rows(client, world, django_assert_max_num_queries):
    w = world
    card = CardFactory(office=w.office, home_municipality=w.muni_tampere)
    CardCheck.objects.bulk_create([CardCheck(user=w.venue_staff, venue=w.venue, number=card.number, card=card,
                                             result="valid") for _n in range(300)])
    CardEvent.objects.bulk_create([CardEvent(card=card, kind=CardEvent.Kind.PRINTED, by=w.office_staff,
                                             office=w.office) for _n in range(300)])
    for n in range(60):
        export_record(user=w.contact, what="regional_dashboard", fmt="csv", region_ids=[w.tampere.pk],
                      params={"venue": w.venue.pk} if n % 2 else {})
        OfficeMembershipFactory(user=person(f"jakaja-{n}"), office=w.office)
    client.force_login(w.contact)

    with django_assert_max_num_queries(20):
        first = client.get(reverse("reports:audit"))
    with django_assert_max_num_queries(20):
        second = client.get(reverse("reports:audit"), {"cursor": first.context["page"].next_cursor})

    assert len(first.context["page"].events) == len(second.context["page"].events) == audit.PAGE_SIZE
    assert not _keys(first.context["page"].events) & _keys(second.context["page"].events)


# --- the CSV -----------------------------------------------------------------------------------------------


def test_the_csv_is_the_filtered_trail_neutralised_masked_and_itself_an_export(client, two_regions):
    w = two_regions
    Use.objects.filter(pk=w.cancelled.pk).update(cancel_reason="=HYPERLINK(\"http://x\")")
    client.force_login(w.contact)

    response = client.get(reverse("reports:audit_csv"), {"kind": "use_cancelled"})
    text = b"".join(response.streaming_content).decode("utf-8")

    lines = text.lstrip("\ufeff").splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == "at;kind;person;what;card;office_or_venue;channel"
    assert len(lines) == 3
    assert "'=HYPERLINK" not in text  # the reason is inside a longer cell, which does not begin with '='
    assert numbers.mask(w.card.number) in text
    assert numbers.display(w.card.number) not in text
    record = ExportRecord.objects.get(what="audit")
    assert (record.user, record.format, record.national, list(record.regions.values_list("pk", flat=True)),
            record.params) == (w.contact, "csv", False, [w.tampere.pk], {"channel": "page", "kind": "use_cancelled"})
    assert ("export", record.pk) in _keys(_events(client, kind="export"))


def test_a_csv_cell_that_would_run_as_a_formula_is_written_as_text(client, world):
    w = world
    card = CardFactory(office=w.office, home_municipality=w.muni_tampere)
    CardCheck.objects.create(user=w.venue_staff, venue=w.venue, number="=1+1", card=None, result="card_not_found")
    CardCheck.objects.create(user=w.venue_staff, venue=w.venue, number=card.number, card=card, result="valid")
    w.venue.name = "@SUM(A1)"
    w.venue.save()
    client.force_login(w.coordinator)

    text = b"".join(client.get(reverse("reports:audit_csv"), {"kind": "card_check"}).streaming_content).decode()

    assert ";'@SUM(A1);" in text
    assert ";@SUM" not in text


# --- channels ----------------------------------------------------------------------------------------------


def test_settings_changed_in_the_admin_say_admin_and_those_of_a_task_say_task(client, world):
    w = world
    settings = NationalSettings.current()
    ct = ContentType.objects.get_for_model(NationalSettings)
    with set_actor(w.coordinator, remote_addr="192.0.2.1"):
        settings.child_age_limit = 17
        settings.save()
    entry = LogEntry.objects.get(content_type=ct, changes__has_key="child_age_limit")
    AdminLogEntry.objects.create(user=w.coordinator, content_type=ct, object_id=str(settings.pk),
                                 object_repr="National settings", action_flag=CHANGE, change_message="[]",
                                 action_time=entry.timestamp + datetime.timedelta(milliseconds=30))
    settings.retention_days = 700
    settings.save()  # no request: a management command or a scheduled task
    client.force_login(w.coordinator)

    channels = [(e.what, e.who, e.channel) for e in _events(client, kind="settings")]

    assert channels == [
        ("National settings changed: retention after expiry (days): 730 → 700", "–", "task"),
        ("National settings changed: child age limit: 18 → 17", "koordinaattori", "admin"),
    ]
