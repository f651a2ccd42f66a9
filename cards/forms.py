import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from distributors.models import Office
from regions.models import Municipality, NationalSettings

from . import numbers, selectors, services
from .models import Card

# Which form field shows a refusal of the card services; others go on top of the form.
FIELD_OF_CODE = {
    "card_number_invalid": "number",
    "card_number_taken": "number",
    "holder_too_young": "birth_year",
    "birth_year_invalid": "birth_year",
    "municipality_not_in_network": "home_municipality",
    "municipality_unknown": "home_municipality",
    "children_invalid": "children",
    "card_format_invalid": "format",
    "wellbeing_invalid": "wellbeing_at_issue",
}

WELLBEING_CHOICES = [("", _("Not asked"))] + [(str(i), str(i)) for i in range(1, 6)]


class DomainErrorFormMixin:
    def add_domain_error(self, error: DomainError) -> None:
        """Show a rule's refusal next to the field it is about, with its translated message."""
        field = FIELD_OF_CODE.get(error.code)
        self.add_error(field if field in self.fields else None, ValidationError(error.message, code=error.code))


def _refusal(error: DomainError) -> ValidationError:
    return ValidationError(error.message, code=error.code)


def _with_child_age(message: str) -> str:
    return str(message) % {"age": NationalSettings.current().child_age_limit}


# R5: a label or help text naming the national child age limit (``%(age)s``), read when it is shown, so a
# change of the setting reaches every form without a restart.
with_child_age = lazy(_with_child_age, str)


class MunicipalityField(forms.CharField):
    """A text input with a <datalist> of the network's municipalities: type a few letters, pick one.

    Accepts "Name (123)", the 3-digit code or the Finnish or Swedish name, read by the same function
    as the importer and the API (``selectors.municipality_from_text``). Whether a municipality found
    belongs to an active region is the card rules' answer (R1), not the form's.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    def clean(self, value) -> Municipality | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            return selectors.municipality_from_text(value)
        except DomainError as error:
            if error.code == "municipality_unknown":  # the same code, with the hint that fits this input
                raise ValidationError(_("Choose a municipality from the list."), code=error.code) from error
            raise _refusal(error) from error


class CardNumberField(forms.CharField):
    """A typed or scanned card number, checked by ``numbers.clean`` (R2) like every other entry point."""

    def clean(self, value) -> str:
        try:
            return numbers.clean(super().clean(value))
        except DomainError as error:
            raise _refusal(error) from error


class CardRegisterForm(DomainErrorFormMixin, forms.Form):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(), empty_label=None)
    number = CardNumberField(
        label=_("Card number"), required=False, max_length=20,
        help_text=_("Type or scan the number of the pre-printed card (e.g. ABC-DEF-GHJ)."),
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True,
            "data-scan-field": "", "class": "number", "data-generated": _("A new number is generated."),
        }),
    )
    generate_number = forms.BooleanField(
        label=_("No pre-printed card: generate a new number (mobile card or a card printed here)"), required=False,
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    home_municipality = MunicipalityField(
        label=_("Home municipality"), help_text=_("Type a few letters and choose from the list."),
        widget=forms.TextInput(attrs={"list": "municipalities", "autocomplete": "off"}),
    )
    postal_code = forms.RegexField(
        label=_("Postal code"), regex=r"^\d{5}$", required=False,
        error_messages={"invalid": _("A postal code has five digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 5}),
    )
    children = forms.IntegerField(
        label=with_child_age(_("Own children or grandchildren under %(age)s")), min_value=0, max_value=20, initial=0,
        help_text=_("Printed on the card: how many children may get a free ticket with the holder."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    format = forms.ChoiceField(  # noqa: A003 - the field's name in DESIGN
        label=_("Card format"), choices=Card.Format.choices, initial=Card.Format.PAPER, widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language of the info sheet"), choices=Card.Language.choices, widget=forms.RadioSelect,
    )
    gender = forms.ChoiceField(
        label=_("Gender (voluntary)"), required=False, choices=[("", "–"), *Card.Gender.choices],
    )
    life_situation = forms.ChoiceField(
        label=_("Life situation (voluntary)"), required=False, choices=[("", "–"), *Card.LifeSituation.choices],
    )
    wellbeing_at_issue = forms.TypedChoiceField(
        label=_("How is the client doing, 1 (badly) – 5 (well)? (voluntary)"), required=False,
        choices=WELLBEING_CHOICES, coerce=int, empty_value=None, widget=forms.RadioSelect,
    )
    confirm_duplicate = forms.BooleanField(label=_("Register anyway: this is a different person"), required=False)
    # R11: made when the form is shown; posting the same form twice registers one card (``card_issue``).
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, offices, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        if len(offices) == 1:
            self.fields["office"].initial = offices[0].pk
            self.fields["office"].widget = forms.HiddenInput()
        earliest, latest = services.birth_year_bounds()
        self.fields["birth_year"].widget.attrs.update({"min": earliest, "max": latest})
        self.fields["language"].initial = (translation.get_language() or "fi")[:2]
        self.duplicates = []

    def clean_birth_year(self) -> int:
        birth_year = self.cleaned_data["birth_year"]
        try:
            services.birth_year_check(birth_year)
        except DomainError as error:
            raise _refusal(error) from error
        return birth_year

    def clean(self) -> dict:
        data = super().clean()
        if (
            "number" in data
            and not data.get("number")
            and not data.get("generate_number")
            and data.get("format") != Card.Format.MOBILE
        ):
            self.add_error("number", ValidationError(
                _("Type or scan the pre-printed number, or tick 'generate a new number'."), code="number_required"
            ))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "office": d["office"],
            "number": d["number"] or None,
            "birth_year": d["birth_year"],
            "home_municipality": d["home_municipality"],
            "postal_code": d.get("postal_code") or "",
            "children": d["children"],
            "format": d["format"],
            "language": d["language"],
            "gender": d.get("gender") or "",
            "life_situation": d.get("life_situation") or "",
            "wellbeing_at_issue": d.get("wellbeing_at_issue"),
            "idempotency_key": d.get("idempotency_key") or "",
        }


class CardFilterForm(forms.Form):
    q = forms.CharField(label=_("Card number"), required=False, max_length=20,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "class": "number"}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Card.Status.choices])
    validity = forms.ChoiceField(label=_("Validity"), required=False, choices=[
        ("", _("All")), ("valid", _("Valid")), ("expiring", _("Expiring within 30 days")), ("expired", _("Expired")),
    ])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Card.Kind.choices])


class RenewForm(DomainErrorFormMixin, forms.Form):
    wellbeing_at_renewal = forms.TypedChoiceField(
        label=_("How is the client doing, 1 (badly) – 5 (well)? (voluntary)"), required=False,
        choices=WELLBEING_CHOICES, coerce=int, empty_value=None, widget=forms.RadioSelect,
    )


class ReplaceForm(DomainErrorFormMixin, forms.Form):
    number = CardNumberField(
        label=_("Number of the new card"), required=False, max_length=20,
        help_text=_("Type or scan the new pre-printed card. Leave empty to generate a new number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "autofocus": True, "data-scan-field": "", "class": "number"}),
    )
    reason = forms.ChoiceField(
        label=_("Why is the card replaced?"), initial=Card.InactiveReason.LOST, widget=forms.RadioSelect,
        choices=[(Card.InactiveReason.LOST, _("lost or stolen")), (Card.InactiveReason.OTHER, _("other"))],
    )


class InactivateForm(DomainErrorFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), widget=forms.RadioSelect,
        choices=[(Card.InactiveReason.LOST, _("lost")), (Card.InactiveReason.RETURNED, _("returned")),
                 (Card.InactiveReason.OTHER, _("other"))],
    )


IMPORT_MAX_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, offices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        if len(offices) == 1:
            self.fields["office"].initial = offices[0].pk
            self.fields["office"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is too large (at most 20 MB)."), code="file_size")
        return upload
