import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from cards.models import Card, CardEvent
from cards.retention import card_reduce, retention_apply
from cards.tests.factories import CardFactory, UseFactory
from regions.models import NationalSettings

TODAY = datetime.date(2026, 6, 15)
LONG_AGO = TODAY - datetime.timedelta(days=800)  # retention_days defaults to 730


def personal(**kwargs) -> Card:
    defaults = {"birth_year": 1961, "postal_code": "33100", "children": 2, "gender": "female",
                "life_situation": "pensioner", "wellbeing_at_issue": 2, "wellbeing_at_renewal": 4,
                "issued_on": LONG_AGO - datetime.timedelta(days=365), "valid_until": LONG_AGO}
    return CardFactory(**{**defaults, **kwargs})


def personal_fields(card: Card) -> tuple:
    return (card.birth_year, card.postal_code, card.children, card.gender, card.life_situation,
            card.wellbeing_at_issue, card.wellbeing_at_renewal)


@pytest.mark.django_db
def test_cards_ended_longer_than_the_setting_are_reduced_to_statistics():
    expired = personal()
    inactive = personal(valid_until=TODAY + datetime.timedelta(days=30), status="inactive", inactive_reason="lost",
                        inactivated_on=LONG_AGO)
    recent = personal(valid_until=TODAY - datetime.timedelta(days=100))
    valid = personal(valid_until=TODAY + datetime.timedelta(days=100))
    use = UseFactory(card=expired, used_on=LONG_AGO - datetime.timedelta(days=10), children=1)
    kept = ["number", "kind", "office_id", "region_id", "home_municipality_id", "issued_on", "valid_until",
            "status", "format", "language"]
    before = Card.objects.filter(pk=expired.pk).values(*kept).get()

    result = retention_apply(today=TODAY)

    assert (result.due, result.reduced, result.limit) == (2, 2, TODAY - datetime.timedelta(days=730))
    for card in (expired, inactive):
        card.refresh_from_db()
        assert personal_fields(card) == (None, "", 0, "", "", None, None)
        assert card.reduced_on == TODAY
        assert card.events.filter(kind=CardEvent.Kind.REDUCED).count() == 1
    assert Card.objects.filter(pk=expired.pk).values(*kept).get() == before
    use.refresh_from_db()
    assert (use.card_id, use.children, use.cancelled_at) == (expired.pk, 1, None)
    for card in (recent, valid):
        card.refresh_from_db()
        assert personal_fields(card) == (1961, "33100", 2, "female", "pensioner", 2, 4)
        assert card.reduced_on is None


@pytest.mark.django_db
def test_the_setting_decides_and_a_second_run_changes_nothing():
    NationalSettings.objects.update_or_create(pk=1, defaults={"retention_days": 1000})
    card = personal()

    assert retention_apply(today=TODAY).reduced == 0
    rules = NationalSettings.current()
    rules.retention_days = 365
    rules.save()
    assert retention_apply(today=TODAY).reduced == 1
    again = retention_apply(today=TODAY)

    assert (again.due, again.reduced) == (0, 0)
    assert CardEvent.objects.filter(card=card, kind=CardEvent.Kind.REDUCED).count() == 1


@pytest.mark.django_db
def test_audit_log_keeps_no_personal_values_of_reduced_cards():
    card = personal()
    card.postal_code = "33200"
    card.save()
    content_type = ContentType.objects.get_for_model(Card)
    assert LogEntry.objects.filter(content_type=content_type, object_id=card.pk).count() == 2

    card_reduce(card=card, today=TODAY)

    entries = LogEntry.objects.filter(content_type=content_type, object_id=card.pk)
    assert entries.count() == 2  # the reduction itself is not logged with the old values
    text = " ".join(str(entry.changes) for entry in entries)
    assert "1961" not in text
    assert "33100" not in text
    assert "33200" not in text
    assert "pensioner" not in text
    assert "[reduced]" in text


@pytest.mark.django_db
def test_dry_run_lists_and_changes_nothing(capsys):
    card = personal()

    call_command("apply_retention", "--dry-run", "--date", TODAY.isoformat())

    out = capsys.readouterr().out
    assert "Dry run: 1 card(s) ended before 2024-06-15 would be reduced" in out
    assert card.number in out
    card.refresh_from_db()
    assert personal_fields(card) == (1961, "33100", 2, "female", "pensioner", 2, 4)
    assert card.reduced_on is None
    assert not CardEvent.objects.filter(kind=CardEvent.Kind.REDUCED).exists()

    call_command("apply_retention", "--date", TODAY.isoformat())

    assert "Reduced 1 card(s)" in capsys.readouterr().out
    card.refresh_from_db()
    assert card.reduced_on == TODAY
