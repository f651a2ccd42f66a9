import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scopes import scope_for


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InvitationQuerySet":
        """Regional contacts see invitations into their region's offices, venues and contacts; coordinators all
        (the national team's included)."""
        scope = scope_for(user)
        if scope.national:
            return self.all()
        return self.filter(
            Q(office__region_id__in=scope.region_ids) | Q(venue__region_id__in=scope.region_ids)
            | Q(region_id__in=scope.region_ids)
        )

    def pending(self, now: datetime.datetime | None = None) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A person invited by e-mail into a role (an access grant, R12): staff of an office or a venue, a region's
    contact or a national coordinator. ``role`` names the role and exactly the field it needs is set: ``office``,
    ``venue``, ``region`` (a contact) or none (the national team). Who may invite whom is
    ``access.permissions.may_invite``.

    Only a SHA-256 digest of the token is stored: the link in the e-mail is the only copy of the secret.
    """

    class Role(models.TextChoices):
        OFFICE = "office", _("office staff")
        VENUE = "venue", _("venue staff")
        CONTACT = "contact", _("regional contact")
        COORDINATOR = "coordinator", _("national coordinator")

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OFFICE)
    office = models.ForeignKey(
        "distributors.Office", verbose_name=_("office"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="invitations",
    )
    venue = models.ForeignKey(
        "venues.Venue", verbose_name=_("venue"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="invitations",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="office") & Q(office__isnull=False) & Q(venue__isnull=True) & Q(region__isnull=True))
                | (Q(role="venue") & Q(office__isnull=True) & Q(venue__isnull=False) & Q(region__isnull=True))
                | (Q(role="contact") & Q(office__isnull=True) & Q(venue__isnull=True) & Q(region__isnull=False))
                | (Q(role="coordinator") & Q(office__isnull=True) & Q(venue__isnull=True) & Q(region__isnull=True)),
                name="invitation_role_matches_target",
            ),
            models.CheckConstraint(
                condition=(Q(accepted_at__isnull=True) & Q(accepted_by__isnull=True)) | Q(accepted_at__isnull=False),
                name="invitation_accepted_by_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.target_label}"

    @property
    def target(self):
        """The office, venue or region invited into; None for the national team."""
        return self.office or self.venue or self.region

    @property
    def target_label(self) -> str:
        """What the invitation is for, as the e-mail and the accept page say it."""
        if self.role == self.Role.CONTACT:
            return _("%(region)s (regional contact)") % {"region": self.region}
        if self.role == self.Role.COORDINATOR:
            return str(_("Kaikukeskus (national coordinator)"))
        return str(self.target)

    def is_pending(self, now: datetime.datetime | None = None) -> bool:
        return self.accepted_at is None and self.expires_at > (now or timezone.now())


class VenueKey(models.Model):
    """An API key of a venue for its ticketing system (issue 16): not tied to a person, so it outlives the staff who
    made it. It acts through its own machine account (``user``, a venue membership and nothing else), so every rule
    and every record (who logged a use) is the same as for staff; ``scopes`` narrow what it may call.

    Only a SHA-256 digest of the secret is stored; the key is shown once, when made or rotated.
    """

    class Scope(models.TextChoices):
        CHECK = "check", _("check cards")
        LOG = "log", _("log uses")
        BOOK = "book", _("book performances")

    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), on_delete=models.CASCADE,
                              related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="venue_key",
                                editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    rotated_at = models.DateTimeField(_("rotated at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["venue", "name", "pk"]
        verbose_name = _("venue API key")
        verbose_name_plural = _("venue API keys")

    def __str__(self) -> str:
        return f"{self.venue} – {self.name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class VenueKeyUse(models.Model):
    """Every request made with a venue key (R12): when and what; what it changed is recorded by the rules as
    for staff (a use's ``logged_by``, a card check, a booking's ``created_by``: the key's machine account)."""

    key = models.ForeignKey(VenueKey, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"
