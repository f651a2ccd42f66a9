"""R12: the venue's own CSV of its uses and every page of the API's list of uses are exports, recorded through the
same service as every other export (reports.services.export_record, reached from below through core.exports)."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from access.tests.staff_world import build_world
from cards.tests.factories import CardFactory, UseFactory
from core import exports
from reports.models import ExportRecord
from reports.services import export_record
from venues.tests.factories import VenueMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    card = CardFactory(office=w.office, home_municipality=w.muni_tampere)
    UseFactory(card=card, venue=w.venue)
    UseFactory(card=card, venue=w.venue)
    UseFactory(card=card, venue=w.venue_espoo)
    return w


def _record() -> tuple:
    record = ExportRecord.objects.get()
    return (record.user.username, record.what, record.format, record.national,
            sorted(record.regions.values_list("name", flat=True)), record.params, record.rows)


def test_the_reports_app_gives_core_its_export_service():
    assert exports._export_recorder is export_record


def test_the_venues_csv_of_its_uses_is_recorded_with_the_venues_region_and_filters(client, world):
    client.force_login(world.venue_staff)

    response = client.get(reverse("venues:uses_export"), {"kind": "ticket"})
    body = b"".join(response.streaming_content).decode()

    assert body.count("\r\n") == 3  # header and two uses
    assert _record() == ("kohde-vapriikki", "venue_uses", "csv", False, ["Tampere"],
                         {"venue": world.venue.pk, "channel": "page", "kind": "ticket"}, None)


def test_a_pop_up_venues_csv_is_recorded_without_a_region(client, world):
    staff = VenueMembershipFactory(venue=world.popup).user
    client.force_login(staff)

    assert client.get(reverse("venues:uses_export")).status_code == 200

    assert _record()[3:5] == (False, [])  # only the coordinator reads it in the audit trail


@pytest.mark.parametrize(("who", "national", "regions", "rows"), [
    ("venue_staff", False, ["Tampere"], 2),
    ("office_staff", False, ["Tampere"], 3),
    ("other_contact", False, ["Espoo"], 1),
    ("coordinator", True, [], 3),
])
def test_every_page_of_the_api_list_of_uses_is_recorded_with_the_callers_regions(world, who, national, regions, rows):
    user = getattr(world, who)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    response = api.get("/api/v1/uses/", {"page_size": 5})

    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
    assert _record() == (user.username, "api_uses", "json", national, regions,
                         {"channel": "api", "page_size": "5"}, rows)


def test_a_refused_api_list_records_nothing(world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.venue_staff).key}")

    assert api.get("/api/v1/uses/", {"page_size": "x"}).status_code == 400
    assert api.get("/api/v1/uses/", {"page": 9}).status_code == 404

    assert ExportRecord.objects.count() == 0
