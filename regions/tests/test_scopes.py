"""``visible_to(user)`` of every scoped model, as a matrix: role × model → exactly these objects.

The data (two regions, a pop-up venue, cards used across regions) is the one the admin matrix uses.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from cards.models import Card, Use
from distributors.models import Office, OfficeMembership
from kaikukanta.scopes import forget_scope, scope_for
from kaikukanta.tests.world import ROLES, build_world, user_of
from regions.models import Region
from venues.models import Offer, Venue, VenueMembership

MODELS = {"region": Region, "office": Office, "venue": Venue, "offer": Offer, "card": Card, "use": Use,
          "officemembership": OfficeMembership, "venuemembership": VenueMembership}

EXPECTED = {
    "coordinator": {
        "region": {"region_a", "region_b"},
        "office": {"office_a", "office_b"},
        "venue": {"venue_a", "venue_b", "venue_p"},
        "offer": {"offer_a", "offer_b", "offer_p"},
        "card": {"card_a", "card_b"},
        "use": {"use_aa", "use_bb", "use_ba", "use_ab", "use_ap"},
        "officemembership": {"om_a", "om_b"},
        "venuemembership": {"vm_a", "vm_b"},
    },
    "contact": {
        "region": {"region_a"},
        "office": {"office_a"},
        "venue": {"venue_a"},
        "offer": {"offer_a"},
        "card": {"card_a"},
        "use": {"use_aa", "use_ba", "use_ab", "use_ap"},
        "officemembership": {"om_a"},
        "venuemembership": {"vm_a"},
    },
    "distributor": {
        "region": {"region_a"},  # their office's region
        "office": {"office_a"},
        "venue": set(),
        "offer": set(),
        "card": {"card_a"},
        "use": {"use_aa", "use_ab", "use_ap"},
        "officemembership": {"om_a"},  # their own grant
        "venuemembership": set(),
    },
    "venue": {
        "region": {"region_a"},  # their venue's region
        "office": set(),
        "venue": {"venue_a"},
        "offer": {"offer_a"},
        "card": set(),  # never: one exact number at a time through card_check only
        "use": {"use_aa", "use_ba"},
        "officemembership": set(),
        "venuemembership": {"vm_a"},
    },
}

CELLS = [(role, model) for role in ROLES for model in MODELS]


def _names(world, model_key: str, qs) -> set[str]:
    model = MODELS[model_key]
    by_pk = {getattr(world, name).pk: name for name in vars(world)
             if isinstance(getattr(world, name), model)}
    pks = list(qs.values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), "visible_to must not repeat rows"
    return {by_pk[pk] for pk in pks}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "model"), CELLS, ids=[f"{r}-{m}" for r, m in CELLS])
def test_visible_to_is_exactly_the_scope(role, model):
    world = build_world()

    visible = MODELS[model].objects.visible_to(user_of(world, role))

    assert _names(world, model, visible) == EXPECTED[role][model]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_a_user_without_memberships_sees_nothing(model):
    build_world()
    user = get_user_model().objects.create(username="ulkopuolinen", is_staff=True)

    assert not MODELS[model].objects.visible_to(user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_an_anonymous_user_sees_nothing(model):
    build_world()

    assert not MODELS[model].objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_a_superuser_sees_everything_as_the_coordinator():
    world = build_world()
    root = get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)

    assert _names(world, "card", Card.objects.visible_to(root)) == {"card_a", "card_b"}
    assert _names(world, "use", Use.objects.visible_to(root)) == EXPECTED["coordinator"]["use"]


@pytest.mark.django_db
def test_an_ended_grant_gives_no_scope():
    world = build_world()
    world.om_a.ended_on = world.om_a.started_on
    world.om_a.save(update_fields=["ended_on"])
    forget_scope(world.distributor)

    assert scope_for(world.distributor).office_ids == frozenset()
    assert not Card.objects.visible_to(world.distributor).exists()


@pytest.mark.django_db
def test_an_inactive_account_sees_nothing():
    world = build_world()
    world.contact.is_active = False
    world.contact.save(update_fields=["is_active"])
    forget_scope(world.contact)

    assert not Card.objects.visible_to(world.contact).exists()
    assert not Office.objects.visible_to(world.contact).exists()
