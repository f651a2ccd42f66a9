"""The Kaikukortti rules (DESIGN §4, R1–R11). Every entry point — view, API, admin, importer, task —
calls these functions; a refusal raises ``DomainError`` with the stable code and writes nothing.
"""

import datetime
import hashlib
import json
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from core import rows
from core.errors import DomainError
from core.scopes import scope_for
from distributors.models import Office
from distributors.permissions import may_act_for_office
from regions.models import Municipality, NationalSettings, Region
from regions.permissions import manages_region
from venues.models import Offer, StatGroup, Venue
from venues.permissions import may_act_for_venue
from venues.selectors import offer_belongs_to_venue

from . import numbers
from .counts import use_counted, use_uncounted
from .holder import activation_code_set, link_withdraw_locked
from .models import Card, CardCheck, CardEvent, Use, WellbeingAnswer
from .wellbeing import wellbeing_answer_record

MAX_NUMBER_ATTEMPTS = 20
logger = logging.getLogger(__name__)


# --- helpers -------------------------------------------------------------------------------------


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _require_office_staff(user, office: Office) -> None:
    if not may_act_for_office(user, office):
        raise DomainError("not_allowed")


def _require_staff_in_region(user, card: Card, day: datetime.date) -> Office:
    """R3/R4: the card's own office or another office of the same region may act on it.

    Returns the office the user acts for (recorded in the card's history): the card's own office
    when the user works there, else their first office of the region; it must be active that day.
    """
    scope = scope_for(user)
    offices = list(Office.objects.filter(pk__in=scope.office_ids, region_id=card.region_id).order_by("pk"))
    if not offices:
        raise DomainError("not_allowed")
    active = [office for office in offices if office.is_active_on(day)]
    if not active:
        raise DomainError("office_inactive")
    return next((office for office in active if office.pk == card.office_id), active[0])


def _require_venue_staff(user, venue: Venue) -> None:
    if not may_act_for_venue(user, venue):
        raise DomainError("not_allowed")


def default_valid_until(region: Region, issued_on: datetime.date) -> datetime.date:
    """R3: a region's fixed end date (a pilot's end), its own validity, or the national default."""
    if region.default_valid_until and region.default_valid_until >= issued_on:
        return region.default_valid_until
    days = region.default_validity_days or NationalSettings.current().default_validity_days
    return issued_on + datetime.timedelta(days=days)


HOLDER_MAX_AGE = 120


def birth_year_bounds(today: datetime.date | None = None) -> tuple[int, int]:
    """R1: the earliest and the latest birth year a card may record, the one definition every entry point uses.

    Whether the holder is old enough is a separate rule (``holder_too_young``, the national
    ``holder_min_age``): a birth year inside these bounds is possible, not necessarily accepted.
    """
    year = _today(today).year
    return year - HOLDER_MAX_AGE, year


def birth_year_check(birth_year: int | None, *, today: datetime.date | None = None) -> None:
    """R1: refuse an impossible birth year (``birth_year_invalid``) the same way in forms, API, importer and service."""
    earliest, latest = birth_year_bounds(today)
    if birth_year is None or not earliest <= birth_year <= latest:
        raise DomainError("birth_year_invalid")


def card_renewal_valid_until(*, card: Card, today: datetime.date | None = None) -> datetime.date:
    """R3: the date a renewal today extends ``card`` to; never earlier than its current end.

    The renew page shows it before the renewal and ``card_renew`` writes it: one computation for both.
    """
    return max(card.valid_until, default_valid_until(card.region, _today(today)))


def _new_number(number: str | None) -> str:
    """R2: a typed/pre-printed number must pass its check character and be free; else generate one."""
    normalized = numbers.clean(number or "")
    if normalized:
        if Card.objects.filter(number=normalized).exists():
            raise DomainError("card_number_taken")
        return normalized
    for _attempt in range(MAX_NUMBER_ATTEMPTS):
        candidate = numbers.generate()
        if not Card.objects.filter(number=candidate).exists():
            return candidate
    raise RuntimeError("could not generate a free card number")  # 31^8 numbers: practically unreachable


def _event(card: Card, kind: str, user, office: Office | None = None, **details) -> CardEvent:
    return CardEvent.objects.create(card=card, kind=kind, by=user, office=office, details=details)


# --- R1, R2, R3: issue -----------------------------------------------------------------------------


def card_issue(**kwargs) -> Card:
    """R1 issue, R2 number, R3 default validity: ``card_issue_or_replay`` without the "created" flag."""
    return card_issue_or_replay(**kwargs)[0]


def card_issue_or_replay(
    *,
    user,
    office: Office,
    birth_year: int,
    home_municipality: Municipality,
    children: int = 0,
    format: str = Card.Format.PAPER,  # noqa: A002 - the field's name in DESIGN
    number: str | None = None,
    postal_code: str = "",
    language: str = Card.Language.FI,
    gender: str = "",
    life_situation: str = "",
    wellbeing_at_issue: int | None = None,
    idempotency_key: str = "",
    today: datetime.date | None = None,
    event_kind: str = CardEvent.Kind.ISSUED,
) -> tuple[Card, bool]:
    """R1 issue, R2 number, R3 default validity; the card and whether this call registered it.

    A repeated ``idempotency_key`` (per user, kept a day) with the same data returns the card registered
    the first time instead of a second one; with other data it is refused (``idempotency_conflict``). The
    register form sends a key made when the form was shown, the API the client's: a double submission or
    a retry after a lost answer registers one card, whichever way it came.
    """
    data = {
        "office": office, "birth_year": birth_year, "home_municipality": home_municipality, "children": children,
        "format": format, "number": number, "postal_code": postal_code, "language": language, "gender": gender,
        "life_situation": life_situation, "wellbeing_at_issue": wellbeing_at_issue,
    }

    def issue() -> Card:
        card = _card_issue_new(user=user, day=_today(today), event_kind=event_kind, **data)
        activation_code_set(card)  # issue 14: shown once, on the registration result and in the API's answer
        return card

    if not idempotency_key:
        return issue(), True
    return _card_issue_once(user=user, key=idempotency_key, fingerprint=_issue_fingerprint(data), issue=issue)


ISSUE_KEY_SECONDS = 24 * 60 * 60
ISSUE_LOCK_SECONDS = 60
ISSUE_WAIT_SECONDS = 5


def _issue_fingerprint(data: dict) -> str:
    values = {name: getattr(value, "pk", value) for name, value in data.items()}
    values["number"] = numbers.normalize(values["number"] or "")
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _issue_key(user, key: str) -> str:
    return f"card-issue:{user.pk}:{hashlib.sha256(key[:64].encode()).hexdigest()}"


def card_issued_with_key(*, user, idempotency_key: str) -> Card | None:
    """The card ``user`` registered with ``idempotency_key`` in the last day, if any.

    The register page asks before warning about likely duplicates: the card its own first submission
    registered is not a duplicate, the repeat gets that card back from ``card_issue``.
    """
    stored = cache.get(_issue_key(user, idempotency_key)) if idempotency_key else None
    return Card.objects.filter(pk=stored["card"]).first() if stored else None


def _card_issue_once(*, user, key: str, fingerprint: str, issue) -> tuple[Card, bool]:
    """The first submission with ``key`` registers the card; a repeat gets the same card back (not created).

    A repeat that arrives while the first is still running (a double click) waits for it a few
    seconds rather than registering a second card; the remembered answer lives in the shared cache.
    """
    remembered = _issue_key(user, key)
    lock = remembered + ":lock"
    deadline = time.monotonic() + ISSUE_WAIT_SECONDS
    while True:
        if (card := _issue_replay(cache.get(remembered), fingerprint)) is not None:
            return card, False
        if cache.add(lock, 1, timeout=ISSUE_LOCK_SECONDS):
            break
        if time.monotonic() >= deadline:
            raise DomainError("idempotency_conflict")  # the same key is still being processed
        time.sleep(0.1)
    try:
        # The first submission may have finished between our look and taking the lock.
        if (card := _issue_replay(cache.get(remembered), fingerprint)) is not None:
            return card, False
        card = issue()
        cache.set(remembered, {"fingerprint": fingerprint, "card": card.pk}, timeout=ISSUE_KEY_SECONDS)
    finally:
        cache.delete(lock)
    return card, True


def _issue_replay(stored: dict | None, fingerprint: str) -> Card | None:
    if stored is None:
        return None
    if stored["fingerprint"] != fingerprint:
        raise DomainError("idempotency_conflict")
    return Card.objects.filter(pk=stored["card"]).first()


def card_issue_office_check(*, user, office: Office, day: datetime.date) -> None:
    """R1: who may issue for ``office`` that day (the part of ``card_issue`` that is the same for every row)."""
    _require_office_staff(user, office)
    if not office.is_active_on(day):
        raise DomainError("office_inactive")
    if not office.region.is_active_on(day):
        raise DomainError("region_inactive")


def card_issue_holder_check(*, birth_year: int, home_municipality: Municipality, children: int,
                            format: str, wellbeing_at_issue: int | None, day: datetime.date,  # noqa: A002
                            holder_min_age: int) -> None:
    """R1: the checks of one holder's data, shared by ``card_issue`` and the bulk importer (``cards.imports``)."""
    birth_year_check(birth_year, today=day)
    # "At least 16 or turns 16 during the current calendar year": only the birth year is kept.
    if day.year - birth_year < holder_min_age:
        raise DomainError("holder_too_young")
    home_region = home_municipality.region if home_municipality.region_id else None
    if home_region is None or not home_region.is_active_on(day):
        raise DomainError("municipality_not_in_network")
    if children is None or children < 0 or children > 20:
        raise DomainError("children_invalid")
    if format not in Card.Format.values:
        raise DomainError("card_format_invalid")
    if wellbeing_at_issue is not None and not 1 <= wellbeing_at_issue <= 5:
        raise DomainError("wellbeing_invalid")


def _card_issue_new(*, user, day: datetime.date, event_kind: str, office: Office, birth_year: int,
                    home_municipality: Municipality, children: int, format: str,  # noqa: A002
                    number: str | None, postal_code: str, language: str, gender: str, life_situation: str,
                    wellbeing_at_issue: int | None) -> Card:
    card_issue_office_check(user=user, office=office, day=day)
    card_issue_holder_check(birth_year=birth_year, home_municipality=home_municipality, children=children,
                            format=format, wellbeing_at_issue=wellbeing_at_issue, day=day,
                            holder_min_age=NationalSettings.current().holder_min_age)
    with transaction.atomic():
        card = Card(
            number=_new_number(number),
            kind=Card.Kind.PERSONAL,
            office=office,
            region_id=office.region_id,
            home_municipality=home_municipality,
            postal_code=postal_code or "",
            birth_year=birth_year,
            children=children,
            format=format,
            language=language,
            issued_on=day,
            valid_until=default_valid_until(office.region, day),
            gender=gender or "",
            life_situation=life_situation or "",
            wellbeing_at_issue=wellbeing_at_issue,
        )
        try:
            with transaction.atomic():
                card.save()
        except IntegrityError as exc:
            raise DomainError("card_number_taken") from exc
        _event(card, event_kind, user, office, valid_until=card.valid_until.isoformat())
        wellbeing_answer_record(card=card, value=wellbeing_at_issue, occasion=WellbeingAnswer.Occasion.ISSUE,
                                day=day)
    return card


def community_card_create(*, user, office: Office, number: str | None = None,
                          today: datetime.date | None = None) -> Card:
    """R6: a community card belongs to an office; the region's contact (or the coordinator) creates it."""
    day = _today(today)
    if not manages_region(user, office.region_id):
        raise DomainError("not_allowed")
    if not office.is_active_on(day):
        raise DomainError("office_inactive")
    if not office.region.is_active_on(day):
        raise DomainError("region_inactive")
    with transaction.atomic():
        card = Card.objects.create(
            number=_new_number(number),
            kind=Card.Kind.COMMUNITY,
            office=office,
            region_id=office.region_id,
            format=Card.Format.PAPER,
            issued_on=day,
            valid_until=default_valid_until(office.region, day),
        )
        _event(card, CardEvent.Kind.ISSUED, user, office, valid_until=card.valid_until.isoformat())
    return card


# --- R3 renew, R4 replace, inactivate -------------------------------------------------------------


def card_renew(*, user, card: Card, wellbeing_at_renewal: int | None = None,
               today: datetime.date | None = None) -> Card:
    """R3: the issuing office or another office of the same region extends an active card."""
    day = _today(today)
    office = _require_staff_in_region(user, card, day)
    if wellbeing_at_renewal is not None and not 1 <= wellbeing_at_renewal <= 5:
        raise DomainError("wellbeing_invalid")
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card.pk)
        if card.reduced_on is not None:
            raise DomainError("card_reduced")
        if card.status != Card.Status.ACTIVE:
            raise DomainError("card_not_renewable")
        if not card.region.is_active_on(day):
            raise DomainError("region_inactive")
        previous = card.valid_until
        card.valid_until = card_renewal_valid_until(card=card, today=day)
        if wellbeing_at_renewal is not None:
            card.wellbeing_at_renewal = wellbeing_at_renewal
        card.save(update_fields=["valid_until", "wellbeing_at_renewal"])
        wellbeing_answer_record(card=card, value=wellbeing_at_renewal, occasion=WellbeingAnswer.Occasion.RENEWAL,
                                day=day)
        _event(card, CardEvent.Kind.RENEWED, user, office, previous=previous.isoformat(),
               valid_until=card.valid_until.isoformat())
    return card


def card_inactivate(*, user, card: Card, reason: str, today: datetime.date | None = None) -> Card:
    """Lost, returned or otherwise ended cards stop working at once (R3 ``card_inactive``)."""
    day = _today(today)
    office = _require_staff_in_region(user, card, day)
    if reason not in Card.InactiveReason.values:
        raise DomainError("reason_required")
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card.pk)
        if card.status != Card.Status.ACTIVE:
            raise DomainError("card_inactive")
        card.status = Card.Status.INACTIVE
        card.inactive_reason = reason
        card.inactivated_on = day
        card.save(update_fields=["status", "inactive_reason", "inactivated_on"])
        _event(card, CardEvent.Kind.INACTIVATED, user, office, reason=reason)
        link_withdraw_locked(card, ended=True)  # issue 14: the mobile link goes with the card
    return card


def card_replace(*, user, card: Card, number: str | None = None, reason: str = Card.InactiveReason.LOST,
                 today: datetime.date | None = None) -> Card:
    """R4: the old card is inactivated, a new number issued with the same data; the history links them."""
    day = _today(today)
    office = _require_staff_in_region(user, card, day)
    if card.kind != Card.Kind.PERSONAL:
        raise DomainError("card_kind_mismatch")
    with transaction.atomic():
        old = Card.objects.select_for_update().get(pk=card.pk)
        if old.reduced_on is not None:
            raise DomainError("card_reduced")
        if old.status != Card.Status.ACTIVE:
            raise DomainError("card_inactive")
        new = Card.objects.create(
            number=_new_number(number),
            kind=old.kind,
            office=old.office,
            region_id=old.region_id,
            home_municipality=old.home_municipality,
            postal_code=old.postal_code,
            birth_year=old.birth_year,
            children=old.children,
            format=old.format,
            language=old.language,
            issued_on=day,
            valid_until=max(old.valid_until, day),
            gender=old.gender,
            life_situation=old.life_situation,
            wellbeing_at_issue=old.wellbeing_at_issue,
            replaces=old,
        )
        old.status = Card.Status.INACTIVE
        old.inactive_reason = reason if reason in Card.InactiveReason.values else Card.InactiveReason.LOST
        old.inactivated_on = day
        old.save(update_fields=["status", "inactive_reason", "inactivated_on"])
        _event(old, CardEvent.Kind.REPLACED, user, office, replaced_by=new.number, reason=old.inactive_reason)
        _event(new, CardEvent.Kind.ISSUED, user, office, replaces=old.number, valid_until=new.valid_until.isoformat())
        link_withdraw_locked(old, ended=True)  # issue 14: the old link ends; the new card gets its own code
        activation_code_set(new)
    return new


# --- R2, R3, R8, R9: check at a venue -------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    number: str
    card: Card | None
    valid: bool
    code: str | None

    @property
    def kind(self) -> str | None:
        return self.card.kind if self.card else None

    @property
    def valid_until(self) -> datetime.date | None:
        return self.card.valid_until if self.card else None

    @property
    def children_allowed(self) -> int:
        if self.card is None or not self.valid:
            return 0
        if self.card.kind == Card.Kind.COMMUNITY:
            return NationalSettings.current().group_max
        return self.card.children

    @property
    def region(self) -> Region | None:
        return self.card.region if self.card else None


def card_region_refusal(card: Card, venue: Venue) -> str | None:
    """R8: local-only regions keep their cards and their venues to themselves; pop-ups take the rest."""
    card_region = card.region
    if card_region.local_only and venue.region_id != card.region_id:
        return "card_not_valid_in_region"
    if venue.region_id and venue.region_id != card.region_id and venue.region.local_only:
        return "card_not_valid_in_region"
    return None


def _evaluate(card: Card | None, venue: Venue, day: datetime.date) -> str | None:
    if not venue.is_active_on(day) or (venue.region_id and not venue.region.is_active_on(day)):
        return "venue_inactive"
    if card is None:
        return "card_not_found"
    # A card inactivated later was still valid on an earlier day (late entry of paper-logged uses).
    if card.status != Card.Status.ACTIVE and (card.inactivated_on is None or card.inactivated_on <= day):
        return "card_inactive"
    if card.is_expired_on(day) or card.issued_on > day:
        return "card_expired"
    return card_region_refusal(card, venue)


def _find_card(number: str) -> Card | None:
    return rows.one(Card, "number", number, related="region")  # select_related("region"), SQL written once


THROTTLE_WINDOW_SECONDS = 60


def _throttle_key(user) -> str:
    return f"card-check-failures:{user.pk}"


def _check_throttle(user) -> None:
    """Refuse before any lookup once the window is full. Only a shortcut: two requests may both pass it, so
    whether a failure is answered is decided by its own atomic count (``_count_failure``)."""
    if (cache.get(_throttle_key(user)) or 0) >= settings.CARD_CHECK_FAILURES_PER_MINUTE:
        raise DomainError("throttled")


def _count_failure(user) -> bool:
    """Count one failure; whether it is still within the limit, from the count this failure itself made.

    ``add`` opens a window at the first failure, ``incr`` is atomic on Redis and locmem alike and keeps the
    expiry: of N parallel failures exactly the first ``CARD_CHECK_FAILURES_PER_MINUTE`` get their answer.
    """
    key = _throttle_key(user)
    count = None
    for _attempt in range(3):
        if cache.add(key, 1, timeout=THROTTLE_WINDOW_SECONDS):
            count = 1
            break
        try:
            count = cache.incr(key)
        except ValueError:  # the window expired between add and incr: open a new one
            continue
        if count == 1:
            # Redis created the key between Django's EXISTS and INCR, without an expiry: give it one.
            cache.touch(key, THROTTLE_WINDOW_SECONDS)
        break
    return count is not None and count <= settings.CARD_CHECK_FAILURES_PER_MINUTE


def _record_throttled(user, venue: Venue, number: str, channel: str) -> None:
    # A blocked attempt is still a check at the counter (R12): keep who tried which number.
    rows.insert(CardCheck(user=user, venue=venue, number=(number or "")[:40], result="throttled", channel=channel))
    logger.warning("card checks throttled for user %s at venue %s", user.pk, venue.pk)


def card_check(*, user, venue: Venue, number: str, channel: str = Use.Channel.COUNTER,
               today: datetime.date | None = None) -> CheckResult:
    """Venue staff check one exact number. Recorded (R12); failures throttled per user (enumeration)."""
    day = _today(today)
    _require_venue_staff(user, venue)
    try:
        _check_throttle(user)
    except DomainError:
        _record_throttled(user, venue, number, channel)
        raise
    normalized = numbers.normalize(number)
    card = None
    if not numbers.is_valid(normalized):
        code = "card_number_invalid"
    else:
        card = _find_card(normalized)
        code = _evaluate(card, venue, day)
    if code is not None and not _count_failure(user):
        # A parallel request filled the window while this one looked: its answer is withheld too.
        _record_throttled(user, venue, number, channel)
        raise DomainError("throttled")
    rows.insert(CardCheck(user=user, venue=venue, number=(number or "")[:40], card=card, result=code or "valid",
                          channel=channel))
    return CheckResult(number=normalized, card=card, valid=code is None, code=code)


# --- R5–R11: log and cancel uses ------------------------------------------------------------------


def _places(children: int) -> int:
    return 1 + children


def use_log(
    *,
    user,
    venue: Venue,
    number: str,
    kind: str = Use.Kind.TICKET,
    children: int = 0,
    group_size: int | None = None,
    offer: Offer | None = None,
    used_on: datetime.date | None = None,
    idempotency_key: str = "",
    channel: str = Use.Channel.COUNTER,
    repeat_confirmed: bool = False,
    today: datetime.date | None = None,
) -> Use:
    """Log one free ticket or course place. A repeated ``idempotency_key`` returns the first use; the same card
    again at the same venue on the same day needs ``repeat_confirmed`` (``repeat_use``, see use_log_or_replay)."""
    return use_log_or_replay(
        user=user, venue=venue, number=number, kind=kind, children=children, group_size=group_size, offer=offer,
        used_on=used_on, idempotency_key=idempotency_key, channel=channel, repeat_confirmed=repeat_confirmed,
        today=today,
    )[0]


def use_log_or_replay(
    *,
    user,
    venue: Venue,
    number: str,
    kind: str = Use.Kind.TICKET,
    children: int = 0,
    group_size: int | None = None,
    offer: Offer | None = None,
    used_on: datetime.date | None = None,
    idempotency_key: str = "",
    channel: str = Use.Channel.COUNTER,
    repeat_confirmed: bool = False,
    today: datetime.date | None = None,
) -> tuple[Use, bool]:
    """``use_log`` that also tells whether this call logged the use (``created``) or returned the one an earlier
    or a parallel submission with the same key logged; the database decides (the unique key index), never a clock.

    Repeat warning (issue 11): when the card already has a use that is not cancelled at this venue on the day of
    the new one (``used_on``, so a late entry too), the use is logged only with ``repeat_confirmed``; without it
    the refusal is ``repeat_use`` and carries those uses (``exc.params["uses"]``, oldest first) for the counter to
    show. A submission with a key already used is still a replay, confirmed or not. Two counters logging the same
    card at the same moment may both pass the question: it is a warning for people, not an invariant.
    """
    day = _today(today)
    requested_on = used_on
    used_on = used_on or day
    _require_venue_staff(user, venue)
    normalized = numbers.normalize(number)
    idempotency_key = (idempotency_key or "")[:64]
    replay = {"number": normalized, "kind": kind, "children": children, "group_size": group_size,
              "offer": offer, "used_on": requested_on}
    try:
        return _new_use(user=user, venue=venue, normalized=normalized, kind=kind, children=children,
                        group_size=group_size, offer=offer, used_on=used_on, day=day,
                        idempotency_key=idempotency_key, channel=channel, replay=replay,
                        repeat_confirmed=repeat_confirmed)
    except DomainError as exc:
        # A repeated submission (a retry after a lost answer) returns the first use even when the card,
        # the quota or the throttle would refuse a new one now. Looked up only after a refusal, so the
        # common case, a new key, costs no query for it.
        if idempotency_key and (existing := _existing_use(venue, idempotency_key)) is not None:
            return _replay(existing, **replay), False
        if exc.code in LOOKUP_FAILURES and not _count_failure(user):
            # A parallel request filled the window while this one looked: its answer is withheld too.
            raise DomainError("throttled") from exc
        raise


def _new_use(*, user, venue: Venue, normalized: str, kind: str, children: int, group_size: int | None,
             offer: Offer | None, used_on: datetime.date, day: datetime.date, idempotency_key: str, channel: str,
             replay: dict, repeat_confirmed: bool = False) -> tuple[Use, bool]:
    _check_throttle(user)
    if not numbers.is_valid(normalized):
        raise DomainError("card_number_invalid")
    rules = NationalSettings.current()
    if used_on > day:
        raise DomainError("used_on_in_future")
    if used_on < day - datetime.timedelta(days=rules.late_entry_days):
        raise DomainError("late_entry_window_passed")
    if channel == Use.Channel.COUNTER and used_on < day:
        channel = Use.Channel.LATE
    if children is None or children < 0:
        raise DomainError("children_invalid")
    card = _find_card(normalized)
    code = _evaluate(card, venue, used_on)
    if code:
        raise DomainError(code)
    _check_kind_rules(card=card, venue=venue, kind=kind, children=children, group_size=group_size, rules=rules)
    if offer is not None and (
        not offer_belongs_to_venue(offer, venue)
        or not offer.is_active_on(used_on)
        or (offer.kind == Offer.Kind.COURSE) != (kind == Use.Kind.COURSE)
    ):
        raise DomainError("offer_mismatch")
    try:
        with transaction.atomic():
            if offer is not None:
                locked = Offer.objects.select_for_update().get(pk=offer.pk)
                # A parallel submission with the same key may have taken the places while we waited.
                if idempotency_key and (existing := _existing_use(venue, idempotency_key)) is not None:
                    return _replay(existing, **replay), False
                _take_places(locked, _places(children))
            # Issue 11: asked after every rule, the quota included, so that nobody confirms a use that is then
            # refused for another reason (the refusal rolls the places back). A retry of a key already used finds
            # its own use here: use_log_or_replay then replays it.
            if not repeat_confirmed and (earlier := same_day_uses(card_id=card.pk, venue_id=venue.pk, day=used_on)):
                raise DomainError("repeat_use", uses=earlier)
            # The row is its own record of who logged what, where and when (R12): no second copy in the
            # audit log for every ticket (rows.insert sends no signals). Its later changes (a cancellation)
            # are audited as usual.
            use = rows.insert(Use(
                card=card, venue=venue, offer=offer, kind=kind, children=children,
                group_size=group_size if card.kind == Card.Kind.COMMUNITY else None,
                used_on=used_on, logged_by=user, channel=channel, idempotency_key=idempotency_key,
                card_kind=card.kind, card_region_id=card.region_id, venue_region_id=venue.region_id,
                stat_group=StatGroup.EDUCATION if kind == Use.Kind.COURSE else venue.stat_group,
            ))
            if card.first_used_on is None or card.first_used_on > used_on:
                # Guarded in SQL too: a concurrent earlier use on the same card must win.
                Card.objects.filter(pk=card.pk).filter(
                    Q(first_used_on__isnull=True) | Q(first_used_on__gt=used_on)
                ).update(first_used_on=used_on)
            # Issue 17: today's figures, one statement on today's uses; last, so its row locks (shared by the
            # counters of a venue) are held only until the commit that follows.
            use_counted(use, card, latest=used_on >= day)
    except IntegrityError:
        # The unique (venue, idempotency_key) index: a parallel submission committed first.
        existing = _existing_use(venue, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _replay(existing, **replay), False
    return use, True


# Refusals that tell something about a card number; they count towards the enumeration throttle.
LOOKUP_FAILURES = frozenset(
    {"card_number_invalid", "card_not_found", "card_inactive", "card_expired", "card_not_valid_in_region"}
)


def same_day_uses(*, card_id: int, venue_id: int, day: datetime.date) -> list[Use]:
    """The card's uses at the venue on ``day`` that are not cancelled, oldest first: what makes another use of it
    there that day a repeat (issue 11). Read through rows.many (SQL written once): it is asked on every log.
    Unscoped: the rule asks it for a venue whose staff the user is; pages read ``cards.selectors.repeat_uses``."""
    return rows.many(Use, "card_id = %s AND venue_id = %s AND used_on = %s AND cancelled_at IS NULL",
                     [card_id, venue_id, connection.ops.adapt_datefield_value(day)], order_by="logged_at, id")


def _existing_use(venue: Venue, idempotency_key: str) -> Use | None:
    return Use.objects.filter(venue=venue, idempotency_key=idempotency_key).select_related("card").first()


def _replay(existing: Use, *, number: str, kind: str, children: int, group_size: int | None,
            offer: Offer | None, used_on: datetime.date | None) -> Use:
    """R11: the same submission again returns the first use; the same key for another use is refused."""
    same = (
        existing.card.number == number
        and existing.kind == kind
        and existing.children == children
        and existing.offer_id == (offer.pk if offer is not None else None)
        and (used_on is None or existing.used_on == used_on)
        and (existing.card_kind != Card.Kind.COMMUNITY or existing.group_size == group_size)
    )
    if not same:
        raise DomainError("idempotency_conflict")
    return existing


def _check_kind_rules(*, card: Card, venue: Venue, kind: str, children: int, group_size: int | None,
                      rules: NationalSettings) -> None:
    if kind == Use.Kind.COURSE:
        # R6, R7: course places are for the personal-card holder only, never with children.
        if card.kind == Card.Kind.COMMUNITY:
            raise DomainError("courses_need_personal_card")
        if children:
            raise DomainError("children_not_allowed_for_courses")
        if not venue.offers_courses:
            raise DomainError("course_not_offered")
        return
    if kind != Use.Kind.TICKET:
        raise DomainError("offer_mismatch")
    if card.kind == Card.Kind.PERSONAL:
        # R5: own children/grandchildren, at most as many as the card says.
        if group_size is not None:
            raise DomainError("group_size_invalid")
        if children > card.children:
            raise DomainError("too_many_children")
        return
    # R6: a community card's user accompanies one cardholder alone or a small group.
    if group_size is None or not (group_size == 1 or rules.group_min <= group_size <= rules.group_max):
        raise DomainError("group_size_invalid")
    if children > rules.group_max:
        raise DomainError("too_many_children")


def _take_places(offer: Offer, places: int) -> None:
    """R10: ``offer`` is locked (select_for_update) so two counters cannot sell the last place twice."""
    if offer.quota is not None and offer.used_count + places > offer.quota:
        raise DomainError("quota_exhausted")
    Offer.objects.filter(pk=offer.pk).update(used_count=F("used_count") + places)


def use_cancel(*, user, use: Use, reason: str, today: datetime.date | None = None) -> Use:
    """R11: the venue cancels within the window, with a reason; the use leaves the statistics.

    The window runs from the day of the use; for a late entry from the day it was entered, so a
    mistyped paper log can still be corrected. The same cancellation again (same user, same reason: a
    double submission or a retry) returns the use unchanged, for the page and the API alike; any other
    cancellation of a cancelled use is refused (``use_already_cancelled``).
    """
    day = _today(today)
    _require_venue_staff(user, use.venue)
    reason = (reason or "").strip()[:200]
    if not reason:
        raise DomainError("reason_required")
    window = NationalSettings.current().cancel_window_days
    with transaction.atomic():
        use = Use.objects.select_for_update().get(pk=use.pk)
        if use.cancelled_at is not None:
            if use.cancelled_by_id == user.pk and use.cancel_reason == reason:
                return use
            raise DomainError("use_already_cancelled")
        start = use.used_on
        if use.channel == Use.Channel.LATE:
            start = max(start, timezone.localdate(use.logged_at))
        if start < day - datetime.timedelta(days=window):
            raise DomainError("cancel_window_passed")
        use.cancelled_at = timezone.now()
        use.cancelled_by = user
        use.cancel_reason = reason
        use.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        if use.offer_id:
            Offer.objects.filter(pk=use.offer_id).update(used_count=F("used_count") - _places(use.children))
        first = Use.objects.counted().filter(card_id=use.card_id).aggregate(first=Min("used_on"))["first"]
        Card.objects.filter(pk=use.card_id).update(first_used_on=first)
        use_uncounted(use, use.card)  # issue 17: today's figures
    return use


# --- printing and handing over a card (recorded in its history, R12) --------------------------------


def card_handover_record(*, user, card: Card, kind: str) -> CardEvent:
    """Record that ``card`` was printed or its mobile link shown, by staff of an office of the card's region.

    Only an active card is printed or handed over; the office recorded is the card's own when the user
    works there.
    """
    if kind not in (CardEvent.Kind.PRINTED, CardEvent.Kind.MOBILE_LINK):
        raise ValueError(kind)
    offices = list(Office.objects.filter(pk__in=scope_for(user).office_ids, region_id=card.region_id).order_by("pk"))
    office = _handing_office(offices, card)
    if not _in_use(card):
        raise DomainError("card_inactive")
    return _event(card, kind, user, office)


def _handing_office(offices: list[Office], card: Card) -> Office:
    """Of the user's offices in the card's region (``offices``), the one a print or handover is recorded for: the
    card's own when the user works there. ``not_allowed`` when there is none."""
    if not offices:
        raise DomainError("not_allowed")
    return next((o for o in offices if o.pk == card.office_id), offices[0])


def _in_use(card: Card) -> bool:
    return card.status == Card.Status.ACTIVE and card.reduced_on is None


def cards_printed_record(*, user, cards) -> list[CardEvent]:
    """``card_handover_record(kind=PRINTED)`` for a batch print (a selection of the office's cards, an import's
    PDF part): one "printed" event per card in use, in one insert; cards not in use are not printed and get none.
    Refused (``not_allowed``, nothing recorded) when the user works at no office of a card's region."""
    offices_by_region: dict[int, list[Office]] = {}
    for office in Office.objects.filter(pk__in=scope_for(user).office_ids).order_by("pk"):
        offices_by_region.setdefault(office.region_id, []).append(office)
    events = []
    for card in cards:
        office = _handing_office(offices_by_region.get(card.region_id, []), card)
        if _in_use(card):
            events.append(CardEvent(card=card, kind=CardEvent.Kind.PRINTED, by=user, office=office, details={}))
    return CardEvent.objects.bulk_create(events)


# --- R15: every use rule without logging (bookings, issue 16) ----------------------------------------


def card_use_rules_check(*, user, venue: Venue, number: str, kind: str = Use.Kind.TICKET, children: int = 0,
                         group_size: int | None = None, day: datetime.date | None = None,
                         channel: str = Use.Channel.COUNTER) -> Card:
    """R2–R10 as ``use_log_or_replay`` applies them (R5 children, R6 community cards, R7 courses, R8 regions,
    R9 periods), without logging a use: a booking ahead is checked with every rule of a use on the day it is
    made. Returns the card. The same throttle as a check (a refused number counts towards the enumeration
    limit), and the look-up is recorded as a card check at the venue (R12). The counter's check and log paths
    do not call it, so they keep their statements."""
    day = _today(day)
    _require_venue_staff(user, venue)
    _check_throttle(user)
    normalized = numbers.normalize(number)
    card = None
    try:
        if not numbers.is_valid(normalized):
            raise DomainError("card_number_invalid")
        if children is None or children < 0:
            raise DomainError("children_invalid")
        card = _find_card(normalized)
        code = _evaluate(card, venue, day)
        if code:
            raise DomainError(code)
        _check_kind_rules(card=card, venue=venue, kind=kind, children=children, group_size=group_size,
                          rules=NationalSettings.current())
    except DomainError as exc:
        rows.insert(CardCheck(user=user, venue=venue, number=(number or "")[:40], card=card, result=exc.code,
                              channel=channel))
        if exc.code in LOOKUP_FAILURES and not _count_failure(user):
            raise DomainError("throttled") from exc
        raise
    rows.insert(CardCheck(user=user, venue=venue, number=(number or "")[:40], card=card, result="valid",
                          channel=channel))
    return card
