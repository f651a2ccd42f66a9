"""Reads of the counter: today's log and the venue's uses, always scoped.

Venue staff never list cards: a use shows only a masked card number (DESIGN §5).
The counter composes the venues and cards apps, so these selectors read ``cards.Use``.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cards import numbers
from cards.models import Card, Use
from regions.models import NationalSettings
from venues.models import Offer, Venue


def mask_number(number: str) -> str:
    """``ABCDEFGHJ`` -> ``ABC-•••-GHJ``: the counter shows venue staff every number masked (``numbers.mask``)."""
    return numbers.mask(number)


def use_description(use: Use) -> str:
    """``ticket · community card (group of 3)``: a use in today's log, on the page and in the script's rows."""
    text = str(use.get_kind_display())
    if use.card_kind == Card.Kind.COMMUNITY:
        text = f"{text} · {_('community card')}"
        if use.group_size:
            text += " (" + ngettext("group of %(n)s", "group of %(n)s", use.group_size) % {"n": use.group_size} + ")"
    return text


def repeat_lines(uses: list[Use], offers: Iterable[Offer] = ()) -> list[dict]:
    """The repeat warning's lines (issue 11): when each earlier use of the card here that day was logged and what
    was logged (kind, offer, children), e.g. ``{"time": "14:05", "text": "ticket, Näyttely, 2 children"}``.

    ``uses`` are the venue's own (``cards.selectors.repeat_uses`` or the ``repeat_use`` refusal's). Titles of offers
    not among ``offers`` (those already read) take one query, only when such a use has an offer.
    """
    titles = {offer.pk: offer.title for offer in offers}
    missing = {use.offer_id for use in uses if use.offer_id and use.offer_id not in titles}
    if missing:
        titles.update(Offer.objects.filter(pk__in=missing).values_list("pk", "title"))
    lines = []
    for use in uses:
        logged_at = timezone.localtime(use.logged_at)
        time = formats.time_format(logged_at, "H:i")
        if logged_at.date() != use.used_on:  # a late entry: typed in on another day
            time = formats.date_format(logged_at, "SHORT_DATETIME_FORMAT")
        parts = [use_description(use)]
        if use.offer_id:
            parts.append(titles.get(use.offer_id, ""))
        if use.kind == Use.Kind.TICKET:
            parts.append(ngettext("%(n)s child", "%(n)s children", use.children) % {"n": use.children})
        lines.append({"time": time, "text": ", ".join(part for part in parts if part)})
    return lines


def _uses_base(user, venue: Venue) -> QuerySet[Use]:
    return (
        Use.objects.visible_to(user)
        .filter(venue=venue)
        .select_related("offer")
        .annotate(card_number=F("card__number"))
        .defer("idempotency_key")
    )


def today_uses(user, venue: Venue, day: datetime.date) -> list[Use]:
    """Today's log: uses dated today, and late entries typed in today for an earlier day."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    oldest = day - datetime.timedelta(days=NationalSettings.current().late_entry_days)
    return list(
        _uses_base(user, venue)
        .filter(used_on__gte=oldest, used_on__lte=day)
        .filter(Q(used_on=day) | Q(channel=Use.Channel.LATE, logged_at__gte=start))
        .order_by("-logged_at", "-pk")[:200]
    )


def venue_uses(user, venue: Venue, *, date_from: datetime.date | None = None, date_to: datetime.date | None = None,
               offer_id: int | None = None, kind: str = "") -> QuerySet[Use]:
    """The venue's uses, newest first, cancelled ones included (they are marked)."""
    qs = _uses_base(user, venue)
    if date_from:
        qs = qs.filter(used_on__gte=date_from)
    if date_to:
        qs = qs.filter(used_on__lte=date_to)
    if offer_id:
        qs = qs.filter(offer_id=offer_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-used_on", "-logged_at", "-pk")


@dataclass(frozen=True)
class MonthTotal:
    month: datetime.date
    uses: int
    tickets: int
    course_places: int
    children: int
    community: int

    @property
    def people(self) -> int:
        """Everybody who got in free: the card user plus the children on the ticket."""
        return self.uses + self.children


def monthly_totals(uses: QuerySet[Use]) -> list[MonthTotal]:
    """Per calendar month, newest first; cancelled uses left out (they left the statistics, R11)."""
    rows = (
        uses.filter(cancelled_at__isnull=True)
        .order_by()
        .annotate(month=TruncMonth("used_on"))
        .values("month")
        .annotate(
            n=Count("pk"),
            tickets=Count("pk", filter=Q(kind=Use.Kind.TICKET)),
            course_places=Count("pk", filter=Q(kind=Use.Kind.COURSE)),
            children_sum=Coalesce(Sum("children"), 0),
            community=Count("pk", filter=Q(card_kind=Card.Kind.COMMUNITY)),
        )
        .order_by("-month")
    )
    return [
        MonthTotal(month=row["month"], uses=row["n"], tickets=row["tickets"], course_places=row["course_places"],
                   children=row["children_sum"], community=row["community"])
        for row in rows
    ]


def export_rows(uses: QuerySet[Use], *, chunk_size: int = 2000) -> Iterator[tuple]:
    """Flat rows for the CSV export, streamed from the database with a server-side cursor."""
    rows = uses.values_list(
        "used_on", "card__number", "card_kind", "kind", "children", "group_size", "offer__title", "channel",
        "logged_at", "cancelled_at", "cancel_reason",
    )
    for used_on, number, card_kind, kind, children, group_size, offer, channel, logged_at, cancelled_at, reason in (
        rows.iterator(chunk_size=chunk_size)
    ):
        yield (used_on, mask_number(number), card_kind, kind, children, group_size, offer, channel, logged_at,
               cancelled_at, reason)
