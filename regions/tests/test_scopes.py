"""``visible_to(user)`` of every scoped model, as a matrix: role × model → exactly these objects.

The data (two regions, a pop-up venue, cards used across regions) is the one the admin matrix uses.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from cards.models import Card, Use
from core.scopes import scope_for
from distributors.models import Office, OfficeMembership
from kaikukanta.tests.world import ROLES, shared_world, user_of
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


def _fresh(user):
    """The user as stored now (the shared world's objects keep their cached scope)."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from shared_world(django_db_blocker)


def _names(world, model_key: str, qs) -> set[str]:
    model = MODELS[model_key]
    by_pk = {getattr(world, name).pk: name for name in vars(world)
             if isinstance(getattr(world, name), model)}
    pks = list(qs.values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), "visible_to must not repeat rows"
    return {by_pk[pk] for pk in pks}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "model"), CELLS, ids=[f"{r}-{m}" for r, m in CELLS])
def test_visible_to_is_exactly_the_scope(world, role, model):

    visible = MODELS[model].objects.visible_to(user_of(world, role))

    assert _names(world, model, visible) == EXPECTED[role][model]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_a_user_without_memberships_sees_nothing(world, model):
    user = get_user_model().objects.create(username="ulkopuolinen", is_staff=True)

    assert not MODELS[model].objects.visible_to(user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_an_anonymous_user_sees_nothing(world, model):

    assert not MODELS[model].objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_a_superuser_sees_everything_as_the_coordinator(world):
    root = get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)

    assert _names(world, "card", Card.objects.visible_to(root)) == {"card_a", "card_b"}
    assert _names(world, "use", Use.objects.visible_to(root)) == EXPECTED["coordinator"]["use"]


@pytest.mark.django_db
def test_an_ended_grant_gives_no_scope(world):
    OfficeMembership.objects.filter(pk=world.om_a.pk).update(ended_on=world.om_a.started_on)
    distributor = _fresh(world.distributor)

    assert scope_for(distributor).office_ids == frozenset()
    assert not Card.objects.visible_to(distributor).exists()


@pytest.mark.django_db
def test_a_grant_starting_tomorrow_gives_no_scope_yet(world):
    OfficeMembership.objects.filter(pk=world.om_a.pk).update(started_on=timezone.localdate() + timedelta(days=1))
    distributor = _fresh(world.distributor)

    assert not Card.objects.visible_to(distributor).exists()


@pytest.mark.django_db
def test_an_inactive_account_sees_nothing(world):
    get_user_model().objects.filter(pk=world.contact.pk).update(is_active=False)
    contact = _fresh(world.contact)

    assert not Card.objects.visible_to(contact).exists()
    assert not Office.objects.visible_to(contact).exists()
