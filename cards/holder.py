"""The holder's own mobile card (issue 14): a one-time activation code, a withdrawable link and a live code.

- The **activation code** is 8 characters of Crockford base32 without I, L, O and U (shown ``ABCD-EFGH``); only its
  keyed hash is stored, it works once, and any office of the card's region can issue a new one.
- The **mobile link** is a random token; only its hash is stored. Activating gives a new one (the previous phone's
  link stops working), an office can withdraw it ("phone lost"), replacing or inactivating the card withdraws it.
- The **live code** is TOTP-like: HMAC-SHA1(per-card secret, floor(t / 30)) truncated to 6 digits. The mobile card
  shows it as a QR ``KK1:<number>:<code>``; the counter answers whether it is live (this or the previous step) or
  stale (a screenshot, a wrong clock, another card's code). The phone computes it itself (offline too, for up to
  ``OFFLINE_LIVE_DAYS`` after its last check), so each activation or handover makes a new secret and a withdrawal
  drops it: an earlier or lost phone's codes are then stale.

Refusals raise ``DomainError``; a refusal writes nothing except its audit record (``ActivationAttempt``).
"""

import hashlib
import hmac
import secrets
import struct
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core import rows
from core.errors import DomainError
from core.scopes import scope_for
from distributors.models import Office

from . import numbers
from .models import ActivationAttempt, Card, CardCheck, CardEvent

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 8
LIVE_STEP_SECONDS = 30
LIVE_DIGITS = 6
PAYLOAD_PREFIX = "KK1:"
OFFLINE_LIVE_DAYS = 7  # the mobile card hides its live code after this long without a successful check

# Activation attempts: per address and per card, in fixed windows counted in the shared cache.
ACTIVATION_WINDOW_SECONDS = 15 * 60
ACTIVATIONS_PER_ADDRESS = 10
ACTIVATIONS_PER_CARD = 5


# --- hashing ---------------------------------------------------------------------------------------------------


def _code_hash(number: str, code: str) -> str:
    return salted_hmac("kaikukanta.cards.activation", f"{number}:{code}", algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(f"kaikukanta.cards.mobile-link:{token}".encode()).hexdigest()


def normalize_code(code: str) -> str:
    """Upper case, separators dropped, and the letters people confuse read as Crockford does (O→0, I/L→1)."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _office_in_region(user, card: Card) -> Office:
    offices = list(Office.objects.filter(pk__in=scope_for(user).office_ids, region_id=card.region_id).order_by("pk"))
    if not offices:
        raise DomainError("not_allowed")
    return next((o for o in offices if o.pk == card.office_id), offices[0])


def require_live(card: Card) -> None:
    """The card can be opened on a phone: a personal card in use (``card_inactive`` / ``card_kind_mismatch``)."""
    if card.status != Card.Status.ACTIVE or card.reduced_on is not None:
        raise DomainError("card_inactive")
    if card.kind != Card.Kind.PERSONAL:
        raise DomainError("card_kind_mismatch")


# --- activation code ------------------------------------------------------------------------------------------


def activation_code_set(card: Card) -> str:
    """Give ``card`` a new activation code (inside the caller's transaction); the plain code, to show once."""
    code = _new_code()
    now = timezone.now()
    Card.objects.filter(pk=card.pk).update(activation_code_hash=_code_hash(card.number, code),
                                           activation_code_issued_at=now, activation_code_used_at=None)
    card.activation_code_hash = _code_hash(card.number, code)
    card.activation_code_issued_at, card.activation_code_used_at = now, None
    card.activation_code = display_code(code)
    return card.activation_code


def code_is_current(card: Card, code: str) -> bool:
    """Whether ``code`` is ``card``'s activation code and still unused (a replayed registration may show it again)."""
    card.refresh_from_db(fields=["activation_code_hash", "activation_code_used_at"])
    return bool(card.activation_code_hash) and card.activation_code_used_at is None and constant_time_compare(
        card.activation_code_hash, _code_hash(card.number, normalize_code(code)))


def activation_code_issue(*, user, card: Card) -> str:
    """Staff of any office of the card's region issue a new code (the old one stops working); shown once."""
    office = _office_in_region(user, card)
    with transaction.atomic():
        locked = Card.objects.select_for_update().get(pk=card.pk)
        require_live(locked)
        code = activation_code_set(locked)
        CardEvent.objects.create(card=locked, kind=CardEvent.Kind.ACTIVATION_CODE, by=user, office=office)
    return code


def activation_codes_issue(*, user, cards) -> dict[int, str]:
    """Printing many cards (the import's batch PDF): a new code for each live personal card, by card id; the others
    get none. As ``activation_code_issue``, for an office of each card's region; earlier codes stop working. One
    lock, one update and one insert of events for the whole batch."""
    cards = list(cards)
    offices = {region_id: _office_in_region(user, card)
               for region_id, card in {card.region_id: card for card in cards}.items()}
    codes: dict[int, str] = {}
    with transaction.atomic():
        locked = list(Card.objects.select_for_update().filter(pk__in=[card.pk for card in cards]).order_by("pk"))
        now = timezone.now()
        for card in locked:
            if card.status != Card.Status.ACTIVE or card.reduced_on is not None or card.kind != Card.Kind.PERSONAL:
                continue
            code = _new_code()
            card.activation_code_hash = _code_hash(card.number, code)
            card.activation_code_issued_at, card.activation_code_used_at = now, None
            codes[card.pk] = display_code(code)
        changed = [card for card in locked if card.pk in codes]
        Card.objects.bulk_update(changed, ["activation_code_hash", "activation_code_issued_at",
                                           "activation_code_used_at"])
        CardEvent.objects.bulk_create([
            CardEvent(card=card, kind=CardEvent.Kind.ACTIVATION_CODE, by=user, office=offices[card.region_id])
            for card in changed])
    return codes


# --- activation ---------------------------------------------------------------------------------------------


def _address_key(address: str) -> str:
    return "holder-activate:addr:" + hashlib.sha256((address or "-").encode()).hexdigest()[:32]


def _card_key(number: str) -> str:
    return f"holder-activate:card:{number}"


def _count(key: str) -> int:
    """Count one attempt in the key's window; the count this attempt made (atomic ``add`` + ``incr``)."""
    for _attempt in range(3):
        if cache.add(key, 1, timeout=ACTIVATION_WINDOW_SECONDS):
            return 1
        try:
            count = cache.incr(key)
        except ValueError:  # the window expired between add and incr
            continue
        if count == 1:
            cache.touch(key, ACTIVATION_WINDOW_SECONDS)
        return count
    return ACTIVATIONS_PER_ADDRESS + ACTIVATIONS_PER_CARD + 1


def _record(number: str, card: Card | None, result: str) -> None:
    rows.insert(ActivationAttempt(number=(number or "")[:40], card=card, result=result))


def activate(*, number: str, code: str, address: str) -> str:
    """Number + activation code → a new mobile link token (the code is used up). Every attempt is recorded.

    Refusals: ``activation_throttled`` (too many attempts from this address or for this card in the window; the
    attempt is counted even so) and ``activation_invalid`` (no such active personal card, a wrong, used or absent
    code — one answer for all, so the page tells nothing about which numbers exist).
    """
    normalized = numbers.normalize(number or "")
    per_address = _count(_address_key(address))
    per_card = _count(_card_key(normalized)) if numbers.is_valid(normalized) else 0
    card = Card.objects.filter(number=normalized).first() if numbers.is_valid(normalized) else None
    if per_address > ACTIVATIONS_PER_ADDRESS or per_card > ACTIVATIONS_PER_CARD:
        _record(number, card, "activation_throttled")
        raise DomainError("activation_throttled")
    plain = normalize_code(code)
    with transaction.atomic():
        locked = Card.objects.select_for_update().filter(pk=card.pk).first() if card else None
        ok = (
            locked is not None and locked.status == Card.Status.ACTIVE and locked.reduced_on is None
            and locked.kind == Card.Kind.PERSONAL and locked.activation_code_hash
            and locked.activation_code_used_at is None and len(plain) == CODE_LENGTH
            and constant_time_compare(locked.activation_code_hash, _code_hash(locked.number, plain))
        )
        if ok:
            token = _activate_locked(locked)
            _record(number, locked, "activated")
    if not ok:
        _record(number, card, "activation_invalid")  # after the transaction: a refusal still leaves its record
        raise DomainError("activation_invalid")
    return token


def _activate_locked(locked: Card) -> str:
    """The code used up, a new link, the secret made on first use (``locked`` is locked by the caller)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    locked.activation_code_used_at = now
    locked.mobile_token_hash = token_hash(token)
    locked.mobile_link_issued_at, locked.mobile_link_withdrawn_at = now, None
    locked.live_secret = secrets.token_hex(20)  # a new phone, a new secret: an earlier phone's copy goes stale
    locked.save(update_fields=["activation_code_used_at", "mobile_token_hash", "mobile_link_issued_at",
                               "mobile_link_withdrawn_at", "live_secret"])
    CardEvent.objects.create(card=locked, kind=CardEvent.Kind.ACTIVATED)
    return token


def mobile_link_issue(*, user, card: Card) -> str:
    """At handover: a new link for the phone in front of the office (any previous phone's link stops working)."""
    office = _office_in_region(user, card)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = Card.objects.select_for_update().get(pk=card.pk)
        require_live(locked)
        now = timezone.now()
        locked.mobile_token_hash = token_hash(token)
        locked.mobile_link_issued_at, locked.mobile_link_withdrawn_at = now, None
        locked.live_secret = secrets.token_hex(20)  # as in ``_activate_locked``
        locked.save(update_fields=["mobile_token_hash", "mobile_link_issued_at", "mobile_link_withdrawn_at",
                                   "live_secret"])
        CardEvent.objects.create(card=locked, kind=CardEvent.Kind.MOBILE_LINK, by=user, office=office)
    return token


def link_withdraw_locked(card: Card, *, user=None, office: Office | None = None, ended: bool = False) -> bool:
    """Withdraw ``card``'s mobile link (``card`` locked by the caller); whether there was one to withdraw.

    Also ends the legacy signed links of the card (``cards.mobile``): after a withdrawal only a new activation or
    handover opens the card again. ``ended``: the card itself was inactivated or replaced; its link keeps pointing
    at it so that the page says "no longer in use" rather than "withdrawn" (the card is not live any more).
    """
    if ended and (not card.mobile_token_hash or card.mobile_link_withdrawn_at is not None):
        return False  # no random link: the card's status alone ends its signed links (one audit entry, not two)
    if card.mobile_link_withdrawn_at is not None and not card.mobile_token_hash:
        return False
    had = bool(card.mobile_token_hash)
    if not ended:
        card.mobile_token_hash = ""
        # The mobile card computes its live code on the phone (it works offline for up to a week): without the
        # secret a lost phone's copy shows codes the counter answers "stale".
        card.live_secret = ""
    card.mobile_link_withdrawn_at = timezone.now()
    card.save(update_fields=["mobile_token_hash", "mobile_link_withdrawn_at", "live_secret"])
    if had:
        CardEvent.objects.create(card=card, kind=CardEvent.Kind.LINK_WITHDRAWN, by=user, office=office)
    return had


def link_withdraw(*, user, card: Card) -> Card:
    """"Phone lost": an office of the card's region withdraws the mobile link; the old link shows how to get it back."""
    office = _office_in_region(user, card)
    with transaction.atomic():
        locked = Card.objects.select_for_update().get(pk=card.pk)
        link_withdraw_locked(locked, user=user, office=office)
    return locked


# --- live code ------------------------------------------------------------------------------------------------


def _totp(secret: str, step: int) -> str:
    digest = hmac.new(bytes.fromhex(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** LIVE_DIGITS:0{LIVE_DIGITS}d}"


def _step(at: float | None) -> int:
    return int((time.time() if at is None else at) // LIVE_STEP_SECONDS)


def live_code(card: Card, *, at: float | None = None) -> str:
    """The card's current live code (the card needs its secret: ``activate`` and ``mobile_link_issue`` make it)."""
    return _totp(card.live_secret, _step(at))


def live_payload(card: Card, *, at: float | None = None) -> str:
    return f"{PAYLOAD_PREFIX}{card.number}:{live_code(card, at=at)}"


def seconds_left(at: float | None = None) -> int:
    now = time.time() if at is None else at
    return LIVE_STEP_SECONDS - int(now % LIVE_STEP_SECONDS)


def parse_scan(text: str) -> tuple[str, str | None]:
    """What the counter got: ``KK1:<number>:<code>`` → (number, code); anything else is a typed number → (text, None).

    A payload with the prefix but not the shape (no number, a code that is not six digits) is refused:
    ``mobile_code_invalid``.
    """
    text = (text or "").strip()
    if not text.upper().startswith(PAYLOAD_PREFIX):
        return text, None
    parts = text[len(PAYLOAD_PREFIX):].split(":")
    if len(parts) != 2 or not parts[0].strip() or not (parts[1].isdigit() and len(parts[1]) == LIVE_DIGITS):
        raise DomainError("mobile_code_invalid")
    return parts[0].strip(), parts[1]


def scan_parse(*, user, venue, text: str, channel: str) -> tuple[str, str | None]:
    """What the counter (page and API) got, read by ``parse_scan``; a malformed mobile-card payload is refused as a
    mistyped number is: recorded as a check of that venue (R12) and counted against the user's failed checks, so a
    run of made-up payloads is throttled too. Its refusal: ``mobile_code_invalid`` (or ``throttled``)."""
    try:
        return parse_scan(text)
    except DomainError:
        from . import services  # services imports this module

        services._require_venue_staff(user, venue)
        result = "mobile_code_invalid"
        try:
            services._check_throttle(user)
        except DomainError:
            result = "throttled"
        if result != "throttled" and not services._count_failure(user):
            result = "throttled"
        rows.insert(CardCheck(user=user, venue=venue, number=(text or "")[:40], result=result, channel=channel))
        raise DomainError(result) from None


def verify(card: Card | None, code: str | None, *, at: float | None = None) -> str | None:
    """"live" (this or the previous 30-second step), "stale" (any other code), None (no code: paper or typed)."""
    if not code:
        return None
    if card is None or not card.live_secret:
        return "stale"
    step = _step(at)
    if any(constant_time_compare(_totp(card.live_secret, s), code) for s in (step, step - 1)):
        return "live"
    return "stale"


def verify_number(number: str, code: str | None, *, at: float | None = None) -> str | None:
    card = Card.objects.filter(number=numbers.normalize(number or "")).first() if code else None
    return verify(card, code, at=at)


TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def looks_like_token(token: str) -> bool:
    """A random link's token (43 URL-safe characters), not a signed one of before (which has a colon)."""
    return len(token or "") == TOKEN_LENGTH and all(ch.isalnum() or ch in "-_" for ch in token)


def card_by_token(token: str) -> Card | None:
    """The card a random mobile link points to, or None (unknown or withdrawn)."""
    if not token:
        return None
    return Card.objects.select_related("region", "office").filter(mobile_token_hash=token_hash(token)).first()


def link_state_allows_legacy(card: Card) -> bool:
    """The signed links handed over before issue 14 keep working until the card's first activation or withdrawal."""
    return not card.mobile_token_hash and card.mobile_link_withdrawn_at is None and card.mobile_link_issued_at is None

