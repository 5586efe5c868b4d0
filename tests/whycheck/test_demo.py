"""The demo organisation has why checks in every state, scored by the real scorer, and a misaligned
one that paused an initiative."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.core.models import Organization, Side
from tandem.strategy.models import Initiative, Stage, Transition
from tandem.whycheck import demo
from tandem.whycheck.models import RoundStatus, Verdict, WhyAnswer, WhyCheck
from tandem.whycheck.services import PAUSE_REASON
from tests.conftest import SeededDemo


@pytest.fixture
def org(demo_module: SeededDemo, db: None) -> Organization:
    """The demo, seeded once for this module (``demo_module``); each test's writes are rolled back."""
    # Generous bound (slow CI machines, a cold model load included).
    assert demo_module.seconds_once() < 30
    return Organization.objects.get(pk=demo_module.org.pk)


def rounds(org: Organization) -> list[WhyCheck]:
    return list(WhyCheck.objects.for_org(org).select_related("initiative").order_by("created_at", "id"))


def answered_sides(round_: WhyCheck) -> set[str]:
    return set(
        WhyAnswer.objects.for_org(round_.organization).filter(why_check=round_).values_list("side", flat=True)
    )


def last_transition(initiative: Initiative) -> Transition:
    last = (
        Transition.objects.for_org(initiative.organization)
        .filter(initiative=initiative)
        .order_by("-created_at", "-id")
        .first()
    )
    assert last is not None
    return last


def test_every_round_gets_the_verdict_it_was_written_for(org: Organization) -> None:
    """The texts were tuned on the real scorer: a new calibration that changes one shows here."""
    played = rounds(org)
    assert len(played) == len(demo.ROUNDS)
    by_initiative: dict[str, list[WhyCheck]] = {}
    for round_ in played:
        by_initiative.setdefault(round_.initiative.title, []).append(round_)
    for spec in demo.ROUNDS:
        round_ = by_initiative[spec.initiative].pop(0)
        assert round_.verdict == spec.expect, (
            spec.initiative,
            round_.score,
            round_.result.get("explanation"),
        )
        if spec.expect:
            assert round_.score is not None
            assert 0 <= round_.score <= 1
            assert round_.result["explanation"].startswith(Verdict(spec.expect).label.split()[0])


def test_the_demo_has_why_checks_in_every_state(org: Organization) -> None:
    played = rounds(org)
    open_rounds = [r for r in played if r.status == RoundStatus.OPEN]
    # Open rounds: one nobody answered yet, one where only the business co-lead answered.
    assert {frozenset(answered_sides(r)) for r in open_rounds} == {frozenset(), frozenset({Side.BUSINESS})}
    assert all(r.verdict == "" and r.score is None and r.scored_at is None for r in open_rounds)
    assert all(r.deadline > timezone.localdate() for r in open_rounds)
    revealed = [r for r in played if r.status == RoundStatus.REVEALED]
    assert {r.verdict for r in revealed} == set(Verdict.values)
    assert all(r.score is not None and r.result.get("explanation") for r in revealed)
    # Needs discussion: one round settled by both co-leads, one with only the business decision so far.
    partial = [r for r in revealed if r.verdict == Verdict.PARTIAL]
    assert any(r.decided for r in partial)
    assert any(r.business_decision_at and r.it_decision_at is None for r in partial)
    # Closed before the deadline passed with one answer: shown, never scored.
    closed = [r for r in played if r.status == RoundStatus.CLOSED]
    assert closed
    assert all(r.verdict == "" and r.closed_at and r.deadline < timezone.localdate() for r in closed)
    assert any(len(answered_sides(r)) == 1 for r in closed)
    # An admin overrode one misaligned round, with a reason.
    overridden = [r for r in revealed if r.override_at is not None]
    assert len(overridden) == 1
    assert overridden[0].verdict == Verdict.MISALIGNED
    assert overridden[0].override_reason.strip()
    assert overridden[0].initiative.stage != Stage.PAUSED
    # Answers in both languages, with targets, units and dates.
    answers = list(WhyAnswer.objects.for_org(org))
    assert any(" de " in a.why for a in answers)
    assert any(" the " in a.why for a in answers)
    for answer in answers:
        assert 1 <= len(answer.measures) <= 4
        assert all(m["target"] is not None and m["unit"] and m["by"] for m in answer.measures)


def test_a_misaligned_round_paused_an_initiative_that_was_in_delivery(org: Organization) -> None:
    paused = [r for r in rounds(org) if r.paused_initiative and r.initiative.stage == Stage.PAUSED]
    assert len(paused) == 1
    round_ = paused[0]
    assert round_.verdict == Verdict.MISALIGNED
    assert round_.flagged_for_review
    assert round_.override_at is None
    initiative = round_.initiative
    assert initiative.paused_from in (Stage.IN_DELIVERY, Stage.APPROVED)
    last = last_transition(initiative)
    assert last.to_stage == Stage.PAUSED
    assert last.reason.startswith(PAUSE_REASON)
    assert last.created_at == round_.scored_at  # the timeline shows the pause when it happened


def test_one_initiative_has_a_history_where_realigning_lifted_the_pause(org: Organization) -> None:
    scored = Counter(r.initiative_id for r in rounds(org) if r.scored_at is not None)
    initiative_id, count = scored.most_common(1)[0]
    assert count >= 3
    history = list(WhyCheck.objects.for_org(org).filter(initiative_id=initiative_id).order_by("scored_at"))
    verdicts = [r.verdict for r in history]
    assert Verdict.MISALIGNED in verdicts
    assert verdicts[-1] == Verdict.ALIGNED
    assert verdicts.index(Verdict.MISALIGNED) < len(verdicts) - 1
    first, last = history[0].scored_at, history[-1].scored_at
    assert first is not None
    assert last is not None
    assert last - first >= timedelta(weeks=6)
    initiative = Initiative.objects.for_org(org).get(pk=initiative_id)
    assert initiative.stage == Stage.IN_DELIVERY
    stages = [
        t.to_stage for t in Transition.objects.for_org(org).filter(initiative=initiative).order_by("id")
    ]
    assert stages[-2:] == [Stage.PAUSED, Stage.IN_DELIVERY]
    assert last_transition(initiative).reason.startswith("why check: aligned")


def test_timestamps_tell_the_story_in_order(org: Organization) -> None:
    now = timezone.now()
    played = rounds(org)
    assert now - played[0].created_at >= timedelta(weeks=8)
    for round_ in played:
        answers = list(WhyAnswer.objects.for_org(org).filter(why_check=round_))
        assert all(round_.created_at < a.submitted_at < now for a in answers)
        if round_.revealed_at is not None:
            assert all(a.submitted_at <= round_.revealed_at for a in answers)
        if round_.scored_at is not None:
            assert round_.revealed_at is not None
            assert round_.revealed_at <= round_.scored_at < now
        for moment in (
            round_.business_decision_at,
            round_.it_decision_at,
            round_.override_at,
            round_.closed_at,
        ):
            assert moment is None or round_.created_at < moment < now
    for initiative in Initiative.objects.for_org(org):
        moments = list(
            Transition.objects.for_org(org)
            .filter(initiative=initiative)
            .order_by("id")
            .values_list("created_at", flat=True)
        )
        assert moments == sorted(moments)


def test_rounds_start_only_where_both_co_leads_are_named_and_the_initiative_is_not_finished(
    org: Organization,
) -> None:
    for round_ in rounds(org):
        initiative = round_.initiative
        assert initiative.business_co_lead_id
        assert initiative.it_co_lead_id
        assert initiative.stage not in (Stage.CLOSED, Stage.CANCELLED)
