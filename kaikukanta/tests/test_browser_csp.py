"""The Swagger UI and the admin in real Chromium under the Content-Security-Policy (finding 12).

Sessions are made server-side (force_login) and handed over as a cookie, as in the other journeys.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from kaikukanta.tests.browser import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 10_000


def _context(chromium, live_server, user=None):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
    return context


def test_swagger_ui_renders_the_schema_without_a_csp_violation(chromium, live_server):
    context = _context(chromium, live_server)
    violations = watch_csp(context)
    page = context.new_page()

    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock-tag-section").first.wait_for()

    assert "Kaikukanta" in page.locator(".swagger-ui .info .title").inner_text()
    assert violations == []
    context.close()


def test_the_admin_lists_and_edits_without_a_csp_violation(chromium, live_server):
    admin = get_user_model().objects.create_superuser("admin-csp", "admin@example.fi", "x" * 20)
    context = _context(chromium, live_server, admin)
    violations = watch_csp(context)
    page = context.new_page()

    page.goto("/admin/")
    page.locator("#content-main").wait_for()
    page.goto("/admin/auth/user/")
    page.locator("#result_list").wait_for()
    page.goto(f"/admin/auth/user/{admin.pk}/change/")
    page.locator("#user_form").wait_for()
    page.goto("/admin/regions/region/add/")
    page.locator("form").first.wait_for()
    # django-celery-beat's form ships an inline script; ours (templates/admin/djcelery) loads it from a file
    crontab = CrontabSchedule.objects.create(minute="30", hour="2")
    task = PeriodicTask.objects.create(name="nightly", task="reports.rollup_rebuild", crontab=crontab)
    page.goto(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    page.locator("#periodictask_form").wait_for()
    assert page.locator(".field-crontab_translation").is_hidden()

    assert page.evaluate("() => typeof window.django !== 'undefined' && typeof window.django.jQuery") == "function"
    assert violations == []
    context.close()
