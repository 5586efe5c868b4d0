"""Writes of the reviews app: series and their calendar feeds, reviews and their agenda, the
decision log, action items, wins, and the habit alerts.

Every write checks its input, stays inside the organisation and lands in the audit log; the pages,
the API and the tasks call these same functions. A closed or cancelled review is history: nothing
on it changes any more, though decisions, action items and wins may still be recorded outside a
review. ``actor`` is ``None`` only for Tandem's own work (the daily task that prepares reviews)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_time
from django.utils.translation import gettext as _

from tandem.core.access import refuse
from tandem.core.audit import audit_record
from tandem.core.cache import org_changed
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.links import secret_digest
from tandem.core.models import Membership, Organization, Role, Side
from tandem.core.services import UNCHANGED, Unchanged
from tandem.core.validation import check_date, clean_text
from tandem.reviews import access, agenda, habit, ics, schedule
from tandem.reviews.models import (
    MAX_AGENDA_ITEMS,
    MAX_ATTENDEES,
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
    Win,
)
from tandem.strategy.models import Initiative, Objective

MIN_DURATION, MAX_DURATION = 5, 480  # minutes
MAX_INTERVAL = 4  # weeks
MAX_TIME_BOX = 480  # minutes
NAME_LENGTH = 120
TITLE_LENGTH = 300
DECISION_TITLE_LENGTH = 200
REASON_LENGTH = 300
TEXT_LENGTH = 5000
NOTES_LENGTH = 20000
KEY_LENGTH = 200
CONFIRMING_SIDES = (Side.BUSINESS, Side.IT)
# How far ahead ``review_prepare`` looks for a slot not prepared yet.
PREPARE_HORIZON = timedelta(weeks=53)

Person = Membership | int


def _audit(
    actor: Membership | None,
    action: str,
    *,
    org: Organization,
    target: Any = None,
    summary: str = "",
    data: Any = None,
) -> None:
    audit_record(
        action=action,
        actor=actor.user if actor is not None else None,
        organization=org,
        target=target,
        summary=summary,
        data=data,
    )


def _same_org(actor: Membership, *rows: Any) -> None:
    """A row of another organisation passed in by mistake is refused, never written against."""
    for row in rows:
        if row is not None and row.organization_id != actor.organization_id:
            raise ValidationFailed(_("Choose something of this organisation."))


# --- People ------------------------------------------------------------------------------------------


def _people(
    org: Organization, people: Iterable[Person], *, field: str, internal: bool = True
) -> list[Membership]:
    """The members named (memberships or their ids), each once, in the order given: active members
    of ``org``, and internal ones (not partners) when ``internal``; at most ``MAX_ATTENDEES``."""
    given = list(dict.fromkeys(people))
    limit = MAX_ATTENDEES
    ids = [p for p in given if not isinstance(p, Membership)]
    if len(given) > limit:
        raise ValidationFailed(_("Name at most %(n)s people.") % {"n": limit}, field=field)
    if any(isinstance(pk, bool) or not isinstance(pk, int) for pk in ids):
        raise ValidationFailed(_("Choose members of this organisation."), field=field)
    loaded = {m.pk: m for m in Membership.objects.for_org(org).filter(pk__in=ids).select_related("user")}
    found: list[Membership] = []
    for person in given:
        member = person if isinstance(person, Membership) else loaded.get(person)
        if member is None or member.organization_id != org.pk:
            raise ValidationFailed(_("Choose members of this organisation."), field=field)
        if not member.is_active:
            raise ValidationFailed(
                _("%(name)s is no longer an active member of this organisation.") % {"name": member.user},
                field=field,
            )
        if internal and member.role == Role.PARTNER:
            raise ValidationFailed(
                _("Choose people of the business or IT side: partners do not take part in reviews."),
                field=field,
            )
        if member.pk not in {m.pk for m in found}:
            found.append(member)
    return found


def _person(org: Organization, person: Person | None, *, field: str) -> Membership:
    if person is None:
        raise ValidationFailed(_("Choose a member."), field=field)
    return _people(org, [person], field=field)[0]


# --- Series ----------------------------------------------------------------------------------------


def _whole(value: Any, *, field: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise ValidationFailed(message, field=field)
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(message, field=field) from None
    if not low <= number <= high or (isinstance(value, float) and value != number):
        raise ValidationFailed(message, field=field)
    return number


def _weekday(value: Any) -> int:
    return _whole(value, field="weekday", low=0, high=6, message=_("Choose a day from Monday to Sunday."))


def _duration(value: Any) -> int:
    return _whole(
        value,
        field="duration_minutes",
        low=MIN_DURATION,
        high=MAX_DURATION,
        message=_("Enter a length from %(low)s to %(high)s minutes.")
        % {"low": MIN_DURATION, "high": MAX_DURATION},
    )


def _interval(value: Any) -> int:
    return _whole(
        value,
        field="interval_weeks",
        low=1,
        high=MAX_INTERVAL,
        message=_("Meet every 1 to %(n)s weeks.") % {"n": MAX_INTERVAL},
    )


def _start_time(value: Any) -> time:
    if isinstance(value, str):
        try:
            parsed = parse_time(value.strip())
        except ValueError:
            parsed = None
        value = parsed
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValidationFailed(_("Enter a time as HH:MM, such as 09:30."), field="start_time")
    return value.replace(microsecond=0)


def _starts_on(value: Any) -> date:
    return cast(date, check_date(value, field="starts_on", within="deadline", required=True))


def _programme(actor: Membership, objective: Objective | None) -> Objective | None:
    if objective is not None and objective.organization_id != actor.organization_id:
        raise ValidationFailed(_("Choose an objective of this organisation."), field="objective")
    return objective


def _new_series_nonce(series: ReviewSeries) -> None:
    series.feed_nonce = secrets.token_hex(16)
    series.feed_digest = secret_digest(ics.series_feed_secret(series))


def series_create(
    *,
    actor: Membership,
    name: str,
    weekday: int,
    start_time: time | str,
    time_zone: str,
    starts_on: date | str,
    duration_minutes: int = 60,
    interval_weeks: int = 1,
    objective: Objective | None = None,
    attendees: Iterable[Person] = (),
) -> ReviewSeries:
    """A recurring review of the organisation (or of one programme: ``objective``), with its
    attendees (active internal members) and a secret calendar feed address."""
    series = ReviewSeries(
        organization=actor.organization,
        name=clean_text(name, field="name", max_length=NAME_LENGTH, required=True),
        objective=_programme(actor, objective),
        weekday=_weekday(weekday),
        start_time=_start_time(start_time),
        duration_minutes=_duration(duration_minutes),
        time_zone=schedule.validate_time_zone(time_zone),
        interval_weeks=_interval(interval_weeks),
        starts_on=_starts_on(starts_on),
        created_by=actor,
    )
    people = _people(actor.organization, attendees, field="attendees")
    _new_series_nonce(series)
    with transaction.atomic():
        series.save()
        series.attendees.set(people)
        _audit(actor, "reviews.series_created", org=actor.organization, target=series, summary=series.name)
    return series


def series_update(
    *,
    actor: Membership,
    series: ReviewSeries,
    name: str | Unchanged = UNCHANGED,
    weekday: int | Unchanged = UNCHANGED,
    start_time: time | str | Unchanged = UNCHANGED,
    time_zone: str | Unchanged = UNCHANGED,
    starts_on: date | str | Unchanged = UNCHANGED,
    duration_minutes: int | Unchanged = UNCHANGED,
    interval_weeks: int | Unchanged = UNCHANGED,
    objective: Objective | Unchanged | None = UNCHANGED,
    attendees: Iterable[Person] | Unchanged = UNCHANGED,
    is_active: bool | Unchanged = UNCHANGED,
) -> ReviewSeries:
    """Change the fields given; ``attendees`` replaces the set. Reviews prepared already keep
    their time; the next ones follow the new schedule."""
    _same_org(actor, series)
    cleaners: dict[str, Any] = {
        "name": lambda v: clean_text(v, field="name", max_length=NAME_LENGTH, required=True),
        "weekday": _weekday,
        "start_time": _start_time,
        "time_zone": schedule.validate_time_zone,
        "starts_on": _starts_on,
        "duration_minutes": _duration,
        "interval_weeks": _interval,
        "objective": lambda v: _programme(actor, v),
        "is_active": bool,
    }
    given = {
        "name": name,
        "weekday": weekday,
        "start_time": start_time,
        "time_zone": time_zone,
        "starts_on": starts_on,
        "duration_minutes": duration_minutes,
        "interval_weeks": interval_weeks,
        "objective": objective,
        "is_active": is_active,
    }
    changed: list[str] = []
    for field, value in given.items():
        if isinstance(value, Unchanged):
            continue
        clean = cleaners[field](value)
        if getattr(series, field) != clean:
            setattr(series, field, clean)
            changed.append(field)
    people = (
        None
        if isinstance(attendees, Unchanged)
        else _people(actor.organization, attendees, field="attendees")
    )
    with transaction.atomic():
        series.save()
        if people is not None and {m.pk for m in people} != set(
            series.attendees.values_list("pk", flat=True)
        ):
            series.attendees.set(people)
            changed.append("attendees")
        if changed:
            _audit(
                actor,
                "reviews.series_updated",
                org=actor.organization,
                target=series,
                summary=series.name,
                data={"fields": changed},
            )
    return series


def series_feed_rotate(*, actor: Membership, series: ReviewSeries) -> ReviewSeries:
    """A new secret address for the series' feed: the old one stops at once."""
    _same_org(actor, series)
    _new_series_nonce(series)
    with transaction.atomic():
        series.save(update_fields=["feed_nonce", "feed_digest", "updated_at"])
        _audit(
            actor,
            "reviews.feed_rotated",
            org=actor.organization,
            target=series,
            summary=series.name,
            data={"feed": "series"},
        )
    return series


def _new_personal_nonce(feed: PersonalFeed) -> None:
    feed.nonce = secrets.token_hex(16)
    feed.digest = secret_digest(ics.personal_feed_secret(feed))


def personal_feed_get_or_create(*, actor: Membership) -> PersonalFeed:
    """The member's own calendar feed (every review of every active series they attend), made the
    first time. A write: call it on POST only."""
    access.require_reader(actor)
    existing = PersonalFeed.objects.for_org(actor.organization).filter(membership=actor).first()
    if existing is not None:
        return existing
    feed = PersonalFeed(organization=actor.organization, membership=actor)
    _new_personal_nonce(feed)
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError:  # made by a second request of the same person just now
        return PersonalFeed.objects.for_org(actor.organization).get(membership=actor)
    return feed


def personal_feed_rotate(*, actor: Membership) -> PersonalFeed:
    """A new secret address for the member's feed (made when there is none): the old one stops."""
    feed = personal_feed_get_or_create(actor=actor)
    _new_personal_nonce(feed)
    with transaction.atomic():
        feed.save(update_fields=["nonce", "digest"])
        _audit(actor, "reviews.feed_rotated", org=actor.organization, target=feed, data={"feed": "personal"})
    return feed


# --- Reviews -----------------------------------------------------------------------------------------


def _org_of(actor: Membership | None, row: Review | ReviewSeries | AgendaItem) -> Organization:
    return actor.organization if actor is not None else row.organization


def _lock_review(actor: Membership | None, review: Review) -> Review:
    """The review, locked for this transaction: two people changing one agenda, or closing it while
    someone adds to it, take turns, and each sees the state the other left."""
    return Review.objects.for_org(_org_of(actor, review)).select_for_update().get(pk=review.pk)


def _require_open(review: Review) -> None:
    """``Conflict`` unless the review is planned or in progress."""
    if review.status == ReviewStatus.CLOSED:
        raise Conflict(_("This review is closed: its agenda and minutes are history and cannot be changed."))
    if review.status == ReviewStatus.CANCELLED:
        raise Conflict(_("This review was cancelled: it cannot be changed."))


def _open_review(actor: Membership, review: Review | None) -> Review | None:
    """The review a decision, action or win is recorded in, locked and still open; ``None``
    outside a review."""
    if review is None:
        return None
    _same_org(actor, review)
    locked = _lock_review(actor, review)
    _require_open(locked)
    return locked


def _sync(review: Review, locked: Review) -> Review:
    """Carry the locked copy's state over to the caller's object."""
    for field in (
        "status",
        "started_at",
        "closed_at",
        "closed_by",
        "cancel_reason",
        "notes",
        "agenda_built_at",
    ):
        setattr(review, field, getattr(locked, field))
    return review


def _slot(series: ReviewSeries, now: datetime, reviews: QuerySet[Review]) -> datetime:
    """The first occurrence from the start of today (in the series' time zone) without a review
    (a cancelled one counts: its slot is taken)."""
    tz = schedule.zone(series)
    today = datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)
    taken = set(reviews.filter(scheduled_at__gte=today).values_list("scheduled_at", flat=True))
    for at in schedule.occurrences(series, start=today, end=today + PREPARE_HORIZON):
        if at not in taken:
            return at
    raise Conflict(_("Every review of this series for the coming year is prepared already."))


def review_prepare(
    *,
    actor: Membership | None,
    series: ReviewSeries,
    now: datetime | None = None,
    at: datetime | None = None,
) -> Review:
    """The next review of the series not prepared yet (today's, if it meets today and has none),
    or the one at ``at`` (an occurrence of the series), with its agenda generated from what
    changed since the previous review closed (or since the series began)."""
    if actor is not None:
        _same_org(actor, series)
        if not access.can_work_on(actor, series):
            raise refuse("does not attend this review series", org=actor.organization)
    org = _org_of(actor, series)
    if not series.is_active:
        raise Conflict(_("This review series is no longer active: make it active again to prepare a review."))
    now = now or timezone.now()
    with transaction.atomic():
        # Two people preparing at once take turns, so they do not both take the same slot.
        ReviewSeries.objects.for_org(org).select_for_update().filter(pk=series.pk).first()
        reviews = Review.objects.for_org(org).filter(series=series)
        if at is None:
            slot = _slot(series, now, reviews)
        else:
            if at not in schedule.occurrences(series, start=at, end=at + timedelta(seconds=1)):
                raise ValidationFailed(_("The series does not meet at that time."), field="at")
            if reviews.filter(scheduled_at=at).exists():
                raise Conflict(_("The review at that time is prepared already."))
            slot = at
        previous = (
            reviews.filter(status=ReviewStatus.CLOSED, scheduled_at__lt=slot, closed_at__isnull=False)
            .order_by("-scheduled_at", "-id")
            .first()
        )
        review = Review.objects.create(
            organization=org,
            series=series,
            scheduled_at=slot,
            agenda_since=previous.closed_at
            if previous is not None and previous.closed_at
            else series.created_at,
        )
        items = agenda.build(review, now=now)
        _audit(
            actor,
            "reviews.review_prepared",
            org=org,
            target=review,
            summary=series.name,
            data={"scheduled_at": slot.isoformat(), "agenda_items": len(items)},
        )
    return review


def review_refresh(*, actor: Membership | None, review: Review) -> list[AgendaItem]:
    """Add to a planned or running review's agenda what changed since it was built (a dropped
    item stays dropped). Returns the new items."""
    if actor is not None:
        _same_org(actor, review)
    org = _org_of(actor, review)
    with transaction.atomic():
        locked = _lock_review(actor, review)
        _require_open(locked)
        items = agenda.build(locked, now=timezone.now())
        _audit(actor, "reviews.agenda_refreshed", org=org, target=locked, data={"agenda_items": len(items)})
    _sync(review, locked)
    return items


def review_start(*, actor: Membership, review: Review) -> Review:
    """A planned review begins now."""
    _same_org(actor, review)
    with transaction.atomic():
        locked = _lock_review(actor, review)
        _require_open(locked)
        if locked.status == ReviewStatus.OPEN:
            raise Conflict(_("This review is in progress already."))
        locked.status = ReviewStatus.OPEN
        locked.started_at = timezone.now()
        locked.save(update_fields=["status", "started_at"])
        _audit(actor, "reviews.review_started", org=actor.organization, target=locked)
    return _sync(review, locked)


def review_close(*, actor: Membership, review: Review, present: Iterable[Person], notes: str = "") -> Review:
    """Close a planned or running review with who was present and its notes; the minutes are
    e-mailed to the attendees and those present once the close has committed."""
    _same_org(actor, review)
    people = _people(actor.organization, present, field="present")
    text = clean_text(notes, field="notes", max_length=NOTES_LENGTH)
    with transaction.atomic():
        locked = _lock_review(actor, review)
        _require_open(locked)
        locked.status = ReviewStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.notes = text
        locked.save(update_fields=["status", "closed_at", "closed_by", "notes"])
        locked.present.set(people)
        _audit(
            actor,
            "reviews.review_closed",
            org=actor.organization,
            target=locked,
            data={"present": [m.pk for m in people]},
        )
        from tandem.reviews import tasks  # the task module imports this one

        transaction.on_commit(lambda: tasks.send_minutes.enqueue(review_id=locked.pk))
    return _sync(review, locked)


def review_cancel(*, actor: Membership, review: Review, reason: str) -> Review:
    """Call off a planned or running review, with why."""
    _same_org(actor, review)
    text = clean_text(reason, field="reason", max_length=REASON_LENGTH, required=True)
    with transaction.atomic():
        locked = _lock_review(actor, review)
        _require_open(locked)
        locked.status = ReviewStatus.CANCELLED
        locked.cancel_reason = text
        locked.save(update_fields=["status", "cancel_reason"])
        _audit(
            actor, "reviews.review_cancelled", org=actor.organization, target=locked, data={"reason": text}
        )
    return _sync(review, locked)


def minutes_claim(*, review: Review) -> bool:
    """Mark a closed review's minutes as sent, for the task that sends them: ``False`` when the
    review is not closed or its minutes went out already (by another run)."""
    claimed = (
        Review.objects.for_org(review.organization)
        .filter(pk=review.pk, status=ReviewStatus.CLOSED, minutes_sent_at__isnull=True)
        .update(minutes_sent_at=timezone.now())
    )
    return claimed == 1


def minutes_release(*, review: Review) -> None:
    """Undo ``minutes_claim`` after a run that failed, so a retry sends the minutes."""
    Review.objects.for_org(review.organization).filter(pk=review.pk).update(minutes_sent_at=None)


# --- The agenda --------------------------------------------------------------------------------------


def _time_box(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return _whole(
        value,
        field="minutes",
        low=1,
        high=MAX_TIME_BOX,
        message=_("Time-box it between 1 and %(n)s minutes.") % {"n": MAX_TIME_BOX},
    )


def item_add(
    *, actor: Membership, review: Review, title: str, detail: str = "", minutes: int | None = None
) -> AgendaItem:
    """A point added to the agenda by hand, after the others."""
    _same_org(actor, review)
    item = AgendaItem(
        organization=actor.organization,
        review=review,
        title=clean_text(title, field="title", max_length=TITLE_LENGTH, required=True),
        detail=clean_text(detail, field="detail", max_length=TEXT_LENGTH),
        minutes=_time_box(minutes),
        added_by=actor,
    )
    with transaction.atomic():
        locked = _lock_review(actor, review)
        _require_open(locked)
        items = AgendaItem.objects.for_org(actor.organization).filter(review=locked)
        if items.count() >= MAX_AGENDA_ITEMS:
            raise Conflict(
                _("An agenda holds at most %(n)s items: drop some first.") % {"n": MAX_AGENDA_ITEMS}
            )
        last = items.aggregate(last=Max("position"))["last"]
        item.position = 0 if last is None else last + 1
        item.save()
        _audit(actor, "reviews.item_added", org=actor.organization, target=item, summary=item.title)
    return item


def _item_review(actor: Membership, item: AgendaItem) -> Review:
    _same_org(actor, item)
    locked = _lock_review(actor, item.review)
    _require_open(locked)
    return locked


def item_update(
    *,
    actor: Membership,
    item: AgendaItem,
    minutes: int | Unchanged | None = UNCHANGED,
    notes: str | Unchanged = UNCHANGED,
    title: str | Unchanged = UNCHANGED,
) -> AgendaItem:
    """Time-box an agenda item, take notes on it or rename it (the fields given)."""
    changed: list[str] = []
    if not isinstance(minutes, Unchanged):
        item.minutes = _time_box(minutes)
        changed.append("minutes")
    if not isinstance(notes, Unchanged):
        item.notes = clean_text(notes, field="notes", max_length=TEXT_LENGTH)
        changed.append("notes")
    if not isinstance(title, Unchanged):
        item.title = clean_text(title, field="title", max_length=TITLE_LENGTH, required=True)
        changed.append("title")
    with transaction.atomic():
        _item_review(actor, item)
        if (
            AgendaItem.objects.for_org(actor.organization)
            .filter(pk=item.pk, dropped_at__isnull=False)
            .exists()
        ):
            raise Conflict(_("This item was dropped from the agenda: it cannot be changed."))
        if changed:
            item.save(update_fields=changed)
            _audit(
                actor,
                "reviews.item_changed",
                org=actor.organization,
                target=item,
                summary=item.title,
                data={"fields": changed},
            )
    return item


def item_drop(*, actor: Membership, item: AgendaItem, reason: str) -> AgendaItem:
    """Take an item off the agenda, with why; it stays visible as dropped, and a refresh does not
    bring it back."""
    text = clean_text(reason, field="reason", max_length=REASON_LENGTH, required=True)
    with transaction.atomic():
        _item_review(actor, item)
        locked = AgendaItem.objects.for_org(actor.organization).select_for_update().get(pk=item.pk)
        if locked.dropped_at is not None:
            raise Conflict(_("This item was dropped from the agenda already."))
        item.dropped_at = timezone.now()
        item.dropped_by = actor
        item.drop_reason = text
        item.save(update_fields=["dropped_at", "dropped_by", "drop_reason"])
        _audit(
            actor,
            "reviews.item_dropped",
            org=actor.organization,
            target=item,
            summary=item.title,
            data={"reason": text},
        )
    return item


def _ids(values: Sequence[Any]) -> list[int]:
    ids: list[int] = []
    for value in values:
        if isinstance(value, bool):
            raise ValidationFailed(_("Name the agenda items by their ids."), field="item_ids")
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationFailed(_("Name the agenda items by their ids."), field="item_ids") from None
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("Name each agenda item once."), field="item_ids")
    return ids


def agenda_reorder(*, actor: Membership, review: Review, item_ids: Sequence[int]) -> None:
    """Put the agenda in the order of ``item_ids``: every item of the review, or every item still
    on it (the dropped ones then follow)."""
    _same_org(actor, review)
    ids = _ids(item_ids)
    with transaction.atomic():
        locked = _lock_review(actor, review)
        _require_open(locked)
        items = list(
            AgendaItem.objects.for_org(actor.organization).filter(review=locked).order_by("position", "id")
        )
        kept = [i.pk for i in items if i.dropped_at is None]
        if set(ids) not in ({i.pk for i in items}, set(kept)):
            raise ValidationFailed(
                _("Name exactly the items of this review's agenda: it changed meanwhile, reload it."),
                field="item_ids",
            )
        order = ids + [i.pk for i in items if i.pk not in set(ids)]
        by_id = {i.pk: i for i in items}
        moved = []
        for position, pk in enumerate(order):
            if by_id[pk].position != position:
                by_id[pk].position = position
                moved.append(by_id[pk])
        AgendaItem.objects.for_org(actor.organization).bulk_update(moved, ["position"])
        _audit(
            actor, "reviews.agenda_reordered", org=actor.organization, target=locked, data={"order": order}
        )


# --- Decisions -------------------------------------------------------------------------------------


def _confirming_side(actor: Membership) -> str:
    if actor.side not in CONFIRMING_SIDES:
        raise Conflict(_("Only a member of the business or the IT side can confirm a decision."))
    return str(actor.side)


def decision_record(
    *,
    actor: Membership,
    title: str,
    rationale: str,
    options_considered: str = "",
    review: Review | None = None,
    initiative: Initiative | None = None,
    objective: Objective | None = None,
    revisit_on: date | str | None = None,
) -> Decision:
    """A decision in the log, confirmed for the recorder's side at once; it is confirmed once one
    person of the other side confirms it too (``decision_confirm``)."""
    _same_org(actor, review, initiative, objective)
    side = _confirming_side(actor)
    decision = Decision(
        organization=actor.organization,
        title=clean_text(title, field="title", max_length=DECISION_TITLE_LENGTH, required=True),
        rationale=clean_text(rationale, field="rationale", max_length=TEXT_LENGTH, required=True),
        options_considered=clean_text(options_considered, field="options_considered", max_length=TEXT_LENGTH),
        initiative=initiative,
        objective=objective,
        revisit_on=check_date(revisit_on, field="revisit_on", within="upcoming"),
        recorded_by=actor,
    )
    with transaction.atomic():
        decision.review = _open_review(actor, review)
        decision.save()
        DecisionConfirmation.objects.create(
            organization=actor.organization, decision=decision, membership=actor, side=side
        )
        _audit(
            actor,
            "reviews.decision_recorded",
            org=actor.organization,
            target=decision,
            summary=decision.title,
            data={"side": side},
        )
    return decision


def decision_confirm(*, actor: Membership, decision: Decision) -> Decision:
    """Confirm a decision for the actor's side; it is confirmed once both the business and IT have.
    ``Conflict`` when the actor confirmed it already. People of both sides confirming at once take
    turns on the decision's row, so the second sees the first and the decision ends confirmed."""
    _same_org(actor, decision)
    side = _confirming_side(actor)
    with transaction.atomic():
        locked = Decision.objects.for_org(actor.organization).select_for_update().get(pk=decision.pk)
        confirmations = DecisionConfirmation.objects.for_org(actor.organization).filter(decision=locked)
        if confirmations.filter(membership=actor).exists():
            raise Conflict(_("You have confirmed this decision already."))
        try:
            with transaction.atomic():
                DecisionConfirmation.objects.create(
                    organization=actor.organization, decision=locked, membership=actor, side=side
                )
        except IntegrityError:  # the same person's second click, a moment ago
            raise Conflict(_("You have confirmed this decision already.")) from None
        sides = set(confirmations.values_list("side", flat=True))
        if locked.confirmed_at is None and set(CONFIRMING_SIDES) <= sides:
            locked.confirmed_at = timezone.now()
            locked.save(update_fields=["confirmed_at"])
        _audit(
            actor,
            "reviews.decision_confirmed",
            org=actor.organization,
            target=locked,
            summary=locked.title,
            data={"side": side, "confirmed": locked.confirmed_at is not None},
        )
    decision.confirmed_at = locked.confirmed_at
    return decision


# --- Action items ----------------------------------------------------------------------------------


def action_add(
    *,
    actor: Membership,
    title: str,
    owner: Person | None,
    due_on: date | str | None,
    review: Review | None = None,
    initiative: Initiative | None = None,
    decision: Decision | None = None,
) -> ActionItem:
    """Something one member will do by a date (today or later); it carries over to every later
    review until it is done."""
    _same_org(actor, review, initiative, decision)
    action = ActionItem(
        organization=actor.organization,
        title=clean_text(title, field="title", max_length=TITLE_LENGTH, required=True),
        owner=_person(actor.organization, owner, field="owner"),
        due_on=cast(date, check_date(due_on, field="due_on", within="upcoming", required=True)),
        initiative=initiative if initiative is not None else (decision.initiative if decision else None),
        decision=decision,
        created_by=actor,
    )
    with transaction.atomic():
        action.review = _open_review(actor, review)
        action.save()
        _audit(actor, "reviews.action_added", org=actor.organization, target=action, summary=action.title)
    return action


def action_update(
    *,
    actor: Membership,
    action: ActionItem,
    status: str | Unchanged = UNCHANGED,
    due_on: date | str | Unchanged = UNCHANGED,
    owner: Person | Unchanged = UNCHANGED,
    title: str | Unchanged = UNCHANGED,
) -> ActionItem:
    """Change an action item's status (done records when), due date, owner or title."""
    _same_org(actor, action)
    changed: dict[str, list[Any]] = {}
    if not isinstance(status, Unchanged) and status != action.status:
        if status not in ActionStatus.values:
            raise ValidationFailed(
                _("Choose one of: %(allowed)s.") % {"allowed": ", ".join(ActionStatus.values)}, field="status"
            )
        changed["status"] = [action.status, status]
        action.status = status
        action.done_at = timezone.now() if status == ActionStatus.DONE else None
    if not isinstance(due_on, Unchanged):
        day = cast(date, check_date(due_on, field="due_on", within="deadline", required=True))
        if day != action.due_on:
            changed["due_on"] = [str(action.due_on), str(day)]
            action.due_on = day
    if not isinstance(owner, Unchanged):
        member = _person(actor.organization, owner, field="owner")
        if member.pk != action.owner_id:
            changed["owner"] = [action.owner_id, member.pk]
            action.owner = member
    if not isinstance(title, Unchanged):
        text = clean_text(title, field="title", max_length=TITLE_LENGTH, required=True)
        if text != action.title:
            changed["title"] = [action.title, text]
            action.title = text
    if changed:
        fields = ["status", "done_at", "due_on", "owner", "title", "updated_at"]
        with transaction.atomic():
            action.save(update_fields=fields)
            _audit(
                actor,
                "reviews.action_changed",
                org=actor.organization,
                target=action,
                summary=action.title,
                data=changed,
            )
    return action


# --- Wins ------------------------------------------------------------------------------------------


def win_add(
    *,
    actor: Membership,
    title: str,
    detail: str = "",
    review: Review | None = None,
    initiative: Initiative | None = None,
    thanked: Iterable[Person] = (),
    source_key: str = "",
) -> Win:
    """A win to celebrate, and the people to thank: they are told by e-mail once it has committed.
    ``source_key`` names the agenda item it was harvested from (once per review)."""
    _same_org(actor, review, initiative)
    people = _people(actor.organization, thanked, field="thanked", internal=False)
    win = Win(
        organization=actor.organization,
        title=clean_text(title, field="title", max_length=TITLE_LENGTH, required=True),
        detail=clean_text(detail, field="detail", max_length=TEXT_LENGTH),
        initiative=initiative,
        source_key=clean_text(source_key, field="source_key", max_length=KEY_LENGTH),
        created_by=actor,
    )
    with transaction.atomic():
        win.review = _open_review(actor, review)
        if win.review is not None and win.source_key:
            wins = Win.objects.for_org(actor.organization).filter(
                review=win.review, source_key=win.source_key
            )
            if wins.exists():
                raise Conflict(_("This win is celebrated in this review already."))
        win.save()
        win.thanked.set(people)
        _audit(
            actor,
            "reviews.win_added",
            org=actor.organization,
            target=win,
            summary=win.title,
            data={"thanked": [m.pk for m in people]},
        )
        if people:
            from tandem.reviews import tasks  # the task module imports this one

            transaction.on_commit(lambda: tasks.send_thanks.enqueue(win_id=win.pk))
    return win


def thanks_claim(*, win: Win) -> bool:
    """Mark a win's thanks as sent, for the task that sends them: ``False`` when they were sent
    already (by another run), so each person is thanked once."""
    claimed = (
        Win.objects.for_org(win.organization)
        .filter(pk=win.pk, thanks_sent_at__isnull=True)
        .update(thanks_sent_at=timezone.now())
    )
    return claimed == 1


# --- The habit -------------------------------------------------------------------------------------


def habit_check(org: Organization, *, now: datetime | None = None) -> list[HabitAlert]:
    """Look at the habit of every active series of ``org``: raise an alert for one that slips (its
    owners are e-mailed once the alert has committed), leave a raised alert alone while it keeps
    slipping, and close it once the habit recovers. Returns the alerts raised now."""
    now = now or timezone.now()
    raised: list[HabitAlert] = []
    with transaction.atomic():
        open_alerts = {
            a.series_id: a
            for a in HabitAlert.objects.for_org(org).select_for_update().filter(recovered_at__isnull=True)
        }
        changed = False
        for series in ReviewSeries.objects.for_org(org).filter(is_active=True).select_related("organization"):
            score = habit.habit_for_series(series, now=now)
            slipping = habit.is_slipping(score)
            alert = open_alerts.get(series.pk)
            if slipping and alert is None:
                alert = HabitAlert.objects.create(
                    organization=org, series=series, score=score.score or 0, raised_at=now
                )
                raised.append(alert)
                changed = True
            elif not slipping and alert is not None:
                alert.recovered_at = now
                alert.save(update_fields=["recovered_at"])
                changed = True
        if changed:
            org_changed(org)
        if raised:
            from tandem.reviews import tasks  # the task module imports this one

            ids = [a.pk for a in raised]
            transaction.on_commit(lambda: [tasks.send_habit_alert.enqueue(alert_id=pk) for pk in ids])
    return raised
