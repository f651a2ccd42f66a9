"""The venue's API keys page (issue 16): make, rotate and revoke keys; a new secret is shown once."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.forms import AccessibleErrorsMixin
from venues.models import Venue

from .keys import may_manage_keys, venue_key_create, venue_key_revoke, venue_key_rotate
from .models import VenueKey, VenueKeyUse


class VenueKeyForm(AccessibleErrorsMixin, forms.Form):
    name = forms.CharField(label=_lazy("Name"), max_length=100,
                           help_text=_lazy("Which system uses it, e.g. the ticket agency's name."))
    scopes = forms.MultipleChoiceField(label=_lazy("Scopes"), choices=VenueKey.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)


@login_required
@require_http_methods(["GET", "POST"])
def venue_keys(request: HttpRequest, pk: int) -> HttpResponse:
    venue = get_object_or_404(Venue, pk=pk)
    if not may_manage_keys(request.user, venue):
        raise Http404
    form = VenueKeyForm(request.POST if request.POST.get("action") == "create" else None)
    shown_secret, shown_key, status = "", None, 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                status = 400
                if form.is_valid():
                    shown_key, shown_secret = venue_key_create(user=request.user, venue=venue,
                                                               **form.cleaned_data)
                    form, status = VenueKeyForm(), 200
            elif action in ("rotate", "revoke"):
                key = get_object_or_404(VenueKey, pk=request.POST.get("key") or 0, venue=venue)
                if action == "rotate":
                    shown_key, shown_secret = venue_key_rotate(user=request.user, key=key)
                else:
                    venue_key_revoke(user=request.user, key=key)
        except DomainError as exc:
            status = 400
            form.add_error("scopes" if exc.code == "key_scopes_required" else None, str(exc.message))
    keys = list(VenueKey.objects.filter(venue=venue).order_by("revoked_at", "name", "pk"))
    recent = list(VenueKeyUse.objects.filter(key__venue=venue).select_related("key")[:20])
    return render(request, "access/venue_keys.html", {
        "venue": venue, "form": form, "keys": keys, "recent": recent, "shown_secret": shown_secret,
        "shown_key": shown_key, "scope_labels": dict(VenueKey.Scope.choices), "title": _("API keys"),
    }, status=status)
