from django import forms
from django.utils.translation import gettext_lazy as _

from regions.forms import PublicContactForm, date_field, initial_of
from regions.models import Municipality, Region

from .models import Office, Organisation


class OfficeFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)


class OfficeForm(PublicContactForm):
    """An office (kortinjakaja) of a region. Parses only: the rules are in distributors.services."""

    organisation_name = forms.CharField(
        label=_("Organisation"), max_length=200,
        help_text=_("The welfare area, municipality, association or parish the office belongs to. Type its name: an "
                    "organisation of that name is used, otherwise a new one is added."),
        widget=forms.TextInput(attrs={"list": "organisation-names", "autocomplete": "off"}),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"), choices=Organisation.Kind.choices, initial=Organisation.Kind.WELFARE_AREA,
        help_text=_("Used only when a new organisation is added."),
    )
    name = forms.CharField(label=_("Name of the office"), max_length=200,
                           help_text=_("e.g. Adult social work, Tampere"))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    email = forms.EmailField(label=_("E-mail"), required=False,
                             help_text=_("The office's own address for the network; not shown to the public."))
    active_from = date_field(_("First day"), help_text=_("From this day the office's staff register cards."))
    active_until = date_field(_("Last day"), required=False,
                              help_text=_("Empty = no end. To close the office, use Close office."))

    ERROR_FIELDS = {**PublicContactForm.ERROR_FIELDS, "office_name_taken": "name",
                    "choice_invalid": "organisation_kind"}

    def __init__(self, *args, region: Region, office: Office | None = None, **kwargs):
        if office is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation_name": office.organisation.name, "organisation_kind": office.organisation.kind,
                **initial_of(office, ("name", "municipality", "email", "active_from", "active_until",
                                      *self.PUBLIC_FIELDS)),
            }
        super().__init__(*args, model=Office, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(region=region).order_by("name_fi", "pk")

    def error_field(self, code: str) -> str | None:
        if code == "name_required" and not (self.cleaned_data.get("organisation_name") or "").strip():
            return "organisation_name"
        return super().error_field(code)
