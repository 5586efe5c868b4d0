"""The permission matrix: every URL of the core app, every persona, the expected status.

A URL missing from the matrix fails ``test_every_url_is_in_a_permission_matrix``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from tandem.core import services
from tandem.core.models import Side
from tests.conftest import ADMINS, INTERNAL, MEMBERS, PERSONAS, SIGNED_IN, Personas
from tests.url_walk import all_url_names

pytestmark = pytest.mark.permission_matrix


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    method: str
    path: Callable[[Personas], str]
    allowed: set[str]  # personas that get ``ok``
    ok: int = 200
    denied: int = 404  # what a signed-in persona outside ``allowed`` gets
    anonymous: int = 302  # sent to sign in
    data: dict[str, str] | None = None


def invitation_path(p: Personas) -> str:
    invitation = services.invitation_create(actor=p.owner, email="new@acme.test", side=Side.IT)
    return f"/o/acme/invitations/{invitation.pk}/revoke/"


def token_path(p: Personas) -> str:
    token, _ = services.api_token_create(membership=p.member, name="t")
    return f"/profile/tokens/{token.pk}/revoke/"


def invite_link(p: Personas) -> str:
    invitation = services.invitation_create(actor=p.owner, email="link@acme.test", side=Side.IT)
    return f"/invite/{services.invitation_token(invitation)}/"


MATRIX = [
    Row("healthz", "get", lambda p: "/healthz", SIGNED_IN, anonymous=200),
    Row("core:home", "get", lambda p: "/", SIGNED_IN, ok=302),
    Row("core:profile", "get", lambda p: "/profile/", SIGNED_IN),
    Row("core:api_tokens", "get", lambda p: "/profile/tokens/", SIGNED_IN),
    # The language switcher: anyone may choose (the sign-in page and survey links have it too).
    Row(
        "core:set_language",
        "post",
        lambda p: "/language/",
        SIGNED_IN,
        ok=302,
        data={"language": "nl", "next": "/"},
    ),
    Row("core:set_language", "get", lambda p: "/language/", SIGNED_IN, ok=405, anonymous=405),
    Row("core:api_token_revoke", "post", token_path, {"member"}, ok=302),
    Row("core:invitation", "get", invite_link, SIGNED_IN, anonymous=200),
    Row("core:org_home", "get", lambda p: "/o/acme/", MEMBERS),
    Row("core:members", "get", lambda p: "/o/acme/members/", INTERNAL),
    Row(
        "core:members",
        "post",
        lambda p: "/o/acme/members/",
        ADMINS,
        ok=302,
        data={"email": "fresh@acme.test", "role": "member", "side": "it"},
    ),
    Row("core:member_edit", "get", lambda p: f"/o/acme/members/{p.member.pk}/", ADMINS),
    Row(
        "core:member_edit",
        "post",
        lambda p: f"/o/acme/members/{p.member.pk}/",
        ADMINS,
        ok=302,
        data={"role": "lead", "side": "business", "title": "Analyst"},
    ),
    Row("core:invitation_revoke", "post", invitation_path, ADMINS, ok=302),
    Row("core:departments", "get", lambda p: "/o/acme/departments/", INTERNAL),
    Row("core:departments", "post", lambda p: "/o/acme/departments/", ADMINS, ok=302, data={"name": "Legal"}),
    Row("core:org_settings", "get", lambda p: "/o/acme/settings/", ADMINS),
    Row(
        "core:org_settings",
        "post",
        lambda p: "/o/acme/settings/",
        ADMINS,
        ok=302,
        data={"name": "Acme Insurance"},
    ),
    Row("core:audit_log", "get", lambda p: "/o/acme/audit/", ADMINS),
    Row("api:me", "get", lambda p: "/api/v1/me", SIGNED_IN, anonymous=401),
    Row("api:orgs", "get", lambda p: "/api/v1/orgs", SIGNED_IN, anonymous=401),
    Row("api:member_list", "get", lambda p: "/api/v1/orgs/acme/members", ADMINS, anonymous=401),
    Row("api:openapi-json", "get", lambda p: "/api/v1/openapi.json", SIGNED_IN, anonymous=200),
    Row("api:openapi-view", "get", lambda p: "/api/v1/docs", SIGNED_IN, anonymous=200),
]
# URLs that the matrix covers by other rows or that belong to django-allauth (tested in test_auth).
COVERED_ELSEWHERE = {"api:member_invite", "api:member_update", "api:api-root"}
# URLs whose app checks that its own matrices cover them: its pages, and its API endpoints (the
# strategy API test takes every endpoint that is not core's, a why check's or a survey's).
CHECKED_BY_THE_APPS = (
    "strategy:",
    "surveys:",
    "whycheck:",
    "governance:",
    "delivery:",
    "reviews:",
    "insights:",
    "api:",
)


def expected(row: Row, persona: str) -> int:
    if persona == "anonymous":
        return row.anonymous
    return row.ok if persona in row.allowed else row.denied


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method}-{r.name}")
def test_permission_matrix(
    personas: Personas, client_for: Callable[[str], Client], row: Row, persona: str
) -> None:
    path = row.path(personas)
    client = client_for(persona)
    response = getattr(client, row.method)(path, row.data or {})
    assert response.status_code == expected(row, persona), (persona, path, response.content[:300])


def test_every_url_is_in_a_permission_matrix() -> None:
    names = {row.name for row in MATRIX} | COVERED_ELSEWHERE
    missing = sorted(
        n
        for n in all_url_names()
        if not n.startswith(("account_", "mfa_", *CHECKED_BY_THE_APPS)) and n not in names
    )
    assert not missing, f"Add these URLs to a permission matrix: {missing}"
