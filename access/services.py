"""The staff lifecycle: invitations (the only way into Kaikukanta besides the admin: no public sign-up),
ending a membership and deactivating an account.

A regional contact (or the national coordinator) invites a person by e-mail into an office or a venue of
their region, or as a contact of the region; the coordinator also into the national team. The link in the
e-mail sets the password; accepting creates the user if needed and the membership. Both are access grants and
end up in the audit log, and so does ending one (``membership_end``): one service for the staff of offices,
venues and regions. Deactivating an account (``account_deactivate``) ends all of them at once. Who may do what
is asked of ``access.permissions`` (``may_invite``, ``may_manage_staff``, ``may_deactivate``).
"""

import datetime
import hashlib
import re
import secrets
from importlib import import_module

from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from core.scopes import forget_scope
from distributors.models import Office, OfficeMembership
from regions.models import Region, RegionMembership
from venues.models import Venue, VenueMembership

from .models import Invitation
from .permissions import may_deactivate, may_invite, may_manage_staff

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


# role → (the membership model, its field that points at the unit, the refusal when the unit has ended)
_ROLE_UNITS: dict[str, tuple[type, str, str]] = {
    Invitation.Role.OFFICE: (OfficeMembership, "office", "office_inactive"),
    Invitation.Role.VENUE: (VenueMembership, "venue", "venue_inactive"),
    Invitation.Role.CONTACT: (RegionMembership, "region", "region_inactive"),
    Invitation.Role.COORDINATOR: (RegionMembership, "region", "region_inactive"),
}


def _invitation_role(role: str | None, office, venue, region) -> str:
    """The role an invitation grants, from its target (or ``role`` for the national team, which has none)."""
    given = [name for name, unit in (("office", office), ("venue", venue), ("contact", region)) if unit is not None]
    if len(given) > 1:
        raise DomainError("invitation_target_invalid")
    if role is None:
        if not given:
            raise DomainError("invitation_target_invalid")
        return given[0]
    if role not in Invitation.Role.values:
        raise DomainError("invitation_target_invalid")
    if given != ([] if role == Invitation.Role.COORDINATOR else [role]):
        raise DomainError("invitation_target_invalid")
    return role


def _open_membership(role: str, target, **user_filter):
    """The memberships of ``role`` at ``target`` nobody has ended (for the invitation's person)."""
    membership_model, field, _refusal = _ROLE_UNITS[role]
    queryset = membership_model.objects.open_ended().filter(**{field: target}, **user_filter)
    if membership_model is RegionMembership:
        queryset = queryset.filter(role=RegionMembership.Role.COORDINATOR if target is None
                                   else RegionMembership.Role.CONTACT)
    return queryset


def invitation_create(*, user, email: str, office: Office | None = None, venue: Venue | None = None,
                      region: Region | None = None, role: str | None = None,
                      now: datetime.datetime | None = None) -> Invitation:
    """Invite ``email`` into one role: staff of ``office`` or ``venue``, contact of ``region``, or
    ``role="coordinator"`` (the national team, no unit). The link is e-mailed on commit.

    Who may invite whom is ``access.permissions.may_invite``. An account deactivated earlier comes back through
    an invitation: accepting it sets a new password and activates the account again.
    The raw token is returned only on the instance (``invitation.raw_token``) and in the e-mail.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    role = _invitation_role(role, office, venue, region)
    email = (email or "").strip()
    try:
        validate_email(email)
    except Exception as exc:
        raise DomainError("email_invalid") from exc
    target = office or venue or region
    if not may_invite(user, role=role, target=target):
        raise DomainError("not_allowed")
    if target is not None and target.has_ended_before(today):
        raise DomainError(_ROLE_UNITS[role][2])
    if _open_membership(role, target, user__email__iexact=email).exists():
        raise DomainError("already_member")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email, role=role, office=office, venue=venue, region=region, token_hash=_digest(token),
            invited_by=user, expires_at=now + datetime.timedelta(days=INVITATION_VALID_DAYS),
        )
        transaction.on_commit(lambda: _send_invitation(invitation, token))
    invitation.raw_token = token
    return invitation


def invitation_get(token: str, *, now: datetime.datetime | None = None) -> Invitation:
    """The pending invitation of ``token`` or the reason it cannot be used."""
    invitation = (
        Invitation.objects.select_related("office", "venue", "region").filter(token_hash=_digest(token)).first()
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
        reactivated = user.pk is not None and not user.is_active
        user.is_active = True
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            raise DomainError("username_taken") from exc
        if reactivated:  # a deactivated account comes back through an invitation: the inviter let it in
            LogEntry.objects.log_create(
                user, action=LogEntry.Action.UPDATE, changes={"is_active": ["False", "True"]},
                actor=invitation.invited_by,
                additional_data={"event": "account_reactivated", "channel": "page", "invitation": invitation.pk},
            )
        address, _created = EmailAddress.objects.get_or_create(
            user=user, email__iexact=invitation.email,
            defaults={"email": invitation.email, "verified": True, "primary": not user.emailaddress_set.exists()},
        )
        if not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        membership_model, field, _refusal = _ROLE_UNITS[invitation.role]
        target = getattr(invitation, field)
        if not _open_membership(invitation.role, target, user=user).exists():
            extra = {"role": invitation.role} if membership_model is RegionMembership else {}
            membership_model.objects.create(user=user, started_on=today, **{field: target}, **extra)
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


# --- deactivating an account ------------------------------------------------------------------------


def sessions_end(person) -> int:
    """Delete every session of ``person`` from the session store; returns how many.

    The stores that keep sessions in the database (``db`` and ``cached_db``, ours) are read through and each
    session of the person is deleted with its own store, so ``cached_db`` drops the cached copy too. A store
    that cannot be listed (``cache``, ``signed_cookies``) has nothing to delete: such a session still names
    the person, but an inactive account is nobody's session (the sign-in backends' ``user_can_authenticate``),
    so it is signed out at its next request all the same.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    get_model_class = getattr(store_class, "get_model_class", None)
    if get_model_class is None:
        return 0
    user_id = str(person.pk)
    ended = 0
    sessions = get_model_class().objects.filter(expire_date__gt=timezone.now()).values_list(
        "session_key", "session_data")
    for key, data in sessions.iterator(chunk_size=2000):
        store = store_class(session_key=key)
        if store.decode(data).get(SESSION_KEY) == user_id:
            store.delete(key)
            ended += 1
    return ended


def account_deactivate(*, user, person, channel: str = "page", now: datetime.datetime | None = None):
    """Deactivate ``person``'s account at once: every membership still in force ends (yesterday, as
    ``membership_end`` does), the API token is revoked, invitations waiting for their e-mail addresses are
    withdrawn, the account is marked inactive and every session is deleted.

    Audited as one entry on the account (``changes`` ``is_active``, ``actor`` the one who deactivated it,
    ``additional_data`` the channel and what ended), beside the entries of each membership and the token.
    Who may: ``access.permissions.may_deactivate``; one's own account never (``account_self``). Deactivating an
    inactive account changes nothing and writes nothing. An invitation brings the person back.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    if person.pk == user.pk:
        raise DomainError("account_self")
    if not may_deactivate(user, person, day=day):
        raise DomainError("not_allowed")
    user_model = get_user_model()
    with transaction.atomic():
        person = user_model.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            return person
        ended = 0
        in_force = Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        for model in (OfficeMembership, VenueMembership, RegionMembership):
            for membership in model.objects.select_for_update().filter(in_force, user=person).order_by("pk"):
                membership.ended_on = day - datetime.timedelta(days=1)
                membership.save(update_fields=["ended_on"])
                ended += 1
        # DRF's token model, by name: domain code never imports the API framework (the contract in pyproject.toml).
        # Audited as access.tokens audits a revocation.
        token_revoked = apps.get_model("authtoken", "Token").objects.filter(user=person).delete()[0] > 0
        if token_revoked:
            LogEntry.objects.log_create(person, action=LogEntry.Action.UPDATE,
                                        changes={"api_token": ["issued", "revoked"]}, actor=user)
        addresses = {person.email.lower()} | {
            address.lower() for address in EmailAddress.objects.filter(user=person).values_list("email", flat=True)
        }
        addresses.discard("")
        withdrawn = 0
        if addresses:
            pending = Invitation.objects.pending(now)
            match = Q()
            for address in addresses:
                match |= Q(email__iexact=address)
            withdrawn = pending.filter(match).update(expires_at=now)
        person.is_active = False
        person.save(update_fields=["is_active"])
        LogEntry.objects.log_create(
            person, action=LogEntry.Action.UPDATE, changes={"is_active": ["True", "False"]}, actor=user,
            additional_data={"event": "account_deactivated", "channel": channel, "memberships_ended": ended,
                             "api_token_revoked": token_revoked, "invitations_withdrawn": withdrawn},
        )
    sessions_end(person)
    forget_scope(person)
    return person
