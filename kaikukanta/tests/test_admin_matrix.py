"""The Django admin shows each role exactly its scope (DESIGN §5), model by model.

Every user here is ``is_staff``: whoever is let into the admin, the lists hold only their scope.
``None`` = the role has no such admin at all (403).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kaikukanta.tests.world import ROLES, shared_world, user_of

# model key -> (admin url prefix, every world object of the model, {role: the objects listed})
MATRIX = {
    "region": ("regions_region", {"region_a", "region_b"}, {
        "coordinator": {"region_a", "region_b"}, "contact": {"region_a"}, "distributor": None, "venue": None,
    }),
    "municipality": ("regions_municipality", {"muni_a", "muni_b"}, {
        "coordinator": {"muni_a", "muni_b"}, "contact": {"muni_a"}, "distributor": None, "venue": None,
    }),
    "welfarearea": ("regions_welfarearea", {"wa_a", "wa_b"}, {
        "coordinator": {"wa_a", "wa_b"}, "contact": {"wa_a"}, "distributor": None, "venue": None,
    }),
    "nationalsettings": ("regions_nationalsettings", {"national_settings"}, {
        "coordinator": {"national_settings"}, "contact": None, "distributor": None, "venue": None,
    }),
    "regionmembership": ("regions_regionmembership", {"rm_coordinator", "rm_a", "rm_b"}, {
        "coordinator": {"rm_coordinator", "rm_a", "rm_b"}, "contact": {"rm_a"}, "distributor": None, "venue": None,
    }),
    "organisation": ("distributors_organisation", {"org_a", "org_b"}, {
        "coordinator": {"org_a", "org_b"}, "contact": {"org_a"}, "distributor": None, "venue": None,
    }),
    "office": ("distributors_office", {"office_a", "office_b"}, {
        "coordinator": {"office_a", "office_b"}, "contact": {"office_a"}, "distributor": {"office_a"}, "venue": None,
    }),
    "officemembership": ("distributors_officemembership", {"om_a", "om_b"}, {
        "coordinator": {"om_a", "om_b"}, "contact": {"om_a"}, "distributor": {"om_a"}, "venue": None,
    }),
    "venue": ("venues_venue", {"venue_a", "venue_b", "venue_p"}, {
        "coordinator": {"venue_a", "venue_b", "venue_p"}, "contact": {"venue_a"}, "distributor": None,
        "venue": {"venue_a"},
    }),
    "offer": ("venues_offer", {"offer_a", "offer_b", "offer_p"}, {
        "coordinator": {"offer_a", "offer_b", "offer_p"}, "contact": {"offer_a"}, "distributor": None,
        "venue": {"offer_a"},
    }),
    "venuemembership": ("venues_venuemembership", {"vm_a", "vm_b"}, {
        "coordinator": {"vm_a", "vm_b"}, "contact": {"vm_a"}, "distributor": None, "venue": {"vm_a"},
    }),
    "card": ("cards_card", {"card_a", "card_b"}, {
        "coordinator": {"card_a", "card_b"}, "contact": {"card_a"}, "distributor": {"card_a"}, "venue": None,
    }),
    "use": ("cards_use", {"use_aa", "use_bb", "use_ba", "use_ab", "use_ap"}, {
        "coordinator": {"use_aa", "use_bb", "use_ba", "use_ab", "use_ap"},
        "contact": {"use_aa", "use_ba", "use_ab", "use_ap"},  # at region A's venues, or with region A's cards
        "distributor": {"use_aa", "use_ab", "use_ap"},  # the office's cards, wherever used
        "venue": {"use_aa", "use_ba"},  # the venue's uses, whatever card
    }),
    "cardcheck": ("cards_cardcheck", {"check_a", "check_b", "check_p", "check_api"}, {
        "coordinator": {"check_a", "check_b", "check_p", "check_api"}, "contact": {"check_a"}, "distributor": None,
        "venue": None,
    }),
}

# Objects a role lists but may not open one by one: venue staff never see a card, not even the
# card number of a use at their own venue (use_ba's card belongs to region B).
LIST_ONLY = {("venue", "use"): {"use_aa", "use_ba"}, ("contact", "use"): {"use_ba"}}

CELLS = [(role, model) for role in ROLES for model in MATRIX]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from shared_world(django_db_blocker)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "model"), CELLS, ids=[f"{r}-{m}" for r, m in CELLS])
def test_admin_shows_exactly_the_scope(client, world, role, model):
    prefix, every, expected = MATRIX[model]
    client.force_login(user_of(world, role))

    response = client.get(reverse(f"admin:{prefix}_changelist"))

    shown = expected[role]
    if shown is None:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        listed = {obj.pk for obj in response.context["cl"].result_list}
        assert listed == {getattr(world, name).pk for name in shown}

    for name in sorted(every):
        obj = getattr(world, name)
        page = client.get(reverse(f"admin:{prefix}_change", args=[obj.pk]))
        if shown is None:
            assert page.status_code == 403, name
        elif name not in shown:
            # Outside the scope: "does not exist", the same answer as for a missing object.
            assert page.status_code == 302, name
            assert page["Location"] == reverse("admin:index")
        elif name in LIST_ONLY.get((role, model), set()):
            assert page.status_code == 403, name
        else:
            assert page.status_code == 200, name


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin_index_lists_only_the_roles_models(client, world, role):
    client.force_login(user_of(world, role))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    listed = {
        f"{app['app_label']}_{m['object_name'].lower()}"
        for app in response.context["app_list"]
        for m in app["models"]
    }
    expected = {prefix for prefix, _every, by_role in MATRIX.values() if by_role[role] is not None}
    assert listed == expected


@pytest.mark.django_db
def test_a_non_staff_member_is_not_let_in(client, world):
    get_user_model().objects.filter(pk=world.distributor.pk).update(is_staff=False)
    client.force_login(get_user_model().objects.get(pk=world.distributor.pk))

    response = client.get(reverse("admin:cards_card_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
