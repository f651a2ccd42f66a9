"""Writes of the distributors app: regional contacts create, change and close their region's offices (the
coordinator every region's), with the public listing and contact that the public region page shows (R9)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError
from regions.models import Municipality, Region
from regions.permissions import manages_region
from regions.services import clean_text, close_day_check, period_check, public_contact_check

from .models import Office, Organisation


def _require_manager(user, region: Region | None) -> None:
    if region is None or not manages_region(user, region.pk):
        raise DomainError("not_allowed")


def organisation_for(*, name: str, kind: str) -> Organisation:
    """The organisation of that name (any case), or a new one of ``kind``: offices of one welfare area or NGO
    share it, and nobody has to pick it from the nation's list."""
    name = clean_text(name, Organisation._meta.get_field("name").max_length)
    if not name:
        raise DomainError("name_required")
    if kind not in Organisation.Kind.values:
        raise DomainError("choice_invalid")
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Organisation.objects.create(name=name, kind=kind)
    except IntegrityError:  # created by someone else at the same moment
        return Organisation.objects.get(name__iexact=name)


def _office_values(*, office: Office | None, region: Region, organisation: Organisation, name: str,
                   municipality: Municipality | None, email: str, active_from: datetime.date | None,
                   active_until: datetime.date | None, public_listing: bool, public_contact: str, public_phone: str,
                   public_email: str, public_url: str) -> dict:
    field = Office._meta.get_field
    name = clean_text(name, field("name").max_length)
    if not name:
        raise DomainError("name_required")
    same_name = Office.objects.filter(organisation=organisation, name__iexact=name)
    if office is not None:
        same_name = same_name.exclude(pk=office.pk)
    if same_name.exists():
        raise DomainError("office_name_taken")
    if municipality is None:
        raise DomainError("municipality_required")
    if municipality.region_id != region.pk:
        raise DomainError("municipality_not_in_region")
    period_check(active_from, active_until)
    _phone, email, _url = public_contact_check(email=email)
    public_phone, public_email, public_url = public_contact_check(phone=public_phone, email=public_email,
                                                                  url=public_url)
    public_contact = clean_text(public_contact, field("public_contact").max_length)
    if public_listing and not any((public_contact, public_phone, public_email, public_url)):
        raise DomainError("public_contact_required")
    return {"organisation": organisation, "name": name, "municipality": municipality, "email": email,
            "active_from": active_from, "active_until": active_until, "public_listing": public_listing,
            "public_contact": public_contact, "public_phone": public_phone, "public_email": public_email,
            "public_url": public_url}


def office_create(*, user, region: Region, organisation_name: str, organisation_kind: str, name: str,
                  municipality: Municipality | None, active_from: datetime.date | None,
                  active_until: datetime.date | None = None, email: str = "", public_listing: bool = False,
                  public_contact: str = "", public_phone: str = "", public_email: str = "",
                  public_url: str = "") -> Office:
    """A region's contact adds an office (kortinjakaja) to their network; its staff are invited on its page."""
    _require_manager(user, region)
    with transaction.atomic():
        organisation = organisation_for(name=organisation_name, kind=organisation_kind)
        values = _office_values(office=None, region=region, organisation=organisation, name=name,
                                municipality=municipality, email=email, active_from=active_from,
                                active_until=active_until, public_listing=public_listing,
                                public_contact=public_contact, public_phone=public_phone, public_email=public_email,
                                public_url=public_url)
        try:
            with transaction.atomic():
                return Office.objects.create(region=region, **values)
        except IntegrityError as exc:  # the same name saved at the same moment
            raise DomainError("office_name_taken") from exc


def office_update(*, user, office: Office, organisation_name: str, organisation_kind: str, name: str,
                  municipality: Municipality | None, active_from: datetime.date | None,
                  active_until: datetime.date | None = None, email: str = "", public_listing: bool = False,
                  public_contact: str = "", public_phone: str = "", public_email: str = "",
                  public_url: str = "") -> Office:
    """Change an office's details, its period and its public listing. The region stays: its cards belong to it."""
    _require_manager(user, office.region)
    with transaction.atomic():
        organisation = organisation_for(name=organisation_name, kind=organisation_kind)
        values = _office_values(office=office, region=office.region, organisation=organisation, name=name,
                                municipality=municipality, email=email, active_from=active_from,
                                active_until=active_until, public_listing=public_listing,
                                public_contact=public_contact, public_phone=public_phone, public_email=public_email,
                                public_url=public_url)
        locked = Office.objects.select_for_update().get(pk=office.pk)
        changed = [key for key, value in values.items() if getattr(locked, key) != value]
        for key in changed:
            setattr(locked, key, values[key])
        try:
            with transaction.atomic():
                if changed:
                    locked.save(update_fields=changed)
        except IntegrityError as exc:
            raise DomainError("office_name_taken") from exc
    return locked


def office_close(*, user, office: Office, last_day: datetime.date, today: datetime.date | None = None) -> Office:
    """R9: the office registers and renews cards until the end of ``last_day``; from the next day its staff are
    refused with ``office_inactive``. Its cards stay valid until they expire. Closing "at once" is yesterday."""
    _require_manager(user, office.region)
    day = today or timezone.localdate()
    with transaction.atomic():
        locked = Office.objects.select_for_update().get(pk=office.pk)
        close_day_check(active_from=locked.active_from, active_until=locked.active_until, last_day=last_day,
                        today=day)
        locked.active_until = last_day
        locked.save(update_fields=["active_until"])
    return locked
