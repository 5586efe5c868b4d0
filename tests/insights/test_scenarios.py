"""Scenarios: the alignment index, as ``selectors.index_now`` computes it from every app's source,
moves the right way for each component and equals a hand computation on fixed data. Plus what the
apps say needs a person and their getting-started steps, collected through the hooks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core import cache
from tandem.core.models import Organization
from tandem.core.navigation import app_hooks
from tandem.insights import selectors
from tandem.insights.index import Breakdown
from tandem.strategy.gate import GATE_CODES
from tandem.strategy.models import (
    Initiative,
    KeyResult,
    KeyResultLink,
    Objective,
    ObjectiveStatus,
    Stage,
    SuccessMeasure,
    Transition,
    TransitionCause,
)
from tandem.whycheck.models import RoundStatus, Verdict, WhyCheck
from tests.conftest import Personas

NOW = timezone.now()
# The documented default weights of the components that have data here.
GATE, COLEADS, OBJECTIVES, WHYCHECK = 15, 10, 15, 20


@dataclass
class Portfolio:
    shared: Objective
    aligned: Initiative  # complete, co-led, serves the shared objective, aligned why check
    partial: Initiative  # a stated outcome and a business co-lead, nothing else


def live(org: Organization) -> Breakdown:
    """The live index afresh: the tests write straight to the database, which bumps no version."""
    cache.clear()
    return selectors.index_now(org)


def scored_round(p: Personas, item: Initiative, verdict: str, days_ago: float) -> WhyCheck:
    at = NOW - timedelta(days=days_ago)
    made = WhyCheck.objects.create(
        organization=p.org,
        initiative=item,
        deadline=at.date(),
        status=RoundStatus.CLOSED,
        verdict=verdict,
        scored_at=at,
    )
    WhyCheck.objects.for_org(p.org).filter(pk=made.pk).update(created_at=at - timedelta(hours=1))
    return made


@pytest.fixture
def portfolio(personas: Personas) -> Portfolio:
    p = personas
    shared = Objective.objects.create(
        organization=p.org,
        title="Claims paid in a day",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        business_owner=p.business_lead,
        it_owner=p.it_lead,
        status=ObjectiveStatus.ACTIVE,
    )
    kr = KeyResult.objects.create(
        organization=p.org, objective=shared, metric="Paid in a day", baseline=0, target=60
    )
    aligned = Initiative.objects.create(
        organization=p.org,
        title="Straight-through claims",
        stage=Stage.IN_DELIVERY,
        business_outcome="Customers are paid within a day.",
        business_co_lead=p.business_lead,
        it_co_lead=p.it_lead,
        end_user_input_waiver="The regulator prescribes the process.",
    )
    SuccessMeasure.objects.create(organization=p.org, initiative=aligned, name="Paid in a day", target=60)
    KeyResultLink.objects.create(organization=p.org, initiative=aligned, key_result=kr)
    scored_round(p, aligned, Verdict.ALIGNED, days_ago=60)
    partial = Initiative.objects.create(
        organization=p.org,
        title="New broker portal",
        stage=Stage.APPROVED,
        business_outcome="Brokers file claims themselves.",
        business_co_lead=p.business_lead,
    )
    return Portfolio(shared, aligned, partial)


def test_the_index_equals_a_hand_computation_and_leaves_out_components_without_data(
    personas: Personas, portfolio: Portfolio
) -> None:
    found = live(personas.org)

    # The partial initiative meets the outcome, its business co-lead and the why check's element
    # (no misaligned verdict): every element but four.
    partial_gate = 100 * (len(GATE_CODES) - 4) / len(GATE_CODES)
    gate = (100 + partial_gate) / 2
    coleads = (100 + 50) / 2
    objectives = (100 + 0) / 2
    whycheck = 100.0  # only the aligned initiative has a verdict
    expected = (GATE * gate + COLEADS * coleads + OBJECTIVES * objectives + WHYCHECK * whycheck) / (
        GATE + COLEADS + OBJECTIVES + WHYCHECK
    )
    assert found.index == pytest.approx(expected)
    # No survey results, deliveries, service levels or review series: left out, not zero.
    for key in ("perception", "delivery", "service_levels", "habit"):
        component = found.component(key)
        assert component is not None
        assert component.score is None
        assert component.missing
        assert not component.counted
    assert {c.key for c in found.counted} == {"gate", "coleads", "objectives", "whycheck"}
    # Every point lost traces back to a row.
    assert sum(row.loss for row in found.rows) == pytest.approx(100 - expected)


def test_a_misaligned_why_check_lowers_the_index_and_realignment_raises_it(
    personas: Personas, portfolio: Portfolio
) -> None:
    before = live(personas.org).index
    scored_round(personas, portfolio.aligned, Verdict.MISALIGNED, days_ago=5)

    misaligned = live(personas.org)

    assert misaligned.index is not None
    assert before is not None
    assert misaligned.index < before
    top = selectors.top_causes(misaligned, 1)[0]
    assert (top.component, top.initiative_id) == ("whycheck", portfolio.aligned.pk)

    scored_round(personas, portfolio.aligned, Verdict.ALIGNED, days_ago=1)
    realigned = live(personas.org).index

    assert realigned is not None
    assert realigned > misaligned.index
    assert realigned == pytest.approx(before)  # aligned again, and realigned within the week


def test_a_slow_realignment_raises_the_index_less_than_a_quick_one(
    personas: Personas, portfolio: Portfolio
) -> None:
    scored_round(personas, portfolio.aligned, Verdict.MISALIGNED, days_ago=40)
    scored_round(personas, portfolio.aligned, Verdict.ALIGNED, days_ago=10)  # 30 days later
    slow = live(personas.org).index
    WhyCheck.objects.for_org(personas.org).filter(
        verdict=Verdict.ALIGNED, scored_at__gt=NOW - timedelta(days=11)
    ).update(scored_at=NOW - timedelta(days=38))

    quick = live(personas.org).index

    assert slow is not None
    assert quick is not None
    assert slow < quick


def test_a_pause_by_the_why_check_counts_as_misaligned(personas: Personas, portfolio: Portfolio) -> None:
    before = live(personas.org).index
    Initiative.objects.for_org(personas.org).filter(pk=portfolio.aligned.pk).update(stage=Stage.PAUSED)
    Transition.objects.create(
        organization=personas.org,
        initiative=portfolio.aligned,
        from_stage=Stage.IN_DELIVERY,
        to_stage=Stage.PAUSED,
        cause=TransitionCause.WHY_CHECK,
    )

    after = live(personas.org).index

    assert before is not None
    assert after is not None
    assert after < before


def test_a_siloed_objective_lowers_the_index(personas: Personas, portfolio: Portfolio) -> None:
    before = live(personas.org).index
    Objective.objects.create(
        organization=personas.org,
        title="IT cost down",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        it_owner=personas.it_lead,
    )

    after = live(personas.org)

    assert before is not None
    assert after.index is not None
    assert after.index < before
    assert any(row.component == "objectives" and row.label == "IT cost down" for row in after.rows)


def test_a_missing_co_lead_lowers_the_index(personas: Personas, portfolio: Portfolio) -> None:
    before = live(personas.org).index
    Initiative.objects.for_org(personas.org).filter(pk=portfolio.aligned.pk).update(it_co_lead=None)

    after = live(personas.org).index

    assert before is not None
    assert after is not None
    assert after < before


def test_a_failed_gate_lowers_the_index(personas: Personas, portfolio: Portfolio) -> None:
    before = live(personas.org).index
    SuccessMeasure.objects.for_org(personas.org).filter(initiative=portfolio.aligned).delete()

    after = live(personas.org)

    assert before is not None
    assert after.index is not None
    assert after.index < before
    gate = after.component("gate")
    assert gate is not None
    assert gate.score is not None
    assert gate.score < 100


def _queries(org: Organization) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        selectors.compute_now(org)
    return len(captured.captured_queries)


def test_the_index_costs_the_same_queries_for_few_or_many_initiatives(
    personas: Personas, portfolio: Portfolio
) -> None:
    few = _queries(personas.org)
    for n in range(25):
        item = Initiative.objects.create(
            organization=personas.org,
            title=f"Initiative {n}",
            stage=Stage.APPROVED,
            it_co_lead=personas.it_lead,
        )
        scored_round(personas, item, Verdict.PARTIAL, days_ago=n + 1)

    assert _queries(personas.org) == few


# --- What needs me, and the getting-started steps -------------------------------------------------------


def needs(membership: Any) -> list[Any]:
    today = timezone.localdate()
    return [item for source in app_hooks("tandem_needs_me") for item in source(membership, today)]


def test_a_business_lead_is_asked_for_a_why_check_answer_and_a_check_in(
    personas: Personas, portfolio: Portfolio
) -> None:
    p = personas
    WhyCheck.objects.create(
        organization=p.org, initiative=portfolio.aligned, deadline=timezone.localdate() + timedelta(days=5)
    )
    KeyResult.objects.for_org(p.org).update(last_check_in_at=NOW - timedelta(days=30))

    found = needs(p.business_lead)

    assert {(item.kind, item.title) for item in found} == {
        ("answer", "Straight-through claims"),
        ("check_in", "Paid in a day"),
    }
    assert needs(p.partner) == []


def test_the_getting_started_steps_of_the_apps_come_in_order_and_tick_themselves_off(
    personas: Personas, portfolio: Portfolio
) -> None:
    steps = sorted(
        (step for source in app_hooks("tandem_getting_started") for step in source(personas.org)),
        key=lambda step: step.order,
    )

    assert [(s.order, s.key) for s in steps] == [
        (30, "shared_objective"),
        (40, "co_led_initiative"),
        (50, "first_why_check"),
        (60, "review_series"),
        (70, "first_survey"),
        (80, "parties"),
    ]
    assert [s.done for s in steps] == [True, True, True, False, False, False]
    assert all(s.label and s.url for s in steps)
