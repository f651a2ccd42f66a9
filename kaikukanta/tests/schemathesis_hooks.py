"""Checks of our own for `schemathesis run` (SCHEMATHESIS_HOOKS=kaikukanta.tests.schemathesis_hooks).

``--checks all`` runs them with the built-in ones.
"""

import json

import schemathesis


@schemathesis.check
def domain_refusal_only(ctx, response, case):
    """A request the schema allows is never refused by input validation (400 ``invalid``): only a domain
    rule (``too_many_children``, ``card_number_invalid``…) may refuse it. This keeps the allowance for 400
    on valid data in schemathesis.toml from hiding a schema that is looser than the serializers."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return
    try:
        code = json.loads(response.content).get("code")
    except (ValueError, AttributeError):
        code = None
    if code == "invalid":
        raise AssertionError(f"A request valid by the schema was refused as invalid: {response.content[:500]!r}")

