"""Invitations into every role: a region's contacts and the national team besides offices and venues.

Existing invitations get the role their target gives (office or venue) before the new constraint holds.
Backwards, invitations into a region or the national team cannot exist in the earlier table and are removed.
"""

import django.db.models.deletion
from django.db import migrations, models


def roles_from_targets(apps, schema_editor):
    invitation = apps.get_model("access", "Invitation")
    invitation.objects.using(schema_editor.connection.alias).filter(venue__isnull=False).update(role="venue")


def drop_regional_and_national(apps, schema_editor):
    invitation = apps.get_model("access", "Invitation")
    invitation.objects.using(schema_editor.connection.alias).filter(role__in=["contact", "coordinator"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("access", "0001_invitation"),
        ("regions", "0002_unusual_uses_threshold"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="invitation",
            name="invitation_exactly_one_target",
        ),
        migrations.AddField(
            model_name="invitation",
            name="region",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="invitations", to="regions.region", verbose_name="region"),
        ),
        migrations.AddField(
            model_name="invitation",
            name="role",
            field=models.CharField(choices=[("office", "office staff"), ("venue", "venue staff"),
                                            ("contact", "regional contact"), ("coordinator", "national coordinator")],
                                   default="office", max_length=16, verbose_name="role"),
        ),
        migrations.RunPython(roles_from_targets, drop_regional_and_national),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("role", "office"), ("office__isnull", False), ("venue__isnull", True),
                             ("region__isnull", True)),
                    models.Q(("role", "venue"), ("office__isnull", True), ("venue__isnull", False),
                             ("region__isnull", True)),
                    models.Q(("role", "contact"), ("office__isnull", True), ("venue__isnull", True),
                             ("region__isnull", False)),
                    models.Q(("role", "coordinator"), ("office__isnull", True), ("venue__isnull", True),
                             ("region__isnull", True)),
                    _connector="OR",
                ),
                name="invitation_role_matches_target",
            ),
        ),
    ]
