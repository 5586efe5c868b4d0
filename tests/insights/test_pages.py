"""The alignment pages: the index page (the figure, its trend, its components with those left out
said so, what moved it this week, what costs it the most points), a component's rows, a week's
snapshot and its moves, an initiative's own index, and the weights (read by every internal member,
saved by owners and admins, bad input answered with the message). The sources are fixed here, so
each figure on a page can be checked against a hand computation."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core.insights import Component, Evidence
from tandem.core.models import AuditEvent
from tandem.insights import index as math
from tandem.insights.models import SNAPSHOT_ROWS, IndexSnapshot, InsightSettings
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tests.conftest import Personas

Clients = Callable[[str], Client]


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"insights:{name}", kwargs={"org_slug": "acme", **kwargs})


def page(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    assert match, f"no section {name}"
    return match.group(0)


def text(html: str) -> str:
    """The words of ``html``, tags dropped and spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Two components with data and one without: gate 15 * 50 and whycheck 20 * 100 over 35 -> 78.57.
def fixed_components(initiative_id: int) -> list[Component]:
    return [
        Component(
            key="gate",
            label="Outcome-first completeness",
            help="Initiatives that pass the approval gate.",
            default_weight=15,
            evidence=(
                Evidence(
                    "initiative:1",
                    "Claims portal",
                    0,
                    url="/claims/",
                    detail="no success measure",
                    initiative_id=initiative_id,
                ),
                Evidence("initiative:2", "Fleet app", 100, detail="complete"),
            ),
        ),
        Component(
            key="whycheck",
            label="Why-check agreement",
            help="Latest verdicts.",
            default_weight=20,
            evidence=(Evidence("round:1", "Claims portal why", 100, initiative_id=initiative_id),),
        ),
        Component(
            key="perception",
            label="Perception gap",
            help="Business and IT rate alike.",
            default_weight=10,
            missing="No survey results are out yet.",
        ),
    ]


@pytest.fixture
def initiative(personas: Personas) -> Initiative:
    return strategy.initiative_create(
        actor=personas.owner,
        title="Claims portal",
        business_outcome="Faster claims.",
        business_co_lead=personas.owner,
    )


FIXED: list[Component] = []


def fixed_source(org: Any, now: Any) -> list[Component]:
    """The one source of the index in these tests (``sources``)."""
    return list(FIXED)


def only_source(monkeypatch: pytest.MonkeyPatch, components: list[Component]) -> None:
    """Make ``components`` the index's only source, through the apps' own hook."""
    for config in apps.get_app_configs():
        if getattr(config, "tandem_index_source", ""):
            monkeypatch.setattr(config, "tandem_index_source", "", raising=False)
    monkeypatch.setattr(
        apps.get_app_config("insights"), "tandem_index_source", f"{__name__}.fixed_source", raising=False
    )
    monkeypatch.setattr(sys.modules[__name__], "FIXED", components)


@pytest.fixture
def sources(monkeypatch: pytest.MonkeyPatch, initiative: Initiative) -> list[Component]:
    """The index's sources replaced by ``fixed_components`` (a test may change the list)."""
    components = fixed_components(initiative.pk)
    only_source(monkeypatch, components)
    return components


def snapshot(personas: Personas, components: list[Component], *, weeks_ago: int) -> IndexSnapshot:
    week = math.monday(timezone.localdate()) - timedelta(weeks=weeks_ago)
    data = math.to_snapshot_data(math.compute(components), max_rows=SNAPSHOT_ROWS)
    return IndexSnapshot.objects.create(organization=personas.org, week=week, **data)


def test_the_index_page_shows_the_figure_and_every_component(
    personas: Personas, client_for: Clients, sources: list[Component]
) -> None:
    html = page(client_for("member"), url("index"))
    words = text(html)
    assert "79 / 100" in words  # 78.57 rounded
    table = text(section(html, "components"))
    assert (
        "Outcome-first completeness Initiatives that pass the approval gate. 50 15 21 21" in table
    )  # 15/35*50 = 21.4 contribution and loss
    assert "Why-check agreement Latest verdicts. 100 20 57 0" in table  # 20/35*100 = 57.1
    assert "left out No data: No survey results are out yet." in table
    assert "Review habit" in table  # a component nobody provides is listed, left out
    causes = text(section(html, "causes"))
    assert "Claims portal" in causes
    assert "no success measure" in causes
    assert "Fleet app" not in causes  # it cost nothing


def test_the_index_page_says_what_moved_it_this_week(
    personas: Personas, client_for: Clients, sources: list[Component], initiative: Initiative
) -> None:
    better = fixed_components(initiative.pk)
    gate = better[0]
    better[0] = Component(
        gate.key,
        gate.label,
        gate.help,
        gate.default_weight,
        evidence=(
            Evidence("initiative:1", "Claims portal", 100, initiative_id=initiative.pk),
            gate.evidence[1],
        ),
    )
    last_week = snapshot(personas, better, weeks_ago=1)
    html = page(client_for("member"), url("index"))
    moved = text(section(html, "moved"))
    assert "The index moved −21.4 points." in moved
    assert "Claims portal" in moved
    assert "→ 0 −21.4" in moved  # it cost nothing the week before (not kept)
    weeks = section(html, "weeks")
    assert url("week", snapshot_id=last_week.pk) in weeks


def test_without_any_data_the_index_page_explains_instead_of_showing_zero(
    personas: Personas, client_for: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_source(monkeypatch, [])
    words = text(page(client_for("viewer"), url("index")))
    assert "No component has data yet" in words
    assert "0 / 100" not in words
    assert "No earlier week to compare with yet" in words


def test_a_component_page_lists_every_row_costliest_first(
    personas: Personas, client_for: Clients, sources: list[Component]
) -> None:
    rows = section(page(client_for("member"), url("component", key="gate")), "rows")
    assert rows.index("Claims portal") < rows.index("Fleet app")  # the row that cost nothing too
    assert 'href="/claims/"' in rows


def test_a_component_page_pages_its_rows_by_fifty(
    personas: Personas, client_for: Clients, sources: list[Component]
) -> None:
    sources[0] = Component(
        "gate", "Gate", "", 15, evidence=tuple(Evidence(f"r:{n}", f"Row {n:03}", n % 100) for n in range(120))
    )
    client = client_for("member")
    first = text(section(page(client, url("component", key="gate")), "rows"))
    third = text(section(page(client, url("component", key="gate") + "?page=3"), "rows"))
    assert "120 rows" in first
    assert "Page 1 of 3" in first
    assert "Row 000" in first
    assert "Row 099" not in first
    assert "Page 3 of 3" in third


def test_an_unknown_component_is_a_404(
    personas: Personas, client_for: Clients, sources: list[Component]
) -> None:
    page(client_for("owner"), url("component", key="astrology"), 404)


def test_a_week_page_shows_its_snapshot_and_what_moved_since_the_week_before(
    personas: Personas, client_for: Clients, sources: list[Component], initiative: Initiative
) -> None:
    worse = fixed_components(initiative.pk)
    worse[1] = Component(
        "whycheck",
        "Why-check agreement",
        "",
        20,
        evidence=(Evidence("round:1", "Claims portal why", 0, detail="misaligned"),),
    )
    before = snapshot(personas, fixed_components(initiative.pk), weeks_ago=2)
    after = snapshot(personas, worse, weeks_ago=1)
    html = page(client_for("member"), url("week", snapshot_id=after.pk))
    words = text(html)
    assert "21 / 100" in words  # 15/35*50 + 20/35*0 = 21.4
    moved = text(section(html, "moved"))
    assert "The index moved −57.1 points." in moved
    assert "Claims portal why" in moved
    assert "misaligned" in moved
    assert url("week", snapshot_id=before.pk) in html  # the way back a week
    assert "Claims portal why" in text(section(html, "rows"))


def test_another_organisations_week_is_a_404(
    personas: Personas, client_for: Clients, sources: list[Component]
) -> None:
    theirs = IndexSnapshot.objects.create(
        organization=personas.other_org, week=math.monday(timezone.localdate())
    )
    page(client_for("owner"), url("week", snapshot_id=theirs.pk), 404)


def test_an_initiative_page_shows_its_own_index_and_rows(
    personas: Personas, client_for: Clients, sources: list[Component], initiative: Initiative
) -> None:
    html = page(client_for("member"), url("initiative", initiative_id=initiative.pk))
    words = text(html)
    assert "Alignment of Claims portal" in words
    assert "57 / 100" in words  # gate 0 (weight 15) and whycheck 100 (weight 20): 2000/35
    rows = text(section(html, "rows"))
    assert "Claims portal why" in rows
    assert "Fleet app" not in rows


def test_the_initiative_page_of_strategy_shows_its_index_to_insiders_only(
    personas: Personas, client_for: Clients, sources: list[Component], initiative: Initiative
) -> None:
    detail = reverse(
        "strategy:initiative_detail", kwargs={"org_slug": "acme", "initiative_id": initiative.pk}
    )
    html = page(client_for("member"), detail)
    alignment = section(html, "alignment")
    assert "57 / 100" in text(alignment)
    assert url("initiative", initiative_id=initiative.pk) in alignment


def test_the_weights_page_shows_each_weight_and_its_share(
    personas: Personas, client_for: Clients, sources: list[Component]
) -> None:
    html = page(client_for("viewer"), url("weights"))
    table = text(section(html, "weights"))
    assert "Why-check agreement Latest verdicts. 20 20 57%" in table
    assert "left out (no data)" in table
    assert "Save the weights" not in html  # readers see the weights, not the form
    assert "Owners and admins set the weights." in table


def test_an_admin_saves_new_weights_and_the_index_uses_them(
    personas: Personas, client_for: Clients, sources: list[Component]
) -> None:
    client = client_for("admin")
    form = {key: str(weight) for key, weight in math.DEFAULT_WEIGHTS.items()} | {"gate": "0"}
    response = client.post(url("weights"), form)
    assert response.status_code == 302
    assert InsightSettings.objects.get(organization=personas.org).weights == {"gate": 0}
    assert AuditEvent.objects.for_org(personas.org).filter(action="insights.weights_changed").exists()
    words = text(page(client, url("index")))
    assert "100 / 100" in words  # only the why check is left, at 100


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"gate": "101"}, "less than or equal to 100"),
        ({"gate": "-1"}, "greater than or equal to 0"),
        ({"gate": "ten"}, "Give a whole number from 0 to 100."),
        ({"gate": ""}, "Give a weight from 0 to 100"),
        (dict.fromkeys(math.DEFAULT_WEIGHTS, "0"), "At least one component needs a weight above 0."),
    ],
)
def test_bad_weights_come_back_with_the_message_and_change_nothing(
    personas: Personas, client_for: Clients, sources: list[Component], change: dict[str, str], message: str
) -> None:
    form = {key: str(weight) for key, weight in math.DEFAULT_WEIGHTS.items()} | change
    response = client_for("owner").post(url("weights"), form)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not InsightSettings.objects.filter(organization=personas.org).exclude(weights={}).exists()


def test_reading_the_pages_writes_nothing(
    personas: Personas, client_for: Clients, sources: list[Component], initiative: Initiative
) -> None:
    week = snapshot(personas, fixed_components(initiative.pk), weeks_ago=1)
    client = client_for("owner")
    paths = [
        url("index"),
        url("component", key="gate"),
        url("week", snapshot_id=week.pk),
        url("initiative", initiative_id=initiative.pk),
        url("weights"),
    ]
    client.get(paths[0])  # the session settles
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        writes = [q["sql"] for q in captured if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
        assert not writes, (path, writes)


def test_the_index_page_runs_as_many_queries_with_many_weeks_as_with_one(
    personas: Personas, client_for: Clients, sources: list[Component], initiative: Initiative
) -> None:
    client = client_for("owner")
    client.get(url("weights"))  # the session settles

    def queries() -> int:
        from tandem.core import cache

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("index")).status_code == 200
        return len(captured)

    snapshot(personas, fixed_components(initiative.pk), weeks_ago=1)
    one = queries()
    for weeks_ago in range(2, 40):
        snapshot(personas, fixed_components(initiative.pk), weeks_ago=weeks_ago)
    assert queries() == one
