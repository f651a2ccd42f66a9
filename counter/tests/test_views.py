"""The venue counter and the venue staff pages, through the test client (SQLite and PostgreSQL)."""

import datetime
import json
import logging
import re

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import formats, timezone, translation

from cards import numbers
from cards.models import Card, CardCheck, Use
from cards.tests.factories import CardFactory, CommunityCardFactory, UseFactory
from core.errors import MESSAGES
from counter import views
from counter.selectors import mask_number
from regions.tests.factories import RegionFactory, UserFactory
from venues.models import Category, Offer
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages and the messages compared with them in English, whatever translations exist."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _number(payload: str) -> str:
    return payload + numbers.check_character(payload)


@pytest.fixture
def region():
    return RegionFactory(name="Tampere")


@pytest.fixture
def venue(region):
    return VenueFactory(name="Vapriikki", category=Category.MUSEUM, region=region)


@pytest.fixture
def course_venue(region):
    return VenueFactory(name="Työväenopisto", category=Category.ADULT_EDUCATION, region=region, offers_courses=True)


@pytest.fixture
def staff(venue):
    return VenueMembershipFactory(venue=venue, user=UserFactory(username="kohde-vapriikki")).user


@pytest.fixture
def client_staff(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def card(region):
    return CardFactory(number=_number("TAMPERE2"), office__region=region, region=region, children=2)


def _log(client, number, *, key="k-1", accept_json=True, **fields):
    data = {"number": number, "idempotency_key": key, "children": "0", "kind": "ticket", **fields}
    return client.post(reverse("venues:log"), data, **(JSON if accept_json else {}))


# --- access ----------------------------------------------------------------------------------------


PAGES = [
    ("get", "venues:counter"), ("post", "venues:check"), ("post", "venues:log"), ("post", "venues:late_entry"),
    ("get", "venues:uses"), ("get", "venues:uses_export"), ("get", "venues:offers"), ("get", "venues:offer_create"),
]


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_pages_refuse_users_without_a_venue(client, method, name, region):
    # Given a signed-in user who works at no venue (a regional contact of the venue's region, here)
    from regions.tests.factories import RegionContactFactory

    client.force_login(RegionContactFactory(region=region).user)
    # When they open a venue staff page, Then it is forbidden and nothing is checked
    response = getattr(client, method)(reverse(name), {"number": "TAMPERE2E"} if method == "post" else None)
    assert response.status_code == 403
    assert CardCheck.objects.count() == 0


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_pages_send_anonymous_users_to_sign_in(client, method, name):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_counter_page_has_focus_in_the_number_field(client_staff, venue):
    response = client_staff.get(reverse("venues:counter"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="number"' in html
    assert "autofocus" in html.split('name="number"', 1)[1].split(">", 1)[0]
    assert 'id="scan-button"' in html
    assert 'aria-live="assertive"' in html
    assert "barcode-detector-3.2.2.ponyfill.js" in html
    assert "Vapriikki" in html


def test_staff_of_two_venues_switch_the_counter(client_staff, staff, region):
    other = VenueFactory(name="Milavida", region=region)
    VenueMembershipFactory(user=staff, venue=other)
    first = client_staff.get(reverse("venues:counter")).content.decode()
    assert "<p>Milavida · Tampere</p>" in first  # alphabetical: Milavida before Vapriikki
    response = client_staff.post(reverse("venues:select_venue"), {"venue": str(other.pk + 1000)})
    assert response.status_code == 302
    response = client_staff.post(reverse("venues:select_venue"), {"venue": str(VenueMembershipFactory(
        user=staff, venue=VenueFactory(name="Amuri", region=region)).venue.pk)})
    assert "<p>Amuri · Tampere</p>" in client_staff.get(reverse("venues:counter")).content.decode()


# --- check -----------------------------------------------------------------------------------------


def test_check_valid_personal_card_answers_with_the_panel_and_the_log_form(client_staff, card, staff, venue):
    response = client_staff.post(reverse("venues:check"), {"number": "tampere2" + card.number[-1].lower()}, **JSON)
    data = response.json()
    assert response.status_code == 200
    assert data["valid"] is True
    assert data["code"] is None
    assert data["number"] == "TAM-PER-E2" + card.number[-1]
    assert data["kind"] == "personal"
    assert data["valid_until"] == card.valid_until.isoformat()
    assert data["children_allowed"] == 2
    assert data["region"] == "Tampere"
    assert data["kind_label"] == "personal card"
    assert data["valid_until_display"] == formats.date_format(card.valid_until, "j.n.Y")
    assert data["throttled"] is False
    assert data["log"] == {"number": card.number, "community": False, "idempotency_key": data["log"]["idempotency_key"],
                           "offers": []}
    assert re.fullmatch(r"[0-9a-f]{32}", data["log"]["idempotency_key"])
    check = CardCheck.objects.get()
    assert (check.user, check.venue, check.card, check.result) == (staff, venue, card, "valid")


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("expired", "card_expired"),
        ("inactive", "card_inactive"),
        ("unknown", "card_not_found"),
        ("mistyped", "card_number_invalid"),
        ("local_only", "card_not_valid_in_region"),
    ],
)
def test_check_refusals_show_the_plain_reason_and_no_log_form(client_staff, region, setup, code):
    today = timezone.localdate()
    number = _number("REFUSED2")
    if setup == "expired":
        CardFactory(number=number, office__region=region, region=region,
                    issued_on=today - datetime.timedelta(days=400), valid_until=today - datetime.timedelta(days=1))
    elif setup == "inactive":
        CardFactory(number=number, office__region=region, region=region, status=Card.Status.INACTIVE,
                    inactive_reason=Card.InactiveReason.LOST, inactivated_on=today)
    elif setup == "mistyped":
        number = number[:-1] + ("2" if number[-1] != "2" else "3")
    elif setup == "local_only":
        savonlinna = RegionFactory(name="Savonlinna", local_only=True)
        CardFactory(number=number, office__region=savonlinna, region=savonlinna)
    response = client_staff.post(reverse("venues:check"), {"number": number}, **JSON)
    data = response.json()
    assert response.status_code == 200
    assert data["valid"] is False
    assert data["code"] == code
    assert data["message"] == str(MESSAGES[code])
    assert (data["throttled"], data["log"]) == (False, None)
    assert CardCheck.objects.get().result == code


@pytest.mark.parametrize("scanned", [
    "https://kaikukanta.example.fi/kortti/TAM-PER-E2{check}/",
    "https://kaikukanta.example.fi/m/TAMPERE2{check}?lang=fi",
    "TAMPERE2{check}",
])
def test_check_accepts_a_qr_code_url_ending_in_the_number(client_staff, card, scanned):
    response = client_staff.post(reverse("venues:check"), {"number": scanned.format(check=card.number[-1])}, **JSON)
    assert response.json()["valid"] is True
    assert CardCheck.objects.get().card == card


def test_check_without_javascript_renders_the_page_with_the_log_button_focused(client_staff, card):
    response = client_staff.post(reverse("venues:check"), {"number": card.number})
    html = response.content.decode()
    assert response.status_code == 200
    assert "is-valid" in html
    assert '<button type="submit" class="log-button" data-autofocus="button" autofocus>' in html
    assert "autofocus" not in html.split('name="number"', 1)[1].split(">", 1)[0]


def test_counter_page_ids_are_unique_with_a_result_and_todays_log(client_staff, card, venue):
    UseFactory(card=card, venue=venue)
    html = client_staff.post(reverse("venues:check"), {"number": card.number}).content.decode()
    # A <template>'s content is inert, outside the document (the script clones it): its ids do not count.
    outside_templates = re.sub(r"<template\b.*?</template>", "", html, flags=re.S)
    ids = re.findall(r'\sid="([^"]+)"', outside_templates)
    assert "log_children" in ids
    assert "id_late-number" in ids
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_check_community_card_asks_group_size_and_under_18_clients(client_staff, region):
    community = CommunityCardFactory(number=_number("YHTEYS22"), office__region=region, region=region)
    data = client_staff.post(reverse("venues:check"), {"number": community.number}, **JSON).json()
    assert data["valid"] is True
    assert data["kind"] == "community"
    assert data["children_allowed"] == 5
    assert data["log"]["community"] is True
    assert data["log"]["number"] == community.number


def test_check_empty_number_is_a_form_error(client_staff):
    response = client_staff.post(reverse("venues:check"), {"number": "  "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert CardCheck.objects.count() == 0


def test_failed_checks_are_throttled_with_a_clear_message_and_logged(client_staff, settings, caplog):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 2
    mistyped = _number("ARVAUS22")[:-1] + "2"
    for _ in range(2):
        assert client_staff.post(reverse("venues:check"), {"number": mistyped}, **JSON).json()["code"] == (
            "card_number_invalid"
        )
    with caplog.at_level(logging.WARNING, logger="kaikukanta.counter"):
        response = client_staff.post(reverse("venues:check"), {"number": mistyped}, **JSON)
    data = response.json()
    assert response.status_code == 429
    assert data["code"] == "throttled"
    assert data["message"] == str(MESSAGES["throttled"])
    assert (data["throttled"], data["valid"], data["log"]) == (True, False, None)
    assert list(CardCheck.objects.order_by("pk").values_list("result", flat=True)) == [
        "card_number_invalid", "card_number_invalid", "throttled"
    ]
    assert [r.getMessage() for r in caplog.records if r.name == "kaikukanta.counter"] == [
        f"card check throttled: user={client_staff.session['_auth_user_id']} "
        f"venue={CardCheck.objects.first().venue_id}"
    ]


# --- log -------------------------------------------------------------------------------------------


def test_log_default_is_one_ticket_without_children(client_staff, card, staff, venue):
    response = _log(client_staff, card.number)
    data = response.json()
    use = Use.objects.get()
    assert response.status_code == 201
    assert data["ok"] is True
    assert data["use"] == use.pk
    assert data["message"] == f"Logged a ticket for {mask_number(card.number)}."
    assert (use.card, use.venue, use.kind, use.children, use.channel, use.logged_by) == (
        card, venue, "ticket", 0, "counter", staff
    )
    assert data["row"] == {
        "id": use.pk, "time": timezone.localtime(use.logged_at).strftime("%H:%M"), "visit_on": "",
        "number": mask_number(card.number), "use": "ticket", "offer": "", "children": 0,
        "cancel_url": reverse("venues:cancel", args=[use.pk]),
    }
    assert card.number not in json.dumps(data)


def test_log_with_children_up_to_the_card(client_staff, card):
    response = _log(client_staff, card.number, children="2")
    assert response.status_code == 201
    assert response.json()["message"] == f"Logged a ticket for {mask_number(card.number)} with 2 children."
    assert Use.objects.get().children == 2


def test_log_refuses_more_children_than_the_card_allows(client_staff, card):
    response = _log(client_staff, card.number, children="3")
    assert response.status_code == 400
    assert response.json() == {"ok": False, "code": "too_many_children",
                               "message": str(MESSAGES["too_many_children"]), "field": "children"}
    assert Use.objects.count() == 0


def test_log_is_idempotent_for_a_repeated_submission(client_staff, card):
    first = _log(client_staff, card.number, key="same-key")
    second = _log(client_staff, card.number, key="same-key")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["use"] == second.json()["use"]
    assert Use.objects.count() == 1


def test_log_without_javascript_redirects_back_to_the_counter_with_a_message(client_staff, card):
    response = _log(client_staff, card.number, accept_json=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("venues:counter")
    page = client_staff.get(reverse("venues:counter")).content.decode()
    assert f"Logged a ticket for {mask_number(card.number)}." in page
    assert Use.objects.count() == 1


def test_log_refusal_without_javascript_keeps_the_form_with_the_error(client_staff, card):
    response = _log(client_staff, card.number, children="5", accept_json=False)
    html = response.content.decode()
    assert response.status_code == 400
    assert str(MESSAGES["too_many_children"]) in html
    assert 'id="log_children_errors"' in html
    assert 'aria-describedby="log_children_helptext log_children_errors"' in html
    assert Use.objects.count() == 0


def test_log_community_card_with_group_and_under_18_clients(client_staff, region):
    community = CommunityCardFactory(number=_number("YHTEYS22"), office__region=region, region=region)
    response = _log(client_staff, community.number, group_size="3", children="2", community="1")
    use = Use.objects.get()
    assert response.status_code == 201
    assert (use.card_kind, use.group_size, use.children) == ("community", 3, 2)


@pytest.mark.parametrize(("fields", "code"), [
    ({}, "group_size_invalid"),
    ({"group_size": "9"}, "group_size_invalid"),
    ({"group_size": "3", "kind": "course"}, "courses_need_personal_card"),
])
def test_log_community_card_refusals(client, course_venue, region, fields, code):
    client.force_login(VenueMembershipFactory(venue=course_venue).user)
    community = CommunityCardFactory(number=_number("YHTEYS22"), office__region=region, region=region)
    response = _log(client, community.number, community="1", **fields)
    assert response.json()["code"] == code
    assert Use.objects.count() == 0


def test_course_place_at_a_course_venue_and_no_children_on_it(client, course_venue, card):
    client.force_login(VenueMembershipFactory(venue=course_venue).user)
    refused = _log(client, card.number, kind="course", children="1", key="a")
    assert refused.json()["code"] == "children_not_allowed_for_courses"
    assert Use.objects.count() == 0
    response = _log(client, card.number, kind="course", key="b")
    use = Use.objects.get()
    assert response.status_code == 201
    assert response.json()["message"] == f"Logged a course place for {mask_number(card.number)}."
    assert (use.kind, use.stat_group) == ("course", "education")


def _log_template(html: str, kind: str) -> str:
    return re.search(rf'<template id="tpl-log-{kind}">(.*?)</template>', html, re.S).group(1)


def test_course_choice_is_shown_only_where_courses_are_offered(client, client_staff, course_venue, card):
    page = client_staff.get(reverse("venues:counter")).content.decode()
    assert 'name="kind"' not in _log_template(page, "personal")
    client.force_login(VenueMembershipFactory(venue=course_venue).user)
    page = client.get(reverse("venues:counter")).content.decode()
    assert 'name="kind"' in _log_template(page, "personal")
    assert 'name="kind"' not in _log_template(page, "community")


def test_the_counter_page_carries_the_log_forms_the_script_fills_in(client_staff):
    page = client_staff.get(reverse("venues:counter")).content.decode()
    personal, community = _log_template(page, "personal"), _log_template(page, "community")
    assert 'class="log-button"' in personal
    assert 'name="number"' in personal
    assert 'name="idempotency_key"' in personal
    assert 'name="group_size"' not in personal
    assert 'name="group_size"' in community
    assert "Under-18 clients" in community
    assert 'name="community" value="1"' in community
    assert '<template id="tpl-result">' in page
    assert '<template id="tpl-today-row">' in page


def test_offers_with_places_left_are_offered_and_the_quota_holds(client_staff, card, venue):
    offer = OfferFactory(venue=venue, title="Näyttely", quota=1)
    sold_out = OfferFactory(venue=venue, title="Loppuunmyyty", quota=2)
    Offer.objects.filter(pk=sold_out.pk).update(used_count=2)
    OfferFactory(venue=venue, title="Mennyt", starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 2, 1))
    offers = client_staff.post(reverse("venues:check"), {"number": card.number}, **JSON).json()["log"]["offers"]
    assert offers == [{"id": offer.pk, "kind": "performance", "label": "Näyttely (performance, 1 of 1 places left)"}]
    assert _log(client_staff, card.number, offer=str(offer.pk), key="a").status_code == 201
    refused = _log(client_staff, card.number, offer=str(offer.pk), key="b")
    assert refused.status_code == 409
    assert refused.json()["code"] == "quota_exhausted"
    offer.refresh_from_db()
    assert offer.used_count == 1
    assert Use.objects.count() == 1


def test_log_refuses_another_venues_offer(client_staff, card, region):
    other_offer = OfferFactory(venue=VenueFactory(region=region))
    response = _log(client_staff, card.number, offer=str(other_offer.pk))
    assert response.status_code == 400
    assert response.json()["field"] == "offer"
    assert Use.objects.count() == 0


# --- today's log, cancel, late entry --------------------------------------------------------------


def test_todays_log_lists_this_venues_uses_with_masked_numbers(client_staff, card, venue, region):
    today = timezone.localdate()
    mine = UseFactory(card=card, venue=venue, used_on=today)
    UseFactory(card=card, venue=venue, used_on=today - datetime.timedelta(days=3))
    UseFactory(card=card, venue=VenueFactory(region=region), used_on=today)
    html = client_staff.get(reverse("venues:counter")).content.decode()
    assert html.count('<tr id="use-') == 1
    assert f'id="use-{mine.pk}"' in html
    assert mask_number(card.number) in html
    assert card.number not in html


def test_cancel_needs_a_reason(client_staff, card, venue):
    use = UseFactory(card=card, venue=venue)
    response = client_staff.post(reverse("venues:cancel", args=[use.pk]), {f"cancel-{use.pk}-reason": " "})
    use.refresh_from_db()
    assert response.status_code == 400
    assert "A reason is required." in response.content.decode()
    assert use.cancelled_at is None


def test_cancel_with_a_reason(client_staff, card, venue, staff):
    use = UseFactory(card=card, venue=venue)
    response = client_staff.post(reverse("venues:cancel", args=[use.pk]),
                                 {f"cancel-{use.pk}-reason": "Väärä kortti"})
    use.refresh_from_db()
    assert response.status_code == 302
    assert (use.cancel_reason, use.cancelled_by) == ("Väärä kortti", staff)
    assert "Cancelled the use of" in client_staff.get(reverse("venues:counter")).content.decode()


def test_cancel_outside_the_window_is_refused(client_staff, card, venue):
    use = UseFactory(card=card, venue=venue, used_on=timezone.localdate() - datetime.timedelta(days=20))
    client_staff.post(reverse("venues:cancel", args=[use.pk]), {f"cancel-{use.pk}-reason": "Myöhään"})
    use.refresh_from_db()
    assert use.cancelled_at is None
    assert str(MESSAGES["cancel_window_passed"]) in client_staff.get(reverse("venues:counter")).content.decode()


def test_cancel_another_venues_use_is_not_found(client_staff, card, region):
    use = UseFactory(card=card, venue=VenueFactory(region=region))
    response = client_staff.post(reverse("venues:cancel", args=[use.pk]), {f"cancel-{use.pk}-reason": "x"})
    use.refresh_from_db()
    assert response.status_code == 404
    assert use.cancelled_at is None


def test_late_entry_logs_the_real_date(client_staff, card):
    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client_staff.post(reverse("venues:late_entry"), {
        "late-number": card.number, "late-used_on": day.isoformat(), "late-children": "1", "late-kind": "ticket",
        "late-idempotency_key": "p1",
    })
    use = Use.objects.get()
    assert response.status_code == 302
    assert (use.used_on, use.channel, use.children) == (day, "late", 1)


@pytest.mark.parametrize(("days_ago", "code"), [(-1, "used_on_in_future"), (31, "late_entry_window_passed")])
def test_late_entry_refuses_dates_outside_the_window(client_staff, card, days_ago, code):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    response = client_staff.post(reverse("venues:late_entry"),
                                 {"late-number": card.number, "late-used_on": day.isoformat()})
    html = response.content.decode()
    assert response.status_code == 400
    assert str(MESSAGES[code]) in html
    assert 'id="id_late-used_on_errors"' in html
    assert Use.objects.count() == 0


# --- offers ----------------------------------------------------------------------------------------


def test_offers_page_lists_used_and_remaining(client_staff, venue, region):
    offer = OfferFactory(venue=venue, title="Teatteri-ilta", quota=10)
    Offer.objects.filter(pk=offer.pk).update(used_count=4)
    OfferFactory(venue=VenueFactory(region=region), title="Toisen kohteen")
    html = client_staff.get(reverse("venues:offers")).content.decode()
    assert "Teatteri-ilta" in html
    assert "<td>10</td>\n      <td>4</td>\n      <td>6</td>" in html
    assert "Toisen kohteen" not in html


def test_create_offer(client_staff, venue):
    response = client_staff.post(reverse("venues:offer_create"), {
        "title": "Syysnäyttely", "kind": "event", "starts_on": "2025-09-01", "ends_on": "2025-12-31", "quota": "20",
    })
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert (offer.venue, offer.title, offer.kind, offer.quota, offer.used_count) == (venue, "Syysnäyttely", "event",
                                                                                     20, 0)


def test_create_offer_refuses_reversed_dates_next_to_the_field(client_staff):
    response = client_staff.post(reverse("venues:offer_create"), {
        "title": "Väärin päin", "kind": "event", "starts_on": "2025-09-01", "ends_on": "2025-08-01",
    })
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_ends_on_errors"><li>{MESSAGES["offer_dates_invalid"]}</li></ul>' in html
    assert Offer.objects.count() == 0


def test_create_course_offer_only_where_courses_are_offered(client_staff):
    response = client_staff.post(reverse("venues:offer_create"), {
        "title": "Kurssi", "kind": "course", "starts_on": "2025-09-01", "ends_on": "2025-12-01",
    })
    assert response.status_code == 400
    assert Offer.objects.count() == 0


def test_edit_offer_cannot_lower_the_quota_below_used_places(client_staff, venue):
    offer = OfferFactory(venue=venue, title="Konsertti", quota=10)
    Offer.objects.filter(pk=offer.pk).update(used_count=6)
    response = client_staff.post(reverse("venues:offer_edit", args=[offer.pk]), {
        "title": "Konsertti", "kind": "performance", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "quota": "5",
    })
    offer.refresh_from_db()
    assert response.status_code == 400
    assert str(MESSAGES["offer_quota_below_used"]) in response.content.decode()
    assert offer.quota == 10


def test_edit_another_venues_offer_is_not_found(client_staff, region):
    offer = OfferFactory(venue=VenueFactory(region=region), title="Vieras")
    response = client_staff.post(reverse("venues:offer_edit", args=[offer.pk]), {
        "title": "Kaapattu", "kind": "event", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
    })
    offer.refresh_from_db()
    assert response.status_code == 404
    assert offer.title == "Vieras"


# --- venue uses ------------------------------------------------------------------------------------


@pytest.fixture
def history(card, venue, region):
    """Uses over three months at this venue, one cancelled, one at another venue."""
    offer = OfferFactory(venue=venue, title="Kevätnäyttely")
    rows = [
        UseFactory(card=card, venue=venue, used_on=datetime.date(2025, 3, 5), children=2),
        UseFactory(card=card, venue=venue, used_on=datetime.date(2025, 3, 20), offer=offer),
        UseFactory(card=card, venue=venue, used_on=datetime.date(2025, 4, 1)),
        UseFactory(card=card, venue=venue, used_on=datetime.date(2025, 4, 2), cancelled_at=timezone.now(),
                   cancel_reason="Väärä kortti"),
        UseFactory(card=CommunityCardFactory(office__region=region, region=region), venue=venue,
                   used_on=datetime.date(2025, 5, 9), group_size=3, children=1),
        UseFactory(card=card, venue=VenueFactory(region=region), used_on=datetime.date(2025, 4, 3)),
    ]
    return offer, rows


def test_uses_page_lists_masked_uses_and_monthly_totals(client_staff, history, card, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client_staff.get(reverse("venues:uses"))
    html = response.content.decode()
    page = response.context["page"]
    assert response.status_code == 200
    assert page.paginator.count == 5
    assert [u.used_on.isoformat() for u in page.object_list] == [
        "2025-05-09", "2025-04-02", "2025-04-01", "2025-03-20", "2025-03-05"]
    assert card.number not in html
    assert mask_number(card.number) in html
    totals = [(t.month.isoformat(), t.uses, t.tickets, t.course_places, t.children, t.community, t.people)
              for t in response.context["totals"]]
    assert totals == [("2025-05-01", 1, 1, 0, 1, 1, 2), ("2025-04-01", 1, 1, 0, 0, 0, 1),
                      ("2025-03-01", 2, 2, 0, 2, 0, 4)]


def test_uses_page_filters(client_staff, history):
    offer, _rows = history
    response = client_staff.get(reverse("venues:uses"), {"date_from": "2025-03-10", "date_to": "2025-04-30"})
    assert [u.used_on.isoformat() for u in response.context["page"].object_list] == [
        "2025-04-02", "2025-04-01", "2025-03-20"]
    response = client_staff.get(reverse("venues:uses"), {"offer": str(offer.pk)})
    assert [u.used_on.isoformat() for u in response.context["page"].object_list] == ["2025-03-20"]
    response = client_staff.get(reverse("venues:uses"), {"kind": "course"})
    assert response.context["page"].paginator.count == 0


def test_uses_page_is_paginated_with_a_bounded_number_of_queries(client_staff, card, venue,
                                                                 django_assert_max_num_queries):
    UseFactory.create_batch(60, card=card, venue=venue, used_on=datetime.date(2025, 6, 1))
    with django_assert_max_num_queries(12):
        first = client_staff.get(reverse("venues:uses"))
    second = client_staff.get(reverse("venues:uses"), {"page": "2"})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 10
    assert 'rel="next"' in first.content.decode()


def test_csv_export_is_streamed_for_excel_with_masked_numbers(client_staff, history, card):
    response = client_staff.get(reverse("venues:uses_export"), {"date_from": "2025-04-01"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kaikukortti-uses-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffused_on;card;card_kind;kind;children;group_size;offer;channel;logged_at;")
    lines = body.strip("\ufeff").splitlines()
    assert len(lines) == 4
    assert lines[2].startswith(f"2025-04-02;{mask_number(card.number)};personal;ticket;0;;;counter;")
    assert lines[2].endswith(";Väärä kortti")
    assert card.number not in body


def test_mask_number():
    assert mask_number("ABCDEFGHJ") == "ABC-•••-GHJ"
    assert mask_number("abc-def-ghj") == "ABC-•••-GHJ"


# --- the counter's query budget (DESIGN §9: a check and a log in a few statements) ------------------


def test_a_check_and_a_log_take_a_fixed_small_number_of_statements(client_staff, card, venue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Card.objects.filter(pk=card.pk).update(first_used_on=timezone.localdate() - datetime.timedelta(days=3))
    assert client_staff.get(reverse("venues:counter")).status_code == 200  # warms the session and the settings
    with CaptureQueriesContext(connection) as check:
        assert client_staff.post(reverse("venues:check"), {"number": card.number}, **JSON).status_code == 200
    with CaptureQueriesContext(connection) as log:
        assert _log(client_staff, card.number, key="budget").status_code == 201

    def tables(captured):
        return [re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', q["sql"]).group(1) if re.search(
            r'(?:FROM|INTO|UPDATE) "(\w+)"', q["sql"]) else q["sql"].split()[0] for q in captured.captured_queries]

    # user, memberships (one UNION), venue, card, the check record, the card's uses here today (issue 11: the repeat
    # warning), today's offers
    assert tables(check) == ["auth_user", "regions_regionmembership", "venues_venue", "cards_card", "cards_cardcheck",
                             "cards_use", "venues_offer"]
    # user, memberships, venue, card, then in its own transaction the card's uses here today (is it a repeat?) and
    # the use (no idempotency lookup for a new key; the card's first use is already known), and today's figures
    # (issue 17: one INSERT … ON CONFLICT into the daily counts)
    assert [t for t in tables(log) if not t.startswith(("SAVEPOINT", "RELEASE"))] == [
        "auth_user", "regions_regionmembership", "venues_venue", "cards_card", "cards_use", "cards_use",
        "cards_dailycount"]


# --- issue 11: today's offer chosen once, a course place first at a venue for courses, a typo is not a refusal


def test_the_chosen_offer_stays_for_the_session_and_logging_counts_against_it(client_staff, card, venue):
    offer = OfferFactory(venue=venue, title="Näyttely", quota=40)
    page = client_staff.get(reverse("venues:counter")).content.decode()
    assert "Choose today&#x27;s offer first" in page or "Choose today's offer first" in page
    assert client_staff.post(reverse("venues:select_offer"), {"offer": str(offer.pk)}).status_code == 302
    page = client_staff.get(reverse("venues:counter")).content.decode()
    assert f'<option value="{offer.pk}" data-kind="{offer.kind}" selected>' in page
    assert '<span id="offer-places" data-places-left="40">40 places left</span>' in page
    checked = client_staff.post(reverse("venues:check"), {"number": card.number}, **JSON).json()
    assert checked["log_defaults"] == {"offer": offer.pk, "kind": "ticket"}
    logged = _log(client_staff, card.number, offer=str(offer.pk), key="a").json()
    assert (logged["offer"], logged["places_left"]) == (offer.pk, 39)
    assert logged["message"].endswith(" 39 places left.")
    offer.refresh_from_db()
    assert offer.used_count == 1
    # Without JavaScript the log form starts with the chosen offer selected.
    html = client_staff.post(reverse("venues:check"), {"number": card.number}).content.decode()
    assert f'<option value="{offer.pk}" selected data-kind="{offer.kind}">' in html.split('id="log-form"')[1]


def test_no_specific_offer_is_a_choice_and_another_venues_offer_is_not(client_staff, card, venue, region):
    OfferFactory(venue=venue, quota=40)
    other = OfferFactory(venue=VenueFactory(region=region), quota=5)
    client_staff.post(reverse("venues:select_offer"), {"offer": str(other.pk)})
    assert "counter_offer" not in client_staff.session
    client_staff.post(reverse("venues:select_offer"), {"offer": ""})
    assert client_staff.session["counter_offer"]["offer"] == 0
    checked = client_staff.post(reverse("venues:check"), {"number": card.number}, **JSON).json()
    assert checked["log_defaults"] == {"offer": None, "kind": "ticket"}
    assert "Choose today" not in client_staff.get(reverse("venues:counter")).content.decode()


def test_a_venue_for_courses_logs_a_course_place_first_and_shows_no_children(client, course_venue, card):
    client.force_login(VenueMembershipFactory(venue=course_venue).user)
    checked = client.post(reverse("venues:check"), {"number": card.number}, **JSON).json()
    assert checked["course_default"] is True
    assert checked["log_defaults"] == {"offer": None, "kind": "course"}
    html = client.post(reverse("venues:check"), {"number": card.number}).content.decode()
    assert "Children allowed" not in html.split('id="result-status"')[1].split("</section>")[0]
    assert ">Log course place</button>" in html
    assert 'value="course" required id="log_kind_1" checked' in html or (
        'value="course"' in html and "checked" in html.split('value="course"')[1].split(">")[0])


def test_a_mistyped_number_is_check_the_number_not_a_refusal_and_no_card_is_checked(client_staff, card):
    mistyped = card.number[:-1] + ("2" if card.number[-1] != "2" else "3")
    data = client_staff.post(reverse("venues:check"), {"number": mistyped}, **JSON).json()
    assert (data["valid"], data["code"], data["mistyped"]) == (False, "card_number_invalid", True)
    assert data["advice"] == str(views.ADVICE["card_number_invalid"])
    assert data["log"] is None
    html = client_staff.post(reverse("venues:check"), {"number": mistyped}).content.decode()
    assert "is-mistyped" in html
    assert "is-refused" not in html
    assert "Check the number</span>" in html
    assert CardCheck.objects.filter(card__isnull=False).count() == 0
    assert list(CardCheck.objects.values_list("result", flat=True)) == ["card_number_invalid"] * 2
    assert Use.objects.count() == 0


def test_every_refusal_of_a_check_tells_the_staff_what_to_say(client_staff):
    from cards.services import LOOKUP_FAILURES

    assert set(LOOKUP_FAILURES) | {"quota_exhausted", "throttled"} <= set(views.ADVICE)
    data = client_staff.post(reverse("venues:check"), {"number": "TAMPERE99" + "X"}, **JSON).json()
    assert data["advice"] == str(views.ADVICE[data["code"]]) != ""
