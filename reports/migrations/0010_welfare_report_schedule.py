"""Issue 17: the municipal welfare report as a kind of generated file, its January run as a django-celery-beat row
(Europe/Helsinki, like 0003), and the wellbeing answers cards already held copied into the answer history."""

from django.db import migrations, models

NAME = "Kaikukanta: annual welfare reports"
TASK = "reports.annual_welfare_reports"
DESCRIPTION = ("15 January: last year's welfare report (PDF + XLSX) of every municipality and welfare area of every "
               "region, e-mailed to the region's contacts as links.")
CRONTAB = {"minute": "0", "hour": "7", "day_of_week": "*", "day_of_month": "15", "month_of_year": "1",
           "timezone": "Europe/Helsinki"}


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _created = CrontabSchedule.objects.get_or_create(**CRONTAB)
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "crontab": crontab, "description": DESCRIPTION, "enabled": True},
    )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask.objects.filter(name=NAME).delete()
    CrontabSchedule.objects.filter(periodictask__isnull=True, **CRONTAB).delete()


def copy_answers(apps, schema_editor):
    """An answer at issue dated the issue day; one at renewal dated the card's last renewal (or its issue day)."""
    Card = apps.get_model("cards", "Card")
    CardEvent = apps.get_model("cards", "CardEvent")
    WellbeingAnswer = apps.get_model("cards", "WellbeingAnswer")
    cards = (Card.objects.filter(kind="personal").exclude(wellbeing_at_issue__isnull=True, wellbeing_at_renewal__isnull=True)
             .exclude(pk__in=WellbeingAnswer.objects.filter(card__isnull=False).values("card_id"))
             .values_list("pk", "issued_on", "wellbeing_at_issue", "wellbeing_at_renewal", "region_id",
                          "home_municipality_id").order_by("pk"))
    batch = []
    for pk, issued_on, at_issue, at_renewal, region_id, home_id in cards.iterator(chunk_size=2000):
        common = {"card_id": pk, "region_id": region_id, "home_municipality_id": home_id}
        if at_issue is not None:
            batch.append(WellbeingAnswer(answered_on=issued_on, occasion="issue", value=at_issue,
                                         latest=at_renewal is None, **common))
        if at_renewal is not None:
            renewed = (CardEvent.objects.filter(card_id=pk, kind="renewed").order_by("-at")
                       .values_list("at", flat=True).first())
            batch.append(WellbeingAnswer(answered_on=renewed.date() if renewed else issued_on, occasion="renewal",
                                         value=at_renewal, first_value=at_issue, latest=True, **common))
        if len(batch) >= 2000:
            WellbeingAnswer.objects.bulk_create(batch)
            batch = []
    WellbeingAnswer.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0009_daily_counts_fill"),
        ("cards", "0004_wellbeing_and_daily_counts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportfile",
            name="kind",
            field=models.CharField(choices=[("uses", "uses (row per use)"), ("dashboard", "dashboard figures"),
                                            ("monthly_regional", "monthly regional report"),
                                            ("annual_national", "annual national report"),
                                            ("welfare", "municipal welfare report")],
                                   max_length=20, verbose_name="kind"),
        ),
        migrations.RunPython(create, remove),
        migrations.RunPython(copy_answers, migrations.RunPython.noop),
    ]
