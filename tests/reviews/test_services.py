"""Review services on a real database: series and their feeds, preparing a review (its agenda
carrying over open actions), running and closing it (the minutes mailed once), the agenda's items,
decisions both sides confirm, action items, wins and their thanks, the habit alert, and the audit
log every write leaves. Who may do what is the access gate's, tested at the end."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.links import secret_digest
from tandem.core.models import AuditEvent, Membership, Side
from tandem.reviews import access, ics, services
from tandem.reviews.apps import AUDIT_ACTIONS
from tandem.reviews.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Decision,
    DecisionConfirmation,
    HabitAlert,
    PersonalFeed,
    Review,
    ReviewSeries,
    ReviewStatus,
)
from tandem.strategy import services as strategy
from tests.conftest import Personas
from tests.factories import MembershipFactory

AMS = ZoneInfo("Europe/Amsterdam")
# A Wednesday: the series' next review is Monday 9 March 2026 at 09:00 in Amsterdam.
WEDNESDAY = datetime(2026, 3, 4, 10, 0, tzinfo=AMS)
NEXT_MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=AMS)


def refusal(error_type: type[Exception], call: Callable[[], object]) -> Any:
    """The refusal ``call`` raises (asserting its type)."""
    with pytest.raises(error_type) as error:
        call()
    return error.value


def field_of(call: Callable[[], object]) -> str | None:
    """The field a ``ValidationFailed`` raised by ``call`` names."""
    return refusal(ValidationFailed, call).field  # type: ignore[no-any-return]


def last_event_id() -> int:
    last = AuditEvent.objects.unscoped().order_by("-id").first()
    return last.pk if last else 0


def actions_since(event_id: int) -> list[str]:
    return list(
        AuditEvent.objects.unscoped()
        .filter(id__gt=event_id, action__startswith="reviews.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def queued(name: str) -> list[dict[str, Any]]:
    """The arguments of each queued run of the task ``name``."""
    jobs = DBTaskResult.objects.filter(task_path__endswith=f".{name}").order_by("enqueued_at")
    return [job.args_kwargs["kwargs"] for job in jobs]


def run_queued(name: str) -> list[Any]:
    """Run every queued run of the task ``name`` here and now (what the worker would do)."""
    jobs = DBTaskResult.objects.filter(task_path__endswith=f".{name}", status="READY").order_by("enqueued_at")
    return [job.task.call(**job.args_kwargs["kwargs"]) for job in jobs]


def html_of(message: Any) -> str:
    """The HTML alternative of an e-mail."""
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def prepare(personas: Personas, series: ReviewSeries, now: datetime = WEDNESDAY) -> Review:
    return services.review_prepare(actor=personas.owner, series=series, now=now)


def new_series(personas: Personas, **overrides: Any) -> ReviewSeries:
    fields: dict[str, Any] = {
        "name": "Weekly business–IT review",
        "weekday": 0,
        "start_time": "09:00",
        "time_zone": "Europe/Amsterdam",
        "starts_on": date(2026, 1, 5),
        "attendees": [personas.business_lead, personas.it_lead],
    }
    fields.update(overrides)
    return services.series_create(actor=personas.owner, **fields)


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def decide(actor: Membership, **overrides: Any) -> Decision:
    fields: dict[str, Any] = {"title": "Pilot in Venlo first", "rationale": "Smallest depot, least risk."}
    fields.update(overrides)
    return services.decision_record(actor=actor, **fields)


def act(personas: Personas, **overrides: Any) -> ActionItem:
    fields: dict[str, Any] = {
        "title": "Estimate the carrier feed",
        "owner": personas.it_lead,
        "due_on": in_days(7),
    }
    fields.update(overrides)
    return services.action_add(actor=personas.business_lead, **fields)


# --- Series --------------------------------------------------------------------------------------


def test_a_series_is_created_with_its_attendees_and_a_secret_feed_address(personas: Personas) -> None:
    before = last_event_id()
    series = new_series(personas, start_time="9:30", duration_minutes="45", interval_weeks=2)
    series.refresh_from_db()
    assert (series.name, series.weekday, series.start_time, series.time_zone) == (
        "Weekly business–IT review",
        0,
        time(9, 30),
        "Europe/Amsterdam",
    )
    assert (series.duration_minutes, series.interval_weeks, series.objective, series.is_active) == (
        45,
        2,
        None,
        True,
    )
    assert set(series.attendees.all()) == {personas.business_lead, personas.it_lead}
    assert series.feed_digest == secret_digest(ics.series_feed_secret(series))
    assert series.created_by == personas.owner
    assert actions_since(before) == ["reviews.series_created"]


def test_a_programme_series_covers_one_objective_of_the_organisation(personas: Personas) -> None:
    objective = strategy.objective_create(
        actor=personas.owner,
        title="Faster claims",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    assert new_series(personas, objective=objective).objective == objective


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"weekday": 7}, "weekday"),
        ({"weekday": -1}, "weekday"),
        ({"weekday": "Monday"}, "weekday"),
        ({"start_time": "25:00"}, "start_time"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"starts_on": ""}, "starts_on"),
        ({"duration_minutes": 4}, "duration_minutes"),
        ({"duration_minutes": 481}, "duration_minutes"),
        ({"interval_weeks": 0}, "interval_weeks"),
        ({"interval_weeks": 5}, "interval_weeks"),
    ],
)
def test_a_series_with_invalid_fields_is_refused_naming_the_field(
    personas: Personas, overrides: dict[str, Any], field: str
) -> None:
    assert field_of(lambda: new_series(personas, **overrides)) == field
    assert not ReviewSeries.objects.for_org(personas.org).exists()


@pytest.mark.parametrize("who", ["partner", "outsider", "inactive"])
def test_attendees_are_active_internal_members_of_the_organisation(personas: Personas, who: str) -> None:
    if who == "inactive":
        personas.member.is_active = False
        personas.member.save()
        person = personas.member
    else:
        person = getattr(personas, who)
    assert field_of(lambda: new_series(personas, attendees=[personas.it_lead, person])) == "attendees"


def test_attendees_may_be_named_by_id_and_are_limited_in_number(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    series = new_series(personas, attendees=[personas.it_lead.pk, personas.viewer.pk, personas.it_lead.pk])
    assert set(series.attendees.all()) == {personas.it_lead, personas.viewer}
    monkeypatch.setattr(services, "MAX_ATTENDEES", 2)
    error = refusal(
        ValidationFailed,
        lambda: new_series(personas, attendees=[personas.it_lead, personas.owner, personas.admin]),
    )
    assert (error.field, error.message) == ("attendees", "Name at most 2 people.")


def test_the_programme_of_another_organisation_is_refused(personas: Personas) -> None:
    theirs = strategy.objective_create(
        actor=personas.outsider,
        title="Their objective",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    assert field_of(lambda: new_series(personas, objective=theirs)) == "objective"


def test_a_series_update_changes_what_is_given_and_replaces_the_attendees(
    personas: Personas, series: ReviewSeries
) -> None:
    before = last_event_id()
    services.series_update(
        actor=personas.admin,
        series=series,
        name="Thursday review",
        weekday=3,
        attendees=[personas.member, personas.it_lead],
    )
    series.refresh_from_db()
    assert (series.name, series.weekday, series.start_time) == ("Thursday review", 3, time(9, 0))
    assert set(series.attendees.all()) == {personas.member, personas.it_lead}
    event = AuditEvent.objects.unscoped().get(id__gt=before)
    assert (event.action, event.data) == (
        "reviews.series_updated",
        {"fields": ["name", "weekday", "attendees"]},
    )
    services.series_update(actor=personas.admin, series=series, name="Thursday review")
    assert actions_since(event.pk) == []  # nothing changed, nothing logged
    assert field_of(
        lambda: services.series_update(actor=personas.admin, series=series, duration_minutes=500)
    ) == ("duration_minutes")


def test_a_row_of_another_organisation_is_refused_by_every_service(
    personas: Personas, series: ReviewSeries
) -> None:
    outsider = personas.outsider
    review = prepare(personas, series)
    item = services.item_add(actor=personas.owner, review=review, title="Ours")
    decision = decide(personas.business_lead)
    action = act(personas)
    calls: list[Callable[[], object]] = [
        lambda: services.series_update(actor=outsider, series=series, name="Taken"),
        lambda: services.series_feed_rotate(actor=outsider, series=series),
        lambda: services.review_prepare(actor=outsider, series=series),
        lambda: services.review_start(actor=outsider, review=review),
        lambda: services.review_close(actor=outsider, review=review, present=[]),
        lambda: services.review_cancel(actor=outsider, review=review, reason="Mine now"),
        lambda: services.item_add(actor=outsider, review=review, title="Theirs"),
        lambda: services.item_update(actor=outsider, item=item, title="Theirs"),
        lambda: services.item_drop(actor=outsider, item=item, reason="Theirs"),
        lambda: services.agenda_reorder(actor=outsider, review=review, item_ids=[item.pk]),
        lambda: services.decision_record(actor=outsider, title="T", rationale="R", review=review),
        lambda: services.decision_confirm(actor=outsider, decision=decision),
        lambda: services.action_add(
            actor=outsider, title="T", owner=outsider, due_on=in_days(1), review=review
        ),
        lambda: services.action_update(actor=outsider, action=action, status="done"),
        lambda: services.win_add(actor=outsider, title="T", review=review),
    ]
    for call in calls:
        refusal(ValidationFailed, call)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PLANNED
    assert not DecisionConfirmation.objects.for_org(personas.other_org).exists()


# --- Calendar feeds ------------------------------------------------------------------------------


def test_renewing_a_series_feed_address_stops_the_old_one(personas: Personas, series: ReviewSeries) -> None:
    old = series.feed_digest
    before = last_event_id()
    services.series_feed_rotate(actor=personas.owner, series=series)
    series.refresh_from_db()
    assert series.feed_digest != old
    assert series.feed_digest == secret_digest(ics.series_feed_secret(series))
    assert not ReviewSeries.objects.for_org(personas.org).filter(feed_digest=old).exists()
    assert actions_since(before) == ["reviews.feed_rotated"]


def test_a_personal_feed_is_made_once_and_renewed_on_request(personas: Personas) -> None:
    feed = services.personal_feed_get_or_create(actor=personas.member)
    assert services.personal_feed_get_or_create(actor=personas.member).pk == feed.pk
    assert feed.digest == secret_digest(ics.personal_feed_secret(feed))
    old = feed.digest
    renewed = services.personal_feed_rotate(actor=personas.member)
    assert renewed.pk == feed.pk
    assert renewed.digest != old
    assert PersonalFeed.objects.for_org(personas.org).get().digest == renewed.digest
    refusal(NotFound, lambda: services.personal_feed_get_or_create(actor=personas.partner))


# --- Preparing a review --------------------------------------------------------------------------


def test_preparing_takes_the_next_slot_not_prepared_yet_and_builds_its_agenda(
    personas: Personas, series: ReviewSeries
) -> None:
    before = last_event_id()
    first = prepare(personas, series)
    assert (first.scheduled_at, first.status) == (NEXT_MONDAY, ReviewStatus.PLANNED)
    assert first.agenda_since == series.created_at  # no review closed before it
    assert first.agenda_built_at == WEDNESDAY
    second = prepare(personas, series)
    assert second.scheduled_at == NEXT_MONDAY + timedelta(weeks=1)
    assert actions_since(before) == ["reviews.review_prepared", "reviews.review_prepared"]


def test_a_review_meeting_today_is_prepared_today_even_after_it_began(
    personas: Personas, series: ReviewSeries
) -> None:
    monday_noon = datetime(2026, 3, 9, 12, 0, tzinfo=AMS)
    assert prepare(personas, series, now=monday_noon).scheduled_at == NEXT_MONDAY


def test_a_cancelled_slot_is_taken_and_the_next_one_is_prepared(
    personas: Personas, series: ReviewSeries
) -> None:
    first = prepare(personas, series)
    services.review_cancel(actor=personas.owner, review=first, reason="Quarter-end close")
    assert prepare(personas, series).scheduled_at == NEXT_MONDAY + timedelta(weeks=1)


def test_a_given_slot_is_prepared_once_and_must_be_an_occurrence(
    personas: Personas, series: ReviewSeries
) -> None:
    at = NEXT_MONDAY + timedelta(weeks=2)
    review = services.review_prepare(actor=None, series=series, now=WEDNESDAY, at=at)
    assert review.scheduled_at == at
    refusal(Conflict, lambda: services.review_prepare(actor=None, series=series, now=WEDNESDAY, at=at))
    assert (
        field_of(lambda: services.review_prepare(actor=None, series=series, at=at + timedelta(hours=1)))
        == "at"
    )
    system = AuditEvent.objects.unscoped().get(action="reviews.review_prepared")
    assert system.actor is None


def test_an_inactive_series_prepares_no_review(personas: Personas, series: ReviewSeries) -> None:
    services.series_update(actor=personas.owner, series=series, is_active=False)
    error = refusal(Conflict, lambda: prepare(personas, series))
    assert "no longer active" in error.message
    assert not Review.objects.for_org(personas.org).exists()


def test_open_actions_carry_over_to_the_next_review_until_done(
    personas: Personas, series: ReviewSeries
) -> None:
    first = prepare(personas, series)
    services.review_start(actor=personas.owner, review=first)
    action = act(personas, review=first)
    done_soon = act(personas, review=first, title="Book the Venlo depot")
    services.review_close(actor=personas.owner, review=first, present=[personas.owner, personas.it_lead])
    first.refresh_from_db()

    second = prepare(personas, series)
    assert second.agenda_since == first.closed_at
    carried = AgendaItem.objects.for_org(personas.org).filter(review=second, kind="action")
    assert {item.action_id for item in carried} == {action.pk, done_soon.pk}
    assert {item.key for item in carried} == {f"reviews:action:{action.pk}", f"reviews:action:{done_soon.pk}"}

    services.action_update(actor=personas.it_lead, action=done_soon, status="done")
    services.review_close(actor=personas.owner, review=second, present=[personas.owner])
    third = prepare(personas, series)
    carried = AgendaItem.objects.for_org(personas.org).filter(review=third, kind="action")
    assert [item.action_id for item in carried] == [action.pk]


def test_a_refresh_adds_what_is_new_and_keeps_a_dropped_item_dropped(
    personas: Personas, series: ReviewSeries
) -> None:
    review = prepare(personas, series)
    action = act(personas)
    [added] = services.review_refresh(actor=personas.owner, review=review)
    assert added.action_id == action.pk
    services.item_drop(actor=personas.owner, item=added, reason="Discussed in the stand-up")
    assert services.review_refresh(actor=personas.owner, review=review) == []
    added.refresh_from_db()
    assert added.is_dropped


# --- Running a review -----------------------------------------------------------------------------


def test_a_review_starts_once_and_closes_with_who_was_present(
    personas: Personas, series: ReviewSeries, django_capture_on_commit_callbacks: Any
) -> None:
    review = prepare(personas, series)
    services.review_start(actor=personas.owner, review=review)
    assert (review.status, review.started_at is not None) == (ReviewStatus.OPEN, True)
    assert (
        "in progress already"
        in refusal(Conflict, lambda: services.review_start(actor=personas.owner, review=review)).message
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.review_close(
            actor=personas.owner,
            review=review,
            present=[personas.owner, personas.it_lead, personas.member],
            notes="Good one.",
        )
    review.refresh_from_db()
    assert (review.status, review.closed_by, review.notes) == (
        ReviewStatus.CLOSED,
        personas.owner,
        "Good one.",
    )
    assert set(review.present.all()) == {personas.owner, personas.it_lead, personas.member}
    assert queued("send_minutes") == [{"review_id": review.pk}]
    assert mail.outbox == []  # sent by the worker, after the close committed


def test_who_was_present_are_active_internal_members(personas: Personas, series: ReviewSeries) -> None:
    review = prepare(personas, series)
    for person in (personas.partner, personas.outsider):
        close = partial(services.review_close, actor=personas.owner, review=review, present=[person])
        assert field_of(close) == "present"
    review.refresh_from_db()
    assert review.status == ReviewStatus.PLANNED


def test_closing_mails_the_minutes_once_to_attendees_and_those_present(
    personas: Personas, series: ReviewSeries, django_capture_on_commit_callbacks: Any
) -> None:
    review = prepare(personas, series)
    decide(personas.business_lead, review=review, title="Café – “launch” €5")
    with django_capture_on_commit_callbacks(execute=True):
        services.review_close(actor=personas.owner, review=review, present=[personas.owner, personas.member])
    assert run_queued("send_minutes") == [5]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admin@acme.test",
        "bizlead@acme.test",
        "itlead@acme.test",
        "member@acme.test",
        "owner@acme.test",
    ]
    message = mail.outbox[0]
    assert "Café – “launch” €5" in str(message.body)
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("minutes-2026-03-09.pdf", "application/pdf")
    assert content[:5] == b"%PDF-"
    assert "Café – “launch” €5" in html_of(message)
    review.refresh_from_db()
    assert review.minutes_sent_at is not None
    assert run_queued("send_minutes") == [0]  # once only
    assert len(mail.outbox) == 5


def changes_to(personas: Personas, review: Review) -> list[Callable[[], object]]:
    """Every change a review's state may refuse."""
    owner = personas.owner
    return [
        lambda: services.review_start(actor=owner, review=review),
        lambda: services.review_close(actor=owner, review=review, present=[]),
        lambda: services.review_cancel(actor=owner, review=review, reason="Again"),
        lambda: services.review_refresh(actor=owner, review=review),
        lambda: services.item_add(actor=owner, review=review, title="Late"),
        lambda: services.agenda_reorder(actor=owner, review=review, item_ids=[]),
        lambda: decide(personas.business_lead, review=review),
        lambda: act(personas, review=review),
        lambda: services.win_add(actor=owner, title="Late win", review=review),
    ]


def test_a_closed_or_cancelled_review_cannot_be_changed(personas: Personas, series: ReviewSeries) -> None:
    closed = prepare(personas, series)
    item = services.item_add(actor=personas.owner, review=closed, title="Route planning")
    services.review_close(actor=personas.owner, review=closed, present=[personas.owner])
    cancelled = prepare(personas, series)
    services.review_cancel(actor=personas.owner, review=cancelled, reason="Quarter-end close")
    for review, words in ((closed, "is closed"), (cancelled, "was cancelled")):
        for call in changes_to(personas, review):
            assert words in refusal(Conflict, call).message
    assert (
        "is closed"
        in refusal(Conflict, lambda: services.item_drop(actor=personas.owner, item=item, reason="x")).message
    )
    assert (
        "is closed"
        in refusal(Conflict, lambda: services.item_update(actor=personas.owner, item=item, minutes=5)).message
    )
    # Outside a review, decisions, actions and wins are still recorded.
    assert decide(personas.business_lead).review is None
    assert act(personas).review is None
    assert services.win_add(actor=personas.owner, title="Shipped").review is None


def test_a_review_is_cancelled_only_with_a_reason(personas: Personas, series: ReviewSeries) -> None:
    review = prepare(personas, series)
    assert (
        field_of(lambda: services.review_cancel(actor=personas.owner, review=review, reason="  ")) == "reason"
    )
    services.review_cancel(actor=personas.owner, review=review, reason="Quarter-end close")
    review.refresh_from_db()
    assert (review.status, review.cancel_reason) == (ReviewStatus.CANCELLED, "Quarter-end close")


# --- The agenda -------------------------------------------------------------------------------------


def test_items_added_by_hand_go_last_and_are_time_boxed_renamed_and_dropped(
    personas: Personas, series: ReviewSeries
) -> None:
    review = prepare(personas, series)
    first = services.item_add(actor=personas.member, review=review, title="Hiring", minutes=10)
    second = services.item_add(actor=personas.member, review=review, title="Budget", detail="Q2 figures")
    assert (first.position, second.position) == (0, 1)
    assert (first.minutes, first.added_by, first.key) == (10, personas.member, "")
    services.item_update(
        actor=personas.member, item=second, minutes=15, notes="Ask finance", title="Budget Q2"
    )
    second.refresh_from_db()
    assert (second.minutes, second.notes, second.title) == (15, "Ask finance", "Budget Q2")
    services.item_update(actor=personas.member, item=second, minutes=None)
    second.refresh_from_db()
    assert second.minutes is None
    services.item_drop(actor=personas.member, item=first, reason="Not this week")
    first.refresh_from_db()
    assert (first.is_dropped, first.dropped_by, first.drop_reason) == (True, personas.member, "Not this week")
    assert (
        "already"
        in refusal(
            Conflict, lambda: services.item_drop(actor=personas.member, item=first, reason="x")
        ).message
    )
    assert (
        "dropped"
        in refusal(
            Conflict, lambda: services.item_update(actor=personas.member, item=first, notes="x")
        ).message
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a, r, i: services.item_add(actor=a, review=r, title=""), "title"),
        (lambda a, r, i: services.item_add(actor=a, review=r, title="x" * 301), "title"),
        (lambda a, r, i: services.item_add(actor=a, review=r, title="T", minutes=0), "minutes"),
        (lambda a, r, i: services.item_add(actor=a, review=r, title="T", minutes=481), "minutes"),
        (lambda a, r, i: services.item_update(actor=a, item=i, minutes=cast(Any, "ten")), "minutes"),
        (lambda a, r, i: services.item_update(actor=a, item=i, title=" "), "title"),
        (lambda a, r, i: services.item_drop(actor=a, item=i, reason=""), "reason"),
    ],
)
def test_agenda_input_is_checked(
    personas: Personas, series: ReviewSeries, call: Callable[..., object], field: str
) -> None:
    review = prepare(personas, series)
    item = services.item_add(actor=personas.owner, review=review, title="Hiring")
    assert field_of(lambda: call(personas.owner, review, item)) == field


def test_the_agenda_is_reordered_by_exactly_its_items(personas: Personas, series: ReviewSeries) -> None:
    review = prepare(personas, series)
    a, b, c = (services.item_add(actor=personas.owner, review=review, title=t) for t in "ABC")
    services.item_drop(actor=personas.owner, item=b, reason="Later")
    services.agenda_reorder(actor=personas.owner, review=review, item_ids=[c.pk, b.pk, a.pk])
    order = list(AgendaItem.objects.for_org(personas.org).filter(review=review).order_by("position"))
    assert [i.title for i in order] == ["C", "B", "A"]
    services.agenda_reorder(actor=personas.owner, review=review, item_ids=[a.pk, c.pk])  # the kept ones
    order = list(AgendaItem.objects.for_org(personas.org).filter(review=review).order_by("position"))
    assert [i.title for i in order] == ["A", "C", "B"]
    other = services.item_add(actor=personas.owner, review=prepare(personas, series), title="Elsewhere")
    wrong: list[list[Any]] = [[a.pk], [a.pk, c.pk, c.pk], [a.pk, b.pk, c.pk, other.pk], ["x"]]
    for ids in wrong:
        reorder = partial(services.agenda_reorder, actor=personas.owner, review=review, item_ids=ids)
        assert field_of(reorder) == "item_ids"


# --- Decisions ------------------------------------------------------------------------------------


def test_a_decision_is_confirmed_once_the_other_side_confirms_it(
    personas: Personas, series: ReviewSeries
) -> None:
    review = prepare(personas, series)
    decision = decide(
        personas.business_lead, review=review, revisit_on=in_days(30), options_considered="Tilburg"
    )
    assert (decision.review, decision.recorded_by, decision.is_confirmed) == (
        review,
        personas.business_lead,
        False,
    )
    [mine] = DecisionConfirmation.objects.for_org(personas.org).filter(decision=decision)
    assert (mine.membership, mine.side) == (personas.business_lead, Side.BUSINESS)
    services.decision_confirm(actor=personas.it_lead, decision=decision)
    assert decision.is_confirmed
    decision.refresh_from_db()
    assert decision.confirmed_at is not None


def test_two_people_of_one_side_do_not_confirm_a_decision(personas: Personas) -> None:
    decision = decide(personas.business_lead)
    services.decision_confirm(actor=personas.owner, decision=decision)
    services.decision_confirm(actor=personas.member, decision=decision)
    decision.refresh_from_db()
    assert decision.confirmed_at is None
    assert DecisionConfirmation.objects.for_org(personas.org).filter(decision=decision).count() == 3


def test_a_member_confirms_a_decision_once(personas: Personas) -> None:
    decision = decide(personas.business_lead)
    error = refusal(
        Conflict, lambda: services.decision_confirm(actor=personas.business_lead, decision=decision)
    )
    assert error.message == "You have confirmed this decision already."
    services.decision_confirm(actor=personas.it_lead, decision=decision)
    confirmed_at = Decision.objects.for_org(personas.org).get().confirmed_at
    services.decision_confirm(actor=personas.admin, decision=decision)  # a third confirmation changes nothing
    assert Decision.objects.for_org(personas.org).get().confirmed_at == confirmed_at


def test_only_the_business_and_it_sides_confirm(personas: Personas) -> None:
    decision = decide(personas.business_lead)
    assert (
        "business or the IT side"
        in refusal(
            Conflict, lambda: services.decision_confirm(actor=personas.partner, decision=decision)
        ).message
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"rationale": " "}, "rationale"),
        ({"revisit_on": date(2020, 1, 1)}, "revisit_on"),
        ({"revisit_on": "someday"}, "revisit_on"),
    ],
)
def test_a_decision_needs_a_title_a_rationale_and_a_review_date_ahead(
    personas: Personas, overrides: dict[str, Any], field: str
) -> None:
    assert field_of(lambda: decide(personas.business_lead, **overrides)) == field
    assert not Decision.objects.for_org(personas.org).exists()


def test_a_decision_about_another_organisations_initiative_is_refused(personas: Personas) -> None:
    theirs = strategy.initiative_create(actor=personas.outsider, title="Their plan")
    refusal(ValidationFailed, lambda: decide(personas.business_lead, initiative=theirs))


@pytest.mark.django_db(transaction=True)  # two people confirming for real, each in their own transaction
def test_both_sides_confirming_at_once_leave_the_decision_confirmed(personas: Personas) -> None:
    decision = decide(personas.member)
    start = threading.Barrier(3)
    outcomes: list[str] = []

    def confirm(actor: Membership) -> None:
        try:
            start.wait()
            services.decision_confirm(
                actor=actor, decision=Decision.objects.for_org(personas.org).get(pk=decision.pk)
            )
            outcomes.append("confirmed")
        except Conflict as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # collected and asserted below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=confirm, args=(m,))
        for m in (personas.owner, personas.it_lead, personas.it_lead)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["confirmed", "confirmed", "conflict"]
    decision.refresh_from_db()
    assert decision.confirmed_at is not None
    sides = (
        DecisionConfirmation.objects.for_org(personas.org)
        .filter(decision=decision)
        .values_list("side", flat=True)
    )
    assert sorted(sides) == ["business", "business", "it"]


# --- Action items -----------------------------------------------------------------------------------


def test_an_action_has_one_owner_and_a_due_date_and_records_when_it_was_done(personas: Personas) -> None:
    decision = decide(
        personas.business_lead, initiative=strategy.initiative_create(actor=personas.owner, title="Venlo")
    )
    action = act(personas, decision=decision)
    assert (action.owner, action.status, action.created_by) == (
        personas.it_lead,
        ActionStatus.OPEN,
        personas.business_lead,
    )
    assert action.initiative == decision.initiative  # what the decision is about
    before = last_event_id()
    services.action_update(actor=personas.it_lead, action=action, status="done")
    action.refresh_from_db()
    assert (action.status, action.done_at is not None) == (ActionStatus.DONE, True)
    services.action_update(
        actor=personas.it_lead, action=action, status="open", due_on=in_days(3), owner=personas.member
    )
    action.refresh_from_db()
    assert (action.status, action.done_at, action.due_on, action.owner) == (
        "open",
        None,
        in_days(3),
        personas.member,
    )
    assert actions_since(before) == ["reviews.action_changed", "reviews.action_changed"]
    services.action_update(actor=personas.it_lead, action=action, status="open")
    assert actions_since(before) == ["reviews.action_changed", "reviews.action_changed"]  # no change


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"due_on": None}, "due_on"),
        ({"due_on": date(2020, 1, 1)}, "due_on"),
        ({"owner": None}, "owner"),
        ({"owner": "partner"}, "owner"),
        ({"owner": "outsider"}, "owner"),
        ({"owner": "inactive"}, "owner"),
    ],
)
def test_an_action_needs_a_title_an_active_internal_owner_and_a_due_date_from_today(
    personas: Personas, overrides: dict[str, Any], field: str
) -> None:
    if overrides.get("owner") == "inactive":
        personas.member.is_active = False
        personas.member.save()
        overrides["owner"] = personas.member
    elif isinstance(overrides.get("owner"), str):
        overrides["owner"] = getattr(personas, overrides["owner"])
    assert field_of(lambda: act(personas, **overrides)) == field
    assert not ActionItem.objects.for_org(personas.org).exists()


def test_an_action_update_is_checked(personas: Personas) -> None:
    action = act(personas)
    assert (
        field_of(lambda: services.action_update(actor=personas.it_lead, action=action, status="finished"))
        == "status"
    )
    assert (
        field_of(
            lambda: services.action_update(actor=personas.it_lead, action=action, owner=personas.partner)
        )
        == "owner"
    )
    assert (
        field_of(lambda: services.action_update(actor=personas.it_lead, action=action, due_on="")) == "due_on"
    )
    action.refresh_from_db()
    assert (action.status, action.owner) == (ActionStatus.OPEN, personas.it_lead)


# --- Wins -----------------------------------------------------------------------------------------


def test_a_win_thanks_people_by_email_in_their_language(
    personas: Personas, series: ReviewSeries, django_capture_on_commit_callbacks: Any
) -> None:
    personas.it_lead.user.language = "nl"
    personas.it_lead.user.save()
    review = prepare(personas, series)
    with django_capture_on_commit_callbacks(execute=True):
        win = services.win_add(
            actor=personas.business_lead,
            title="Recipients love the tracking page",
            detail="4.5 out of 5 from 40 recipients.",
            review=review,
            thanked=[personas.it_lead, personas.member],
            source_key="delivery:good_feedback:7",
        )
    assert set(win.thanked.all()) == {personas.it_lead, personas.member}
    assert queued("send_thanks") == [{"win_id": win.pk}]
    assert run_queued("send_thanks") == [2]
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"itlead@acme.test", "member@acme.test"}
    assert all("Recipients love the tracking page" in m.subject for m in mail.outbox)
    assert '<html lang="nl">' in html_of(sent["itlead@acme.test"])
    assert '<html lang="en">' in html_of(sent["member@acme.test"])
    assert run_queued("send_thanks") == [0]  # once only
    error = refusal(
        Conflict,
        lambda: services.win_add(
            actor=personas.owner, title="Again", review=review, source_key="delivery:good_feedback:7"
        ),
    )
    assert "celebrated" in error.message


def test_a_win_without_anyone_to_thank_sends_nothing(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.win_add(actor=personas.owner, title="Shipped on time")
    assert queued("send_thanks") == []


def test_the_thanked_are_active_members_of_the_organisation(personas: Personas) -> None:
    assert (
        field_of(lambda: services.win_add(actor=personas.owner, title="W", thanked=[personas.outsider]))
        == "thanked"
    )
    assert field_of(lambda: services.win_add(actor=personas.owner, title="", thanked=[])) == "title"
    partner_thanked = services.win_add(
        actor=personas.owner, title="Vendor came through", thanked=[personas.partner]
    )
    assert list(partner_thanked.thanked.all()) == [personas.partner]


# --- The habit ------------------------------------------------------------------------------------


def held(series: ReviewSeries, at: datetime, present: list[Membership]) -> Review:
    review = Review.objects.create(
        organization=series.organization,
        series=series,
        scheduled_at=at,
        agenda_since=at - timedelta(weeks=1),
        status=ReviewStatus.CLOSED,
        started_at=at,
        closed_at=at + timedelta(hours=1),
    )
    review.present.set(present)
    return review


def test_a_slipping_habit_raises_one_alert_to_the_owners_and_closes_it_on_recovery(
    personas: Personas, series: ReviewSeries, django_capture_on_commit_callbacks: Any
) -> None:
    now = datetime(2026, 3, 23, 12, 0, tzinfo=AMS)  # the twelfth Monday: nothing held so far
    with django_capture_on_commit_callbacks(execute=True):
        [alert] = services.habit_check(personas.org, now=now)
    assert (alert.series, alert.score, alert.recovered_at) == (series, 0, None)
    assert queued("send_habit_alert") == [{"alert_id": alert.pk}]
    assert run_queued("send_habit_alert") == [1]
    [message] = mail.outbox
    assert message.to == ["owner@acme.test"]
    assert "Alignment is becoming an event again" in message.subject

    with django_capture_on_commit_callbacks(execute=True):
        assert services.habit_check(personas.org, now=now + timedelta(days=1)) == []  # still slipping
    assert len(queued("send_habit_alert")) == 1

    monday = datetime(2026, 3, 30, 9, 0, tzinfo=AMS)
    for week in range(4):
        held(series, monday + timedelta(weeks=week), [personas.business_lead, personas.it_lead])
    later = monday + timedelta(weeks=3, hours=3)
    assert services.habit_check(personas.org, now=later) == []
    alert.refresh_from_db()
    assert alert.recovered_at == later
    assert HabitAlert.objects.for_org(personas.org).count() == 1


# --- The audit log ----------------------------------------------------------------------------------


def test_every_write_lands_in_the_audit_log_and_refusals_write_nothing(
    personas: Personas, series: ReviewSeries
) -> None:
    before = last_event_id()
    created = new_series(personas)
    services.series_update(actor=personas.owner, series=created, name="Renamed")
    services.series_feed_rotate(actor=personas.owner, series=created)
    review = prepare(personas, series)
    services.review_refresh(actor=personas.owner, review=review)
    services.review_start(actor=personas.owner, review=review)
    item = services.item_add(actor=personas.owner, review=review, title="Hiring")
    services.item_update(actor=personas.owner, item=item, minutes=5)
    services.agenda_reorder(actor=personas.owner, review=review, item_ids=[item.pk])
    services.item_drop(actor=personas.owner, item=item, reason="Later")
    decision = decide(personas.business_lead, review=review)
    services.decision_confirm(actor=personas.it_lead, decision=decision)
    action = act(personas, review=review)
    services.action_update(actor=personas.it_lead, action=action, status="done")
    services.win_add(actor=personas.owner, title="Shipped", review=review)
    services.review_close(actor=personas.owner, review=review, present=[personas.owner])
    services.review_cancel(actor=personas.owner, review=prepare(personas, series), reason="Holiday")
    assert sorted(set(actions_since(before))) == sorted(AUDIT_ACTIONS)
    before = last_event_id()
    refusal(Conflict, lambda: services.review_start(actor=personas.owner, review=review))
    refusal(ValidationFailed, lambda: new_series(personas, name=""))
    assert actions_since(before) == []


# --- Who may do what ------------------------------------------------------------------------------

READERS = ["owner", "admin", "business_lead", "it_lead", "member", "viewer"]


def allowed(personas: Personas, names: list[str], check: Callable[[Membership], object]) -> set[str]:
    """The personas among ``names`` for whom ``check`` does not raise ``NotFound``."""
    found = set()
    for name in names:
        try:
            check(getattr(personas, name))
        except NotFound:
            continue
        found.add(name)
    return found


EVERYONE = [*READERS, "partner", "outsider"]


def test_every_internal_member_reads_and_partners_and_outsiders_see_nothing(
    personas: Personas, series: ReviewSeries
) -> None:
    review = prepare(personas, series)
    decision = decide(personas.business_lead)
    action = act(personas)
    win = services.win_add(actor=personas.owner, title="Shipped")
    assert allowed(personas, EVERYONE, lambda m: access.series_list_for(m).count()) == {*READERS, "outsider"}
    assert access.series_list_for(personas.outsider).count() == 0  # their own organisation's
    for check in (
        lambda m: access.series_get_for_user(m, series.pk),
        lambda m: access.review_get_for_user(m, review.pk),
        lambda m: access.decision_get_for_user(m, decision.pk),
        lambda m: access.action_get_for_user(m, action.pk),
        lambda m: access.win_get_for_user(m, win.pk),
    ):
        assert allowed(personas, EVERYONE, check) == set(READERS)


def test_owners_and_admins_manage_series(personas: Personas, series: ReviewSeries) -> None:
    assert allowed(personas, EVERYONE, lambda m: access.series_for_manage(m, series.pk)) == {"owner", "admin"}
    assert {n for n in EVERYONE if access.can_manage_series(getattr(personas, n))} == {
        "owner",
        "admin",
        "outsider",
    }


def test_attendees_who_are_not_viewers_and_admins_run_the_reviews(
    personas: Personas, series: ReviewSeries
) -> None:
    series.attendees.add(personas.viewer)
    review = prepare(personas, series)
    item = services.item_add(actor=personas.owner, review=review, title="Hiring")
    runners = {
        "owner",
        "admin",
        "business_lead",
        "it_lead",
    }  # ``member`` does not attend; the viewer reads only
    assert allowed(personas, EVERYONE, lambda m: access.series_for_work(m, series.pk)) == runners
    assert allowed(personas, EVERYONE, lambda m: access.review_for_work(m, review.pk)) == runners
    assert allowed(personas, EVERYONE, lambda m: access.item_for_work(m, item.pk)) == runners
    refusal(NotFound, lambda: services.review_prepare(actor=personas.member, series=series))
    refusal(NotFound, lambda: services.review_prepare(actor=personas.viewer, series=series))
    series.attendees.add(personas.member)
    assert services.review_prepare(actor=personas.member, series=series, now=WEDNESDAY).series == series


def test_decisions_are_confirmed_by_business_and_it_members_who_are_not_viewers(personas: Personas) -> None:
    decision = decide(personas.business_lead)
    confirmers = allowed(personas, EVERYONE, lambda m: access.decision_for_confirm(m, decision.pk))
    assert confirmers == {"owner", "admin", "business_lead", "it_lead", "member"}
    assert allowed(personas, EVERYONE[:-1], lambda m: access.require_work(m)) == confirmers


def test_an_action_is_changed_by_its_owner_its_recorder_and_admins(personas: Personas) -> None:
    action = act(personas)  # recorded by the business lead for the IT lead
    assert allowed(personas, EVERYONE, lambda m: access.action_for_update(m, action.pk)) == {
        "owner",
        "admin",
        "business_lead",
        "it_lead",
    }


def test_a_member_on_the_partner_side_does_not_confirm_decisions(personas: Personas) -> None:
    contractor = MembershipFactory.create(organization=personas.org, role="member", side=Side.PARTNER)
    decision = decide(personas.business_lead)
    refusal(NotFound, lambda: access.decision_for_confirm(contractor, decision.pk))
