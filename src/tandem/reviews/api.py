"""The reviews JSON API: review series and their calendar feeds, reviews with the agenda that
writes itself, the decision log, action items, wins and the habit score.

Handlers load through the access gate (``reviews.access``) and call the same selectors and
services as the pages. Every internal member reads everything; a member on the partner side gets
a 404 on every endpoint, like another organisation's ids. Owners and admins manage series; any
internal member but a viewer works in a review. A feed's secret address is never read back: it is
only the answer to the POST that makes or renews it, and only for those who may manage it."""

# No ``from __future__ import annotations`` here: ninja reads the parameter types as objects.

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.core.access import Need, org_member, require_allowed
from tandem.core.api import ERRORS, WRITE_ERRORS, Pages, Serialised, api_fields
from tandem.core.errors import ValidationFailed
from tandem.core.models import Membership
from tandem.core.services import UNCHANGED
from tandem.reviews import access, habit, ics, schedule, selectors, services
from tandem.reviews.models import Decision, PersonalFeed, Review, ReviewSeries
from tandem.reviews.schemas import (
    ActionItemFilters,
    ActionItemIn,
    ActionItemOut,
    ActionItemPatchIn,
    AgendaItemDropIn,
    AgendaItemIn,
    AgendaItemPatchIn,
    AgendaOrderIn,
    HabitOut,
    ReviewAgendaItemOut,
    ReviewCancelIn,
    ReviewCloseIn,
    ReviewDecisionFilters,
    ReviewDecisionIn,
    ReviewDecisionOut,
    ReviewDetailOut,
    ReviewFeedStateOut,
    ReviewFeedUrlOut,
    ReviewFilters,
    ReviewOut,
    ReviewSeriesIn,
    ReviewSeriesOut,
    ReviewSeriesPatchIn,
    WinIn,
    WinOut,
    action_out,
    decision_out,
    item_out,
    missed_check_in_out,
    review_detail_out,
    review_out,
    series_habit_out,
    series_out,
    win_out,
)
from tandem.strategy.models import Initiative, Objective

router = Router(tags=["reviews"])

ORG = "/orgs/{slug}"
SERIES = ORG + "/review-series/{series_id}"
REVIEW = ORG + "/reviews/{review_id}"
ITEM = ORG + "/agenda-items/{item_id}"
DECISION = ORG + "/decisions/{decision_id}"
ACTION = ORG + "/actions/{action_id}"
WIN = ORG + "/wins/{win_id}"
INTERNAL = " Internal members only (404 on the partner side)."
WORKERS = " For the series' attendees (not viewers), owners and admins."
CONTRIBUTORS = " For internal members but viewers."

# Services name model fields; the API names what the client sent.
API_FIELDS = {
    "objective": "objective_id",
    "attendees": "attendee_ids",
    "present": "present_ids",
    "owner": "owner_id",
    "review": "review_id",
    "initiative": "initiative_id",
    "decision": "decision_id",
    "thanked": "thanked_ids",
    "item_ids": "item_ids",
}


def _reader(request: HttpRequest, slug: str) -> Membership:
    return org_member(request, slug, need=Need.READER)


def _worker(request: HttpRequest, slug: str) -> Membership:
    """An internal member who may work in reviews (not a viewer): ``NotFound`` otherwise."""
    membership = _reader(request, slug)
    access.require_work(membership)
    return membership


def _one_of[Row: Model](rows: QuerySet[Row], pk: int | None, field: str, message: str) -> Row | None:
    """The row of the organisation a request body names by id; a 422 on ``field`` when none."""
    if pk is None:
        return None
    found = rows.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(message, field=field)
    return found


def _initiative(m: Membership, pk: int | None) -> Initiative | None:
    rows = Initiative.objects.for_org(m.organization)
    return _one_of(rows, pk, "initiative_id", _("Choose an initiative of this organisation."))


def _objective(m: Membership, pk: int | None) -> Objective | None:
    rows = Objective.objects.for_org(m.organization)
    return _one_of(rows, pk, "objective_id", _("Choose an objective of this organisation."))


def _decision(m: Membership, pk: int | None) -> Decision | None:
    rows = Decision.objects.for_org(m.organization)
    return _one_of(rows, pk, "decision_id", _("Choose a decision of this organisation."))


def _review_named(m: Membership, pk: int | None) -> Review | None:
    """The review of the organisation a request body names by id; a 422 on ``review_id`` when
    there is none."""
    if pk is None:
        return None
    try:
        return access.review_get_for_user(m, pk)
    except Http404:
        raise ValidationFailed(_("Choose a review of this organisation."), field="review_id") from None


def _series_out(series: ReviewSeries) -> ReviewSeriesOut:
    return series_out(
        series, next_at=schedule.next_occurrence(series, timezone.now()) if series.is_active else None
    )


def _series_detail(m: Membership, series_id: int) -> ReviewSeriesOut:
    """The series as it stands (loaded afresh after a write)."""
    return _series_out(access.series_get_for_user(m, series_id))


def _review_detail(m: Membership, review_id: int) -> ReviewDetailOut:
    """The review as it stands (loaded afresh after a write)."""
    return review_detail_out(selectors.review_detail(m.organization, review_id), today=timezone.localdate())


def _decision_detail(m: Membership, decision_id: int) -> ReviewDecisionOut:
    return decision_out(access.decision_get_for_user(m, decision_id))


def _action_detail(m: Membership, action_id: int) -> ActionItemOut:
    return action_out(access.action_get_for_user(m, action_id), today=timezone.localdate())


def _feed_url(secret: str) -> ReviewFeedUrlOut:
    return ReviewFeedUrlOut(url=ics.feed_url(secret))


# --- Review series -----------------------------------------------------------------------------


@router.get(
    ORG + "/review-series",
    response={200: list[ReviewSeriesOut], **ERRORS},
    summary="List review series",
    description="The organisation's recurring reviews by name, active or not, each with its "
    "attendees and next occurrence. Their calendar feed addresses are not shown." + INTERNAL,
)
@paginate(Pages)
def reviews_series_list(request: HttpRequest, slug: str) -> Any:
    membership = _reader(request, slug)
    return Serialised(access.series_list_for(membership), _series_out)


@router.post(
    ORG + "/review-series",
    response={201: ReviewSeriesOut, **WRITE_ERRORS},
    summary="Create a review series (owners, admins)",
    description="A review every `interval_weeks` weeks on `weekday` at `start_time` in `time_zone` "
    "(an IANA name), from `starts_on`, with attendees from both sides; for the whole organisation or, "
    "with `objective_id`, for one programme. A 422 names the field at fault.",
)
def reviews_series_create(
    request: HttpRequest, slug: str, payload: ReviewSeriesIn
) -> Status[ReviewSeriesOut]:
    membership = _reader(request, slug)
    require_allowed(membership, access.can_manage_series(membership), why="may not manage review series")
    with api_fields(API_FIELDS):
        series = services.series_create(
            actor=membership,
            name=payload.name,
            weekday=payload.weekday,
            start_time=payload.start_time,
            time_zone=payload.time_zone,
            starts_on=payload.starts_on,
            duration_minutes=payload.duration_minutes,
            interval_weeks=payload.interval_weeks,
            objective=_objective(membership, payload.objective_id),
            attendees=payload.attendee_ids,
        )
    return Status(201, _series_detail(membership, series.pk))


@router.get(
    SERIES,
    response={200: ReviewSeriesOut, **ERRORS},
    summary="One review series",
    description="The series, its attendees and its next occurrence; never its calendar feed address "
    "(renewing the feed answers it)." + INTERNAL,
)
def reviews_series_detail(request: HttpRequest, slug: str, series_id: int) -> ReviewSeriesOut:
    return _series_detail(_reader(request, slug), series_id)


@router.patch(
    SERIES,
    response={200: ReviewSeriesOut, **WRITE_ERRORS},
    summary="Change a review series (owners, admins)",
    description="Send only the fields to change; `attendee_ids` replaces the attendees, "
    "`objective_id` null makes it organisation-wide, `is_active` false stops it.",
)
def reviews_series_update(
    request: HttpRequest, slug: str, series_id: int, payload: ReviewSeriesPatchIn
) -> ReviewSeriesOut:
    membership = _reader(request, slug)
    series = access.series_for_manage(membership, series_id)
    fields = payload.model_dump(exclude_unset=True)
    data: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
    if "objective_id" in fields:  # null: the whole organisation
        data.pop("objective_id", None)
        data["objective"] = _objective(membership, fields["objective_id"])
    if "attendee_ids" in data:
        data["attendees"] = data.pop("attendee_ids")
    with api_fields(API_FIELDS):
        services.series_update(actor=membership, series=series, **data)
    return _series_detail(membership, series.pk)


@router.post(
    SERIES + "/feed",
    response={200: ReviewFeedUrlOut, **ERRORS},
    summary="Renew a series' calendar feed address (owners, admins)",
    description="Makes a new secret address for the series' calendar feed and answers it: this is "
    "the only answer that shows it. The old address stops at once. Share it like a password.",
)
def reviews_series_feed(request: HttpRequest, slug: str, series_id: int) -> ReviewFeedUrlOut:
    membership = _reader(request, slug)
    series = access.series_for_manage(membership, series_id)
    series = services.series_feed_rotate(actor=membership, series=series)
    return _feed_url(ics.series_feed_secret(series))


@router.post(
    SERIES + "/reviews",
    response={201: ReviewDetailOut, **ERRORS},
    summary="Prepare the next review of a series",
    description="The next occurrence not yet prepared (or today's), with its agenda written from "
    "what changed since the previous review: problems and wins from every source, and the open "
    "action items carried over. 409 when the series no longer meets." + WORKERS,
)
def reviews_review_prepare(request: HttpRequest, slug: str, series_id: int) -> Status[ReviewDetailOut]:
    membership = _reader(request, slug)
    series = access.series_for_work(membership, series_id)
    review = services.review_prepare(actor=membership, series=series)
    return Status(201, _review_detail(membership, review.pk))


# --- Reviews ------------------------------------------------------------------------------------


@router.get(
    ORG + "/reviews",
    response={200: list[ReviewOut], **ERRORS},
    summary="List reviews",
    description="Latest first; filter by `series_id`." + INTERNAL,
)
@paginate(Pages)
def reviews_review_list(request: HttpRequest, slug: str, filters: Query[ReviewFilters]) -> Any:
    membership = _reader(request, slug)
    series = None
    if filters.series_id is not None:
        series = access.series_get_for_user(membership, filters.series_id)
    return Serialised(selectors.review_list(membership.organization, series=series), review_out)


@router.get(
    REVIEW,
    response={200: ReviewDetailOut, **ERRORS},
    summary="One review with its agenda",
    description="The review with its agenda (the kept items in order, each linked to its source, "
    "then the dropped ones with their reason), the members present, and the decisions, action "
    "items and wins recorded in it." + INTERNAL,
)
def reviews_review_detail(request: HttpRequest, slug: str, review_id: int) -> ReviewDetailOut:
    membership = _reader(request, slug)
    review = access.review_get_for_user(membership, review_id)
    return _review_detail(membership, review.pk)


@router.post(
    REVIEW + "/refresh",
    response={200: ReviewDetailOut, **ERRORS},
    summary="Refresh a review's agenda",
    description="Adds what changed since the agenda was built; a dropped item stays dropped. "
    "409 once the review is closed or cancelled." + WORKERS,
)
def reviews_review_refresh(request: HttpRequest, slug: str, review_id: int) -> ReviewDetailOut:
    membership = _reader(request, slug)
    review = access.review_for_work(membership, review_id)
    services.review_refresh(actor=membership, review=review)
    return _review_detail(membership, review.pk)


@router.post(
    REVIEW + "/start",
    response={200: ReviewDetailOut, **ERRORS},
    summary="Start a review",
    description="A planned review is now in progress. 409 in any other state." + WORKERS,
)
def reviews_review_start(request: HttpRequest, slug: str, review_id: int) -> ReviewDetailOut:
    membership = _reader(request, slug)
    review = access.review_for_work(membership, review_id)
    services.review_start(actor=membership, review=review)
    return _review_detail(membership, review.pk)


@router.post(
    REVIEW + "/close",
    response={200: ReviewDetailOut, **WRITE_ERRORS},
    summary="Close a review",
    description="Records who was there (`present_ids`) and the notes; the minutes are then e-mailed "
    "to those present and the attendees, each in their own language. 409 once closed or "
    "cancelled." + WORKERS,
)
def reviews_review_close(
    request: HttpRequest, slug: str, review_id: int, payload: ReviewCloseIn
) -> ReviewDetailOut:
    membership = _reader(request, slug)
    review = access.review_for_work(membership, review_id)
    with api_fields(API_FIELDS):
        services.review_close(
            actor=membership, review=review, present=payload.present_ids, notes=payload.notes
        )
    return _review_detail(membership, review.pk)


@router.post(
    REVIEW + "/cancel",
    response={200: ReviewDetailOut, **WRITE_ERRORS},
    summary="Cancel a review",
    description="It does not take place, for the `reason` given; the calendar feed leaves it out. "
    "409 once closed or cancelled." + WORKERS,
)
def reviews_review_cancel(
    request: HttpRequest, slug: str, review_id: int, payload: ReviewCancelIn
) -> ReviewDetailOut:
    membership = _reader(request, slug)
    review = access.review_for_work(membership, review_id)
    services.review_cancel(actor=membership, review=review, reason=payload.reason)
    return _review_detail(membership, review.pk)


# --- The agenda -----------------------------------------------------------------------------------


@router.post(
    REVIEW + "/items",
    response={201: ReviewAgendaItemOut, **WRITE_ERRORS},
    summary="Add an agenda item",
    description="An item of your own at the end of the agenda, optionally time-boxed (`minutes`). "
    "409 once the review is closed or cancelled." + WORKERS,
)
def reviews_item_add(
    request: HttpRequest, slug: str, review_id: int, payload: AgendaItemIn
) -> Status[ReviewAgendaItemOut]:
    membership = _reader(request, slug)
    review = access.review_for_work(membership, review_id)
    item = services.item_add(
        actor=membership, review=review, title=payload.title, detail=payload.detail, minutes=payload.minutes
    )
    return Status(201, item_out(access.item_for_work(membership, item.pk)))


@router.put(
    REVIEW + "/order",
    response={200: ReviewDetailOut, **WRITE_ERRORS},
    summary="Reorder a review's agenda",
    description="`item_ids` lists every item of the review, dropped ones included, in the new "
    "order; a list with an item missing, repeated or of another review is a 422." + WORKERS,
)
def reviews_agenda_reorder(
    request: HttpRequest, slug: str, review_id: int, payload: AgendaOrderIn
) -> ReviewDetailOut:
    membership = _reader(request, slug)
    review = access.review_for_work(membership, review_id)
    with api_fields(API_FIELDS, default="item_ids"):
        services.agenda_reorder(actor=membership, review=review, item_ids=payload.item_ids)
    return _review_detail(membership, review.pk)


@router.patch(
    ITEM,
    response={200: ReviewAgendaItemOut, **WRITE_ERRORS},
    summary="Change an agenda item",
    description="Send only the fields to change: its `title`, the `notes` of what was said, or its "
    "time box (`minutes`; null removes it)." + WORKERS,
)
def reviews_item_update(
    request: HttpRequest, slug: str, item_id: int, payload: AgendaItemPatchIn
) -> ReviewAgendaItemOut:
    membership = _reader(request, slug)
    item = access.item_for_work(membership, item_id)
    fields = payload.model_dump(exclude_unset=True)
    data: dict[str, Any] = {k: (UNCHANGED if v is None else v) for k, v in fields.items()}
    if "minutes" in fields:  # null removes the time box
        data["minutes"] = fields["minutes"]
    services.item_update(actor=membership, item=item, **data)
    return item_out(access.item_for_work(membership, item.pk))


@router.post(
    ITEM + "/drop",
    response={200: ReviewAgendaItemOut, **WRITE_ERRORS},
    summary="Drop an agenda item",
    description="It is not discussed, for the `reason` given; it stays dropped when the agenda is "
    "refreshed and shows in the minutes with its reason." + WORKERS,
)
def reviews_item_drop(
    request: HttpRequest, slug: str, item_id: int, payload: AgendaItemDropIn
) -> ReviewAgendaItemOut:
    membership = _reader(request, slug)
    item = access.item_for_work(membership, item_id)
    services.item_drop(actor=membership, item=item, reason=payload.reason)
    return item_out(access.item_for_work(membership, item.pk))


# --- The decision log -------------------------------------------------------------------------------


@router.get(
    ORG + "/decisions",
    response={200: list[ReviewDecisionOut], **ERRORS},
    summary="Search the decision log",
    description="Latest first. `q` finds words in the title, rationale or options considered; "
    "`confirmed` true keeps the decisions both sides confirmed, false those still waiting for a "
    "side; `initiative_id` those about one initiative." + INTERNAL,
)
@paginate(Pages)
def reviews_decision_list(request: HttpRequest, slug: str, filters: Query[ReviewDecisionFilters]) -> Any:
    membership = _reader(request, slug)
    rows = selectors.decision_search(
        membership.organization, q=filters.q, confirmed=filters.confirmed, initiative_id=filters.initiative_id
    )
    return Serialised(rows, decision_out)


@router.post(
    ORG + "/decisions",
    response={201: ReviewDecisionOut, **WRITE_ERRORS},
    summary="Record a decision",
    description="A decision with its rationale and the options considered, about an initiative or "
    "an objective, with a date to look at it again. Recording it confirms it for your side; it is "
    "confirmed once one person of the other side confirms it too." + CONTRIBUTORS,
)
def reviews_decision_record(
    request: HttpRequest, slug: str, payload: ReviewDecisionIn
) -> Status[ReviewDecisionOut]:
    membership = _worker(request, slug)
    with api_fields(API_FIELDS):
        decision = services.decision_record(
            actor=membership,
            title=payload.title,
            rationale=payload.rationale,
            options_considered=payload.options_considered,
            review=_review_named(membership, payload.review_id),
            initiative=_initiative(membership, payload.initiative_id),
            objective=_objective(membership, payload.objective_id),
            revisit_on=payload.revisit_on,
        )
    return Status(201, _decision_detail(membership, decision.pk))


@router.get(
    DECISION,
    response={200: ReviewDecisionOut, **ERRORS},
    summary="One decision",
    description="The decision, who recorded it and every confirmation with its side." + INTERNAL,
)
def reviews_decision_detail(request: HttpRequest, slug: str, decision_id: int) -> ReviewDecisionOut:
    return _decision_detail(_reader(request, slug), decision_id)


@router.post(
    DECISION + "/confirm",
    response={200: ReviewDecisionOut, **ERRORS},
    summary="Confirm a decision",
    description="Confirms the decision for your side (business or IT); once both sides have, it is "
    "confirmed. 409 when you confirmed it already. For internal members of either side but viewers.",
)
def reviews_decision_confirm(request: HttpRequest, slug: str, decision_id: int) -> ReviewDecisionOut:
    membership = _reader(request, slug)
    decision = access.decision_for_confirm(membership, decision_id)
    services.decision_confirm(actor=membership, decision=decision)
    return _decision_detail(membership, decision.pk)


# --- Action items -----------------------------------------------------------------------------------


@router.get(
    ORG + "/actions",
    response={200: list[ActionItemOut], **ERRORS},
    summary="List action items",
    description="By due date; filter by `status`, by owner (`owner_id`), and `overdue` true for the "
    "open ones past their due date." + INTERNAL,
)
@paginate(Pages)
def reviews_action_list(request: HttpRequest, slug: str, filters: Query[ActionItemFilters]) -> Any:
    membership = _reader(request, slug)
    today = timezone.localdate()
    rows = selectors.action_list(
        membership.organization,
        status=filters.status,
        owner=filters.owner_id,
        overdue=filters.overdue,
        today=today,
    )
    return Serialised(rows, lambda a: action_out(a, today=today))


@router.post(
    ORG + "/actions",
    response={201: ActionItemOut, **WRITE_ERRORS},
    summary="Add an action item",
    description="Something one member (`owner_id`) does by `due_on`, optionally raised in a review, "
    "about an initiative or carrying out a decision. It carries over to every later review until "
    "it is done." + CONTRIBUTORS,
)
def reviews_action_add(request: HttpRequest, slug: str, payload: ActionItemIn) -> Status[ActionItemOut]:
    membership = _worker(request, slug)
    with api_fields(API_FIELDS):
        action = services.action_add(
            actor=membership,
            title=payload.title,
            owner=payload.owner_id,
            due_on=payload.due_on,
            review=_review_named(membership, payload.review_id),
            initiative=_initiative(membership, payload.initiative_id),
            decision=_decision(membership, payload.decision_id),
        )
    return Status(201, _action_detail(membership, action.pk))


@router.patch(
    ACTION,
    response={200: ActionItemOut, **WRITE_ERRORS},
    summary="Change an action item",
    description="Send only the fields to change; `status` done records when. For its owner, whoever "
    "recorded it, and admins.",
)
def reviews_action_update(
    request: HttpRequest, slug: str, action_id: int, payload: ActionItemPatchIn
) -> ActionItemOut:
    membership = _reader(request, slug)
    action = access.action_for_update(membership, action_id)
    fields = payload.model_dump(exclude_unset=True)
    data: dict[str, Any] = {k: (UNCHANGED if v is None else v) for k, v in fields.items()}
    if "owner_id" in data:
        data["owner"] = data.pop("owner_id")
    with api_fields(API_FIELDS):
        services.action_update(actor=membership, action=action, **data)
    return _action_detail(membership, action.pk)


# --- Wins -----------------------------------------------------------------------------------------


@router.get(
    ORG + "/wins",
    response={200: list[WinOut], **ERRORS},
    summary="List wins",
    description="The results celebrated, latest first, with whom they thank." + INTERNAL,
)
@paginate(Pages)
def reviews_win_list(request: HttpRequest, slug: str) -> Any:
    membership = _reader(request, slug)
    return Serialised(selectors.win_list(membership.organization), win_out)


@router.post(
    ORG + "/wins",
    response={201: WinOut, **WRITE_ERRORS},
    summary="Celebrate a win",
    description="A result to celebrate, optionally in a review and about an initiative; the members "
    "to thank (`thanked_ids`) are told by e-mail. `source_key` names the agenda item it was harvested "
    "from." + CONTRIBUTORS,
)
def reviews_win_add(request: HttpRequest, slug: str, payload: WinIn) -> Status[WinOut]:
    membership = _worker(request, slug)
    with api_fields(API_FIELDS):
        win = services.win_add(
            actor=membership,
            title=payload.title,
            detail=payload.detail,
            review=_review_named(membership, payload.review_id),
            initiative=_initiative(membership, payload.initiative_id),
            thanked=payload.thanked_ids,
            source_key=payload.source_key,
        )
    return Status(201, win_out(access.win_get_for_user(membership, win.pk)))


@router.get(
    WIN,
    response={200: WinOut, **ERRORS},
    summary="One win",
    description="The win and whom it thanks." + INTERNAL,
)
def reviews_win_detail(request: HttpRequest, slug: str, win_id: int) -> WinOut:
    return win_out(access.win_get_for_user(_reader(request, slug), win_id))


# --- The habit score ----------------------------------------------------------------------------------


@router.get(
    ORG + "/habit",
    response={200: HabitOut, **ERRORS},
    summary="The habit score",
    description="Whether the weekly review is still a habit: for every active series a score from 0 "
    "to 100 over its last 12 occurrences (held on schedule, both sides present, the actions due done "
    "on time, key results checked in on time), each component's mean, every week's score and whether "
    "it is slipping; the organisation's score is that of its organisation-wide series. Then the key "
    "results without a check-in for 14 days and the number of overdue action items." + INTERNAL,
)
def reviews_habit(request: HttpRequest, slug: str) -> HabitOut:
    membership = _reader(request, slug)
    org = membership.organization
    now = timezone.now()
    rows = []
    for series in selectors.series_list(org).filter(is_active=True):
        score = habit.habit_for_series(series, now=now)
        rows.append(series_habit_out(series, score, slipping=habit.is_slipping(score)))
    found = habit.habit_for_org(org, now=now)
    return HabitOut(
        score=found.score if found is not None else None,
        series=rows,
        missed_check_ins=[missed_check_in_out(k) for k in habit.missed_check_ins(org, now=now)],
        overdue_actions=habit.overdue_actions(org, today=timezone.localdate()).count(),
    )


# --- My calendar feed ---------------------------------------------------------------------------------


@router.get(
    ORG + "/me/review-feed",
    response={200: ReviewFeedStateOut, **ERRORS},
    summary="Whether I have a personal review calendar feed",
    description="Your feed holds every review of every active series you attend. Its secret address "
    "is not shown here: the POST that makes or renews it answers it." + INTERNAL,
)
def reviews_my_feed(request: HttpRequest, slug: str) -> ReviewFeedStateOut:
    membership = _reader(request, slug)
    feed = PersonalFeed.objects.for_org(membership.organization).filter(membership=membership).first()
    return ReviewFeedStateOut(
        exists=feed is not None, created_at=feed.created_at if feed is not None else None
    )


@router.post(
    ORG + "/me/review-feed",
    response={200: ReviewFeedUrlOut, **ERRORS},
    summary="Make or renew my personal review calendar feed",
    description="Makes your feed the first time, then renews its address (the old one stops at "
    "once), and answers the address: this is the only answer that shows it. Share it like a "
    "password." + INTERNAL,
)
def reviews_my_feed_renew(request: HttpRequest, slug: str) -> ReviewFeedUrlOut:
    membership = _reader(request, slug)
    exists = PersonalFeed.objects.for_org(membership.organization).filter(membership=membership).exists()
    if exists:
        feed = services.personal_feed_rotate(actor=membership)
    else:
        feed = services.personal_feed_get_or_create(actor=membership)
    return _feed_url(ics.personal_feed_secret(feed))
