"""Active periods (R9): "active on a day" written once, for every model that has a period.

Regions, offices and venues (a pop-up venue's campaign included) run from ``active_from`` to
``active_until``; memberships from ``started_on`` to ``ended_on``; offers from ``starts_on`` to
``ends_on``. Both ends are inclusive: the end is the last day of the period (so ending a membership "at
once" sets it to yesterday, see ``access.services.membership_end``). An empty end (NULL) never ends.

A model names its two fields and mixes in ``ActivePeriod`` (methods only: no field, no migration); its
queryset mixes in ``ActivePeriodQuerySet``. Every other test of activity — a queryset filter, a lookup
through a relation (``prefix="office__region__"``), a report's "active at some time in the period", the
written-out SQL of ``core.scopes`` and of the counter's offers — is built here.
"""

import datetime
from typing import ClassVar

from django.db import models
from django.db.models import Q


def _end_nullable(model: type[models.Model], end: str) -> bool:
    return model._meta.get_field(end).null


def period_q(start: str, end: str, *, first: datetime.date | None, last: datetime.date | None,
             end_nullable: bool = True, prefix: str = "") -> Q:
    """Rows whose period ``[start, end]`` shares at least one day with ``[first, last]``.

    ``first`` None = from the beginning of time, ``last`` None = without end; ``first == last`` is
    "active on that day".
    """
    q = Q()
    if last is not None:
        q &= Q(**{f"{prefix}{start}__lte": last})
    if first is not None:
        still_running = Q(**{f"{prefix}{end}__gte": first})
        q &= (Q(**{f"{prefix}{end}__isnull": True}) | still_running) if end_nullable else still_running
    return q


def period_sql(start_column: str, end_column: str, *, end_nullable: bool = True) -> str:
    """The SQL form of "active on a day" over a table's own columns, with two ``%s`` for the day
    (for statements written out once for speed: ``core.scopes``, the counter's offers)."""
    if end_nullable:
        return f"{start_column} <= %s AND ({end_column} IS NULL OR {end_column} >= %s)"
    return f"{start_column} <= %s AND {end_column} >= %s"


class ActivePeriod:
    """A model with a period: set ``period_start`` and ``period_end`` to its two date fields.

    A plain mixin (no fields): the model keeps its own fields, constraints and migrations.
    """

    period_start: ClassVar[str]
    period_end: ClassVar[str]

    def is_active_on(self, day: datetime.date) -> bool:
        """Whether the period includes ``day`` (both ends included, an empty end never ends)."""
        end = getattr(self, self.period_end)
        return getattr(self, self.period_start) <= day and (end is None or end >= day)

    def has_ended_before(self, day: datetime.date) -> bool:
        """Whether the period's last day is before ``day`` (one that has not begun yet has not ended)."""
        end = getattr(self, self.period_end)
        return end is not None and end < day

    @classmethod
    def active_q(cls, day: datetime.date, prefix: str = "") -> Q:
        """``Q`` for rows active on ``day``; ``prefix`` reaches them through a relation
        (``Region.active_q(day, prefix="office__region__")`` on cards)."""
        return period_q(cls.period_start, cls.period_end, first=day, last=day,
                        end_nullable=_end_nullable(cls, cls.period_end), prefix=prefix)

    @classmethod
    def active_between_q(cls, first: datetime.date | None, last: datetime.date | None, prefix: str = "") -> Q:
        """``Q`` for rows active on at least one day from ``first`` to ``last`` (None = no bound)."""
        return period_q(cls.period_start, cls.period_end, first=first, last=last,
                        end_nullable=_end_nullable(cls, cls.period_end), prefix=prefix)

    @classmethod
    def open_ended_q(cls, prefix: str = "") -> Q:
        """``Q`` for rows without an end: a membership nobody has ended (what ``one_active_…_membership``
        keeps unique), whether or not it has begun."""
        return Q(**{f"{prefix}{cls.period_end}__isnull": True})

    @classmethod
    def active_sql(cls) -> str:
        """``period_sql`` over this model's columns (two ``%s`` for the day)."""
        start, end = cls._meta.get_field(cls.period_start), cls._meta.get_field(cls.period_end)
        return period_sql(start.column, end.column, end_nullable=end.null)


class ActivePeriodQuerySet(models.QuerySet):
    """The queryset of an ``ActivePeriod`` model."""

    def active_on(self, day: datetime.date):
        return self.filter(self.model.active_q(day))

    def active_between(self, first: datetime.date | None, last: datetime.date | None):
        return self.filter(self.model.active_between_q(first, last))

    def open_ended(self):
        return self.filter(self.model.open_ended_q())
