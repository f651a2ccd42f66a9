"""The card list's search by part of a number is served by a trigram index on PostgreSQL (migration 0006), so a
coordinator's search does not read every card."""

import pytest
from django.db import connection

from cards.models import Card
from cards.selectors import card_list
from cards.tests.factories import CardFactory
from kaikukanta.tests.world import build_world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's; SQLite scans its few cards"),
]


def test_a_search_by_part_of_a_number_can_use_the_trigram_index(world):
    cards = [CardFactory(office=world.office_a) for _ in range(3)]
    needle = cards[1].number[1:]  # all but the first character: part of the number, and only this card's
    assert list(card_list(user=world.coordinator, q=needle)) == [cards[1]]

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'card_number_trgm_idx'")
        assert [row[0] for row in cursor.fetchall()] == [
            "CREATE INDEX card_number_trgm_idx ON public.cards_card USING gin (number gin_trgm_ops)"]
        # The search's condition on its own (the list adds the scope, which three cards let the planner use first).
        cursor.execute("SET LOCAL enable_seqscan = off")  # the planner would rather read three cards whole
        sql, params = Card.objects.filter(number__contains=needle).values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "card_number_trgm_idx" in plan


@pytest.fixture
def world():
    return build_world()
