"""The governance API of services, escalation paths, incidents, the party scorecard and ratings:
what the endpoints answer, how they refuse (the field at fault, 409 on the wrong state), and that a
partner-side member sees only their own party's services and incidents. Who may call what is in
``test_permissions``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tandem.governance import scorecard, selectors, services
from tandem.governance.models import (
    Incident,
    Measurement,
    PartyRating,
    Service,
    ServiceLevel,
)
from tandem.strategy.models import KeyResult
from tests.conftest import Personas, bearer, fields_of, send
from tests.governance.conftest import Matrix, Parties

ACME = "/api/v1/orgs/acme"
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@dataclass
class World:
    service: Service  # Cloudline's (the partner's party): a p2 level, a measure, an escalation level
    other: Service  # Integra's
    incident: Incident  # about ``service``, held by Cloudline, open


@pytest.fixture
def world(personas: Personas, parties: Parties) -> World:
    owner = personas.owner
    service = services.service_create(
        actor=owner, party=parties.vendor, name="ERP hosting", availability_target=99.5
    )
    services.service_level_set(
        actor=owner, service=service, priority="p2", acknowledge_hours=2, resolve_hours=16
    )
    services.metric_add(actor=owner, service=service, name="Batch on time", target=98, unit="%")
    services.escalation_level_add(actor=owner, service=service, membership=personas.it_lead, respond_hours=4)
    other = services.service_create(actor=owner, party=parties.other_vendor, name="Claims integration")
    incident = services.incident_raise(actor=owner, title="ERP slow", priority="p2", service=service)
    return World(service, other, incident)


@pytest.fixture
def owner(personas: Personas) -> Client:
    return bearer(personas.owner)


@pytest.fixture
def partner(personas: Personas) -> Client:
    return bearer(personas.partner)


def _url(service: Service, rest: str = "") -> str:
    return f"{ACME}/services/{service.pk}{rest}"


def _incident(incident: Incident, rest: str = "") -> str:
    return f"{ACME}/incidents/{incident.pk}{rest}"


# --- Services ---------------------------------------------------------------------------------


def test_a_lead_adds_a_service_with_the_initiatives_and_key_results_that_depend_on_it(
    personas: Personas, parties: Parties, matrix: Matrix, key_result: KeyResult
) -> None:
    payload = {
        "name": "Data lake",
        "party_id": parties.other_vendor.pk,
        "availability_target": 99.9,
        "initiative_ids": [matrix.initiative.pk],
        "key_result_ids": [key_result.pk],
    }
    response = send(bearer(personas.it_lead), "post", f"{ACME}/services", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["party"] == "Integra"
    assert body["availability_target"] == 99.9
    assert body["initiative_ids"] == [matrix.initiative.pk]
    assert body["key_result_ids"] == [key_result.pk]
    assert send(bearer(personas.owner), "get", f"{ACME}/services/{body['id']}").json() == body


def test_a_service_name_already_taken_is_a_422_on_name(owner: Client, world: World, parties: Parties) -> None:
    response = send(owner, "post", f"{ACME}/services", {"name": "erp HOSTING", "party_id": parties.vendor.pk})
    assert response.status_code == 422
    assert fields_of(response) == ["name"]


def test_a_party_of_another_organisation_is_a_422_on_party_id(owner: Client, parties: Parties) -> None:
    response = send(owner, "post", f"{ACME}/services", {"name": "Stolen", "party_id": parties.foreign.pk})
    assert response.status_code == 422
    assert fields_of(response) == ["party_id"]
    assert not Service.objects.for_org(parties.foreign.organization).exists()


def test_an_initiative_of_nowhere_is_a_422_on_initiative_ids(owner: Client, parties: Parties) -> None:
    payload = {"name": "Data lake", "party_id": parties.vendor.pk, "initiative_ids": [987654]}
    response = send(owner, "post", f"{ACME}/services", payload)
    assert response.status_code == 422
    assert fields_of(response) == ["initiative_ids"]


def test_a_patch_changes_only_what_it_sends_and_null_removes_the_target(owner: Client, world: World) -> None:
    response = send(owner, "patch", _url(world.service), {"description": "SAP", "availability_target": None})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["description"], body["availability_target"]) == ("ERP hosting", "SAP", None)
    assert [level["priority"] for level in body["levels"]] == ["p2"]


def test_the_partner_lists_only_its_own_partys_services(partner: Client, world: World) -> None:
    body = send(partner, "get", f"{ACME}/services").json()
    assert body["count"] == 1
    [row] = body["items"]
    assert (row["name"], row["open_incidents"], row["level_count"]) == ("ERP hosting", 1, 1)


def test_another_partys_service_is_a_404_for_the_partner(partner: Client, world: World) -> None:
    for rest in ("", "/measurements", "/compliance", "/escalation-path"):
        assert send(partner, "get", _url(world.other, rest)).status_code == 404, rest


def test_the_service_detail_has_levels_measures_path_and_incidents(partner: Client, world: World) -> None:
    body = send(partner, "get", _url(world.service)).json()
    assert body["levels"] == [
        {"id": body["levels"][0]["id"], "priority": "p2", "acknowledge_hours": 2.0, "resolve_hours": 16.0}
    ]
    assert [(m["name"], m["unit"], m["target"]) for m in body["metrics"]] == [("Batch on time", "%", 98.0)]
    assert [(level["position"], level["channel"]) for level in body["escalation_path"]] == [(0, "email")]
    assert [i["title"] for i in body["incidents"]] == ["ERP slow"]
    assert ISO_TIME.match(body["created_at"])


# --- Service levels, measures and measurements ------------------------------------------------


def test_a_level_is_set_by_priority_and_replaced_when_set_again(owner: Client, world: World) -> None:
    url = _url(world.service, "/levels")
    first = send(owner, "put", url, {"priority": "p1", "acknowledge_hours": 0.5, "resolve_hours": 4})
    again = send(owner, "put", url, {"priority": "p1", "acknowledge_hours": 1, "resolve_hours": 6})
    assert first.status_code == again.status_code == 200
    assert again.json() == {
        "id": first.json()["id"],
        "priority": "p1",
        "acknowledge_hours": 1.0,
        "resolve_hours": 6.0,
    }
    assert ServiceLevel.objects.for_org(world.service.organization).filter(service=world.service).count() == 2


def test_resolving_faster_than_acknowledging_is_a_422_on_resolve_hours(owner: Client, world: World) -> None:
    payload = {"priority": "p3", "acknowledge_hours": 8, "resolve_hours": 4}
    response = send(owner, "put", _url(world.service, "/levels"), payload)
    assert response.status_code == 422
    assert fields_of(response) == ["resolve_hours"]


def test_an_unknown_priority_is_refused_naming_it(owner: Client, world: World) -> None:
    payload = {"priority": "p9", "acknowledge_hours": 1, "resolve_hours": 4}
    response = send(owner, "put", _url(world.service, "/levels"), payload)
    assert response.status_code == 422
    assert fields_of(response) == ["priority"]


def test_removing_a_level_through_another_service_is_a_404(owner: Client, world: World) -> None:
    level = ServiceLevel.objects.for_org(world.service.organization).get(service=world.service)
    assert send(owner, "delete", _url(world.other, f"/levels/{level.pk}")).status_code == 404
    assert send(owner, "delete", _url(world.service, f"/levels/{level.pk}")).status_code == 204
    assert not ServiceLevel.objects.for_org(world.service.organization).filter(pk=level.pk).exists()


def test_a_measure_name_used_twice_is_a_422_on_name(owner: Client, world: World) -> None:
    response = send(owner, "post", _url(world.service, "/metrics"), {"name": "BATCH ON TIME", "target": 1})
    assert response.status_code == 422
    assert fields_of(response) == ["name"]


def test_availability_is_recorded_by_month_with_whether_it_met_the_target(
    owner: Client, world: World
) -> None:
    response = send(owner, "post", _url(world.service, "/measurements"), {"month": "2026-01", "value": 99.2})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "metric_id": None,
        "month": "2026-01",
        "value": 99.2,
        "note": "",
        "met": False,
    }


def test_a_second_value_for_the_same_month_replaces_the_first(owner: Client, world: World) -> None:
    url = _url(world.service, "/measurements")
    metric = world.service.metrics.get()
    send(owner, "post", url, {"month": "2026-02", "value": 97, "metric_id": metric.pk})
    response = send(
        owner, "post", url, {"month": "2026-02", "value": 99, "metric_id": metric.pk, "note": "Fixed"}
    )
    assert response.json()["met"] is True
    rows = Measurement.objects.for_org(world.service.organization).filter(service=world.service)
    assert [(str(r.period), r.value, r.note) for r in rows] == [("2026-02-01", 99, "Fixed")]


def test_availability_without_a_target_is_a_422_on_metric_id(owner: Client, world: World) -> None:
    response = send(owner, "post", _url(world.other, "/measurements"), {"month": "2026-01", "value": 99})
    assert response.status_code == 422
    assert fields_of(response) == ["metric_id"]


def test_a_measure_of_another_service_is_a_422_on_metric_id(owner: Client, world: World) -> None:
    metric = world.service.metrics.get()
    payload = {"month": "2026-01", "value": 99, "metric_id": metric.pk}
    response = send(owner, "post", _url(world.other, "/measurements"), payload)
    assert response.status_code == 422
    assert fields_of(response) == ["metric_id"]


def test_a_month_in_the_future_is_a_422_on_month(owner: Client, world: World) -> None:
    ahead = timezone.localdate() + timedelta(days=40)
    payload = {"month": f"{ahead:%Y-%m}", "value": 99}
    response = send(owner, "post", _url(world.service, "/measurements"), payload)
    assert response.status_code == 422
    assert fields_of(response) == ["month"]


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "2026-01-01", "01-2026", 202601])
def test_a_month_is_only_yyyy_mm(owner: Client, world: World, month: Any) -> None:
    response = send(owner, "post", _url(world.service, "/measurements"), {"month": month, "value": 99})
    assert response.status_code == 422
    assert fields_of(response) == ["month"]


def test_measurements_are_listed_oldest_first_between_from_and_to(
    owner: Client, personas: Personas, world: World
) -> None:
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        services.measurement_record(actor=personas.owner, service=world.service, period=month, value=99.9)
    body = send(owner, "get", _url(world.service, "/measurements?from=2026-02&to=2026-03")).json()
    assert body["count"] == 2
    assert [(m["month"], m["met"]) for m in body["items"]] == [("2026-02", True), ("2026-03", True)]


def test_a_from_that_is_not_a_month_is_a_422_on_from(owner: Client, world: World) -> None:
    response = send(owner, "get", _url(world.service, "/measurements?from=2026-2"))
    assert response.status_code == 422
    assert fields_of(response) == ["from"]


def test_compliance_counts_the_targets_met_per_month(owner: Client, personas: Personas, world: World) -> None:
    last = timezone.localdate().replace(day=1)
    metric = world.service.metrics.get()
    services.measurement_record(actor=personas.owner, service=world.service, period=last, value=99.9)
    services.measurement_record(
        actor=personas.owner, service=world.service, metric=metric, period=last, value=90
    )
    body = send(owner, "get", _url(world.service, "/compliance")).json()
    assert len(body["months"]) == 12
    assert body["months"][-1] == {"month": f"{last:%Y-%m}", "met": 1, "total": 2, "percent": 50.0}
    assert body["months"][0] == {"month": body["months"][0]["month"], "met": 0, "total": 0, "percent": None}


# --- Escalation paths -------------------------------------------------------------------------


def test_escalation_levels_are_added_moved_and_removed_in_order(
    personas: Personas, parties: Parties, world: World
) -> None:
    client, url = bearer(personas.it_lead), _url(world.service, "/escalation-path")
    added = send(
        client,
        "post",
        url + "/levels",
        {"party_id": parties.vendor.pk, "channel": "phone", "respond_hours": 1},
    )
    assert added.status_code == 201, added.content
    first, second = added.json()["levels"]
    assert (second["name"], second["channel"], second["respond_hours"]) == ("Cloudline", "phone", 1.0)
    moved = send(client, "post", url + f"/levels/{second['id']}/move", {"offset": -1}).json()
    assert [level["id"] for level in moved["levels"]] == [second["id"], first["id"]]
    removed = send(client, "delete", url + f"/levels/{first['id']}").json()
    assert [level["id"] for level in removed["levels"]] == [second["id"]]
    assert send(client, "get", url).json() == removed


@pytest.mark.parametrize("who", [{}, {"party_id": "vendor", "membership_id": "it_lead"}])
def test_an_escalation_level_is_a_party_or_a_person(
    owner: Client, personas: Personas, parties: Parties, world: World, who: dict[str, str]
) -> None:
    ids = {"vendor": parties.vendor.pk, "it_lead": personas.it_lead.pk}
    payload = {**{k: ids[v] for k, v in who.items()}, "respond_hours": 2}
    response = send(owner, "post", _url(world.service, "/escalation-path/levels"), payload)
    assert response.status_code == 422
    assert fields_of(response) == ["body"]


def test_a_person_of_another_organisation_is_a_422_on_membership_id(
    owner: Client, personas: Personas, world: World
) -> None:
    payload = {"membership_id": personas.outsider.pk, "respond_hours": 2}
    response = send(owner, "post", _url(world.service, "/escalation-path/levels"), payload)
    assert response.status_code == 422
    assert fields_of(response) == ["membership_id"]


def test_a_ninth_escalation_level_is_a_409(owner: Client, personas: Personas, world: World) -> None:
    for _ in range(7):
        services.escalation_level_add(
            actor=personas.owner, service=world.service, membership=personas.admin, respond_hours=1
        )
    payload = {"membership_id": personas.admin.pk, "respond_hours": 1}
    response = send(owner, "post", _url(world.service, "/escalation-path/levels"), payload)
    assert response.status_code == 409
    assert len(send(owner, "get", _url(world.service, "/escalation-path")).json()["levels"]) == 8


def test_an_initiatives_path_is_kept_apart_from_its_services(
    personas: Personas, matrix: Matrix, world: World
) -> None:
    url = f"{ACME}/initiatives/{matrix.initiative.pk}/escalation-path"
    client = bearer(personas.business_lead)  # a co-lead of the initiative
    added = send(
        client, "post", url + "/levels", {"membership_id": personas.business_lead.pk, "respond_hours": 3}
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["initiative_id"], body["service_id"]) == (matrix.initiative.pk, None)
    assert [level["membership_id"] for level in body["levels"]] == [personas.business_lead.pk]
    level = body["levels"][0]["id"]
    assert send(client, "delete", _url(world.service, f"/escalation-path/levels/{level}")).status_code == 404


# --- Incidents --------------------------------------------------------------------------------


def test_raising_an_incident_starts_the_partys_clock_and_the_escalation(
    personas: Personas, world: World
) -> None:
    payload = {"title": "Batch late", "priority": "p2", "service_id": world.service.pk}
    response = send(bearer(personas.member), "post", f"{ACME}/incidents", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["party"], body["raised_by_id"]) == ("open", "Cloudline", personas.member.pk)
    assert [(c["party"], c["acknowledged_at"]) for c in body["clocks"]] == [("Cloudline", None)]
    assert body["escalation"]["level"] == 0
    assert body["escalation"]["current"]["membership_id"] == personas.it_lead.pk
    assert ISO_TIME.match(body["escalation"]["due_at"])
    assert ISO_TIME.match(body["raised_at"])
    assert body["service_level"]["acknowledge_hours"] == 2.0
    assert [e["kind"] for e in body["events"]] == ["raised"]


def test_an_incident_about_nothing_is_a_422_on_service_id(owner: Client) -> None:
    response = send(owner, "post", f"{ACME}/incidents", {"title": "Something", "priority": "p3"})
    assert response.status_code == 422
    assert fields_of(response) == ["service_id"]


def test_an_incident_about_an_initiative_needs_a_party(owner: Client, matrix: Matrix) -> None:
    payload = {"title": "Scope creep", "priority": "p3", "initiative_id": matrix.initiative.pk}
    response = send(owner, "post", f"{ACME}/incidents", payload)
    assert response.status_code == 422
    assert fields_of(response) == ["party_id"]


@pytest.mark.parametrize("field", ["service_id", "party_id"])
def test_a_partner_raises_incidents_only_for_its_own_party(
    partner: Client, parties: Parties, world: World, field: str
) -> None:
    other = world.other.pk if field == "service_id" else parties.other_vendor.pk
    payload = {"title": "Not mine", "priority": "p3", "service_id": world.service.pk, field: other}
    response = send(partner, "post", f"{ACME}/incidents", payload)
    assert response.status_code == 422
    assert fields_of(response) == [field]


def test_acknowledging_stops_the_escalation_and_twice_is_a_409(partner: Client, world: World) -> None:
    url = _incident(world.incident, "/acknowledge")
    first = send(partner, "post", url)
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["status"], body["escalation_due_at"]) == ("acknowledged", None)
    assert body["times"]["acknowledged_in_time"] is True
    again = send(partner, "post", url)
    assert again.status_code == 409
    assert again.json() == {"detail": "This incident is already acknowledged."}


def test_a_hand_over_keeps_each_partys_own_clock(partner: Client, parties: Parties, world: World) -> None:
    payload = {"party_id": parties.it_team.pk, "note": "The database is yours."}
    response = send(partner, "post", _incident(world.incident, "/hand-over"), payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["party"], body["status"]) == ("Platform team", "open")
    assert [c["party"] for c in body["clocks"]] == ["Cloudline", "Platform team"]
    assert [(e["kind"], e["party"], e["note"]) for e in body["events"]][-1] == (
        "handed_over",
        "Platform team",
        "The database is yours.",
    )


def test_handing_over_to_the_party_that_holds_it_is_a_422_on_party_id(
    partner: Client, parties: Parties, world: World
) -> None:
    payload = {"party_id": parties.vendor.pk, "note": "Mine again"}
    response = send(partner, "post", _incident(world.incident, "/hand-over"), payload)
    assert response.status_code == 422
    assert fields_of(response) == ["party_id"]


def test_a_pause_stops_the_clock_for_its_reason_until_resumed(owner: Client, world: World) -> None:
    paused = send(owner, "post", _incident(world.incident, "/pause"), {"reason": "Waiting for logs"}).json()
    assert (paused["status"], paused["escalation_due_at"]) == ("paused", None)
    assert [p["reason"] for p in paused["clocks"][0]["pauses"]] == ["Waiting for logs"]
    assert send(owner, "post", _incident(world.incident, "/pause"), {"reason": "Again"}).status_code == 409
    resumed = send(owner, "post", _incident(world.incident, "/resume")).json()
    assert resumed["status"] == "open"
    assert resumed["escalation_due_at"] is not None


def test_resolved_incidents_are_reopened_with_a_reason(owner: Client, world: World) -> None:
    url = _incident(world.incident)
    resolved = send(owner, "post", url + "/resolve", {"resolution": "Added an index"}).json()
    assert (resolved["status"], resolved["resolution"]) == ("resolved", "Added an index")
    assert ISO_TIME.match(resolved["resolved_at"])
    assert send(owner, "post", url + "/resolve", {"resolution": "Again"}).status_code == 409
    reopened = send(owner, "post", url + "/reopen", {"reason": "Slow again"}).json()
    assert (reopened["status"], reopened["resolved_at"]) == ("open", None)
    assert [e["kind"] for e in reopened["events"]] == ["raised", "resolved", "reopened"]


def test_a_resolution_of_only_spaces_is_a_422_on_resolution(owner: Client, world: World) -> None:
    response = send(owner, "post", _incident(world.incident, "/resolve"), {"resolution": "   "})
    assert response.status_code == 422
    assert fields_of(response) == ["resolution"]


def test_a_note_joins_the_timeline(partner: Client, personas: Personas, world: World) -> None:
    response = send(
        partner, "post", _incident(world.incident, "/notes"), {"note": "Restarted the app server"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["actor_id"] == personas.partner.pk
    events = send(partner, "get", _incident(world.incident)).json()["events"]
    assert [(e["kind"], e["note"]) for e in events][-1] == ("note", "Restarted the app server")


def test_the_list_shows_unresolved_incidents_unless_asked(
    owner: Client, personas: Personas, world: World
) -> None:
    done = services.incident_raise(
        actor=personas.owner, title="ERP down", priority="p1", service=world.service
    )
    services.incident_resolve(actor=personas.owner, incident=done, resolution="Restarted")
    services.incident_raise(actor=personas.owner, title="Claims stuck", priority="p3", service=world.other)

    def titles(query: str) -> list[str]:
        return [i["title"] for i in send(owner, "get", f"{ACME}/incidents{query}").json()["items"]]

    assert titles("") == ["Claims stuck", "ERP slow"]
    assert titles("?status=resolved") == ["ERP down"]
    assert titles("?status=all") == ["Claims stuck", "ERP down", "ERP slow"]
    assert titles(f"?status=all&service_id={world.service.pk}") == ["ERP down", "ERP slow"]
    assert titles(f"?party_id={world.other.party_id}") == ["Claims stuck"]


def test_the_partner_sees_only_its_partys_incidents(
    partner: Client, personas: Personas, world: World
) -> None:
    theirs = services.incident_raise(
        actor=personas.owner, title="Claims stuck", priority="p3", service=world.other
    )
    assert [i["title"] for i in send(partner, "get", f"{ACME}/incidents").json()["items"]] == ["ERP slow"]
    for method, rest, data in [
        ("get", "", None),
        ("post", "/acknowledge", None),
        ("post", "/notes", {"note": "Hi"}),
        ("get", "/review", None),
    ]:
        assert send(partner, method, _incident(theirs, rest), data).status_code == 404, rest


def test_the_review_is_written_once_resolved_and_read_back(
    partner: Client, personas: Personas, world: World
) -> None:
    url = _incident(world.incident, "/review")
    review = {"summary": "A missing index.", "lessons": "Load-test reports.", "actions": "Add a check."}
    assert send(partner, "put", url, review).status_code == 409
    assert send(partner, "get", url).json() is None
    services.incident_resolve(actor=personas.owner, incident=world.incident, resolution="Indexed")
    written = send(partner, "put", url, review)
    assert written.status_code == 200, written.content
    body = send(partner, "get", url).json()
    assert body == written.json()
    assert (body["summary"], body["written_by_id"]) == ("A missing index.", personas.partner.pk)
    assert send(partner, "get", _incident(world.incident)).json()["review"] == body


def test_a_review_without_lessons_is_refused_naming_them(owner: Client, world: World) -> None:
    response = send(owner, "put", _incident(world.incident, "/review"), {"summary": "Something"})
    assert response.status_code == 422
    assert fields_of(response) == ["lessons"]


# --- The scorecard and the ratings ------------------------------------------------------------


def _closed_quarter() -> Any:
    """A quarter whose rating window has closed, whatever today is."""
    return scorecard.previous_quarter(selectors.default_quarter())


def _rate(personas: Personas, parties: Parties, quarter: Any, score: int = 4) -> None:
    """The business co-lead's rating of Cloudline for ``quarter``, given in its window."""
    services.party_rate(
        actor=personas.business_lead, party=parties.vendor, score=score, today=scorecard.quarter_end(quarter)
    )


def test_the_scorecard_hides_a_rating_below_the_anonymity_threshold(
    owner: Client, personas: Personas, parties: Parties, matrix: Matrix
) -> None:
    quarter = _closed_quarter()
    _rate(personas, parties, quarter)
    body = send(owner, "get", f"{ACME}/scorecard?quarter={scorecard.quarter_label(quarter)}").json()
    assert (body["ratings_open"], body["rating_threshold"]) == (False, 5)
    cloudline = next(row for row in body["rows"] if row["party"] == "Cloudline")
    assert cloudline["rating"] is None
    assert cloudline["rating_note"] == "Fewer than 5 ratings: not shown."


def test_the_scorecard_shows_the_mean_rating_from_the_threshold(
    owner: Client, personas: Personas, parties: Parties, matrix: Matrix
) -> None:
    quarter = _closed_quarter()
    _rate(personas, parties, quarter, score=5)
    for score in (3, 4, 4, 4):  # four more co-leads
        PartyRating.objects.create(
            organization=personas.org, party=parties.vendor, quarter=quarter, score=score
        )
    body = send(owner, "get", f"{ACME}/scorecard?quarter={scorecard.quarter_label(quarter)}").json()
    cloudline = next(row for row in body["rows"] if row["party"] == "Cloudline")
    assert (cloudline["rating"], cloudline["rating_note"]) == (4.0, "")
    assert cloudline["score"] == 75.0  # only the rating has facts: (4 - 1) / 4
    assert cloudline["raci"] == {"R": 0, "A": 0, "C": 0, "I": 0}
    assert body["weights"] == {
        "service_levels": 40,
        "rating": 30,
        "responsiveness": 15,
        "escalation_free": 15,
    }


def test_the_scorecard_of_the_current_quarter_says_ratings_still_come_in(
    owner: Client, parties: Parties
) -> None:
    current = scorecard.quarter_of(timezone.localdate())
    body = send(owner, "get", f"{ACME}/scorecard?quarter={scorecard.quarter_label(current)}").json()
    assert body["ratings_open"] is True
    assert {row["rating_note"] for row in body["rows"]} == {"Ratings are still coming in."}


def test_the_scorecard_counts_the_incidents_a_party_held(owner: Client, world: World) -> None:
    current = scorecard.quarter_of(timezone.localdate())
    body = send(owner, "get", f"{ACME}/scorecard?quarter={scorecard.quarter_label(current)}").json()
    cloudline = next(row for row in body["rows"] if row["party"] == "Cloudline")
    assert cloudline["incidents"] == {"p1": 0, "p2": 1, "p3": 0, "p4": 0}
    assert cloudline["escalation_free"] == {"met": 1, "total": 1, "percent": 100.0}


def test_the_scorecard_opens_on_the_last_quarter_that_ended(owner: Client, parties: Parties) -> None:
    body = send(owner, "get", f"{ACME}/scorecard").json()
    assert body["quarter"] == scorecard.quarter_label(selectors.default_quarter())
    assert body["starts_on"] == selectors.default_quarter().isoformat()


def test_the_partner_sees_only_its_own_partys_scorecard(partner: Client, parties: Parties) -> None:
    assert [row["party"] for row in send(partner, "get", f"{ACME}/scorecard").json()["rows"]] == ["Cloudline"]


@pytest.mark.parametrize("quarter", ["2026-Q5", "2026Q3", "1999-Q4"])
def test_an_unreadable_quarter_is_a_422_on_quarter(owner: Client, quarter: str) -> None:
    response = send(owner, "get", f"{ACME}/scorecard?quarter={quarter}")
    assert response.status_code == 422
    assert fields_of(response) == ["quarter"]


def test_a_business_co_lead_rates_the_parties_of_their_initiative_once(
    personas: Personas, matrix: Matrix
) -> None:
    client = bearer(personas.business_lead)
    listed = send(client, "get", f"{ACME}/party-ratings").json()
    assert listed["quarter"] == scorecard.quarter_label(services.rating_quarter())
    assert [(p["party"], p["rated"]) for p in listed["parties"]] == [("Cloudline", False), ("Integra", False)]
    vendor = listed["parties"][0]["party_id"]
    rated = send(client, "post", f"{ACME}/party-ratings", {"party_id": vendor, "score": 2})
    assert rated.status_code == 201, rated.content
    assert [(p["party"], p["rated"]) for p in rated.json()["parties"]] == [
        ("Cloudline", True),
        ("Integra", False),
    ]
    assert "score" not in rated.content.decode()  # what was given is never echoed
    again = send(client, "post", f"{ACME}/party-ratings", {"party_id": vendor, "score": 5})
    assert again.status_code == 409


def test_a_member_who_co_leads_nothing_rates_nobody(
    personas: Personas, parties: Parties, matrix: Matrix
) -> None:
    client = bearer(personas.member)
    assert send(client, "get", f"{ACME}/party-ratings").json()["parties"] == []
    response = send(client, "post", f"{ACME}/party-ratings", {"party_id": parties.vendor.pk, "score": 4})
    assert response.status_code == 404
    assert not PartyRating.objects.for_org(personas.org).exists()


def test_a_party_outside_the_co_leads_initiatives_is_a_422_on_party_id(
    personas: Personas, parties: Parties, matrix: Matrix
) -> None:
    payload = {"party_id": parties.it_team.pk, "score": 4}
    response = send(bearer(personas.business_lead), "post", f"{ACME}/party-ratings", payload)
    assert response.status_code == 422
    assert fields_of(response) == ["party_id"]
    assert not PartyRating.objects.for_org(personas.org).exists()


@pytest.mark.parametrize("score", [0, 6, 3.5, "4"])
def test_a_score_is_a_whole_number_from_1_to_5(
    personas: Personas, parties: Parties, matrix: Matrix, score: Any
) -> None:
    payload = {"party_id": parties.vendor.pk, "score": score}
    response = send(bearer(personas.business_lead), "post", f"{ACME}/party-ratings", payload)
    assert response.status_code == 422
    assert fields_of(response) == ["score"]
