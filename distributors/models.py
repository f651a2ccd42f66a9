from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import ActivePeriod, ActivePeriodQuerySet
from core.scopes import scope_for
from regions.models import Municipality, Region


class Organisation(models.Model):
    """The body an office belongs to: a welfare area, a municipality, an NGO, a parish…"""

    class Kind(models.TextChoices):
        WELFARE_AREA = "welfare_area", _("welfare area")
        MUNICIPALITY = "municipality", _("municipality")
        NGO = "ngo", _("association or foundation")
        PARISH = "parish", _("parish")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class OfficeQuerySet(ActivePeriodQuerySet):
    def visible_to(self, user) -> "OfficeQuerySet":
        scope = scope_for(user)
        if scope.national:
            return self.all()
        return self.filter(Q(region_id__in=scope.region_ids) | Q(pk__in=scope.office_ids))


class Office(ActivePeriod, models.Model):
    """A distributor office (kortinjakaja): a unit that registers cards for its clients."""

    period_start, period_end = "active_from", "active_until"

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="offices"
    )
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="offices")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="offices",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True)
    # What the public region page shows under "where to get the card": only offices that choose to be listed, with
    # the contact they give (never ``email``, which is the office's own address for the network). The same fields
    # as a venue's (venues.Venue).
    public_listing = models.BooleanField(
        _("listed publicly"), default=False,
        help_text=_("Shown on the public region page as a place where people can get the card."),
    )
    public_contact = models.TextField(
        _("public contact"), blank=True, max_length=1000,
        help_text=_("How people get a card here: who may ask, opening hours, whether to book a time."),
    )
    public_phone = models.CharField(_("public phone"), max_length=30, blank=True)
    public_email = models.EmailField(_("public e-mail"), blank=True)
    public_url = models.URLField(_("public web page"), blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("distributor office")
        verbose_name_plural = _("distributor offices")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="office_name_unique_in_organisation"),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=models.F("active_from")),
                name="office_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OfficeMembershipQuerySet(ActivePeriodQuerySet):
    def visible_to(self, user) -> "OfficeMembershipQuerySet":
        scope = scope_for(user)
        if scope.national:
            return self.all()
        return self.filter(Q(office__region_id__in=scope.region_ids) | Q(user_id=scope.user_id))


class OfficeMembership(ActivePeriod, models.Model):
    """Distributor staff: a person working at an office (``ended_on`` = the last day of access)."""

    period_start, period_end = "started_on", "ended_on"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_memberships")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = OfficeMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("office membership")
        verbose_name_plural = _("office memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "office"], condition=Q(ended_on__isnull=True), name="one_active_office_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.office}"
