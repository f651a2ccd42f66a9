"""bench_data: benchmark data that obeys the rules (valid numbers, uses inside validity, local-only
cards at home, correct denormalised columns) and a second run that adds nothing."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from cards import numbers
from cards.models import Card, Use
from devdata.management.commands.bench_data import bench_number

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_bench_numbers_are_valid_and_distinct():
    sample = [bench_number(i) for i in range(5000)]
    assert all(numbers.is_valid(n) for n in sample)
    assert len(set(sample)) == 5000


@pytest.mark.skipif(settings.IS_POSTGRES, reason="the refusal is for SQLite")
def test_bench_data_refuses_sqlite():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("bench_data", "--cards", "10", "--uses", "10")


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="COPY and generate_series need PostgreSQL")
def test_bench_data_generates_rule_abiding_data_once():
    args = ["--cards", "400", "--uses", "3000", "--offices", "30", "--venues", "40"]
    call_command("bench_data", *args, stdout=io.StringIO())
    assert (Card.objects.count(), Use.objects.count()) == (400, 3000)
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FILTER (WHERE u.card_region_id <> c.region_id),
                   count(*) FILTER (WHERE u.venue_region_id IS DISTINCT FROM v.region_id),
                   count(*) FILTER (WHERE u.card_kind <> c.kind),
                   count(*) FILTER (WHERE u.used_on < c.issued_on OR u.used_on > c.valid_until),
                   count(*) FILTER (WHERE r.local_only AND v.region_id IS DISTINCT FROM c.region_id),
                   count(*) FILTER (WHERE u.kind = 'course' AND (u.children > 0 OR NOT v.offers_courses
                                                                 OR u.stat_group <> 'education')),
                   count(*) FILTER (WHERE u.kind = 'ticket' AND c.kind = 'personal' AND u.children > c.children),
                   count(*) FILTER (WHERE (u.group_size IS NULL) <> (c.kind = 'personal'))
            FROM cards_use u JOIN cards_card c ON c.id = u.card_id JOIN venues_venue v ON v.id = u.venue_id
            JOIN regions_region r ON r.id = c.region_id
        """)
        assert cursor.fetchone() == (0, 0, 0, 0, 0, 0, 0, 0)
        cursor.execute("""
            SELECT count(*) FROM cards_card c
            WHERE c.first_used_on IS DISTINCT FROM (
                SELECT min(used_on) FROM cards_use u WHERE u.card_id = c.id AND u.cancelled_at IS NULL)
        """)
        assert cursor.fetchone() == (0,)
    assert all(numbers.is_valid(n) for n in Card.objects.values_list("number", flat=True))
    out = io.StringIO()
    call_command("bench_data", *args, stdout=out)
    assert "already (>= 400), skipped" in out.getvalue()
    assert (Card.objects.count(), Use.objects.count()) == (400, 3000)
