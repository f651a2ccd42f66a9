"""Role × scope matrix for every read endpoint of the API: who lists what, and 404 outside the scope."""

import pytest

from .api_world import ROLES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


# role -> names of the objects the list shows (anything else of the world must be absent).
LISTS = {
    "regions": {
        "coordinator": {"region_a", "region_b"},
        "contact_a": {"region_a"},
        "distributor_a": {"region_a"},
        "venue_a": {"region_a"},
        "distributor_b": {"region_b"},
        "venue_b": {"region_b"},
        "nobody": set(),
    },
    "offices": {
        "coordinator": {"office_a", "office_a2", "office_b"},
        "contact_a": {"office_a", "office_a2"},
        "distributor_a": {"office_a"},
        "venue_a": set(),
        "distributor_b": {"office_b"},
        "venue_b": set(),
        "nobody": set(),
    },
    "venues": {
        "coordinator": {"venue_a", "venue_b"},
        "contact_a": {"venue_a"},
        "distributor_a": set(),
        "venue_a": {"venue_a"},
        "distributor_b": set(),
        "venue_b": {"venue_b"},
        "nobody": set(),
    },
    "offers": {
        "coordinator": {"offer_a", "offer_b"},
        "contact_a": {"offer_a"},
        "distributor_a": set(),
        "venue_a": {"offer_a"},
        "distributor_b": set(),
        "venue_b": {"offer_b"},
        "nobody": set(),
    },
    "cards": {
        "coordinator": {"card_a", "card_a2", "card_b"},
        "contact_a": {"card_a", "card_a2"},
        "distributor_a": {"card_a"},
        "venue_a": set(),  # venue staff never list cards (DESIGN §5)
        "distributor_b": {"card_b"},
        "venue_b": set(),
        "nobody": set(),
    },
    "uses": {
        "coordinator": {"use_a", "use_b", "use_x"},
        "contact_a": {"use_a", "use_x"},
        "distributor_a": {"use_a", "use_x"},
        "venue_a": {"use_a"},
        "distributor_b": {"use_b"},
        "venue_b": {"use_b", "use_x"},
        "nobody": set(),
    },
}
PREFIX = {"regions": "region_", "offices": "office_", "venues": "venue_", "offers": "offer_", "cards": "card_",
          "uses": "use_"}


def _key(endpoint: str, obj) -> str:
    return obj.number if endpoint == "cards" else str(obj.pk)


def _world_objects(world, endpoint):
    return {name: obj for name, obj in world.objects.items() if name.startswith(PREFIX[endpoint])}


@pytest.mark.parametrize("endpoint", list(LISTS))
@pytest.mark.parametrize("role", ROLES)
def test_list_shows_exactly_the_scope(world, endpoint, role):
    response = world.client(role).get(f"/api/v1/{endpoint}/")

    assert response.status_code == 200
    key = "number" if endpoint == "cards" else "id"
    shown = {str(row[key]) for row in response.json()["results"]}
    expected = {_key(endpoint, obj) for name, obj in _world_objects(world, endpoint).items()
                if name in LISTS[endpoint][role]}
    assert shown == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("endpoint", list(LISTS))
@pytest.mark.parametrize("role", ROLES)
def test_detail_in_scope_200_outside_404(world, endpoint, role):
    client = world.client(role)
    for name, obj in _world_objects(world, endpoint).items():
        response = client.get(f"/api/v1/{endpoint}/{_key(endpoint, obj)}/")

        if name in LISTS[endpoint][role]:
            assert response.status_code == 200, (name, response.json())
        else:
            assert response.status_code == 404, name
            assert response.json() == {"code": "not_found", "detail": response.json()["detail"]}


@pytest.mark.parametrize("path", [
    "/api/v1/regions/", "/api/v1/offices/", "/api/v1/venues/", "/api/v1/offers/", "/api/v1/cards/",
    "/api/v1/uses/", "/api/v1/me/", "/api/v1/cards/ABCDEFGHJ/check/?venue=1",
])
def test_anonymous_gets_401_with_a_code(world, path):
    response = world.client(None).get(path)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_token_gets_401(world):
    client = world.client(None)
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(("role", "expected"), [
    ("coordinator", {"roles": ["coordinator"], "offices": [], "venues": [], "regions": []}),
    ("contact_a", {"roles": ["regional_contact"], "offices": [], "venues": [], "regions": ["Pirkanmaa"]}),
    ("distributor_a", {"roles": ["distributor"], "offices": ["Tampereen sosiaalitoimisto"], "venues": [],
                       "regions": []}),
    ("venue_a", {"roles": ["venue"], "offices": [], "venues": ["Vapriikki"], "regions": []}),
    ("nobody", {"roles": [], "offices": [], "venues": [], "regions": []}),
])
def test_me(world, role, expected):
    response = world.client(role).get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == world.users[role].username
    assert body["roles"] == expected["roles"]
    for key in ("offices", "venues", "regions"):
        assert [ref["name"] for ref in body[key]] == expected[key]
    if role == "venue_a":
        assert body["venues"] == [{"id": world.venue_a.pk, "name": "Vapriikki"}]
