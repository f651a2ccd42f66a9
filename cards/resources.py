"""The columns of the bulk card import (CSV or XLSX) and how each cell is read.

``CardImportResource`` names the columns and their widgets: the R2 number check, the municipality look-up (once per
text), the choices with their Finnish and Swedish aliases. The background import job (``cards.imports``) reads the
file streaming and checks every row with these widgets and the card rules of ``cards.services``; a row saved
through the resource itself goes through ``card_issue`` like the register form.
"""

import re

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


# --- the header row --------------------------------------------------------------------------------


def _header_key(name) -> str | None:
    text = _text(name).lower().replace("-", " ").strip()
    for key, aliases in COLUMNS.items():
        if text in aliases or text.replace(" ", "_") == key:
            return key
    return None
