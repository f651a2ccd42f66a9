"""Invitations: the only way into Kaikukanta besides the admin (no public sign-up).

A regional contact (or the national coordinator) invites a person by e-mail into an office or a
venue of their region. The link in the e-mail sets the password; accepting creates the user if
needed and the office or venue membership. Both are access grants and end up in the audit log,
and so does ending one (``membership_end``): one service for the staff of offices, venues and regions.
Who may do either is asked of ``access.permissions.may_manage_staff``.
"""

import datetime
import hashlib
import re
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from core.scopes import forget_scope
from distributors.models import Office, OfficeMembership
from regions.models import Region, RegionMembership
from venues.models import Venue, VenueMembership

from .models import Invitation
from .permissions import may_manage_staff

INVITATION_VALID_DAYS = 14


def _digest(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})


def _require_manager(user, target: Office | Venue | Region | None) -> None:
    if not may_manage_staff(user, target):
        raise DomainError("not_allowed")


def _send_invitation(invitation: Invitation, token: str) -> None:
    context = {"invitation": invitation, "url": invitation_url(token), "valid_days": INVITATION_VALID_DAYS}
    subject = render_to_string("account/email/invitation_subject.txt", context).strip()
    body = render_to_string("account/email/invitation_message.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invitation_create(*, user, email: str, office: Office | None = None, venue: Venue | None = None,
                      now: datetime.datetime | None = None) -> Invitation:
    """Invite ``email`` into exactly one office or venue of the inviter's region; e-mail the link on commit.

    The raw token is returned only on the instance (``invitation.raw_token``) and in the e-mail.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if (office is None) == (venue is None):
        raise DomainError("invitation_target_invalid")
    email = (email or "").strip()
    try:
        validate_email(email)
    except Exception as exc:
        raise DomainError("email_invalid") from exc
    target = office or venue
    _require_manager(user, target)
    if target.has_ended_before(today):
        raise DomainError("office_inactive" if office else "venue_inactive")
    membership_model = OfficeMembership if office else VenueMembership
    target_filter = {"office": office} if office else {"venue": venue}
    if membership_model.objects.open_ended().filter(user__email__iexact=email, **target_filter).exists():
        raise DomainError("already_member")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email, office=office, venue=venue, token_hash=_digest(token), invited_by=user,
            expires_at=now + datetime.timedelta(days=INVITATION_VALID_DAYS),
        )
        transaction.on_commit(lambda: _send_invitation(invitation, token))
    invitation.raw_token = token
    return invitation


def invitation_get(token: str, *, now: datetime.datetime | None = None) -> Invitation:
    """The pending invitation of ``token`` or the reason it cannot be used."""
    invitation = (
        Invitation.objects.select_related("office", "venue").filter(token_hash=_digest(token)).first()
        if token else None
    )
    if invitation is None:
        raise DomainError("invitation_invalid")
    if invitation.accepted_at is not None:
        raise DomainError("invitation_used")
    if invitation.expires_at <= (now or timezone.now()):
        raise DomainError("invitation_expired")
    return invitation


def invitation_user(invitation: Invitation):
    """The existing account the invitation goes to (matched by e-mail), or None for a new person."""
    user_model = get_user_model()
    address = EmailAddress.objects.filter(email__iexact=invitation.email).select_related("user").first()
    if address is not None:
        return address.user
    return user_model.objects.filter(email__iexact=invitation.email).order_by("pk").first()


def suggest_username(email: str) -> str:
    user_model = get_user_model()
    base = re.sub(r"[^a-z0-9.-]", "", email.split("@")[0].lower())[:30] or "kayttaja"
    candidate, n = base, 1
    while user_model.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def invitation_accept(*, token: str, password: str, username: str = "",
                      now: datetime.datetime | None = None):
    """Create the user if needed, set the password, grant the membership; returns the user."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    user_model = get_user_model()
    with transaction.atomic():
        invitation = invitation_get(token, now=now)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise DomainError("invitation_used")
        user = invitation_user(invitation)
        if user is None:
            username = (username or "").strip() or suggest_username(invitation.email)
            if user_model.objects.filter(username__iexact=username).exists():
                raise DomainError("username_taken")
            user = user_model(username=username, email=invitation.email)
        validate_password(password, user)
        user.set_password(password)
        user.is_active = True
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            raise DomainError("username_taken") from exc
        address, _created = EmailAddress.objects.get_or_create(
            user=user, email__iexact=invitation.email,
            defaults={"email": invitation.email, "verified": True, "primary": not user.emailaddress_set.exists()},
        )
        if not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        if invitation.office_id:
            membership_model, target = OfficeMembership, {"office_id": invitation.office_id}
        else:
            membership_model, target = VenueMembership, {"venue_id": invitation.venue_id}
        if not membership_model.objects.open_ended().filter(user=user, **target).exists():
            membership_model.objects.create(user=user, started_on=today, **target)
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_scope(user)
    return user


def membership_end(*, user, membership: OfficeMembership | VenueMembership | RegionMembership,
                   today: datetime.date | None = None) -> OfficeMembership | VenueMembership | RegionMembership:
    """The unit's manager ends a person's access to an office, a venue or a region at once.

    ``ended_on`` is the last day of access (inclusive, see ``core.scopes``), so it is set to yesterday.
    Who may: the region's contact or the coordinator for an office or a venue, only the coordinator for a
    pop-up venue (no region) and for a region's contacts (``access.permissions``). Ending twice changes
    nothing. The person's cached scope is dropped so that the change holds within this request too.
    """
    day = today or timezone.localdate()
    if isinstance(membership, OfficeMembership):
        target = membership.office
    elif isinstance(membership, VenueMembership):
        target = membership.venue
    else:
        target = membership.region
    _require_manager(user, target)
    person = membership.user
    model = type(membership)
    with transaction.atomic():
        membership = model.objects.select_for_update().get(pk=membership.pk)
        membership.user = person
        if membership.has_ended_before(day):
            return membership
        membership.ended_on = day - datetime.timedelta(days=1)
        membership.save(update_fields=["ended_on"])
    forget_scope(person)
    return membership
