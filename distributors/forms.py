from django import forms
from django.utils.translation import gettext_lazy as _

from access.views import InvitationForm


class OfficeFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))


class InviteStaffForm(InvitationForm):
    """Invite a person by e-mail into this office; the link in the e-mail sets their password."""
