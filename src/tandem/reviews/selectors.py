"""Reads of the reviews app: series, reviews with their agenda, the decision log, action items,
wins, and the home page's panel. Nothing here writes or queues anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tandem.core.access import refuse
from tandem.core.models import Membership, Organization, Role
from tandem.reviews import habit
from tandem.reviews.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Decision,
    DecisionConfirmation,
    Review,
    ReviewSeries,
    ReviewStatus,
    Win,
)

UPCOMING_STATUSES = (ReviewStatus.PLANNED, ReviewStatus.OPEN)


def series_list(org: Organization) -> QuerySet[ReviewSeries]:
    """The organisation's review series by name, active or not, with their programme and
    attendees (and the attendees' people) loaded."""
    return (
        ReviewSeries.objects.for_org(org)
        .select_related("objective", "created_by__user")
        .prefetch_related(
            Prefetch("attendees", queryset=Membership.objects.for_org(org).select_related("user"))
        )
        .order_by("name", "id")
    )


def review_list(org: Organization, *, series: ReviewSeries | None = None) -> QuerySet[Review]:
    """The organisation's reviews, latest first, with their series; one series' when given."""
    reviews = Review.objects.for_org(org).select_related("series", "closed_by__user")
    if series is not None:
        reviews = reviews.filter(series=series)
    return reviews.order_by("-scheduled_at", "-id")


def _decisions(org: Organization) -> QuerySet[Decision]:
    confirmations = DecisionConfirmation.objects.for_org(org).select_related("membership__user")
    return (
        Decision.objects.for_org(org)
        .select_related("recorded_by__user", "initiative", "objective", "review__series")
        .prefetch_related(Prefetch("confirmations", queryset=confirmations))
    )


def _actions(org: Organization) -> QuerySet[ActionItem]:
    return ActionItem.objects.for_org(org).select_related(
        "owner__user", "created_by__user", "initiative", "decision", "review__series"
    )


def _wins(org: Organization) -> QuerySet[Win]:
    thanked = Membership.objects.for_org(org).select_related("user")
    return (
        Win.objects.for_org(org)
        .select_related("created_by__user", "initiative", "review__series")
        .prefetch_related(Prefetch("thanked", queryset=thanked))
    )


@dataclass(frozen=True)
class ReviewDetail:
    """A review and what was on and came out of it: the agenda (kept items in order, then the
    dropped ones), the decisions, the action items raised in it and the wins."""

    review: Review
    items: list[AgendaItem]
    decisions: list[Decision]
    actions: list[ActionItem]
    wins: list[Win]

    @property
    def kept(self) -> list[AgendaItem]:
        return [item for item in self.items if not item.is_dropped]

    @property
    def dropped(self) -> list[AgendaItem]:
        return [item for item in self.items if item.is_dropped]

    @property
    def carried(self) -> list[AgendaItem]:
        """The agenda items that are open action items carried over from before."""
        return [item for item in self.items if item.action_id is not None]


def review_detail(org: Organization, pk: int) -> ReviewDetail:
    """A review with its agenda, decisions, actions and wins, in a query per table; ``NotFound``
    when the organisation has no such review."""
    present = Membership.objects.for_org(org).select_related("user")
    review = (
        review_list(org)
        .select_related("series__objective")
        .prefetch_related(Prefetch("present", queryset=present))
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise refuse("no such review", org=org)
    items = list(
        AgendaItem.objects.for_org(org)
        .filter(review=review)
        .select_related("initiative", "action__owner__user", "dropped_by__user", "added_by__user")
        .order_by("position", "id")
    )
    return ReviewDetail(
        review=review,
        items=[i for i in items if not i.is_dropped] + [i for i in items if i.is_dropped],
        decisions=list(_decisions(org).filter(review=review).order_by("created_at", "id")),
        actions=list(_actions(org).filter(review=review).order_by("due_on", "id")),
        wins=list(_wins(org).filter(review=review).order_by("created_at", "id")),
    )


def current_review(series: ReviewSeries, *, now: datetime | None = None) -> Review | None:
    """The review of ``series`` to work on now: the one in progress, else the planned one nearest
    to ``now`` (before or after); ``None`` when none is planned."""
    now = now or timezone.now()
    upcoming = list(
        Review.objects.for_org(series.organization).filter(series=series, status__in=UPCOMING_STATUSES)
    )
    if not upcoming:
        return None
    return min(
        upcoming,
        key=lambda r: (r.status != ReviewStatus.OPEN, abs((r.scheduled_at - now).total_seconds()), r.pk),
    )


def decision_search(
    org: Organization, *, q: str = "", confirmed: bool | None = None, initiative_id: int | None = None
) -> QuerySet[Decision]:
    """The decision log, latest first: ``q`` in the title, rationale or options considered;
    ``confirmed`` true for those both sides confirmed, false for those still waiting for a side."""
    decisions = _decisions(org)
    words = (q or "").strip()
    if words:
        decisions = decisions.filter(
            Q(title__icontains=words) | Q(rationale__icontains=words) | Q(options_considered__icontains=words)
        )
    if confirmed is not None:
        decisions = decisions.filter(confirmed_at__isnull=not confirmed)
    if initiative_id is not None:
        decisions = decisions.filter(initiative_id=initiative_id)
    return decisions.order_by("-created_at", "-id")


def action_list(
    org: Organization,
    *,
    status: str | None = None,
    owner: Membership | int | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> QuerySet[ActionItem]:
    """Action items by due date; ``overdue`` keeps the open ones past their due date."""
    actions = _actions(org)
    if status:
        actions = actions.filter(status=status)
    if owner is not None:
        actions = actions.filter(owner_id=owner.pk if isinstance(owner, Membership) else owner)
    if overdue:
        actions = actions.filter(status=ActionStatus.OPEN, due_on__lt=today or timezone.localdate())
    return actions.order_by("due_on", "id")


def win_list(org: Organization) -> QuerySet[Win]:
    """The wins, latest first, with whom they thank."""
    return _wins(org).order_by("-created_at", "-id")


def my_actions(membership: Membership) -> QuerySet[ActionItem]:
    """The member's own open action items, by due date."""
    return action_list(membership.organization, status=ActionStatus.OPEN, owner=membership)


def next_review(membership: Membership, *, now: datetime | None = None) -> Review | None:
    """The next planned or running review of an active series: of one the member attends when
    there is such a review, else of any."""
    now = now or timezone.now()
    upcoming = list(
        Review.objects.for_org(membership.organization)
        .filter(series__is_active=True)
        .filter(Q(status=ReviewStatus.OPEN) | Q(status=ReviewStatus.PLANNED, scheduled_at__gte=now))
        .select_related("series")
        .order_by("scheduled_at", "id")[:20]
    )
    if not upcoming:
        return None
    attended = set(
        membership.review_series.filter(pk__in={r.series_id for r in upcoming}).values_list("pk", flat=True)
    )
    return next((r for r in upcoming if r.series_id in attended), upcoming[0])


def home_panel(membership: Membership) -> tuple[str, dict[str, Any]] | None:
    """The organisation home's weekly-review panel: the habit score of the organisation-wide
    series, the next review, and the member's own open and overdue action items. Nothing for
    partners."""
    if membership.role == Role.PARTNER:
        return None
    org = membership.organization
    now = timezone.now()
    today = timezone.localdate()
    score = habit.habit_for_org(org, now=now)
    mine = my_actions(membership)
    return "reviews/_home_panel.html", {
        "habit": score,
        "slipping": score is not None and habit.is_slipping(score),
        "next_review": next_review(membership, now=now),
        "open_actions": mine.count(),
        "overdue_actions": mine.filter(due_on__lt=today).count(),
        "has_series": ReviewSeries.objects.for_org(org).filter(is_active=True).exists(),
    }
