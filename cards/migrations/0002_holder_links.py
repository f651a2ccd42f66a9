# The holder's own mobile card (issue 14): activation code, withdrawable link, live-code secret; hashes only.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cards', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ActivationAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='at')),
                ('number', models.CharField(max_length=40, verbose_name='number as entered')),
                ('result', models.CharField(help_text="'activated' or the refusal code.", max_length=40, verbose_name='result')),
            ],
            options={
                'verbose_name': 'activation attempt',
                'verbose_name_plural': 'activation attempts',
                'ordering': ['-at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='card',
            name='activation_code_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='activation code (hashed)'),
        ),
        migrations.AddField(
            model_name='card',
            name='activation_code_issued_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='activation code issued at'),
        ),
        migrations.AddField(
            model_name='card',
            name='activation_code_used_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='activation code used at'),
        ),
        migrations.AddField(
            model_name='card',
            name='live_secret',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='live code secret'),
        ),
        migrations.AddField(
            model_name='card',
            name='mobile_link_issued_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='mobile link issued at'),
        ),
        migrations.AddField(
            model_name='card',
            name='mobile_link_withdrawn_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='mobile link withdrawn at'),
        ),
        migrations.AddField(
            model_name='card',
            name='mobile_token_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='mobile link (hashed)'),
        ),
        migrations.AlterField(
            model_name='cardevent',
            name='kind',
            field=models.CharField(choices=[('issued', 'issued'), ('renewed', 'renewed'), ('replaced', 'replaced'), ('inactivated', 'inactivated'), ('printed', 'printed'), ('mobile_link', 'mobile card link shown'), ('reduced', 'reduced to statistics'), ('imported', 'imported'), ('activation_code', 'activation code issued'), ('activated', 'mobile card activated'), ('link_withdrawn', 'mobile link withdrawn')], max_length=16, verbose_name='event'),
        ),
        migrations.AddConstraint(
            model_name='card',
            constraint=models.UniqueConstraint(condition=models.Q(('mobile_token_hash', ''), _negated=True), fields=('mobile_token_hash',), name='card_mobile_token_unique'),
        ),
        migrations.AddField(
            model_name='activationattempt',
            name='card',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='activation_attempts', to='cards.card'),
        ),
    ]
