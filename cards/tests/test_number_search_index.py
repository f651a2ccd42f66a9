"""The card list's search by part of a number is served by a trigram index on PostgreSQL (migration 0006), so a
coordinator's search does not read every card."""

import pytest
from django.db import connection

from cards.selectors import card_list
from cards.tests.factories import CardFactory
from kaikukanta.tests.world import build_world

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's; SQLite scans its few cards"),
]


def test_a_search_by_part_of_a_number_can_use_the_trigram_index(world):
    cards = [CardFactory(office=world.office_a) for _ in range(3)]
    needle = cards[1].number[2:6]
    queryset = card_list(user=world.coordinator, q=needle)

    assert cards[1] in queryset
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the planner would rather read three cards whole
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "card_number_trgm_idx" in plan


@pytest.fixture
def world():
    return build_world()
