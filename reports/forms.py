import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin

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


ALL_YEARS = "all"


def _year(value: str) -> int | str:
    return ALL_YEARS if value == ALL_YEARS else int(value)


class DashboardFilterForm(forms.Form):
    """Year (or all years, issue 17), part of the year and region. Read from the query string; bad input falls
    back to defaults."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=_year)
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)

    def __init__(self, data=None, *, regions, all_label, **kwargs):
        super().__init__(data, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(ALL_YEARS, _("All years")),
                                       *[(year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]]
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
        if values["year"] == ALL_YEARS:  # cumulative since the first use, to the end of this month
            return Period.from_dates(None, timezone.localdate())
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

WEEK_INPUT = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")


class UnusualUsesForm(AccessibleErrorsMixin, forms.Form):
    """The weekly list's week and region, read from the query string (so a listing is a link). Without a week: the
    last complete week and the current one."""

    week = forms.CharField(
        label=_("Week"), required=False, max_length=20,
        help_text=_("Year and ISO week number, e.g. 2026-W47, or any day of the week (2026-11-19)."),
        widget=forms.TextInput(attrs={"type": "week", "autocomplete": "off"}),
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)

    def __init__(self, data=None, *, regions, all_label, **kwargs):
        super().__init__(data, **kwargs)
        self.region_choice = len(regions) > 1
        if self.region_choice:
            self.fields["region"].queryset = regions
            self.fields["region"].empty_label = all_label
        else:
            del self.fields["region"]  # one region: nothing to choose (and nothing else to ask for)
        year, week, _day = timezone.localdate().isocalendar()
        self.fields["week"].widget.attrs["max"] = f"{year}-W{week:02d}"  # the picker offers no week to come
        self.fields["week"].widget.attrs["aria-describedby"] = f"{self['week'].auto_id}_helptext"

    def clean_week(self) -> datetime.date | None:
        """The Monday of the week asked for; none for the default."""
        text = (self.cleaned_data.get("week") or "").strip()
        if not text:
            return None
        try:
            if match := WEEK_INPUT.match(text):
                monday = datetime.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
            else:
                day = datetime.date.fromisoformat(text)
                monday = day - datetime.timedelta(days=day.weekday())
        except ValueError as exc:
            raise forms.ValidationError(_("Give a week as 2026-W47, or a day as 2026-11-19."), code="invalid") from exc
        if monday > timezone.localdate():
            raise forms.ValidationError(_("The week has not started yet."), code="future")
        return monday

    def _valid(self, name: str):
        """A field's value when it is valid (the others may not be); none otherwise."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def weeks(self) -> list[datetime.date]:
        """The chosen week, or the last complete week and the current one (the default, and after a bad week)."""
        if (chosen := self._valid("week")) is not None:
            return [chosen]
        today = timezone.localdate()
        return [today, today - datetime.timedelta(days=7)]

    def chosen_region(self):
        return self._valid("region")


class WelfareReportForm(forms.Form):
    """Issue 17: the municipal welfare report of one municipality or welfare area of the caller's regions."""

    place = forms.ChoiceField(label=_("Municipality or welfare area"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    format = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF"), ("xlsx", "XLSX")])

    prefix = "report"  # beside the dashboard's own year field on the same page: ids stay unique

    def __init__(self, data=None, *, municipalities, areas, **kwargs):
        super().__init__(data, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["year"].initial = this_year - 1
        self.fields["place"].choices = [
            (_("Municipalities"), [(f"m{m.pk}", str(m)) for m in municipalities]),
            (_("Welfare areas"), [(f"a{a.pk}", str(a)) for a in areas]),
        ]

    def place_value(self) -> tuple[int | None, int | None]:
        """(municipality id, welfare area id), one of them set."""
        value = self.cleaned_data["place"]
        pk = int(value[1:])
        return (pk, None) if value.startswith("m") else (None, pk)
