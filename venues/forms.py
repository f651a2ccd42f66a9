"""Forms of the venue pages. They parse input only; the rules live in cards.services and venues.services."""


from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin

from .models import Offer, Venue


class OfferForm(AccessibleErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Offer.Kind.choices, initial=Offer.Kind.EVENT)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    quota = forms.IntegerField(label=_("Kaikukortti places"), min_value=1, required=False,
                               help_text=_("How many free places this offer has. Empty = no limit."),
                               widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "narrow"}))

    # Which field a refusal of venues.services belongs to, so the message sits next to it.
    ERROR_FIELDS = {
        "offer_title_required": "title",
        "offer_kind_invalid": "kind",
        "course_not_offered": "kind",
        "offer_kind_in_use": "kind",
        "offer_dates_invalid": "ends_on",
        "offer_quota_invalid": "quota",
        "offer_quota_below_used": "quota",
    }

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        if not venue.offers_courses:
            self.fields["kind"].choices = [c for c in Offer.Kind.choices if c[0] != Offer.Kind.COURSE]


class VenueFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
