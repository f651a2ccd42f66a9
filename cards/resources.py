"""Bulk import of personal cards from CSV or XLSX (offices moving from spreadsheets).

django-import-export parses the file and runs the rows; every row goes through
``cards.services.card_issue`` (the same rules as the register form) inside one transaction:
a preview (dry run) lists every refused row as "line N: code – message", and the confirmed import
saves all rows or none.
"""

import csv
import io
import re
from dataclasses import dataclass, field

import tablib
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.errors import DomainError
from distributors.models import Office
from regions.models import Municipality

from . import numbers
from .models import Card, CardEvent
from .selectors import municipality_from_text
from .services import card_issue

# Column names: English, with Finnish and Swedish aliases (matched case-insensitively).
COLUMNS = {
    "number": ("number", "card number", "numero", "kortin numero", "kortnummer"),
    "birth_year": ("birth_year", "birth year", "syntymävuosi", "födelseår"),
    "municipality": ("municipality", "home municipality", "home_municipality", "kunta", "kotikunta", "hemkommun"),
    "postal_code": ("postal_code", "postal code", "postinumero", "postnummer"),
    "children": ("children", "lapset", "lapsia", "barn"),
    "format": ("format", "muoto", "kortin muoto", "format"),
    "language": ("language", "kieli", "språk"),
    "gender": ("gender", "sukupuoli", "kön"),
    "life_situation": ("life_situation", "life situation", "elämäntilanne", "livssituation"),
}
REQUIRED_COLUMNS = ("birth_year", "municipality")
FORMAT_ALIASES = {"paperi": "paper", "mobiili": "mobile", "molemmat": "both", "papper": "paper", "båda": "both"}
MAX_ROWS = 100_000


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class NumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return numbers.clean(_text(value)) or None  # R2: the check every entry point uses


class IntWidget(widgets.Widget):
    def __init__(self, code: str, **kwargs) -> None:
        self.code = code
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if not re.fullmatch(r"\d{1,4}", text):
            raise DomainError(self.code)
        return int(text)


class MunicipalityWidget(widgets.Widget):
    """The official 3-digit code (leading zeros may have been lost in Excel) or the name, read by
    ``selectors.municipality_from_text`` like the register form and the API; each text is looked up once."""

    def __init__(self, **kwargs) -> None:
        self._cache: dict[str, Municipality | DomainError] = {}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        key = text.lower()
        if key not in self._cache:
            try:
                self._cache[key] = municipality_from_text(text)
            except DomainError as error:
                self._cache[key] = error
        if isinstance(self._cache[key], DomainError):
            raise DomainError(self._cache[key].code)
        return self._cache[key]


class ChoiceWidget(widgets.Widget):
    def __init__(self, choices, code: str, aliases: dict[str, str] | None = None, **kwargs) -> None:
        self.values = {str(v).lower(): v for v in choices}
        self.values.update({str(label).lower(): v for v, label in getattr(choices, "choices", [])})
        self.values.update(aliases or {})
        self.code = code
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if not text:
            return ""
        if text not in self.values:
            raise DomainError(self.code)
        return self.values[text]


class PostalCodeWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if text.isdigit() and len(text) < 5:
            text = text.zfill(5)  # Excel drops leading zeros (00100 Helsinki)
        if text and not re.fullmatch(r"\d{5}", text):
            raise DomainError("postal_code_invalid")
        return text


class CardImportResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name="number", widget=NumberWidget())
    birth_year = fields.Field(attribute="birth_year", column_name="birth_year",
                              widget=IntWidget("birth_year_invalid"))
    municipality = fields.Field(attribute="home_municipality", column_name="municipality",
                                widget=MunicipalityWidget())
    postal_code = fields.Field(attribute="postal_code", column_name="postal_code", widget=PostalCodeWidget())
    children = fields.Field(attribute="children", column_name="children", widget=IntWidget("children_invalid"))
    format = fields.Field(attribute="format", column_name="format",  # noqa: A003
                          widget=ChoiceWidget(Card.Format.values, "card_format_invalid", FORMAT_ALIASES))
    language = fields.Field(attribute="language", column_name="language",
                            widget=ChoiceWidget(Card.Language.values, "language_invalid",
                                                {"suomi": "fi", "svenska": "sv", "english": "en", "ruotsi": "sv",
                                                 "englanti": "en"}))
    gender = fields.Field(attribute="gender", column_name="gender",
                          widget=ChoiceWidget(Card.Gender.values, "choice_invalid"))
    life_situation = fields.Field(attribute="life_situation", column_name="life_situation",
                                  widget=ChoiceWidget(Card.LifeSituation.values, "choice_invalid"))

    class Meta:
        model = Card
        fields = ("number", "birth_year", "municipality", "postal_code", "children", "format", "language",
                  "gender", "life_situation")
        import_id_fields: tuple = ()
        force_init_instance = True
        skip_diff = True
        report_skipped = False
        use_transactions = True
        clean_model_instances = False

    def __init__(self, *, user, office: Office, **kwargs) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.office = office
        self.created: list[tuple[int, str, bool]] = []  # (row, number, generated)

    def get_import_id_fields(self):
        return []

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        return not any(_text(value) for value in row.values())

    def import_row(self, row, instance_loader, **kwargs):
        self._row_number = kwargs.get("row_number")
        return super().import_row(row, instance_loader, **kwargs)

    def do_instance_save(self, instance, is_create) -> None:
        """One row = one ``card_issue`` call: the same rules, events and audit as the register form."""
        if instance.birth_year is None:
            raise DomainError("birth_year_invalid")
        if instance.home_municipality_id is None:
            raise DomainError("municipality_unknown")
        card = card_issue(
            user=self.user, office=self.office, number=instance.number or None,
            birth_year=instance.birth_year, home_municipality=instance.home_municipality,
            postal_code=instance.postal_code or "", children=instance.children or 0,
            format=instance.format or Card.Format.PAPER, language=instance.language or Card.Language.FI,
            gender=instance.gender or "", life_situation=instance.life_situation or "",
            event_kind=CardEvent.Kind.IMPORTED,
        )
        self.created.append((self._row_number, card.number, not instance.number))
        instance.pk, instance.number = card.pk, card.number


# --- reading the file and running the import -------------------------------------------------------


def _header_key(name) -> str | None:
    text = _text(name).lower().replace("-", " ").strip()
    for key, aliases in COLUMNS.items():
        if text in aliases or text.replace(" ", "_") == key:
            return key
    return None


def read_dataset(content: bytes, filename: str) -> tablib.Dataset:
    """Parse CSV (UTF-8 or Windows-1252; comma or semicolon) or XLSX into a dataset with our column names."""
    if filename.lower().endswith(".xlsx"):
        try:
            dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        except Exception as exc:
            raise DomainError("import_file_unreadable") from exc
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as exc:
            raise DomainError("import_file_unreadable") from exc
        if not rows:
            raise DomainError("import_columns_missing")
        width = len(rows[0])
        dataset = tablib.Dataset(headers=rows[0])
        for row in rows[1:]:
            dataset.append((row + [""] * width)[:width])
    headers = [_header_key(h) or f"ignored_{i}" for i, h in enumerate(dataset.headers or [])]
    if any(required not in headers for required in REQUIRED_COLUMNS):
        raise DomainError("import_columns_missing")
    if len(dataset) > MAX_ROWS:
        raise DomainError("import_too_many_rows")
    dataset.headers = headers
    return dataset


@dataclass
class RowError:
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(code)s – %(message)s") % {
            "line": self.line, "code": self.code, "message": self.message,
        }


@dataclass
class ImportOutcome:
    total: int = 0
    created: list[tuple[int, str, bool]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _line(row_number: int) -> int:
    return row_number + 1  # line 1 is the header row


def _describe(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, DomainError):
        return exc.code, str(exc.message)
    return "invalid", _("The row could not be read.")


def import_cards(*, user, office: Office, dataset: tablib.Dataset, dry_run: bool) -> ImportOutcome:
    """Run every row through ``card_issue`` in one transaction; roll everything back on a dry run or any error."""
    resource = CardImportResource(user=user, office=office)
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True, raise_errors=False,
                                  rollback_on_validation_errors=True)
    outcome = ImportOutcome(total=sum(1 for row in dataset if any(_text(v) for v in row)))
    for error in result.base_errors:
        code, message = _describe(error.error)
        outcome.errors.append(RowError(1, code, message))
    for error_row in result.error_rows:
        for error in error_row.errors:
            code, message = _describe(error.error)
            outcome.errors.append(RowError(_line(error_row.number), code, message))
    for invalid in result.invalid_rows:
        for messages in invalid.error_dict.values():
            for message in messages:
                outcome.errors.append(RowError(_line(invalid.number), "invalid", str(message)))
    outcome.errors.sort(key=lambda e: e.line)
    outcome.created = [(_line(n), number, generated) for n, number, generated in resource.created]
    outcome.saved = not dry_run and outcome.ok
    return outcome
