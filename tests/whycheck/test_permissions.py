"""The permission matrix of the why check: every page and endpoint, every persona, the status.

Owners, admins and leads start and close rounds; only the initiative's two co-leads answer and
record decisions; owners and admins override and change the settings; every internal member
reads. Partners and other tenants get 404 everywhere; anonymous visitors are sent to sign in
(pages) or get 401 (API).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tandem.whycheck import services
from tandem.whycheck.models import Verdict, WhyCheck
from tests.conftest import ADMINS, INTERNAL, PERSONAS, Personas
from tests.url_walk import all_url_names
from tests.whycheck.conftest import BUSINESS_ANSWER, answer_post, deadline_passed, reveal, scored

pytestmark = pytest.mark.permission_matrix

STARTERS = ADMINS | {"business_lead", "it_lead"}
CO_LEADS = {"business_lead", "it_lead"}


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    method: str
    path: str  # with {open}, {partial}, {misaligned}, {initiative}, {fresh} placeholders
    allowed: set[str]  # personas that get ``ok``; other signed-in personas get 404
    ok: int = 200
    data: dict[str, Any] | None = None
    api: bool = False


@dataclass
class World:
    """Rounds in each state the URLs need, on the approved initiative, and a fresh initiative
    (co-led by the same two leads) on which a round can be started."""

    initiative: Initiative
    fresh: Initiative
    misaligned: WhyCheck
    partial: WhyCheck
    open: WhyCheck

    def ids(self) -> dict[str, int]:
        return {
            "initiative": self.initiative.pk,
            "fresh": self.fresh.pk,
            "misaligned": self.misaligned.pk,
            "partial": self.partial.pk,
            "open": self.open.pk,
        }


@pytest.fixture
def world(personas: Personas, approved: Initiative) -> World:
    today = timezone.localdate()

    def round_on(initiative: Initiative) -> WhyCheck:
        return services.whycheck_start(actor=personas.owner, initiative=initiative, deadline=today)

    misaligned = scored(reveal(personas, round_on(approved)), Verdict.MISALIGNED, 0.2)
    partial = scored(reveal(personas, round_on(approved)), Verdict.PARTIAL, 0.55)
    fresh = strategy.initiative_create(
        actor=personas.owner,
        title="Claims chatbot",
        business_co_lead=personas.business_lead,
        it_co_lead=personas.it_lead,
    )
    # Its deadline has passed, so that leads may close it while it waits for answers.
    return World(approved, fresh, misaligned, partial, deadline_passed(round_on(approved)))


PAGES = "/o/acme"
API = "/api/v1/orgs/acme"
ROUND = "/why-checks/{open}"
MATRIX = [
    Row("whycheck:list", "get", PAGES + "/why-checks/", INTERNAL),
    Row("whycheck:settings", "get", PAGES + "/why-checks/settings/", ADMINS),
    Row("whycheck:settings", "post", PAGES + "/why-checks/settings/", ADMINS, 302, {"gate": "advisory"}),
    Row("whycheck:initiative_rounds", "get", PAGES + "/initiatives/{initiative}/why-checks/", INTERNAL),
    Row(
        "whycheck:initiative_rounds",
        "post",
        PAGES + "/initiatives/{fresh}/why-checks/",
        STARTERS,
        302,
        {"start-deadline": "{today}"},
    ),
    Row("whycheck:detail", "get", PAGES + ROUND + "/", INTERNAL),
    Row("whycheck:detail", "get", PAGES + "/why-checks/{misaligned}/", INTERNAL),
    Row("whycheck:answer", "post", PAGES + ROUND + "/answer/", CO_LEADS, 302, answer_post(BUSINESS_ANSWER)),
    Row("whycheck:close", "post", PAGES + ROUND + "/close/", STARTERS, 302),
    Row(
        "whycheck:decision",
        "post",
        PAGES + "/why-checks/{partial}/decision/",
        CO_LEADS,
        302,
        {"decision-note": "Agreed."},
    ),
    Row(
        "whycheck:override",
        "post",
        PAGES + "/why-checks/{misaligned}/override/",
        ADMINS,
        302,
        {"override-reason": "Board decision."},
    ),
    Row("api:why_check_start", "post", API + "/initiatives/{fresh}/why-checks", STARTERS, 201, {}, api=True),
    Row(
        "api:why_check_list_for_initiative",
        "get",
        API + "/initiatives/{initiative}/why-checks",
        INTERNAL,
        api=True,
    ),
    Row("api:why_check_list", "get", API + "/why-checks", INTERNAL, api=True),
    Row("api:why_check_detail", "get", API + ROUND, INTERNAL, api=True),
    Row("api:why_check_answer", "put", API + ROUND + "/answer", CO_LEADS, data=BUSINESS_ANSWER, api=True),
    Row("api:why_check_close", "post", API + ROUND + "/close", STARTERS, api=True),
    Row(
        "api:why_check_decision",
        "post",
        API + "/why-checks/{partial}/decision",
        CO_LEADS,
        data={"note": "Agreed."},
        api=True,
    ),
    Row(
        "api:why_check_override",
        "post",
        API + "/why-checks/{misaligned}/override",
        ADMINS,
        data={"reason": "Board decision."},
        api=True,
    ),
    Row("api:why_check_settings", "get", API + "/why-check-settings", INTERNAL, api=True),
    Row(
        "api:why_check_settings_update",
        "put",
        API + "/why-check-settings",
        ADMINS,
        data={"gate": "advisory"},
        api=True,
    ),
]
NAMES = {row.name for row in MATRIX}


def expected(row: Row, persona: str) -> int:
    if persona == "anonymous":
        return 401 if row.api else 302
    return row.ok if persona in row.allowed else 404


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    return value.format(**ids) if isinstance(value, str) else value


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method}-{r.name}-{r.path.rsplit('/', 2)[-2]}")
def test_why_check_permission_matrix(
    world: World, client_for: Callable[[str], Client], row: Row, persona: str
) -> None:
    ids = {**world.ids(), "today": timezone.localdate().isoformat()}
    path = row.path.format(**ids)
    data = {k: _fill(v, ids) for k, v in (row.data or {}).items()}
    client = client_for(persona)
    if row.api:
        response = getattr(client, row.method)(path, data=data, content_type="application/json")
    else:
        response = getattr(client, row.method)(path, data)
    assert response.status_code == expected(row, persona), (persona, path, response.content[:300])


def test_the_matrix_covers_every_why_check_url() -> None:
    names = {n for n in all_url_names() if n.startswith(("whycheck:", "api:why_check"))}
    assert names == NAMES


def test_a_partner_or_outsider_never_learns_that_a_round_exists(
    world: World, client_for: Callable[[str], Client]
) -> None:
    missing = world.open.pk + 1000
    for persona in ("partner", "outsider"):
        client = client_for(persona)
        for path in (f"/o/acme/why-checks/{world.open.pk}/", f"/o/acme/why-checks/{missing}/"):
            assert client.get(path).status_code == 404
        for path in (f"{API}/why-checks/{world.open.pk}", f"{API}/why-checks/{missing}"):
            assert client.get(path).content == client.get(f"{API}/why-checks/{missing}").content
