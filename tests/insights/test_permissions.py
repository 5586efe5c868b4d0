"""The permission matrix of the alignment pages and the home page: every URL, every persona, the
status. The apps' real sources feed the index here (one object of every kind, and a snapshot taken
from them), so the pages are drawn from real rows.

Every internal member (viewers included) reads the index, its components, an initiative's index,
a week and the weights; owners and admins save the weights. Partners and other organisations get 404
everywhere but the home page, which every member opens (a partner sees only their own due items);
anonymous visitors are sent to sign in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from tandem.core import cache
from tandem.insights import services
from tandem.insights.index import DEFAULT_WEIGHTS
from tests.conftest import ADMINS, INTERNAL, MEMBERS, PERSONAS, Personas, seed_objects
from tests.url_walk import all_url_names

pytestmark = pytest.mark.permission_matrix


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    allowed: set[str]
    ok: int = 200
    data: dict[str, Any] | None = None


@pytest.fixture
def world(personas: Personas) -> dict[str, Any]:
    objects = seed_objects(personas.owner, "Acme")
    snapshot = services.snapshot_take(personas.org)
    return {"initiative": objects["initiative_id"](), "snapshot": snapshot.pk}


A = "/o/acme/alignment/"
WEIGHTS = {key: str(weight) for key, weight in DEFAULT_WEIGHTS.items()} | {"habit": "5"}

MATRIX: list[Row] = [
    Row("core:org_home", "get", "/o/acme/", MEMBERS),
    Row("insights:index", "get", A, INTERNAL),
    Row("insights:index", "get", A + "?weeks=2", INTERNAL),
    Row("insights:component", "get", A + "components/gate/", INTERNAL),
    Row("insights:component", "get", A + "components/whycheck/?page=9", INTERNAL),
    Row("insights:component", "get", A + "components/no-such-thing/", set()),
    Row("insights:initiative", "get", A + "initiatives/{initiative}/", INTERNAL),
    Row("insights:initiative", "get", A + "initiatives/999999/", set()),
    Row("insights:week", "get", A + "weeks/{snapshot}/", INTERNAL),
    Row("insights:week", "get", A + "weeks/999999/", set()),
    Row("insights:weights", "get", A + "weights/", INTERNAL),
    Row("insights:weights", "post", A + "weights/", ADMINS, 302, WEIGHTS),
]
NAMES = {row.name for row in MATRIX}


def expected(row: Row, persona: str) -> int:
    if persona == "anonymous":
        return 302
    return row.ok if persona in row.allowed else 404


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method}-{r.name}-{r.path}")
def test_insights_permission_matrix(
    world: dict[str, Any], client_for: Callable[[str], Client], row: Row
) -> None:
    """Every persona in turn against one world, each request in a savepoint rolled back after it."""
    path = row.path.format(**world)
    answers = {}
    for persona in PERSONAS:
        with transaction.atomic():
            response = getattr(client_for(persona), row.method)(path, row.data or {})
            answers[persona] = (response.status_code, response.content[:300])
            if persona == "anonymous":
                assert response["Location"].startswith("/accounts/login/?next="), path
            transaction.set_rollback(True)
        cache.clear()
    wrong = {p: a for p, a in answers.items() if a[0] != expected(row, p)}
    assert not wrong, (path, wrong)


def test_the_matrix_covers_every_alignment_url() -> None:
    """A page added to the alignment's URLs fails here until the matrix has a row for it (the
    board report's pages have their own matrix)."""
    names = {n for n in all_url_names() if n.startswith("insights:") and not n.startswith("insights:report")}
    assert names == NAMES - {"core:org_home"}


def test_the_weights_take_a_get_and_a_post_and_nothing_else(
    world: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    client = client_for("owner")
    assert client.put(A + "weights/").status_code == 405
    for row in MATRIX:
        if row.name not in ("core:org_home", "insights:weights") and row.allowed:
            assert client.post(row.path.format(**world)).status_code == 405, row.path
