"""The core JSON API: shapes, rules and errors (4xx, never 5xx)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tandem.core import services
from tandem.core.models import AuditEvent, Invitation
from tests.conftest import Personas, bearer


def test_me_describes_the_person_and_their_organisations(personas: Personas) -> None:
    body = bearer(personas.it_lead).get("/api/v1/me").json()
    assert body["email"] == "itlead@acme.test"
    assert body["organizations"] == [
        {"slug": "acme", "name": "Acme Insurance", "role": "lead", "side": "it", "require_mfa": False}
    ]


def test_members_list_is_paginated_and_carries_the_documented_fields(personas: Personas) -> None:
    body = bearer(personas.admin).get("/api/v1/orgs/acme/members?limit=3&offset=0").json()
    assert body["count"] == 7
    assert len(body["items"]) == 3
    assert set(body["items"][0]) >= {"id", "email", "name", "role", "side", "department"}
    emails = {
        m["email"] for m in bearer(personas.admin).get("/api/v1/orgs/acme/members?limit=50").json()["items"]
    }
    assert "owner@globex.test" not in emails


def test_an_admin_invites_through_the_api(personas: Personas) -> None:
    response = bearer(personas.admin).post(
        "/api/v1/orgs/acme/members",
        {"email": "api.invite@acme.test", "role": "lead", "side": "it", "department": "it"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["email"], body["role"], body["side"], body["department"], body["status"]) == (
        "api.invite@acme.test",
        "lead",
        "it",
        "IT",
        "invited",
    )
    assert Invitation.objects.for_org(personas.org).filter(email="api.invite@acme.test").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "bad", "side": "it"}, "email"),
        ({"email": "a@acme.test", "side": "sideways"}, "side"),
        ({"email": "a@acme.test", "side": "it", "role": "king"}, "role"),
        ({"email": "a@acme.test"}, "side"),
        ({"email": "a@acme.test", "side": "it", "department": "Nowhere"}, "department"),
        ({"email": "x" * 300 + "@acme.test", "side": "it"}, "email"),
    ],
)
def test_bad_invitations_are_422_with_the_field_at_fault(
    personas: Personas, payload: dict[str, Any], field: str
) -> None:
    response = bearer(personas.admin).post(
        "/api/v1/orgs/acme/members", payload, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"]
    assert field in [e["field"] for e in body["errors"]]


def test_malformed_json_is_a_4xx(personas: Personas) -> None:
    response = bearer(personas.admin).post(
        "/api/v1/orgs/acme/members", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_an_admin_changes_a_member_through_the_api(personas: Personas) -> None:
    response = bearer(personas.admin).patch(
        f"/api/v1/orgs/acme/members/{personas.member.pk}",
        {"role": "lead", "side": "it", "department": "Sales", "title": "Data lead"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() | {"id": 0} == {
        "id": 0,
        "email": "member@acme.test",
        "name": personas.member.user.name,
        "role": "lead",
        "side": "it",
        "department": "Sales",
        "title": "Data lead",
        "is_active": True,
    }
    assert AuditEvent.objects.for_org(personas.org).filter(action="membership.role_changed").exists()


def test_clearing_a_department_through_the_api(personas: Personas) -> None:
    client = bearer(personas.admin)
    response = client.patch(
        f"/api/v1/orgs/acme/members/{personas.business_lead.pk}",
        {"department": ""},
        content_type="application/json",
    )
    assert response.json()["department"] is None


def test_removing_the_last_owner_is_a_409(personas: Personas) -> None:
    response = bearer(personas.owner).patch(
        f"/api/v1/orgs/acme/members/{personas.owner.pk}",
        {"is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "owner" in response.json()["detail"]


def test_a_non_admin_cannot_list_members(personas: Personas) -> None:
    assert bearer(personas.member).get("/api/v1/orgs/acme/members").status_code == 404


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic abc", "Bearer " + "x" * 5000])
def test_a_bad_token_is_401(db: None, header: str) -> None:
    response = Client(headers={"Authorization": header}).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_revoked_token_stops_working(personas: Personas) -> None:
    token, raw = services.api_token_create(membership=personas.member, name="short-lived")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/me").status_code == 200
    services.api_token_revoke(user=personas.member.user, token=token)
    assert client.get("/api/v1/me").status_code == 401


def test_a_deactivated_member_token_no_longer_opens_the_org(personas: Personas) -> None:
    client = bearer(personas.member)
    services.membership_update(actor=personas.admin, member=personas.member, is_active=False)
    assert client.get("/api/v1/orgs").json() == []


def test_the_session_api_requires_csrf_on_writes(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin.user)
    assert client.get("/api/v1/me").status_code == 200
    response = client.post(
        "/api/v1/orgs/acme/members", {"email": "c@acme.test", "side": "it"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)


def test_the_openapi_document_describes_every_endpoint(db: None) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert set(paths) >= {
        "/api/v1/me",
        "/api/v1/orgs",
        "/api/v1/orgs/{slug}/members",
        "/api/v1/orgs/{slug}/members/{member_id}",
    }
    assert {"get", "post"} <= set(paths["/api/v1/orgs/{slug}/members"])
    assert "patch" in paths["/api/v1/orgs/{slug}/members/{member_id}"]
    assert "BearerAuth" in str(spec["components"]["securitySchemes"]) or "TokenAuth" in str(
        spec["components"]["securitySchemes"]
    )


@pytest.mark.parametrize("field", ["title", "department", "email"])
def test_null_characters_are_a_clear_422_not_a_server_error(personas: Personas, field: str) -> None:
    payload = {"email": "nul@acme.test", "side": "it", "title": "ok", field: "bad\x00value"}
    response = bearer(personas.admin).post(
        "/api/v1/orgs/acme/members", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_the_apis_refusals_follow_accept_language(personas: Personas) -> None:
    client = bearer(personas.admin)
    payload = {"side": 5, "colour": "blue"}  # no e-mail, a side of the wrong type, a field too many
    english = client.post("/api/v1/orgs/acme/members", payload, content_type="application/json").json()
    dutch = client.post(
        "/api/v1/orgs/acme/members", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="nl"
    ).json()
    assert english["detail"] == "The request has invalid fields."
    assert dutch["detail"] == "Het verzoek bevat ongeldige velden."
    english_errors = {e["field"]: e["message"] for e in english["errors"]}
    dutch_errors = {e["field"]: e["message"] for e in dutch["errors"]}
    assert english_errors["email"] == "This field is required."
    assert dutch_errors["email"] == "Dit veld is verplicht."
    assert dutch_errors["colour"].startswith("Onbekend veld")
    assert set(dutch_errors) == set(english_errors)
    assert all(dutch_errors[f] != english_errors[f] for f in english_errors), dutch_errors
    anonymous = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="nl")
    assert anonymous.json()["detail"].startswith("Aanmelden vereist")
    missing = client.get("/api/v1/orgs/nowhere/members", HTTP_ACCEPT_LANGUAGE="nl")
    assert missing.json()["detail"] == "Niet gevonden"


def test_a_session_write_without_csrf_says_what_to_send_in_the_readers_language(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin.user)
    response = client.post(
        "/api/v1/orgs/acme/members",
        {"email": "c@acme.test", "side": "it"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 403
    assert "X-CSRFToken" in response.json()["detail"]
    assert response.json()["detail"].startswith("De CSRF-controle is mislukt")
