import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and other cached state never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests assert the English source strings. Finnish stays the product default (LANGUAGE_CODE "fi");
    kaikukanta/tests/test_i18n.py checks it and the completeness of the fi/sv catalogues."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Factories hash a password per user; PBKDF2 takes ~1 s each on the CI machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process in every test not marked ``broker``.

    CI sets REDIS_URL, which turns eager mode off in settings; only the ``broker`` tests are meant
    to go through a real worker.
    """
    if request.node.get_closest_marker("broker"):
        yield
        return
    from kaikukanta import celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
