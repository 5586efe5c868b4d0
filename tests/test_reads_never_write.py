"""Reads never write: every GET route, requested by the people who may read it, leaves the
database as it was (sessions aside) and queues no task. A new route that this walk cannot fill fails."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import services
from tandem.core.cache import CSRF_PLACEHOLDER
from tests.conftest import Objects, Personas, seed_objects
from tests.url_walk import Route, all_routes

# The session is the one table a read may touch (the organisation last opened, the idle timer,
# a pending invitation), and a bearer token's last-used stamp (at most once a minute).
MAY_WRITE = {"django_session", "core_apitoken"}
# Account pages of allauth that take a key from an e-mail or belong to a flow in progress.
SKIP_PREFIXES = ("account_", "mfa_")
# Routes that answer GET with a file, a redirect or a JSON body: they are walked all the same.
PERSONAS = ("owner", "business_lead", "member", "viewer")


def _written_tables(queries: list[dict[str, str]]) -> set[str]:
    tables = set()
    for query in queries:
        sql = query["sql"].strip()
        if not re.match(r"^(INSERT|UPDATE|DELETE|REPLACE)\b", sql, re.I):
            continue
        match = re.search(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', sql, re.I)
        tables.add(match.group(1) if match else sql[:60])
    return tables - MAY_WRITE


def _get_routes() -> list[Route]:
    return [r for r in all_routes() if not r.name.startswith(SKIP_PREFIXES)]


def _url(route: Route, objects: Objects) -> str:
    kwargs = {}
    for name in route.converters:
        key = "invitation_token" if route.name == "core:invitation" and name == "token" else name
        assert key in objects, f"{route.pattern}: teach the read walk how to fill {name}"
        kwargs[name] = objects[key]()
    return reverse(route.name, kwargs=kwargs)


@pytest.fixture
def own_objects(personas: Personas) -> Objects:
    return seed_objects(personas.owner, "Acme")


# Every route per persona: left out of the PostgreSQL pass like the per-URL permission matrices
# (the access gates decide it; the app tests run their queries on PostgreSQL).
@pytest.mark.permission_matrix
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_get_route_writes_to_the_database(
    personas: Personas, own_objects: Objects, client_for: object, persona: str
) -> None:
    client: Client = client_for(persona)  # type: ignore[operator]
    walked, writes = 0, []
    for route in _get_routes():
        url = _url(route, own_objects)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        # A page kept whole holds a placeholder for the CSRF token: no answer may carry it.
        assert response.streaming or CSRF_PLACEHOLDER.encode() not in response.content, url
        if response.status_code == 404:
            continue  # a refusal: written to the audit log on purpose (test_refusals_are_audited)
        if written := _written_tables(queries.captured_queries):
            writes.append(f"GET {url} wrote to {sorted(written)}")
        walked += 1
    assert not writes, f"as {persona}:\n" + "\n".join(writes)
    assert walked >= 30


def test_api_reads_with_a_token_write_nothing_but_the_last_used_stamp(
    personas: Personas, own_objects: Objects
) -> None:
    _, raw = services.api_token_create(membership=personas.owner, name="reader")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    walked = 0
    for route in _get_routes():
        if not route.name.startswith("api:"):
            continue
        url = _url(route, own_objects)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code == 404:
            continue
        assert not _written_tables(queries.captured_queries), f"GET {url} wrote"
        walked += 1
    assert walked >= 15


def test_personal_survey_links_and_invitations_are_read_without_writing(
    personas: Personas, own_objects: Objects
) -> None:
    anonymous = Client()
    for name in ("surveys:respond", "api:survey_response_form", "core:invitation"):
        route = next(r for r in all_routes() if r.name == name)
        url = _url(route, own_objects)
        with CaptureQueriesContext(connection) as queries:
            response = anonymous.get(url)
        assert response.status_code == 200, url
        assert not _written_tables(queries.captured_queries), f"GET {url} wrote"


def test_the_walk_sees_a_write(personas: Personas, own_objects: Objects) -> None:
    """The detector itself: a POST that creates a department is caught as a write."""
    client = Client()
    client.force_login(personas.owner.user)
    with CaptureQueriesContext(connection) as queries:
        client.post("/o/acme/departments/", {"name": "Caught"})
    assert "core_department" in _written_tables(queries.captured_queries)
