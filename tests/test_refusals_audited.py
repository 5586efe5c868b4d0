"""Every refusal is on record: whichever rule refused (the gate, an app's role rule, an object of
another organisation, a missing row), a 404 answered to a signed-in person writes exactly one
``access.denied`` audit event, on pages and in the API alike."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.models import AuditEvent
from tests.conftest import Objects, Personas, seed_objects
from tests.url_walk import all_routes

SKIP_PREFIXES = ("account_", "mfa_")
PUBLIC = {"core:invitation", "surveys:respond", "api:survey_response_form", "api:survey_response_submit"}


def _denials() -> int:
    return AuditEvent.objects.unscoped().filter(action="access.denied").count()


@pytest.fixture
def own_objects(personas: Personas) -> Objects:
    return seed_objects(personas.owner, "Acme")


# Every route per persona: left out of the PostgreSQL pass like the per-URL permission matrices
# (the access gates decide it; the app tests run their queries on PostgreSQL).
@pytest.mark.permission_matrix
@pytest.mark.parametrize("persona", ["partner", "viewer", "member"])
def test_every_refusal_of_a_signed_in_person_is_audited_once(
    personas: Personas, own_objects: Objects, client_for: object, persona: str
) -> None:
    client: Client = client_for(persona)  # type: ignore[operator]
    refusals = 0
    for route in all_routes():
        if route.name.startswith(SKIP_PREFIXES) or route.name in PUBLIC or not route.converters:
            continue
        url = reverse(route.name, kwargs={name: own_objects[name]() for name in route.converters})
        for method in ("get", "post"):
            before = _denials()
            response = getattr(client, method)(url, data={}, content_type="application/json")
            if response.status_code == 404:
                assert _denials() == before + 1, f"{method.upper()} {url} as {persona}: not audited once"
                refusals += 1
    assert refusals >= 5


def test_an_object_of_another_organisation_is_a_refusal_on_record(personas: Personas) -> None:
    theirs = seed_objects(personas.outsider, "Globex")
    client = Client()
    client.force_login(personas.owner.user)
    for url in (
        f"/o/acme/initiatives/{theirs['initiative_id']()}/",
        f"/api/v1/orgs/acme/initiatives/{theirs['initiative_id']()}",
        f"/o/acme/why-checks/{theirs['why_check_id']()}/",
    ):
        before = _denials()
        assert client.get(url).status_code == 404
        event = AuditEvent.objects.unscoped().filter(action="access.denied").latest("pk")
        assert _denials() == before + 1
        assert event.actor == personas.owner.user
        assert event.organization == personas.org
        assert event.data["path"] == url


def test_an_anonymous_visitor_is_sent_to_sign_in_without_a_record(personas: Personas) -> None:
    before = _denials()
    assert Client().get("/o/acme/portfolio/").status_code == 302
    assert _denials() == before
