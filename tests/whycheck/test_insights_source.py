"""The why check's component of the alignment index (latest verdicts, realignment speed), its "what
needs me" answers and its getting-started step. Nothing of an answer's words, and nothing of an
open round, ever reaches the index."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.core.insights import Component
from tandem.core.models import Side
from tandem.strategy.models import Initiative, Stage, Transition, TransitionCause
from tandem.whycheck import insights
from tandem.whycheck.models import RoundStatus, Verdict, WhyAnswer, WhyCheck
from tests.conftest import Personas

NOW = timezone.now()


def co_led(p: Personas, title: str = "Claims in a day", stage: str = Stage.APPROVED) -> Initiative:
    return Initiative.objects.create(
        organization=p.org, title=title, stage=stage, business_co_lead=p.business_lead, it_co_lead=p.it_lead
    )


def round_(
    p: Personas,
    item: Initiative,
    *,
    verdict: str = "",
    scored: datetime | None = None,
    status: str = RoundStatus.CLOSED,
    **fields: Any,
) -> WhyCheck:
    made = WhyCheck.objects.create(
        organization=p.org,
        initiative=item,
        deadline=timezone.localdate() + timedelta(days=7),
        status=status,
        verdict=verdict,
        scored_at=scored,
        **fields,
    )
    if scored is not None:  # rounds are ordered by when they started: just before their verdict
        WhyCheck.objects.for_org(p.org).filter(pk=made.pk).update(created_at=scored - timedelta(hours=1))
    return made


def component(p: Personas, now: datetime = NOW) -> Component:
    [found] = insights.index_components(p.org, now)
    return found


def rows(p: Personas, now: datetime = NOW) -> dict[str, float]:
    return {row.key: row.points for row in component(p, now).evidence}


@pytest.mark.parametrize(("verdict", "expected"), [("aligned", 100), ("partial", 50), ("misaligned", 0)])
def test_the_latest_verdict_scores_the_initiative(personas: Personas, verdict: str, expected: float) -> None:
    item = co_led(personas)
    round_(personas, item, verdict=Verdict.MISALIGNED, scored=NOW - timedelta(days=200))
    latest = round_(personas, item, verdict=verdict, scored=NOW - timedelta(days=100))

    found = component(personas)

    row = next(r for r in found.evidence if r.key == f"initiative:{item.pk}")
    assert row.points == expected
    assert row.initiative_id == item.pk
    assert row.url.endswith(f"/why-checks/{latest.pk}/")


def test_an_open_round_and_a_round_still_being_scored_change_nothing(personas: Personas) -> None:
    item = co_led(personas)
    round_(personas, item, verdict=Verdict.ALIGNED, scored=NOW - timedelta(days=30))
    round_(personas, item, status=RoundStatus.REVEALED)  # waiting for its comparison
    round_(personas, item, status=RoundStatus.OPEN)

    assert rows(personas) == {f"initiative:{item.pk}": 100}


def test_without_a_verdict_there_is_no_data(personas: Personas) -> None:
    round_(personas, co_led(personas), status=RoundStatus.OPEN)

    found = component(personas)

    assert found.score is None
    assert found.missing


def test_an_initiative_the_why_check_paused_counts_as_misaligned(personas: Personas) -> None:
    item = co_led(personas, stage=Stage.PAUSED)
    round_(personas, item, verdict=Verdict.MISALIGNED, scored=NOW - timedelta(days=10))
    Transition.objects.create(
        organization=personas.org,
        initiative=item,
        from_stage=Stage.APPROVED,
        to_stage=Stage.PAUSED,
        cause=TransitionCause.WHY_CHECK,
    )
    # A later "needs discussion" that nobody decided yet does not lift the pause.
    round_(personas, item, verdict=Verdict.PARTIAL, scored=NOW - timedelta(days=2))

    assert rows(personas) == {f"initiative:{item.pk}": 0}


@pytest.mark.parametrize(("days", "expected"), [(0.5, 100), (7, 100), (24.5, 50), (42, 0), (60, 0)])
def test_realignment_speed_scores_full_within_a_week_and_nothing_after_six(
    days: float, expected: float
) -> None:
    assert insights.realignment_points(days) == pytest.approx(expected)


def test_a_quick_realignment_counts_and_the_misalignment_counts_from_its_first_verdict(
    personas: Personas,
) -> None:
    item = co_led(personas)
    start = NOW - timedelta(days=30)
    round_(personas, item, verdict=Verdict.MISALIGNED, scored=start)
    round_(personas, item, verdict=Verdict.MISALIGNED, scored=start + timedelta(days=10))
    aligned = round_(personas, item, verdict=Verdict.ALIGNED, scored=start + timedelta(days=24, hours=12))

    found = rows(personas)

    assert found[f"realignment:{aligned.pk}"] == pytest.approx(50)
    assert found[f"initiative:{item.pk}"] == 100


def test_a_decided_needs_discussion_realigns_and_an_old_realignment_drops_out(personas: Personas) -> None:
    item = co_led(personas)
    start = NOW - timedelta(days=20)
    round_(personas, item, verdict=Verdict.MISALIGNED, scored=start)
    settled = round_(
        personas,
        item,
        verdict=Verdict.PARTIAL,
        scored=start + timedelta(days=2),
        business_decision_at=start + timedelta(days=3),
        it_decision_at=start + timedelta(days=5),
    )

    assert rows(personas)[f"realignment:{settled.pk}"] == 100
    assert f"realignment:{settled.pk}" not in rows(personas, NOW + timedelta(days=91))


def test_realigning_raises_the_component(personas: Personas) -> None:
    item = co_led(personas)
    round_(personas, item, verdict=Verdict.MISALIGNED, scored=NOW - timedelta(days=5))
    before = component(personas).score
    round_(personas, item, verdict=Verdict.ALIGNED, scored=NOW - timedelta(days=1))

    after = component(personas).score

    assert before == 0
    assert after == 100  # aligned now, and realigned within a week


def test_the_index_never_carries_an_answer_or_a_closed_initiative(personas: Personas) -> None:
    item = co_led(personas)
    checked = round_(personas, item, verdict=Verdict.ALIGNED, scored=NOW - timedelta(days=1))
    WhyAnswer.objects.create(
        organization=personas.org,
        why_check=checked,
        side=Side.BUSINESS,
        author=personas.business_lead,
        why="SECRET-PURPOSE",
    )
    closed = co_led(personas, "Done", stage=Stage.CLOSED)
    round_(personas, closed, verdict=Verdict.MISALIGNED, scored=NOW - timedelta(days=1))

    found = component(personas)

    assert "SECRET" not in repr(found)
    assert {row.initiative_id for row in found.evidence} == {item.pk}


def test_an_open_round_waits_for_my_answer_until_my_side_gave_it(personas: Personas) -> None:
    p = personas
    item = co_led(p)
    waiting = round_(p, item, status=RoundStatus.OPEN)
    WhyAnswer.objects.create(
        organization=p.org, why_check=waiting, side=Side.IT, author=p.it_lead, why="Mine, already in."
    )
    today = timezone.localdate()

    [item_due] = insights.needs_me(p.business_lead, today)

    assert (item_due.kind, item_due.title, item_due.due_on) == ("answer", "Claims in a day", waiting.deadline)
    assert item_due.url.endswith(f"/why-checks/{waiting.pk}/")
    assert insights.needs_me(p.it_lead, today) == []
    assert insights.needs_me(p.member, today) == []


def test_the_setup_step_ticks_off_with_a_first_why_check(personas: Personas) -> None:
    [step] = insights.setup_steps(personas.org)
    assert (step.key, step.done, step.order) == ("first_why_check", False, 50)
    round_(personas, co_led(personas), status=RoundStatus.OPEN)

    assert insights.setup_steps(personas.org)[0].done
