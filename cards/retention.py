"""R13 retention: cards no longer needed are reduced to statistics-only rows.

A card is due when it has been expired, or inactive, for longer than
``NationalSettings.retention_days``: its end (``valid_until``, or ``inactivated_on`` when that is
earlier) lies more than that many days back. Reduction clears what describes the person and keeps
what the statistics count, so every dashboard figure is the same before and after:

    cleared   birth_year, postal_code, children (the holder's own children), gender, life_situation,
              wellbeing_at_issue, wellbeing_at_renewal — and the same fields in the card's audit
              log entries, which would otherwise keep the old values
    kept      number, kind, issuing office and region, home municipality (figures by municipality
              and welfare area), issue and validity dates, status, first use, format, language,
              the replacement link, and all uses (the statistics are counted from them)

The card gets ``reduced_on`` and a "reduced" history event. Nothing is deleted: uses keep
pointing at the card, and the rollups are unaffected because they never read the cleared fields.

Wellbeing answers (issue 17): the card's earlier answers are deleted and its latest answer is unlinked
from the card. The latest row already carries the first answer beside the latest one, its year, region
and home municipality: exactly what the statistics of change count (``reports.welfare``), so they stay
the same, and nothing left says whose answers they were. (Kept rather than rolled up into a table: the
statistic is per holder, and a row that cannot be tied to a card is no longer personal data.)
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from regions.models import NationalSettings

from .models import Card, CardEvent, WellbeingAnswer

CLEARED = {
    "birth_year": None,
    "postal_code": "",
    "children": 0,
    "gender": "",
    "life_situation": "",
    "wellbeing_at_issue": None,
    "wellbeing_at_renewal": None,
}
REDACTED = "[reduced]"
BATCH = 1000


@dataclass
class RetentionResult:
    limit: datetime.date
    due: int = 0
    reduced: int = 0
    numbers: list[str] = field(default_factory=list)


def due_for_reduction(today: datetime.date | None = None):
    """Cards expired or inactive for longer than the retention setting, not reduced yet."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=NationalSettings.current().retention_days)
    return Card.objects.filter(reduced_on__isnull=True).filter(
        Q(valid_until__lt=limit) | Q(status=Card.Status.INACTIVE, inactivated_on__lt=limit)
    ).order_by("pk"), limit


def _redact(values) -> bool:
    if not isinstance(values, dict):
        return False
    hits = CLEARED.keys() & values.keys()
    for name in hits:
        values[name] = [REDACTED, REDACTED] if isinstance(values[name], list) else REDACTED
    return bool(hits)


def _redact_audit_log(card_ids: list[int]) -> None:
    from auditlog.models import LogEntry

    content_type = ContentType.objects.get_for_model(Card)
    entries = LogEntry.objects.filter(content_type=content_type, object_id__in=card_ids)
    for entry in entries.only("pk", "changes", "serialized_data"):
        changes, data = entry.changes, entry.serialized_data
        fields = data.get("fields") if isinstance(data, dict) else None
        if _redact(changes) | _redact(fields):
            LogEntry.objects.filter(pk=entry.pk).update(changes=changes, serialized_data=data)


def _reduce_answers(card_ids: list[int]) -> None:
    answers = WellbeingAnswer.objects.filter(card_id__in=card_ids)
    answers.filter(latest=False).delete()
    answers.update(card=None)


def card_reduce(*, card: Card, today: datetime.date | None = None) -> Card:
    """Reduce one card (whatever its dates: the caller decides it is due)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # A queryset update on purpose: saving the model would write the old values into the audit log.
        updated = Card.objects.filter(pk=card.pk, reduced_on__isnull=True).update(reduced_on=today, **CLEARED)
        if updated:
            CardEvent.objects.create(card_id=card.pk, kind=CardEvent.Kind.REDUCED,
                                     details={"cleared": sorted(CLEARED)})
            _redact_audit_log([card.pk])
            _reduce_answers([card.pk])
    card.refresh_from_db()
    return card


def retention_apply(*, today: datetime.date | None = None, dry_run: bool = False) -> RetentionResult:
    """Reduce every card that is due. ``dry_run`` only counts and lists them."""
    today = today or timezone.localdate()
    due, limit = due_for_reduction(today)
    result = RetentionResult(limit=limit, due=due.count())
    if dry_run:
        result.numbers = list(due.values_list("number", flat=True)[:1000])
        return result
    while True:
        ids = list(due.values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        with transaction.atomic():
            reduced = list(Card.objects.select_for_update().filter(pk__in=ids, reduced_on__isnull=True)
                           .values_list("pk", "number"))
            Card.objects.filter(pk__in=[pk for pk, _n in reduced]).update(reduced_on=today, **CLEARED)
            CardEvent.objects.bulk_create([
                CardEvent(card_id=pk, kind=CardEvent.Kind.REDUCED, details={"cleared": sorted(CLEARED)})
                for pk, _n in reduced
            ])
            _redact_audit_log([pk for pk, _n in reduced])
            _reduce_answers([pk for pk, _n in reduced])
        result.reduced += len(reduced)
        result.numbers += [number for _pk, number in reduced][: max(0, 1000 - len(result.numbers))]
    return result
