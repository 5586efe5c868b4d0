"""JSON shapes of the insights API: the alignment index, its components, the rows that cost it
points, its weekly history, what moved it, and the weights."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictInt

from tandem.core.schemas import InputSchema
from tandem.insights.index import Breakdown, ComponentView, Moves, RowMove, RowView
from tandem.insights.models import MAX_WEIGHT

Weight = Annotated[StrictInt, Field(ge=0, le=MAX_WEIGHT)]


class AlignmentComponentOut(Schema):
    key: str = Field(description="The component: gate, coleads, whycheck, objectives, delivery, …")
    label: str
    help: str = Field(description="What the component measures, for a business reader.")
    score: float | None = Field(description="0-100, the weighted mean of its rows; null: no data (left out).")
    weight: int = Field(description="The organisation's weight for it (0 leaves it out).")
    contribution: float | None = Field(
        description="Its share of the index (weight / total weight × score); the contributions add up "
        "to the index. Null when left out."
    )
    missing: str = Field(description="Why it is left out, when it is; empty otherwise.")
    row_count: int = Field(description="How many rows make its score.")
    points_lost: float = Field(description="The index points its rows cost.")


class AlignmentRowOut(Schema):
    component: str
    key: str = Field(description="Stable across weeks within its component, e.g. `initiative:12`.")
    label: str
    url: str = Field(description="The page of the thing the row is about (a path), or empty.")
    detail: str = Field(description="Why it scores as it does.")
    points: float = Field(description="0-100 (100: aligned).")
    loss: float = Field(description="The index points this row cost; all rows' losses add up to 100 − index.")
    initiative_id: int | None


class AlignmentComponentMoveOut(Schema):
    key: str
    label: str
    delta: float = Field(description="Change of the component's contribution, in index points.")


class AlignmentRowMoveOut(Schema):
    component: str
    key: str
    label: str
    url: str
    detail: str
    delta: float = Field(description="Index points this row gained (+) or cost (−) since before.")
    before_points: float | None = Field(description="Its points before; null when it cost nothing then.")
    after_points: float | None = Field(description="Its points after; null when it costs nothing now.")
    initiative_id: int | None


class AlignmentMovesOut(Schema):
    before_week: date | None = Field(description="The Monday of the snapshot compared against.")
    after_week: date | None = Field(description="The Monday of the later snapshot; null: the live index.")
    delta: float | None = Field(description="Index change; null when either side has no index.")
    components: list[AlignmentComponentMoveOut]
    rows: list[AlignmentRowMoveOut] = Field(description="The rows that moved it, biggest first (at most 50).")


class AlignmentOut(Schema):
    index: float | None = Field(description="0-100; null when no component has data.")
    taken_at: datetime | None
    components: list[AlignmentComponentOut] = Field(description="Every known component, with data or not.")
    top_causes: list[AlignmentRowOut] = Field(description="The three rows that cost the most points.")
    moves_this_week: AlignmentMovesOut | None = Field(
        description="What moved the live index since the latest snapshot of an earlier week; null without one."
    )


class AlignmentInitiativeOut(Schema):
    initiative_id: int
    title: str
    index: float | None = Field(description="The initiative's index; null when nothing measures it.")
    components: list[AlignmentComponentOut]
    rows: list[AlignmentRowOut] = Field(description="Every row about the initiative, costliest first.")


class AlignmentSnapshotOut(Schema):
    id: int
    week: date = Field(description="The Monday of the week.")
    taken_at: datetime
    index: float | None
    scores: dict[str, float | None] = Field(description="Each component's score that week (null: no data).")


class AlignmentWeekOut(Schema):
    id: int
    week: date
    taken_at: datetime
    index: float | None
    components: list[AlignmentComponentOut]
    rows: list[AlignmentRowOut] = Field(description="The rows that cost points that week, costliest first.")
    rows_truncated: bool = Field(description="True when only the costliest rows were kept.")
    moves: AlignmentMovesOut = Field(description="What moved the index since the week before.")


class AlignmentWeightOut(Schema):
    key: str
    label: str
    weight: int
    default_weight: int


class AlignmentWeightsOut(Schema):
    weights: list[AlignmentWeightOut]


class AlignmentWeightsIn(InputSchema):
    """The weights to change (whole numbers 0-100); a component not named keeps its weight."""

    gate: Weight | None = None
    coleads: Weight | None = None
    whycheck: Weight | None = None
    objectives: Weight | None = None
    delivery: Weight | None = None
    service_levels: Weight | None = None
    perception: Weight | None = None
    habit: Weight | None = None


# --- Conversions -----------------------------------------------------------------------------------

MAX_MOVED_ROWS = 50


def component_out(view: ComponentView) -> AlignmentComponentOut:
    return AlignmentComponentOut(
        key=view.key,
        label=view.label,
        help=view.help,
        score=view.score,
        weight=view.weight,
        contribution=view.contribution,
        missing=view.missing,
        row_count=view.row_count,
        points_lost=view.points_lost,
    )


def row_out(row: RowView) -> AlignmentRowOut:
    return AlignmentRowOut(
        component=row.component,
        key=row.key,
        label=row.label,
        url=row.url,
        detail=row.detail,
        points=row.points,
        loss=row.loss,
        initiative_id=row.initiative_id,
    )


def _row_move_out(move: RowMove) -> AlignmentRowMoveOut:
    return AlignmentRowMoveOut(
        component=move.component,
        key=move.key,
        label=move.label,
        url=move.url,
        detail=move.detail,
        delta=move.delta,
        before_points=move.before_points,
        after_points=move.after_points,
        initiative_id=move.initiative_id,
    )


def moves_out(moves: Moves) -> AlignmentMovesOut:
    return AlignmentMovesOut(
        before_week=moves.before_week,
        after_week=moves.after_week,
        delta=moves.delta,
        components=[
            AlignmentComponentMoveOut(key=k, label=label, delta=d) for k, label, d in moves.components
        ],
        rows=[_row_move_out(m) for m in moves.rows[:MAX_MOVED_ROWS]],
    )


def components_out(breakdown: Breakdown) -> list[AlignmentComponentOut]:
    return [component_out(c) for c in breakdown.components]
