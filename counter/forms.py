"""Forms of the counter. They parse input only; the rules live in cards.services and venues.services."""

import datetime
import uuid
from urllib.parse import unquote, urlsplit

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cards.forms import with_child_age
from cards.models import Use
from core.forms import AccessibleErrorsMixin
from regions.models import NationalSettings
from venues.models import Offer, Venue
from venues.selectors import offer_belongs_to_venue

MAX_NUMBER_INPUT = 200


def extract_number(raw: str) -> str:
    """What a person typed, a USB scanner sent or a QR code held, down to the card number.

    A QR code holds either the bare number or a URL ending in it (``https://…/card/ABC-DEF-GHJ/``).
    Nothing else is corrected: the check character decides whether the number is right.
    """
    text = (raw or "").strip()
    if "/" in text:
        path = urlsplit(text).path if "://" in text else text.split("?", 1)[0].split("#", 1)[0]
        segments = [segment for segment in path.split("/") if segment]
        text = unquote(segments[-1]) if segments else ""
    return text.strip()[:40]


class CheckForm(AccessibleErrorsMixin, forms.Form):
    number = forms.CharField(
        label=_("Card number"),
        max_length=MAX_NUMBER_INPUT,
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autocorrect": "off",
            "enterkeyhint": "go", "class": "number", "aria-describedby": "id_number_help",
        }),
    )

    def clean_number(self) -> str:
        number = extract_number(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError(_("Type or scan a card number."), code="required")
        return number


def offer_label(offer: Offer) -> str:
    if offer.quota is None:
        return _("%(title)s (%(kind)s, no limit)") % {"title": offer.title, "kind": offer.get_kind_display()}
    return _("%(title)s (%(kind)s, %(remaining)s of %(quota)s places left)") % {
        "title": offer.title, "kind": offer.get_kind_display(), "remaining": offer.remaining, "quota": offer.quota,
    }


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Offer) -> str:
        return offer_label(obj)


class OfferSelect(forms.Select):
    """Each option carries the offer's kind, so the page can keep ticket/course in step with it."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-kind"] = instance.kind
        return option


class UseFields(AccessibleErrorsMixin, forms.Form):
    """The details of one use: kind, children, community group size, offer."""

    kind = forms.ChoiceField(label=_("Ticket or course place"), choices=Use.Kind.choices, initial=Use.Kind.TICKET,
                             required=False, widget=forms.RadioSelect)
    children = forms.IntegerField(label=_("Children"), min_value=0, max_value=50, initial=0, required=False,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "narrow"}))
    group_size = forms.IntegerField(
        label=_("Cardholders in the group"), min_value=1, max_value=50, required=False,
        help_text=_("Community card: how many cardholders the card user accompanies (each adult is logged "
                    "with their own card)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "narrow"}),
    )
    # Any offer parses; one of another venue is refused in clean_offer (no per-form queryset to build).
    offer = OfferChoiceField(label=_("Offer"), queryset=Offer.objects.all(), required=False,
                             empty_label=_("No specific offer"), widget=OfferSelect)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    # Sent only by the "Log again" button of the repeat warning (templates/counter/_repeat_confirm.html): never a
    # field of its own, so the warning's one explicit confirmation is that button (issue 11).
    confirm_repeat = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, venue: Venue, offers=None, community: bool = False, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.venue = venue
        self.community = community
        self.offer_choices = offers
        self.repeat_lines: list[dict] = []  # the earlier uses the repeat warning lists (counter.selectors)
        if offers is not None:
            self.fields["offer"].choices = [("", self.fields["offer"].empty_label)] + [
                (ModelChoiceIteratorValue(offer.pk, offer), offer_label(offer)) for offer in offers
            ]
        if community:
            self.fields["children"].label = with_child_age(_("Under-%(age)s clients"))
            self.fields["children"].help_text = with_child_age(_("Free tickets for the group's clients under %(age)s."))
        else:
            self.fields["children"].help_text = with_child_age(
                _("The holder's own children or grandchildren under %(age)s.")
            )

    @property
    def show_kind(self) -> bool:
        return self.venue.offers_courses and not self.community

    def clean_offer(self) -> Offer | None:
        """Any offer of this venue parses; whether it is current and of the right kind is a rule (use_log)."""
        offer = self.cleaned_data.get("offer")
        if offer is not None and not offer_belongs_to_venue(offer, self.venue):
            raise forms.ValidationError(self.fields["offer"].error_messages["invalid_choice"], code="invalid_choice")
        return offer

    def use_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or Use.Kind.TICKET,
            "children": data.get("children") or 0,
            "group_size": data.get("group_size"),
            "offer": data.get("offer"),
            "idempotency_key": data.get("idempotency_key") or "",
            "repeat_confirmed": bool(data.get("confirm_repeat")),
        }

    @property
    def confirm_name(self) -> str:
        """The name the "Log again" button posts (with the form's prefix, as the late-entry form has one)."""
        return self.add_prefix("confirm_repeat")


class LogForm(UseFields):
    """Log the use of the card just checked at the counter (the number travels in a hidden field)."""

    number = forms.CharField(widget=forms.HiddenInput, max_length=MAX_NUMBER_INPUT)

    field_order = ["number", "group_size", "children", "kind", "offer", "idempotency_key"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "log_%s")  # ids unique on the counter page, next to the check form
        super().__init__(*args, **kwargs)

    @property
    def course_default(self) -> bool:
        """Enter logs a course place (a venue for courses, or today's offer is a course)."""
        return not self.community and self.get_initial_for_field(self.fields["kind"], "kind") == Use.Kind.COURSE


class LateEntryForm(UseFields):
    """A use first written on paper (the offline fallback), entered later with its real date."""

    number = forms.CharField(label=_("Card number"), max_length=MAX_NUMBER_INPUT,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "class": "number",
                                                           "autocapitalize": "characters", "spellcheck": "false"}))
    used_on = forms.DateField(label=_("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["number", "used_on", "kind", "children", "group_size", "offer", "idempotency_key"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        oldest = today - datetime.timedelta(days=NationalSettings.current().late_entry_days)
        self.fields["used_on"].widget.attrs.update({"max": today.isoformat(), "min": oldest.isoformat()})
        self.fields["used_on"].help_text = _("The real date of the visit, at most %(days)s days ago.") % {
            "days": (today - oldest).days
        }
        self.fields["children"].help_text = with_child_age(
            _("Children or, with a community card, under-%(age)s clients.")
        )
        self.fields["group_size"].help_text = _("Only for a community card.")
        # The offers running on some day a late entry may still be dated (from ``oldest`` on).
        recent = Offer.objects.filter(venue=self.venue).active_between(oldest, None).order_by("-starts_on", "title")
        self.fields["offer"].choices = [("", self.fields["offer"].empty_label)] + [
            (ModelChoiceIteratorValue(offer.pk, offer), offer.title) for offer in recent
        ]

    @property
    def show_kind(self) -> bool:
        return self.venue.offers_courses

    def clean_number(self) -> str:
        return extract_number(self.cleaned_data["number"])


class CancelForm(AccessibleErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200,
                             error_messages={"required": _("A reason is required.")})


class UsesFilterForm(AccessibleErrorsMixin, forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    offer = forms.ModelChoiceField(label=_("Offer"), queryset=Offer.objects.none(), required=False,
                                   empty_label=_("All offers"))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Use.Kind.choices], required=False)

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = Offer.objects.filter(venue=venue).order_by("-starts_on", "title")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"date_from": data.get("date_from"), "date_to": data.get("date_to"),
                "offer_id": data["offer"].pk if data.get("offer") else None, "kind": data.get("kind") or ""}
