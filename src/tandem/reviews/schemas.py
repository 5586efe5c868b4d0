"""JSON shapes of the reviews API: review series, reviews with their agenda, the decision log,
action items, wins, the habit score and the calendar feeds.

No shape read back by a GET carries a feed's secret address: ``ReviewFeedUrlOut`` is only the
answer to the POST that makes or renews it."""

from __future__ import annotations

import re
from datetime import date, datetime
from datetime import time as time_type
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from tandem.core.models import Membership
from tandem.core.schemas import Day, InputSchema
from tandem.reviews import agenda
from tandem.reviews.habit import HabitScore
from tandem.reviews.models import (
    MAX_AGENDA_ITEMS,
    MAX_ATTENDEES,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Decision,
    Review,
    ReviewSeries,
    Win,
)
from tandem.reviews.selectors import ReviewDetail
from tandem.strategy.models import KeyResult

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
MAX_THANKED = 50
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _clock(value: Any) -> time_type:
    if isinstance(value, str) and _CLOCK.fullmatch(value):
        return time_type.fromisoformat(value)
    raise PydanticCustomError("time_format", "Input should be a local time as HH:MM")


# A local time of day, written as JSON text HH:MM.
Clock = Annotated[
    time_type, BeforeValidator(_clock), WithJsonSchema({"type": "string", "pattern": f"^{_CLOCK.pattern}$"})
]
Weekday = Annotated[int, Field(ge=0, le=6, description="Monday 0 to Sunday 6")]
Minutes = Annotated[int, Field(ge=1, le=480, description="Minutes")]


# --- Input ------------------------------------------------------------------------------------


class ReviewSeriesIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    weekday: Weekday = 0
    start_time: Clock = Field(..., description="Local time the review starts, HH:MM")
    time_zone: str = Field(..., min_length=1, max_length=64, description="IANA name, e.g. Europe/Amsterdam")
    starts_on: Day = Field(..., description="The first review is on or after this day")
    duration_minutes: int = Field(60, ge=5, le=480)
    interval_weeks: int = Field(1, ge=1, le=4, description="1 for every week, 2 for every other week")
    objective_id: Id | None = Field(
        None, description="The shared objective of one programme; null for the whole organisation"
    )
    attendee_ids: list[Id] = Field(
        default_factory=list, max_length=MAX_ATTENDEES, description="Members who attend, from both sides"
    )


class ReviewSeriesPatchIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    weekday: Weekday | None = None
    start_time: Clock | None = Field(None, description="HH:MM, local time")
    time_zone: str | None = Field(None, min_length=1, max_length=64)
    starts_on: Day | None = None
    duration_minutes: int | None = Field(None, ge=5, le=480)
    interval_weeks: int | None = Field(None, ge=1, le=4)
    objective_id: Id | None = Field(None, description="null: the whole organisation")
    attendee_ids: list[Id] | None = Field(
        None, max_length=MAX_ATTENDEES, description="Replaces the attendees"
    )
    is_active: bool | None = Field(None, description="false: the series no longer meets")


class ReviewFilters(Schema):
    series_id: Id | None = None


class ReviewCloseIn(InputSchema):
    present_ids: list[Id] = Field(
        default_factory=list, max_length=MAX_ATTENDEES, description="The members who were there"
    )
    notes: str = Field("", max_length=20000)


class ReviewCancelIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=300)


class AgendaItemIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    detail: str = Field("", max_length=5000)
    minutes: Minutes | None = Field(None, description="The time box, in minutes")


class AgendaItemPatchIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=300)
    notes: str | None = Field(None, max_length=20000, description="What was said")
    minutes: Minutes | None = Field(None, description="The time box in minutes; null removes it")


class AgendaItemDropIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=300, description="Why it is not discussed")


class AgendaOrderIn(InputSchema):
    item_ids: list[Id] = Field(
        ..., max_length=MAX_AGENDA_ITEMS, description="Every item of the review, in the new order"
    )


class ReviewDecisionIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200, description="What was decided")
    rationale: str = Field(..., min_length=1, max_length=5000, description="Why")
    options_considered: str = Field("", max_length=5000)
    review_id: Id | None = Field(None, description="The review it was taken in")
    initiative_id: Id | None = Field(None, description="The initiative it affects")
    objective_id: Id | None = Field(None, description="The objective it affects")
    revisit_on: Day | None = Field(None, description="When to look at it again: today or later")


class ReviewDecisionFilters(Schema):
    q: str = Field("", max_length=200, description="Words in the title, rationale or options considered")
    confirmed: bool | None = Field(None, description="true: confirmed by both sides; false: not yet")
    initiative_id: Id | None = None


class ActionItemIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    owner_id: Id = Field(..., description="The one member who does it")
    due_on: Day = Field(..., description="Today or later")
    review_id: Id | None = Field(None, description="The review it was raised in")
    initiative_id: Id | None = None
    decision_id: Id | None = Field(None, description="The decision it carries out")


class ActionItemPatchIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=300)
    status: Literal["open", "done", "dropped"] | None = None
    owner_id: Id | None = None
    due_on: Day | None = None


class ActionItemFilters(Schema):
    status: Literal["open", "done", "dropped"] | None = None
    owner_id: Id | None = None
    overdue: bool = Field(False, description="true: open and past their due date")


class WinIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    detail: str = Field("", max_length=5000)
    review_id: Id | None = Field(None, description="The review it was celebrated in")
    initiative_id: Id | None = None
    thanked_ids: list[Id] = Field(
        default_factory=list, max_length=MAX_THANKED, description="Members to thank: they are told by e-mail"
    )
    source_key: str = Field(
        "", max_length=200, description="The `key` of the agenda item it was harvested from, if any"
    )


# --- Output -----------------------------------------------------------------------------------


class ReviewPersonOut(Schema):
    """A member of the organisation (the id is the membership's)."""

    id: int
    name: str
    side: str


class ReviewSeriesOut(Schema):
    id: int
    name: str
    objective_id: int | None = Field(description="null: the whole organisation")
    objective: str | None
    weekday: int = Field(description="Monday 0 to Sunday 6")
    start_time: str = Field(description="HH:MM, local time")
    time_zone: str
    duration_minutes: int
    interval_weeks: int
    starts_on: date
    is_active: bool
    attendees: list[ReviewPersonOut]
    next_at: datetime | None = Field(description="The next occurrence; null when the series no longer meets")
    created_at: datetime


class ReviewFeedUrlOut(Schema):
    url: str = Field(description="The secret address of the calendar feed; share it like a password")


class ReviewFeedStateOut(Schema):
    exists: bool = Field(description="false: no personal feed yet (POST makes one)")
    created_at: datetime | None = Field(description="When its current address was made")


class ReviewOut(Schema):
    id: int
    series_id: int
    series: str
    scheduled_at: datetime
    status: str = Field(description="planned, open, closed or cancelled")
    agenda_since: datetime = Field(description="The agenda covers what changed from this moment")
    agenda_built_at: datetime | None
    started_at: datetime | None
    closed_at: datetime | None
    cancel_reason: str
    minutes_sent: bool


class ReviewAgendaItemOut(Schema):
    id: int
    review_id: int
    source: str = Field(description="The app it comes from; empty when added by hand")
    kind: str
    kind_label: str
    key: str = Field(description="Stable per thing and kind; empty when added by hand")
    title: str
    detail: str
    url: str = Field(description="The path of its source page")
    initiative_id: int | None
    action_id: int | None = Field(description="The open action item it carries over")
    is_win: bool
    position: int
    minutes: int | None = Field(description="The time box, in minutes")
    notes: str
    dropped: bool
    dropped_at: datetime | None
    drop_reason: str
    added_by_id: int | None = Field(description="null: generated")


class ConfirmationOut(Schema):
    member_id: int
    name: str
    side: str
    confirmed_at: datetime


class ReviewDecisionOut(Schema):
    id: int
    title: str
    rationale: str
    options_considered: str
    review_id: int | None
    initiative_id: int | None
    objective_id: int | None
    revisit_on: date | None
    recorded_by_id: int | None
    recorded_by: str | None
    confirmed: bool = Field(description="Confirmed by one person of each side, business and IT")
    confirmed_at: datetime | None
    confirmations: list[ConfirmationOut] = Field(description="Oldest first")
    created_at: datetime


class ActionItemOut(Schema):
    id: int
    title: str
    owner_id: int | None
    owner: str | None
    due_on: date
    status: str = Field(description="open, done or dropped")
    overdue: bool = Field(description="Open and past its due date")
    done_at: datetime | None
    review_id: int | None
    decision_id: int | None
    initiative_id: int | None
    created_by_id: int | None
    created_at: datetime


class WinOut(Schema):
    id: int
    title: str
    detail: str
    review_id: int | None
    initiative_id: int | None
    source_key: str
    thanked: list[ReviewPersonOut]
    thanks_sent: bool = Field(description="The people thanked were told")
    created_by_id: int | None
    created_at: datetime


class ReviewDetailOut(ReviewOut):
    present: list[ReviewPersonOut]
    notes: str
    items: list[ReviewAgendaItemOut] = Field(description="The kept items in order, then the dropped ones")
    decisions: list[ReviewDecisionOut]
    actions: list[ActionItemOut] = Field(description="Raised in this review")
    wins: list[WinOut]


class HabitWeekOut(Schema):
    at: datetime = Field(description="The occurrence")
    score: float = Field(description="0–1: the mean of the components the week has")
    components: dict[str, float] = Field(
        description="held, both_sides, actions, check_ins (0–1); a component without facts is left out"
    )


class SeriesHabitOut(Schema):
    series_id: int
    name: str
    objective_id: int | None
    score: int | None = Field(description="0–100 over the last 12 occurrences; null without any")
    slipping: bool
    held: float | None = Field(description="0–1, the mean over the weeks")
    both_sides: float | None
    actions: float | None = Field(description="null: no action fell due")
    check_ins: float | None = Field(description="null: no key result in scope")
    weeks: list[HabitWeekOut] = Field(description="Oldest first")


class MissedCheckInOut(Schema):
    key_result_id: int
    metric: str
    objective_id: int
    last_check_in_at: datetime | None


class HabitOut(Schema):
    score: int | None = Field(
        description="The organisation's: the score of its organisation-wide series; null without one"
    )
    series: list[SeriesHabitOut] = Field(description="Every active series")
    missed_check_ins: list[MissedCheckInOut] = Field(
        description="Key results of active objectives without a check-in for 14 days, oldest first"
    )
    overdue_actions: int = Field(description="Open action items past their due date")


# --- Building them -------------------------------------------------------------------------------


def _name(member: Membership | None) -> str | None:
    return member.user.display_name if member is not None else None


def person_out(m: Membership) -> ReviewPersonOut:
    return ReviewPersonOut(id=m.pk, name=m.user.display_name, side=m.side)


def series_out(s: ReviewSeries, *, next_at: datetime | None) -> ReviewSeriesOut:
    """A series of ``selectors.series_list`` (its objective and attendees loaded)."""
    return ReviewSeriesOut(
        id=s.pk,
        name=s.name,
        objective_id=s.objective_id,
        objective=s.objective.title if s.objective is not None else None,
        weekday=s.weekday,
        start_time=f"{s.start_time:%H:%M}",
        time_zone=s.time_zone,
        duration_minutes=s.duration_minutes,
        interval_weeks=s.interval_weeks,
        starts_on=s.starts_on,
        is_active=s.is_active,
        attendees=[person_out(m) for m in s.attendees.all()],
        next_at=next_at,
        created_at=s.created_at,
    )


def _review_fields(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "series_id": r.series_id,
        "series": r.series.name,
        "scheduled_at": r.scheduled_at,
        "status": r.status,
        "agenda_since": r.agenda_since,
        "agenda_built_at": r.agenda_built_at,
        "started_at": r.started_at,
        "closed_at": r.closed_at,
        "cancel_reason": r.cancel_reason,
        "minutes_sent": r.minutes_sent_at is not None,
    }


def review_out(r: Review) -> ReviewOut:
    """A review of ``selectors.review_list`` (its series loaded)."""
    return ReviewOut(**_review_fields(r))


def item_out(i: AgendaItem) -> ReviewAgendaItemOut:
    return ReviewAgendaItemOut(
        id=i.pk,
        review_id=i.review_id,
        source=i.source,
        kind=i.kind,
        kind_label=str(agenda.kind_label(i.kind)),
        key=i.key,
        title=i.title,
        detail=i.detail,
        url=i.url,
        initiative_id=i.initiative_id,
        action_id=i.action_id,
        is_win=i.is_win,
        position=i.position,
        minutes=i.minutes,
        notes=i.notes,
        dropped=i.is_dropped,
        dropped_at=i.dropped_at,
        drop_reason=i.drop_reason,
        added_by_id=i.added_by_id,
    )


def decision_out(d: Decision) -> ReviewDecisionOut:
    """A decision with its recorder and confirmations (their members) loaded."""
    return ReviewDecisionOut(
        id=d.pk,
        title=d.title,
        rationale=d.rationale,
        options_considered=d.options_considered,
        review_id=d.review_id,
        initiative_id=d.initiative_id,
        objective_id=d.objective_id,
        revisit_on=d.revisit_on,
        recorded_by_id=d.recorded_by_id,
        recorded_by=_name(d.recorded_by),
        confirmed=d.is_confirmed,
        confirmed_at=d.confirmed_at,
        confirmations=[
            ConfirmationOut(
                member_id=c.membership_id,
                name=c.membership.user.display_name,
                side=c.side,
                confirmed_at=c.confirmed_at,
            )
            for c in d.confirmations.all()
        ],
        created_at=d.created_at,
    )


def action_out(a: ActionItem, *, today: date) -> ActionItemOut:
    """An action item with its owner loaded; ``today`` says whether it is overdue."""
    return ActionItemOut(
        id=a.pk,
        title=a.title,
        owner_id=a.owner_id,
        owner=_name(a.owner),
        due_on=a.due_on,
        status=a.status,
        overdue=a.status == ActionStatus.OPEN and a.due_on < today,
        done_at=a.done_at,
        review_id=a.review_id,
        decision_id=a.decision_id,
        initiative_id=a.initiative_id,
        created_by_id=a.created_by_id,
        created_at=a.created_at,
    )


def win_out(w: Win) -> WinOut:
    """A win with the members it thanks loaded."""
    return WinOut(
        id=w.pk,
        title=w.title,
        detail=w.detail,
        review_id=w.review_id,
        initiative_id=w.initiative_id,
        source_key=w.source_key,
        thanked=[person_out(m) for m in w.thanked.all()],
        thanks_sent=w.thanks_sent_at is not None,
        created_by_id=w.created_by_id,
        created_at=w.created_at,
    )


def review_detail_out(found: ReviewDetail, *, today: date) -> ReviewDetailOut:
    """A review of ``selectors.review_detail``; ``today`` says which actions are overdue."""
    review = found.review
    return ReviewDetailOut(
        **_review_fields(review),
        present=[person_out(p) for p in review.present.all()],
        notes=review.notes,
        items=[item_out(i) for i in found.items],
        decisions=[decision_out(d) for d in found.decisions],
        actions=[action_out(a, today=today) for a in found.actions],
        wins=[win_out(w) for w in found.wins],
    )


def series_habit_out(s: ReviewSeries, h: HabitScore, *, slipping: bool) -> SeriesHabitOut:
    return SeriesHabitOut(
        series_id=s.pk,
        name=s.name,
        objective_id=s.objective_id,
        score=h.score,
        slipping=slipping,
        held=h.held,
        both_sides=h.both_sides,
        actions=h.actions,
        check_ins=h.check_ins,
        weeks=[HabitWeekOut(at=w.at, score=w.score, components=w.components) for w in h.weeks],
    )


def missed_check_in_out(k: KeyResult) -> MissedCheckInOut:
    return MissedCheckInOut(
        key_result_id=k.pk, metric=k.metric, objective_id=k.objective_id, last_check_in_at=k.last_check_in_at
    )
