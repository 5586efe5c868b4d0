"""The alignment index: pure arithmetic over the components the apps provide (no database).

Definitions (every page, the API, the board report and the snapshots rely on them):

- a component's score is the weighted mean of its evidence rows' points (0-100); a component
  without rows has no data and is left out, never counted as zero;
- its effective weight ``w_c`` is the organisation's weight for it, else its default weight; a
  weight of 0 leaves it out;
- the index is ``sum(w_c * s_c) / W`` with ``W = sum(w_c)`` over the components with data and a
  weight above 0; ``None`` when there is none;
- a component's **contribution** is ``w_c / W * s_c`` (the contributions add up to the index);
- a row's **loss** is ``w_c / W * (100 - p_r) * wt_r / sum(wt in c)``: the index points the row
  cost; the losses of all rows add up to ``100 - index``;
- an initiative's index combines, with the same weights, each component's score over that
  initiative's rows (those with its ``initiative_id``), over the components that have rows for it;
- the **moves** between two breakdowns: the index delta, each component's contribution delta and
  each row's loss delta (a row absent on one side lost nothing there, unless that side kept only
  its costliest rows), biggest first; a row's delta is in index points, positive when it gained.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.core.insights import COMPONENT_KEYS, Component, Evidence

# The weight each component has until an organisation sets its own.
DEFAULT_WEIGHTS: dict[str, int] = {
    "gate": 15,
    "coleads": 10,
    "whycheck": 20,
    "objectives": 15,
    "delivery": 10,
    "service_levels": 10,
    "perception": 10,
    "habit": 10,
}

# The names of the components, for a component that no installed app provides (its app's own
# label is used whenever the app answers).
DEFAULT_LABELS: dict[str, Any] = {
    "gate": _("Outcome-first completeness"),
    "coleads": _("Co-leadership by both sides"),
    "whycheck": _("Why-check agreement"),
    "objectives": _("Service to shared objectives"),
    "delivery": _("Delivery honesty"),
    "service_levels": _("Party service levels"),
    "perception": _("Perception gap"),
    "habit": _("Review habit"),
}

NOT_PROVIDED = _("Nothing in Tandem measures this yet.")
LEFT_OUT = _("Left out: its weight is 0.")
NO_ROWS_FOR_INITIATIVE = _("Nothing about this initiative in this component.")

EPSILON = 1e-9


@dataclass(frozen=True)
class RowView:
    """One evidence row as it counts in the index: ``loss`` is the index points it cost."""

    component: str
    key: str
    label: str
    url: str
    detail: str
    points: float
    loss: float
    initiative_id: int | None = None


@dataclass(frozen=True)
class ComponentView:
    """One component as it counts in the index. ``score`` ``None``: no data (left out, ``missing``
    says why); ``contribution`` is its share of the index (``None`` when left out)."""

    key: str
    label: str
    help: str
    score: float | None
    weight: int
    contribution: float | None
    missing: str
    row_count: int
    points_lost: float

    @property
    def counted(self) -> bool:
        """Whether the component counts in the index (it has data and a weight above 0)."""
        return self.score is not None and self.weight > 0


@dataclass(frozen=True)
class Breakdown:
    """The index and everything it is made of, live or from a snapshot (``week`` set).

    ``rows``: the rows that cost points, most first (a snapshot keeps only the costliest, then
    ``rows_truncated``); ``all_rows``: every row of a live breakdown, those that cost nothing
    included (a snapshot's are its ``rows``); ``initiatives``: {initiative id: its index}."""

    index: float | None
    components: tuple[ComponentView, ...]
    rows: tuple[RowView, ...]
    initiatives: dict[int, float] = field(default_factory=dict)
    rows_truncated: bool = False
    week: date | None = None
    taken_at: datetime | None = None
    all_rows: tuple[RowView, ...] = ()

    def component(self, key: str) -> ComponentView | None:
        return next((c for c in self.components if c.key == key), None)

    @property
    def counted(self) -> tuple[ComponentView, ...]:
        """The components that count in the index."""
        return tuple(c for c in self.components if c.counted)

    @property
    def left_out(self) -> tuple[ComponentView, ...]:
        """The components left out of the index (no data, or a weight of 0)."""
        return tuple(c for c in self.components if not c.counted)


@dataclass(frozen=True)
class RowMove:
    """How one row moved the index between two breakdowns: ``delta`` in index points (+ gained);
    ``before_points``/``after_points`` ``None`` where the row cost nothing or did not exist."""

    component: str
    key: str
    label: str
    url: str
    detail: str
    delta: float
    before_points: float | None
    after_points: float | None
    initiative_id: int | None = None


@dataclass(frozen=True)
class Moves:
    """What moved the index between two breakdowns: ``delta`` (``None`` when either side has no
    index), ``components`` [(key, label, contribution delta)] and ``rows``, biggest first."""

    delta: float | None
    components: list[tuple[str, str, float]]
    rows: list[RowMove]
    before_week: date | None = None
    after_week: date | None = None


# --- Weights -----------------------------------------------------------------------------------------


def effective_weights(
    chosen: Mapping[str, Any] | None, components: Iterable[Component] = ()
) -> dict[str, int]:
    """The weight of every known component: the organisation's choice, else the component's own
    default weight (as its app states it), else ``DEFAULT_WEIGHTS``."""
    defaults = dict(DEFAULT_WEIGHTS)
    for component in components:
        defaults[component.key] = component.default_weight
    chosen = chosen or {}
    weights: dict[str, int] = {}
    for key in (*COMPONENT_KEYS, *(k for k in defaults if k not in COMPONENT_KEYS)):
        value = chosen.get(key, defaults.get(key, 0))
        try:
            weights[key] = max(0, int(value))
        except (TypeError, ValueError):
            weights[key] = defaults.get(key, 0)
    return weights


# --- The breakdown -------------------------------------------------------------------------------------


def _merged(components: Iterable[Component]) -> dict[str, Component]:
    """One component per key (two sources naming the same key pool their rows)."""
    merged: dict[str, Component] = {}
    for component in components:
        known = merged.get(component.key)
        if known is None:
            merged[component.key] = component
        else:
            merged[component.key] = replace(
                known,
                evidence=(*known.evidence, *component.evidence),
                missing=known.missing or component.missing,
            )
    return merged


def _ordered_keys(merged: Mapping[str, Component]) -> list[str]:
    return [*COMPONENT_KEYS, *sorted(k for k in merged if k not in COMPONENT_KEYS)]


def _row(component: str, evidence: Evidence, loss: float) -> RowView:
    return RowView(
        component=component,
        key=evidence.key,
        label=str(evidence.label),
        url=evidence.url,
        detail=str(evidence.detail),
        points=float(evidence.points),
        loss=loss,
        initiative_id=evidence.initiative_id,
    )


def _points(evidence: Evidence) -> float:
    return min(100.0, max(0.0, float(evidence.points)))


def _score(rows: Sequence[Evidence]) -> float | None:
    total = sum(row.weight for row in rows if row.weight > 0)
    if total <= 0:
        return None
    return sum(_points(row) * row.weight for row in rows if row.weight > 0) / total


def compute(
    components: Iterable[Component],
    weights: Mapping[str, Any] | None = None,
    *,
    taken_at: datetime | None = None,
    with_initiatives: bool = True,
    missing_default: Any = None,
) -> Breakdown:
    """The breakdown of ``components`` under the organisation's chosen ``weights`` (see the module)."""
    merged = _merged(components)
    effective = effective_weights(weights, merged.values())
    scores = {key: _score(c.evidence) for key, c in merged.items()}
    counted = [key for key, s in scores.items() if s is not None and effective.get(key, 0) > 0]
    total_weight = sum(effective[key] for key in counted)

    index: float | None = None
    if total_weight > 0:
        index = sum(effective[key] * (scores[key] or 0.0) for key in counted) / total_weight

    views: list[ComponentView] = []
    all_rows: list[RowView] = []
    for key in _ordered_keys(merged):
        component = merged.get(key)
        weight = effective.get(key, 0)
        score = scores.get(key)
        share = weight / total_weight if key in counted else 0.0
        lost = 0.0
        rows = [e for e in component.evidence if e.weight > 0] if component is not None else []
        row_weight = sum(e.weight for e in rows)
        for evidence in rows:
            loss = share * (100.0 - _points(evidence)) * evidence.weight / row_weight if share else 0.0
            lost += loss
            all_rows.append(_row(key, evidence, loss))
        if component is None:
            missing = str(missing_default if missing_default is not None else NOT_PROVIDED)
        elif score is None:
            missing = str(component.missing or NOT_PROVIDED)
        elif weight <= 0:
            missing = str(LEFT_OUT)
        else:
            missing = ""
        views.append(
            ComponentView(
                key=key,
                label=str(component.label if component is not None else DEFAULT_LABELS.get(key, key)),
                help=str(component.help) if component is not None else "",
                score=score,
                weight=weight,
                contribution=share * score if key in counted and score is not None else None,
                missing=missing,
                row_count=len(rows),
                points_lost=lost,
            )
        )
    all_rows.sort(key=_row_order)
    costly = tuple(r for r in all_rows if r.loss > EPSILON)
    initiatives = initiative_indexes(merged.values(), effective) if with_initiatives else {}
    return Breakdown(
        index=index,
        components=tuple(views),
        rows=costly,
        initiatives=initiatives,
        taken_at=taken_at,
        all_rows=tuple(all_rows),
    )


def _row_order(row: RowView) -> tuple[float, float, str, str]:
    return (-row.loss, row.points, row.component, row.key)


def initiative_indexes(components: Iterable[Component], weights: Mapping[str, int]) -> dict[int, float]:
    """{initiative id: its index}: per initiative, each component's score over its rows, combined
    with ``weights`` (effective weights) over the components that have rows for it."""
    # {initiative: {component: [sum of points * weight, sum of weight]}}
    sums: dict[int, dict[str, list[float]]] = {}
    for component in components:
        if weights.get(component.key, 0) <= 0:
            continue
        for evidence in component.evidence:
            if evidence.initiative_id is None or evidence.weight <= 0:
                continue
            acc = sums.setdefault(evidence.initiative_id, {}).setdefault(component.key, [0.0, 0.0])
            acc[0] += _points(evidence) * evidence.weight
            acc[1] += evidence.weight
    result: dict[int, float] = {}
    for initiative_id, per_component in sums.items():
        total = sum(weights[key] for key in per_component)
        result[initiative_id] = (
            sum(weights[key] * (acc[0] / acc[1]) for key, acc in per_component.items()) / total
        )
    return result


def for_initiative(
    components: Iterable[Component], weights: Mapping[str, Any] | None, initiative_id: int
) -> Breakdown:
    """The breakdown of one initiative: each component over that initiative's rows only."""
    components = list(components)
    own = [
        replace(
            c,
            evidence=tuple(e for e in c.evidence if e.initiative_id == initiative_id),
            missing=str(NO_ROWS_FOR_INITIATIVE),
        )
        for c in _merged(components).values()
    ]
    # The weights are those of the organisation, whichever components this initiative has rows in.
    chosen = effective_weights(weights, components)
    found = compute(own, chosen, with_initiatives=False, missing_default=NO_ROWS_FOR_INITIATIVE)
    initiatives = {initiative_id: found.index} if found.index is not None else {}
    return replace(found, initiatives=initiatives)


def top_causes(breakdown: Breakdown, n: int = 3) -> list[RowView]:
    """The ``n`` rows that cost the most points."""
    return list(breakdown.rows[:n])


def component_rows(breakdown: Breakdown, key: str) -> list[RowView]:
    """Every row of component ``key``, costliest first (a snapshot keeps only its costly rows)."""
    rows = breakdown.all_rows or breakdown.rows
    return [r for r in rows if r.component == key]


# --- Snapshots as data -----------------------------------------------------------------------------------


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def to_snapshot_data(breakdown: Breakdown, *, max_rows: int) -> dict[str, Any]:
    """The fields of an ``IndexSnapshot`` keeping ``breakdown`` (JSON-ready)."""
    rows = breakdown.rows[:max_rows]
    return {
        "index": breakdown.index,
        "components": {
            c.key: {
                "label": c.label,
                "help": c.help,
                "score": c.score,
                "weight": c.weight,
                "contribution": c.contribution,
                "missing": c.missing,
                "row_count": c.row_count,
                "points_lost": c.points_lost,
            }
            for c in breakdown.components
        },
        "rows": [
            {
                "component": r.component,
                "key": r.key,
                "label": r.label,
                "url": r.url,
                "detail": r.detail,
                "points": r.points,
                "loss": r.loss,
                "initiative_id": r.initiative_id,
            }
            for r in rows
        ],
        "rows_truncated": len(breakdown.rows) > max_rows,
        "initiatives": {str(k): v for k, v in breakdown.initiatives.items()},
    }


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def from_snapshot_data(
    *,
    index: float | None,
    components: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    rows_truncated: bool,
    initiatives: Mapping[str, Any],
    week: date | None,
    taken_at: datetime | None,
) -> Breakdown:
    """A ``Breakdown`` from a snapshot's stored fields (the inverse of ``to_snapshot_data``)."""
    row_views = tuple(
        sorted(
            (
                RowView(
                    component=str(r.get("component", "")),
                    key=str(r.get("key", "")),
                    label=str(r.get("label", "")),
                    url=str(r.get("url", "")),
                    detail=str(r.get("detail", "")),
                    points=_float(r.get("points")) or 0.0,
                    loss=_float(r.get("loss")) or 0.0,
                    initiative_id=r.get("initiative_id"),
                )
                for r in rows
            ),
            key=_row_order,
        )
    )
    keys = [*COMPONENT_KEYS, *sorted(k for k in components if k not in COMPONENT_KEYS)]
    views = []
    for key in keys:
        stored = components.get(key) or {}
        score = _float(stored.get("score"))
        views.append(
            ComponentView(
                key=key,
                label=str(stored.get("label") or DEFAULT_LABELS.get(key, key)),
                help=str(stored.get("help", "")),
                score=score,
                weight=int(stored.get("weight", DEFAULT_WEIGHTS.get(key, 0)) or 0),
                contribution=_float(stored.get("contribution")),
                missing=str(stored.get("missing") or ("" if score is not None else NOT_PROVIDED)),
                row_count=int(stored.get("row_count", 0) or 0),
                points_lost=_float(stored.get("points_lost"))
                or sum(r.loss for r in row_views if r.component == key),
            )
        )
    return Breakdown(
        index=index,
        components=tuple(views),
        rows=row_views,
        initiatives={int(k): float(v) for k, v in initiatives.items() if v is not None},
        rows_truncated=rows_truncated,
        week=week,
        taken_at=taken_at,
        all_rows=(),
    )


# --- Moves -------------------------------------------------------------------------------------------


def _component_moves(before: Breakdown, after: Breakdown) -> list[tuple[str, str, float]]:
    """(key, label, contribution delta) per component that moved, biggest first."""
    found: list[tuple[str, str, float]] = []
    before_views = {c.key: c for c in before.components}
    for view in after.components:
        old = before_views.get(view.key)
        change = (view.contribution or 0.0) - ((old.contribution or 0.0) if old is not None else 0.0)
        if abs(change) > EPSILON:
            found.append((view.key, view.label, change))
    for key, old in before_views.items():
        if after.component(key) is None and old.contribution:
            found.append((key, old.label, -old.contribution))
    found.sort(key=lambda item: -abs(item[2]))
    return found


def _row_move(old: RowView | None, new: RowView | None) -> RowMove | None:
    """How one row moved (``None`` when it did not)."""
    shown = new if new is not None else old
    if shown is None:
        return None
    change = (old.loss if old is not None else 0.0) - (new.loss if new is not None else 0.0)
    if abs(change) <= EPSILON:
        return None
    return RowMove(
        component=shown.component,
        key=shown.key,
        label=shown.label,
        url=shown.url,
        detail=shown.detail,
        delta=change,
        before_points=old.points if old is not None else None,
        after_points=new.points if new is not None else None,
        initiative_id=shown.initiative_id,
    )


def _rows_by_id(breakdown: Breakdown) -> dict[tuple[str, str], RowView]:
    return {(r.component, r.key): r for r in (breakdown.all_rows or breakdown.rows)}


def moves(before: Breakdown | None, after: Breakdown) -> Moves:
    """What moved the index from ``before`` to ``after`` (see the module); with no ``before``,
    nothing moved."""
    if before is None:
        return Moves(delta=None, components=[], rows=[], after_week=after.week)
    delta = None if before.index is None or after.index is None else after.index - before.index
    old_rows, new_rows = _rows_by_id(before), _rows_by_id(after)
    rows: list[RowMove] = []
    for ident in [*new_rows, *(k for k in old_rows if k not in new_rows)]:
        old_row, new_row = old_rows.get(ident), new_rows.get(ident)
        if (old_row is None and before.rows_truncated) or (new_row is None and after.rows_truncated):
            continue  # it may have cost points on the side that kept only its costliest rows
        if (move := _row_move(old_row, new_row)) is not None:
            rows.append(move)
    rows.sort(key=lambda m: (-abs(m.delta), m.component, m.key))
    return Moves(
        delta=delta,
        components=_component_moves(before, after),
        rows=rows,
        before_week=before.week,
        after_week=after.week,
    )
