from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: accounts come from regional contacts' invitations and the admin."""

    def is_open_for_signup(self, request) -> bool:
        return False
