"""Reads of the insights app: the live index, its snapshots, the trend and what moved it.

The live index asks every app's source (``AppConfig.tandem_index_source``) for its components and
combines them (``tandem.insights.index``); it is kept in this process's memory under the
organisation's data version, the apps' versions, the hour and the language (labels are words),
so a page that shows it twice in an hour computes it once. Nothing here writes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from tandem.core.cache import app_versions, org_cached
from tandem.core.insights import COMPONENT_KEYS, Component
from tandem.core.models import Organization
from tandem.core.navigation import app_hooks
from tandem.insights import index as math
from tandem.insights.index import (
    Breakdown,
    ComponentView,
    Moves,
    RowMove,
    RowView,
    component_rows,
    moves,
    top_causes,
)
from tandem.insights.models import IndexSnapshot, InsightSettings

__all__ = [
    "Breakdown",
    "ComponentView",
    "Moves",
    "RowMove",
    "RowView",
    "breakdown_of",
    "collect_components",
    "component_rows",
    "components_now",
    "index_now",
    "initiative_breakdown",
    "moves",
    "moves_this_week",
    "previous_snapshot",
    "snapshot_list",
    "top_causes",
    "trend",
    "weights_for",
]

# The fields a list of snapshots needs (the rows and initiatives stay in the database).
LIST_FIELDS = ("id", "organization_id", "week", "taken_at", "index", "components", "rows_truncated")


def _hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def this_week(now: datetime | None = None) -> date:
    """The Monday of the week of ``now`` (local date)."""
    return math.monday(timezone.localdate(now or timezone.now()))


# --- Weights -----------------------------------------------------------------------------------------


def chosen_weights(org: Organization) -> dict[str, Any]:
    """The weights the organisation chose (a key not named keeps its default)."""
    found = InsightSettings.objects.filter(organization=org).values_list("weights", flat=True).first()
    return dict(found) if isinstance(found, dict) else {}


def weights_for(org: Organization) -> dict[str, int]:
    """The effective weight of every known component (``COMPONENT_KEYS`` order)."""
    return math.effective_weights(chosen_weights(org))


def default_weights() -> dict[str, int]:
    return {key: math.DEFAULT_WEIGHTS.get(key, 0) for key in COMPONENT_KEYS}


# --- The live index ------------------------------------------------------------------------------------


def collect_components(org: Organization, now: datetime) -> tuple[Component, ...]:
    """Every app's components of the index for ``org`` at ``now``, computed afresh."""
    components: list[Component] = []
    for source in app_hooks("tandem_index_source"):
        components.extend(source(org, now))
    return tuple(components)


def components_now(org: Organization, *, now: datetime | None = None) -> tuple[Component, ...]:
    """Every app's components of the index for ``org`` now (kept per hour, see the module)."""
    now = now or timezone.now()
    return org_cached(
        org,
        "insights.components",
        lambda: collect_components(org, now),
        app_versions(org),
        _hour(now),
        get_language(),
    )


def compute_now(org: Organization, *, now: datetime | None = None) -> Breakdown:
    """The live breakdown computed afresh (what a snapshot keeps); ``index_now`` keeps it."""
    now = now or timezone.now()
    return math.compute(collect_components(org, now), chosen_weights(org), taken_at=now)


def index_now(org: Organization, *, now: datetime | None = None) -> Breakdown:
    """The organisation's live index and its breakdown (kept per hour, see the module)."""
    now = now or timezone.now()
    return org_cached(
        org,
        "insights.index_now",
        lambda: math.compute(components_now(org, now=now), chosen_weights(org), taken_at=now),
        app_versions(org),
        _hour(now),
        get_language(),
    )


def initiative_breakdown(org: Organization, initiative: Any, *, now: datetime | None = None) -> Breakdown:
    """One initiative's index and rows: each component over that initiative's rows only, with
    the organisation's weights; ``initiatives`` holds its index when it has one."""
    initiative_id = initiative if isinstance(initiative, int) else initiative.pk
    now = now or timezone.now()
    return org_cached(
        org,
        "insights.initiative",
        lambda: math.for_initiative(components_now(org, now=now), chosen_weights(org), initiative_id),
        initiative_id,
        app_versions(org),
        _hour(now),
        get_language(),
    )


def initiative_index(org: Organization, initiative_id: int, *, now: datetime | None = None) -> float | None:
    """One initiative's index from the live breakdown (``None``: nothing measures it)."""
    return index_now(org, now=now).initiatives.get(initiative_id)


# --- Snapshots -------------------------------------------------------------------------------------------


def snapshot_list(org: Organization) -> QuerySet[IndexSnapshot]:
    """The organisation's snapshots, newest first, without their rows (``breakdown_of`` loads
    them when needed)."""
    return IndexSnapshot.objects.for_org(org).order_by("-week").only(*LIST_FIELDS)


def snapshot_get(org: Organization, snapshot_id: int) -> IndexSnapshot | None:
    return IndexSnapshot.objects.for_org(org).filter(pk=snapshot_id).first()


def previous_snapshot(org: Organization, *, before: date) -> IndexSnapshot | None:
    """The latest snapshot of a week before ``before``, rows included."""
    return IndexSnapshot.objects.for_org(org).filter(week__lt=before).order_by("-week").first()


def breakdown_of(snapshot: IndexSnapshot) -> Breakdown:
    """The breakdown a snapshot kept (its rows: those that cost points, at most ``SNAPSHOT_ROWS``)."""
    return math.from_snapshot_data(
        index=snapshot.index,
        components=snapshot.components or {},
        rows=snapshot.rows or [],
        rows_truncated=snapshot.rows_truncated,
        initiatives=snapshot.initiatives or {},
        week=snapshot.week,
        taken_at=snapshot.taken_at,
    )


def trend(
    org: Organization, *, weeks: int = 52, until: date | None = None
) -> list[tuple[date, float | None]]:
    """The index of the weekly snapshots of the ``weeks`` weeks before ``until`` (default: this
    week, whose figure is the live index, ``index_now``), oldest first."""
    end = math.monday(until) if until is not None else this_week()
    found = (
        IndexSnapshot.objects.for_org(org)
        .filter(week__gte=end - timedelta(weeks=weeks), week__lt=end)
        .order_by("week")
        .values_list("week", "index")
    )
    return list(found)


def component_trend(
    org: Organization, *, weeks: int = 52, until: date | None = None
) -> list[tuple[date, dict[str, float | None]]]:
    """Each weekly snapshot's component scores, as ``trend``: [(week, {key: score})], oldest first."""
    end = math.monday(until) if until is not None else this_week()
    found = (
        IndexSnapshot.objects.for_org(org)
        .filter(week__gte=end - timedelta(weeks=weeks), week__lt=end)
        .order_by("week")
        .values_list("week", "components")
    )
    return [
        (week, {key: (stored or {}).get(key, {}).get("score") for key in COMPONENT_KEYS})
        for week, stored in found
    ]


def week_moves(org: Organization, snapshot: IndexSnapshot) -> Moves:
    """What moved the index from the snapshot before ``snapshot`` to it."""
    before = previous_snapshot(org, before=snapshot.week)
    return moves(breakdown_of(before) if before is not None else None, breakdown_of(snapshot))


def moves_this_week(org: Organization, *, now: datetime | None = None) -> Moves | None:
    """What moved the live index since the latest snapshot of an earlier week; ``None`` without one."""
    now = now or timezone.now()
    before = previous_snapshot(org, before=this_week(now))
    if before is None:
        return None
    return moves(breakdown_of(before), index_now(org, now=now))
