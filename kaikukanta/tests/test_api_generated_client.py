"""A client generated from the served schema runs the README's REST API walk-through (issue 18, finding 13).

openapi-python-client (requirements.txt) generates the client with ``--fail-on-warning`` from
``/api/schema/?format=json`` of a live server with the small demo; the walk-through then runs through it as
the Vapriikki box office (a venue token), as a Tampere distributor and as the Tampere contact. Every answer
must parse into the generated model of its status (not ``None`` for an unexpected status, not a raw dict),
and its JSON must match the schema's component of that name — the mistyped-number check included, whose
``"region": null`` the schema used to forbid.
"""

import datetime
import importlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from devdata.demo import DEMO_CARDS, demo_seed

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "kaikukanta_api_client"


@pytest.fixture
def demo(transactional_db):
    demo_seed(small=True)


@pytest.fixture
def generated(live_server, tmp_path):
    """The generated package, imported from a temporary directory, and the schema it came from."""
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as response:
        schema_bytes = response.read()
    (tmp_path / "schema.yaml").write_bytes(schema_bytes)  # JSON is YAML: the file type leaves the parser alone
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")  # no formatter run on the generated code
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", "schema.yaml", "--config", "config.yaml", "--meta", "none",
         "--fail-on-warning"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        modules = {name: importlib.import_module(f"{PACKAGE}.{name}") for name in (
            "models", "api.auth.auth_token_create", "api.auth.me_retrieve", "api.cards.cards_check_retrieve",
            "api.cards.cards_create", "api.cards.cards_retrieve", "api.cards.cards_renew_create",
            "api.cards.cards_replace_create", "api.uses.uses_create",
            "api.uses.uses_cancel_create", "api.stats.stats_summary_retrieve",
        )}
        client = importlib.import_module(PACKAGE)
        yield SimpleNamespace(
            schema=yaml.safe_load(schema_bytes), client=client, models=modules["models"],
            **{name.rsplit(".", 1)[-1]: module for name, module in modules.items() if name.startswith("api.")},
        )
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _parsed(gen, response, status: int, model_name: str):
    """The parsed answer, checked: the status, the generated model, and the raw JSON against the schema."""
    assert response.status_code == status, response.content
    model = getattr(gen.models, model_name)
    assert isinstance(response.parsed, model), (model_name, response.parsed, response.content)
    document = {"$ref": f"#/components/schemas/{model_name}", "components": gen.schema["components"]}
    jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker()).validate(
        json.loads(response.content))
    return response.parsed


def _client(gen, url: str, token: str):
    return gen.client.AuthenticatedClient(base_url=url, token=token, prefix="Token", raise_on_unexpected_status=True)


def _password_token(gen, url: str, username: str) -> str:
    anonymous = gen.client.Client(base_url=url, raise_on_unexpected_status=True)
    body = gen.models.TokenRequestRequest(username=username, password=settings.DEMO_PASSWORD)
    return _parsed(gen, gen.auth_token_create.sync_detailed(client=anonymous, body=body), 200, "Token").token


@pytest.mark.usefixtures("demo")
def test_box_office_walk_through_with_the_generated_client(generated, live_server):
    gen, m = generated, generated.models
    api = _client(gen, live_server.url, _password_token(gen, live_server.url, "kohde-vapriikki"))

    me = _parsed(gen, gen.me_retrieve.sync_detailed(client=api), 200, "Me")
    assert [venue.name for venue in me.venues] == ["Vapriikki"]
    venue = me.venues[0].id

    valid = _parsed(gen, gen.cards_check_retrieve.sync_detailed("TAM-PER-E3M", client=api, venue=venue), 200,
                    "CardCheck")
    expired = _parsed(gen, gen.cards_check_retrieve.sync_detailed("TAM-PER-E4T", client=api, venue=venue), 200,
                      "CardCheck")
    mistyped = _parsed(gen, gen.cards_check_retrieve.sync_detailed("TAM-PER-E3N", client=api, venue=venue), 200,
                       "CardCheck")
    assert (valid.number, valid.valid, valid.code, valid.children_allowed) == (
        DEMO_CARDS["tampere_children"], True, None, 2)
    assert isinstance(valid.region, m.Ref)
    assert (expired.valid, expired.code) == (False, m.CardCheckCodeEnum.CARD_EXPIRED)
    assert (mistyped.valid, mistyped.code, mistyped.region) == (False, m.CardCheckCodeEnum.CARD_NUMBER_INVALID, None)

    body = m.UseLogRequest(card_number="TAM-PER-E3M", venue=venue, kind=m.UseKindEnum.TICKET, children=2,
                           idempotency_key="lippu-0001")
    logged = _parsed(gen, gen.uses_create.sync_detailed(client=api, body=body), 201, "Use")
    again = _parsed(gen, gen.uses_create.sync_detailed(client=api, body=body), 200, "Use")
    body.children, body.idempotency_key = 3, "lippu-0002"
    refused = _parsed(gen, gen.uses_create.sync_detailed(client=api, body=body), 400, "Error")
    assert again.id == logged.id
    assert refused.code == m.ErrorCodeEnum.TOO_MANY_CHILDREN

    cancel = m.UseCancelRequest(reason="Asiakas ei tullutkaan")
    cancelled = _parsed(gen, gen.uses_cancel_create.sync_detailed(logged.id, client=api, body=cancel), 200, "Use")
    assert (cancelled.id, cancelled.cancelled, cancelled.cancel_reason) == (logged.id, True, "Asiakas ei tullutkaan")


@pytest.mark.usefixtures("demo")
def test_distributor_and_contact_walk_through_with_the_generated_client(generated, live_server):
    gen, m = generated, generated.models
    api = _client(gen, live_server.url, _password_token(gen, live_server.url, "jakaja-tampere"))
    office = _parsed(gen, gen.me_retrieve.sync_detailed(client=api), 200, "Me").offices[0].id

    body = m.CardIssueRequest(office=office, birth_year=1980, home_municipality="837", children=2,
                              format_=m.CardFormatEnum.MOBILE)
    created = _parsed(gen, gen.cards_create.sync_detailed(client=api, body=body), 201, "CardIssued")
    read = _parsed(gen, gen.cards_retrieve.sync_detailed(created.number, client=api), 200, "Card")
    assert (read.number, read.status, read.office.id) == (created.number, m.CardStatusEnum.ACTIVE, office)

    renewed = _parsed(gen, gen.cards_renew_create.sync_detailed(
        created.number, client=api, body=m.CardRenewRequest(wellbeing_at_renewal=4)), 200, "ServedCard")
    new = _parsed(gen, gen.cards_replace_create.sync_detailed(
        created.number, client=api, body=m.CardReplaceRequest(reason=m.CardReplaceReasonEnum.LOST)), 201,
        "ServedCard")
    again = _parsed(gen, gen.cards_replace_create.sync_detailed(
        created.number, client=api, body=m.CardReplaceRequest()), 400, "Error")
    assert (renewed.number, renewed.valid_until) == (created.number, created.valid_until)
    assert (new.office.id, new.status, new.number != created.number) == (office, m.CardStatusEnum.ACTIVE, True)
    assert again.code == m.ErrorCodeEnum.CARD_INACTIVE

    # The contact's token as the profile page would make it: how a token is issued is not what this tests.
    contact = get_user_model().objects.get(username="alue-tampere")
    contact_api = _client(gen, live_server.url, Token.objects.get_or_create(user=contact)[0].key)
    stats = _parsed(gen, gen.stats_summary_retrieve.sync_detailed(client=contact_api,
                                                                  from_=datetime.date(2025, 1, 1)),
                    200, "StatsSummary")
    assert stats.uses_total >= 1
