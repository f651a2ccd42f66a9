"""``schemathesis run --checks all``: the CLI with every check, against a live server with the small demo, as a
distributor and as a venue user: 0 failures (issue 18, finding 13).

Complements ``test_api_contract.py`` (in-process, three checks, three roles): here the checks also cover
inputs the schema forbids (they must be refused), inputs it allows (they must be accepted, or refused only by
a domain rule: see schemathesis.toml and schemathesis_hooks.py), content types, headers, authentication and
stateful chains. Examples are bounded and the seed fixed, so a run is repeatable. On PostgreSQL (CI) the two
runs go side by side (about 2.5 minutes); on SQLite, whose in-memory test database the live server's threads
share, one after the other.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token

from devdata.demo import demo_seed

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
USERS = ("jakaja-tampere", "kohde-vapriikki")  # a distributor and a venue user
MAX_EXAMPLES = 10


def _command(url: str, token: str) -> list[str]:
    return [
        str(SCHEMATHESIS), "--config-file", str(HERE / "schemathesis.toml"),
        "run", f"{url}/api/schema/?format=json",
        "--checks", "all",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", "18",
        "--no-shrink",
        "--generation-database", "none",
        "--request-timeout", "30",
        "--output-truncate", "false",
        "--header", f"Authorization: Token {token}",
    ]


@pytest.mark.django_db(transaction=True)
def test_schemathesis_all_checks_pass(live_server, settings, tmp_path):
    settings.CARD_CHECK_FAILURES_PER_MINUTE = 10**6  # enumeration throttling has its own tests
    demo_seed(small=True)
    users = get_user_model().objects
    tokens = {name: Token.objects.get_or_create(user=users.get(username=name))[0].key for name in USERS}
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "kaikukanta.tests.schemathesis_hooks", "PYTHONPATH": str(ROOT),
           "NO_COLOR": "1"}

    def start(name):
        output = (tmp_path / f"{name}.log").open("w")
        return subprocess.Popen(_command(live_server.url, tokens[name]), cwd=tmp_path, env=env, stdout=output,
                                stderr=subprocess.STDOUT, text=True)

    results = {}
    if connection.vendor == "postgresql":
        running = {name: start(name) for name in USERS}
        results = {name: process.wait(timeout=600) for name, process in running.items()}
    else:
        for name in USERS:
            results[name] = start(name).wait(timeout=600)

    for name, returncode in results.items():
        output = (tmp_path / f"{name}.log").read_text()
        assert returncode == 0, f"{name}:\n{output[-30000:]}"
        assert "Tested: 30" in output, output[-3000:]  # every operation (22, and 8 of issue 16), none skipped
        assert "failure" not in output.strip().splitlines()[-1], output[-3000:]
