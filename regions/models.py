import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.periods import ActivePeriod, ActivePeriodQuerySet
from core.scopes import scope_for


class WelfareArea(models.Model):
    """Hyvinvointialue (wellbeing services county), 2021 classification."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name_fi = models.CharField(_("name (Finnish)"), max_length=120)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120, blank=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("welfare area")
        verbose_name_plural = _("welfare areas")

    def __str__(self) -> str:
        return self.name_sv if get_language() == "sv" and self.name_sv else self.name_fi


class RegionQuerySet(ActivePeriodQuerySet):
    def visible_to(self, user) -> "RegionQuerySet":
        scope = scope_for(user)
        if scope.national:
            return self.all()
        return self.filter(
            Q(pk__in=scope.region_ids) | Q(offices__pk__in=scope.office_ids) | Q(venues__pk__in=scope.venue_ids)
        ).distinct()


class Region(ActivePeriod, models.Model):
    """A local Kaikukortti network (Kaikukortti-alue): one or more municipalities."""

    period_start, period_end = "active_from", "active_until"

    name = models.CharField(_("name"), max_length=120, unique=True)
    pilot = models.BooleanField(
        _("pilot"), default=False,
        help_text=_("A pilot runs for a fixed period (it has an end date); a permanent network runs from a date on."),
    )
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True, help_text=_("Empty = permanent."))
    local_only = models.BooleanField(
        _("local only"), default=False, help_text=_("Its venues take only its own cards and its cards work only there.")
    )
    default_validity_days = models.PositiveIntegerField(
        _("default validity (days)"), null=True, blank=True, help_text=_("Empty = national default.")
    )
    default_valid_until = models.DateField(
        _("cards valid until"), null=True, blank=True, help_text=_("A fixed end date for new cards, e.g. a pilot end.")
    )
    # The region page's own text (where and how to get the card locally, news), in fi/sv/en like the name
    # (regions/translation.py).
    public_text = models.TextField(_("public text"), blank=True, max_length=4000)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=models.F("active_from")),
                name="region_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(pilot=False) | Q(active_until__isnull=False), name="region_pilot_has_end"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def in_network_on(self, day: datetime.date) -> "MunicipalityQuerySet":
        return self.filter(Region.active_q(day, prefix="region__"))


class Municipality(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True, help_text=_("Official 3-digit code."))
    name_fi = models.CharField(_("name (Finnish)"), max_length=80)
    name_sv = models.CharField(_("name (Swedish)"), max_length=80, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    welfare_area = models.ForeignKey(
        WelfareArea, verbose_name=_("welfare area"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="municipalities",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="municipalities",
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{3}$"), name="municipality_code_3_digits"),
        ]

    def __str__(self) -> str:
        return self.name_sv if get_language() == "sv" and self.name_sv else self.name_fi


class RegionContactPerson(models.Model):
    """One of a region's two named contact persons (vastuuhenkilö), shown on the public region page: one from the
    culture side, one from the social and health side. Public contact details only, chosen by the region."""

    class Side(models.TextChoices):
        CULTURE = "culture", _("culture")
        SOCIAL = "social", _("social and health services")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE,
                               related_name="contact_persons")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["region", "side"]
        verbose_name = _("regional contact person")
        verbose_name_plural = _("regional contact persons")
        constraints = [
            models.UniqueConstraint(fields=["region", "side"], name="one_contact_person_per_side"),
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="contact_person_reachable"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_side_display()})"


_local_settings: dict = {}  # {"held": (valid until (monotonic), NationalSettings)}, per process


class NationalSettings(models.Model):
    """The single row of national rule parameters (child age limit, windows, retention…)."""

    child_age_limit = models.PositiveSmallIntegerField(
        _("child age limit"), default=18,
        help_text=_("A cardholder's own children and grandchildren younger than this get free tickets with them (R5)."),
    )
    holder_min_age = models.PositiveSmallIntegerField(
        _("holder minimum age"), default=16,
        help_text=_("A card is issued to a person who is at least this old or turns this age this year (R1)."),
    )
    group_min = models.PositiveSmallIntegerField(
        _("community group minimum"), default=2,
        help_text=_("The smallest group a community card's user accompanies as a group (R6); one person alone is "
                    "always allowed."),
    )
    group_max = models.PositiveSmallIntegerField(
        _("community group maximum"), default=5,
        help_text=_("The largest group a community card's user accompanies (R6)."),
    )
    default_validity_days = models.PositiveIntegerField(
        _("default validity (days)"), default=365,
        help_text=_("How long a new or renewed card is valid, unless its region sets its own validity (R3)."),
    )
    cancel_window_days = models.PositiveIntegerField(
        _("cancellation window (days)"), default=14,
        help_text=_("For how many days after a use the venue may still cancel it (R11)."),
    )
    late_entry_days = models.PositiveIntegerField(
        _("late-entry window (days)"), default=30,
        help_text=_("How old a paper-logged use may be when it is entered afterwards (R11)."),
    )
    retention_days = models.PositiveIntegerField(
        _("retention after expiry (days)"), default=730,
        help_text=_("After how many days an expired or inactive card is reduced to statistics (R13)."),
    )
    unusual_uses_per_week = models.PositiveSmallIntegerField(
        _("unusual uses per week"), default=5,
        help_text=_("A card with more uses than this in one week is listed for the regional contact to look at."),
    )

    CACHE_KEY = "national-settings:1"
    CACHE_SECONDS = 300
    LOCAL_SECONDS = 10

    class Meta:
        verbose_name = _("national settings")
        verbose_name_plural = _("national settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="national_settings_singleton"),
            models.CheckConstraint(
                condition=Q(group_min__gte=1) & Q(group_max__gte=models.F("group_min")), name="group_size_ordered"
            ),
        ]

    def __str__(self) -> str:
        return str(_("National settings"))

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.forget_cached()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.forget_cached()
        return result

    @classmethod
    def current(cls) -> "NationalSettings":
        """The row, read from the shared cache and kept in the process for a few seconds: every check
        and log at a counter asks for it.

        ``save()`` and ``delete()`` drop the cached copies (the shared one again after the commit, so a
        reader that raced the change cannot keep the old one); other processes see a change within
        ``LOCAL_SECONDS``, a change made past them (raw SQL) within ``CACHE_SECONDS``.
        """
        held = _local_settings.get("held")
        if held is not None and held[0] > time.monotonic():
            return held[1]
        obj = cache.get(cls.CACHE_KEY)
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, obj, cls.CACHE_SECONDS)
        _local_settings["held"] = (time.monotonic() + cls.LOCAL_SECONDS, obj)
        return obj

    @classmethod
    def forget_cached(cls) -> None:
        _local_settings.clear()
        cache.delete(cls.CACHE_KEY)
        transaction.on_commit(lambda: (_local_settings.clear(), cache.delete(cls.CACHE_KEY)))


class RegionMembership(ActivePeriod, models.Model):
    """A person's role in a region (regional contact) or in the national team (coordinator)."""

    period_start, period_end = "started_on", "ended_on"

    class Role(models.TextChoices):
        CONTACT = "contact", _("regional contact")
        COORDINATOR = "coordinator", _("national coordinator")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_memberships")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CONTACT)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = ActivePeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("region membership")
        verbose_name_plural = _("region memberships")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="contact") & Q(region__isnull=False))
                | (Q(role="coordinator") & Q(region__isnull=True)),
                name="region_membership_role_matches_region",
            ),
            models.UniqueConstraint(
                fields=["user", "region"], condition=Q(ended_on__isnull=True), name="one_active_region_membership"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_on__isnull=True, role="coordinator"),
                name="one_active_coordinator_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.region or self.get_role_display()}"
