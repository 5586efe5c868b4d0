"""Partner isolation: a member on the partner side walks every governance route (pages and API)
against another party's objects of the same organisation, and meets a 404 with none of that
party's data; the lists they may open show only their own party. A new governance route that
this walk cannot fill fails the test."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.governance import services
from tandem.strategy import services as strategy
from tests.conftest import PROBE, Personas, probe
from tests.governance.conftest import Parties
from tests.url_walk import all_routes

# What the other party's objects are called: none of it may reach the partner.
SECRETS = [
    "Integra",
    "Claims integration",
    "Claims stuck",
    "Integra only",
    "desk@integra.example",
    "Integra frame",
]


@pytest.fixture
def theirs(personas: Personas, parties: Parties) -> dict[str, Any]:
    """Objects of the other vendor (Integra) in the partner's own organisation."""
    owner, other = personas.owner, parties.other_vendor
    initiative = strategy.initiative_create(actor=owner, title="Integra only")
    [activity, *_rest] = services.matrix_start(actor=owner, initiative=initiative)
    column = services.column_add(actor=owner, initiative=initiative, party=other)
    service = services.service_create(
        actor=owner, party=other, name="Claims integration", availability_target=99
    )
    level = services.service_level_set(
        actor=owner, service=service, priority="p1", acknowledge_hours=1, resolve_hours=4
    )
    metric = services.metric_add(actor=owner, service=service, name="Integra batch", target=98)
    measurement = services.measurement_record(actor=owner, service=service, period="2026-01", value=99)
    escalation = services.escalation_level_add(actor=owner, service=service, party=other, respond_hours=2)
    services.escalation_level_add(actor=owner, initiative=initiative, party=other, respond_hours=2)
    incident = services.incident_raise(actor=owner, title="Claims stuck", priority="p1", service=service)
    mine = services.service_create(actor=owner, party=parties.vendor, name="Cloudline hosting")
    services.incident_raise(actor=owner, title="Cloudline hosting slow", priority="p2", service=mine)
    return {
        "org_slug": "acme",
        "slug": "acme",
        "party_id": other.pk,
        "contact_id": services.contact_add(actor=owner, party=other, email="desk@integra.example").pk,
        "contract_id": services.contract_add(
            actor=owner, party=other, title="Integra frame", starts_on="2026-01-01"
        ).pk,
        "contribution_id": 0,
        "initiative_id": initiative.pk,
        "activity_id": activity.pk,
        "column_id": column.pk,
        "closing_day_id": services.closing_day_add(actor=owner, day="2026-12-24").pk,
        "service_id": service.pk,
        "level_id": level.pk,
        "metric_id": metric.pk,
        "measurement_id": measurement.pk,
        "escalation_level_id": escalation.pk,
        "incident_id": incident.pk,
        "objective_id": 0,
        "fmt": "csv",
    }


def _governance_routes() -> list[Any]:
    return [r for r in all_routes() if r.name.startswith(("governance:", "api:governance_"))]


def _body(response: Any) -> str:
    return str(response.content.decode(errors="replace"))


def test_a_partner_meets_404_on_every_route_of_another_party(
    personas: Personas, theirs: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(personas.partner.user)
    checked = 0
    for route in _governance_routes():
        unknown = [c for c in route.converters if c not in theirs]
        assert not unknown, f"{route.pattern}: teach the partner walk how to fill {unknown}"
        objects = [c for c in route.converters if c not in ("org_slug", "slug", "fmt")]
        url = reverse(route.name, kwargs={c: theirs[c] for c in route.converters})
        for method in ("get", "post", "put", "patch", "delete"):
            if objects:  # the gate, not the body, must answer
                response = probe(client, method, url, dict(PROBE))
            else:  # a list or a form of the partner's own: whatever it answers, nothing of theirs
                response = getattr(client, method)(url, content_type="application/json", data=PROBE)
            body = _body(response)
            for secret in SECRETS:
                assert secret not in body, f"{method.upper()} {url} shows {secret!r}"
            if objects:
                assert response.status_code in (404, 405), f"{method.upper()} {url}: {response.status_code}"
            else:
                assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
        checked += 1
    assert checked >= 40


def test_the_lists_a_partner_opens_show_only_their_party(personas: Personas, theirs: dict[str, Any]) -> None:
    client = Client()
    client.force_login(personas.partner.user)
    for url in (
        "/o/acme/parties/",
        "/o/acme/services/",
        "/o/acme/incidents/?status=all",
        "/o/acme/scorecard/",
        "/o/acme/scorecard/export.csv",
        "/api/v1/orgs/acme/parties",
        "/api/v1/orgs/acme/services",
        "/api/v1/orgs/acme/incidents?status=all",
        "/api/v1/orgs/acme/scorecard",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        assert "Cloudline" in body, url
        for secret in SECRETS:
            assert secret not in body, f"{url} shows {secret!r}"
