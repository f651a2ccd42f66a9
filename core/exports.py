"""The one writer behind every CSV and XLSX file the service hands out.

Spreadsheet programs run a cell as a formula when its text begins with ``=``, ``+``, ``-`` or ``@``
(and some after a tab, a carriage return or leading spaces): a venue called ``=HYPERLINK(…)`` would
become a live link in the file of whoever opens it. Following the OWASP guidance on CSV injection,
every *text* cell whose first non-blank character is one of those (or which begins with a tab or a
carriage return) is written with a leading ``'``, in CSV and XLSX alike, so it stays text.

Numbers are not text: ``int`` and ``Decimal`` (and ``float``) cells are written as numbers — unquoted in
CSV, numeric cells in XLSX — so a negative count is never mangled. A suppressed small count is a marked
text (such as ``"<5"``) decided by the caller, written as that text in both formats.

Everything else: ``None`` is an empty cell, a date is ``YYYY-MM-DD``, a date and time is local
``YYYY-MM-DD HH:MM``, a boolean and anything else is its text.

And every file handed out is recorded (R12): ``record_export``, the one way the apps below ``reports`` reach
its export records.
"""

import csv
import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
BOM = "\ufeff"
# Characters XLSX (XML 1.0) cannot hold; openpyxl refuses a cell containing one.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Cell = str | int | float | Decimal | None


_PREFIX_SET = frozenset(FORMULA_PREFIXES)


def safe_text(value: str) -> str:
    """Text that no spreadsheet program runs as a formula (OWASP: a leading ``'``)."""
    first = value[:1]
    if first in _PREFIX_SET or (first.isspace() and value.lstrip()[:1] in _PREFIX_SET):
        return "'" + value
    return value


_NUMBERS = (int, float, Decimal)


def cell(value) -> Cell:
    """One value as a safe cell: numbers stay numbers, everything else becomes neutralised text."""
    kind = type(value)
    if kind is str:
        return safe_text(value)
    if value is None or kind in _NUMBERS:
        return value
    if kind is bool:
        return str(value)
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, _NUMBERS):  # an int or Decimal subclass (not bool, handled above)
        return value
    return safe_text(str(value))


def row(values: Iterable) -> list[Cell]:
    return [cell(value) for value in values]


class _Line:
    """A file-like object for ``csv.writer`` that hands back each written line."""

    def write(self, value: str) -> str:
        return value


class CsvWriter:
    """CSV for Finnish Excel: ``;`` between fields, CRLF line ends; every row goes through ``row``."""

    def __init__(self, delimiter: str = CSV_DELIMITER) -> None:
        self._writer = csv.writer(_Line(), delimiter=delimiter, lineterminator="\r\n")

    def line(self, values: Iterable) -> str:
        cells = []
        for value in values:  # ``cell`` inlined for str, int and None: a million-row export calls this per row
            kind = type(value)
            if kind is str:
                first = value[:1]
                if first in _PREFIX_SET or (first.isspace() and value.lstrip()[:1] in _PREFIX_SET):
                    value = "'" + value
            elif value is None:
                value = ""
            elif kind is not int:
                value = cell(value)
            cells.append(value)
        return self._writer.writerow(cells)

    def lines(self, rows: Iterable[Iterable], *, bom: bool = True, batch: int = 1) -> Iterator[str]:
        """The rows as text chunks of ``batch`` lines (the first with the UTF-8 BOM), for streaming."""
        chunk: list[str] = [BOM] if bom else []
        count = 0
        for values in rows:
            chunk.append(self.line(values))
            count += 1
            if count >= batch:
                yield "".join(chunk)
                chunk, count = [], 0
        if chunk:
            yield "".join(chunk)


def xlsx_row(values: Iterable) -> list[Cell]:
    """A row for openpyxl's ``append``: text cells neutralised and stripped of what XML cannot hold."""
    out = []
    for value in row(values):
        if isinstance(value, str):
            value = safe_text(_XLSX_ILLEGAL.sub("", value))
        out.append(value)
    return out


def xlsx_append(sheet, values: Iterable) -> None:
    """Append one row to an openpyxl sheet (normal or write-only) through the safe writer."""
    sheet.append(xlsx_row(values))


# --- R12: every file handed out is recorded ------------------------------------------------------------

_export_recorder: Callable[..., object] | None = None


def set_export_recorder(recorder: Callable[..., object]) -> None:
    """Called once, by ``reports``' ``AppConfig.ready``, with ``reports.services.export_record``.

    The export records live in ``reports``, above the apps that also hand out uses (the counter's CSV of the
    venue's uses, the API's lists of uses): those call ``record_export`` here, and the record is written by the
    same service as every other export, without a lower layer importing a higher one. One function, set once,
    called directly: no signal.
    """
    global _export_recorder
    _export_recorder = recorder


def record_export(*, user, what: str, fmt: str, region_ids, params: dict | None = None,
                  rows: int | None = None) -> object:
    """Record an export (R12) through the service ``set_export_recorder`` was given; ``region_ids`` None is a
    national export, a list the regions whose data it holds. Without a recorder nothing may be handed out."""
    if _export_recorder is None:
        raise ImproperlyConfigured("No export recorder: the reports app records every export (R12).")
    return _export_recorder(user=user, what=what, fmt=fmt, region_ids=region_ids, params=params, rows=rows)
