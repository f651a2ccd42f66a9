"""Pages of access: the invitation link (set a password, then sign in) and the profile with its API token."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from access.tokens import api_token_replace
from access.tokens import api_token_revoke as revoke_token
from core.errors import DomainError
from core.scopes import scope_for

from .services import invitation_accept, invitation_get, invitation_user, suggest_username


class InvitationForm(forms.Form):
    """Used by the office page (and any venue page) to invite staff by e-mail."""

    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, existing_user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.existing_user = existing_user
        if existing_user is not None:
            del self.fields["username"]
        else:
            self.fields["username"].required = True
            self.fields["username"].initial = suggest_username(invitation.email)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(DomainError("username_taken").message, code="username_taken")
        return username

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            user = self.existing_user or get_user_model()(
                username=data.get("username", ""), email=self.invitation.email
            )
            try:
                validate_password(p1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept(request, token: str):
    try:
        invitation = invitation_get(token)
    except DomainError as exc:
        return render(request, "account/invitation_invalid.html", {"error": exc}, status=404)
    existing = invitation_user(invitation)
    data = request.POST if request.method == "POST" else None
    form = AcceptInvitationForm(data, invitation=invitation, existing_user=existing)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token, password=form.cleaned_data["password1"], username=form.cleaned_data.get("username", "")
            )
        except DomainError as exc:
            form.add_error("username" if exc.code == "username_taken" else None, exc.message)
        else:
            messages.success(
                request, _("Welcome to Kaikukanta, %(name)s. Sign in with your new password.") % {"name": user.username}
            )
            return redirect(reverse("account_login"))
    return render(request, "account/invitation_accept.html", {"form": form, "invitation": invitation,
                                                               "existing_user": existing})


# --- the profile page: create and revoke the API token in the browser ---------------------------------

NEW_TOKEN_SESSION_KEY = "kaikukanta_new_api_token"


def token_context(request) -> dict:
    """Context for ``kaikukanta/_api_token.html``: whether a token exists and a just-created key (shown once)."""
    user = request.user
    return {
        "api_token_allowed": bool(scope_for(user).roles),
        "api_token_exists": Token.objects.filter(user=user).exists(),
        "api_token_new": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
    }


@login_required
@require_POST
def api_token_create(request):
    """Create a new token (replacing the old one). The key is shown once, on the next profile page."""
    if not scope_for(request.user).roles:
        messages.error(request, _("Only staff with a role can have an API token."))
        return redirect("profile")
    token = api_token_replace(user=request.user)
    request.session[NEW_TOKEN_SESSION_KEY] = token.key
    messages.success(request, _("A new API token was created. Copy it now: it is shown only once."))
    return redirect("profile")


@login_required
@require_POST
def api_token_revoke(request):
    if revoke_token(user=request.user):
        messages.success(request, _("The API token was revoked. Systems using it can no longer sign in."))
    return redirect("profile")


@login_required
def profile(request):
    return render(request, "kaikukanta/profile.html", token_context(request))
