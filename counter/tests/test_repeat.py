"""Issue 11, the repeat warning at the counter: the check says when the card was logged here today and what, and
logging it again takes one explicit confirmation ("Log again"), with and without JavaScript, at the counter and in
the late entry of paper logs."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from cards import numbers
from cards.models import Use
from cards.services import use_log
from cards.tests.factories import CardFactory, CommunityCardFactory
from core.errors import MESSAGES
from regions.tests.factories import RegionFactory, UserFactory
from venues.models import Category, Offer
from venues.tests.factories import OfferFactory, VenueFactory, VenueMembershipFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def region():
    return RegionFactory(name="Tampere")


@pytest.fixture
def venue(region):
    return VenueFactory(name="Vapriikki", category=Category.MUSEUM, region=region)


@pytest.fixture
def staff(venue):
    return VenueMembershipFactory(venue=venue, user=UserFactory(username="kohde-vapriikki")).user


@pytest.fixture
def client_staff(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def card(region):
    payload = "TAMPERE2"
    return CardFactory(number=payload + numbers.check_character(payload), office__region=region, region=region,
                       children=2)


def _log(client, number, *, key="k-1", accept_json=True, **fields):
    data = {"number": number, "idempotency_key": key, "children": "0", "kind": "ticket", **fields}
    return client.post(reverse("venues:log"), data, **(JSON if accept_json else {}))


def _time(use: Use) -> str:
    return formats.time_format(timezone.localtime(use.logged_at), "H:i")


def _earlier_use(staff, venue, card, **kwargs) -> Use:
    return use_log(user=staff, venue=venue, number=card.number, idempotency_key="earlier", **kwargs)


# --- the check says so --------------------------------------------------------------------------------


def test_the_check_lists_the_cards_uses_here_today_with_time_kind_offer_and_children(client_staff, staff, venue,
                                                                                     card):
    offer = OfferFactory(venue=venue, title="Näyttely", quota=None)
    first = _earlier_use(staff, venue, card, children=2, offer=offer)

    data = client_staff.post(reverse("venues:check"), {"number": card.number}, **JSON).json()

    assert data["valid"] is True
    assert data["repeat"] == [{"time": _time(first), "text": "ticket, Näyttely, 2 children"}]
    html = client_staff.post(reverse("venues:check"), {"number": card.number}).content.decode()
    panel = html.split('id="result-status"')[1].split('id="result-actions"')[0]
    assert "Already logged here today:" in panel
    assert f"<li><strong>{_time(first)}</strong> ticket, Näyttely, 2 children</li>" in panel


def test_the_check_of_a_card_not_used_here_today_says_nothing_of_it(client_staff, staff, venue, card, region):
    elsewhere = VenueFactory(region=region)
    use_log(user=VenueMembershipFactory(venue=elsewhere).user, venue=elsewhere, number=card.number)
    use_log(user=staff, venue=venue, number=card.number, used_on=timezone.localdate() - datetime.timedelta(days=1))
    cancelled = _earlier_use(staff, venue, card, repeat_confirmed=True)
    Use.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now(), cancel_reason="Väärä kortti")

    data = client_staff.post(reverse("venues:check"), {"number": card.number}, **JSON).json()

    assert data["repeat"] == []
    html = client_staff.post(reverse("venues:check"), {"number": card.number}).content.decode()
    assert "Already logged here today" not in html.split('id="result-status"')[1].split("</section>")[0]


def test_a_refused_card_lists_no_uses(client_staff, staff, venue, card):
    _earlier_use(staff, venue, card)
    card.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    card.save()
    data = client_staff.post(reverse("venues:check"), {"number": card.number}, **JSON).json()
    assert (data["valid"], data["code"], data["repeat"]) == (False, "card_expired", [])


# --- logging again takes one confirmation ----------------------------------------------------------------


def test_logging_again_is_refused_until_confirmed(client_staff, staff, venue, card):
    first = _earlier_use(staff, venue, card, children=1)

    refused = _log(client_staff, card.number, key="second")

    assert refused.status_code == 409
    assert refused.json() == {
        "ok": False, "code": "repeat_use", "message": str(MESSAGES["repeat_use"]), "field": "",
        "repeat": [{"time": _time(first), "text": "ticket, 1 child"}],
    }
    assert list(Use.objects.values_list("pk", flat=True)) == [first.pk]

    confirmed = _log(client_staff, card.number, key="second", confirm_repeat="1")

    assert confirmed.status_code == 201
    second = Use.objects.get(pk=confirmed.json()["use"])
    assert (second.card, second.venue, second.children) == (card, venue, 0)
    assert Use.objects.count() == 2


def test_the_same_submission_again_is_a_replay_not_a_repeat(client_staff, card):
    first = _log(client_staff, card.number, key="same")
    again = _log(client_staff, card.number, key="same")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["use"] == again.json()["use"]
    assert Use.objects.count() == 1


def test_without_javascript_the_page_shows_the_warning_and_focuses_log_again(client_staff, staff, venue, card):
    first = _earlier_use(staff, venue, card)

    response = _log(client_staff, card.number, key="second", accept_json=False)

    html = response.content.decode()
    assert response.status_code == 409
    form = html.split('id="log-form"')[1].split("</form>")[0]
    assert str(MESSAGES["repeat_use"]) in form.split('class="log-error"')[1].split("</div>")[0]
    confirm = form.split('class="repeat-confirm"')[1].split("</div>")[0]
    assert f"<li><strong>{_time(first)}</strong> ticket, 0 children</li>" in confirm
    assert '<button type="submit" name="confirm_repeat" value="1" class="repeat-button" autofocus>Log again</button>' \
        in confirm
    assert html.count(" autofocus") == 1  # the log button gives the focus up to "Log again"
    # "Log again" comes after the log button: Enter in a field never confirms.
    assert form.index('class="log-button"') < form.index('class="repeat-button"')
    assert 'name="idempotency_key" value="second"' in form
    assert Use.objects.count() == 1

    confirmed = _log(client_staff, card.number, key="second", accept_json=False, confirm_repeat="1")

    assert (confirmed.status_code, confirmed["Location"]) == (302, reverse("venues:counter"))
    assert Use.objects.count() == 2


def test_a_community_card_repeat_focuses_log_again_not_the_group(client_staff, staff, venue, region):
    community = CommunityCardFactory(office__region=region, region=region)
    _earlier_use(staff, venue, community, group_size=2)

    response = _log(client_staff, community.number, key="second", accept_json=False, group_size="2",
                    community="1")

    html = response.content.decode()
    assert response.status_code == 409
    assert re.findall(r"<[^>]* autofocus[^>]*>", html) == [
        '<button type="submit" name="confirm_repeat" value="1" class="repeat-button" autofocus>']
    assert Use.objects.count() == 1


def test_the_page_carries_the_empty_warning_for_the_script(client_staff):
    html = client_staff.get(reverse("venues:counter")).content.decode()
    result_template = html.split('<template id="tpl-result">')[1].split("</template>")[0]
    assert '<div class="repeat-note">' in result_template
    for kind in ("personal", "community"):
        log_template = html.split(f'<template id="tpl-log-{kind}">')[1].split("</template>")[0]
        assert '<div class="repeat-confirm" hidden>' in log_template
        assert 'name="confirm_repeat" value="1" class="repeat-button">Log again</button>' in log_template


def test_a_full_quota_is_answered_before_the_repeat(client_staff, staff, venue, card):
    offer = OfferFactory(venue=venue, quota=1)
    _earlier_use(staff, venue, card, offer=offer)
    refused = _log(client_staff, card.number, key="second", offer=str(offer.pk))
    assert (refused.status_code, refused.json()["code"]) == (409, "quota_exhausted")
    assert Offer.objects.get(pk=offer.pk).used_count == 1


# --- late entry: the day of the visit -----------------------------------------------------------------------


def _late(client, card, day, **fields):
    data = {"late-number": card.number, "late-used_on": day.isoformat(), "late-kind": "ticket",
            "late-children": "0", "late-idempotency_key": "paper-1", **fields}
    return client.post(reverse("venues:late_entry"), data)


def test_a_late_entry_for_a_day_with_a_use_here_needs_the_confirmation(client_staff, staff, venue, card):
    visit = timezone.localdate() - datetime.timedelta(days=2)
    on_the_day = _earlier_use(staff, venue, card, used_on=visit)

    refused = _late(client_staff, card, visit)

    html = refused.content.decode()
    assert refused.status_code == 400
    late = html.split('id="late-entry"')[1].split("</details>")[0]
    assert " open" in html.split('id="late-entry"')[1][:10]
    assert str(MESSAGES["repeat_use"]) in late
    confirm = late.split('class="repeat-confirm"')[1].split("</div>")[0]
    when = formats.date_format(timezone.localtime(on_the_day.logged_at), "SHORT_DATETIME_FORMAT")
    assert f"<li><strong>{when}</strong> ticket, 0 children</li>" in confirm
    assert 'name="late-confirm_repeat" value="1" class="repeat-button" autofocus>Log again</button>' in confirm
    assert Use.objects.count() == 1

    # Another day is no repeat; the confirmed one is logged as a late entry of that day.
    assert _late(client_staff, card, visit - datetime.timedelta(days=1),
                 **{"late-idempotency_key": "paper-2"}).status_code == 302
    confirmed = _late(client_staff, card, visit, **{"late-confirm_repeat": "1"})
    assert confirmed.status_code == 302
    assert list(Use.objects.filter(used_on=visit).order_by("pk").values_list("channel", flat=True)) == [
        "late", "late"]
