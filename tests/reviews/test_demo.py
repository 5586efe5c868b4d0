"""The weekly review in the demo: twelve weeks of history (decisions confirmed by one side only,
actions overdue, wins with people thanked, a habit that slipped for three weeks and recovered) and
the coming review with its agenda generated from the other apps' demo data.

The demo is seeded once for the module and rolled back after it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.reviews import demo as reviews_demo
from tandem.reviews import demo_nl as reviews_nl
from tandem.reviews import habit
from tandem.reviews.models import (
    ActionItem,
    ActionStatus,
    Decision,
    HabitAlert,
    Review,
    ReviewSeries,
    ReviewStatus,
    Win,
)
from tests.conftest import SeededDemo

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def series(demo_module: SeededDemo) -> ReviewSeries:
    return ReviewSeries.objects.for_org(demo_module.org).get()


def test_twelve_weeks_of_reviews_one_cancelled_one_without_it_one_not_held(series: ReviewSeries) -> None:
    past = Review.objects.for_org(series.organization).filter(scheduled_at__lt=timezone.now())
    assert past.filter(status=ReviewStatus.CLOSED).count() == 10
    assert past.filter(status=ReviewStatus.CANCELLED).count() == 1
    sides = [{m.side for m in r.present.all()} for r in past.filter(status=ReviewStatus.CLOSED)]
    assert sides.count({"business"}) == 1  # held without IT
    assert all({"business", "it"} <= s for s in sides if s != {"business"})


def test_the_habit_slipped_for_three_weeks_and_recovered(series: ReviewSeries) -> None:
    score = habit.habit_for_series(series)
    assert len(score.weeks) == 12
    held = [w.components["held"] for w in score.weeks]
    # Oldest first: weeks 12..1 ago; 7 cancelled, 6 held without IT (held), 5 not held at all.
    assert held[5] == 0
    assert held[7] == 0
    assert score.weeks[6].components["both_sides"] == 0
    assert all(w.components["held"] == 1 for w in score.weeks[8:])
    assert score.score is not None
    assert 0 < score.score < 100
    assert not habit.is_slipping(score)  # recovered
    alert = HabitAlert.objects.for_org(series.organization).get()
    assert alert.recovered_at is not None
    assert alert.notified_at is not None


def test_decisions_some_confirmed_by_one_side_only(series: ReviewSeries) -> None:
    decisions = Decision.objects.for_org(series.organization)
    assert decisions.filter(confirmed_at__isnull=False).count() >= 4
    one_sided = decisions.filter(confirmed_at__isnull=True)
    assert one_sided.count() == 2
    assert {d.confirmations.get().side for d in one_sided} == {"business", "it"}


def test_actions_some_done_late_some_overdue_and_wins_thank_people(series: ReviewSeries) -> None:
    org, today = series.organization, timezone.localdate()
    actions = ActionItem.objects.for_org(org)
    overdue = actions.filter(status=ActionStatus.OPEN, due_on__lt=today)
    assert overdue.count() == 2
    late = [a for a in actions.filter(status=ActionStatus.DONE) if a.done_at and a.done_at.date() > a.due_on]
    assert late
    wins = Win.objects.for_org(org)
    assert wins.count() >= 4
    assert all(w.thanked.exists() for w in wins)


def test_the_coming_review_has_a_generated_agenda_within_two_days(series: ReviewSeries) -> None:
    coming = Review.objects.for_org(series.organization).get(status=ReviewStatus.PLANNED)
    assert timezone.now() < coming.scheduled_at < timezone.now() + timedelta(days=4)
    items = list(coming.items.all())
    sources = {i.source for i in items}
    assert {"reviews", "delivery", "whycheck"} <= sources, sources
    assert any(i.kind == "action" for i in items)  # the open actions carry over
    assert any(i.is_win for i in items)


def _shape(spec: reviews_demo.ReviewSpec) -> reviews_demo.ReviewSpec:
    """A week without its words."""
    return dataclasses.replace(
        spec, cancelled="x" if spec.cancelled else "", notes="", items=(), decisions=(), actions=(), wins=()
    )


def test_the_dutch_demo_tells_the_same_weeks() -> None:
    english = [_shape(r) for r in reviews_demo.REVIEWS]
    dutch = [_shape(r) for r in reviews_nl.REVIEWS]
    assert english == dutch
    for en, nl in zip(reviews_demo.REVIEWS, reviews_nl.REVIEWS, strict=True):
        assert [(i.kind, i.minutes, i.initiative, bool(i.dropped)) for i in en.items] == [
            (i.kind, i.minutes, i.initiative, bool(i.dropped)) for i in nl.items
        ]
        assert [(a.owner, a.due_days, a.done_days, a.initiative) for a in en.actions] == [
            (a.owner, a.due_days, a.done_days, a.initiative) for a in nl.actions
        ]
        assert [(d.sides, d.initiative, d.revisit_weeks) for d in en.decisions] == [
            (d.sides, d.initiative, d.revisit_weeks) for d in nl.decisions
        ]
        assert [(w.thanked, w.initiative) for w in en.wins] == [(w.thanked, w.initiative) for w in nl.wins]
