"""The permission matrix of the strategy pages: every URL, every persona, the expected status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from tandem.strategy import services
from tandem.strategy.models import Initiative, KeyResult, Objective
from tests.conftest import INTERNAL, PERSONAS, Personas
from tests.url_walk import all_url_names

pytestmark = pytest.mark.permission_matrix

PLANNERS = {"owner", "admin", "business_lead", "it_lead"}
CONTRIBUTORS = PLANNERS | {"member"}


@dataclass(frozen=True)
class SRow:
    name: str  # URL name
    method: str
    allowed: set[str]  # personas that get ``ok``; other signed-in personas get 404
    ok: int = 200
    data: dict[str, str] | None = None


def expected(row: SRow, persona: str) -> int:
    if persona == "anonymous":
        return 302  # sent to sign in
    return row.ok if persona in row.allowed else 404


class World:
    """The objects the URLs point at: an initiative led by the business lead and the IT lead."""

    def __init__(
        self, p: Personas, objective: Objective, key_result: KeyResult, initiative: Initiative
    ) -> None:
        self.objective = objective
        self.key_result = key_result
        self.initiative = initiative
        self.other_key_result = services.key_result_create(
            actor=p.owner, objective=objective, metric="Claims handled per day", baseline=40, target=60
        )
        self.measure = initiative.success_measures.first()
        self.link = initiative.key_result_links.first()


@pytest.fixture
def world(
    personas: Personas, objective: Objective, key_result: KeyResult, ready_initiative: Initiative
) -> World:
    return World(personas, objective, key_result, ready_initiative)


def i(w: World, tail: str = "") -> str:
    return f"/o/acme/initiatives/{w.initiative.pk}/{tail}"


MATRIX: list[tuple[SRow, Callable[[World], str]]] = [
    (SRow("strategy:portfolio", "get", INTERNAL), lambda w: "/o/acme/portfolio/"),
    (SRow("strategy:portfolio_export", "get", INTERNAL), lambda w: "/o/acme/portfolio/export.csv"),
    (SRow("strategy:import", "get", PLANNERS), lambda w: "/o/acme/import/"),
    (SRow("strategy:objectives", "get", INTERNAL), lambda w: "/o/acme/objectives/"),
    (SRow("strategy:objective_tree", "get", INTERNAL), lambda w: "/o/acme/objectives/tree/"),
    (SRow("strategy:objective_create", "get", PLANNERS), lambda w: "/o/acme/objectives/new/"),
    (
        SRow("strategy:objective_detail", "get", INTERNAL),
        lambda w: f"/o/acme/objectives/{w.objective.pk}/",
    ),
    (
        SRow("strategy:objective_edit", "get", PLANNERS),
        lambda w: f"/o/acme/objectives/{w.objective.pk}/edit/",
    ),
    (
        SRow("strategy:key_result_create", "get", PLANNERS),
        lambda w: f"/o/acme/objectives/{w.objective.pk}/key-results/new/",
    ),
    (
        SRow("strategy:key_result_detail", "get", INTERNAL),
        lambda w: f"/o/acme/key-results/{w.key_result.pk}/",
    ),
    (
        SRow(
            "strategy:key_result_detail",
            "post",
            CONTRIBUTORS,
            ok=302,
            data={"value": "20", "confidence": "6"},
        ),
        lambda w: f"/o/acme/key-results/{w.key_result.pk}/",
    ),
    (
        SRow("strategy:key_result_edit", "get", PLANNERS),
        lambda w: f"/o/acme/key-results/{w.key_result.pk}/edit/",
    ),
    (SRow("strategy:initiative_create", "get", CONTRIBUTORS), lambda w: "/o/acme/initiatives/new/"),
    (SRow("strategy:initiative_detail", "get", INTERNAL), lambda w: i(w)),
    (SRow("strategy:initiative_edit", "get", PLANNERS), lambda w: i(w, "edit/")),
    (
        SRow(
            "strategy:initiative_transition",
            "post",
            PLANNERS,
            ok=302,
            data={"transition-to": "paused", "transition-reason": "Waiting for the budget round"},
        ),
        lambda w: i(w, "transition/"),
    ),
    (
        SRow(
            "strategy:measure_add",
            "post",
            PLANNERS,
            ok=302,
            data={"measure-name": "Fewer calls", "measure-target": "10"},
        ),
        lambda w: i(w, "measures/"),
    ),
    (
        SRow("strategy:measure_delete", "post", PLANNERS, ok=302),
        lambda w: i(w, f"measures/{w.measure.pk}/delete/"),  # type: ignore[union-attr]
    ),
    (
        SRow("strategy:link_add", "post", PLANNERS, ok=302),
        lambda w: i(w, "links/"),
    ),
    (
        SRow("strategy:link_delete", "post", PLANNERS, ok=302),
        lambda w: i(w, f"links/{w.link.pk}/delete/"),  # type: ignore[union-attr]
    ),
]
NAMES = {row.name for row, _ in MATRIX}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("row", "path"), MATRIX, ids=[f"{r.method}-{r.name}" for r, _ in MATRIX])
def test_strategy_permission_matrix(
    world: World, client_for: Callable[[str], Client], row: SRow, path: Callable[[World], str], persona: str
) -> None:
    data = dict(row.data or {})
    if row.name == "strategy:link_add":
        data = {"link-key_result": str(world.other_key_result.pk), "link-contribution": "More claims per day"}
    response = getattr(client_for(persona), row.method)(path(world), data)
    assert response.status_code == expected(row, persona), (persona, path(world), response.content[:300])


def test_the_matrix_covers_every_strategy_page() -> None:
    assert {n for n in all_url_names() if n.startswith("strategy:")} == NAMES
