"""The worker heartbeat (``reports.worker_heartbeat``) as a django-celery-beat row: every minute.

Each message expires after 50 seconds: while no worker runs, the heartbeats are dropped instead of piling up in the
queue, and one run late would tell nothing about now anyway.
"""

from django.db import migrations

NAME = "Kaikukanta: worker heartbeat"
TASK = "reports.worker_heartbeat"
EVERY_MINUTES = 1
EXPIRE_SECONDS = 50
DESCRIPTION = ("A worker writes the time it ran this into the cache; the prepared-files page tells from it whether "
               "background jobs are running.")


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _created = IntervalSchedule.objects.get_or_create(every=EVERY_MINUTES, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": interval, "crontab": None, "description": DESCRIPTION,
                             "expire_seconds": EXPIRE_SECONDS, "enabled": True},
    )


def remove(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()
    IntervalSchedule.objects.filter(every=EVERY_MINUTES, period="minutes", periodictask__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_sweep_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
