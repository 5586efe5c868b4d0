"""The API says exactly what it does: its OpenAPI document names every shape once, input is taken
as documented (unknown fields, lax types and non-object bodies are refused with a 422 naming the
field), every 4xx it can give is documented with its body, and everything under ``/api/`` answers
JSON, whatever goes wrong."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from ninja.openapi.schema import OpenAPISchema

from tandem.config.api import api
from tandem.strategy.models import Initiative
from tandem.surveys.models import SurveyTemplate
from tandem.surveys.services import templates_install
from tests.conftest import Personas, bearer, fields_of, send

ACME = "/api/v1/orgs/acme"
WRITES = {"post", "put", "patch"}


def openapi() -> dict[str, Any]:
    document: dict[str, Any] = Client().get("/api/v1/openapi.json").json()
    return document


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def objects_in(doc: dict[str, Any], schema: Any, seen: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """Every object schema reachable from ``schema`` (through references, unions and items)."""
    seen = set() if seen is None else seen
    if isinstance(schema, list):
        for item in schema:
            yield from objects_in(doc, item, seen)
        return
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return
        seen.add(schema["$ref"])
        yield from objects_in(doc, resolve(doc, schema), seen)
        return
    if schema.get("type") == "object" and "properties" in schema:
        yield schema
    for key in ("properties", "items", "anyOf", "oneOf", "allOf", "additionalProperties"):
        value = schema.get(key)
        if key == "properties" and isinstance(value, dict):
            value = list(value.values())
        yield from objects_in(doc, value, seen)


# --- The document names every shape once ---------------------------------------------------------


def test_every_component_name_belongs_to_one_schema(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two schemas of one name would overwrite each other in the document, describing one
    endpoint with another's shape."""
    clashes: list[str] = []
    add = OpenAPISchema.add_schema_definitions

    def add_checked(self: OpenAPISchema, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                clashes.append(name)
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", add_checked)
    api.get_openapi_schema()
    assert not clashes, f"two different schemas share these names: {sorted(set(clashes))}"


def test_the_why_check_settings_are_documented_with_their_own_shape(db: None) -> None:
    doc = openapi()
    settings = doc["paths"]["/api/v1/orgs/{slug}/why-check-settings"]
    body = resolve(doc, settings["put"]["requestBody"]["content"]["application/json"]["schema"])
    answer = resolve(doc, settings["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(body["properties"]) == {"gate"}
    assert set(answer["properties"]) == {"gate"}


def test_every_request_body_forbids_unknown_fields_in_the_document(db: None) -> None:
    doc = openapi()
    lax = []
    for path, method, operation in operations(doc):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        for schema in objects_in(doc, body.get("schema")):
            if schema.get("additionalProperties") is not False:
                lax.append(f"{method.upper()} {path}: {schema.get('title')}")
    assert not lax


def test_required_text_has_a_minimum_length_in_the_document(db: None) -> None:
    doc = openapi()
    initiative = resolve(doc, {"$ref": "#/components/schemas/InitiativeIn"})
    template = resolve(doc, {"$ref": "#/components/schemas/TemplateIn"})
    assert initiative["properties"]["title"]["minLength"] == 1
    assert template["properties"]["name"]["minLength"] == 1
    assert template["properties"]["questions"]["minItems"] == 1


def test_every_client_error_the_api_can_give_is_documented_with_its_shape(db: None) -> None:
    doc = openapi()
    missing = []
    for path, method, operation in operations(doc):
        statuses = {"404"}
        if operation.get("security"):
            statuses |= {"401", "403"}
        if "requestBody" in operation:
            statuses |= {"400", "413", "422"}
        if method in WRITES:
            statuses.add("422")
        for status in sorted(statuses - set(operation["responses"])):
            missing.append(f"{method.upper()} {path}: {status}")
        for status, response in operation["responses"].items():
            if status.startswith("4") and "content" not in response:
                missing.append(f"{method.upper()} {path}: {status} has no body")
    assert not missing


def test_every_documented_422_lists_the_fields_at_fault(db: None) -> None:
    doc = openapi()
    for path, method, operation in operations(doc):
        if "422" not in operation["responses"]:
            continue
        schema = operation["responses"]["422"]["content"]["application/json"]["schema"]
        for variant in schema.get("anyOf", [schema]):
            shape = resolve(doc, variant)
            assert "errors" in shape.get("required", []), f"{method.upper()} {path}"


# --- Input is taken as documented ------------------------------------------------------------------


def test_a_misnamed_field_is_refused_naming_it_instead_of_being_dropped(personas: Personas) -> None:
    response = send(
        bearer(personas.owner), "post", f"{ACME}/initiatives", {"title": "Data lake", "budget_amount": -5}
    )
    assert response.status_code == 422, response.content
    assert fields_of(response) == ["budget_amount"]
    assert not Initiative.objects.for_org(personas.org).filter(title="Data lake").exists()


def test_an_unknown_field_in_a_nested_object_is_refused_with_its_path(personas: Personas) -> None:
    payload = {"title": "Data lake", "budget": {"amount": "10", "currency": "EUR", "vat": 1}}
    response = send(bearer(personas.owner), "post", f"{ACME}/initiatives", payload)
    assert response.status_code == 422, response.content
    assert fields_of(response) == ["budget.vat"]


QUESTION = {"kind": "likert", "text": "IT understands what the business needs."}


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ({**QUESTION, "required": 0}, "questions.0.required"),
        ({**QUESTION, "required": "yes"}, "questions.0.required"),
        ({**QUESTION, "text": 12}, "questions.0.text"),
        ({**QUESTION, "choices": "Weekly"}, "questions.0.choices"),
    ],
)
def test_a_value_of_another_json_type_is_refused_not_coerced(
    personas: Personas, question: dict[str, Any], field: str
) -> None:
    payload = {"name": "Pulse", "questions": [question]}
    response = send(bearer(personas.owner), "post", f"{ACME}/survey-templates", payload)
    assert response.status_code == 422, response.content
    assert fields_of(response) == [field]
    assert not SurveyTemplate.objects.for_org(personas.org).filter(name="Pulse").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"value": "3", "confidence": 5}, "value"),
        ({"value": True, "confidence": 5}, "value"),
        ({"value": 3, "confidence": 5.5}, "confidence"),
        ({"value": 3, "confidence": "5"}, "confidence"),
    ],
)
def test_numbers_must_be_json_numbers(personas: Personas, payload: dict[str, Any], field: str) -> None:
    from tests.conftest import seed_objects

    key_result = seed_objects(personas.owner, "Acme")["key_result_id"]()
    response = send(bearer(personas.owner), "post", f"{ACME}/key-results/{key_result}/check-ins", payload)
    assert response.status_code == 422, response.content
    assert fields_of(response) == [field]


@pytest.mark.parametrize("confidence", ["5.0", "5e0", "0.5e1"])
def test_a_whole_number_is_an_integer_however_it_is_written(personas: Personas, confidence: str) -> None:
    """JSON Schema counts 5.0 as an integer (``type: integer``), so the API takes it as 5."""
    from tests.conftest import seed_objects

    key_result = seed_objects(personas.owner, "Acme")["key_result_id"]()
    response = bearer(personas.owner).post(
        f"{ACME}/key-results/{key_result}/check-ins",
        data=f'{{"value": 3, "confidence": {confidence}}}',
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["confidence"] == 5


@pytest.mark.parametrize("day", [0, 20261001, "01/10/2026", "2026-10-01T00:00:00", "2026-02-30"])
def test_a_date_is_only_an_iso_date(personas: Personas, day: Any) -> None:
    payload = {"title": "Q4", "period_start": day, "period_end": "2026-12-31"}
    response = send(bearer(personas.owner), "post", f"{ACME}/objectives", payload)
    assert response.status_code == 422, response.content
    assert fields_of(response) == ["period_start"]


@pytest.mark.parametrize("body", ['"AAA"', "[]", "3", "null", '[{"title": "x"}]'])
@pytest.mark.parametrize("where", ["initiative", "copy"])
def test_a_body_that_is_not_a_json_object_is_refused(personas: Personas, body: str, where: str) -> None:
    client = bearer(personas.owner)
    if where == "initiative":
        created = send(client, "post", f"{ACME}/initiatives", {"title": "Data lake"}).json()
        url, method = f"{ACME}/initiatives/{created['id']}", "patch"
    else:
        templates_install(personas.org)
        template = SurveyTemplate.objects.for_org(personas.org).filter(builtin=True).first()
        assert template is not None
        url, method = f"{ACME}/survey-templates/{template.pk}/copy", "post"
    before = SurveyTemplate.objects.for_org(personas.org).count()
    response = getattr(client, method)(url, data=body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert fields_of(response) == ["body"]
    assert SurveyTemplate.objects.for_org(personas.org).count() == before


@pytest.mark.parametrize("body", ["{not json", "\x00", '{"title": NaN}', '{"title": Infinity}'])
def test_a_body_that_is_not_json_is_a_documented_400(personas: Personas, body: str) -> None:
    response = bearer(personas.owner).post(f"{ACME}/initiatives", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert set(response.json()) == {"detail"}


# --- Every 422 names its fields ----------------------------------------------------------------------


def test_a_refused_approval_names_the_field_and_every_missing_element(personas: Personas) -> None:
    client = bearer(personas.owner)
    initiative = send(client, "post", f"{ACME}/initiatives", {"title": "Data lake"}).json()
    url = f"{ACME}/initiatives/{initiative['id']}/transition"
    send(client, "post", url, {"to": "proposed"})
    response = send(client, "post", url, {"to": "approved"})
    assert response.status_code == 422
    body = response.json()
    assert body["missing"]
    assert body["errors"] == [{"field": "to", "message": body["detail"]}]


def test_a_refusal_about_the_whole_request_names_the_body(personas: Personas) -> None:
    client = bearer(personas.owner)
    initiative = send(client, "post", f"{ACME}/initiatives", {"title": "No co-leads"}).json()
    response = send(client, "post", f"{ACME}/initiatives/{initiative['id']}/why-checks", {})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"] == [{"field": "body", "message": body["detail"]}]


# --- Everything under /api/ answers JSON -------------------------------------------------------------


def test_an_unknown_api_address_is_a_json_404(personas: Personas) -> None:
    response = bearer(personas.owner).get("/api/v1/orgs/acme/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_a_method_an_address_does_not_take_is_a_json_405_with_allow(personas: Personas) -> None:
    response = send(bearer(personas.owner), "put", "/api/v1/me", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert set(response.json()) == {"detail"}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_is_a_json_413_and_logs_no_error(
    personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    client = bearer(personas.owner)
    body = json.dumps({"title": "Data lake", "summary": "x" * 2000})
    with caplog.at_level(logging.INFO):
        response = client.post(f"{ACME}/initiatives", data=body, content_type="application/json")
    assert response.status_code == 413
    assert set(response.json()) == {"detail"}
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not Initiative.objects.for_org(personas.org).filter(title="Data lake").exists()


def test_an_oversized_body_is_documented_as_413(db: None) -> None:
    operation = openapi()["paths"]["/api/v1/orgs/{slug}/initiatives"]["post"]
    assert "413" in operation["responses"]


def test_the_public_survey_door_answers_json_for_every_client_error(db: None) -> None:
    client = Client()
    assert client.post("/api/v1/responses/nope", data="{", content_type="application/json").json()
    assert client.get("/api/v1/responses").json() == {"detail": "Not Found"}
