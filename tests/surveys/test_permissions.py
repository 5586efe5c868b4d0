"""The permission matrix of the survey pages: every page, every persona, the status.

Every internal member reads campaigns, templates, results, reports, exports and trends; owners
and admins manage templates, campaigns, invitations and the threshold. Partners and other
tenants get 404 everywhere; anonymous visitors are sent to sign in. The personal link is the one
public page: anyone holding the token opens it, signed in or not, whatever their organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tandem.core.models import Side
from tandem.surveys import ratelimit, services
from tandem.surveys.models import Campaign, SurveyTemplate
from tests.conftest import ADMINS, INTERNAL, PERSONAS, Personas
from tests.surveys.conftest import ALL_KINDS_AS_DICTS, editor_post, invite_sides, shipped_template
from tests.url_walk import all_url_names

pytestmark = pytest.mark.permission_matrix

EVERYONE = set(PERSONAS)


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    method: str
    path: str  # with {open}, {closed}, {custom}, {template}, {token} placeholders
    allowed: set[str]  # personas that get ``ok``; other signed-in personas get 404
    ok: int = 200
    data: dict[str, Any] | None = None
    public: bool = False


@dataclass
class World:
    open: Campaign
    closed: Campaign
    custom: SurveyTemplate  # unused, so editable and deletable
    token: str

    def ids(self) -> dict[str, Any]:
        today = timezone.localdate()
        return {
            "open": self.open.pk,
            "closed": self.closed.pk,
            "custom": self.custom.pk,
            "template": self.closed.template_id,
            "token": self.token,
            "today": today.isoformat(),
            "later": (today + timedelta(days=7)).isoformat(),
        }


@pytest.fixture
def world(personas: Personas, closed: Campaign) -> World:
    ratelimit.reset()
    custom = services.template_create(actor=personas.owner, name="Custom", questions=ALL_KINDS_AS_DICTS)
    invited = invite_sides(
        personas, shipped_template(personas, "partnership"), {Side.IT: 1}, title="Open pulse"
    )
    return World(invited.campaign, closed, custom, invited.tokens[Side.IT][0])


PAGES = "/o/acme/surveys/"
NEW_CAMPAIGN = {
    "template": "{template}",
    "audience": "emails",
    "emails": "ana@example.org, it",
    "opens_on": "{today}",
    "closes_on": "{later}",
}
MATRIX = [
    Row("surveys:list", "get", PAGES, INTERNAL),
    Row("surveys:settings", "get", PAGES + "settings/", ADMINS),
    Row("surveys:settings", "post", PAGES + "settings/", ADMINS, 302, {"threshold": "4"}),
    Row("surveys:new", "get", PAGES + "new/", ADMINS),
    Row("surveys:new", "post", PAGES + "new/", ADMINS, 302, NEW_CAMPAIGN),
    Row("surveys:templates", "get", PAGES + "templates/", INTERNAL),
    Row("surveys:template_new", "get", PAGES + "templates/new/", ADMINS),
    Row(
        "surveys:template_new",
        "post",
        PAGES + "templates/new/",
        ADMINS,
        302,
        editor_post("Ours", [{"kind": "likert", "text": "We plan together."}]),
    ),
    Row("surveys:template", "get", PAGES + "templates/{template}/", INTERNAL),
    Row("surveys:template_edit", "get", PAGES + "templates/{custom}/edit/", ADMINS),
    Row(
        "surveys:template_edit",
        "post",
        PAGES + "templates/{custom}/edit/",
        ADMINS,
        302,
        editor_post("Renamed", [{"kind": "score", "text": "Score us."}]),
    ),
    Row("surveys:template_copy", "post", PAGES + "templates/{template}/copy/", ADMINS, 302),
    Row("surveys:template_delete", "post", PAGES + "templates/{custom}/delete/", ADMINS, 302),
    Row("surveys:trend", "get", PAGES + "templates/{template}/trend/", INTERNAL),
    Row("surveys:detail", "get", PAGES + "{open}/", INTERNAL),
    Row("surveys:detail", "get", PAGES + "{closed}/", INTERNAL),
    Row("surveys:edit", "get", PAGES + "{open}/edit/", ADMINS),
    Row(
        "surveys:edit",
        "post",
        PAGES + "{open}/edit/",
        ADMINS,
        302,
        {"title": "New title", "closes_on": "{later}"},
    ),
    Row("surveys:close", "post", PAGES + "{open}/close/", ADMINS, 302),
    Row("surveys:invite", "get", PAGES + "{open}/invite/", ADMINS),
    Row(
        "surveys:invite",
        "post",
        PAGES + "{open}/invite/",
        ADMINS,
        200,
        {"emails": "new@example.org, business"},
    ),
    Row("surveys:report", "get", PAGES + "{closed}/report/", INTERNAL),
    Row("surveys:export", "get", PAGES + "{closed}/export.csv", INTERNAL),
    Row("surveys:export", "get", PAGES + "{closed}/export.xlsx", INTERNAL),
    Row("surveys:respond", "get", "/s/{token}/", EVERYONE, public=True),
]
NAMES = {row.name for row in MATRIX}


def expected(row: Row, persona: str) -> int:
    if row.public:
        return row.ok
    if persona == "anonymous":
        return 302
    return row.ok if persona in row.allowed else 404


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    return value.format(**ids) if isinstance(value, str) else value


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "row", MATRIX, ids=lambda r: f"{r.method}-{r.name}-{r.path.rstrip('/').rsplit('/', 1)[-1]}"
)
def test_survey_permission_matrix(
    world: World, client_for: Callable[[str], Client], row: Row, persona: str
) -> None:
    ids = world.ids()
    path = row.path.format(**ids)
    data = {k: _fill(v, ids) for k, v in (row.data or {}).items()}
    response = getattr(client_for(persona), row.method)(path, data)
    assert response.status_code == expected(row, persona), (persona, path, response.content[:300])


def test_the_matrix_covers_every_survey_page() -> None:
    assert {n for n in all_url_names() if n.startswith("surveys:")} == NAMES


def test_a_partner_or_outsider_never_learns_that_a_campaign_exists(
    world: World, client_for: Callable[[str], Client]
) -> None:
    missing = world.closed.pk + 1000
    for persona in ("partner", "outsider"):
        client = client_for(persona)
        for path in (
            f"{PAGES}{world.closed.pk}/",
            f"{PAGES}{missing}/",
            f"{PAGES}{world.closed.pk}/export.csv",
        ):
            assert client.get(path).status_code == 404
