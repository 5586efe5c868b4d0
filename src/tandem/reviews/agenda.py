"""The agenda that writes itself: what every source reports since the previous review, the open
actions carried over, and the wins to celebrate.

Sources are the apps that name ``tandem_agenda_source`` on their AppConfig (``tandem.core.agenda``);
one that has not landed is simply absent. ``build`` is a write and is called by the services only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from tandem.core.agenda import AgendaSignal, AgendaSource
from tandem.core.models import Organization
from tandem.core.navigation import app_hooks
from tandem.reviews.models import MAX_AGENDA_ITEMS, ActionItem, ActionStatus, AgendaItem, Review
from tandem.strategy.models import Initiative, KeyResultLink, Objective

SOURCE = "reviews"
ACTION = "action"
# The order of the problems on an agenda, source by source; a source not named here comes after.
SOURCE_ORDER = ("whycheck", "strategy", "delivery", "governance", "surveys")

KIND_LABELS: dict[str, StrOrPromise] = {
    # The why check
    "why_misaligned": _("Why check: misaligned"),
    "why_needs_discussion": _("Why check: needs discussion"),
    "why_overdue": _("Why check: answers overdue"),
    "why_flagged": _("Why check: flagged for review"),
    "realigned": _("Realigned after a why check"),
    # Strategy
    "gate_failed": _("Fails the approval gate"),
    "stage_changed": _("Stage changed"),
    "confidence_falling": _("Confidence falling"),
    "no_check_in": _("No check-in for 14 days"),
    "kr_reached": _("Key result reached its target"),
    # Delivery
    "slipped": _("Deliverable slipped"),
    "rejected": _("Deliverable rejected"),
    "unexplained": _("Unexplained change of plan"),
    "awaiting_decision": _("Change request awaiting a decision"),
    "alert": _("Delivery figure past its threshold"),
    "quiet": _("No end-user feedback since delivery"),
    "accepted": _("Deliverable accepted"),
    "good_feedback": _("Good end-user feedback"),
    # Governance
    "sla_breach": _("Service level breached"),
    "escalation": _("Incident escalated"),
    "incident_open": _("Open incident"),
    "incident_review": _("Post-incident review"),
    # Surveys
    "survey_published": _("Survey results published"),
    # The review itself
    ACTION: _("Carried-over action"),
    "": _("Added by hand"),
}


def kind_label(kind: str) -> StrOrPromise:
    """The label of an agenda item's kind; a kind no label names (a newer source) shows as itself."""
    return KIND_LABELS.get(kind, kind)


def sources() -> list[AgendaSource]:
    """The agenda sources of the apps installed now."""
    found: list[AgendaSource] = app_hooks("tandem_agenda_source")
    return found


def serving_initiative_ids(objective: Objective) -> set[int]:
    """The initiatives that serve ``objective``: linked to one of its key results."""
    return set(
        KeyResultLink.objects.for_org(objective.organization)
        .filter(key_result__objective=objective)
        .values_list("initiative_id", flat=True)
    )


def collect(
    org: Organization, since: datetime, now: datetime, *, objective: Objective | None = None
) -> list[AgendaSignal]:
    """Every source's signals for what happened from ``since`` to ``now``. For a programme
    (``objective``) only those about the objective or an initiative serving it; a signal about
    neither (an organisation-wide survey) belongs to organisation-wide series only."""
    signals = [signal for source in sources() for signal in source(org, since, now)]
    if objective is None:
        return signals
    serving = serving_initiative_ids(objective)
    return [
        s
        for s in signals
        if s.objective_id == objective.pk or (s.initiative_id is not None and s.initiative_id in serving)
    ]


def action_age_days(action: ActionItem, today: date) -> int:
    """Days since the action was raised, for "carried over, N days"; never negative."""
    return max(0, (today - timezone.localtime(action.created_at).date()).days)


def _open_actions(review: Review, taken: set[int]) -> list[ActionItem]:
    """Open actions of the organisation, or of the programme (an initiative serving it, or raised in
    this series), not yet on the agenda, raised before this review: the oldest first."""
    series = review.series
    actions = ActionItem.objects.for_org(review.organization).filter(status=ActionStatus.OPEN)
    actions = actions.exclude(review=review).exclude(pk__in=taken)
    if series.objective_id is not None:
        serving = Initiative.objects.for_org(review.organization).filter(
            key_result_links__key_result__objective_id=series.objective_id
        )
        actions = actions.filter(Q(initiative__in=serving) | Q(review__series=series))
    return list(actions.order_by("created_at", "id"))


def _rank(signal: AgendaSignal) -> tuple[bool, int, datetime, str]:
    """Problems by source in ``SOURCE_ORDER``, each source's by when they happened; wins last."""
    position = SOURCE_ORDER.index(signal.source) if signal.source in SOURCE_ORDER else len(SOURCE_ORDER)
    return signal.is_win, position, signal.at, signal.key


def _item_of(review: Review, signal: AgendaSignal, position: int) -> AgendaItem:
    return AgendaItem(
        organization_id=review.organization_id,
        review=review,
        source=signal.source[:32],
        kind=signal.kind[:40],
        key=signal.key[:200],
        title=signal.title[:300],
        detail=signal.detail,
        url=signal.url[:500],
        initiative_id=signal.initiative_id,
        is_win=signal.is_win,
        position=position,
    )


def _action_item(review: Review, action: ActionItem, position: int) -> AgendaItem:
    return AgendaItem(
        organization_id=review.organization_id,
        review=review,
        source=SOURCE,
        kind=ACTION,
        key=f"{SOURCE}:{ACTION}:{action.pk}",
        title=action.title[:300],
        initiative_id=action.initiative_id,
        action=action,
        position=position,
    )


def _new_signals(signals: Iterable[AgendaSignal], keys: set[str]) -> list[AgendaSignal]:
    """The signals whose key is not on the agenda yet (dropped items included), each key once."""
    fresh: dict[str, AgendaSignal] = {}
    for signal in sorted(signals, key=_rank):
        if signal.key not in keys and signal.key not in fresh:
            fresh[signal.key] = signal
    return list(fresh.values())


def build(review: Review, *, now: datetime | None = None) -> list[AgendaItem]:
    """Add to ``review``'s agenda what is new since ``review.agenda_since``: the open actions carried
    over first, then the problems by source, the wins last, after the items already there (an item
    on the agenda, dropped or kept, is never added again). Sets ``agenda_built_at``; returns the
    items added. A write: the services call it."""
    moment = now or timezone.now()
    series = review.series
    with transaction.atomic():
        # One build at a time per review: two refreshes at once would add the same keys twice.
        Review.objects.for_org(review.organization).select_for_update().get(pk=review.pk)
        existing = AgendaItem.objects.for_org(review.organization).filter(review=review)
        rows = list(existing.values_list("key", "action_id", "position"))
        keys = {key for key, _action, _position in rows if key}
        taken = {action for _key, action, _position in rows if action is not None}
        position = max((p for _key, _action, p in rows), default=-1) + 1
        signals = collect(review.organization, review.agenda_since, moment, objective=series.objective)
        items = [
            _action_item(review, action, 0)
            for action in _open_actions(review, taken)
            if f"{SOURCE}:{ACTION}:{action.pk}" not in keys
        ]
        items += [_item_of(review, signal, 0) for signal in _new_signals(signals, keys)]
        items = items[: max(0, MAX_AGENDA_ITEMS - len(rows))]
        for offset, item in enumerate(items):
            item.position = position + offset
        AgendaItem.objects.bulk_create(items)
        review.agenda_built_at = moment
        review.save(update_fields=["agenda_built_at"])
    return items
