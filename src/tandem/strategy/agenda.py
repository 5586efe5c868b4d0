"""What strategy brings to the weekly review (``tandem.core.agenda``).

Problems: an initiative that fails the approval gate while in a stage that needs it — proposed
(waiting for approval), approved or in delivery (approved, and no longer passing) —
(``gate_failed``); an initiative that moved to another stage (``stage_changed``); a key result
whose latest check-in is less confident than the one before (``confidence_falling``); a key result
of an active objective without a check-in for ``STALE_AFTER_DAYS`` days (``no_check_in``). Win: a
key result that reached its target, in its own direction (``kr_reached``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

from tandem.core.agenda import AgendaSignal
from tandem.core.models import Organization
from tandem.strategy.gate import gate_missing
from tandem.strategy.models import STALE_AFTER_DAYS, CheckIn, KeyResult, ObjectiveStatus, Stage, Transition
from tandem.strategy.progress import key_result_progress
from tandem.strategy.selectors import initiative_annotated

SOURCE = "strategy"
GATE_STAGES = (Stage.PROPOSED, Stage.APPROVED, Stage.IN_DELIVERY)


def _initiative_url(org: Organization, pk: int) -> str:
    return reverse("strategy:initiative_detail", kwargs={"org_slug": org.slug, "initiative_id": pk})


def _gate_failed(org: Organization) -> list[AgendaSignal]:
    rows = initiative_annotated(org).filter(stage__in=GATE_STAGES).order_by("id")
    return [
        AgendaSignal(
            source=SOURCE,
            kind="gate_failed",
            key=f"{SOURCE}:gate_failed:initiative:{row.pk}",
            title=row.title,
            at=row.updated_at,
            url=_initiative_url(org, row.pk),
            initiative_id=row.pk,
        )
        for row in rows
        if gate_missing(row)
    ]


def _stage_changed(org: Organization, since: datetime, now: datetime) -> list[AgendaSignal]:
    moves = (
        Transition.objects.for_org(org)
        .filter(created_at__gte=since, created_at__lte=now)
        .select_related("initiative")
        .order_by("created_at", "id")
    )
    signals = []
    for move in moves:
        before = Stage(move.from_stage).label if move.from_stage else "—"
        stages = f"{before} → {Stage(move.to_stage).label}"
        # A reason the why check wrote names the round's score: only a person's own words go along.
        reason = move.reason if not move.cause else ""
        signals.append(
            AgendaSignal(
                source=SOURCE,
                kind="stage_changed",
                key=f"{SOURCE}:stage_changed:transition:{move.pk}",
                title=move.initiative.title,
                at=move.created_at,
                url=_initiative_url(org, move.initiative_id),
                initiative_id=move.initiative_id,
                detail=f"{stages}: {reason}" if reason else stages,
            )
        )
    return signals


def _key_results(org: Organization, since: datetime, now: datetime) -> list[KeyResult]:
    """Key results of active objectives and those checked in since ``since``, each with its latest
    two check-ins up to ``now`` and its latest reading before ``since`` (one query)."""
    upto = CheckIn.objects.unscoped().filter(key_result=OuterRef("pk"), created_at__lte=now)
    latest = upto.order_by("-created_at", "-id")
    before = upto.filter(created_at__lt=since).order_by("-created_at", "-id")
    checked = upto.filter(created_at__gte=since)
    return list(
        KeyResult.objects.for_org(org)
        .filter(Q(objective__status=ObjectiveStatus.ACTIVE) | Exists(checked), created_at__lte=now)
        .select_related("objective")
        .annotate(
            last_at=Subquery(latest.values("created_at")[:1]),
            last_value=Subquery(latest.values("value")[:1]),
            last_confidence=Subquery(latest.values("confidence")[:1]),
            previous_confidence=Subquery(latest.values("confidence")[1:2]),
            value_before=Subquery(before.values("value")[:1]),
        )
        .order_by("objective_id", "id")
    )


def _progress(kr: KeyResult, value: float | None) -> float:
    return key_result_progress(
        direction=kr.direction,
        baseline=kr.baseline,
        target=kr.target,
        current=value,
        band_min=kr.band_min,
        band_max=kr.band_max,
    )


def _key_result_kinds(kr: Any, since: datetime, now: datetime) -> list[tuple[str, datetime]]:
    """The kinds ``kr`` signals, each with when it happened."""
    kinds: list[tuple[str, datetime]] = []
    last_at: datetime | None = kr.last_at
    if last_at is not None and last_at >= since:
        previous = kr.previous_confidence
        if previous is not None and kr.last_confidence < previous:
            kinds.append(("confidence_falling", last_at))
        before = kr.baseline if kr.value_before is None else kr.value_before
        if _progress(kr, kr.last_value) >= 1 and _progress(kr, before) < 1:
            kinds.append(("kr_reached", last_at))
    checked = last_at or kr.created_at
    stale = now - checked > timedelta(days=STALE_AFTER_DAYS)
    if kr.objective.status == ObjectiveStatus.ACTIVE and stale:
        kinds.append(("no_check_in", checked))
    return kinds


def _key_result_signals(org: Organization, since: datetime, now: datetime) -> list[AgendaSignal]:
    signals = []
    rows: list[Any] = _key_results(org, since, now)
    for kr in rows:
        url = reverse("strategy:key_result_detail", kwargs={"org_slug": org.slug, "key_result_id": kr.pk})
        for kind, at in _key_result_kinds(kr, since, now):
            detail = ""
            if kind == "confidence_falling":
                detail = f"{kr.previous_confidence}/10 → {kr.last_confidence}/10"
            signals.append(
                AgendaSignal(
                    source=SOURCE,
                    kind=kind,
                    key=f"{SOURCE}:{kind}:key_result:{kr.pk}",
                    title=kr.metric,
                    at=at,
                    url=url,
                    objective_id=kr.objective_id,
                    detail=detail,
                    is_win=kind == "kr_reached",
                )
            )
    return signals


def agenda_signals(org: Organization, since: datetime, now: datetime) -> list[AgendaSignal]:
    """Strategy's signals for the review of what happened from ``since`` to ``now`` (three queries)."""
    return [
        *_gate_failed(org),
        *_stage_changed(org, since, now),
        *_key_result_signals(org, since, now),
    ]
