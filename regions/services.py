"""Writes for the regions app: loading the official municipality and welfare-area list; the coordinator's regions
(period, municipalities, local-only, default validity) and national settings; a region's two public contact
persons; and the checks of public contact details that offices and venues share."""

import csv
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import MESSAGES, DomainError

from .models import Municipality, NationalSettings, Region, RegionContactPerson, WelfareArea
from .permissions import manages_region, may_manage_regions

MUNICIPALITY_COLUMNS = (
    "code", "name_fi", "name_sv", "population_2020", "welfare_area_id", "welfare_area_fi", "welfare_area_sv",
)
_CODE = re.compile(r"^[0-9]{3}$")
_WELFARE_CODE_MAX = WelfareArea._meta.get_field("code").max_length
_MAX_REPORTED = 20


@dataclass(frozen=True)
class LoadCounts:
    """What a load changed; ``unchanged`` rows were already identical."""

    municipalities_created: int = 0
    municipalities_updated: int = 0
    municipalities_unchanged: int = 0
    welfare_areas_created: int = 0
    welfare_areas_updated: int = 0
    welfare_areas_unchanged: int = 0


@dataclass(frozen=True)
class _Row:
    line: int
    code: str
    name_fi: str
    name_sv: str
    population: int | None
    welfare_area: str | None


class MunicipalityFileError(DomainError):
    """The file was refused; ``problems`` lists ``(line, message)`` pairs, first line first."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = sorted(problems)
        shown = [_("line %(line)d: %(problem)s") % {"line": line, "problem": msg}
                 for line, msg in self.problems[:_MAX_REPORTED]]
        if len(self.problems) > _MAX_REPORTED:
            shown.append(_("… and %(count)d more problems") % {"count": len(self.problems) - _MAX_REPORTED})
        message = _("The municipality file was not loaded; nothing was changed.") + "\n" + "\n".join(shown)
        super().__init__("municipality_file_invalid", message=message)


def _read(path: Path) -> tuple[list[_Row], dict[str, tuple[str, str]]]:
    """Validate the whole file before anything is written; collect every problem with its line."""
    problems: list[tuple[int, str]] = []
    rows: list[_Row] = []
    welfare: dict[str, tuple[str, str, int]] = {}
    seen: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise MunicipalityFileError([(1, _("the file is empty; expected the header %(columns)s")
                                              % {"columns": ",".join(MUNICIPALITY_COLUMNS)})])
            header = [column.strip() for column in header]
            if sorted(header) != sorted(MUNICIPALITY_COLUMNS):
                missing = sorted(set(MUNICIPALITY_COLUMNS) - set(header))
                extra = sorted(set(header) - set(MUNICIPALITY_COLUMNS))
                raise MunicipalityFileError([(1, _(
                    "wrong columns (missing: %(missing)s; unexpected: %(extra)s); expected %(columns)s"
                ) % {"missing": ", ".join(missing) or "-", "extra": ", ".join(extra) or "-",
                     "columns": ",".join(MUNICIPALITY_COLUMNS)})])
            index = {column: header.index(column) for column in MUNICIPALITY_COLUMNS}
            for values in reader:
                line = reader.line_num
                if not any(value.strip() for value in values):
                    continue  # blank line
                if len(values) != len(MUNICIPALITY_COLUMNS):
                    problems.append((line, _("expected %(expected)d columns, found %(found)d")
                                     % {"expected": len(MUNICIPALITY_COLUMNS), "found": len(values)}))
                    continue
                row = {column: values[i].strip() for column, i in index.items()}
                row_problems = _check_row(line, row, seen, welfare)
                if row_problems:
                    problems.extend((line, problem) for problem in row_problems)
                    continue
                rows.append(_Row(
                    line=line, code=row["code"], name_fi=row["name_fi"], name_sv=row["name_sv"],
                    population=int(row["population_2020"]) if row["population_2020"] else None,
                    welfare_area=row["welfare_area_id"] or None,
                ))
    except UnicodeDecodeError as exc:
        raise MunicipalityFileError([(1, _("the file is not UTF-8 text (%(error)s)") % {"error": exc.reason})]) from exc
    except csv.Error as exc:
        raise MunicipalityFileError([(reader.line_num, _("unreadable CSV (%(error)s)") % {"error": exc})]) from exc
    if problems:
        raise MunicipalityFileError(problems)
    if not rows:
        raise MunicipalityFileError([(1, _("the file has a header but no municipalities"))])
    return rows, {code: (fi, sv) for code, (fi, sv, _line) in welfare.items()}


def _check_row(line: int, row: dict[str, str], seen: dict[str, int],
               welfare: dict[str, tuple[str, str, int]]) -> list[str]:
    problems = []
    code = row["code"]
    if not _CODE.match(code):
        problems.append(_("municipality code %(code)r is not 3 digits") % {"code": code})
    elif code in seen:
        problems.append(_("duplicate municipality code %(code)s (first on line %(first)d)")
                        % {"code": code, "first": seen[code]})
    else:
        seen[code] = line
    if not row["name_fi"]:
        problems.append(_("the Finnish name (name_fi) is empty"))
    population = row["population_2020"]
    if population and not (population.isascii() and population.isdigit()):
        problems.append(_("population %(value)r is not a non-negative integer") % {"value": population})
    area, area_fi, area_sv = row["welfare_area_id"], row["welfare_area_fi"], row["welfare_area_sv"]
    if area:
        if len(area) > _WELFARE_CODE_MAX:
            problems.append(_("welfare area id %(code)r is longer than %(max)d characters")
                            % {"code": area, "max": _WELFARE_CODE_MAX})
        elif not area_fi:
            problems.append(_("welfare area %(code)s has no Finnish name") % {"code": area})
        elif area in welfare and welfare[area][:2] != (area_fi, area_sv):
            problems.append(_("welfare area %(code)s is named differently than on line %(first)d")
                            % {"code": area, "first": welfare[area][2]})
        elif area not in welfare:
            welfare[area] = (area_fi, area_sv, line)
    elif area_fi or area_sv:
        problems.append(_("a welfare area name is given without its id"))
    return problems


def municipalities_load(*, path: str | Path) -> LoadCounts:
    """Create or update municipalities and welfare areas by code from the official CSV.

    All or nothing: the whole file is validated first, then written in one transaction.
    ``Municipality.region`` is never touched: which municipality belongs to which Kaikukortti
    network is our data, not the official list's.
    """
    rows, areas = _read(Path(path))
    with transaction.atomic():
        existing_areas = {a.code: a for a in WelfareArea.objects.select_for_update().filter(code__in=areas)}
        area_new, area_changed = [], []
        for code, (name_fi, name_sv) in areas.items():
            area = existing_areas.get(code)
            if area is None:
                area_new.append(WelfareArea(code=code, name_fi=name_fi, name_sv=name_sv))
            elif (area.name_fi, area.name_sv) != (name_fi, name_sv):
                area.name_fi, area.name_sv = name_fi, name_sv
                area_changed.append(area)
        WelfareArea.objects.bulk_create(area_new)
        WelfareArea.objects.bulk_update(area_changed, ["name_fi", "name_sv"])
        area_ids = dict(WelfareArea.objects.filter(code__in=areas).values_list("code", "pk"))

        existing = {m.code: m for m in Municipality.objects.select_for_update().filter(code__in=[r.code for r in rows])}
        new, changed = [], []
        fields = ["name_fi", "name_sv", "population", "welfare_area_id"]
        for row in rows:
            values = {"name_fi": row.name_fi, "name_sv": row.name_sv, "population": row.population,
                      "welfare_area_id": area_ids[row.welfare_area] if row.welfare_area else None}
            municipality = existing.get(row.code)
            if municipality is None:
                new.append(Municipality(code=row.code, **values))
            elif any(getattr(municipality, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(municipality, field, value)
                changed.append(municipality)
        Municipality.objects.bulk_create(new)
        Municipality.objects.bulk_update(changed, fields)  # never "region"
    return LoadCounts(
        municipalities_created=len(new),
        municipalities_updated=len(changed),
        municipalities_unchanged=len(rows) - len(new) - len(changed),
        welfare_areas_created=len(area_new),
        welfare_areas_updated=len(area_changed),
        welfare_areas_unchanged=len(areas) - len(area_new) - len(area_changed),
    )


# --- shared checks ---------------------------------------------------------------------------------


def refusal(code: str, **params: object) -> DomainError:
    """A ``DomainError`` whose message carries its ``%(name)s`` values, translated now (in the request's language)."""
    return DomainError(code, message=str(MESSAGES[code]) % params if params else None, **params)


_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{3,28}[0-9]$")
_URL = URLValidator(schemes=["http", "https"])


def clean_text(value: str | None, max_length: int) -> str:
    """Trimmed, without control characters, at most ``max_length`` characters."""
    text = "".join(ch for ch in (value or "") if ch in "\n\t" or " " <= ch != "\x7f").strip()
    return text[:max_length]


def public_contact_check(*, phone: str = "", email: str = "", url: str = "") -> tuple[str, str, str]:
    """The public contact details of an office, a venue or a contact person: a phone number people can dial,
    a real e-mail address and an http(s) address. Returns them trimmed; empty values are allowed."""
    phone, email, url = (phone or "").strip(), (email or "").strip(), (url or "").strip()
    if phone and not _PHONE.match(phone):
        raise DomainError("phone_invalid")
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError("email_invalid") from exc
    if url:
        try:
            _URL(url)
        except ValidationError as exc:
            raise DomainError("url_invalid") from exc
    return phone, email, url


def period_check(active_from: datetime.date | None, active_until: datetime.date | None) -> None:
    """R9: a period has a first day and, if it has an end, ends on or after it."""
    if active_from is None:
        raise DomainError("period_start_required")
    if active_until is not None and active_until < active_from:
        raise DomainError("period_invalid")


def close_day_check(*, active_from: datetime.date, active_until: datetime.date | None, last_day: datetime.date,
                    today: datetime.date) -> None:
    """R9: closing an office or a venue sets the last day of its period. "At once" is yesterday (as ending a
    membership at once, ``core.periods``); a later day only shortens the period, never lengthens it."""
    if active_until is not None and active_until < today - datetime.timedelta(days=1):
        raise DomainError("already_closed")
    if last_day is not None and last_day < active_from:
        raise DomainError("not_started_yet")  # a period cannot end before it begins
    if last_day is None or last_day < today - datetime.timedelta(days=1):
        raise DomainError("close_date_invalid")
    if active_until is not None and last_day > active_until:
        raise DomainError("close_date_invalid")


# --- regions: the coordinator's -------------------------------------------------------------------

VALIDITY_DAYS = (30, 1830)  # a month to five years


def _require_coordinator(user) -> None:
    if not may_manage_regions(user):
        raise DomainError("not_allowed")


def _region_values(*, region: Region | None, name: str, pilot: bool, active_from: datetime.date | None,
                   active_until: datetime.date | None, default_validity_days: int | None,
                   default_valid_until: datetime.date | None) -> str:
    name = clean_text(name, Region._meta.get_field("name").max_length)
    if not name:
        raise DomainError("name_required")
    taken = Region.objects.filter(name_fi__iexact=name)
    if region is not None:
        taken = taken.exclude(pk=region.pk)
    if taken.exists():
        raise DomainError("region_name_taken")
    period_check(active_from, active_until)
    if pilot and active_until is None:
        raise DomainError("pilot_end_required")
    if default_validity_days is not None and not VALIDITY_DAYS[0] <= default_validity_days <= VALIDITY_DAYS[1]:
        raise refusal("validity_days_invalid", min=VALIDITY_DAYS[0], max=VALIDITY_DAYS[1])
    if default_valid_until is not None and default_valid_until < active_from:
        raise DomainError("valid_until_invalid")
    return name


def _assign_municipalities(region: Region, municipalities: Iterable[Municipality]) -> None:
    """The region's municipalities become exactly ``municipalities``. Each row is saved on its own so that the
    audit log records every municipality that joined or left; one that belongs to another region is refused
    (the coordinator removes it there first: a municipality is in one network at a time)."""
    wanted = {m.pk for m in municipalities}
    if not wanted:
        raise DomainError("municipalities_required")
    rows = list(Municipality.objects.select_for_update(of=("self",)).select_related("region")
                .filter(pk__in=wanted | set(region.municipalities.values_list("pk", flat=True))).order_by("pk"))
    for municipality in rows:
        if municipality.pk in wanted and municipality.region_id not in (None, region.pk):
            raise refusal("municipality_in_other_region", municipality=str(municipality),
                          region=municipality.region.name)
    if len([m for m in rows if m.pk in wanted]) != len(wanted):
        raise DomainError("municipalities_required")  # an id that is no municipality
    for municipality in rows:
        target = region.pk if municipality.pk in wanted else None
        if municipality.region_id != target:
            municipality.region_id = target
            municipality.save(update_fields=["region"])


def region_create(*, user, name: str, pilot: bool, active_from: datetime.date | None,
                  active_until: datetime.date | None, local_only: bool, default_validity_days: int | None,
                  default_valid_until: datetime.date | None, municipalities: Iterable[Municipality]) -> Region:
    """R8/R9: the coordinator opens a network: a pilot (start and end) or a permanent one (from a date), its
    municipalities, whether it is local-only, and how long its new cards are valid (R3)."""
    _require_coordinator(user)
    name = _region_values(region=None, name=name, pilot=pilot, active_from=active_from, active_until=active_until,
                          default_validity_days=default_validity_days, default_valid_until=default_valid_until)
    try:
        with transaction.atomic():
            with translation.override("fi"):  # ``name`` is the Finnish name, whatever language the page is in
                region = Region.objects.create(
                    name=name, pilot=pilot, active_from=active_from, active_until=active_until, local_only=local_only,
                    default_validity_days=default_validity_days, default_valid_until=default_valid_until,
                )
            _assign_municipalities(region, municipalities)
    except IntegrityError as exc:  # the same name saved at the same moment
        raise DomainError("region_name_taken") from exc
    return region


def region_update(*, user, region: Region, name: str, pilot: bool, active_from: datetime.date | None,
                  active_until: datetime.date | None, local_only: bool, default_validity_days: int | None,
                  default_valid_until: datetime.date | None, municipalities: Iterable[Municipality]) -> Region:
    """The coordinator changes a network: ending a pilot or a network stops its offices issuing cards
    (``region_inactive``) and its venues taking them (``venue_inactive``) after the last day (R9)."""
    _require_coordinator(user)
    name = _region_values(region=region, name=name, pilot=pilot, active_from=active_from, active_until=active_until,
                          default_validity_days=default_validity_days, default_valid_until=default_valid_until)
    try:
        with transaction.atomic():
            locked = Region.objects.select_for_update().get(pk=region.pk)
            # The coordinator's form names the region in Finnish (``name_fi``, the source and fallback language of
            # regions/translation.py) whatever language the page is in; saved in Finnish so that the untranslated
            # ``name`` column follows it.
            locked.name_fi, locked.pilot = name, pilot
            locked.active_from, locked.active_until = active_from, active_until
            locked.local_only, locked.default_validity_days = local_only, default_validity_days
            locked.default_valid_until = default_valid_until
            with translation.override("fi"):
                locked.save()
            _assign_municipalities(locked, municipalities)
    except IntegrityError as exc:
        raise DomainError("region_name_taken") from exc
    return locked


REGION_TEXT_LANGUAGES = ("fi", "sv", "en")


def region_public_texts_update(*, user, region: Region, texts: dict) -> Region:
    """The region's contacts (their own region) and the coordinator (any) write the region page's text in Finnish,
    Swedish and English and the region's Swedish and English names (empty: the Finnish one is shown). The Finnish
    name stays the coordinator's (``region_update``)."""
    if not manages_region(user, region.pk):
        raise DomainError("not_allowed")
    values: dict = {}
    for lang in ("sv", "en"):
        values[f"name_{lang}"] = clean_text(texts.get(f"name_{lang}"), 120) or None
    for lang in REGION_TEXT_LANGUAGES:
        values[f"public_text_{lang}"] = clean_text(texts.get(f"public_text_{lang}"),
                                                   Region._meta.get_field("public_text").max_length)
    names = [name for key, name in values.items() if key.startswith("name_") and name]
    for name in names:
        if Region.objects.exclude(pk=region.pk).filter(
                Q(name_fi__iexact=name) | Q(name_sv__iexact=name) | Q(name_en__iexact=name)).exists():
            raise DomainError("region_name_taken")
    try:
        with translation.override("fi"), transaction.atomic():
            locked = Region.objects.select_for_update().get(pk=region.pk)
            changed = [key for key, value in values.items() if getattr(locked, key) != value]
            for key in changed:
                setattr(locked, key, values[key])
            if changed:  # the untranslated columns follow the Finnish text (Finnish is active here)
                locked.save(update_fields=[*changed, "name", "public_text"])
    except IntegrityError as exc:
        raise DomainError("region_name_taken") from exc
    return locked


# --- national settings ----------------------------------------------------------------------------

# The bounds a coordinator may set, field by field: wide enough for any policy the network has had, narrow
# enough that a typo (a validity of 3 days, a retention of 0) cannot break the counters or erase cards.
SETTING_BOUNDS = {
    "child_age_limit": (1, 25),
    "holder_min_age": (12, 25),
    "group_min": (1, 50),
    "group_max": (1, 50),
    "default_validity_days": (30, 1830),
    "cancel_window_days": (0, 365),
    "late_entry_days": (0, 365),
    "retention_days": (180, 3650),
    "unusual_uses_per_week": (1, 100),
}


def national_settings_update(*, user, child_age_limit: int, holder_min_age: int, group_min: int, group_max: int,
                             default_validity_days: int, cancel_window_days: int, late_entry_days: int,
                             retention_days: int, unusual_uses_per_week: int) -> NationalSettings:
    """The coordinator changes the national rule parameters. Every counter reads them within seconds
    (``NationalSettings.current``); the audit log keeps each change with who made it."""
    _require_coordinator(user)
    values = {
        "child_age_limit": child_age_limit, "holder_min_age": holder_min_age, "group_min": group_min,
        "group_max": group_max, "default_validity_days": default_validity_days,
        "cancel_window_days": cancel_window_days, "late_entry_days": late_entry_days,
        "retention_days": retention_days, "unusual_uses_per_week": unusual_uses_per_week,
    }
    for field, value in values.items():
        low, high = SETTING_BOUNDS[field]
        if value is None or not low <= value <= high:
            raise refusal("setting_out_of_range", field=field, min=low, max=high)
    if group_min > group_max:
        raise DomainError("group_range_invalid")
    with transaction.atomic():
        NationalSettings.objects.get_or_create(pk=1)
        rules = NationalSettings.objects.select_for_update().get(pk=1)
        changed = [field for field, value in values.items() if getattr(rules, field) != value]
        for field in changed:
            setattr(rules, field, values[field])
        if changed:
            rules.save(update_fields=changed)
    return rules


# --- a region's public contact persons ------------------------------------------------------------


def region_contact_person_set(*, user, region: Region, side: str, name: str, title: str = "",
                              organisation: str = "", phone: str = "", email: str = "") -> RegionContactPerson | None:
    """One of the region's two public contact persons (culture side, social and health side); the region's
    contacts and the coordinator keep them. All fields empty removes that side's person (returns None)."""
    if not manages_region(user, region.pk):
        raise DomainError("not_allowed")
    if side not in RegionContactPerson.Side.values:
        raise DomainError("choice_invalid")
    field = RegionContactPerson._meta.get_field
    name = clean_text(name, field("name").max_length)
    title = clean_text(title, field("title").max_length)
    organisation = clean_text(organisation, field("organisation").max_length)
    phone, email, _url = public_contact_check(phone=phone, email=email)
    with transaction.atomic():
        current = RegionContactPerson.objects.select_for_update().filter(region=region, side=side).first()
        if not any((name, title, organisation, phone, email)):
            if current is not None:
                current.delete()
            return None
        if not name:
            raise DomainError("contact_name_required")
        if not (phone or email):
            raise DomainError("contact_reachable_required")
        values = {"name": name, "title": title, "organisation": organisation, "phone": phone, "email": email}
        if current is None:
            return RegionContactPerson.objects.create(region=region, side=side, **values)
        changed = [key for key, value in values.items() if getattr(current, key) != value]
        for key in changed:
            setattr(current, key, values[key])
        if changed:
            current.save(update_fields=changed)
        return current
