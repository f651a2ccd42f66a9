"""Writes for the regions app: loading the official municipality and welfare-area list."""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError

from .models import Municipality, WelfareArea

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
