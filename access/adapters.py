"""Sign-in with django-allauth: no public sign-up, each role lands on its own home page, and one limit of failed
sign-ins per account shared by the browser and the API's token endpoint."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: accounts come from regional contacts' invitations and the admin."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        # ``home`` redirects to the first menu entry of the user's role (core.navigation).
        return reverse("home")

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The per-account key of allauth's ``login_failed`` limit: the account itself, so that naming it by
        username and by e-mail in turn (or in the browser and on ``POST /api/v1/auth/token/`` in turn) draws on
        one allowance. A name that is no account keeps its own key: it is refused exactly like an account (the
        answer never tells whether the account exists)."""
        login = (credentials.get("email") or credentials.get("username") or "").strip().lower()
        account = (
            get_user_model().objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
            .order_by("pk").values_list("pk", flat=True).first()
            if login else None
        )
        return f"account:{account}" if account is not None else f"login:{login}"
