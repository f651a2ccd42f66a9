"""Issue 15, point 4: when an import's current step started, and the stuck-import sweep (``cards.import_sweep``)
as a django-celery-beat row, every 15 minutes like the reports' sweep (reports 0007)."""

import django.utils.timezone
from django.db import migrations, models

NAME = "Kaikukanta: stuck card imports"
TASK = "cards.import_sweep"
EVERY_MINUTES = 15
DESCRIPTION = ("Mark failed the card imports left checking or saving by a lost worker for longer than their step's "
               "time limit; nothing of them was saved.")


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _created = IntervalSchedule.objects.get_or_create(every=EVERY_MINUTES, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": interval, "crontab": None, "description": DESCRIPTION,
                             "enabled": True},
    )


def remove(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()
    IntervalSchedule.objects.filter(every=EVERY_MINUTES, period="minutes", periodictask__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cards", "0004_wellbeing_and_daily_counts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="step_started_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="When a worker took the current step, or the write was confirmed: a job checking or "
                          "saving much longer than its time limit lost its worker and is marked failed.",
                verbose_name="step started at"),
        ),
        migrations.RunPython(create, remove),
    ]
