"""The insights JSON API: the alignment index, its components and drill-down, its weekly history
with what moved it, and the weights.

Handlers load through the access gate (``insights.access``) and call the same selectors and
services as the pages. Every internal member reads everything; a member on the partner side gets
a 404 on every endpoint, like another organisation's ids. Owners and admins change the weights.
Nothing here carries a why check's answer or a survey figure the results page would not show:
the rows are what the apps' sources put in the index."""

# No ``from __future__ import annotations`` here: ninja reads the parameter types as objects.

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from tandem.core.access import Need, org_member, refuse
from tandem.core.api import ERRORS, WRITE_ERRORS, Pages, Serialised
from tandem.core.insights import COMPONENT_KEYS
from tandem.core.models import Membership
from tandem.insights import access, selectors, services
from tandem.insights import index as math
from tandem.insights.models import IndexSnapshot
from tandem.insights.schemas import (
    AlignmentInitiativeOut,
    AlignmentOut,
    AlignmentRowOut,
    AlignmentSnapshotOut,
    AlignmentWeekOut,
    AlignmentWeightOut,
    AlignmentWeightsIn,
    AlignmentWeightsOut,
    components_out,
    moves_out,
    row_out,
)

router = Router(tags=["insights"])

ORG = "/orgs/{slug}"
ALIGNMENT = ORG + "/alignment"
INTERNAL = " Internal members only (404 on the partner side)."


def _reader(request: HttpRequest, slug: str) -> Membership:
    membership = org_member(request, slug, need=Need.READER)
    access.require_reader(membership)
    return membership


@router.get(
    ALIGNMENT,
    response={200: AlignmentOut, **ERRORS},
    summary="The alignment index now",
    description="The organisation's alignment index (0-100), every component (score, weight, "
    "contribution, points lost; a component without data is left out of the index and says why, "
    "never counted as zero), the three rows that cost the most points, and what moved the index since "
    "the latest weekly snapshot." + INTERNAL,
)
def alignment_now(request: HttpRequest, slug: str) -> AlignmentOut:
    org = _reader(request, slug).organization
    breakdown = selectors.index_now(org)
    moved = selectors.moves_this_week(org)
    return AlignmentOut(
        index=breakdown.index,
        taken_at=breakdown.taken_at,
        components=components_out(breakdown),
        top_causes=[row_out(r) for r in selectors.top_causes(breakdown, 3)],
        moves_this_week=moves_out(moved) if moved is not None else None,
    )


@router.get(
    ALIGNMENT + "/components/{key}",
    response={200: list[AlignmentRowOut], **ERRORS},
    summary="The rows of one component",
    description="Every row of the component (`gate`, `coleads`, `whycheck`, `objectives`, `delivery`, "
    "`service_levels`, `perception`, `habit`), the costliest first: what each scores and the index "
    "points it costs. 404 for an unknown component." + INTERNAL,
)
@paginate(Pages)
def alignment_component(request: HttpRequest, slug: str, key: str) -> Any:
    membership = _reader(request, slug)
    if key not in COMPONENT_KEYS:
        raise refuse("no such index component", org=membership.organization)
    breakdown = selectors.index_now(membership.organization)
    return [row_out(r) for r in selectors.component_rows(breakdown, key)]


@router.get(
    ALIGNMENT + "/initiatives/{initiative_id}",
    response={200: AlignmentInitiativeOut, **ERRORS},
    summary="One initiative's alignment",
    description="The initiative's index: each component over the rows about this initiative, combined "
    "with the organisation's weights; and those rows, the costliest first." + INTERNAL,
)
def alignment_initiative(request: HttpRequest, slug: str, initiative_id: int) -> AlignmentInitiativeOut:
    membership = _reader(request, slug)
    initiative = access.initiative_get_for(membership, initiative_id)
    breakdown = selectors.initiative_breakdown(membership.organization, initiative)
    return AlignmentInitiativeOut(
        initiative_id=initiative.pk,
        title=initiative.title,
        index=breakdown.index,
        components=components_out(breakdown),
        rows=[row_out(r) for r in breakdown.all_rows],
    )


def _snapshot_out(snapshot: IndexSnapshot) -> AlignmentSnapshotOut:
    stored = snapshot.components or {}
    return AlignmentSnapshotOut(
        id=snapshot.pk,
        week=snapshot.week,
        taken_at=snapshot.taken_at,
        index=snapshot.index,
        scores={key: (stored.get(key) or {}).get("score") for key in COMPONENT_KEYS},
    )


@router.get(
    ALIGNMENT + "/history",
    response={200: list[AlignmentSnapshotOut], **ERRORS},
    summary="The index week by week",
    description="The weekly snapshots, newest first: each week's index and component scores "
    "(null: no data that week)." + INTERNAL,
)
@paginate(Pages)
def alignment_history(request: HttpRequest, slug: str) -> Any:
    membership = _reader(request, slug)
    return Serialised(selectors.snapshot_list(membership.organization), _snapshot_out)


@router.get(
    ALIGNMENT + "/history/{snapshot_id}",
    response={200: AlignmentWeekOut, **ERRORS},
    summary="One week of the index",
    description="A week's snapshot: its index, components and the rows that cost points (only the "
    "costliest are kept: `rows_truncated`), with what moved the index since the week before." + INTERNAL,
)
def alignment_week(request: HttpRequest, slug: str, snapshot_id: int) -> AlignmentWeekOut:
    membership = _reader(request, slug)
    snapshot = access.snapshot_get_for(membership, snapshot_id)
    breakdown = selectors.breakdown_of(snapshot)
    return AlignmentWeekOut(
        id=snapshot.pk,
        week=snapshot.week,
        taken_at=snapshot.taken_at,
        index=snapshot.index,
        components=components_out(breakdown),
        rows=[row_out(r) for r in breakdown.rows],
        rows_truncated=breakdown.rows_truncated,
        moves=moves_out(selectors.week_moves(membership.organization, snapshot)),
    )


def _weights_out(membership: Membership) -> AlignmentWeightsOut:
    org = membership.organization
    labels = {c.key: c.label for c in selectors.index_now(org).components}
    weights = selectors.weights_for(org)
    return AlignmentWeightsOut(
        weights=[
            AlignmentWeightOut(
                key=key,
                label=labels.get(key) or str(math.DEFAULT_LABELS.get(key, key)),
                weight=weights[key],
                default_weight=math.DEFAULT_WEIGHTS.get(key, 0),
            )
            for key in COMPONENT_KEYS
        ]
    )


@router.get(
    ALIGNMENT + "/weights",
    response={200: AlignmentWeightsOut, **ERRORS},
    summary="The index's weights",
    description="Each component's weight in the index (0-100; 0 leaves it out) and its default." + INTERNAL,
)
def alignment_weights(request: HttpRequest, slug: str) -> AlignmentWeightsOut:
    return _weights_out(_reader(request, slug))


@router.put(
    ALIGNMENT + "/weights",
    response={200: AlignmentWeightsOut, **WRITE_ERRORS},
    summary="Change the index's weights (owners, admins)",
    description="Send the components whose weight changes, each a whole number from 0 to 100; a "
    "component not sent keeps its weight. 0 leaves a component out; all of them 0 is refused. "
    "A 422 names the field at fault.",
)
def alignment_weights_put(
    request: HttpRequest, slug: str, payload: AlignmentWeightsIn
) -> AlignmentWeightsOut:
    membership = _reader(request, slug)
    access.require_manager(membership)
    chosen = {key: value for key, value in payload.model_dump().items() if value is not None}
    services.weights_update(actor=membership, weights=chosen)
    return _weights_out(membership)
