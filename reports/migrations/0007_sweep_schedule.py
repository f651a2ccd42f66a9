"""The stuck-job sweep (``reports.report_file_sweep``) as a django-celery-beat row: every 15 minutes."""

from django.db import migrations

NAME = "Kaikukanta: stuck report files and rollup runs"
TASK = "reports.report_file_sweep"
EVERY_MINUTES = 15
DESCRIPTION = ("Re-queue generated files and rollup runs left queued or running longer than their time limit; "
               "mark them failed after their last try.")


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
        ("reports", "0006_job_attempts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
