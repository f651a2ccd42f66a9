"""The nightly no-show run (``bookings.mark_no_shows``) as a django-celery-beat row (Europe/Helsinki): at 00:15,
just after the performance day has ended."""

from django.db import migrations

NAME = "Kaikukanta: nightly booking no-shows"
TASK = "bookings.mark_no_shows"
DESCRIPTION = "Bookings not checked in by the end of their performance day become no-shows (R15)."


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="15", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Helsinki",
    )
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "crontab": crontab, "description": DESCRIPTION, "enabled": True},
    )


def remove(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()
    CrontabSchedule.objects.filter(
        minute="15", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Helsinki",
        periodictask__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_bookings"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
