import pytest
from django.core.cache import cache


def pytest_collection_modifyitems(items):
    """A journey in real Chromium that fails is run once more before it counts as failed: a browser on a busy
    2-core CI machine misses a timing now and then (a service worker's background copy, a slow first paint) that
    no waiting in the test removes entirely. Only the ``browser`` tests; a test that fails twice fails the run, and
    the rerun shows as ``R`` in the output."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and other cached state (the national settings a process holds included) never
    leak between tests: a test's rolled-back change must not outlive it."""
    from regions.models import _local_settings

    cache.clear()
    _local_settings.clear()
    yield
    cache.clear()
    _local_settings.clear()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests assert the English source strings. Finnish stays the product default (LANGUAGE_CODE "fi");
    kaikukanta/tests/test_i18n.py checks it and the completeness of the fi/sv catalogues."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _mfa_off_unless_the_test_is_about_it(settings):
    """Production requires two-factor sign-in from coordinators and regional contacts (MFA_REQUIRED_FOR_REGIONAL,
    on by default). Tests that are not about MFA sign these roles in with ``force_login`` or a password alone, so
    the requirement is off here; the tests about MFA (access/tests/test_mfa.py, the regional dashboard's browser
    journey) turn it on with ``settings.MFA_REQUIRED_FOR_REGIONAL = True``."""
    settings.MFA_REQUIRED_FOR_REGIONAL = False
    settings.MFA_REQUIRED_FOR_STAFF = False


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


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium through Playwright. Skips without it, unless REQUIRE_BROWSER=1 (CI): then fails."""
    import os
    from pathlib import Path

    from kaikukanta.tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the tests (and the
    # database flush after each) are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
