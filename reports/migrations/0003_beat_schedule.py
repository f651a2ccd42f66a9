"""The scheduled jobs as django-celery-beat rows (Europe/Helsinki), so they can be seen and paused in the admin."""

from django.db import migrations

SCHEDULE = [
    # name, task, minute, hour, day of month, description
    ("Kaikukanta: nightly statistics rollup", "reports.rollup_rebuild", "30", "2", "*",
     "Rebuild the statistics rollups for the months touched since the last run."),
    ("Kaikukanta: nightly retention (R13)", "reports.apply_retention", "30", "3", "*",
     "Reduce cards expired or inactive longer than the retention setting to statistics-only rows."),
    ("Kaikukanta: monthly regional reports", "reports.monthly_regional_reports", "0", "6", "1",
     "Day 1: last month's report (PDF + XLSX) for every region, e-mailed to its contacts as links."),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day_of_month, description in SCHEDULE:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month=day_of_month, month_of_year="*",
            timezone="Europe/Helsinki",
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "description": description, "enabled": True},
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask.objects.filter(name__in=[row[0] for row in SCHEDULE]).delete()
    for _name, _task, minute, hour, day_of_month, _description in SCHEDULE:
        CrontabSchedule.objects.filter(
            minute=minute, hour=hour, day_of_week="*", day_of_month=day_of_month, month_of_year="*",
            timezone="Europe/Helsinki", periodictask__isnull=True,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_rollup_run_queued"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
