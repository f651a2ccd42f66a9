from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ExportRecord, ReportFile
from .selectors import Period

FIRST_YEAR = 2015  # Kaikukortti started in 2015.

PERIOD_CHOICES = [
    ("", _("Whole year")),
    ("q1", _("January–March")),
    ("q2", _("April–June")),
    ("q3", _("July–September")),
    ("q4", _("October–December")),
    ("m1", _("January")),
    ("m2", _("February")),
    ("m3", _("March")),
    ("m4", _("April")),
    ("m5", _("May")),
    ("m6", _("June")),
    ("m7", _("July")),
    ("m8", _("August")),
    ("m9", _("September")),
    ("m10", _("October")),
    ("m11", _("November")),
    ("m12", _("December")),
]


class DashboardFilterForm(forms.Form):
    """Year, part of the year and region. Read from the query string; bad input falls back to defaults."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)

    def __init__(self, data=None, *, regions, all_label, **kwargs):
        super().__init__(data, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["year"].initial = this_year
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = all_label

    def cleaned(self) -> dict:
        """Valid values, or the defaults (this year, whole year, all regions in scope)."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data  # the fields that are valid; the others fall back to defaults
        return {
            "year": data.get("year") or timezone.localdate().year,
            "period": data.get("period") or "",
            "region": data.get("region"),
        }

    def period_value(self) -> Period:
        values = self.cleaned()
        code = values["period"]
        if code.startswith("q"):
            return Period.for_year(values["year"], quarter=int(code[1:]))
        if code.startswith("m"):
            return Period.for_year(values["year"], month=int(code[1:]))
        return Period.for_year(values["year"])

    def query_params(self) -> dict:
        values = self.cleaned()
        params = {"year": values["year"]}
        if values["period"]:
            params["period"] = values["period"]
        if values["region"]:
            params["region"] = values["region"].pk
        return params


class FileRequestForm(forms.Form):
    """Prepare a large file in the background: the uses of the filtered period, or the annual report."""

    kind = forms.ChoiceField(label=_("What"), choices=[
        (ReportFile.Kind.USES, _("Uses, one row per use")),
        (ReportFile.Kind.DASHBOARD, _("Dashboard figures")),
        (ReportFile.Kind.ANNUAL_NATIONAL, _("Annual national report")),
    ])
    format = forms.ChoiceField(label=_("Format"), choices=ExportRecord.Format.choices)
