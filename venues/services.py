"""Writes of the venues app: a venue's own offers (R10), which only that venue's staff publish and edit; and the
venue network: regional contacts create, change and close their region's venues, the coordinator every venue and
the pop-up venues with their campaign periods (R9)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from core.errors import DomainError
from regions.models import Municipality, Region
from regions.permissions import manages_region, may_manage_regions
from regions.services import clean_text, close_day_check, period_check, public_contact_check

from .models import Category, Offer, Venue
from .permissions import may_act_for_venue
from .translation import VENUE_PUBLIC_TEXTS

MAX_QUOTA = 100_000


def _require_venue_staff(user, venue_id: int) -> None:
    if not may_act_for_venue(user, venue_id):
        raise DomainError("not_allowed")


def _validate(*, venue: Venue, title: str, kind: str, starts_on: datetime.date, ends_on: datetime.date,
              quota: int | None) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError("offer_title_required")
    if kind not in Offer.Kind.values:
        raise DomainError("offer_kind_invalid")
    if kind == Offer.Kind.COURSE and not venue.offers_courses:
        raise DomainError("course_not_offered")
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise DomainError("offer_dates_invalid")
    if quota is not None and not 1 <= quota <= MAX_QUOTA:
        raise DomainError("offer_quota_invalid")
    return title[:200]


def _other_titles(title_sv: str, title_en: str) -> dict:
    return {"title_sv": clean_text(title_sv, 200), "title_en": clean_text(title_en, 200)}


def offer_create(*, user, venue: Venue, title: str, kind: str, starts_on: datetime.date,
                 ends_on: datetime.date, quota: int | None = None, title_sv: str = "", title_en: str = "") -> Offer:
    """R10: a venue publishes an event, performance or course, optionally with a Kaikukortti quota. ``title`` is
    the Finnish title; an empty Swedish or English title shows the Finnish one."""
    _require_venue_staff(user, venue.pk)
    title = _validate(venue=venue, title=title, kind=kind, starts_on=starts_on, ends_on=ends_on, quota=quota)
    with translation.override("fi"):  # ``title`` is the Finnish title, whatever language the page is in
        return Offer.objects.create(venue=venue, title=title, kind=kind, starts_on=starts_on, ends_on=ends_on,
                                    quota=quota, **_other_titles(title_sv, title_en))


def offer_update(*, user, offer: Offer, title: str, kind: str, starts_on: datetime.date,
                 ends_on: datetime.date, quota: int | None = None, title_sv: str = "", title_en: str = "") -> Offer:
    """R10: the quota never drops below the places already used, and the kind of a used offer stays.

    The row is locked so that a counter logging the last place at the same moment cannot slip
    under a lowered quota.
    """
    _require_venue_staff(user, offer.venue_id)
    with transaction.atomic():
        locked = Offer.objects.select_for_update().select_related("venue").get(pk=offer.pk)
        title = _validate(venue=locked.venue, title=title, kind=kind, starts_on=starts_on, ends_on=ends_on,
                          quota=quota)
        if kind != locked.kind and locked.uses.exists():
            raise DomainError("offer_kind_in_use")
        if quota is not None and quota < locked.used_count:
            raise DomainError("offer_quota_below_used")
        locked.title_fi, locked.kind, locked.starts_on, locked.ends_on, locked.quota = (
            title, kind, starts_on, ends_on, quota
        )
        others = _other_titles(title_sv, title_en)
        locked.title_sv, locked.title_en = others["title_sv"], others["title_en"]
        with translation.override("fi"):  # the untranslated ``title`` column (the counter's SQL) stays Finnish
            locked.save(update_fields=["title", "title_fi", "kind", "starts_on", "ends_on", "quota", "title_sv",
                                       "title_en"])
    return locked


# --- the venue network: regional contacts and the coordinator ------------------------------------


def _require_manager(user, region: Region | None) -> None:
    """A region's venue: its contacts or the coordinator; a pop-up venue (no region): the coordinator."""
    allowed = manages_region(user, region.pk) if region is not None else may_manage_regions(user)
    if not allowed:
        raise DomainError("not_allowed")


def _venue_values(*, venue: Venue | None, region: Region | None, name: str, category: str,
                  municipality: Municipality | None, active_from: datetime.date | None,
                  active_until: datetime.date | None, website: str, public_contact: str, public_phone: str,
                  public_email: str, public_url: str) -> dict:
    field = Venue._meta.get_field
    name = clean_text(name, field("name").max_length)
    if not name:
        raise DomainError("name_required")
    same_name = Venue.objects.filter(region=region, name__iexact=name)
    if venue is not None:
        same_name = same_name.exclude(pk=venue.pk)
    if same_name.exists():
        raise DomainError("venue_name_taken")
    if category not in Category.values:
        raise DomainError("choice_invalid")
    if municipality is None:
        raise DomainError("municipality_required")
    if region is not None and municipality.region_id != region.pk:
        raise DomainError("municipality_not_in_region")
    period_check(active_from, active_until)
    if region is None and active_until is None:
        raise DomainError("campaign_end_required")
    public_phone, public_email, public_url = public_contact_check(phone=public_phone, email=public_email,
                                                                  url=public_url)
    _phone, _email, website = public_contact_check(url=website)
    return {"name": name, "category": category, "municipality": municipality, "active_from": active_from,
            "active_until": active_until, "website": website,
            "public_contact": clean_text(public_contact, field("public_contact").max_length),
            "public_phone": public_phone, "public_email": public_email, "public_url": public_url}


def venue_create(*, user, region: Region | None, name: str, category: str, municipality: Municipality | None,
                 offers_courses: bool, active_from: datetime.date | None, active_until: datetime.date | None = None,
                 website: str = "", public_listing: bool = True, public_contact: str = "", public_phone: str = "",
                 public_email: str = "", public_url: str = "") -> Venue:
    """A region's contact adds a venue to their network; the coordinator adds a pop-up venue (``region`` None)
    with its campaign period, which always ends (R8, R9)."""
    _require_manager(user, region)
    values = _venue_values(venue=None, region=region, name=name, category=category, municipality=municipality,
                           active_from=active_from, active_until=active_until, website=website,
                           public_contact=public_contact, public_phone=public_phone, public_email=public_email,
                           public_url=public_url)
    try:  # ``public_contact`` is the Finnish text (``public_contact_fi``), whatever language the page is in
        with translation.override("fi"), transaction.atomic():
            return Venue.objects.create(region=region, is_popup=region is None, offers_courses=offers_courses,
                                        public_listing=public_listing, **values)
    except IntegrityError as exc:  # the same name saved at the same moment
        raise DomainError("venue_name_taken") from exc


def venue_update(*, user, venue: Venue, name: str, category: str, municipality: Municipality | None,
                 offers_courses: bool, active_from: datetime.date | None, active_until: datetime.date | None = None,
                 website: str = "", public_listing: bool = True, public_contact: str = "", public_phone: str = "",
                 public_email: str = "", public_url: str = "") -> Venue:
    """Change a venue's details, its period (a pop-up's campaign) and its public listing. The region stays: a
    venue that moves to another network is a new venue there."""
    _require_manager(user, venue.region)
    values = _venue_values(venue=venue, region=venue.region, name=name, category=category, municipality=municipality,
                           active_from=active_from, active_until=active_until, website=website,
                           public_contact=public_contact, public_phone=public_phone, public_email=public_email,
                           public_url=public_url)
    values.update(offers_courses=offers_courses, public_listing=public_listing)
    try:  # ``public_contact`` is the Finnish text (``public_contact_fi``), whatever language the page is in
        with translation.override("fi"), transaction.atomic():
            locked = Venue.objects.select_for_update().get(pk=venue.pk)
            changed = [key for key, value in values.items() if getattr(locked, key) != value]
            for key in changed:
                setattr(locked, key, values[key])
            if changed:
                locked.save(update_fields=changed)
    except IntegrityError as exc:
        raise DomainError("venue_name_taken") from exc
    return locked


def venue_close(*, user, venue: Venue, last_day: datetime.date, today: datetime.date | None = None) -> Venue:
    """R9: the venue takes cards until the end of ``last_day``; from the next day its counter and the API refuse
    every card with ``venue_inactive``. Closing "at once" is yesterday. Its uses, offers and staff stay."""
    _require_manager(user, venue.region)
    day = today or timezone.localdate()
    with transaction.atomic():
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        close_day_check(active_from=locked.active_from, active_until=locked.active_until, last_day=last_day,
                        today=day)
        locked.active_until = last_day
        locked.save(update_fields=["active_until"])
    return locked


def venue_public_texts_update(*, user, venue: Venue, texts: dict) -> Venue:
    """The venue's own staff write its public texts (description, address, accessibility, how to get tickets) in
    Finnish, Swedish and English; an empty Swedish or English text shows the Finnish one (issue 13, point 4)."""
    _require_venue_staff(user, venue.pk)
    field = Venue._meta.get_field
    values = {f"{name}_{lang}": clean_text(texts.get(f"{name}_{lang}"), field(name).max_length)
              for name in VENUE_PUBLIC_TEXTS for lang in ("fi", "sv", "en")}
    with translation.override("fi"), transaction.atomic():  # the untranslated columns follow the Finnish text
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        changed = [key for key, value in values.items() if (getattr(locked, key) or "") != value]
        for key in changed:
            setattr(locked, key, values[key])
        if changed:
            locked.save(update_fields=[*changed, *VENUE_PUBLIC_TEXTS])
    return locked
