"""The habit score: whether a review series still meets as it should, from 0 to 100.

**Window.** The series' last 12 occurrences that have started (scheduled at or before now), none
before ``starts_on``; a young series has fewer. Without any occurrence the score is ``None``
("no data"). Each occurrence is a *week* of the score, whatever the series' interval.

**Components of a week**, each 0, 1 or a fraction:

1. *held*: a review of that slot (same series, same ``scheduled_at``), open or closed, that
   started (or, never started, closed) within 24 hours either side of the slot: 1, else 0. A week
   without a review, or with a planned or cancelled one, scores 0.
2. *both sides*: held, and among the members present at least one of the business side and one of
   the IT side: 1, else 0.
3. *actions on time*: the action items raised in the series' reviews that fall due after the
   previous occurrence and on or before this one (dates in the series' time zone; for the series'
   first occurrence, everything due up to it): the share done on or before their due date (the
   local date of ``done_at``; a dropped action counts as not done). A week with no action due
   leaves this component out.
4. *check-ins on time*: the key results in scope (those of the organisation's active objectives;
   for a programme series, those of its objective while it is active) that existed at the
   occurrence: the share with a check-in in the 14 days up to it. A week without such a key result
   leaves this component out.

**Week score** = the mean of the components the week has (held and both sides always count).
**Score** = 100 × the mean of the week scores, rounded half up to a whole number. For each
component, its mean over the weeks that have it (``None`` when none has) says where the habit
gives way.

**Slipping**: the mean of the last four week scores (or of all, when fewer) is below 60%
(``SLIPPING_BELOW``), or neither of the last two occurrences was held.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.core.models import Organization, Side
from tandem.reviews import schedule
from tandem.reviews.models import ActionItem, ActionStatus, Review, ReviewSeries, ReviewStatus
from tandem.strategy.models import STALE_AFTER_DAYS, CheckIn, KeyResult, ObjectiveStatus

WINDOW = 12  # occurrences
HELD_WITHIN = timedelta(hours=24)
CHECK_IN_WITHIN = timedelta(days=STALE_AFTER_DAYS)
SLIPPING_BELOW = 60  # percent, over the last SLIPPING_WEEKS week scores
SLIPPING_WEEKS = 4
HELD_STATUSES = (ReviewStatus.OPEN, ReviewStatus.CLOSED)

HELD = "held"
BOTH_SIDES = "both_sides"
ACTIONS = "actions"
CHECK_INS = "check_ins"
COMPONENTS = (HELD, BOTH_SIDES, ACTIONS, CHECK_INS)


@dataclass(frozen=True)
class WeekFacts:
    """What happened at one occurrence, counted: the input of ``score``."""

    at: datetime
    held: bool
    both_sides: bool
    actions_due: int = 0
    actions_on_time: int = 0
    krs: int = 0
    krs_checked: int = 0


@dataclass(frozen=True)
class WeekScore:
    """One week's score in [0, 1] and the components it was the mean of (those it had)."""

    at: datetime
    score: float
    components: dict[str, float]


@dataclass(frozen=True)
class HabitScore:
    """The score from 0 to 100 (``None`` without any occurrence), its weeks oldest first, and each
    component's mean over the weeks that had it."""

    score: int | None
    weeks: list[WeekScore] = field(default_factory=list)
    held: float | None = None
    both_sides: float | None = None
    actions: float | None = None
    check_ins: float | None = None


# --- The pure score -------------------------------------------------------------------------------


def _components(week: WeekFacts) -> dict[str, Fraction]:
    parts = {HELD: Fraction(int(week.held)), BOTH_SIDES: Fraction(int(week.held and week.both_sides))}
    if week.actions_due > 0:
        parts[ACTIONS] = Fraction(min(week.actions_on_time, week.actions_due), week.actions_due)
    if week.krs > 0:
        parts[CHECK_INS] = Fraction(min(week.krs_checked, week.krs), week.krs)
    return parts


def _mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def score(weeks: Sequence[WeekFacts]) -> HabitScore:
    """The habit score of these weeks (any order; reported oldest first), computed exactly in
    fractions so a hand computation gives the same figure."""
    ordered = sorted(weeks, key=lambda week: week.at)
    if not ordered:
        return HabitScore(score=None)
    parts = [_components(week) for week in ordered]
    week_scores = [_mean(list(p.values())) or Fraction(0) for p in parts]
    overall = _mean(week_scores) or Fraction(0)
    means = {name: _mean([p[name] for p in parts if name in p]) for name in COMPONENTS}
    return HabitScore(
        score=math.floor(100 * overall + Fraction(1, 2)),
        weeks=[
            WeekScore(at=week.at, score=float(value), components={k: float(v) for k, v in p.items()})
            for week, value, p in zip(ordered, week_scores, parts, strict=True)
        ],
        held=_float(means[HELD]),
        both_sides=_float(means[BOTH_SIDES]),
        actions=_float(means[ACTIONS]),
        check_ins=_float(means[CHECK_INS]),
    )


def is_slipping(habit: HabitScore) -> bool:
    """Whether the habit slips: the last four weeks average below ``SLIPPING_BELOW`` percent, or
    the last two occurrences were not held. Never for a series without any occurrence."""
    recent = habit.weeks[-SLIPPING_WEEKS:]
    if not recent:
        return False
    # Rounded to dodge float noise: four weeks of exactly 0.6 are not slipping.
    if round(100 * sum(week.score for week in recent) / len(recent), 6) < SLIPPING_BELOW:
        return True
    last_two = habit.weeks[-2:]
    return len(last_two) == 2 and all(not week.components[HELD] for week in last_two)


# --- From the database ----------------------------------------------------------------------------


def _window(series: ReviewSeries, now: datetime) -> tuple[list[datetime], datetime | None]:
    """The occurrences of the window (oldest first) and the one before it, if any."""
    found = schedule.previous_occurrences(series, now, WINDOW + 1)
    if len(found) > WINDOW:
        return found[-WINDOW:], found[-WINDOW - 1]
    return found, None


def _held_reviews(series: ReviewSeries, slots: list[datetime]) -> dict[datetime, int]:
    """The reviews held at these slots: slot -> review id."""
    rows = (
        Review.objects.for_org(series.organization)
        .filter(series=series, scheduled_at__in=slots, status__in=HELD_STATUSES)
        .values_list("id", "scheduled_at", "started_at", "closed_at")
    )
    held: dict[datetime, int] = {}
    for pk, scheduled_at, started_at, closed_at in rows:
        began = started_at or closed_at
        if began is not None and abs(began - scheduled_at) <= HELD_WITHIN:
            held[scheduled_at] = pk
    return held


def _sides_present(review_ids: list[int]) -> dict[int, set[str]]:
    """The sides of the members present at each review."""
    sides: dict[int, set[str]] = defaultdict(set)
    if review_ids:
        present = Review.present.through.objects.filter(review_id__in=review_ids)
        for review_id, side in present.values_list("review_id", "membership__side"):
            sides[review_id].add(side)
    return sides


def _actions(
    series: ReviewSeries, first: date | None, last: date, tz: ZoneInfo
) -> list[tuple[date, date | None]]:
    """(due date, local date done or ``None`` when not done) of the series' actions due in
    (``first``, ``last``]."""
    actions = ActionItem.objects.for_org(series.organization).filter(review__series=series, due_on__lte=last)
    if first is not None:
        actions = actions.filter(due_on__gt=first)
    return [
        (due_on, done_at.astimezone(tz).date() if status == ActionStatus.DONE and done_at else None)
        for due_on, status, done_at in actions.values_list("due_on", "status", "done_at")
    ]


def _key_results(
    series: ReviewSeries, first: datetime, last: datetime
) -> dict[int, tuple[datetime, list[datetime]]]:
    """Key results in scope that existed by ``last``: id -> (created, its check-ins from 14 days
    before ``first`` to ``last``, oldest first)."""
    org = series.organization
    in_scope = KeyResult.objects.for_org(org).filter(
        objective__status=ObjectiveStatus.ACTIVE, created_at__lte=last
    )
    if series.objective_id is not None:
        in_scope = in_scope.filter(objective_id=series.objective_id)
    key_results: dict[int, tuple[datetime, list[datetime]]] = {
        pk: (created, []) for pk, created in in_scope.values_list("id", "created_at")
    }
    if key_results:
        check_ins = CheckIn.objects.for_org(org).filter(
            key_result_id__in=list(key_results), created_at__gte=first - CHECK_IN_WITHIN, created_at__lte=last
        )
        for key_result_id, created_at in check_ins.order_by("created_at").values_list(
            "key_result_id", "created_at"
        ):
            key_results[key_result_id][1].append(created_at)
    return key_results


def _checked(check_ins: list[datetime], at: datetime) -> bool:
    """Whether one of these check-ins (oldest first) lies in the 14 days up to ``at``."""
    index = bisect_left(check_ins, at - CHECK_IN_WITHIN)
    return index < len(check_ins) and check_ins[index] <= at


def habit_for_series(series: ReviewSeries, *, now: datetime | None = None) -> HabitScore:
    """The habit score of a series as of ``now``: one query per table (reviews, members present,
    actions, key results, check-ins) whatever the number of weeks, then computed here."""
    now = now or timezone.now()
    slots, before = _window(series, now)
    if not slots:
        return score([])
    tz = ZoneInfo(series.time_zone)
    held = _held_reviews(series, slots)
    sides = _sides_present(list(held.values()))
    actions = _actions(series, before.date() if before else None, slots[-1].date(), tz)
    key_results = _key_results(series, slots[0], slots[-1])
    weeks: list[WeekFacts] = []
    previous = before.date() if before else None
    for at in slots:
        review_id = held.get(at)
        due = [
            (due_on, done)
            for due_on, done in actions
            if (previous is None or due_on > previous) and due_on <= at.date()
        ]
        existing = [check_ins for created, check_ins in key_results.values() if created <= at]
        weeks.append(
            WeekFacts(
                at=at,
                held=review_id is not None,
                both_sides=review_id is not None and {Side.BUSINESS, Side.IT} <= sides[review_id],
                actions_due=len(due),
                actions_on_time=sum(1 for due_on, done in due if done is not None and done <= due_on),
                krs=len(existing),
                krs_checked=sum(1 for check_ins in existing if _checked(check_ins, at)),
            )
        )
        previous = at.date()
    return score(weeks)


def habit_for_org(org: Organization, *, now: datetime | None = None) -> HabitScore | None:
    """The habit score of the organisation-wide active series (the oldest, when there are
    several); ``None`` when the organisation has none."""
    series = (
        ReviewSeries.objects.for_org(org)
        .filter(is_active=True, objective__isnull=True)
        .select_related("organization")
        .order_by("created_at", "id")
        .first()
    )
    return None if series is None else habit_for_series(series, now=now)


# --- Missed check-ins and overdue actions ---------------------------------------------------------


def missed_check_ins(org: Organization, *, now: datetime | None = None) -> list[KeyResult]:
    """Key results of active objectives without a check-in for 14 days (counted from their
    creation when they never had one), the longest silent first."""
    cutoff = (now or timezone.now()) - CHECK_IN_WITHIN
    return list(
        KeyResult.objects.for_org(org)
        .filter(objective__status=ObjectiveStatus.ACTIVE)
        .annotate(last_seen=Coalesce(Max("check_ins__created_at"), "created_at"))
        .filter(last_seen__lt=cutoff)
        .select_related("objective")
        .order_by("last_seen", "id")
    )


def overdue_actions(org: Organization, *, today: date | None = None) -> QuerySet[ActionItem]:
    """Open action items whose due date has passed, the most overdue first."""
    return (
        ActionItem.objects.for_org(org)
        .filter(status=ActionStatus.OPEN, due_on__lt=today or timezone.localdate())
        .select_related("owner__user", "review__series", "initiative")
        .order_by("due_on", "id")
    )
