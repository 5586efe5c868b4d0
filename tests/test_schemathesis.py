"""Property-based robustness of the whole JSON API: no generated request gets a server error.

Schemathesis derives requests from the OpenAPI document (valid and invalid inputs) and sends
them, signed in with a bearer token, at both organisations' paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tandem.config.wsgi import application
from tandem.core import services
from tests.conftest import Personas

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


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
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_never_answers_with_a_server_error(
    case: schemathesis.Case[Any], personas: Personas, tokens: list[str]
) -> None:
    params = case.path_parameters or {}
    seed = len(str(case.body)) + len(str(case.query))
    if "slug" in params and seed % 4:
        params["slug"] = ("acme", "globex", "acme")[seed % 3]
    if "member_id" in params and seed % 3:
        params["member_id"] = (personas.member.pk, personas.owner.pk, personas.outsider.pk)[seed % 3]
    token = tokens[seed % 2]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
