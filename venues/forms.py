"""Forms of the venue pages. They parse input only; the rules live in cards.services and venues.services."""


from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin
from regions.forms import PublicContactForm, TranslatedTextsForm, date_field, initial_of, url_is_valid
from regions.models import Municipality, Region

from .models import Category, Offer, Venue


class OfferForm(AccessibleErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"lang": "fi"}),
                            help_text=_("In Finnish."))
    title_sv = forms.CharField(label=_("Title in Swedish"), max_length=200, required=False,
                               widget=forms.TextInput(attrs={"lang": "sv"}),
                               help_text=_("Empty = the Finnish title is shown."))
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False,
                               widget=forms.TextInput(attrs={"lang": "en"}),
                               help_text=_("Empty = the Finnish title is shown."))
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
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *Category.choices])


class VenueForm(PublicContactForm):
    """A venue of a region, or a pop-up venue (no region, a campaign period that ends). Parses only: the rules are
    in venues.services."""

    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices,
        help_text=_("The category decides the statistics group of its uses: culture, education, science or sport."),
    )
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    offers_courses = forms.BooleanField(
        label=_("Offers course places"), required=False,
        help_text=_("An adult-education centre or another venue whose counter logs course places (R7)."),
    )
    website = forms.CharField(label=_("Website"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"type": "url", "autocomplete": "off"}))
    active_from = date_field(_("First day"), help_text=_("From this day the venue's counter takes cards."))
    active_until = date_field(_("Last day"), required=False,
                              help_text=_("Empty = no end. To close the venue, use Close venue."))

    ERROR_FIELDS = {**PublicContactForm.ERROR_FIELDS, "venue_name_taken": "name", "choice_invalid": "category",
                    "campaign_end_required": "active_until"}

    def __init__(self, *args, region: Region | None, venue: Venue | None = None, **kwargs):
        if venue is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(venue, ("name", "category", "municipality", "offers_courses", "website",
                                                   "active_from", "active_until", *self.PUBLIC_FIELDS))
            # The Finnish text whatever the page's language (venues.services writes it in Finnish; the venue's
            # staff write the Swedish and English ones on their Public information page).
            kwargs["initial"]["public_contact"] = venue.public_contact_fi or ""
        elif "initial" not in kwargs:
            kwargs["initial"] = {"public_listing": True}
        super().__init__(*args, model=Venue, **kwargs)
        municipalities = Municipality.objects.order_by("name_fi", "pk")
        self.fields["municipality"].queryset = (municipalities.filter(region=region) if region is not None
                                                else municipalities)
        if region is None:  # a pop-up venue: its period is its campaign
            self.fields["active_from"].label = _("Campaign starts")
            self.fields["active_until"].label = _("Campaign ends")
            self.fields["active_from"].help_text = _("From this day the pop-up venue takes cards.")
            self.fields["active_until"].help_text = _("The campaign's last day. A pop-up venue always has one.")

    def error_field(self, code: str) -> str | None:
        """``url_invalid`` may be about the website or the contact page: the one whose value is no address."""
        if code == "url_invalid" and not url_is_valid(self.cleaned_data.get("website", "")):
            return "website"
        return super().error_field(code)


class VenuePublicTextsForm(TranslatedTextsForm):
    """A venue's public texts in three languages (venues.services.venue_public_texts_update)."""

    def __init__(self, *args, venue: Venue, **kwargs):
        texts = [
            ("public_description", _("Description"), 2000, True,
             _("What the venue is and what Kaikukortti gets there.")),
            ("address", _("Address"), 300, True, ""),
            ("public_contact", _("How to get tickets"), 1000, True,
             _("Box office, opening hours, what to say when booking.")),
            ("accessibility", _("Accessibility"), 2000, True,
             _("Step-free access, lifts, hearing loops, assistants' free entry and similar.")),
        ]
        super().__init__(*args, texts=texts, instance=venue, **kwargs)
