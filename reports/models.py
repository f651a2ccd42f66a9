"""Statistics rollups, export records and generated report files.

The rollup tables are derived data: ``reports.services.rollup_rebuild`` fills them from the raw
cards and uses, and may delete and rebuild any of their rows at any time. They hold every day
*before* ``RollupState.cutoff``; the days from the cutoff on (normally just today) are counted live
from the raw uses, so figures are always complete while dashboards read only small tables for the
past. See ``reports.selectors`` for the definitions of every figure.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cards.models import Card
from core.errors import MESSAGES
from distributors.models import Office
from regions.models import Municipality, Region
from venues.models import StatGroup, Venue

from .storage import PrivateStorage


class RollupState(models.Model):
    """The single row saying how far the rollup tables reach; locked while a rollup runs."""

    cutoff = models.DateField(_("rollups hold days before"), null=True, blank=True)
    as_of = models.DateTimeField(_("raw data read at"), null=True, blank=True)
    full_built_at = models.DateTimeField(_("last full rebuild"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup state")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="rollup_state_singleton")]

    def __str__(self) -> str:
        return f"{self.cutoff}"


class RollupRun(models.Model):
    """History of rollup runs (nightly, on demand, full), shown on the national dashboard."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    full = models.BooleanField(_("full rebuild"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    cutoff = models.DateField(_("rollups hold days before"), null=True, blank=True)
    months = models.JSONField(_("months rebuilt"), default=list, blank=True)
    cards_touched = models.PositiveIntegerField(_("cards recounted"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0,
                                                help_text=_("Times a worker started this run or it was re-queued."))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


# Rollup foreign keys carry no database constraint: the rows are derived from rows that already
# satisfy them, and bulk rebuilds would otherwise pay a trigger per row and key.


class UseMonthly(models.Model):
    """Counted uses per month × attributed region × venue × statistics group × card kind × cross-region."""

    month = models.DateField(_("month"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               help_text=_("The venue's region; for pop-up venues the card's region."))
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    stat_group = models.CharField(max_length=10, choices=StatGroup.choices)
    card_kind = models.CharField(max_length=10, choices=Card.Kind.choices)
    cross_region = models.BooleanField(default=False)
    uses = models.PositiveIntegerField(default=0)
    adults = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly uses by venue")
        verbose_name_plural = _("monthly uses by venue")
        indexes = [models.Index(fields=["month", "region"], name="usemonthly_month_region_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.venue_id} {self.uses}"


class UseOriginMonthly(models.Model):
    """Counted uses per month × the card's region, issuing office and home municipality."""

    month = models.DateField(_("month"))
    card_region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    home_municipality = models.ForeignKey(Municipality, null=True, on_delete=models.CASCADE, related_name="+",
                                          db_constraint=False)
    card_kind = models.CharField(max_length=10, choices=Card.Kind.choices)
    uses = models.PositiveIntegerField(default=0)
    adults = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly uses by card origin")
        verbose_name_plural = _("monthly uses by card origin")
        indexes = [models.Index(fields=["month", "card_region"], name="useorigin_month_region_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id} {self.uses}"


class CardMonthly(models.Model):
    """Cards registered (by issue month) and taken into use (by first counted use) per office.

    A key may have two rows, one carrying ``registered`` and one ``taken_into_use``: readers sum.
    """

    month = models.DateField(_("month"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    home_municipality = models.ForeignKey(Municipality, null=True, on_delete=models.CASCADE, related_name="+",
                                          db_constraint=False)
    card_kind = models.CharField(max_length=10, choices=Card.Kind.choices)
    registered = models.PositiveIntegerField(default=0)
    taken_into_use = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly cards")
        verbose_name_plural = _("monthly cards")
        indexes = [models.Index(fields=["month", "region"], name="cardmonthly_month_region_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.office_id} {self.registered}/{self.taken_into_use}"


class UseOriginYearly(models.Model):
    """``UseOriginMonthly`` summed per calendar year, for whole-year periods (the default view)."""

    year = models.PositiveSmallIntegerField()
    card_region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    home_municipality = models.ForeignKey(Municipality, null=True, on_delete=models.CASCADE, related_name="+",
                                          db_constraint=False)
    card_kind = models.CharField(max_length=10, choices=Card.Kind.choices)
    uses = models.PositiveIntegerField(default=0)
    adults = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("yearly uses by card origin")
        verbose_name_plural = _("yearly uses by card origin")
        indexes = [models.Index(fields=["year", "card_region"], name="useoriginyear_year_region_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.office_id} {self.uses}"


class CardYearly(models.Model):
    """``CardMonthly`` summed per calendar year, for whole-year periods (the default view)."""

    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    home_municipality = models.ForeignKey(Municipality, null=True, on_delete=models.CASCADE, related_name="+",
                                          db_constraint=False)
    card_kind = models.CharField(max_length=10, choices=Card.Kind.choices)
    registered = models.PositiveIntegerField(default=0)
    taken_into_use = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("yearly cards")
        verbose_name_plural = _("yearly cards")
        indexes = [models.Index(fields=["year", "region"], name="cardyearly_year_region_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.office_id} {self.registered}/{self.taken_into_use}"


class HolderYear(models.Model):
    """One row per card and calendar year with counted uses: which months it was used in.

    Distinct counts (active cardholders) do not add up across months, so they are kept per card:
    ``months`` is a bit mask (bit 0 = January), which answers "used in any of these months?" for
    any run of months. ``is_first`` marks the card's first year of use and ``first_used`` the
    first counted use of that year, which gives "taken into use".
    """

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    year = models.PositiveSmallIntegerField()
    months = models.PositiveIntegerField()
    first_used = models.DateField()
    is_first = models.BooleanField(default=False)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    home_municipality = models.ForeignKey(Municipality, null=True, on_delete=models.CASCADE, related_name="+",
                                          db_constraint=False)
    card_kind = models.CharField(max_length=10, choices=Card.Kind.choices)

    class Meta:
        verbose_name = _("card activity by year")
        verbose_name_plural = _("card activity by year")
        constraints = [
            models.UniqueConstraint(fields=["card", "year"], name="holderyear_card_year_unique"),
            models.CheckConstraint(condition=Q(months__gt=0) & Q(months__lt=4096), name="holderyear_months_mask"),
        ]
        indexes = [
            models.Index(fields=["year", "region"], name="holderyear_year_region_idx"),
            models.Index(fields=["first_used"], condition=Q(is_first=True), name="holderyear_first_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.year} {self.months:012b}"


class HolderCounts(models.Model):
    """Active personal cardholders per year × card region × office × home municipality, precounted
    for every month (``mNN``), quarter (``qN``) and January-to-month run (``toNN``) from ``HolderYear``,
    so the usual dashboard periods read a few thousand rows instead of one row per card.
    """

    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    home_municipality = models.ForeignKey(Municipality, null=True, on_delete=models.CASCADE, related_name="+",
                                          db_constraint=False)
    m01 = models.PositiveIntegerField(default=0)
    m02 = models.PositiveIntegerField(default=0)
    m03 = models.PositiveIntegerField(default=0)
    m04 = models.PositiveIntegerField(default=0)
    m05 = models.PositiveIntegerField(default=0)
    m06 = models.PositiveIntegerField(default=0)
    m07 = models.PositiveIntegerField(default=0)
    m08 = models.PositiveIntegerField(default=0)
    m09 = models.PositiveIntegerField(default=0)
    m10 = models.PositiveIntegerField(default=0)
    m11 = models.PositiveIntegerField(default=0)
    m12 = models.PositiveIntegerField(default=0)
    q1 = models.PositiveIntegerField(default=0)
    q2 = models.PositiveIntegerField(default=0)
    q3 = models.PositiveIntegerField(default=0)
    q4 = models.PositiveIntegerField(default=0)
    to02 = models.PositiveIntegerField(default=0)
    to03 = models.PositiveIntegerField(default=0)
    to04 = models.PositiveIntegerField(default=0)
    to05 = models.PositiveIntegerField(default=0)
    to06 = models.PositiveIntegerField(default=0)
    to07 = models.PositiveIntegerField(default=0)
    to08 = models.PositiveIntegerField(default=0)
    to09 = models.PositiveIntegerField(default=0)
    to10 = models.PositiveIntegerField(default=0)
    to11 = models.PositiveIntegerField(default=0)
    to12 = models.PositiveIntegerField(default=0, help_text=_("The whole year."))

    class Meta:
        verbose_name = _("cardholder counts by year")
        verbose_name_plural = _("cardholder counts by year")
        indexes = [models.Index(fields=["year", "region"], name="holdercounts_year_region_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.office_id} {self.to12}"

    @staticmethod
    def column_masks() -> dict[str, int]:
        """Each column and the month bits it counts (a card counts once if any bit is set)."""
        masks = {f"m{m:02d}": 1 << (m - 1) for m in range(1, 13)}
        masks |= {f"q{q}": 0b111 << (3 * (q - 1)) for q in range(1, 5)}
        masks |= {f"to{m:02d}": (1 << m) - 1 for m in range(2, 13)}
        return masks


class ExportRecord(models.Model):
    """R12: every export — who, when, what (view, format, filters, rows). Also in the audit log."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(_("what"), max_length=40)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), blank=True, related_name="+")
    national = models.BooleanField(_("national"), default=False)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("export record")
        verbose_name_plural = _("export records")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}.{self.format}"


# How long a file may wait in the queue before its page says so and offers to queue it again.
QUEUED_TOO_LONG = datetime.timedelta(minutes=5)


class ReportFile(models.Model):
    """A generated file: a large export run as a task, a monthly regional or an annual national report.

    Files live in private storage and are downloaded through a scoped view, never from /media/.
    """

    class Kind(models.TextChoices):
        USES = "uses", _("uses (row per use)")
        DASHBOARD = "dashboard", _("dashboard figures")
        MONTHLY_REGIONAL = "monthly_regional", _("monthly regional report")
        ANNUAL_NATIONAL = "annual_national", _("annual national report")
        WELFARE = "welfare", _("municipal welfare report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("in progress")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=ExportRecord.Format.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", help_text=_("Empty = national."))
    params = models.JSONField(_("filters"), default=dict, blank=True)
    period_key = models.CharField(_("period"), max_length=20, blank=True,
                                  help_text=_("Scheduled reports: the month or year reported, e.g. 2025-09."))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", storage=PrivateStorage(), blank=True,
                            max_length=255)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("current attempt since"), default=timezone.now,
                                      help_text=_("When the file was last queued or started; the sweep re-queues "
                                                  "a file queued or running much longer than its time limit."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0,
                                                help_text=_("Times a worker started this file or it was re-queued."))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("contacts notified at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "format", "region", "period_key"],
                condition=Q(kind="monthly_regional"),
                name="one_scheduled_report_per_period",
            ),
            models.CheckConstraint(condition=Q(progress__lte=models.F("total")) | Q(total=0),
                                   name="reportfile_progress_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_key} {self.format}"

    @property
    def failure_message(self) -> str:
        """The reason shown to the requester when ``error`` holds a stable code (such as ``job_interrupted``)."""
        return str(MESSAGES.get(self.error, "")) if self.status == self.Status.FAILED else ""

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0

    @property
    def waits_too_long(self) -> bool:
        """Still queued ``QUEUED_TOO_LONG`` after it was (last) queued: a worker normally picks a file up within
        seconds, so the page says so and offers to queue it again (``services.report_file_retry``). Long before
        the stuck-job sweep, which waits for the task's whole time limit."""
        return self.status == self.Status.QUEUED and self.started_at < timezone.now() - QUEUED_TOO_LONG
