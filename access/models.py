import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scopes import scope_for


class InvitationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InvitationQuerySet":
        """Regional contacts see invitations into their region's offices and venues; coordinators all."""
        scope = scope_for(user)
        if scope.national:
            return self.all()
        return self.filter(Q(office__region_id__in=scope.region_ids) | Q(venue__region_id__in=scope.region_ids))

    def pending(self, now: datetime.datetime | None = None) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A regional contact invites a person by e-mail into an office or a venue (an access grant, R12).

    Only a SHA-256 digest of the token is stored: the link in the e-mail is the only copy of the secret.
    """

    email = models.EmailField(_("e-mail"))
    office = models.ForeignKey(
        "distributors.Office", verbose_name=_("office"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="invitations",
    )
    venue = models.ForeignKey(
        "venues.Venue", verbose_name=_("venue"), null=True, blank=True, on_delete=models.CASCADE,
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
                condition=(Q(office__isnull=False) & Q(venue__isnull=True))
                | (Q(office__isnull=True) & Q(venue__isnull=False)),
                name="invitation_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=(Q(accepted_at__isnull=True) & Q(accepted_by__isnull=True)) | Q(accepted_at__isnull=False),
                name="invitation_accepted_by_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.target}"

    @property
    def target(self):
        return self.office or self.venue

    def is_pending(self, now: datetime.datetime | None = None) -> bool:
        return self.accepted_at is None and self.expires_at > (now or timezone.now())
