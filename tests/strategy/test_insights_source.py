"""The strategy app's components of the alignment index (gate, co-leadership, shared objectives),
its "what needs me" check-ins and its getting-started steps."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core.insights import Component
from tandem.core.models import Organization
from tandem.strategy import insights
from tandem.strategy.gate import GATE_CODES
from tandem.strategy.models import (
    Initiative,
    KeyResult,
    KeyResultLink,
    Objective,
    ObjectiveStatus,
    Stage,
    SuccessMeasure,
)
from tests.conftest import Personas

TODAY = date(2026, 5, 4)


def objective(
    p: Personas, title: str, *, business: Any = None, it: Any = None, status: str = "active"
) -> Objective:
    return Objective.objects.create(
        organization=p.org,
        title=title,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        business_owner=business,
        it_owner=it,
        status=status,
    )


def initiative(p: Personas, title: str, *, stage: str = Stage.APPROVED, **fields: Any) -> Initiative:
    return Initiative.objects.create(organization=p.org, title=title, stage=stage, **fields)


def link(p: Personas, item: Initiative, goal: Objective) -> None:
    kr = KeyResult.objects.create(
        organization=p.org, objective=goal, metric=f"KR of {goal}", baseline=0, target=1
    )
    KeyResultLink.objects.create(organization=p.org, initiative=item, key_result=kr)


def components(org: Organization) -> dict[str, Component]:
    return {c.key: c for c in insights.index_components(org, timezone.now())}


def points(component: Component, key: str) -> float:
    return next(row.points for row in component.evidence if row.key == key)


def test_a_complete_initiative_meets_the_whole_gate_and_an_empty_one_costs_points(personas: Personas) -> None:
    p = personas
    shared = objective(p, "Faster claims", business=p.business_lead, it=p.it_lead)
    done = initiative(
        p,
        "Claims in a day",
        business_outcome="Customers get their money in a day.",
        business_co_lead=p.business_lead,
        it_co_lead=p.it_lead,
        end_user_input_waiver="Regulation prescribes the process.",
    )
    SuccessMeasure.objects.create(organization=p.org, initiative=done, name="Claims in a day", target=60)
    link(p, done, shared)
    empty = initiative(p, "Vague idea")

    gate = components(p.org)["gate"]

    assert points(gate, f"initiative:{done.pk}") == 100
    # Only the why check's element (no misaligned verdict) is met by an initiative with nothing.
    assert points(gate, f"initiative:{empty.pk}") == pytest.approx(100 / len(GATE_CODES))
    row = next(r for r in gate.evidence if r.initiative_id == empty.pk)
    assert "business outcome" in row.detail
    assert row.url.endswith(f"/initiatives/{empty.pk}/")


def test_only_active_initiatives_count(personas: Personas) -> None:
    p = personas
    for stage in (Stage.IDEA, Stage.CLOSED, Stage.CANCELLED):
        initiative(p, f"In {stage}", stage=stage)
    paused = initiative(p, "Paused", stage=Stage.PAUSED)

    found = components(p.org)

    assert [row.initiative_id for row in found["gate"].evidence] == [paused.pk]


def test_no_active_initiative_means_no_data_not_zero(personas: Personas) -> None:
    found = components(personas.org)

    assert found["gate"].score is None
    assert found["coleads"].score is None
    assert found["gate"].missing


def test_co_leadership_counts_both_sides_half_for_one_and_nothing_for_none(personas: Personas) -> None:
    p = personas
    both = initiative(p, "Both", business_co_lead=p.business_lead, it_co_lead=p.it_lead)
    one = initiative(p, "Business only", business_co_lead=p.business_lead)
    wrong_side = initiative(p, "Two business people", business_co_lead=p.business_lead, it_co_lead=p.member)
    none = initiative(p, "Nobody")

    coleads = components(p.org)["coleads"]

    assert points(coleads, f"initiative:{both.pk}") == 100
    assert points(coleads, f"initiative:{one.pk}") == 50
    assert points(coleads, f"initiative:{wrong_side.pk}") == 50
    assert points(coleads, f"initiative:{none.pk}") == 0


def test_a_co_lead_who_left_the_organisation_counts_as_missing(personas: Personas) -> None:
    p = personas
    item = initiative(p, "Both", business_co_lead=p.business_lead, it_co_lead=p.it_lead)
    p.it_lead.is_active = False
    p.it_lead.save()

    assert points(components(p.org)["coleads"], f"initiative:{item.pk}") == 50


def test_serving_a_shared_objective_counts_full_a_siloed_one_half_none_nothing(personas: Personas) -> None:
    p = personas
    shared = objective(p, "Shared", business=p.business_lead, it=p.it_lead)
    siloed = objective(p, "IT only", it=p.it_lead, status=ObjectiveStatus.DRAFT)
    serves_shared, serves_siloed, serves_none = (initiative(p, t) for t in ("A", "B", "C"))
    link(p, serves_shared, shared)
    link(p, serves_siloed, siloed)

    found = components(p.org)["objectives"]

    assert points(found, f"initiative:{serves_shared.pk}") == 100
    assert points(found, f"initiative:{serves_siloed.pk}") == 50
    assert points(found, f"initiative:{serves_none.pk}") == 0
    # The siloed objective is a row of its own that costs points.
    assert points(found, f"objective:{siloed.pk}") == 0
    assert f"objective:{shared.pk}" not in {row.key for row in found.evidence}


def test_a_siloed_objective_lowers_the_objectives_score(personas: Personas) -> None:
    p = personas
    shared = objective(p, "Shared", business=p.business_lead, it=p.it_lead)
    link(p, initiative(p, "A"), shared)
    before = components(p.org)["objectives"].score
    objective(p, "Business only", business=p.owner, status=ObjectiveStatus.DRAFT)
    objective(p, "Achieved long ago", business=p.owner, status=ObjectiveStatus.ACHIEVED)

    after = components(p.org)["objectives"]

    assert before == 100
    assert after.score == 50
    assert len(after.evidence) == 2  # the achieved one no longer counts


def _queries(org: Organization) -> int:
    with CaptureQueriesContext(connection) as captured:
        insights.index_components(org, timezone.now())
    return len(captured.captured_queries)


def test_the_components_cost_the_same_queries_for_few_or_many_initiatives(personas: Personas) -> None:
    p = personas
    shared = objective(p, "Shared", business=p.business_lead, it=p.it_lead)
    for n in range(3):
        link(p, initiative(p, f"Few {n}", business_co_lead=p.business_lead), shared)
    few = _queries(p.org)
    for n in range(30):
        link(p, initiative(p, f"Many {n}", it_co_lead=p.it_lead), shared)

    assert _queries(p.org) == few <= 3


def test_a_stale_key_result_of_my_objective_asks_me_for_a_check_in(personas: Personas) -> None:
    p = personas
    mine = objective(p, "Mine", business=p.business_lead, it=p.it_lead)
    theirs = objective(p, "Theirs", business=p.owner, it=p.admin)
    now = timezone.now()
    stale = KeyResult.objects.create(organization=p.org, objective=mine, metric="NPS", baseline=0, target=1)
    fresh = KeyResult.objects.create(organization=p.org, objective=mine, metric="Churn", baseline=0, target=1)
    other = KeyResult.objects.create(
        organization=p.org, objective=theirs, metric="Cost", baseline=0, target=1
    )
    KeyResult.objects.for_org(p.org).filter(pk__in=[stale.pk, other.pk]).update(
        last_check_in_at=now - timedelta(days=20)
    )
    KeyResult.objects.for_org(p.org).filter(pk=fresh.pk).update(last_check_in_at=now - timedelta(days=2))

    items = insights.needs_me(p.business_lead, timezone.localdate())

    assert [(i.kind, i.title) for i in items] == [("check_in", "NPS")]
    assert items[0].is_overdue(timezone.localdate())
    assert items[0].url.endswith(f"/key-results/{stale.pk}/")
    assert insights.needs_me(p.member, timezone.localdate()) == []


def test_the_setup_steps_tick_off_a_shared_objective_and_a_co_led_initiative(personas: Personas) -> None:
    p = personas
    assert [(s.key, s.done, s.order) for s in insights.setup_steps(p.org)] == [
        ("shared_objective", False, 30),
        ("co_led_initiative", False, 40),
    ]
    objective(p, "Shared", business=p.business_lead, it=p.it_lead)
    initiative(p, "Co-led", business_co_lead=p.business_lead, it_co_lead=p.it_lead)

    assert all(step.done for step in insights.setup_steps(p.org))
