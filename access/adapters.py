"""Sign-in with django-allauth: no public sign-up, each role lands on its own home page."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: accounts come from regional contacts' invitations and the admin."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        # ``home`` redirects to the first menu entry of the user's role (core.navigation).
        return reverse("home")
