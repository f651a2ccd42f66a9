"""A database migrated by the earlier layout (the invitation table in the project package) moves forward with
every row kept, and the audit log still finds its entries; the migration also runs backwards."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from access.models import Invitation
from distributors.tests.factories import OfficeFactory
from regions.tests.factories import RegionFactory, UserFactory
from venues.tests.factories import VenueFactory

OLD_TABLE = "kaikukanta_invitation"
LATEST = "0002_invitation_roles"


def _migrate(target: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Every app at its latest migration again after each test (these stop at LATEST, before the venue keys' table,
    which later tests of the same database need)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_earlier_layouts_invitations_move_with_every_row_and_content_type():
    # given: the database as the earlier layout left it (table and content type under "kaikukanta")
    office, venue, inviter = OfficeFactory(), VenueFactory(), UserFactory()
    ContentType.objects.get_for_model(Invitation)  # as a migrated database has it
    _migrate([("access", None)])
    tables = connection.introspection.table_names()
    assert OLD_TABLE in tables
    assert "access_invitation" not in tables
    old_type = ContentType.objects.get(app_label="kaikukanta", model="invitation")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {OLD_TABLE} (email, token_hash, created_at, expires_at, office_id, invited_by_id) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            ["uusi@example.fi", "a" * 64, now, now + datetime.timedelta(days=7), office.pk, inviter.pk],
        )
        cursor.execute(
            f"INSERT INTO {OLD_TABLE} (email, token_hash, created_at, expires_at, venue_id, accepted_at, "
            "accepted_by_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            ["kassa@example.fi", "b" * 64, now, now + datetime.timedelta(days=5), venue.pk, now, inviter.pk],
        )

    # when: migrating forward to the new layout
    _migrate([("access", "0001_invitation")])

    # then: the same rows under the access app, the content type moved (not a new one)
    ContentType.objects.clear_cache()
    assert OLD_TABLE not in connection.introspection.table_names()
    rows = list(Invitation.objects.order_by("email").values_list(
        "email", "token_hash", "office_id", "venue_id", "invited_by_id", "accepted_by_id"))
    assert rows == [
        ("kassa@example.fi", "b" * 64, None, venue.pk, None, inviter.pk),
        ("uusi@example.fi", "a" * 64, office.pk, None, inviter.pk, None),
    ]
    assert ContentType.objects.get_for_model(Invitation).pk == old_type.pk
    assert not ContentType.objects.filter(app_label="kaikukanta").exists()
    # and on to today's table: each invitation gets the role its target gives
    _migrate([("access", LATEST)])
    assert list(Invitation.objects.order_by("email").values_list("email", "role")) == [
        ("kassa@example.fi", "venue"), ("uusi@example.fi", "office"),
    ]
    # and a new invitation continues the old numbering
    newest = Invitation.objects.create(email="kolmas@example.fi", token_hash="c" * 64, office=office, expires_at=now)
    assert newest.pk > max(Invitation.objects.exclude(pk=newest.pk).values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_invitation_roles_migrate_backwards_without_the_invitations_the_old_table_cannot_hold():
    # given: an office invitation and a regional contact's and a coordinator's (only the new table holds those)
    office, region = OfficeFactory(), RegionFactory()
    now = timezone.now()
    Invitation.objects.create(email="toimisto@example.fi", token_hash="a" * 64, office=office, expires_at=now)
    Invitation.objects.create(email="alue@example.fi", token_hash="b" * 64, role="contact", region=region,
                              expires_at=now)
    Invitation.objects.create(email="koordinaattori@example.fi", token_hash="c" * 64, role="coordinator",
                              expires_at=now)

    # when: migrating back to the office-or-venue table, then forward again
    _migrate([("access", "0001_invitation")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, office_id, venue_id FROM access_invitation ORDER BY email")
        backwards = cursor.fetchall()
    _migrate([("access", LATEST)])

    # then: the office invitation was kept with its role, the others could not be
    assert backwards == [("toimisto@example.fi", office.pk, None)]
    assert list(Invitation.objects.values_list("email", "role", "office_id")) == [
        ("toimisto@example.fi", "office", office.pk),
    ]
