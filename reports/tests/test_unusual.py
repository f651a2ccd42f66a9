"""Issue 11: the weekly list of cards with unusually many uses, for regional contacts (their region's cards) and the
coordinator (every region, or one). Masked numbers only; counted uses of an ISO week above the national setting."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from cards import numbers
from cards.models import Use
from cards.tests.factories import CardFactory, UseFactory
from core.errors import DomainError
from kaikukanta.tests.world import build_world
from regions.models import NationalSettings
from reports.selectors import UnusualCard, unusual_uses, week_start

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _uses(card, venue, day, count):
    return [UseFactory(card=card, venue=venue, used_on=day) for _ in range(count)]


@pytest.fixture
def world():
    """Threshold 3. The world's own uses today: card A three (venues A, B and the pop-up), card B two.

    Last complete week: card A 4 uses (3 at venue A on Monday, 1 at venue B on Sunday), card B 5 at venue B, card A2
    exactly 3 (not more than the limit), card A3 4 of which one cancelled. This week: card A one more today (4)."""
    w = build_world()
    rules = NationalSettings.current()
    rules.unusual_uses_per_week = 3
    rules.save()
    w.today = timezone.localdate()
    w.this_monday = week_start(w.today)
    w.last_monday = w.this_monday - WEEK
    _uses(w.card_a, w.venue_a, w.last_monday, 3)
    _uses(w.card_a, w.venue_b, w.last_monday + 6 * DAY, 1)
    _uses(w.card_b, w.venue_b, w.last_monday + 2 * DAY, 5)
    w.card_a2 = CardFactory(office=w.office_a, home_municipality=w.muni_a)
    _uses(w.card_a2, w.venue_a, w.last_monday + DAY, 3)
    w.card_a3 = CardFactory(office=w.office_a, home_municipality=w.muni_a)
    cancelled = _uses(w.card_a3, w.venue_a, w.last_monday + DAY, 4)[0]
    Use.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now(), cancel_reason="Väärä kortti")
    _uses(w.card_a, w.venue_a, w.today, 1)
    _uses(w.card_a, w.venue_a, w.last_monday - DAY, 9)  # the Sunday before: another week
    return w


def _listed(listing) -> dict:
    return {week.start: week.cards for week in listing.weeks}


# --- the selector ------------------------------------------------------------------------------------------------


def test_a_regional_contact_sees_their_regions_cards_over_the_limit_per_week(world):
    listing = unusual_uses(user=world.contact, weeks=[world.today, world.today - WEEK])

    assert listing.threshold == 3
    assert [week.start for week in listing.weeks] == [world.this_monday, world.last_monday]
    assert [week.complete for week in listing.weeks] == [False, True]
    assert _listed(listing) == {
        world.this_monday: [UnusualCard(masked_number=numbers.mask(world.card_a.number), region="Alue A", uses=4,
                                        venues=[("Teatteri A", 2), ("Pop-up museo", 1), ("Teatteri B", 1)])],
        world.last_monday: [UnusualCard(masked_number=numbers.mask(world.card_a.number), region="Alue A", uses=4,
                                        venues=[("Teatteri A", 3), ("Teatteri B", 1)])],
    }
    assert listing.truncated is False


def test_the_coordinator_sees_every_region_or_one(world):
    every = _listed(unusual_uses(user=world.coordinator, weeks=[world.last_monday + 3 * DAY]))
    only_b = _listed(unusual_uses(user=world.coordinator, weeks=[world.last_monday], region=world.region_b))

    assert [(card.masked_number, card.uses) for card in every[world.last_monday]] == [
        (numbers.mask(world.card_b.number), 5), (numbers.mask(world.card_a.number), 4)]
    assert only_b == {world.last_monday: [UnusualCard(masked_number=numbers.mask(world.card_b.number),
                                                      region="Alue B", uses=5, venues=[("Teatteri B", 5)])]}


def test_the_limit_is_the_national_setting(world):
    rules = NationalSettings.current()
    rules.unusual_uses_per_week = 2
    rules.save()

    listing = unusual_uses(user=world.contact, weeks=[world.last_monday])

    assert [card.masked_number for card in listing.weeks[0].cards] == [
        numbers.mask(world.card_a.number), numbers.mask(world.card_a2.number), numbers.mask(world.card_a3.number)]
    assert [card.uses for card in listing.weeks[0].cards] == [4, 3, 3]  # card A3's cancelled use is not counted


@pytest.mark.parametrize("who", ["distributor", "venue_staff", "nobody"])
def test_anyone_else_is_refused(world, who):
    user = get_user_model().objects.create(username="kukaan") if who == "nobody" else getattr(world, who)
    with pytest.raises(DomainError) as excinfo:
        unusual_uses(user=user, weeks=[world.today])
    assert excinfo.value.code == "not_allowed"


def test_a_contact_cannot_ask_for_another_region(world):
    with pytest.raises(DomainError):
        unusual_uses(user=world.contact_b, weeks=[world.today], region=world.region_a)


def test_a_listing_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    for _ in range(15):
        _uses(CardFactory(office=world.office_a, home_municipality=world.muni_a), world.venue_a, world.last_monday, 4)
    NationalSettings.current()  # cached, as on every page after the first
    from core.scopes import scope_for

    scope_for(world.contact)
    with django_assert_num_queries(4):  # the cards over the limit, their venues, the regions and their municipalities
        listing = unusual_uses(user=world.contact, weeks=[world.today, world.last_monday])
    assert len(_listed(listing)[world.last_monday]) == 16


# --- the page ------------------------------------------------------------------------------------------------------


URL = reverse("reports:unusual")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["distributor", "distributor_b", "venue_staff", "venue_staff_b", "nobody"])
def test_office_and_venue_staff_and_people_without_a_role_are_refused(client, world, who):
    user = get_user_model().objects.create(username="kukaan") if who == "nobody" else getattr(world, who)
    client.force_login(user)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(("who", "seen", "unseen"), [
    ("contact", ["card_a"], ["card_b", "card_a2", "card_a3"]),
    ("contact_b", ["card_b"], ["card_a", "card_a2", "card_a3"]),
    ("coordinator", ["card_a", "card_b"], ["card_a2", "card_a3"]),
])
def test_each_role_sees_its_scope_with_masked_numbers_only(client, world, who, seen, unseen):
    client.force_login(getattr(world, who))

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    for key in seen:
        assert numbers.mask(getattr(world, key).number) in html
    for key in unseen:
        assert numbers.mask(getattr(world, key).number) not in html
    for card in (world.card_a, world.card_b, world.card_a2, world.card_a3):
        assert card.number not in html
        assert card.display_number not in html


def test_a_contact_asking_for_another_region_gets_their_own(client, world):
    """As on the dashboards: a region outside the scope is not a choice; the contact's own list is shown."""
    client.force_login(world.contact_b)

    response = client.get(URL, {"region": world.region_a.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert numbers.mask(world.card_b.number) in html
    assert numbers.mask(world.card_a.number) not in html


def test_the_coordinator_filters_by_region(client, world):
    client.force_login(world.coordinator)
    html = client.get(URL, {"region": world.region_b.pk}).content.decode()
    assert numbers.mask(world.card_b.number) in html
    assert numbers.mask(world.card_a.number) not in html


def test_the_page_shows_the_week_the_count_and_the_venues(client, world):
    client.force_login(world.contact)

    html = client.get(URL).content.decode()

    last = world.last_monday
    year, number, _day = last.isocalendar()
    heading = f"Week {number}/{year}, {last.day}.{last.month}.–{(last + 6 * DAY).day}.{(last + 6 * DAY).month}."
    assert f'<h2 id="week-{last.isoformat()}">{heading}' in html
    assert "(this week so far)" in html
    assert "Cards of your region used more than 3 times in one week" in html
    row = html.split(f'<section aria-labelledby="week-{last.isoformat()}">')[1].split("</section>")[0]
    assert f'<th scope="row" class="number">{numbers.mask(world.card_a.number)}</th>' in row
    assert '<td class="num">4</td>' in row
    assert "Teatteri A (3), Teatteri B (1)" in row
    assert 'class="table-scroll" role="region"' in row
    assert "<th scope=\"col\">Region</th>" not in html  # one region: no column for it


def test_the_week_picker_shows_one_week(client, world):
    client.force_login(world.contact)
    earlier = world.last_monday - WEEK
    year, number, _day = earlier.isocalendar()

    html = client.get(URL, {"week": f"{year}-W{number:02d}"}).content.decode()

    assert html.count('<section aria-labelledby="week-') == 1
    assert f'<section aria-labelledby="week-{earlier.isoformat()}">' in html
    assert numbers.mask(world.card_a.number) in html  # the nine uses on that week's Sunday
    later_year, later_number, _day = world.last_monday.isocalendar()
    assert f'href="?week={later_year}-W{later_number:02d}" rel="next"' in html
    # Any day of a week will do (browsers without a week picker).
    html = client.get(URL, {"week": (earlier + 2 * DAY).isoformat()}).content.decode()
    assert f'<section aria-labelledby="week-{earlier.isoformat()}">' in html


@pytest.mark.parametrize(("week", "message"), [
    ("2026-W99", "Give a week as 2026-W47, or a day as 2026-11-19."),
    ("viikko", "Give a week as 2026-W47, or a day as 2026-11-19."),
    ("next", "Give a week as 2026-W47, or a day as 2026-11-19."),
    ("future", "The week has not started yet."),
])
def test_a_bad_week_is_said_and_the_default_weeks_shown(client, world, week, message):
    if week == "future":
        year, number, _day = (world.this_monday + WEEK).isocalendar()
        week = f"{year}-W{number:02d}"
    client.force_login(world.contact)

    response = client.get(URL, {"week": week})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html
    assert html.count('<section aria-labelledby="week-') == 2


def test_the_regional_and_national_dashboards_link_to_the_list(client, world):
    client.force_login(world.contact)
    assert f'href="{URL}"' in client.get(reverse("reports:regional")).content.decode()
    client.force_login(world.coordinator)
    assert f'href="{URL}"' in client.get(reverse("reports:national")).content.decode()


def test_the_page_takes_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for _ in range(20):
        _uses(CardFactory(office=world.office_a, home_municipality=world.muni_a), world.venue_a, world.last_monday, 4)
    client.force_login(world.coordinator)
    client.get(URL)  # warms the national settings and the session

    with django_assert_max_num_queries(8):
        response = client.get(URL)

    # Last week: the 20 cards, card A and card B; this week: card A.
    assert response.content.decode().count('<th scope="row" class="number">') == 20 + 2 + 1
