"""Cross-tenant isolation: every route, asked for another organisation's objects, answers 404
and shows none of its data. A new URL pattern that this walk cannot fill fails the test."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core import services
from tests.conftest import PROBE, Objects, Personas, probe, seed_objects
from tests.url_walk import all_routes

# Routes with no organisation in them: account pages, the person's own profile and tokens,
# the API description. They are walked too, and must not show the other tenant's data.
NON_TENANT = {
    "healthz",
    "core:home",
    "core:profile",
    "core:api_tokens",
    # The language switcher writes only the person's own choice (their profile, a cookie).
    "core:set_language",
    "api:me",
    "api:orgs",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    # The signed link is the credential (like a password-reset link); forged links are 404s,
    # tested in test_services.
    "core:invitation",
    # A survey's personal link: the token is the credential and the scope, and no account is
    # involved; unknown tokens are 404s, tested in tests/surveys.
    "surveys:respond",
    "api:survey_response_form",
    "api:survey_response_submit",
    # An end-user feedback link: the same, for people without an account; tests/delivery.
    "delivery:feedback_public",
    "api:delivery_feedback_form",
    "api:delivery_feedback_submit",
    # A calendar feed: the secret address is the credential, and it names its series or person;
    # unknown and renewed addresses are 404s, tested in tests/reviews.
    "reviews:feed",
}
ACCOUNT_PREFIXES = ("account_", "mfa_")
# Path parameters that name no object (a file format): nothing to take from the other tenant.
NOT_OBJECTS = ("fmt", "key")
SECRETS = [
    "Globex Secretcorp",
    "owner@globex.test",
    "globex-only@globex.test",
    "Globex R&amp;D",
    "Globex R&D",
    "Globex moonshot",
    "Globex world domination",
    "Globex doomsday metric",
    "Globex pulse",
    "Globex survey question",
    "globex-respondent@globex.test",
    "Globex Vendor",
    "globex-vendor@globex.test",
    "Globex contract",
    "Globex closing day",
    "Globex hosting",
    "Globex batch on time",
    "Globex outage",
    "Globex rocket",
    "Globex bigger rocket",
    "Globex wants more",
    "Globex feedback comment",
    "Globex weekly",
    "Globex agenda point",
    "Globex decision",
    "Globex because",
    "Globex action",
    "Globex win",
]


@pytest.fixture
def other_tenant(personas: Personas) -> Objects:
    """Objects of Globex, one of each kind a URL can point at."""
    return seed_objects(personas.outsider, "Globex")


def _assert_no_secrets(body: str, url: str) -> None:
    for secret in SECRETS:
        assert secret not in body, f"{url} shows {secret!r}"


def _probe(client: Client, method: str, url: str) -> Any:
    response = probe(client, method, url, PROBE, check=lambda r: _assert_no_secrets(r.content.decode(), url))
    return response


# Every route per persona: left out of the PostgreSQL pass like the per-URL permission matrices
# (the access gates decide it; the app tests run their queries on PostgreSQL).
@pytest.mark.permission_matrix
def test_every_route_hides_the_other_organisation(personas: Personas, other_tenant: Objects) -> None:
    client = Client()
    client.force_login(personas.owner.user)  # an owner: role is never the reason for a refusal
    checked = 0
    for route in all_routes():
        if route.name in NON_TENANT or route.name.startswith(ACCOUNT_PREFIXES):
            continue
        unknown = [c for c in route.converters if c not in other_tenant]
        assert not unknown, f"{route.pattern}: teach the cross-tenant test how to fill {unknown}"
        assert route.converters, (
            f"{route.pattern} has no organisation in it: add it to NON_TENANT with a reason"
        )
        variants = [{c: other_tenant[c]() for c in route.converters}]
        objects = [c for c in route.converters if c not in ("org_slug", "slug", *NOT_OBJECTS)]
        if objects and len(objects) < len(route.converters):
            own = {
                c: personas.org.slug if c in ("org_slug", "slug") else other_tenant[c]()
                for c in route.converters
            }
            variants.append(own)  # my organisation, their object
        for kwargs in variants:
            url = reverse(route.name, kwargs=kwargs)
            statuses = []
            for method in ("get", "post", "put", "patch", "delete"):
                response = _probe(client, method, url)
                statuses.append(response.status_code)
                _assert_no_secrets(response.content.decode(), url)
            assert set(statuses) <= {404, 405}, f"{url} answered {statuses}"
            assert 404 in statuses, f"{url} answered {statuses}"
            checked += 1
    assert checked >= 10


def test_routes_without_an_organisation_show_nothing_of_another(
    personas: Personas, other_tenant: Objects
) -> None:
    client = Client()
    client.force_login(personas.owner.user)
    for route in all_routes():
        if route.name not in NON_TENANT or route.converters:
            continue
        url = reverse(route.name)
        response = client.get(url, follow=True)
        assert response.status_code < 500, url
        _assert_no_secrets(response.content.decode(), url)


def test_a_token_opens_only_its_own_organisation(personas: Personas) -> None:
    personas.owner.user.memberships.create(organization=personas.other_org, role="member", side="business")
    _, raw = services.api_token_create(membership=personas.owner, name="acme only")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/orgs/acme/members").status_code == 200
    assert client.get("/api/v1/orgs/globex/members").status_code == 404
    orgs = [o["slug"] for o in client.get("/api/v1/orgs").json()]
    assert orgs == ["acme"]
