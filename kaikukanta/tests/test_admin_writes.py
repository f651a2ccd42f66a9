"""What each role may write through the admin, and that refusals write nothing."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cards.models import Card, CardEvent, Use
from cards.tests.factories import CardFactory, UseFactory
from distributors.models import Office, OfficeMembership
from kaikukanta.tests.world import build_world, user_of
from regions.models import NationalSettings, RegionMembership
from venues.models import Offer, Venue, VenueMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _office_form(world, **overrides) -> dict:
    data = {
        "organisation": world.org_a.pk,
        "name": "Nuorisotyö",
        "region": world.region_a.pk,
        "municipality": world.muni_a.pk,
        "email": "",
        "active_from": "2024-01-01",
        "active_until": "",
        "_save": "Save",
    }
    return {**data, **overrides}


def _venue_form(**overrides) -> dict:
    data = {
        "name": "Uusi kohde",
        "category": "museum",
        "region": "",
        "municipality": "",
        "is_popup": "on",
        "website": "",
        "active_from": "2025-01-01",
        "active_until": "2025-12-31",
        "_save": "Save",
    }
    return {**data, **overrides}


def _message(code: str) -> str:
    from core.errors import MESSAGES  # late, like the admin: see core.admin._not_allowed_message

    return str(MESSAGES[code])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- offices: the region's contacts manage them ---------------------------------------------------


def test_contact_adds_an_office_in_their_region(client, world):
    client.force_login(world.contact)

    response = client.post(reverse("admin:distributors_office_add"), _office_form(world))

    assert response.status_code == 302
    office = Office.objects.get(name="Nuorisotyö")
    assert (office.region, office.organisation, office.municipality) == (world.region_a, world.org_a, world.muni_a)


def test_contact_is_offered_only_their_regions_choices(client, world):
    client.force_login(world.contact)

    response = client.get(reverse("admin:distributors_office_add"))

    form = response.context["adminform"].form
    assert list(form.fields["region"].queryset) == [world.region_a]
    assert list(form.fields["municipality"].queryset) == [world.muni_a]
    # Organisations are not regional: a national NGO may open an office in any region.
    assert set(form.fields["organisation"].queryset) == {world.org_a, world.org_b}


def test_contact_cannot_add_an_office_in_another_region(client, world):
    client.force_login(world.contact)
    before = Office.objects.count()

    response = client.post(reverse("admin:distributors_office_add"), _office_form(world, region=world.region_b.pk))

    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert Office.objects.count() == before


def test_contact_changes_their_office_but_not_another_regions(client, world):
    client.force_login(world.contact)

    own = client.post(reverse("admin:distributors_office_change", args=[world.office_a.pk]),
                      _office_form(world, name="Sosiaalityö A2"))
    other = client.post(reverse("admin:distributors_office_change", args=[world.office_b.pk]),
                        _office_form(world, name="Kaapattu", organisation=world.org_b.pk))

    assert own.status_code == 302
    world.office_a.refresh_from_db()
    assert world.office_a.name == "Sosiaalityö A2"
    assert other.status_code == 302
    assert other["Location"] == reverse("admin:index")
    world.office_b.refresh_from_db()
    assert (world.office_b.name, world.office_b.region) == ("Sosiaalityö B", world.region_b)


def test_coordinator_reads_offices_but_does_not_change_them(client, world):
    client.force_login(world.coordinator)

    page = client.get(reverse("admin:distributors_office_change", args=[world.office_a.pk]))
    post = client.post(reverse("admin:distributors_office_change", args=[world.office_a.pk]),
                       _office_form(world, name="Muutettu"))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert post.status_code == 403
    world.office_a.refresh_from_db()
    assert world.office_a.name == "Sosiaalityö A"


def test_distributor_staff_see_their_office_read_only(client, world):
    client.force_login(world.distributor)

    add = client.get(reverse("admin:distributors_office_add"))
    post = client.post(reverse("admin:distributors_office_change", args=[world.office_a.pk]),
                       _office_form(world, name="Muutettu"))

    assert add.status_code == 403
    assert post.status_code == 403
    world.office_a.refresh_from_db()
    assert world.office_a.name == "Sosiaalityö A"


# --- venues: regional ones by the contacts, pop-up venues by the coordinator -------------------------


def test_coordinator_adds_a_popup_venue(client, world):
    client.force_login(world.coordinator)

    response = client.post(reverse("admin:venues_venue_add"), _venue_form())

    assert response.status_code == 302
    venue = Venue.objects.get(name="Uusi kohde")
    assert (venue.is_popup, venue.region, venue.active_until) == (True, None, datetime.date(2025, 12, 31))


def test_coordinator_cannot_add_a_regional_venue(client, world):
    client.force_login(world.coordinator)

    response = client.post(
        reverse("admin:venues_venue_add"), _venue_form(is_popup="", region=world.region_a.pk, active_until="")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [_message("not_allowed")]
    assert not Venue.objects.filter(name="Uusi kohde").exists()


def test_coordinator_changes_a_popup_venue_but_not_a_regional_one(client, world):
    client.force_login(world.coordinator)

    popup = client.get(reverse("admin:venues_venue_change", args=[world.venue_p.pk]))
    regional = client.get(reverse("admin:venues_venue_change", args=[world.venue_a.pk]))

    assert popup.context["has_change_permission"] is True
    assert regional.context["has_change_permission"] is False


def test_contact_cannot_turn_their_venue_into_a_popup(client, world):
    """A pop-up venue has no region, so it would leave the contact's hands: refused."""
    client.force_login(world.contact)

    response = client.post(
        reverse("admin:venues_venue_change", args=[world.venue_a.pk]),
        _venue_form(name="Teatteri A", category="theatre"),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [_message("not_allowed")]
    world.venue_a.refresh_from_db()
    assert (world.venue_a.is_popup, world.venue_a.region) == (False, world.region_a)


# --- memberships: access grants, given by username and ended, never deleted ---------------------------


def test_contact_grants_venue_access_by_exact_username(client, world):
    client.force_login(world.contact)

    response = client.post(reverse("admin:venues_venuemembership_add"), {
        "user": "jakaja-b", "venue": world.venue_a.pk, "started_on": "2025-01-01", "ended_on": "", "_save": "Save",
    })

    assert response.status_code == 302
    assert VenueMembership.objects.filter(user=world.distributor_b, venue=world.venue_a).exists()


def test_granting_access_to_an_unknown_username_or_another_regions_venue_is_refused(client, world):
    client.force_login(world.contact)
    before = VenueMembership.objects.count()

    unknown = client.post(reverse("admin:venues_venuemembership_add"), {
        "user": "ei-ole", "venue": world.venue_a.pk, "started_on": "2025-01-01", "_save": "Save",
    })
    elsewhere = client.post(reverse("admin:venues_venuemembership_add"), {
        "user": "jakaja-b", "venue": world.venue_b.pk, "started_on": "2025-01-01", "_save": "Save",
    })

    assert unknown.context["adminform"].form.errors["user"] == ["No active account has this username."]
    assert "venue" in elsewhere.context["adminform"].form.errors
    assert VenueMembership.objects.count() == before


def test_contact_ends_a_grant_of_their_region(client, world):
    client.force_login(world.contact)

    response = client.post(reverse("admin:distributors_officemembership_change", args=[world.om_a.pk]), {
        "started_on": "2015-01-01", "ended_on": "2025-06-30", "_save": "Save",
    })

    assert response.status_code == 302
    world.om_a.refresh_from_db()
    assert (world.om_a.user, world.om_a.office, world.om_a.ended_on) == (
        world.distributor, world.office_a, datetime.date(2025, 6, 30)
    )


@pytest.mark.parametrize(("role", "url_name", "attr"), [
    ("contact", "admin:distributors_officemembership_delete", "om_a"),
    ("contact", "admin:venues_venuemembership_delete", "vm_a"),
    ("contact", "admin:distributors_office_delete", "office_a"),
    ("coordinator", "admin:cards_card_delete", "card_a"),
    ("coordinator", "admin:cards_use_delete", "use_aa"),
    ("coordinator", "admin:regions_region_delete", "region_a"),
    ("distributor", "admin:cards_card_delete", "card_a"),
])
def test_nobody_deletes_in_the_admin(client, world, role, url_name, attr):
    client.force_login(getattr(world, {"contact": "contact", "coordinator": "coordinator",
                                       "distributor": "distributor"}[role]))
    obj = getattr(world, attr)

    response = client.post(reverse(url_name, args=[obj.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_membership_counts_stay_put_after_refusals(client, world):
    """A regional contact of B cannot end A's grants: the object is not even found."""
    client.force_login(world.contact_b)

    response = client.post(reverse("admin:distributors_officemembership_change", args=[world.om_a.pk]), {
        "started_on": "2015-01-01", "ended_on": "2025-06-30", "_save": "Save",
    })

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert OfficeMembership.objects.get(pk=world.om_a.pk).ended_on is None


# --- regions and national settings: the coordinator's --------------------------------------------------


def test_coordinator_edits_national_settings_and_nobody_else_sees_them(client, world):
    url = reverse("admin:regions_nationalsettings_change", args=[world.national_settings.pk])
    data = {"child_age_limit": 18, "holder_min_age": 16, "group_min": 2, "group_max": 6,
            "default_validity_days": 365, "cancel_window_days": 14, "late_entry_days": 30, "retention_days": 730,
            "unusual_uses_per_week": 5, "_save": "Save"}
    client.force_login(world.contact)
    refused = client.post(url, data)
    client.force_login(world.coordinator)
    accepted = client.post(url, data)

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert NationalSettings.current().group_max == 6
    assert client.get(reverse("admin:regions_nationalsettings_add")).status_code == 403  # a singleton


def test_contact_sees_their_region_read_only(client, world):
    client.force_login(world.contact)

    page = client.get(reverse("admin:regions_region_change", args=[world.region_a.pk]))
    add = client.get(reverse("admin:regions_region_add"))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert add.status_code == 403


# --- cards: read-only, searched by one exact number, inactivated through the service ------------------


def _action(client, action: str, *cards: Card):
    return client.post(reverse("admin:cards_card_changelist"), {
        "action": action, "_selected_action": [c.pk for c in cards], "index": 0,
    })


def test_distributor_inactivates_a_card_through_the_service(client, world):
    client.force_login(world.distributor)

    response = _action(client, "inactivate_lost", world.card_a)

    assert response.status_code == 302
    world.card_a.refresh_from_db()
    assert (world.card_a.status, world.card_a.inactive_reason) == (Card.Status.INACTIVE, Card.InactiveReason.LOST)
    assert world.card_a.inactivated_on == timezone.localdate()
    event = CardEvent.objects.get(card=world.card_a)
    assert (event.kind, event.by, event.office) == (CardEvent.Kind.INACTIVATED, world.distributor, world.office_a)
    assert _messages(response) == ["1 card inactivated."]


def test_a_refused_inactivation_is_a_translated_message_and_changes_nothing(client, world):
    inactive = CardFactory(office=world.office_a, home_municipality=world.muni_a, status=Card.Status.INACTIVE,
                           inactive_reason=Card.InactiveReason.RETURNED, inactivated_on=datetime.date(2025, 1, 2))
    client.force_login(world.distributor)

    response = _action(client, "inactivate_lost", inactive)

    inactive.refresh_from_db()
    assert (inactive.inactive_reason, inactive.inactivated_on) == (Card.InactiveReason.RETURNED,
                                                                   datetime.date(2025, 1, 2))
    assert not CardEvent.objects.filter(card=inactive).exists()
    assert _messages(response) == [f"{inactive.display_number}: {_message('card_inactive')}"]


def test_inactivation_is_offered_only_to_distributor_staff(client, world):
    client.force_login(world.distributor)
    offered = client.get(reverse("admin:cards_card_changelist")).context["action_form"].fields["action"].choices
    client.force_login(world.contact)

    listing = client.get(reverse("admin:cards_card_changelist"))
    response = _action(client, "inactivate_lost", world.card_a)

    assert [name for name, _label in offered] == ["", "inactivate_lost", "inactivate_returned", "inactivate_other"]
    assert listing.context["action_form"] is None
    assert response.status_code == 200  # "no action selected": nothing ran
    world.card_a.refresh_from_db()
    assert world.card_a.status == Card.Status.ACTIVE


def test_distributor_cannot_inactivate_another_offices_card_by_posting_its_id(client, world):
    client.force_login(world.distributor)

    _action(client, "inactivate_lost", world.card_b)

    world.card_b.refresh_from_db()
    assert world.card_b.status == Card.Status.ACTIVE


@pytest.mark.parametrize(("term", "found"), [
    ("exact", True),
    ("display", True),
    ("lower", True),
    ("prefix", False),
    ("typo", False),
])
def test_card_search_is_by_one_exact_number(client, world, term, found):
    number = world.card_a.number
    typo = number[:-1] + ("2" if number[-1] != "2" else "3")
    q = {"exact": number, "display": world.card_a.display_number, "lower": number.lower(),
         "prefix": number[:4], "typo": typo}[term]
    client.force_login(world.coordinator)

    response = client.get(reverse("admin:cards_card_changelist"), {"q": q})

    listed = [c.pk for c in response.context["cl"].result_list]
    assert listed == ([world.card_a.pk] if found else [])


def test_venue_staff_see_no_card_numbers_in_their_uses(client, world):
    client.force_login(world.venue_staff)

    response = client.get(reverse("admin:cards_use_changelist"))

    html = response.content.decode()
    assert world.card_a.display_number not in html
    assert world.card_b.display_number not in html
    assert response.context["cl"].list_display_links is None


def test_contact_sees_card_numbers_only_of_their_regions_cards(client, world):
    client.force_login(world.contact)

    response = client.get(reverse("admin:cards_use_changelist"))

    html = response.content.decode()
    assert world.card_a.display_number in html
    assert world.card_b.display_number not in html  # used at region A's venue, but a region B card


# --- query budgets ---------------------------------------------------------------------------------


def test_card_changelist_queries_do_not_grow_with_the_cards(client, world, django_assert_max_num_queries):
    for _ in range(30):
        CardFactory(office=world.office_a, home_municipality=world.muni_a)
    client.force_login(world.contact)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:cards_card_changelist"))

    assert len(response.context["cl"].result_list) == 31


def test_use_changelist_queries_do_not_grow_with_the_uses(client, world, django_assert_max_num_queries):
    for _ in range(30):
        UseFactory(card=world.card_a, venue=world.venue_a)
    client.force_login(world.contact)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("admin:cards_use_changelist"))

    assert len(response.context["cl"].result_list) == Use.objects.visible_to(world.contact).count() == 34


# --- add pages and offers ------------------------------------------------------------------------------

ADDS = {
    "coordinator": {"regions_region", "regions_regionmembership", "distributors_organisation", "venues_venue",
                    "venues_offer", "venues_venuemembership"},
    "contact": {"distributors_organisation", "distributors_office", "distributors_officemembership",
                "venues_venue", "venues_offer", "venues_venuemembership"},
    "distributor": set(),
    "venue": set(),
}
ALL_ADMINS = ["regions_region", "regions_municipality", "regions_welfarearea", "regions_regionmembership",
              "distributors_organisation", "distributors_office", "distributors_officemembership", "venues_venue",
              "venues_offer", "venues_venuemembership", "cards_card", "cards_use", "cards_cardcheck"]


@pytest.mark.parametrize("role", list(ADDS))
def test_add_pages_open_exactly_for_the_roles_that_add(client, world, role):
    client.force_login(user_of(world, role))

    opened = {prefix for prefix in ALL_ADMINS if client.get(reverse(f"admin:{prefix}_add")).status_code == 200}

    assert opened == ADDS[role]


def _offer_form(venue, **overrides) -> dict:
    data = {"venue": venue.pk, "title": "Syyskonsertti", "kind": "event", "starts_on": "2025-09-01",
            "ends_on": "2025-09-30", "quota": "20", "_save": "Save"}
    return {**data, **overrides}


@pytest.mark.parametrize(("role", "venue", "accepted"), [
    ("contact", "venue_a", True),
    ("contact", "venue_b", False),
    ("contact", "venue_p", False),
    ("coordinator", "venue_p", True),
    ("coordinator", "venue_a", False),
])
def test_offers_are_added_by_whoever_manages_the_venue(client, world, role, venue, accepted):
    client.force_login(user_of(world, role))

    response = client.post(reverse("admin:venues_offer_add"), _offer_form(getattr(world, venue)))

    created = Offer.objects.filter(title="Syyskonsertti")
    if accepted:
        assert response.status_code == 302
        assert [(o.venue, o.quota, o.used_count) for o in created] == [(getattr(world, venue), 20, 0)]
    else:
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
        assert not created.exists()


def test_coordinator_grants_a_regional_contact(client, world):
    client.force_login(world.coordinator)

    response = client.post(reverse("admin:regions_regionmembership_add"), {
        "user": "jakaja-b", "role": "contact", "region": world.region_b.pk, "started_on": "2025-01-01",
        "ended_on": "", "_save": "Save",
    })

    assert response.status_code == 302
    assert RegionMembership.objects.filter(user=world.distributor_b, region=world.region_b, role="contact").exists()
