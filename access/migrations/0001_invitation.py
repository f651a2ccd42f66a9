"""The invitation model moves here from the project package (table ``kaikukanta_invitation``).

A database migrated by the earlier layout keeps its rows: the old table is renamed and its content type
(which the audit log and permissions point to) moves with it. A new database simply gets the table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = "kaikukanta_invitation"


def adopt_or_create(apps, schema_editor):
    invitation = apps.get_model("access", "Invitation")
    if OLD_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.alter_db_table(invitation, OLD_TABLE, invitation._meta.db_table)
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.using(schema_editor.connection.alias).filter(
            app_label="kaikukanta", model="invitation"
        ).update(app_label="access")
    else:
        schema_editor.create_model(invitation)


def give_back(apps, schema_editor):
    invitation = apps.get_model("access", "Invitation")
    schema_editor.alter_db_table(invitation, invitation._meta.db_table, OLD_TABLE)
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="access", model="invitation"
    ).update(app_label="kaikukanta")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("distributors", "0001_initial"),
        ("venues", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("expires_at", models.DateTimeField(verbose_name="expires at")),
                        ("accepted_at", models.DateTimeField(blank=True, null=True, verbose_name="accepted at")),
                        ("accepted_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="accepted by")),
                        ("invited_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="invited by")),
                        ("office", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="invitations", to="distributors.office", verbose_name="office")),
                        ("venue", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="invitations", to="venues.venue", verbose_name="venue")),
                    ],
                    options={
                        "verbose_name": "invitation",
                        "verbose_name_plural": "invitations",
                        "ordering": ["-created_at"],
                        "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("office__isnull", False), ("venue__isnull", True)), models.Q(("office__isnull", True), ("venue__isnull", False)), _connector="OR"), name="invitation_exactly_one_target"), models.CheckConstraint(condition=models.Q(models.Q(("accepted_at__isnull", True), ("accepted_by__isnull", True)), ("accepted_at__isnull", False), _connector="OR"), name="invitation_accepted_by_only_when_accepted")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(adopt_or_create, give_back),
    ]
