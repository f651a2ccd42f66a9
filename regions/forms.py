"""Forms of the region pages, and the parts the office and venue forms share (public contact, closing). They parse
input only; the rules and their refusals are in regions.services."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin

from . import selectors
from .models import NationalSettings, Region, RegionContactPerson
from .services import SETTING_BOUNDS, VALIDITY_DAYS

DATE = {"type": "date"}


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), **kwargs)


class RegionForm(AccessibleErrorsMixin, forms.Form):
    PILOT, PERMANENT = "pilot", "permanent"

    name = forms.CharField(label=_("Name"), max_length=120,
                           help_text=_("The network's name as people know it, e.g. the main municipality."))
    period_kind = forms.ChoiceField(
        label=_("Kind of network"), widget=forms.RadioSelect, initial=PERMANENT,
        choices=[(PILOT, _("Pilot: runs from a start date to an end date")),
                 (PERMANENT, _("Permanent: runs from a start date on"))],
    )
    active_from = _date(_("First day"), help_text=_("From this day its offices register cards and its venues "
                                                    "take them."))
    active_until = _date(_("Last day"), required=False,
                         help_text=_("A pilot's last day. Leave empty for a permanent network, unless it has closed."))
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"), queryset=Region.objects.none(), widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("People living in these municipalities can get a card here. A municipality belongs to one "
                    "network at a time; those of other networks are not listed."),
    )
    local_only = forms.BooleanField(
        label=_("Local only"), required=False,
        help_text=_("Its venues take only its own cards, and its cards work only at its venues (as the Savonlinna "
                    "pilot)."),
    )
    default_validity_days = forms.IntegerField(
        label=_("Default validity (days)"), required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": VALIDITY_DAYS[0], "max": VALIDITY_DAYS[1],
                                        "class": "narrow"}),
        help_text=_("How long its new cards are valid. Empty = the national default."),
    )
    default_valid_until = _date(
        _("Cards valid until"), required=False,
        help_text=_("A fixed last day for its new cards, e.g. the end of the pilot. It wins over the validity in "
                    "days while it is ahead."),
    )

    # Which field a refusal of regions.services belongs to, so the message sits next to it.
    ERROR_FIELDS = {
        "name_required": "name", "region_name_taken": "name",
        "period_start_required": "active_from", "period_invalid": "active_until",
        "pilot_end_required": "active_until",
        "validity_days_invalid": "default_validity_days", "valid_until_invalid": "default_valid_until",
        "municipalities_required": "municipalities", "municipality_in_other_region": "municipalities",
    }

    def __init__(self, *args, region: Region | None = None, **kwargs):
        if region is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": region.name_fi or region.name, "period_kind": self.PILOT if region.pilot else self.PERMANENT,
                "active_from": region.active_from, "active_until": region.active_until,
                "municipalities": [m.pk for m in region.municipalities.all()], "local_only": region.local_only,
                "default_validity_days": region.default_validity_days,
                "default_valid_until": region.default_valid_until,
            }
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = selectors.municipality_choices(region)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["pilot"] = data.pop("period_kind") == self.PILOT
        return data

    def municipality_groups(self) -> list[dict]:
        """The municipality checkboxes by welfare area, each group open when one of it is chosen."""
        groups: dict[str, dict] = {}
        for option in self["municipalities"]:
            municipality = option.data["value"].instance
            area = str(municipality.welfare_area) if municipality.welfare_area_id else str(_("No welfare area"))
            group = groups.setdefault(area, {"name": area, "options": [], "chosen": 0})
            group["options"].append(option)
            group["chosen"] += bool(option.data["selected"])
        return list(groups.values())


class NationalSettingsForm(AccessibleErrorsMixin, forms.Form):
    """Every field of ``NationalSettings``, labelled and explained by the model. The bounds are shown to the
    browser (min, max) but enforced by ``national_settings_update`` with its own message."""

    SECTIONS = [
        (_("Cards"), ["holder_min_age", "default_validity_days", "child_age_limit"]),
        (_("Community cards"), ["group_min", "group_max"]),
        (_("Uses"), ["cancel_window_days", "late_entry_days", "unusual_uses_per_week"]),
        (_("Data retention"), ["retention_days"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in SETTING_BOUNDS.items():
            model_field = NationalSettings._meta.get_field(name)
            self.fields[name] = forms.IntegerField(
                label=capfirst(model_field.verbose_name),
                help_text=_("%(help)s Between %(min)s and %(max)s.") % {
                    "help": model_field.help_text, "min": low, "max": high},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": low, "max": high, "class": "narrow"}),
            )

    def sections(self) -> list[dict]:
        return [{"title": title, "fields": [self[name] for name in names]} for title, names in self.SECTIONS]


class ContactPersonForm(AccessibleErrorsMixin, forms.Form):
    """One side's contact person; the page shows two, prefixed with the side."""

    name = forms.CharField(label=_("Name"), max_length=120, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    title = forms.CharField(label=_("Job title"), max_length=120, required=False,
                            help_text=_("e.g. cultural coordinator, social worker"))
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False,
                            widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}))

    ERROR_FIELDS = {
        "contact_name_required": "name", "contact_reachable_required": "phone",
        "phone_invalid": "phone", "email_invalid": "email",
    }

    def __init__(self, *args, side: str, person: RegionContactPerson | None = None, **kwargs):
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = {key: getattr(person, key) for key in ("name", "title", "organisation", "phone",
                                                                        "email")}
        super().__init__(*args, prefix=side, **kwargs)
        self.side = side
        self.side_label = RegionContactPerson.Side(side).label


class PublicContactForm(AccessibleErrorsMixin, forms.Form):
    """The public listing and contact of an office or a venue (their forms derive from this): what the public
    region page and the catalogue show about how people reach them."""

    public_listing = forms.BooleanField(label=_("Listed publicly"), required=False)
    public_contact = forms.CharField(
        label=_("Public contact"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    public_phone = forms.CharField(label=_("Public phone"), required=False, max_length=30,
                                   widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    public_email = forms.CharField(label=_("Public e-mail"), required=False, max_length=254,
                                   widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}))
    public_url = forms.CharField(label=_("Public web page"), required=False, max_length=200,
                                 widget=forms.TextInput(attrs={"type": "url", "autocomplete": "off"}))

    PUBLIC_FIELDS = ("public_listing", "public_contact", "public_phone", "public_email", "public_url")
    ERROR_FIELDS = {
        "name_required": "name", "period_start_required": "active_from", "period_invalid": "active_until",
        "municipality_required": "municipality", "municipality_not_in_region": "municipality",
        "phone_invalid": "public_phone", "email_invalid": "public_email", "url_invalid": "public_url",
        "public_contact_required": "public_contact",
    }

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("public_listing", "public_contact", "public_url"):  # the model's own words for each
            model_field = model._meta.get_field(name)
            self.fields[name].label = capfirst(model_field.verbose_name)
            self.fields[name].help_text = model_field.help_text

    def public_fields(self) -> list:
        return [self[name] for name in self.PUBLIC_FIELDS]

    def error_field(self, code: str) -> str | None:
        return self.ERROR_FIELDS.get(code)


def url_is_valid(value: str | None) -> bool:
    value = (value or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return not value
    return True


def initial_of(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def date_field(label, **kwargs) -> forms.DateField:
    return _date(label, **kwargs)


class CloseForm(AccessibleErrorsMixin, forms.Form):
    """Close an office or a venue (R9): at once, or after a chosen last day."""

    NOW, ON_DAY = "now", "day"

    when = forms.ChoiceField(label=_("When"), widget=forms.RadioSelect, initial=NOW, choices=[
        (NOW, _("At once: from today on")), (ON_DAY, _("After a last day")),
    ])
    last_day = date_field(_("Last day"), required=False, help_text=_("It stays active until the end of this day."))

    ERROR_FIELDS = {"close_date_invalid": "last_day", "already_closed": None, "not_started_yet": None}

    def clean(self):
        data = super().clean()
        if data.get("when") == self.ON_DAY and data.get("last_day") is None:
            self.add_error("last_day", _("Give the last day."))
        return data

    def last_day_value(self, today: datetime.date) -> datetime.date:
        if self.cleaned_data["when"] == self.NOW:
            return today - datetime.timedelta(days=1)
        return self.cleaned_data["last_day"]


# The three languages of the public texts (issue 13, point 4): Finnish is the source, the public pages fall back to it.
TEXT_LANGUAGES = (("fi", _("in Finnish")), ("sv", _("in Swedish")), ("en", _("in English")))


class TranslatedTextsForm(AccessibleErrorsMixin, forms.Form):
    """Public texts in Finnish, Swedish and English: one fieldset per language, fields ``<name>_<lang>`` (the
    model's modeltranslation columns). ``texts`` is ``[(name, label, max_length, multiline, help_text)]``;
    ``skip`` leaves out some ``<name>_<lang>`` (a region's Finnish name is the coordinator's)."""

    def __init__(self, *args, texts, instance=None, skip=(), **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f"{name}_{lang}": getattr(instance, f"{name}_{lang}", "") or ""
                                 for name, *_rest in texts for lang, _label in TEXT_LANGUAGES}
        super().__init__(*args, **kwargs)
        self.sets = []
        for lang, legend in TEXT_LANGUAGES:
            names = []
            for name, label, max_length, multiline, help_text in texts:
                key = f"{name}_{lang}"
                if key in skip:
                    continue
                widget = forms.Textarea(attrs={"rows": 3, "lang": lang}) if multiline else forms.TextInput(
                    attrs={"lang": lang})
                self.fields[key] = forms.CharField(label=label, max_length=max_length, required=False,
                                                   widget=widget, help_text=help_text, strip=True)
                names.append(key)
            self.sets.append((lang, legend, names))

    def fieldsets(self):
        return [(lang, legend, [self[key] for key in names]) for lang, legend, names in self.sets]


class RegionPublicTextsForm(TranslatedTextsForm):
    ERROR_FIELDS = {"region_name_taken": None}

    def __init__(self, *args, region: Region, **kwargs):
        texts = [("name", _("Name"), 120, False, ""),
                 ("public_text", _("Text on the region page"), 4000, True,
                  _("Where and how to get the card here, local news. Shown above the list of offices."))]
        super().__init__(*args, texts=texts, instance=region, skip=("name_fi",), **kwargs)
