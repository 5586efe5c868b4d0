"""The habit score against hand-computed figures: first the pure score over counted weeks, then the
same figures read from the database, the slipping rule and the page of missed check-ins and
overdue actions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.models import Membership
from tandem.reviews import habit
from tandem.reviews.habit import HabitScore, WeekFacts, WeekScore, is_slipping, score
from tandem.reviews.models import ActionItem, ActionStatus, Review, ReviewSeries, ReviewStatus
from tandem.strategy.models import CheckIn, KeyResult, Objective, ObjectiveStatus
from tests.conftest import Personas
from tests.reviews.conftest import make_series

AMS = ZoneInfo("Europe/Amsterdam")


def ams(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMS)


def monday(week: int) -> datetime:
    """The ``week``-th Monday of 2026 at 09:00 in Amsterdam (week 1 is 5 January)."""
    return ams(1, 5) + timedelta(weeks=week - 1)


def week(
    at: datetime,
    *,
    held: bool = True,
    both_sides: bool = True,
    actions: tuple[int, int] = (0, 0),
    krs: tuple[int, int] = (0, 0),
) -> WeekFacts:
    """A week: ``actions`` is (on time, due), ``krs`` is (checked, in scope)."""
    return WeekFacts(
        at=at,
        held=held,
        both_sides=both_sides,
        actions_due=actions[1],
        actions_on_time=actions[0],
        krs=krs[1],
        krs_checked=krs[0],
    )


def weeks_scoring(scores: Iterable[float]) -> HabitScore:
    """A habit whose weeks score these figures (only the last weeks matter to ``is_slipping``)."""
    weeks = [
        WeekScore(at=monday(n), score=s, components={"held": 1.0, "both_sides": 1.0})
        for n, s in enumerate(scores, start=1)
    ]
    return HabitScore(score=None, weeks=weeks)


# --- The pure score ------------------------------------------------------------------------------


def test_no_occurrences_give_no_score() -> None:
    assert score([]) == HabitScore(
        score=None, weeks=[], held=None, both_sides=None, actions=None, check_ins=None
    )


def test_a_week_held_with_both_sides_and_everything_on_time_scores_100() -> None:
    habit_score = score([week(monday(1), actions=(2, 2), krs=(3, 3))])
    # (1 + 1 + 2/2 + 3/3) / 4 = 1 -> 100
    assert habit_score.score == 100
    assert habit_score.weeks[0].components == {"held": 1, "both_sides": 1, "actions": 1, "check_ins": 1}


def test_a_week_without_a_review_scores_zero_for_held_and_both_sides() -> None:
    habit_score = score([week(monday(1), held=False, both_sides=False, actions=(1, 2), krs=(3, 4))])
    # (0 + 0 + 1/2 + 3/4) / 4 = 1.25 / 4 = 0.3125 -> 31.25 -> 31
    assert habit_score.weeks[0].score == 0.3125
    assert habit_score.score == 31


def test_a_review_with_one_side_absent_loses_the_both_sides_component() -> None:
    habit_score = score([week(monday(1), both_sides=False, actions=(1, 1), krs=(1, 2))])
    # (1 + 0 + 1/1 + 1/2) / 4 = 2.5 / 4 = 0.625 -> 62.5 -> 63 (half up)
    assert habit_score.weeks[0].components == {"held": 1, "both_sides": 0, "actions": 1, "check_ins": 0.5}
    assert habit_score.score == 63


def test_both_sides_counts_only_for_a_review_that_was_held() -> None:
    habit_score = score([week(monday(1), held=False, both_sides=True)])
    # (0 + 0) / 2 = 0 -> 0
    assert habit_score.weeks[0].components == {"held": 0, "both_sides": 0}
    assert habit_score.score == 0


def test_a_week_with_no_actions_due_leaves_the_component_out_rather_than_scoring_zero() -> None:
    habit_score = score([week(monday(1), actions=(0, 0), krs=(1, 2))])
    # (1 + 1 + 1/2) / 3 = 2.5 / 3 = 0.8333 -> 83 (as zero it would be 2.5 / 4 -> 63)
    assert "actions" not in habit_score.weeks[0].components
    assert habit_score.score == 83
    assert habit_score.actions is None


def test_a_week_with_no_key_results_leaves_the_component_out() -> None:
    habit_score = score([week(monday(1), both_sides=False, actions=(0, 1), krs=(0, 0))])
    # (1 + 0 + 0/1) / 3 = 1/3 -> 33.3 -> 33
    assert "check_ins" not in habit_score.weeks[0].components
    assert habit_score.score == 33
    assert habit_score.check_ins is None


def test_a_young_series_is_scored_over_the_occurrences_it_has() -> None:
    habit_score = score(
        [
            week(monday(1), actions=(0, 0), krs=(2, 2)),  # (1 + 1 + 2/2) / 3 = 1
            week(monday(2), held=False, both_sides=False, actions=(1, 2), krs=(1, 2)),  # (0+0+.5+.5)/4 = .25
            week(monday(3), both_sides=False),  # (1 + 0) / 2 = 0.5
        ]
    )
    # (1 + 0.25 + 0.5) / 3 = 1.75 / 3 = 0.58333 -> 58
    assert [w.score for w in habit_score.weeks] == [1, 0.25, 0.5]
    assert habit_score.score == 58
    assert habit_score.held == pytest.approx(2 / 3)  # (1 + 0 + 1) / 3
    assert habit_score.both_sides == pytest.approx(1 / 3)  # (1 + 0 + 0) / 3
    assert habit_score.actions == 0.5  # only week 2 had actions due: 1/2
    assert habit_score.check_ins == 0.75  # (2/2 + 1/2) / 2


def test_twelve_weeks_average_their_week_scores_and_each_component_over_the_weeks_that_have_it() -> None:
    weeks = [week(monday(n), actions=(1, 1), krs=(2, 2)) for n in range(1, 9)]  # 8 weeks of 1
    weeks += [
        week(monday(9), held=False, both_sides=False, actions=(0, 2), krs=(1, 2)),  # (0+0+0+.5)/4 = 0.125
        week(monday(10), held=False, both_sides=False, krs=(0, 2)),  # (0 + 0 + 0) / 3 = 0
        week(monday(11), both_sides=False, actions=(1, 2)),  # (1 + 0 + .5) / 3 = 0.5
        week(monday(12), krs=(1, 2)),  # (1 + 1 + .5) / 3 = 0.8333
    ]
    habit_score = score(list(reversed(weeks)))
    # (8 + 0.125 + 0 + 0.5 + 5/6) / 12 = 9.4583 / 12 = 0.78819 -> 78.8 -> 79
    assert habit_score.score == 79
    assert [w.at for w in habit_score.weeks] == [monday(n) for n in range(1, 13)]  # oldest first
    assert habit_score.held == pytest.approx(10 / 12)  # held in weeks 1-8, 11, 12
    assert habit_score.both_sides == pytest.approx(9 / 12)  # weeks 1-8 and 12
    assert habit_score.actions == pytest.approx(0.85)  # (8 × 1 + 0/2 + 1/2) / 10 weeks with actions due
    assert habit_score.check_ins == pytest.approx(
        9 / 11
    )  # (8 × 1 + 1/2 + 0/2 + 1/2) / 11 weeks with key results


# --- Slipping ------------------------------------------------------------------------------------


def test_a_habit_whose_last_four_weeks_average_below_60_percent_is_slipping() -> None:
    # last four: (0.5 + 0.5 + 0.6 + 0.7) / 4 = 0.575 < 0.60
    assert is_slipping(weeks_scoring([1, 1, 1, 1, 0.5, 0.5, 0.6, 0.7]))


def test_a_habit_that_recovered_over_its_last_four_weeks_is_not_slipping() -> None:
    # three bad weeks, then (0.25 + 1 + 1 + 1) / 4 = 0.8125 >= 0.60
    assert not is_slipping(weeks_scoring([1, 0, 0, 0.25, 1, 1, 1]))


def test_four_weeks_of_exactly_60_percent_are_not_slipping() -> None:
    at_sixty = [week(monday(n), both_sides=False, actions=(1, 1), krs=(2, 5)) for n in range(1, 5)]
    # each week (1 + 0 + 1 + 2/5) / 4 = 2.4 / 4 = 0.6; the mean 0.6 is not below 0.60
    assert not is_slipping(score(at_sixty))


def test_two_occurrences_in_a_row_not_held_are_slipping_even_when_the_average_holds() -> None:
    weeks = [week(monday(1)), week(monday(2))]  # (1 + 1) / 2 = 1 each
    weeks += [
        week(monday(n), held=False, both_sides=False, actions=(1, 1), krs=(1, 1)) for n in (3, 4)
    ]  # (0 + 0 + 1 + 1) / 4 = 0.5 each
    habit_score = score(weeks)
    # (1 + 1 + 0.5 + 0.5) / 4 = 0.75 >= 0.60, but weeks 3 and 4 were not held
    assert habit_score.score == 75
    assert is_slipping(habit_score)
    assert not is_slipping(score([*weeks[:3], week(monday(4))]))  # one missed week alone is not


def test_a_series_without_occurrences_is_not_slipping() -> None:
    assert not is_slipping(score([]))


# --- From the database ---------------------------------------------------------------------------


def objective(personas: Personas, status: str = ObjectiveStatus.ACTIVE) -> Objective:
    return Objective.objects.create(
        organization=personas.org,
        title=f"{status} objective",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        status=status,
    )


def key_result(goal: Objective, created: datetime) -> KeyResult:
    kr = KeyResult.objects.create(
        organization=goal.organization, objective=goal, metric="Claims settled in a day", baseline=0, target=1
    )
    KeyResult.objects.for_org(goal.organization).filter(pk=kr.pk).update(created_at=created)  # auto_now_add
    kr.created_at = created
    return kr


def check_in(kr: KeyResult, at: datetime) -> CheckIn:
    return CheckIn.objects.create(
        organization=kr.organization, key_result=kr, value=0.5, confidence=7, created_at=at
    )


def review(
    series: ReviewSeries,
    at: datetime,
    *,
    status: str = ReviewStatus.CLOSED,
    started: datetime | None = None,
    closed: datetime | None = None,
    present: Iterable[Membership] = (),
) -> Review:
    held = Review.objects.create(
        organization=series.organization,
        series=series,
        scheduled_at=at,
        status=status,
        agenda_since=at - timedelta(weeks=1),
        started_at=started,
        closed_at=closed,
    )
    held.present.set(list(present))
    return held


def action(
    personas: Personas,
    raised_in: Review | None,
    due_on: date,
    *,
    done_at: datetime | None = None,
    status: str | None = None,
) -> ActionItem:
    return ActionItem.objects.create(
        organization=personas.org,
        review=raised_in,
        title="Send the revised estimate",
        owner=personas.it_lead,
        due_on=due_on,
        status=status or (ActionStatus.DONE if done_at else ActionStatus.OPEN),
        done_at=done_at,
    )


def test_the_habit_of_a_series_is_read_from_its_reviews_actions_and_check_ins(personas: Personas) -> None:
    series = make_series(personas)  # Mondays 09:00 Amsterdam from 5 January
    other_series = make_series(personas, name="Claims programme review")
    both = [personas.business_lead, personas.it_lead]
    active, draft = objective(personas), objective(personas, ObjectiveStatus.DRAFT)
    kr_a, kr_b = key_result(active, ams(1, 1, 10)), key_result(active, ams(1, 10, 10))
    key_result(draft, ams(1, 1, 10))  # a draft objective's key result: never in scope
    check_in(kr_a, ams(1, 2, 10))
    check_in(kr_b, ams(1, 15, 10))

    # Week 1, 5 January: held at 09:05 by both sides; nothing due; A checked in on 2 January.
    r1 = review(series, ams(1, 5), started=ams(1, 5, 9, 5), closed=ams(1, 5, 10), present=both)
    # Week 2, 12 January: closed without a start (closed_at counts), business side only.
    r2 = review(series, ams(1, 12), closed=ams(1, 12, 10), present=[personas.business_lead, personas.owner])
    action(personas, r1, date(2026, 1, 9), done_at=ams(1, 9, 23, 30))  # on time
    action(personas, r1, date(2026, 1, 12), done_at=ams(1, 13, 0, 30))  # late: 12 January 23:30 in UTC
    # Week 3, 19 January: the review was cancelled; the action due on the 16th is still open.
    review(series, ams(1, 19), status=ReviewStatus.CANCELLED)
    action(personas, r2, date(2026, 1, 16))
    # Week 4, 26 January: started 25 hours late; no action of this series due.
    review(series, ams(1, 26), started=ams(1, 27, 10), closed=ams(1, 27, 11), present=both)
    elsewhere = review(other_series, ams(1, 19), started=ams(1, 19), present=both)
    action(personas, elsewhere, date(2026, 1, 22))  # another series' action
    action(personas, None, date(2026, 1, 23))  # an action raised outside any review

    habit_score = habit.habit_for_series(series, now=ams(1, 28, 12))

    # week 1: held 1, both 1, no actions,    A 1/1 (2 Jan within 14 days)  -> (1 + 1 + 1) / 3       = 1
    # week 2: held 1, both 0, actions 1/2,   A yes, B no (created 10 Jan) -> (1 + 0 + .5 + .5) / 4 = 0.5
    # week 3: held 0, both 0, actions 0/1,   A no (2 Jan < 5 Jan), B yes -> (0 + 0 + 0 + .5) / 4   = 0.125
    # week 4: held 0, both 0, no actions,    A no, B yes (15 Jan)        -> (0 + 0 + .5) / 3       = 1/6
    assert [w.at for w in habit_score.weeks] == [ams(1, 5), ams(1, 12), ams(1, 19), ams(1, 26)]
    assert [w.components for w in habit_score.weeks] == [
        {"held": 1, "both_sides": 1, "check_ins": 1},
        {"held": 1, "both_sides": 0, "actions": 0.5, "check_ins": 0.5},
        {"held": 0, "both_sides": 0, "actions": 0, "check_ins": 0.5},
        {"held": 0, "both_sides": 0, "check_ins": 0.5},
    ]
    # (1 + 0.5 + 0.125 + 1/6) / 4 = (24 + 12 + 3 + 4) / 96 = 43 / 96 = 0.4479 -> 44.8 -> 45
    assert habit_score.score == 45
    assert habit_score.held == 0.5  # (1 + 1 + 0 + 0) / 4
    assert habit_score.both_sides == 0.25  # (1 + 0 + 0 + 0) / 4
    assert habit_score.actions == 0.25  # (1/2 + 0/1) / 2 weeks with actions due
    assert habit_score.check_ins == 0.625  # (1 + 1/2 + 1/2 + 1/2) / 4
    assert is_slipping(habit_score)  # last four average 0.45 < 0.60, and weeks 3 and 4 were not held


def test_a_programme_series_counts_only_its_objectives_key_results(personas: Personas) -> None:
    programme, other = objective(personas), objective(personas)
    series = make_series(personas, objective=programme)
    review(series, ams(1, 5), started=ams(1, 5), present=[personas.business_lead, personas.it_lead])
    check_in(key_result(programme, ams(1, 1)), ams(1, 2))
    key_result(other, ams(1, 1))  # never checked in, but another programme's

    habit_score = habit.habit_for_series(series, now=ams(1, 5, 12))

    # one week: (1 + 1 + 1/1) / 3 = 1 -> 100; the other objective's key result would make it 1/2
    assert habit_score.weeks[0].components == {"held": 1, "both_sides": 1, "check_ins": 1}
    assert habit_score.score == 100


def test_a_series_that_has_not_met_yet_has_no_score(series: ReviewSeries) -> None:
    assert habit.habit_for_series(series, now=ams(1, 5, 8, 59)).score is None
    assert habit.habit_for_series(series, now=ams(1, 5, 9)).weeks[0].at == ams(1, 5)  # started at 09:00


def test_the_window_is_the_last_twelve_occurrences_and_actions_due_before_it_stay_out(
    personas: Personas, series: ReviewSeries
) -> None:
    first = review(series, monday(1), started=monday(1))
    action(personas, first, date(2026, 1, 5))  # due at week 1, before the window of 30 March
    action(personas, first, date(2026, 1, 6), done_at=ams(1, 6))  # due in week 2: the first week of it

    habit_score = habit.habit_for_series(series, now=ams(3, 30, 12))

    # 13 Mondays from 5 January to 30 March (the clocks went forward on the 29th): the last 12
    assert [w.at for w in habit_score.weeks] == [monday(n) for n in range(2, 14)]
    assert habit_score.weeks[-1].at.hour == 9
    # only the action due on 6 January counts: 1/1 in week 2
    assert habit_score.weeks[0].components["actions"] == 1
    assert habit_score.actions == 1


def fill(personas: Personas, series: ReviewSeries, weeks: int, kr: KeyResult) -> None:
    """``weeks`` held reviews with both sides present, an action due and a check-in each."""
    for n in range(14 - weeks, 14):
        held = review(
            series, monday(n), started=monday(n), present=[personas.business_lead, personas.it_lead]
        )
        action(personas, held, monday(n).date() + timedelta(days=3), done_at=monday(n))
        check_in(kr, monday(n) - timedelta(days=1))


def test_the_habit_of_a_series_takes_as_many_queries_for_twelve_weeks_as_for_three(
    personas: Personas,
) -> None:
    kr = key_result(objective(personas), ams(1, 1))
    young = make_series(personas, name="Young", starts_on=monday(11).date())
    grown = make_series(personas, name="Grown")
    fill(personas, young, 3, kr)
    fill(personas, grown, 12, kr)
    now = ams(3, 30, 12)

    with CaptureQueriesContext(connection) as three:
        young_score = habit.habit_for_series(young, now=now)
    with CaptureQueriesContext(connection) as twelve:
        grown_score = habit.habit_for_series(grown, now=now)

    assert (len(young_score.weeks), len(grown_score.weeks)) == (3, 12)
    assert young_score.score == grown_score.score == 100
    assert len(three) == len(twelve) == 5  # reviews, members present, actions, key results, check-ins


def test_the_organisation_habit_is_that_of_its_oldest_organisation_wide_active_series(
    personas: Personas,
) -> None:
    assert habit.habit_for_org(personas.org, now=ams(1, 12, 12)) is None
    make_series(personas, name="Programme", objective=objective(personas))  # not organisation-wide
    make_series(personas, name="Retired", is_active=False)
    assert habit.habit_for_org(personas.org, now=ams(1, 12, 12)) is None

    oldest = make_series(personas, name="Weekly")
    make_series(personas, name="Later", starts_on=date(2026, 1, 12))
    review(oldest, ams(1, 5), started=ams(1, 5), present=[personas.business_lead, personas.it_lead])
    org_score = habit.habit_for_org(personas.org, now=ams(1, 12, 12))

    # the oldest series: week 1 (1 + 1) / 2 = 1, week 2 not held 0 -> 0.5 -> 50
    assert org_score is not None
    assert org_score.score == 50


# --- Missed check-ins and overdue actions --------------------------------------------------------


def test_missed_check_ins_are_the_key_results_of_active_objectives_silent_for_14_days(
    personas: Personas,
) -> None:
    now = ams(3, 1, 12)
    active = objective(personas)
    checked_long_ago = key_result(active, ams(1, 1))
    check_in(checked_long_ago, now - timedelta(days=20))
    checked_lately = key_result(active, ams(1, 1))
    check_in(checked_lately, now - timedelta(days=3))
    never_checked = key_result(active, now - timedelta(days=30))
    key_result(active, now - timedelta(days=2))  # too young to have missed one
    key_result(objective(personas, ObjectiveStatus.DRAFT), ams(1, 1))  # not an active objective

    # silent since: never_checked 30 days (its creation), checked_long_ago 20 days
    assert habit.missed_check_ins(personas.org, now=now) == [never_checked, checked_long_ago]


def test_overdue_actions_are_the_open_ones_past_their_due_date_most_overdue_first(personas: Personas) -> None:
    today = date(2026, 3, 2)
    yesterday = action(personas, None, date(2026, 3, 1))
    last_week = action(personas, None, date(2026, 2, 23))
    action(personas, None, today)  # due today: not yet overdue
    action(personas, None, date(2026, 2, 20), done_at=ams(2, 27))  # done late, but done
    action(personas, None, date(2026, 2, 20), status=ActionStatus.DROPPED)
    ActionItem.objects.create(
        organization=personas.other_org, title="Globex's", owner=personas.outsider, due_on=date(2026, 2, 1)
    )

    assert list(habit.overdue_actions(personas.org, today=today)) == [last_week, yesterday]
