"""Fill ``cards.DailyCount`` (issue 17) for the days the rollups do not hold yet, so the dashboards' live part is
complete from the moment the counters start counting. Nothing to do before the first rollup: until then the live
part is recounted from the uses. Later rollups recount the rows themselves (``cards.counts.rebuild``)."""

from django.db import migrations


def fill(apps, schema_editor):
    RollupState = apps.get_model("reports", "RollupState")
    cutoff = RollupState.objects.filter(pk=1).values_list("cutoff", flat=True).first()
    if cutoff is None:
        return
    # The recount reads only the uses of the days from the cutoff on (normally today) and writes only the
    # counters: the current code is the definition of those rows.
    from cards import counts

    counts.rebuild(cutoff)


class Migration(migrations.Migration):

    dependencies = [
        ("cards", "0004_wellbeing_and_daily_counts"),
        ("reports", "0008_worker_heartbeat_schedule"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
