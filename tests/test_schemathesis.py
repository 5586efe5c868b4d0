"""Property-based conformance of the whole JSON API to its OpenAPI document.

Schemathesis derives requests from the OpenAPI document (valid and invalid inputs) and sends
them, signed in with a bearer token, at both organisations' paths. Every built-in check runs
(no server error, status codes, content types, headers and bodies as documented, invalid data
refused, valid data accepted, authentication enforced, …); the few that cannot hold by design are
narrowed below, each for its reason, and listed in docs/api.md ("Conformance testing").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import CheckContext, CheckFunction
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tandem.config.api import INVALID_FIELDS
from tandem.config.wsgi import application
from tandem.core import cache, services
from tests.conftest import Personas

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def positive_data_acceptance_of_the_shape(
    ctx: CheckContext, response: Response, case: schemathesis.Case[Any]
) -> bool | None:
    """``positive_data_acceptance``, less the rules of the domain: a request of the documented
    shape may still break a rule no JSON Schema can state (an end before its start, an owner from
    the wrong side, a template of another organisation, text that is only spaces). Those 422s
    name the rule in ``detail``; a refusal of the shape itself says ``INVALID_FIELDS`` and still
    fails the check."""
    if response.status_code == 422:
        try:
            detail = json.loads(response.content).get("detail")
        except (ValueError, AttributeError):
            detail = None
        if isinstance(detail, str) and detail != INVALID_FIELDS:
            return None
    return positive_data_acceptance(ctx, response, case)


# The built-in checks replaced by a narrower one above.
EXCLUDED: list[CheckFunction] = [positive_data_acceptance]
ADDED: list[CheckFunction] = [positive_data_acceptance_of_the_shape]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes connections after each request; the test client avoids that,
    and so must we, or the test transaction is lost."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(personas: Personas) -> list[str]:
    return [
        services.api_token_create(membership=personas.owner, name="fuzz")[1],
        services.api_token_create(membership=personas.member, name="fuzz")[1],
    ]


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_conforms_to_its_document(
    case: schemathesis.Case[Any], personas: Personas, tokens: list[str]
) -> None:
    params = case.path_parameters or {}
    seed = len(str(case.body)) + len(str(case.query))
    if "slug" in params and seed % 4:
        params["slug"] = ("acme", "globex", "acme")[seed % 3]
    if "member_id" in params and seed % 3:
        params["member_id"] = (personas.member.pk, personas.owner.pk, personas.outsider.pk)[seed % 3]
    token = tokens[seed % 2]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, excluded_checks=EXCLUDED, additional_checks=ADDED
    )


def test_the_api_conforms_to_its_document_across_calls(tokens: list[str]) -> None:
    """Chains of calls linked by the ids they return (create, then read, change, delete): the
    checks that need a history (``use_after_free``, ``ensure_resource_availability``) run here."""
    headers = {"Authorization": f"Bearer {tokens[0]}"}

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        # Each scenario starts from the same database: its writes are rolled back after it, and
        # the cached pages and figures (keyed by data versions a rollback reuses) are dropped.
        # Otherwise a replayed scenario meets the previous one's rows (a name already taken, a
        # matrix already started), answers differently, and hypothesis reports its own strategy
        # as flaky instead of the failure it found.
        def setup(self) -> None:
            self.savepoint = transaction.savepoint_create()
            cache.clear()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)
            cache.clear()

        def before_call(self, case: schemathesis.Case[Any]) -> None:
            if case.path_parameters and "slug" in case.path_parameters:
                case.path_parameters["slug"] = "acme"  # the token's organisation

        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(
            self,
            response: Response,
            case: schemathesis.Case[Any],
            additional_checks: list[CheckFunction] | None = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response,
                excluded_checks=EXCLUDED,
                additional_checks=ADDED + list(additional_checks or []),
                headers=headers,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            max_examples=20,
            stateful_step_count=6,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
