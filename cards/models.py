import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scopes import scope_for
from distributors.models import Office
from regions.models import Municipality, Region
from venues.models import Offer, StatGroup, Venue

from . import numbers


class CardQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CardQuerySet":
        """Distributor staff: their offices' cards; regional contacts: their regions'; venue staff: none.

        Venue staff reach one exact card number at a time through ``card_check`` only.
        """
        scope = scope_for(user)
        if scope.national:
            return self.all()
        return self.filter(Q(office_id__in=scope.office_ids) | Q(region_id__in=scope.region_ids))


class Card(models.Model):
    """A Kaikukortti. Privacy first: no name, no identity code, no date of birth, no address."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("personal card")
        COMMUNITY = "community", _("community card")

    class Format(models.TextChoices):
        PAPER = "paper", _("paper")
        MOBILE = "mobile", _("mobile")
        BOTH = "both", _("paper and mobile")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")

    class InactiveReason(models.TextChoices):
        LOST = "lost", _("lost")
        REPLACED = "replaced", _("replaced")
        RETURNED = "returned", _("returned")
        OTHER = "other", _("other")

    class Gender(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")
        UNDISCLOSED = "undisclosed", _("prefers not to say")

    class LifeSituation(models.TextChoices):
        UNEMPLOYED = "unemployed", _("unemployed")
        STUDENT = "student", _("student")
        PENSIONER = "pensioner", _("pensioner")
        FAMILY = "family", _("family with children")
        IMMIGRANT = "immigrant", _("recently moved to Finland")
        REHABILITATION = "rehabilitation", _("in rehabilitation")
        OTHER = "other", _("other")

    class Language(models.TextChoices):
        FI = "fi", "suomi"
        SV = "sv", "svenska"
        EN = "en", "English"

    number = models.CharField(_("card number"), max_length=numbers.LENGTH, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSONAL)
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="cards")
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="cards",
        help_text=_("The issuing office's region; decides where a local-only card works."),
    )
    home_municipality = models.ForeignKey(
        Municipality, verbose_name=_("home municipality"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="cards",
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, default=Format.PAPER)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FI)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    inactive_reason = models.CharField(_("inactivation reason"), max_length=10, choices=InactiveReason.choices,
                                       blank=True)
    inactivated_on = models.DateField(_("inactivated on"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self", verbose_name=_("replaces"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    first_used_on = models.DateField(_("first used on"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    life_situation = models.CharField(_("life situation"), max_length=16, choices=LifeSituation.choices, blank=True)
    wellbeing_at_issue = models.PositiveSmallIntegerField(_("wellbeing at issue (1–5)"), null=True, blank=True)
    wellbeing_at_renewal = models.PositiveSmallIntegerField(_("wellbeing at renewal (1–5)"), null=True, blank=True)
    reduced_on = models.DateField(
        _("reduced to statistics on"), null=True, blank=True,
        help_text=_("Retention (R13): personal-ish fields were cleared; only statistics remain."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The holder's own mobile card (issue 14): only hashes and a server-side secret, no personal data.
    activation_code_hash = models.CharField(_("activation code (hashed)"), max_length=64, blank=True, editable=False)
    activation_code_issued_at = models.DateTimeField(_("activation code issued at"), null=True, blank=True,
                                                     editable=False)
    activation_code_used_at = models.DateTimeField(_("activation code used at"), null=True, blank=True,
                                                   editable=False)
    mobile_token_hash = models.CharField(_("mobile link (hashed)"), max_length=64, blank=True, editable=False)
    mobile_link_issued_at = models.DateTimeField(_("mobile link issued at"), null=True, blank=True, editable=False)
    mobile_link_withdrawn_at = models.DateTimeField(_("mobile link withdrawn at"), null=True, blank=True,
                                                    editable=False)
    live_secret = models.CharField(_("live code secret"), max_length=64, blank=True, editable=False)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("issued_on")), name="card_validity_ordered"),
            models.CheckConstraint(
                condition=Q(kind="community") | Q(reduced_on__isnull=False)
                | (Q(birth_year__isnull=False) & Q(home_municipality__isnull=False)),
                name="personal_card_has_birth_year_and_municipality",
            ),
            models.CheckConstraint(condition=Q(kind="personal") | Q(children=0), name="community_card_no_children"),
            models.CheckConstraint(
                condition=(Q(status="active") & Q(inactive_reason="") & Q(inactivated_on__isnull=True))
                | (Q(status="inactive") & ~Q(inactive_reason="") & Q(inactivated_on__isnull=False)),
                name="card_status_matches_reason",
            ),
            models.CheckConstraint(condition=Q(children__lte=20), name="card_children_bounded"),
            models.UniqueConstraint(fields=["mobile_token_hash"], condition=~Q(mobile_token_hash=""),
                                    name="card_mobile_token_unique"),
            models.CheckConstraint(
                condition=Q(wellbeing_at_issue__isnull=True) | Q(wellbeing_at_issue__range=(1, 5)),
                name="card_wellbeing_issue_range",
            ),
            models.CheckConstraint(
                condition=Q(wellbeing_at_renewal__isnull=True) | Q(wellbeing_at_renewal__range=(1, 5)),
                name="card_wellbeing_renewal_range",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "status", "valid_until"], name="card_office_status_idx"),
            models.Index(fields=["region", "issued_on"], name="card_region_issued_idx"),
            models.Index(fields=["status", "valid_until"], name="card_status_valid_idx"),
        ]

    def __str__(self) -> str:
        return numbers.display(self.number)

    @property
    def display_number(self) -> str:
        return numbers.display(self.number)

    def is_expired_on(self, day: datetime.date) -> bool:
        """R3: past its ``valid_until`` on ``day`` (whether it is still active is ``status``)."""
        return self.valid_until < day

    @property
    def is_expired(self) -> bool:
        """R3: expired today; what the card pages and lists show, so no template compares dates itself."""
        return self.is_expired_on(timezone.localdate())


class CardEvent(models.Model):
    """The card's history: issue, renewal, replacement, inactivation, printing, mobile link."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("issued")
        RENEWED = "renewed", _("renewed")
        REPLACED = "replaced", _("replaced")
        INACTIVATED = "inactivated", _("inactivated")
        PRINTED = "printed", _("printed")
        MOBILE_LINK = "mobile_link", _("mobile card link shown")
        REDUCED = "reduced", _("reduced to statistics")
        IMPORTED = "imported", _("imported")
        ACTIVATION_CODE = "activation_code", _("activation code issued")
        ACTIVATED = "activated", _("mobile card activated")
        LINK_WITHDRAWN = "link_withdrawn", _("mobile link withdrawn")

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    office = models.ForeignKey(Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("card event")
        verbose_name_plural = _("card events")

    def __str__(self) -> str:
        return f"{self.card} {self.get_kind_display()}"


class UseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "UseQuerySet":
        """Venue staff: their venue's uses; distributors: uses of their cards; contacts: their region's."""
        scope = scope_for(user)
        if scope.national:
            return self.all()
        return self.filter(
            Q(venue_id__in=scope.venue_ids)
            | Q(card__office_id__in=scope.office_ids)
            | Q(venue_region_id__in=scope.region_ids)
            | Q(card_region_id__in=scope.region_ids)
        )

    def counted(self) -> "UseQuerySet":
        """Uses that count in statistics (not cancelled)."""
        return self.filter(cancelled_at__isnull=True)


class Use(models.Model):
    """One logged free ticket or course place (käyttökerta), with the children it covered."""

    class Kind(models.TextChoices):
        TICKET = "ticket", _("ticket")
        COURSE = "course", _("course place")

    class Channel(models.TextChoices):
        COUNTER = "counter", _("counter")
        API = "api", _("ticketing system")
        LATE = "late", _("late entry")
        IMPORT = "import", _("import")

    card = models.ForeignKey(Card, verbose_name=_("card"), on_delete=models.PROTECT, related_name="uses")
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="uses")
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="uses")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TICKET)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    group_size = models.PositiveSmallIntegerField(
        _("group size"), null=True, blank=True, help_text=_("Community card: cardholders in the accompanied group.")
    )
    used_on = models.DateField(_("used on"))
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.COUNTER)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)
    # Denormalised at logging time for statistics without joins (values never change afterwards).
    card_kind = models.CharField(max_length=10, choices=Card.Kind.choices, editable=False)
    card_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    venue_region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+", editable=False)
    stat_group = models.CharField(max_length=10, choices=StatGroup.choices, editable=False)

    objects = UseQuerySet.as_manager()

    class Meta:
        ordering = ["-used_on", "-logged_at"]
        verbose_name = _("use")
        verbose_name_plural = _("uses")
        constraints = [
            models.CheckConstraint(condition=Q(kind="ticket") | Q(children=0), name="course_has_no_children"),
            models.CheckConstraint(condition=Q(kind="ticket") | Q(card_kind="personal"), name="course_needs_personal"),
            models.CheckConstraint(condition=Q(children__lte=50), name="use_children_bounded"),
            models.CheckConstraint(
                condition=Q(card_kind="community") | Q(group_size__isnull=True), name="group_size_only_community"
            ),
            models.CheckConstraint(
                condition=(Q(cancelled_at__isnull=True) & Q(cancel_reason=""))
                | (Q(cancelled_at__isnull=False) & ~Q(cancel_reason="")),
                name="use_cancel_has_reason",
            ),
            models.UniqueConstraint(
                fields=["venue", "idempotency_key"], condition=~Q(idempotency_key=""), name="use_idempotent_per_venue"
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "used_on"], name="use_venue_day_idx"),
            models.Index(fields=["card", "used_on"], name="use_card_day_idx"),
            models.Index(fields=["used_on", "venue_region"], name="use_day_region_idx"),
            models.Index(fields=["card_region", "used_on"], name="use_card_region_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.card} @ {self.venue} {self.used_on}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class CardCheck(models.Model):
    """Typed audit record of every counter card check (R12): who, where, which number, what result."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.SET_NULL,
                             related_name="+")
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), null=True, on_delete=models.SET_NULL,
                              related_name="card_checks")
    number = models.CharField(_("number as entered"), max_length=40)
    card = models.ForeignKey(Card, null=True, blank=True, on_delete=models.SET_NULL, related_name="checks")
    result = models.CharField(_("result"), max_length=40, help_text=_("'valid' or the refusal code."))
    channel = models.CharField(_("channel"), max_length=8, choices=Use.Channel.choices, default=Use.Channel.COUNTER)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("card check")
        verbose_name_plural = _("card checks")
        indexes = [models.Index(fields=["user", "at"], name="cardcheck_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.result}"

    @property
    def valid(self) -> bool:
        return self.result == "valid"


class ImportJob(models.Model):
    """One bulk import of a file (issue 15): stored in ``STORAGES["private"]``, validated by a Celery task
    (``cards.tasks``), then written on confirmation as the second step of the same job, all rows or none.

    ``status`` goes queued → validating → validated (or refused / failed) → writing → done (or failed). The
    file's SHA-256 with the office is unique among finished imports: the same file twice writes nothing.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        VALIDATING = "validating", _("checking")
        VALIDATED = "validated", _("checked, waiting for confirmation")
        REFUSED = "refused", _("refused")
        WRITING = "writing", _("saving")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    filename = models.CharField(_("file name"), max_length=200)
    file = models.CharField(_("stored file"), max_length=255, help_text=_("Name in the default storage."))
    rows_file = models.CharField(_("validated rows"), max_length=255, blank=True,
                                 help_text=_("JSON lines of the validated rows, in the default storage."))
    sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_refused = models.PositiveIntegerField(_("refused rows"), default=0)
    cards_created = models.PositiveIntegerField(_("cards created"), default=0)
    preview = models.JSONField(_("first rows"), default=list, blank=True)
    errors = models.JSONField(_("refused rows"), default=list, blank=True,
                              help_text=_("[line, column, code] of every refused row."))
    error = models.CharField(_("error"), max_length=64, blank=True, help_text=_("Code of a whole-file refusal."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    step_started_at = models.DateTimeField(
        _("step started at"), default=timezone.now,
        help_text=_("When a worker took the current step, or the write was confirmed: a job checking or saving much "
                    "longer than its time limit lost its worker and is marked failed."))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("card import")
        verbose_name_plural = _("card imports")
        constraints = [
            models.UniqueConstraint(fields=["office", "sha256"], condition=Q(status="done"),
                                    name="importjob_file_once_per_office"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} {self.status}"


class ActivationAttempt(models.Model):
    """Typed audit record of every attempt to activate a mobile card (issue 14): when, which number, what result.

    No address is kept (the rate limit counts hashed addresses in the cache only) and nothing about the holder.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    number = models.CharField(_("number as entered"), max_length=40)
    card = models.ForeignKey(Card, null=True, blank=True, on_delete=models.SET_NULL, related_name="activation_attempts")
    result = models.CharField(_("result"), max_length=40, help_text=_("'activated' or the refusal code."))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("activation attempt")
        verbose_name_plural = _("activation attempts")

    def __str__(self) -> str:
        return f"{self.number} {self.result}"


class DailyCount(models.Model):
    """Uses of one day kept counted as they are logged and cancelled (issue 17, point 5), so that no dashboard
    request recounts a day: ``cards.counts`` adds to these rows in the same transaction as the use, in one
    ``INSERT … ON CONFLICT DO UPDATE`` statement, and ``cards.counts.rebuild`` recounts them from the uses.

    Two sides, each row one key: ``v`` (venue side: venue, its region, statistics group, card region and kind)
    and ``o`` (origin side: the card's office, home municipality, region and kind). The origin side also counts
    the uses that are their card's first counted use of the month, quarter or year (``new_*``) and ever
    (``taken``): summed, they give distinct cardholders and cards taken into use without reading the uses.
    Plain integer keys (0 = none: pop-up venue, community card without a home municipality, the other side).
    """

    class Side(models.TextChoices):
        VENUE = "v", _("venue side")
        ORIGIN = "o", _("card origin side")

    day = models.DateField(_("day"))
    side = models.CharField(_("side"), max_length=1, choices=Side.choices)
    venue = models.PositiveIntegerField(_("venue"), default=0)
    venue_region = models.PositiveIntegerField(_("venue region"), default=0)
    stat_group = models.CharField(max_length=10, blank=True)
    office = models.PositiveIntegerField(_("office"), default=0)
    home = models.PositiveIntegerField(_("home municipality"), default=0)
    card_region = models.PositiveIntegerField(_("card region"))
    card_kind = models.CharField(max_length=10, choices=Card.Kind.choices)
    # Signed: a cancellation subtracts, and the rows of days already rolled up are pruned by the rollup.
    uses = models.IntegerField(default=0)
    children = models.IntegerField(default=0)
    new_month = models.IntegerField(default=0)
    new_quarter = models.IntegerField(default=0)
    new_year = models.IntegerField(default=0)
    taken = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily use count")
        verbose_name_plural = _("daily use counts")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "side", "venue", "venue_region", "stat_group", "office", "home", "card_region",
                        "card_kind"],
                name="dailycount_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.side} {self.uses}"


class WellbeingAnswer(models.Model):
    """Every wellbeing answer (1–5) with its date and occasion (issue 17, point 1).

    ``first_value`` is the holder's first answer when this one is a later one, and ``latest`` marks the card's
    newest answer, so the change between the first and the latest answer is read from the latest rows alone.
    Retention (R13, ``cards.retention``) deletes a reduced card's earlier answers and unlinks its latest one:
    what stays (year, region, home municipality, first and latest value) is the aggregate's input and no longer
    says whose it is.
    """

    class Occasion(models.TextChoices):
        ISSUE = "issue", _("issue")
        RENEWAL = "renewal", _("renewal")

    card = models.ForeignKey(Card, verbose_name=_("card"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="wellbeing_answers")
    answered_on = models.DateField(_("answered on"))
    occasion = models.CharField(_("occasion"), max_length=8, choices=Occasion.choices)
    value = models.PositiveSmallIntegerField(_("answer (1–5)"))
    first_value = models.PositiveSmallIntegerField(_("first answer (1–5)"), null=True, blank=True)
    latest = models.BooleanField(_("latest answer"), default=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    home_municipality = models.ForeignKey(Municipality, verbose_name=_("home municipality"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["answered_on", "pk"]
        verbose_name = _("wellbeing answer")
        verbose_name_plural = _("wellbeing answers")
        constraints = [
            models.CheckConstraint(condition=Q(value__range=(1, 5)), name="wellbeing_answer_range"),
            models.CheckConstraint(condition=Q(first_value__isnull=True) | Q(first_value__range=(1, 5)),
                                   name="wellbeing_first_range"),
        ]
        indexes = [
            models.Index(fields=["answered_on", "region"], condition=Q(latest=True),
                         name="wellbeing_latest_idx"),
            models.Index(fields=["card", "answered_on"], name="wellbeing_card_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.answered_on} {self.occasion} {self.value}"
