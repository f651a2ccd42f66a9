"""The one place that tells what a user may see: their memberships, read once per request.

Apps build their ``visible_to(user)`` querysets from this. Memberships live in the apps that own
the unit (regions, distributors, venues); models are looked up lazily so no app imports a higher one.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import connection
from django.utils import timezone


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    national: bool
    region_ids: frozenset[int]
    office_ids: frozenset[int]
    venue_ids: frozenset[int]

    @property
    def is_regional(self) -> bool:
        return bool(self.region_ids)

    @property
    def is_distributor(self) -> bool:
        return bool(self.office_ids)

    def manages(self, region_id: int | None) -> bool:
        """Whether this user manages the offices and venues of ``region_id`` (a pop-up venue has none):
        the region's contacts do, the national coordinator manages all."""
        return self.national or (region_id is not None and region_id in self.region_ids)

    @property
    def roles(self) -> list[str]:
        roles = []
        if self.national:
            roles.append("coordinator")
        if self.region_ids:
            roles.append("regional_contact")
        if self.office_ids:
            roles.append("distributor")
        if self.venue_ids:
            roles.append("venue")
        return roles


EMPTY = Scope(None, False, frozenset(), frozenset(), frozenset())


@cache
def _scope_sql() -> str:
    """One UNION over the three membership tables, written out: the ORM would compile it anew on every
    request (about a fifth of a counter request's work), and the statement never changes.

    A membership is in force on the days of its period, ``started_on`` to ``ended_on`` inclusive (an empty
    ``ended_on`` never ends): the rule of ``core.periods``, whose SQL form each membership model gives
    (``active_sql``; the same text for all three). The parameters are, per table: user, today, today.
    """
    models = {label: apps.get_model(label) for label in
              ("regions.RegionMembership", "distributors.OfficeMembership", "venues.VenueMembership")}
    tables = {label: model._meta.db_table for label, model in models.items()}
    in_force = {label: f"user_id = %s AND {model.active_sql()}" for label, model in models.items()}
    return (
        f'SELECT role, region_id FROM "{tables["regions.RegionMembership"]}" '
        f'WHERE {in_force["regions.RegionMembership"]} '
        f"UNION ALL SELECT 'office', office_id FROM \"{tables['distributors.OfficeMembership']}\" "
        f"WHERE {in_force['distributors.OfficeMembership']} "
        f"UNION ALL SELECT 'venue', venue_id FROM \"{tables['venues.VenueMembership']}\" "
        f"WHERE {in_force['venues.VenueMembership']}"
    )


def scope_for(user) -> Scope:
    """Memberships of ``user`` in force today; cached on the user object for the request.

    One query (a UNION of the three membership tables): it runs on every request, the counter's included.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, "_kaikukanta_scope", None)
    if cached is not None:
        return cached
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(_scope_sql(), [user.pk, today, today] * 3)
        rows = cursor.fetchall()
    national = user.is_superuser or any(kind == "coordinator" for kind, _pk in rows)
    scope = Scope(
        user_id=user.pk,
        national=national,
        region_ids=frozenset(pk for kind, pk in rows if kind == "contact" and pk),
        office_ids=frozenset(pk for kind, pk in rows if kind == "office"),
        venue_ids=frozenset(pk for kind, pk in rows if kind == "venue"),
    )
    user._kaikukanta_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after a membership change within the same request or test)."""
    if hasattr(user, "_kaikukanta_scope"):
        del user._kaikukanta_scope
