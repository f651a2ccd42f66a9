"""The invitation link: set a password (and a username for a new person), then sign in."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .errors import DomainError
from .invitations import invitation_accept, invitation_get, invitation_user, suggest_username


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
