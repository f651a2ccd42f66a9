from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin
from venues.models import Offer


class PerformanceForm(AccessibleErrorsMixin, forms.Form):
    offer = forms.ModelChoiceField(label=_("Offer"), queryset=Offer.objects.none())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    quota = forms.IntegerField(label=_("Kaikukortti places"), min_value=1, max_value=100000,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "narrow"}))

    ERROR_FIELDS = {"performance_past": "date", "performance_date_invalid": "date", "performance_taken": "time",
                    "performance_quota_invalid": "quota"}

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers


class BookingForm(AccessibleErrorsMixin, forms.Form):
    number = forms.CharField(
        label=_("Card number"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "autofocus": True}),
        help_text=_("As the client says it, e.g. ABC-DEF-GHJ."),
    )
    children = forms.IntegerField(label=_("Children"), min_value=0, max_value=50, initial=0,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "narrow"}))
    group_size = forms.IntegerField(label=_("Group size (community card)"), min_value=1, max_value=50,
                                    required=False,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "narrow"}))
    note = forms.CharField(label=_("Note for the door"), max_length=200, required=False,
                           help_text=_("No names or other personal details."))

    ERROR_FIELDS = {
        "card_number_invalid": "number", "card_not_found": "number", "card_expired": "number",
        "card_inactive": "number", "card_not_valid_in_region": "number", "already_booked": "number",
        "too_many_children": "children", "children_invalid": "children", "children_not_allowed_for_courses": "children",
        "group_size_invalid": "group_size", "courses_need_personal_card": "number",
    }
