"""Delivery in the demo organisation: three initiatives with baselines, deliverables re-planned
(explained or not), one rejected and accepted at its second offer, one early, one awaiting the
business now; change requests of both sides (approved, rejected, deferred, open) and an
unexplained budget move; end-user feedback, a quiet deliverable and alerts on the dashboard.

The demo is seeded once for the module (it takes seconds) and rolled back after it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from enum import Enum

import pytest
from django.db import transaction
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from tandem.core.demo import demo_seed
from tandem.core.models import Organization, Side
from tandem.delivery import demo as delivery_demo
from tandem.delivery import demo_nl as delivery_nl
from tandem.delivery import selectors
from tandem.delivery.models import (
    Baseline,
    ChangeRequest,
    ChangeStatus,
    Decision,
    Deliverable,
    DeliverableStatus,
    Feedback,
    PlanChange,
    RejectionReason,
    Replan,
)
from tandem.strategy import demo as strategy_demo
from tandem.strategy.models import Initiative


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Organization]:
    """The English demo, seeded once for this module inside a transaction rolled back after it
    (each test's own transaction is a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        org, created = demo_seed(password="x" * 16)
        assert created
        yield org
        transaction.set_rollback(True)


@pytest.fixture
def org(demo: Organization, db: None) -> Organization:
    return demo


def _initiative(org: Organization, index: int) -> Initiative:
    return Initiative.objects.for_org(org).get(title=strategy_demo.INITIATIVES[index].title)


def _deliverable(org: Organization, key: str) -> Deliverable:
    spec = next(s for s in delivery_demo.DELIVERABLES if s.key == key)
    return Deliverable.objects.for_org(org).get(title=spec.title)


def test_deliverables_on_three_initiatives_through_their_whole_life(org: Organization) -> None:
    deliverables = list(Deliverable.objects.for_org(org))
    assert 8 <= len(deliverables) <= 12
    assert len({d.initiative_id for d in deliverables}) == 3
    statuses = {d.status for d in deliverables}
    assert {
        DeliverableStatus.PLANNED,
        DeliverableStatus.OFFERED,
        DeliverableStatus.ACCEPTED,
        DeliverableStatus.ACCEPTED_WITH_REMARKS,
    } <= statuses
    assert all(3 <= d.criteria.count() <= 5 for d in deliverables)
    assert {bool(d.owner_member_id) for d in deliverables} == {True, False}  # members and parties
    owners = {d.owner_member.side for d in deliverables if d.owner_member}
    assert owners == {Side.BUSINESS, Side.IT}
    parties = {d.owner_party.name for d in deliverables if d.owner_party}
    assert {"Cloudline", "RouteWise", "Platform team"} <= parties
    today = timezone.localdate()
    planned = [d for d in deliverables if d.status == DeliverableStatus.PLANNED]
    assert len(planned) >= 2
    assert all(d.due_date > today for d in planned)
    assert min(d.created_at for d in deliverables) < timezone.now() - timedelta(days=140)
    for index in (delivery_demo.ONBOARDING, delivery_demo.TRACKING, delivery_demo.ROUTES):
        initiative = _initiative(org, index)
        baseline = Baseline.objects.for_org(org).get(initiative=initiative)
        assert baseline.taken_at < timezone.now() - timedelta(days=3)
        assert baseline.budget_amount is not None
        assert initiative.budget_amount is not None
        assert baseline.budget_amount < initiative.budget_amount  # grown since the approval
    # The plans end on the strategy demo's figures.
    tracking = _initiative(org, delivery_demo.TRACKING)
    assert tracking.budget_amount == strategy_demo.INITIATIVES[delivery_demo.TRACKING].budget
    assert tracking.target_date == today + timedelta(days=strategy_demo.INITIATIVES[0].target)


def test_one_rejected_as_not_what_we_expected_then_accepted_at_the_second_offer(org: Organization) -> None:
    labels = _deliverable(org, "labels")
    first, second = labels.offers.order_by("number")
    assert first.decision == Decision.REJECTED
    assert first.rejection_reason == RejectionReason.NOT_WHAT_WE_EXPECTED
    assert first.remarks
    assert first.failed_criteria.count() == 2
    assert second.decision == Decision.ACCEPTED
    assert labels.status == DeliverableStatus.ACCEPTED
    assert labels.delivered_on == second.offered_on > labels.first_committed_date
    assert first.decided_at is not None
    assert second.decided_at is not None
    assert first.decided_at < second.decided_at < timezone.now()
    [replan] = labels.replans.all()
    assert replan.is_explained
    assert replan.asked_side == Side.BUSINESS
    assert labels.criteria.count() == 4  # the change request added one


def test_early_on_time_late_with_remarks_and_one_awaiting_the_business_now(org: Organization) -> None:
    early = _deliverable(org, "contract")
    assert early.delivered_on is not None
    assert early.delivered_on < early.first_committed_date
    remarks = Deliverable.objects.for_org(org).filter(status=DeliverableStatus.ACCEPTED_WITH_REMARKS)
    assert remarks.exists()
    assert all(d.offers.get().remarks for d in remarks)
    [waiting] = Deliverable.objects.for_org(org).filter(status=DeliverableStatus.OFFERED)
    assert waiting.offers.get().decision == ""
    assert waiting.due_date != waiting.first_committed_date  # re-planned before
    replans = list(Replan.objects.for_org(org))
    assert {r.asked_side for r in replans} == {Side.BUSINESS, Side.IT, Side.PARTNER}
    assert {r.is_explained for r in replans} == {True, False}
    twice = _deliverable(org, "window")
    assert twice.replans.count() == 2


def test_change_requests_of_both_sides_decided_every_way_and_one_unexplained_move(
    org: Organization,
) -> None:
    changes = list(ChangeRequest.objects.for_org(org))
    sides = [c.requested_side for c in changes]
    assert sides.count(Side.BUSINESS) > sides.count(Side.IT) > 0
    statuses = [c.status for c in changes]
    assert statuses.count(ChangeStatus.APPROVED) >= 2
    assert statuses.count(ChangeStatus.REJECTED) == 1
    assert statuses.count(ChangeStatus.DEFERRED) == 1
    assert statuses.count(ChangeStatus.OPEN) == 1
    assert all(c.decision_reason for c in changes if c.status != ChangeStatus.OPEN)
    moves = list(PlanChange.objects.for_org(org))
    explained = [m for m in moves if m.is_explained]
    assert {m.field for m in explained} == {"budget", "target_date"}
    [unexplained] = [m for m in moves if not m.is_explained]
    assert unexplained.initiative == _initiative(org, delivery_demo.ROUTES)
    assert timezone.localtime(unexplained.created_at).date() < timezone.localdate()  # backdated


def test_end_user_feedback_with_a_mean_and_a_quiet_deliverable(org: Organization) -> None:
    answers = list(Feedback.objects.for_org(org))
    assert len(answers) >= 15
    assert len({f.deliverable_id for f in answers}) >= 2
    ratings = [f.rating for f in answers]
    assert ratings.count(2) >= 1
    assert sum(r >= 4 for r in ratings) > len(ratings) / 2
    assert sum(bool(f.name) for f in answers) < len(answers) / 2  # most anonymous
    assert len({f.submitted_on for f in answers}) > 10  # spread over the weeks
    assert max(f.submitted_on for f in answers) <= timezone.localdate()
    summary = selectors.feedback_summary(org)
    assert summary.mean is not None
    assert 3.5 < summary.mean < 4.7
    assert summary.asked == 18  # the feedback link went to the end users of two deliverables
    assert summary.response_rate is not None
    assert 0 < summary.response_rate < 1
    recipients = Deliverable.objects.for_org(org).exclude(feedback_recipients="")
    for d in recipients:
        domains = {line.rsplit("@", 1)[1] for line in d.feedback_recipients.splitlines()}
        assert domains <= {"example.com", "example.nl"}
    quiet = selectors.quiet_deliverables(org)
    assert quiet
    assert _deliverable(org, "welcome") in quiet


def test_the_dashboard_shows_alerts(org: Organization) -> None:
    board = selectors.dashboard(org)
    rows = {row.label: row for row in board.initiatives}
    onboarding = rows[strategy_demo.INITIATIVES[delivery_demo.ONBOARDING].title]
    tracking = rows[strategy_demo.INITIATIVES[delivery_demo.TRACKING].title]
    routes = rows[strategy_demo.INITIATIVES[delivery_demo.ROUTES].title]
    assert {b.code for b in onboarding.breaches} == {"on_time"}
    assert onboarding.figures.on_time_rate == 0.5
    assert onboarding.figures.first_time_right_rate == 0.75
    assert onboarding.figures.rejections == {RejectionReason.NOT_WHAT_WE_EXPECTED: 1}
    assert {b.code for b in tracking.breaches} == {"scope_creep", "unexplained"}
    assert tracking.figures.on_time_rate == 1.0
    assert tracking.figures.unexplained_changes == 2
    assert tracking.figures.scope_creep_index is not None
    assert 0.2 < tracking.figures.scope_creep_index < 0.25
    assert {b.code for b in routes.breaches} == {"unexplained"}
    assert board.quiet
    assert board.organization.accepted == 6
    assert board.organization.on_time_rate is not None
    assert 0.6 < board.organization.on_time_rate < 0.7
    assert [b.code for b in board.organization_breaches] == ["on_time"]
    assert sum(n for _month, _on_time, _ftr, n in board.trend) == 6  # all within the year


def _numbers(value: object) -> object:
    """Everything of a demo's content but its words (as tests/test_demo_nl.py compares them)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(_numbers(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return tuple(_numbers(v) for v in value.values())
    if isinstance(value, list | tuple):
        return tuple(_numbers(v) for v in value)
    if isinstance(value, str) and not isinstance(value, Enum):
        return str
    return value


def test_the_dutch_words_tell_the_same_story() -> None:
    for name in ("DELIVERABLES", "CHANGES"):
        assert _numbers(getattr(delivery_nl, name)) == _numbers(getattr(delivery_demo, name)), name
    english = {s.title for s in delivery_demo.DELIVERABLES}
    dutch = {s.title for s in delivery_nl.DELIVERABLES}
    assert not english & dutch
    # The words that are not words: keys and people stay as they are.
    for en, nl in zip(delivery_demo.DELIVERABLES, delivery_nl.DELIVERABLES, strict=True):
        assert (en.key, en.owner, en.recipients) == (nl.key, nl.owner, nl.recipients)
        assert [(r.asked_by, r.change) for r in en.replans] == [(r.asked_by, r.change) for r in nl.replans]
        assert [o.by for o in en.offers] == [o.by for o in nl.offers]
        assert [f.name for f in en.feedback] == [f.name for f in nl.feedback]
    for en_change, nl_change in zip(delivery_demo.CHANGES, delivery_nl.CHANGES, strict=True):
        assert (en_change.key, en_change.asked_by, en_change.deliverable, en_change.decided_by) == (
            nl_change.key,
            nl_change.asked_by,
            nl_change.deliverable,
            nl_change.decided_by,
        )
