"""The strategy JSON API: shapes, filters, pagination, the approval gate, permissions, query counts."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.core.models import AuditEvent, Department
from tandem.strategy import schemas, selectors, services
from tandem.strategy.gate import BASE_GATE_CODES, GATE_CODES, SIGNAL_KEYS
from tandem.strategy.models import (
    CheckIn,
    Initiative,
    KeyResult,
    KeyResultLink,
    Objective,
    Stage,
    SuccessMeasure,
)
from tests.conftest import PERSONAS, Personas, bearer, fields_of, send
from tests.url_walk import all_url_names

ACME = "/api/v1/orgs/acme"


def department(personas: Personas, name: str) -> Department:
    return Department.objects.for_org(personas.org).get(name=name)


# --- Objectives ----------------------------------------------------------------------------------


def test_an_objective_shows_its_owners_period_and_key_results(
    personas: Personas, objective: Objective, key_result: KeyResult
) -> None:
    body = bearer(personas.viewer).get(f"{ACME}/objectives/{objective.pk}").json()
    assert body == {
        "id": objective.pk,
        "title": "Win back customer trust",
        "description": "",
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        "period_label": "Q4 2026",
        "business_owner": {
            "id": personas.business_lead.pk,
            "name": personas.business_lead.user.name,
            "email": "bizlead@acme.test",
            "side": "business",
        },
        "it_owner": {
            "id": personas.it_lead.pk,
            "name": personas.it_lead.user.name,
            "email": "itlead@acme.test",
            "side": "it",
        },
        "status": "active",
        "siloed": False,
        "key_result_ids": [key_result.pk],
    }


def test_objectives_are_filtered_by_status_and_by_being_siloed(
    personas: Personas, objective: Objective
) -> None:
    siloed = services.objective_create(
        actor=personas.owner,
        title="Cut IT costs",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        it_owner=personas.it_lead,
    )
    client = bearer(personas.member)

    def titles(query: str) -> list[str]:
        return [o["title"] for o in client.get(f"{ACME}/objectives?{query}").json()["items"]]

    assert sorted(titles("")) == sorted([objective.title, siloed.title])
    assert titles("siloed=true") == [siloed.title]
    assert titles("siloed=false") == [objective.title]
    assert titles("status=draft") == [siloed.title]
    assert titles("status=achieved") == []
    response = client.get(f"{ACME}/objectives?status=finished")
    assert response.status_code == 422
    assert fields_of(response) == ["status"]


def test_a_lead_creates_a_shared_objective_with_owners_given_by_membership_id(personas: Personas) -> None:
    response = send(
        bearer(personas.business_lead),
        "post",
        f"{ACME}/objectives",
        {
            "title": "Faster claims",
            "period_start": "2027-01-01",
            "period_end": "2027-03-31",
            "business_owner_id": personas.owner.pk,
            "it_owner_id": personas.admin.pk,
            "status": "active",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["period_label"], body["siloed"], body["status"]) == ("Q1 2027", False, "active")
    assert body["business_owner"]["id"] == personas.owner.pk
    assert Objective.objects.for_org(personas.org).get(pk=body["id"]).it_owner == personas.admin
    assert AuditEvent.objects.for_org(personas.org).filter(action="objective.created").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"period_start": "2027-01-01", "period_end": "2027-03-31"}, "title"),
        ({"title": "X", "period_start": "2027-01-01"}, "period_end"),
        ({"title": "X", "period_start": "soon", "period_end": "2027-03-31"}, "period_start"),
        ({"title": "X", "period_start": "2027-04-01", "period_end": "2027-03-31"}, "period_end"),
        ({"title": " ", "period_start": "2027-01-01", "period_end": "2027-03-31"}, "title"),
        ({"title": "X" * 201, "period_start": "2027-01-01", "period_end": "2027-03-31"}, "title"),
        ({"title": "X", "period_start": "2027-01-01", "period_end": "2027-03-31", "status": "won"}, "status"),
        (
            {"title": "X", "period_start": "2027-01-01", "period_end": "2027-03-31", "status": "active"},
            "status",
        ),
        (
            {"title": "X", "period_start": "2027-01-01", "period_end": "2027-03-31", "business_owner_id": 0},
            "business_owner_id",
        ),
        (
            {"title": "X", "period_start": "2027-01-01", "period_end": "2027-03-31", "it_owner_id": 2**70},
            "it_owner_id",
        ),
    ],
)
def test_a_bad_objective_is_a_422_naming_the_field(personas: Personas, payload: dict, field: str) -> None:  # type: ignore[type-arg]
    response = send(bearer(personas.owner), "post", f"{ACME}/objectives", payload)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert field in fields_of(response)


def test_an_owner_from_another_organisation_is_a_422_on_the_owner_field(personas: Personas) -> None:
    response = send(
        bearer(personas.owner),
        "post",
        f"{ACME}/objectives",
        {
            "title": "X",
            "period_start": "2027-01-01",
            "period_end": "2027-03-31",
            "business_owner_id": personas.outsider.pk,
        },
    )
    assert response.status_code == 422
    assert fields_of(response) == ["business_owner_id"]
    assert "Globex" not in response.content.decode()


def test_patching_an_objective_changes_only_the_fields_sent(personas: Personas, objective: Objective) -> None:
    client = bearer(personas.it_lead)
    response = send(client, "patch", f"{ACME}/objectives/{objective.pk}", {"description": "Why it matters"})
    assert response.status_code == 200, response.content
    assert (response.json()["description"], response.json()["title"]) == ("Why it matters", objective.title)
    # Removing an owner would make an active objective siloed: refused on the status.
    response = send(client, "patch", f"{ACME}/objectives/{objective.pk}", {"it_owner_id": None})
    assert (response.status_code, fields_of(response)) == (422, ["status"])
    response = send(
        client, "patch", f"{ACME}/objectives/{objective.pk}", {"it_owner_id": None, "status": "draft"}
    )
    assert response.status_code == 200
    assert (response.json()["it_owner"], response.json()["siloed"]) == (None, True)
    response = send(client, "patch", f"{ACME}/objectives/{objective.pk}", {"title": None})
    assert (response.status_code, fields_of(response)) == (422, ["title"])


# --- Key results and check-ins -------------------------------------------------------------------


def test_a_key_result_shows_its_progress_and_staleness(
    personas: Personas, key_result: KeyResult, objective: Objective
) -> None:
    services.check_in_create(actor=personas.member, key_result=key_result, value=21, confidence=6)
    body = bearer(personas.viewer).get(f"{ACME}/key-results/{key_result.pk}").json()
    assert body.pop("last_check_in_at")
    assert body == {
        "id": key_result.pk,
        "objective_id": objective.pk,
        "metric": "Net promoter score",
        "unit": "pts",
        "direction": "increase",
        "baseline": 12.0,
        "target": 30.0,
        "band_min": None,
        "band_max": None,
        "current": 21.0,
        "progress": 0.5,
        "due_date": None,
        "stale": False,
    }


def test_a_lead_adds_a_key_result_under_an_objective_and_lists_it(
    personas: Personas, objective: Objective, key_result: KeyResult
) -> None:
    client = bearer(personas.business_lead)
    response = send(
        client,
        "post",
        f"{ACME}/objectives/{objective.pk}/key-results",
        {"metric": "Complaints a month", "direction": "decrease", "baseline": 40, "target": 10},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["objective_id"], created["direction"], created["progress"]) == (
        objective.pk,
        "decrease",
        0,
    )
    listed = client.get(f"{ACME}/objectives/{objective.pk}/key-results").json()
    assert [kr["id"] for kr in listed["items"]] == [key_result.pk, created["id"]]
    assert listed["count"] == 2
    filtered = client.get(f"{ACME}/key-results?objective_id={objective.pk}&limit=1&offset=1").json()
    assert filtered == {"items": [created], "count": 2}


def test_key_results_can_be_filtered_by_objective(personas: Personas, key_result: KeyResult) -> None:
    other = services.objective_create(
        actor=personas.owner, title="Other", period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
    )
    client = bearer(personas.viewer)
    assert client.get(f"{ACME}/key-results").json()["count"] == 1
    assert client.get(f"{ACME}/key-results?objective_id={other.pk}").json() == {"items": [], "count": 0}
    assert client.get(f"{ACME}/key-results?objective_id=0").status_code == 422


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"baseline": 1, "target": 2}, "metric"),
        ({"metric": "M", "target": 2}, "baseline"),
        ({"metric": "M", "baseline": 1, "target": "lots"}, "target"),
        ({"metric": "M", "baseline": 5, "target": 2}, "target"),
        ({"metric": "M", "baseline": 1, "target": 2, "direction": "sideways"}, "direction"),
        ({"metric": "M", "baseline": 1, "target": 2, "direction": "within"}, "band_min"),
        (
            {"metric": "M", "baseline": 1, "target": 2, "direction": "within", "band_min": 3, "band_max": 2},
            "band_max",
        ),
        ({"metric": "M", "baseline": 1, "target": 2, "due_date": "tomorrow"}, "due_date"),
    ],
)
def test_a_bad_key_result_is_a_422_naming_the_field(
    personas: Personas,
    objective: Objective,
    payload: dict[str, Any],
    field: str,
) -> None:
    response = send(bearer(personas.owner), "post", f"{ACME}/objectives/{objective.pk}/key-results", payload)
    assert response.status_code == 422, response.content
    assert field in fields_of(response)


def test_patching_a_key_result_keeps_the_other_fields(personas: Personas, key_result: KeyResult) -> None:
    client = bearer(personas.admin)
    response = send(
        client, "patch", f"{ACME}/key-results/{key_result.pk}", {"target": 40, "due_date": "2026-12-31"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["target"], response.json()["baseline"], response.json()["due_date"]) == (
        40,
        12,
        "2026-12-31",
    )
    response = send(client, "patch", f"{ACME}/key-results/{key_result.pk}", {"target": 1})
    assert (response.status_code, fields_of(response)) == (422, ["target"])


def test_a_member_records_a_check_in_that_becomes_the_current_value(
    personas: Personas, key_result: KeyResult
) -> None:
    client = bearer(personas.member)
    response = send(
        client,
        "post",
        f"{ACME}/key-results/{key_result.pk}/check-ins",
        {"value": 30, "confidence": 8, "note": "Survey done"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body.pop("created_at")
    assert body == {
        "id": body["id"],
        "key_result_id": key_result.pk,
        "value": 30.0,
        "confidence": 8,
        "note": "Survey done",
        "author": {"id": personas.member.pk, "name": personas.member.user.name},
    }
    assert client.get(f"{ACME}/key-results/{key_result.pk}").json()["progress"] == 1.0
    assert client.get(f"{ACME}/check-ins/{body['id']}").json()["note"] == "Survey done"


def test_check_ins_are_listed_newest_first(personas: Personas, key_result: KeyResult) -> None:
    for value in (13, 14, 15):
        services.check_in_create(actor=personas.it_lead, key_result=key_result, value=value, confidence=5)
    body = bearer(personas.viewer).get(f"{ACME}/key-results/{key_result.pk}/check-ins?limit=2").json()
    assert body["count"] == 3
    assert [c["value"] for c in body["items"]] == [15, 14]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"value": 1, "confidence": 11}, "confidence"),
        ({"value": 1, "confidence": -1}, "confidence"),
        ({"value": 1}, "confidence"),
        ({"confidence": 5}, "value"),
        ({"value": "high", "confidence": 5}, "value"),
        ({"value": 1e300, "confidence": 5}, "value"),
        ({"value": 1, "confidence": 5, "note": "x" * 2001}, "note"),
    ],
)
def test_a_bad_check_in_is_a_422_naming_the_field(
    personas: Personas,
    key_result: KeyResult,
    payload: dict[str, Any],
    field: str,
) -> None:
    response = send(bearer(personas.member), "post", f"{ACME}/key-results/{key_result.pk}/check-ins", payload)
    assert response.status_code == 422, response.content
    assert field in fields_of(response)
    assert not CheckIn.objects.for_org(personas.org).exists()


# --- Initiatives ---------------------------------------------------------------------------------


def full_initiative(personas: Personas) -> dict[str, Any]:
    return {
        "title": "Self-service claims portal",
        "summary": "A portal for simple claims.",
        "business_outcome": "Customers settle simple claims in a day.",
        "definition_of_success": "Most simple claims settled the same day.",
        "business_co_lead_id": personas.business_lead.pk,
        "it_co_lead_id": personas.it_lead.pk,
        "sponsor_id": personas.owner.pk,
        "budget": {"amount": "125000.50", "currency": "usd"},
        "start_date": "2026-10-01",
        "target_date": "2027-03-31",
        "department_ids": [department(personas, "Sales").pk],
        "end_user_input": {"who": "12 customers", "when": "2026-09-12", "summary": "Upload photos."},
    }


def test_a_member_creates_an_initiative_with_every_field(personas: Personas) -> None:
    response = send(bearer(personas.member), "post", f"{ACME}/initiatives", full_initiative(personas))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body.pop("created_at")
    assert body.pop("updated_at")
    sales = department(personas, "Sales")
    assert body == {
        "id": body["id"],
        "title": "Self-service claims portal",
        "summary": "A portal for simple claims.",
        "business_outcome": "Customers settle simple claims in a day.",
        "definition_of_success": "Most simple claims settled the same day.",
        "business_co_lead": {
            "id": personas.business_lead.pk,
            "name": personas.business_lead.user.name,
            "email": "bizlead@acme.test",
            "side": "business",
        },
        "it_co_lead": {
            "id": personas.it_lead.pk,
            "name": personas.it_lead.user.name,
            "email": "itlead@acme.test",
            "side": "it",
        },
        "sponsor": {
            "id": personas.owner.pk,
            "name": personas.owner.user.name,
            "email": "owner@acme.test",
            "side": "business",
        },
        "budget": {"amount": "125000.50", "currency": "USD"},
        "start_date": "2026-10-01",
        "target_date": "2027-03-31",
        "department_ids": [sales.pk],
        "end_user_input": {
            "who": "12 customers",
            "when": "2026-09-12",
            "summary": "Upload photos.",
            "waiver": "",
        },
        "stage": "idea",
        "it_involved_stage": "idea",
        "outcome_achieved": None,
        "lessons_learned": "",
        "signals": {
            "outcome": True,
            "measurable": False,
            "co_led": True,
            "shared": False,
            "end_users": True,
            "it_early": True,
        },
        "success_measures": [],
        "key_result_links": [],
        "key_result_progress": None,
    }
    initiative = Initiative.objects.for_org(personas.org).get(pk=body["id"])
    assert initiative.created_by == personas.member


def test_a_new_initiative_needs_only_a_title(personas: Personas) -> None:
    response = send(bearer(personas.member), "post", f"{ACME}/initiatives", {"title": "Chatbot"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["budget"], body["business_co_lead"], body["it_involved_stage"]) == (None, None, None)
    assert body["end_user_input"] == {"who": "", "when": None, "summary": "", "waiver": ""}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"business_co_lead_id": "it_lead"}, "business_co_lead_id"),
        ({"it_co_lead_id": "business_lead"}, "it_co_lead_id"),
        ({"sponsor_id": "outsider"}, "sponsor_id"),
        ({"sponsor_id": 2**40}, "sponsor_id"),
        ({"department_ids": [2**40]}, "department_ids"),
        ({"department_ids": ["x"]}, "department_ids.0"),
        ({"budget": {"amount": "-1"}}, "budget.amount"),
        ({"budget": {"amount": "lots"}}, "budget.amount"),
        ({"budget": {"amount": "NaN"}}, "budget.amount"),
        ({"budget": {"amount": 10**13}}, "budget.amount"),
        ({"budget": {"amount": 10, "currency": "E1R"}}, "budget.currency"),
        ({"budget": {"amount": 10, "currency": "EURO"}}, "budget.currency"),
        ({"start_date": "2027-01-01", "target_date": "2026-01-01"}, "target_date"),
        ({"end_user_input": {"when": "last week"}}, "end_user_input.when"),
        ({"end_user_input": {"who": "x" * 201}}, "end_user_input.who"),
    ],
)
def test_a_bad_initiative_is_a_422_naming_the_field(
    personas: Personas,
    change: dict[str, Any],
    field: str,
) -> None:
    change = dict(change)
    for key in ("business_co_lead_id", "it_co_lead_id", "sponsor_id"):
        if isinstance(change.get(key), str):
            change[key] = getattr(personas, change[key]).pk
    response = send(bearer(personas.owner), "post", f"{ACME}/initiatives", full_initiative(personas) | change)
    assert response.status_code == 422, response.content
    assert field in fields_of(response)
    assert not Initiative.objects.for_org(personas.org).exists()


def test_patching_an_initiative_replaces_departments_and_clears_with_null(
    personas: Personas, ready_initiative: Initiative
) -> None:
    client = bearer(personas.business_lead)
    url = f"{ACME}/initiatives/{ready_initiative.pk}"
    it = department(personas, "IT")
    response = send(
        client,
        "patch",
        url,
        {
            "department_ids": [it.pk],
            "budget": {"amount": 9000},
            "end_user_input": {"waiver": "Internal tool"},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["department_ids"] == [it.pk]
    assert body["budget"] == {"amount": "9000.00", "currency": "EUR"}
    assert body["end_user_input"]["who"] == "12 customers and 4 claims handlers"
    assert body["end_user_input"]["waiver"] == "Internal tool"
    assert body["title"] == ready_initiative.title
    response = send(
        client,
        "patch",
        url,
        {"budget": None, "sponsor_id": None, "department_ids": [], "business_outcome": ""},
    )
    body = response.json()
    assert (body["budget"], body["sponsor"], body["department_ids"]) == (None, None, [])
    assert body["signals"]["outcome"] is False
    response = send(client, "patch", url, {"end_user_input": None})
    assert response.json()["end_user_input"] == {"who": "", "when": None, "summary": "", "waiver": ""}
    assert response.json()["signals"]["end_users"] is False


def test_an_initiative_shows_its_measures_and_links(
    personas: Personas, ready_initiative: Initiative, key_result: KeyResult
) -> None:
    body = bearer(personas.viewer).get(f"{ACME}/initiatives/{ready_initiative.pk}").json()
    measure = SuccessMeasure.objects.for_org(personas.org).get()
    link = KeyResultLink.objects.for_org(personas.org).get()
    assert body["success_measures"] == [
        {
            "id": measure.pk,
            "name": "Claims settled within 1 day",
            "baseline": None,
            "target": 60.0,
            "unit": "%",
            "by_date": None,
            "key_result_id": None,
        }
    ]
    assert body["key_result_links"] == [{"id": link.pk, "key_result_id": key_result.pk, "contribution": ""}]
    assert body["stage"] == "proposed"
    assert all(body["signals"].values())


def test_success_measures_are_added_and_removed_through_their_sub_resource(
    personas: Personas, ready_initiative: Initiative, key_result: KeyResult
) -> None:
    client = bearer(personas.it_lead)
    url = f"{ACME}/initiatives/{ready_initiative.pk}/success-measures"
    response = send(
        client,
        "post",
        url,
        {
            "name": "Calls about claims",
            "baseline": 900,
            "target": 300,
            "by_date": "2027-06-30",
            "key_result_id": key_result.pk,
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["name"], created["key_result_id"], created["by_date"]) == (
        "Calls about claims",
        key_result.pk,
        "2027-06-30",
    )
    assert send(client, "delete", f"{url}/{created['id']}").status_code == 204
    assert send(client, "delete", f"{url}/{created['id']}").status_code == 404
    assert len(client.get(f"{ACME}/initiatives/{ready_initiative.pk}").json()["success_measures"]) == 1
    response = send(client, "post", url, {"name": "X", "key_result_id": 2**40})
    assert (response.status_code, fields_of(response)) == (422, ["key_result_id"])
    response = send(client, "post", url, {"name": " "})
    assert (response.status_code, fields_of(response)) == (422, ["name"])


def test_a_measure_of_another_initiative_cannot_be_removed_through_this_one(
    personas: Personas, ready_initiative: Initiative
) -> None:
    other = services.initiative_create(actor=personas.owner, title="Other")
    measure = SuccessMeasure.objects.for_org(personas.org).get()
    response = send(
        bearer(personas.owner), "delete", f"{ACME}/initiatives/{other.pk}/success-measures/{measure.pk}"
    )
    assert response.status_code == 404
    assert SuccessMeasure.objects.for_org(personas.org).filter(pk=measure.pk).exists()


def test_key_result_links_are_added_and_removed_and_a_duplicate_is_a_409(
    personas: Personas, key_result: KeyResult
) -> None:
    client = bearer(personas.member)
    initiative = send(client, "post", f"{ACME}/initiatives", {"title": "Chatbot"}).json()
    url = f"{ACME}/initiatives/{initiative['id']}/key-result-links"
    response = send(client, "post", url, {"key_result_id": key_result.pk, "contribution": "Fewer calls"})
    assert response.status_code == 201, response.content
    link = response.json()
    assert (link["key_result_id"], link["contribution"]) == (key_result.pk, "Fewer calls")
    detail = client.get(f"{ACME}/initiatives/{initiative['id']}").json()
    assert detail["signals"]["shared"] is True
    duplicate = send(client, "post", url, {"key_result_id": key_result.pk})
    assert (duplicate.status_code, fields_of(duplicate)) == (409, ["key_result_id"])
    assert send(client, "delete", f"{url}/{link['id']}").status_code == 204
    assert not KeyResultLink.objects.for_org(personas.org).exists()
    missing = send(client, "post", url, {})
    assert (missing.status_code, fields_of(missing)) == (422, ["key_result_id"])


# --- Transitions ---------------------------------------------------------------------------------


def test_a_refused_approval_names_every_missing_element_in_a_stable_body(personas: Personas) -> None:
    client = bearer(personas.owner)
    initiative = send(client, "post", f"{ACME}/initiatives", {"title": "Data lake"}).json()
    url = f"{ACME}/initiatives/{initiative['id']}/transition"
    assert send(client, "post", url, {"to": "proposed"}).status_code == 200
    response = send(client, "post", url, {"to": "approved", "reason": "Ready?"})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors", "missing"}
    assert body["errors"] == [{"field": "to", "message": body["detail"]}]
    assert body["missing"] == list(BASE_GATE_CODES)
    assert body["detail"].startswith("The initiative cannot be approved yet.")
    assert Initiative.objects.for_org(personas.org).get(pk=initiative["id"]).stage == Stage.PROPOSED


def test_a_refused_approval_lists_only_what_is_missing_in_order(personas: Personas) -> None:
    client = bearer(personas.owner)
    payload = {
        "title": "Data lake",
        "business_outcome": "One source of truth for pricing.",
        "business_co_lead_id": personas.business_lead.pk,
        "it_co_lead_id": personas.it_lead.pk,
    }
    initiative = send(client, "post", f"{ACME}/initiatives", payload).json()
    url = f"{ACME}/initiatives/{initiative['id']}/transition"
    send(client, "post", url, {"to": "proposed"})
    body = send(client, "post", url, {"to": "approved"}).json()
    assert body == {
        "detail": body["detail"],
        "errors": [{"field": "to", "message": body["detail"]}],
        "missing": ["success_measure", "shared_key_result", "end_user_input"],
    }


def test_a_ready_initiative_is_approved_and_its_timeline_grows(
    personas: Personas, ready_initiative: Initiative
) -> None:
    response = send(
        bearer(personas.business_lead),
        "post",
        f"{ACME}/initiatives/{ready_initiative.pk}/transition",
        {"to": "approved", "reason": "Gate passed"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "approved"
    assert ready_initiative.transitions.last().reason == "Gate passed"  # type: ignore[union-attr]


def test_an_impossible_transition_is_a_409(personas: Personas) -> None:
    client = bearer(personas.owner)
    initiative = send(client, "post", f"{ACME}/initiatives", {"title": "Data lake"}).json()
    response = send(client, "post", f"{ACME}/initiatives/{initiative['id']}/transition", {"to": "delivered"})
    assert response.status_code == 409
    assert response.json()["detail"] == "An initiative cannot move from Idea to Delivered."
    assert fields_of(response) == ["to"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to": "finished"}, "to"),
        ({}, "to"),
        ({"to": "paused"}, "reason"),
        ({"to": "cancelled", "reason": " "}, "reason"),
        ({"to": "proposed", "reason": "x" * 2001}, "reason"),
        ({"to": "proposed", "outcome_achieved": "maybe"}, "outcome_achieved"),
    ],
)
def test_a_bad_transition_is_a_422_naming_the_field(
    personas: Personas,
    payload: dict[str, Any],
    field: str,
) -> None:
    client = bearer(personas.owner)
    initiative = send(client, "post", f"{ACME}/initiatives", {"title": "Data lake"}).json()
    response = send(client, "post", f"{ACME}/initiatives/{initiative['id']}/transition", payload)
    assert response.status_code == 422, response.content
    assert fields_of(response) == [field]


def test_closing_records_whether_the_outcome_was_achieved(
    personas: Personas, ready_initiative: Initiative
) -> None:
    client = bearer(personas.owner)
    url = f"{ACME}/initiatives/{ready_initiative.pk}/transition"
    for stage in ("approved", "in_delivery", "delivered"):
        assert send(client, "post", url, {"to": stage}).status_code == 200
    response = send(client, "post", url, {"to": "closed"})
    assert (response.status_code, fields_of(response)) == (422, ["outcome_achieved"])
    response = send(
        client, "post", url, {"to": "closed", "outcome_achieved": "partly", "lessons_learned": "Start small."}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["stage"], body["outcome_achieved"], body["lessons_learned"]) == (
        "closed",
        "partly",
        "Start small.",
    )


# --- The portfolio list --------------------------------------------------------------------------


@pytest.fixture
def portfolio(personas: Personas, ready_initiative: Initiative) -> dict[str, Initiative]:
    """Three initiatives that differ in stage, department, sponsor's side and signals."""
    sales = department(personas, "Sales")
    idea = services.initiative_create(
        actor=personas.owner, title="Another chatbot", sponsor=personas.it_lead, departments=[sales]
    )
    paused = services.initiative_create(
        actor=personas.owner, title="Zero-trust network", business_outcome="Safer"
    )
    services.initiative_transition(actor=personas.owner, initiative=paused, to="paused", reason="No budget")
    return {"ready": ready_initiative, "idea": idea, "paused": paused}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["paused", "idea", "ready"]),
        ("stage=paused", ["paused"]),
        ("stage=proposed", ["ready"]),
        ("department={sales}", ["idea"]),
        ("sponsor_side=it", ["idea"]),
        ("sponsor_side=business", []),
        ("missing=outcome", ["idea"]),
        ("missing=shared", ["paused", "idea"]),
        ("missing=it_early", ["paused", "idea"]),
        ("q=CHATBOT", ["idea"]),
        ("sort=title", ["idea", "ready", "paused"]),
        ("sort=-title", ["paused", "ready", "idea"]),
        ("sort=stage", ["idea", "ready", "paused"]),
        ("sort=-signals", ["ready", "paused", "idea"]),
    ],
)
def test_initiatives_are_filtered_and_sorted_like_the_portfolio_page(
    personas: Personas, portfolio: dict[str, Initiative], query: str, expected: list[str]
) -> None:
    query = query.format(sales=department(personas, "Sales").pk)
    response = bearer(personas.viewer).get(f"{ACME}/initiatives?{query}")
    assert response.status_code == 200, response.content
    names = {i.pk: name for name, i in portfolio.items()}
    assert [names[i["id"]] for i in response.json()["items"]] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=launched", "stage"),
        ("missing=budget", "missing"),
        ("sort=budget", "sort"),
        ("sponsor_side=vendor", "sponsor_side"),
        ("department=sales", "department"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999999", "offset"),
    ],
)
def test_a_bad_portfolio_query_is_a_422_naming_the_parameter(
    personas: Personas, query: str, field: str
) -> None:
    response = bearer(personas.viewer).get(f"{ACME}/initiatives?{query}")
    assert response.status_code == 422, response.content
    assert field in fields_of(response)


def test_the_portfolio_is_paginated(personas: Personas, portfolio: dict[str, Initiative]) -> None:
    client = bearer(personas.member)
    first = client.get(f"{ACME}/initiatives?sort=title&limit=2").json()
    rest = client.get(f"{ACME}/initiatives?sort=title&limit=2&offset=2").json()
    assert (first["count"], rest["count"]) == (3, 3)
    assert [i["title"] for i in first["items"] + rest["items"]] == [
        "Another chatbot",
        "Self-service claims portal",
        "Zero-trust network",
    ]
    assert client.get(f"{ACME}/initiatives?offset=50").json() == {"items": [], "count": 3}


def test_the_filter_choices_match_the_portfolio_selector() -> None:
    assert list(get_args(schemas.Sort)) == list(selectors.SORTS)
    assert list(get_args(schemas.SignalKey)) == SIGNAL_KEYS
    assert list(get_args(schemas.GateCode)) == GATE_CODES


def _add_initiatives(personas: Personas, key_result: KeyResult, n: int) -> None:
    sales, it = department(personas, "Sales"), department(personas, "IT")
    for i in range(n):
        initiative = services.initiative_create(
            actor=personas.owner,
            title=f"Initiative {i}",
            business_outcome="Why",
            business_co_lead=personas.business_lead,
            it_co_lead=personas.it_lead,
            sponsor=personas.owner,
            departments=[sales, it],
        )
        services.success_measure_add(actor=personas.owner, initiative=initiative, name="M", target=1)
        services.success_measure_add(actor=personas.owner, initiative=initiative, name="N", target=2)
        services.key_result_link_add(actor=personas.owner, initiative=initiative, key_result=key_result)


def _queries(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["items"])


def test_the_initiative_list_uses_the_same_number_of_queries_for_3_or_30_rows(
    personas: Personas, key_result: KeyResult
) -> None:
    client = bearer(personas.viewer)
    url = f"{ACME}/initiatives?limit=200"
    client.get(url)  # the token's first use records its time
    _add_initiatives(personas, key_result, 3)
    few, rows = _queries(client, url)
    assert rows == 3
    _add_initiatives(personas, key_result, 27)
    many, rows = _queries(client, url)
    assert rows == 30
    assert few == many, (few, many)


def test_the_other_lists_use_a_constant_number_of_queries(personas: Personas, key_result: KeyResult) -> None:
    client = bearer(personas.viewer)
    urls = [
        f"{ACME}/objectives",
        f"{ACME}/key-results",
        f"{ACME}/objectives/{key_result.objective_id}/key-results",
        f"{ACME}/key-results/{key_result.pk}/check-ins",
    ]
    client.get(urls[0])

    def grow() -> None:
        for i in range(5):
            objective = services.objective_create(
                actor=personas.owner,
                title=f"O{i}",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 3, 31),
                business_owner=personas.business_lead,
                it_owner=personas.it_lead,
            )
            services.key_result_create(
                actor=personas.owner, objective=objective, metric="M", baseline=0, target=1
            )
            services.key_result_create(
                actor=personas.owner, objective=key_result.objective, metric="N", baseline=0, target=1
            )
            services.check_in_create(actor=personas.member, key_result=key_result, value=i, confidence=5)

    grow()
    before = [_queries(client, url)[0] for url in urls]
    grow()
    grow()
    assert [_queries(client, url)[0] for url in urls] == before


# --- Permissions ---------------------------------------------------------------------------------


PLANNERS = {"owner", "admin", "business_lead", "it_lead"}
CONTRIBUTORS = PLANNERS | {"member"}
READERS = CONTRIBUTORS | {"viewer"}


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    method: str
    path: str  # formatted with the ids of ``world``
    allowed: set[str]
    ok: int = 200
    data: dict[str, Any] | None = None


@pytest.fixture
def world(personas: Personas, ready_initiative: Initiative, key_result: KeyResult) -> dict[str, int]:
    """One of each object a strategy URL can point at, in Acme."""
    spare = services.key_result_create(
        actor=personas.owner, objective=key_result.objective, metric="Spare", baseline=0, target=1
    )
    check_in = services.check_in_create(actor=personas.member, key_result=key_result, value=1, confidence=5)
    return {
        "objective": key_result.objective_id,
        "key_result": key_result.pk,
        "spare_key_result": spare.pk,
        "check_in": check_in.pk,
        "initiative": ready_initiative.pk,
        "measure": SuccessMeasure.objects.for_org(personas.org).get().pk,
        "link": KeyResultLink.objects.for_org(personas.org).get().pk,
    }


OBJECTIVE = {"title": "New", "period_start": "2027-01-01", "period_end": "2027-03-31"}
INITIATIVE = ACME + "/initiatives/{initiative}"
# Every strategy endpoint, and who may use it; everyone else gets 404 (anonymous callers 401).
API_MATRIX = [
    Row("api:objective_list", "get", ACME + "/objectives", READERS),
    Row("api:objective_create", "post", ACME + "/objectives", PLANNERS, 201, OBJECTIVE),
    Row("api:objective_detail", "get", ACME + "/objectives/{objective}", READERS),
    Row(
        "api:objective_update", "patch", ACME + "/objectives/{objective}", PLANNERS, data={"description": "D"}
    ),
    Row("api:objective_key_result_list", "get", ACME + "/objectives/{objective}/key-results", READERS),
    Row(
        "api:key_result_create",
        "post",
        ACME + "/objectives/{objective}/key-results",
        PLANNERS,
        201,
        {"metric": "M", "baseline": 0, "target": 1},
    ),
    Row("api:key_result_list", "get", ACME + "/key-results", READERS),
    Row("api:key_result_detail", "get", ACME + "/key-results/{key_result}", READERS),
    Row(
        "api:key_result_update",
        "patch",
        ACME + "/key-results/{key_result}",
        PLANNERS,
        data={"unit": "points"},
    ),
    Row("api:check_in_list", "get", ACME + "/key-results/{key_result}/check-ins", READERS),
    Row(
        "api:check_in_create",
        "post",
        ACME + "/key-results/{key_result}/check-ins",
        CONTRIBUTORS,
        201,
        {"value": 20, "confidence": 5},
    ),
    Row("api:check_in_detail", "get", ACME + "/check-ins/{check_in}", READERS),
    Row("api:initiative_list", "get", ACME + "/initiatives", READERS),
    Row("api:initiative_create", "post", ACME + "/initiatives", CONTRIBUTORS, 201, {"title": "New"}),
    Row("api:initiative_detail", "get", INITIATIVE, READERS),
    Row("api:initiative_update", "patch", INITIATIVE, PLANNERS, data={"summary": "S"}),
    Row("api:initiative_transition", "post", INITIATIVE + "/transition", PLANNERS, data={"to": "idea"}),
    Row("api:success_measure_add", "post", INITIATIVE + "/success-measures", PLANNERS, 201, {"name": "M"}),
    Row("api:success_measure_remove", "delete", INITIATIVE + "/success-measures/{measure}", PLANNERS, 204),
    Row(
        "api:key_result_link_add",
        "post",
        INITIATIVE + "/key-result-links",
        PLANNERS,
        201,
        {"key_result_id": "{spare_key_result}"},
    ),
    Row("api:key_result_link_remove", "delete", INITIATIVE + "/key-result-links/{link}", PLANNERS, 204),
]


CORE_API = {"api:me", "api:orgs", "api:member_list", "api:member_invite", "api:member_update"}
API_DOCUMENTS = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def test_the_matrix_covers_every_strategy_endpoint() -> None:
    api_names = {
        name
        for name in all_url_names()
        if name.startswith("api:")
        and not name.startswith(
            (
                *("api:why_check", "api:survey", "api:governance", "api:delivery", "api:reviews"),
                *("api:alignment", "api:reports"),  # the insights app's own
            )
        )
    }
    assert api_names - CORE_API - API_DOCUMENTS == {row.name for row in API_MATRIX}


def fill(data: dict[str, Any] | None, world: dict[str, int]) -> dict[str, Any] | None:
    """A row's body with ``"{name}"`` placeholders replaced by the ids of ``world``."""
    if data is None:
        return None
    return {k: world[v.strip("{}")] if str(v).startswith("{") else v for k, v in data.items()}


@pytest.mark.permission_matrix
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", API_MATRIX, ids=lambda r: f"{r.method}-{r.name}")
def test_api_permission_matrix(
    world: dict[str, int], client_for: Callable[[str], Client], row: Row, persona: str
) -> None:
    response = send(client_for(persona), row.method, row.path.format(**world), fill(row.data, world))
    wanted = 401 if persona == "anonymous" else row.ok if persona in row.allowed else 404
    assert response.status_code == wanted, (persona, response.content[:300])


def test_a_viewer_reads_everything_but_writes_nothing(
    personas: Personas, ready_initiative: Initiative, key_result: KeyResult
) -> None:
    client = bearer(personas.viewer)
    initiative_url = f"{ACME}/initiatives/{ready_initiative.pk}"
    for url in (
        f"{ACME}/objectives",
        f"{ACME}/objectives/{key_result.objective_id}",
        f"{ACME}/key-results/{key_result.pk}",
        f"{ACME}/key-results/{key_result.pk}/check-ins",
        f"{ACME}/initiatives",
        initiative_url,
    ):
        assert client.get(url).status_code == 200, url
    writes = [
        (
            "post",
            f"{ACME}/objectives",
            {"title": "X", "period_start": "2027-01-01", "period_end": "2027-03-31"},
        ),
        ("patch", f"{ACME}/objectives/{key_result.objective_id}", {"title": "Mine"}),
        (
            "post",
            f"{ACME}/objectives/{key_result.objective_id}/key-results",
            {"metric": "M", "baseline": 0, "target": 1},
        ),
        ("patch", f"{ACME}/key-results/{key_result.pk}", {"target": 99}),
        ("post", f"{ACME}/key-results/{key_result.pk}/check-ins", {"value": 1, "confidence": 1}),
        ("post", f"{ACME}/initiatives", {"title": "Mine"}),
        ("patch", initiative_url, {"title": "Mine"}),
        ("post", f"{initiative_url}/transition", {"to": "approved"}),
        ("post", f"{initiative_url}/success-measures", {"name": "M"}),
        ("post", f"{initiative_url}/key-result-links", {"key_result_id": key_result.pk}),
        (
            "delete",
            f"{initiative_url}/key-result-links/{KeyResultLink.objects.for_org(personas.org).get().pk}",
            None,
        ),
    ]
    for method, url, payload in writes:
        assert send(client, method, url, payload).status_code == 404, (method, url)
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.PROPOSED
    assert KeyResultLink.objects.for_org(personas.org).exists()


def test_a_member_cannot_plan_objectives_or_edit_initiatives_of_others(
    personas: Personas, ready_initiative: Initiative, key_result: KeyResult
) -> None:
    client = bearer(personas.member)
    objective = {"title": "X", "period_start": "2027-01-01", "period_end": "2027-03-31"}
    assert send(client, "post", f"{ACME}/objectives", objective).status_code == 404
    assert send(client, "patch", f"{ACME}/key-results/{key_result.pk}", {"target": 99}).status_code == 404
    assert (
        send(client, "patch", f"{ACME}/initiatives/{ready_initiative.pk}", {"title": "Mine"}).status_code
        == 404
    )
    mine = send(client, "post", f"{ACME}/initiatives", {"title": "Mine"}).json()
    assert send(client, "patch", f"{ACME}/initiatives/{mine['id']}", {"summary": "Ours"}).status_code == 200


@pytest.mark.parametrize("persona", ["partner", "outsider"])
def test_partners_and_outsiders_get_404_everywhere(
    personas: Personas, ready_initiative: Initiative, key_result: KeyResult, persona: str
) -> None:
    client = bearer(getattr(personas, persona))
    check_in = services.check_in_create(actor=personas.member, key_result=key_result, value=1, confidence=1)
    for url in (
        f"{ACME}/objectives",
        f"{ACME}/objectives/{key_result.objective_id}",
        f"{ACME}/objectives/{key_result.objective_id}/key-results",
        f"{ACME}/key-results",
        f"{ACME}/key-results/{key_result.pk}",
        f"{ACME}/key-results/{key_result.pk}/check-ins",
        f"{ACME}/check-ins/{check_in.pk}",
        f"{ACME}/initiatives",
        f"{ACME}/initiatives/{ready_initiative.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Net promoter" not in response.content.decode()
    response = send(client, "post", f"{ACME}/initiatives", {"title": "Mine"})
    assert response.status_code == 404


def test_a_token_of_one_organisation_cannot_reach_another(
    personas: Personas, ready_initiative: Initiative, key_result: KeyResult
) -> None:
    globex_initiative = services.initiative_create(actor=personas.outsider, title="Globex secret plan")
    personas.outsider.user.memberships.create(organization=personas.org, role="owner", side="it")
    acme_token = bearer(personas.outsider.user.memberships.get(organization=personas.org))
    assert acme_token.get(f"{ACME}/initiatives").status_code == 200
    assert acme_token.get("/api/v1/orgs/globex/initiatives").status_code == 404
    assert acme_token.get(f"/api/v1/orgs/globex/initiatives/{globex_initiative.pk}").status_code == 404
    # Through its own organisation's path, the other organisation's rows do not exist either.
    assert acme_token.get(f"{ACME}/initiatives/{globex_initiative.pk}").status_code == 404
    globex_token = bearer(personas.outsider)
    assert globex_token.get(f"/api/v1/orgs/globex/initiatives/{globex_initiative.pk}").status_code == 200
    assert globex_token.get(f"/api/v1/orgs/globex/initiatives/{ready_initiative.pk}").status_code == 404
    assert globex_token.get(f"{ACME}/key-results/{key_result.pk}").status_code == 404
    # Nor can a write on my organisation point at their rows.
    response = send(
        globex_token,
        "post",
        f"/api/v1/orgs/globex/initiatives/{globex_initiative.pk}/key-result-links",
        {"key_result_id": key_result.pk},
    )
    assert (response.status_code, fields_of(response)) == (422, ["key_result_id"])


def test_anonymous_requests_are_401(personas: Personas) -> None:
    response = Client().get(f"{ACME}/initiatives")
    assert response.status_code == 401


# --- The OpenAPI document ------------------------------------------------------------------------


def test_every_strategy_endpoint_is_described_with_its_responses() -> None:
    spec = json.loads(Client().get("/api/v1/openapi.json").content)
    operations = [
        (path, method, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if "strategy" in op.get("tags", [])
    ]
    assert len(operations) == 21
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        assert op.get("description"), where
        success = [code for code in op["responses"] if code.startswith("2")]
        assert len(success) == 1, where
        if success != ["204"]:
            assert "$ref" in str(op["responses"][success[0]]["content"]), where
        assert {"401", "404", "422"} <= set(op["responses"]), where
    transition = spec["paths"]["/api/v1/orgs/{slug}/initiatives/{initiative_id}/transition"]["post"]
    assert "GateRefusedOut" in str(transition["responses"]["422"])
    assert "409" in transition["responses"]
