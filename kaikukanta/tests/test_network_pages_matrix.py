"""The network pages of issue 12 (regions, national settings, venue categories, offices, venues, pop-up venues,
contact persons) × every role: anonymous, office staff, venue staff, the region's contact, another region's contact
and the coordinator. Reading (GET) and writing (POST) answer exactly as below; a refused write changes nothing.

A regional contact changes only their own region's offices, venues and contact persons; only the coordinator opens
regions, pop-up venues and changes the national settings. Outside one's scope a page answers 404 (DESIGN §5); in
scope without the right (venue staff on their own venue's edit page, a contact on the region's edit page) 403.
The one exception is a region's staff page, /regions/<pk>/: its 404 sends the visitor on to the same region's public
page, /<language>/regions/<pk>/ (LocaleMiddleware, as for any unprefixed address of a public page), which shows
what everybody may see and nothing of the region's management.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from distributors.models import Office, Organisation
from kaikukanta.tests.world import shared_world
from regions.models import Municipality, NationalSettings, Region, RegionContactPerson
from regions.tests.factories import MunicipalityFactory
from venues.models import Venue

ROLES = ("anonymous", "distributor", "venue_staff", "contact", "contact_b", "coordinator")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from shared_world(django_db_blocker)


def _user(world, role):
    return AnonymousUser() if role == "anonymous" else getattr(world, role)


def _url(world, page) -> str:
    name, target, query = PAGES[page]
    args = [getattr(world, target).pk] if target else []
    url = reverse(name, args=args)
    if query:
        url += "?region=" + str(getattr(world, query).pk)
    return url


# page -> (url name, object of the url, ?region= object); then the answer per role, in ROLES order.
PAGES = {
    "regions": ("regions:regions", None, None),
    "region_create": ("regions:region_create", None, None),
    "settings": ("regions:settings", None, None),
    "region": ("regions:region", "region_a", None),
    "region_edit": ("regions:region_edit", "region_a", None),
    "region_contacts": ("regions:region_contacts", "region_a", None),
    "categories": ("venues:categories", None, None),
    "venue_create": ("venues:venue_create", None, "region_a"),
    "popup_create": ("venues:popup_create", None, None),
    "venue_edit": ("venues:venue_edit", "venue_a", None),
    "venue_close": ("venues:venue_close", "venue_a", None),
    "popup_edit": ("venues:venue_edit", "venue_p", None),
    "popup_close": ("venues:venue_close", "venue_p", None),
    "office_create": ("distributors:office_create", None, "region_a"),
    "office_edit": ("distributors:office_edit", "office_a", None),
    "office_close": ("distributors:office_close", "office_a", None),
}
LOGIN = "login"
PUBLIC = "public"
#                 anonymous distributor venue_staff contact contact_b coordinator
READ = {
    "regions":         (LOGIN, 403, 403, 200, 200, 200),
    "region_create":   (LOGIN, 403, 403, 403, 403, 200),
    "settings":        (LOGIN, 403, 403, 403, 403, 200),
    "region":          (LOGIN, PUBLIC, PUBLIC, 200, PUBLIC, 200),
    "region_edit":     (LOGIN, 404, 404, 403, 404, 200),
    "region_contacts": (LOGIN, 404, 404, 200, 404, 200),
    "categories":      (LOGIN, 403, 403, 200, 200, 200),
    "venue_create":    (LOGIN, 403, 403, 200, 404, 200),
    "popup_create":    (LOGIN, 403, 403, 403, 403, 200),
    "venue_edit":      (LOGIN, 404, 403, 200, 404, 200),
    "venue_close":     (LOGIN, 404, 403, 200, 404, 200),
    "popup_edit":      (LOGIN, 404, 404, 404, 404, 200),
    "popup_close":     (LOGIN, 404, 404, 404, 404, 200),
    "office_create":   (LOGIN, 403, 403, 200, 404, 200),
    "office_edit":     (LOGIN, 403, 404, 200, 404, 200),
    "office_close":    (LOGIN, 403, 404, 200, 404, 200),
}
WRITES = [page for page in PAGES if page not in ("regions", "region", "categories")]


def _post_data(world, page) -> dict:
    today = timezone.localdate()
    iso = today.isoformat
    if page == "region_create":
        free = MunicipalityFactory(code="908", name_fi="Valkeakoski", region=None)
        return {"name": "Valkeakoski", "period_kind": "pilot", "active_from": iso(),
                "active_until": (today + datetime.timedelta(days=300)).isoformat(), "municipalities": [free.pk]}
    if page == "region_edit":
        return {"name": "Alue A", "period_kind": "permanent", "active_from": "2014-01-01",
                "municipalities": [world.muni_a.pk], "local_only": "on", "default_validity_days": "400"}
    if page == "settings":
        return {"child_age_limit": 17, "holder_min_age": 16, "group_min": 2, "group_max": 6,
                "default_validity_days": 365, "cancel_window_days": 14, "late_entry_days": 30,
                "retention_days": 730, "unusual_uses_per_week": 5}
    if page == "region_contacts":
        return {"culture-name": "Kaisa Kulttuuri", "culture-phone": "040 123 4567",
                "social-name": "Sami Sote", "social-email": "sami@example.fi"}
    if page in ("venue_create", "popup_create"):
        data = {"name": "Uusi kohde", "category": "museum", "municipality": world.muni_a.pk, "active_from": iso(),
                "public_listing": "on"}
        if page == "popup_create":
            data["active_until"] = (today + datetime.timedelta(days=90)).isoformat()
        return data
    if page in ("venue_edit", "popup_edit"):
        venue = world.venue_a if page == "venue_edit" else world.venue_p
        return {"name": venue.name + " (muutettu)", "category": venue.category, "municipality": world.muni_a.pk,
                "active_from": venue.active_from.isoformat(),
                "active_until": venue.active_until.isoformat() if venue.active_until else "",
                "public_contact": "Lipunmyynti ma–pe 10–17"}
    if page in ("venue_close", "popup_close", "office_close"):
        return {"when": "now"}
    if page in ("office_create", "office_edit"):
        return {"organisation_name": "Tampereen Mielenterveysseura", "organisation_kind": "ngo",
                "name": "Uusi toimisto", "municipality": world.muni_a.pk, "active_from": "2015-01-01"}
    raise AssertionError(page)


def _state() -> tuple:
    """Everything a write on these pages could change."""
    rules = NationalSettings.objects.values().first()
    return (
        sorted(Region.objects.values_list()), sorted(Municipality.objects.values_list("pk", "region_id")),
        sorted(Venue.objects.values_list()), sorted(Office.objects.values_list()),
        sorted(Organisation.objects.values_list()), sorted(RegionContactPerson.objects.values_list()),
        sorted(rules.items()) if rules else None,
    )


def _assert_status(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == PUBLIC:
        assert response.status_code == 302
        assert response["Location"] == "/en" + response.wsgi_request.path
    else:
        assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_reading_a_network_page(client, world, page, role):
    if role != "anonymous":
        client.force_login(_user(world, role))
    response = client.get(_url(world, page))
    _assert_status(response, READ[page][ROLES.index(role)])


@pytest.mark.django_db
@pytest.mark.parametrize("page", WRITES)
@pytest.mark.parametrize("role", ROLES)
def test_writing_on_a_network_page(client, world, page, role):
    expected = READ[page][ROLES.index(role)]
    data = _post_data(world, page)
    if role != "anonymous":
        client.force_login(_user(world, role))
    before = _state()

    response = client.post(_url(world, page), data)

    if expected == 200:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert _state() != before
    else:
        _assert_status(response, expected)
        assert _state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), [
    ("contact", ["Alue A"]), ("contact_b", ["Alue B"]), ("coordinator", ["Alue A", "Alue B"]),
])
def test_the_region_list_shows_only_the_users_regions(client, world, role, expected):
    client.force_login(_user(world, role))
    response = client.get(reverse("regions:regions"))
    assert [region.name for region in response.context["regions"]] == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "offices", "venues"), [
    ("contact", ["Sosiaalityö A"], ["Teatteri A"]),
    ("coordinator", ["Sosiaalityö A"], ["Teatteri A"]),
])
def test_the_region_page_lists_its_own_offices_and_venues(client, world, role, offices, venues):
    client.force_login(_user(world, role))
    html = client.get(reverse("regions:region", args=[world.region_a.pk])).content.decode()
    for name in offices + venues:
        assert name in html
    for name in ("Sosiaalityö B", "Teatteri B", "Pop-up museo"):
        assert name not in html
    assert f'href="{reverse("access:region", args=[world.region_a.pk])}"' in html  # the region's staff page
