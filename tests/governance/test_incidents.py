"""Incidents on the working calendar, with frozen time: each party's clock, pauses, hand-overs and
the escalation that calls the next level when one does not respond in time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tandem.core.errors import Conflict
from tandem.governance import selectors, services
from tandem.governance.models import IncidentEventKind, IncidentStatus
from tests.conftest import Personas
from tests.governance.conftest import Parties

AMS = ZoneInfo("Europe/Amsterdam")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


@pytest.fixture
def service(personas: Personas, parties: Parties):  # type: ignore[no-untyped-def]
    svc = services.service_create(
        actor=personas.owner, party=parties.vendor, name="ERP hosting", availability_target="99.9"
    )
    services.service_level_set(
        actor=personas.owner, service=svc, priority="p1", acknowledge_hours=1, resolve_hours=8
    )
    services.escalation_level_add(actor=personas.owner, service=svc, party=parties.vendor, respond_hours=2)
    services.escalation_level_add(
        actor=personas.owner, service=svc, membership=personas.it_lead, respond_hours=4, channel="phone"
    )
    services.escalation_level_add(
        actor=personas.owner, service=svc, membership=personas.admin, respond_hours=4
    )
    return svc


def test_an_incident_raised_on_friday_evening_escalates_on_monday_afternoon(
    personas: Personas, parties: Parties, service
) -> None:  # type: ignore[no-untyped-def]
    incident = services.incident_raise(
        actor=personas.member, title="ERP down", priority="p1", service=service, now=at("2026-12-04T18:30")
    )
    assert incident.party == parties.vendor
    # Level 1 has two working hours, from Monday 09:00.
    assert incident.escalation_due_at == at("2026-12-07T11:00")
    assert services.incidents_escalate_due(now=at("2026-12-07T10:59")) == []
    [escalated] = services.incidents_escalate_due(now=at("2026-12-07T11:00"))
    escalated.refresh_from_db()
    assert escalated.escalation_level == 1
    assert escalated.escalations == 1
    assert escalated.escalation_due_at == at("2026-12-07T15:00")
    services.incidents_escalate_due(now=at("2026-12-07T15:00"))
    services.incidents_escalate_due(now=at("2026-12-08T15:00"))
    services.incidents_escalate_due(now=at("2026-12-09T15:00"))  # the last level: nobody further
    escalated.refresh_from_db()
    assert escalated.escalation_level == 2
    assert escalated.escalations == 2
    assert escalated.escalation_due_at is None


def test_each_party_keeps_its_own_clock(personas: Personas, parties: Parties, service) -> None:  # type: ignore[no-untyped-def]
    incident = services.incident_raise(
        actor=personas.member, title="ERP slow", priority="p1", service=service, now=at("2026-12-07T09:00")
    )
    services.incident_acknowledge(actor=personas.partner, incident=incident, now=at("2026-12-07T09:30"))
    services.incident_hand_over(
        actor=personas.partner,
        incident=incident,
        party=parties.other_vendor,
        note="Network, not hosting",
        now=at("2026-12-07T10:00"),
    )
    services.incident_pause(
        actor=personas.it_lead,
        incident=incident,
        reason="Waiting for the reporter",
        now=at("2026-12-07T11:00"),
    )
    services.incident_resume(actor=personas.it_lead, incident=incident, now=at("2026-12-08T09:00"))
    services.incident_acknowledge(actor=personas.it_lead, incident=incident, now=at("2026-12-08T09:15"))
    services.incident_resolve(
        actor=personas.it_lead, incident=incident, resolution="Router replaced", now=at("2026-12-08T10:00")
    )
    page = selectors.incident_page(incident, now=at("2026-12-09T12:00"))
    clocks = {c.party.name: c for c in page.clocks}
    assert clocks["Cloudline"].seconds == 3600
    assert clocks["Cloudline"].acknowledge_seconds == 1800
    # Integra: 10:00–11:00 Monday, then 09:00–10:00 Tuesday; the paused afternoon does not count.
    assert clocks["Integra"].seconds == 7200
    assert clocks["Integra"].acknowledge_seconds == 4500
    assert page.times.acknowledge == 1800
    assert page.times.resolve == 3 * 3600
    kinds = [e.kind for e in page.events]
    assert kinds == ["raised", "acknowledged", "handed_over", "paused", "resumed", "acknowledged", "resolved"]
    with pytest.raises(Conflict):
        services.incident_acknowledge(actor=personas.it_lead, incident=incident)
    assert incident.status == IncidentStatus.RESOLVED
    assert IncidentEventKind.RESOLVED in kinds
