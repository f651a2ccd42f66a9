import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from cards import numbers
from cards.models import Card, Use
from cards.services import card_check
from core.scopes import scope_for
from devdata.demo import (
    COURSE_OFFER,
    DEMO_CARDS,
    DEMO_LOGINS,
    OPISTO,
    SAVONLINNA_VENUE,
    VAPRIIKKI_OFFER,
    demo_counts,
    demo_seed,
)
from distributors.models import Office
from regions.models import Municipality, Region
from reports.models import RollupRun
from venues.models import Offer, StatGroup, Venue

pytestmark = pytest.mark.django_db

SMALL_COUNTS = {
    "regions": 7,
    "municipalities in the network": 14,
    "organisations": 18,
    "offices": 40,
    "venues": 57,
    "pop-up venues": 6,
    "offers": 2,
    "logins": 8,
    "memberships": 8,
    "personal cards": 5,
    "community cards": 1,
    "card events": 7,
    "uses": 6,
    "cancelled uses": 0,
    "course places": 1,
    "community-card uses": 1,
    "cross-region uses": 0,
    "pop-up uses": 1,
    "child tickets": 4,
}


@pytest.fixture
def small_demo():
    call_command("seed_demo", "--small", stdout=StringIO())


def _venue(name: str) -> Venue:
    return Venue.objects.get(name=name)


def test_small_demo_twice_gives_the_same_counts():
    out = StringIO()
    call_command("seed_demo", "--small", stdout=out)
    first = demo_counts()

    call_command("seed_demo", "--small", stdout=out)

    assert first == SMALL_COUNTS
    assert demo_counts() == SMALL_COUNTS
    assert "created now: nothing new" in out.getvalue()
    assert "TAM-PER-E2E" in out.getvalue()


def test_demo_card_numbers_have_valid_check_characters():
    assert len(set(DEMO_CARDS.values())) == len(DEMO_CARDS)
    for number in DEMO_CARDS.values():
        assert numbers.is_valid(number), number
        assert numbers.check_character(number[:-1]) == number[-1]


def _expected_scope(login):
    if login.role == "coordinator":
        return {"national": True, "regions": set(), "offices": set(), "venues": set()}
    if login.role == "contact":
        return {"national": False, "regions": {Region.objects.get(name=login.unit).pk}, "offices": set(),
                "venues": set()}
    if login.role == "office":
        organisation, name = login.unit
        office = Office.objects.get(organisation__name=organisation, name=name)
        return {"national": False, "regions": set(), "offices": {office.pk}, "venues": set()}
    region, name = login.unit
    venue = Venue.objects.get(region__name=region, name=name) if region else Venue.objects.get(
        region=None, name=name)
    return {"national": False, "regions": set(), "offices": set(), "venues": {venue.pk}}


def test_every_demo_login_authenticates_signs_in_and_has_its_scope(small_demo, client):
    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=settings.DEMO_PASSWORD)

        assert user is not None, login.username
        assert (user.email, user.is_staff, user.is_superuser) == (login.email, login.is_staff, False), login.username
        scope = scope_for(user)
        assert {"national": scope.national, "regions": set(scope.region_ids), "offices": set(scope.office_ids),
                "venues": set(scope.venue_ids)} == _expected_scope(login), login.username
        assert authenticate(username=login.username, password="wrong-password-123") is None

        response = client.post(reverse("account_login"),
                               {"login": login.username, "password": settings.DEMO_PASSWORD})

        assert response.status_code == 302, login.username
        assert client.session["_auth_user_id"] == str(user.pk)
        client.logout()


COUNTER_CASES = [
    # (card, venue login, venue, valid, code)
    ("tampere_valid", "kohde-vapriikki", "Vapriikki", True, None),
    ("tampere_children", "kohde-opisto", OPISTO, True, None),
    ("tampere_community", "kohde-vapriikki", "Vapriikki", True, None),
    ("tampere_valid", "kohde-ateneum", "Ateneum", True, None),
    ("tampere_expired", "kohde-vapriikki", "Vapriikki", False, "card_expired"),
    ("tampere_inactive", "kohde-vapriikki", "Vapriikki", False, "card_inactive"),
    ("savonlinna_valid", "kohde-savonlinna", SAVONLINNA_VENUE, True, None),
    ("savonlinna_valid", "kohde-vapriikki", "Vapriikki", False, "card_not_valid_in_region"),
    ("savonlinna_valid", "kohde-ateneum", "Ateneum", False, "card_not_valid_in_region"),
    ("tampere_valid", "kohde-savonlinna", SAVONLINNA_VENUE, False, "card_not_valid_in_region"),
]


def test_demo_cards_answer_as_documented_at_the_counter(small_demo):
    results = []
    for card_key, username, venue_name, _valid, _code in COUNTER_CASES:
        user = get_user_model().objects.get(username=username)
        result = card_check(user=user, venue=_venue(venue_name), number=numbers.display(DEMO_CARDS[card_key]))
        results.append((card_key, username, venue_name, result.valid, result.code))

    assert results == COUNTER_CASES


def test_demo_cards_offers_and_periods_are_as_documented(small_demo):
    cards = {key: Card.objects.get(number=number) for key, number in DEMO_CARDS.items()}
    today = timezone.localdate()

    assert cards["tampere_children"].children == 2
    assert cards["tampere_community"].kind == Card.Kind.COMMUNITY
    assert cards["tampere_community"].office.name == "Hyvinvointialueen sosiaalityö, Tampere"
    assert cards["tampere_expired"].valid_until < today
    assert cards["tampere_inactive"].inactive_reason == Card.InactiveReason.LOST
    assert cards["savonlinna_valid"].region.local_only is True
    assert cards["savonlinna_valid"].valid_until == cards["savonlinna_valid"].region.active_until
    vapriikki_offer = Offer.objects.get(title=VAPRIIKKI_OFFER)
    assert (vapriikki_offer.quota, vapriikki_offer.used_count) == (40, 4)
    course = Offer.objects.get(title=COURSE_OFFER)
    assert (course.kind, course.quota, course.used_count, course.venue.offers_courses) == ("course", 6, 1, True)
    savonlinna = Region.objects.get(name="Savonlinna")
    assert savonlinna.local_only is True
    assert savonlinna.is_active_on(today)
    assert all(region.is_active_on(today) for region in Region.objects.all())
    assert Venue.objects.get(name="Ateneum").is_active_on(today)
    assert Venue.objects.get(name="Amos Rex").active_until == datetime.date(2025, 12, 31)
    assert set(Venue.objects.filter(is_popup=True).values_list("region", flat=True)) == {None}
    assert Venue.objects.get(name=OPISTO).offers_courses is True


def test_loaded_municipalities_keep_their_data_and_get_their_network():
    tampere = Municipality.objects.create(code="837", name_fi="Tampere", name_sv="Tammerfors", population=241009)

    demo_seed(small=True)

    tampere.refresh_from_db()
    assert tampere.region.name == "Tampere"
    assert tampere.population == 241009
    assert tampere.welfare_area is None  # the demo never rewrites official data it did not create
    assert set(Municipality.objects.filter(region__name="Kainuu").values_list("code", flat=True)) == {
        "105", "205", "290", "578", "620", "697", "765", "777"}
    assert Municipality.objects.get(code="091").region is None


def test_full_demo_bulk_follows_the_rules_and_is_not_repeated():
    summary = demo_seed(card_count=80, use_count=600)
    counts = demo_counts()

    again = demo_seed(card_count=80, use_count=600)

    assert (summary.bulk_cards, again.bulk_skipped) == (80, True)
    assert (summary.rollups_rebuilt, again.rollups_rebuilt) == (True, False)
    assert list(RollupRun.objects.values_list("full", "status")) == [(True, RollupRun.Status.DONE)]
    assert demo_counts() == counts
    uses = list(Use.objects.select_related("card__region", "venue__region"))
    assert len(uses) == summary.bulk_uses + 6
    for use in uses:
        card, venue = use.card, use.venue
        assert (use.card_kind, use.card_region_id, use.venue_region_id) == (card.kind, card.region_id,
                                                                           venue.region_id)
        assert use.stat_group == (StatGroup.EDUCATION if use.kind == Use.Kind.COURSE else venue.stat_group)
        assert card.issued_on <= use.used_on <= card.valid_until
        assert card.inactivated_on is None or use.used_on <= card.inactivated_on
        assert venue.is_active_on(use.used_on)
        logged_on = timezone.localdate(use.logged_at)
        assert use.used_on <= logged_on <= timezone.localdate()
        assert (logged_on > use.used_on) is (use.channel == Use.Channel.LATE)
        assert use.cancelled_at is None or use.logged_at <= use.cancelled_at <= timezone.now()
        if use.kind == Use.Kind.COURSE:
            assert (use.children, card.kind, venue.offers_courses) == (0, Card.Kind.PERSONAL, True)
        if card.kind == Card.Kind.PERSONAL:
            assert use.children <= card.children
            assert use.group_size is None
        else:
            assert 1 <= use.group_size <= 5
        if card.region.local_only or (venue.region and venue.region.local_only):
            assert venue.region_id == card.region_id
    first_used = dict(Use.objects.counted().values("card").annotate(first=Min("used_on")).values_list(
        "card", "first"))
    for card in Card.objects.all():
        assert card.first_used_on == first_used.get(card.pk)
    assert counts["cancelled uses"] > 0
    assert counts["course places"] > 0
    assert counts["community-card uses"] > 0
    assert counts["cross-region uses"] > 0
    assert counts["pop-up uses"] > 0
    assert counts["child tickets"] > 0
    oldest = Use.objects.aggregate(first=Min("used_on"))["first"]
    assert oldest >= timezone.localdate() - datetime.timedelta(days=730)


def test_readme_lists_every_demo_login_and_card():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")

    for login in DEMO_LOGINS:
        assert f"`{login.username}`" in readme
    for number in DEMO_CARDS.values():
        assert f"`{numbers.display(number)}`" in readme
