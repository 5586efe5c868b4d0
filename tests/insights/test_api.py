"""The insights API on fake sources: the index now with its top causes and moves, a component's
rows paged, an initiative's alignment, the history and one week with its moves, the weights read
by every internal member and changed by owners and admins (422 naming the field), partners and
another organisation's ids refused, and every endpoint described in the OpenAPI document."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tandem.insights import services
from tandem.insights.models import IndexSnapshot
from tandem.strategy import services as strategy_services
from tests.conftest import Personas, bearer, fields_of, send
from tests.insights.conftest import FakeSources, component

pytestmark = pytest.mark.usefixtures("db")

ACME = "/api/v1/orgs/acme"
ALIGNMENT = f"{ACME}/alignment"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def _rows(initiative: int, other: int) -> tuple[Any, ...]:
    return (
        component(
            "gate", (f"initiative:{initiative}", 100, 1, initiative), (f"initiative:{other}", 0, 1, other)
        ),
        component("coleads", (f"initiative:{initiative}", 50, 1, initiative)),
        component("perception", missing="No survey results are out yet."),
    )


@pytest.fixture
def acme(personas: Personas, fake_sources: FakeSources) -> FakeSources:
    fake_sources.set(*_rows(1, 2))
    return fake_sources


def test_the_index_now(personas: Personas, acme: FakeSources) -> None:
    # A week ago everything was perfect: the gate row of initiative 2 has since cost points.
    acme.set(component("gate", ("initiative:2", 100, 1, 2)))
    services.snapshot_take(personas.org, now=timezone.now() - timedelta(weeks=1))
    acme.set(*_rows(1, 2))
    body = _ok(bearer(personas.viewer).get(ALIGNMENT))
    # gate 50 (15), coleads 50 (10): 50.
    assert body["index"] == pytest.approx(50)
    assert [c["key"] for c in body["components"]][:3] == ["gate", "coleads", "whycheck"]
    perception = next(c for c in body["components"] if c["key"] == "perception")
    assert (perception["score"], perception["missing"]) == (None, "No survey results are out yet.")
    assert [r["key"] for r in body["top_causes"]] == ["initiative:2", "initiative:1"]
    assert body["top_causes"][0]["loss"] == pytest.approx(15 / 25 * 50)
    moved = body["moves_this_week"]
    assert moved["delta"] == pytest.approx(-50)
    assert moved["rows"][0]["key"] == "initiative:2"
    assert moved["rows"][0]["before_points"] is None


def test_no_snapshot_yet_means_no_moves(personas: Personas, acme: FakeSources) -> None:
    assert _ok(bearer(personas.owner).get(ALIGNMENT))["moves_this_week"] is None


def test_a_components_rows_paged(personas: Personas, acme: FakeSources) -> None:
    client = bearer(personas.member)
    body = _ok(client.get(f"{ALIGNMENT}/components/gate"))
    assert body["count"] == 2
    assert [(r["key"], r["points"]) for r in body["items"]] == [("initiative:2", 0), ("initiative:1", 100)]
    page = _ok(client.get(f"{ALIGNMENT}/components/gate?limit=1&offset=1"))
    assert [r["key"] for r in page["items"]] == ["initiative:1"]
    assert _ok(client.get(f"{ALIGNMENT}/components/habit"))["count"] == 0
    assert client.get(f"{ALIGNMENT}/components/bogus").status_code == 404


def test_an_initiatives_alignment(personas: Personas, fake_sources: FakeSources) -> None:
    mine = strategy_services.initiative_create(actor=personas.business_lead, title="Claims portal")
    theirs = strategy_services.initiative_create(actor=personas.outsider, title="Their portal")
    fake_sources.set(*_rows(mine.pk, theirs.pk))
    client = bearer(personas.viewer)
    body = _ok(client.get(f"{ALIGNMENT}/initiatives/{mine.pk}"))
    assert (body["title"], body["index"]) == ("Claims portal", pytest.approx((15 * 100 + 10 * 50) / 25))
    assert {r["component"] for r in body["rows"]} == {"gate", "coleads"}
    assert client.get(f"{ALIGNMENT}/initiatives/{theirs.pk}").status_code == 404
    assert client.get(f"{ALIGNMENT}/initiatives/999999").status_code == 404


def test_the_history_and_one_week(personas: Personas, acme: FakeSources) -> None:
    now = timezone.now()
    acme.set(component("gate", ("initiative:2", 100, 1, 2)))
    services.snapshot_take(personas.org, now=now - timedelta(weeks=2))
    acme.set(*_rows(1, 2))
    week = services.snapshot_take(personas.org, now=now - timedelta(weeks=1))
    client = bearer(personas.viewer)
    history = _ok(client.get(f"{ALIGNMENT}/history"))
    assert history["count"] == 2
    assert [s["index"] for s in history["items"]] == [pytest.approx(50), pytest.approx(100)]
    assert history["items"][0]["scores"]["coleads"] == pytest.approx(50)
    assert history["items"][0]["scores"]["habit"] is None
    body = _ok(client.get(f"{ALIGNMENT}/history/{week.pk}"))
    assert body["week"] == week.week.isoformat()
    assert [r["key"] for r in body["rows"]] == ["initiative:2", "initiative:1"]
    assert body["moves"]["delta"] == pytest.approx(-50)
    theirs = services.snapshot_take(personas.other_org)
    assert client.get(f"{ALIGNMENT}/history/{theirs.pk}").status_code == 404
    assert IndexSnapshot.objects.for_org(personas.org).count() == 2


def test_the_weights_read_by_members_changed_by_admins(personas: Personas, acme: FakeSources) -> None:
    body = _ok(bearer(personas.viewer).get(f"{ALIGNMENT}/weights"))
    gate = next(w for w in body["weights"] if w["key"] == "gate")
    assert (gate["label"], gate["weight"], gate["default_weight"]) == ("Gate", 15, 15)
    changed = _ok(send(bearer(personas.admin), "put", f"{ALIGNMENT}/weights", {"gate": 40, "habit": 0}))
    weights = {w["key"]: w["weight"] for w in changed["weights"]}
    assert (weights["gate"], weights["habit"], weights["coleads"]) == (40, 0, 10)
    # gate 50 (40), coleads 50 (10): still 50, now weighed differently.
    assert _ok(bearer(personas.viewer).get(ALIGNMENT))["components"][0]["weight"] == 40
    for who in (personas.business_lead, personas.viewer):
        assert send(bearer(who), "put", f"{ALIGNMENT}/weights", {"gate": 1}).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"gate": 101}, "gate"),
        ({"gate": -1}, "gate"),
        ({"gate": 1.5}, "gate"),
        ({"gate": "10"}, "gate"),
        ({"bogus": 10}, "bogus"),
    ],
)
def test_bad_weights_are_a_422_naming_the_field(personas: Personas, body: dict[str, Any], field: str) -> None:
    response = send(bearer(personas.owner), "put", f"{ALIGNMENT}/weights", body)
    assert response.status_code == 422, response.content
    assert fields_of(response) == [field]


def test_all_weights_zero_is_a_422(personas: Personas) -> None:
    zero = dict.fromkeys(
        ("gate", "coleads", "whycheck", "objectives", "delivery", "service_levels", "perception", "habit"), 0
    )
    response = send(bearer(personas.owner), "put", f"{ALIGNMENT}/weights", zero)
    assert response.status_code == 422
    assert "gate" in fields_of(response)


@pytest.mark.permission_matrix
@pytest.mark.parametrize(
    "path", ["", "/components/gate", "/initiatives/1", "/history", "/history/1", "/weights"]
)
def test_partners_and_outsiders_get_a_404_everywhere(
    personas: Personas, acme: FakeSources, path: str
) -> None:
    for who in (personas.partner, personas.outsider):
        assert bearer(who).get(f"{ALIGNMENT}{path}").status_code == 404
    assert Client().get(f"{ALIGNMENT}{path}").status_code == 401


INSIGHTS_PATHS = {
    "/orgs/{slug}/alignment": {"get"},
    "/orgs/{slug}/alignment/components/{key}": {"get"},
    "/orgs/{slug}/alignment/initiatives/{initiative_id}": {"get"},
    "/orgs/{slug}/alignment/history": {"get"},
    "/orgs/{slug}/alignment/history/{snapshot_id}": {"get"},
    "/orgs/{slug}/alignment/weights": {"get", "put"},
}


def test_every_endpoint_is_described(db: None) -> None:
    spec = json.loads(Client().get("/api/v1/openapi.json").content)
    found: dict[str, set[str]] = {}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if "insights" not in op.get("tags", []) or "/alignment" not in path:
                continue
            where = f"{method.upper()} {path}"
            found.setdefault(path.removeprefix("/api/v1"), set()).add(method)
            assert op.get("summary"), where
            assert op.get("description"), where
            success = [code for code in op["responses"] if code.startswith("2")]
            assert len(success) == 1, where
            assert "$ref" in str(op["responses"][success[0]]["content"]), where
            assert {"401", "404", "422"} <= set(op["responses"]), where
    assert found == INSIGHTS_PATHS
