"""The sign-in backends, with the signed-in user read on every request through ``core.rows``.

Django reads the user of the session on each request (``get_user``); with the ORM that statement was
compiled anew every time. Authentication itself (password, e-mail or username) is unchanged.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from core import rows


def _get_user(backend, user_id):
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    user = rows.one(model, model._meta.pk.name, pk)
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        return _get_user(self, user_id)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        return _get_user(self, user_id)
