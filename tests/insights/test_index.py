"""The index arithmetic on fixed data, against a hand computation: component scores, the weighted
index, contributions, the points each row cost, initiatives' indexes, weights (0 leaves out), a
component without data left out (never zero), snapshots kept and read back, and the moves."""

from __future__ import annotations

from datetime import date

import pytest

from tandem.core.insights import COMPONENT_KEYS
from tandem.insights import index as math
from tests.insights.conftest import component

# gate (15): 100, 50 → 75; coleads (10): 100, 0 → 50; whycheck (20): 0 (weight 1), 100 (weight 3)
# → 75; objectives: no rows (left out). W = 45; index = (15·75 + 10·50 + 20·75) / 45 = 3125 / 45.
FIXED = [
    component("gate", ("initiative:1", 100, 1, 1), ("initiative:2", 50, 1, 2)),
    component("coleads", ("initiative:1", 100, 1, 1), ("initiative:2", 0, 1, 2)),
    component("whycheck", ("initiative:2", 0, 1, 2), ("initiative:1", 100, 3, 1)),
    component("objectives", missing="No objective yet."),
]
INDEX = 3125 / 45


def test_the_index_equals_a_hand_computation() -> None:
    found = math.compute(FIXED, {})
    assert found.index == pytest.approx(INDEX)
    scores = {c.key: c.score for c in found.components}
    assert scores == {
        "gate": 75,
        "coleads": 50,
        "whycheck": 75,
        "objectives": None,
        "delivery": None,
        "service_levels": None,
        "perception": None,
        "habit": None,
    }
    assert [c.key for c in found.components] == list(COMPONENT_KEYS)
    gate = found.component("gate")
    assert gate is not None
    assert (gate.weight, gate.contribution, gate.row_count) == (15, pytest.approx(15 / 45 * 75), 2)
    assert sum(c.contribution or 0 for c in found.components) == pytest.approx(INDEX)


def test_each_row_costs_its_share_and_the_losses_add_up_to_what_is_missing() -> None:
    found = math.compute(FIXED, {})
    assert [(r.component, r.key, round(r.loss, 3)) for r in found.rows] == [
        ("coleads", "initiative:2", round(10 / 45 * 100 / 2, 3)),
        ("whycheck", "initiative:2", round(20 / 45 * 100 / 4, 3)),
        ("gate", "initiative:2", round(15 / 45 * 50 / 2, 3)),
    ]
    assert sum(r.loss for r in found.rows) == pytest.approx(100 - INDEX)
    assert math.top_causes(found, 1)[0].label == "coleads initiative:2"
    # Every row is kept in a live breakdown, those that cost nothing included.
    assert [(r.key, r.loss) for r in math.component_rows(found, "gate")] == [
        ("initiative:2", pytest.approx(15 / 45 * 25)),
        ("initiative:1", 0),
    ]
    coleads = found.component("coleads")
    assert coleads is not None
    assert coleads.points_lost == pytest.approx(10 / 45 * 50)


def test_a_component_without_data_is_left_out_not_counted_as_zero() -> None:
    without = math.compute(FIXED[:3], {})
    assert without.index == pytest.approx(INDEX)
    objectives = math.compute(FIXED, {}).component("objectives")
    assert objectives is not None
    assert (objectives.score, objectives.contribution, objectives.missing) == (
        None,
        None,
        "No objective yet.",
    )
    # A component that no app provides says so.
    perception = without.component("perception")
    assert perception is not None
    assert perception.missing == str(math.NOT_PROVIDED)
    assert perception.label == str(math.DEFAULT_LABELS["perception"])


def test_a_weight_of_zero_leaves_a_component_out_and_weights_change_the_mix() -> None:
    found = math.compute(FIXED, {"whycheck": 0})
    assert found.index == pytest.approx((15 * 75 + 10 * 50) / 25)
    whycheck = found.component("whycheck")
    assert whycheck is not None
    assert (whycheck.weight, whycheck.contribution, whycheck.points_lost) == (0, None, 0)
    assert whycheck.missing == str(math.LEFT_OUT)
    assert all(r.component != "whycheck" for r in found.rows)
    heavier = math.compute(FIXED, {"coleads": 100})
    assert heavier.index == pytest.approx((15 * 75 + 100 * 50 + 20 * 75) / 135)
    assert math.compute(FIXED, {"gate": 0, "coleads": 0, "whycheck": 0}).index is None


def test_no_component_with_data_means_no_index() -> None:
    found = math.compute([component("gate")], {})
    assert (found.index, found.rows, found.initiatives) == (None, (), {})


def test_effective_weights_name_every_component() -> None:
    weights = math.effective_weights({"gate": 30, "habit": 0, "unknown": 5})
    assert weights["gate"] == 30
    assert weights["habit"] == 0
    assert weights["whycheck"] == 20
    assert list(weights)[: len(COMPONENT_KEYS)] == list(COMPONENT_KEYS)


def test_each_initiative_has_its_own_index_over_its_rows() -> None:
    found = math.compute(FIXED, {})
    assert found.initiatives == {1: pytest.approx(100), 2: pytest.approx(15 * 50 / 45)}
    one = math.for_initiative(FIXED, {}, 2)
    assert one.index == pytest.approx(15 * 50 / 45)
    assert one.initiatives == {2: pytest.approx(15 * 50 / 45)}
    assert {r.key for r in one.all_rows} == {"initiative:2"}
    # A component with no row about it is left out of the initiative's index.
    only_gate = math.for_initiative([FIXED[0], component("coleads", ("initiative:9", 0, 1, 9))], {}, 2)
    assert only_gate.index == pytest.approx(50)
    coleads = only_gate.component("coleads")
    assert coleads is not None
    assert coleads.score is None
    assert coleads.missing


def test_a_snapshot_keeps_the_breakdown_and_reads_it_back() -> None:
    found = math.compute(FIXED, {})
    data = math.to_snapshot_data(found, max_rows=2)
    assert data["rows_truncated"] is True
    assert len(data["rows"]) == 2
    assert data["initiatives"] == {"1": pytest.approx(100), "2": pytest.approx(15 * 50 / 45)}
    back = math.from_snapshot_data(
        index=data["index"],
        components=data["components"],
        rows=data["rows"],
        rows_truncated=data["rows_truncated"],
        initiatives=data["initiatives"],
        week=date(2026, 11, 30),
        taken_at=None,
    )
    assert back.index == pytest.approx(INDEX)
    assert back.components == found.components
    assert back.rows == found.rows[:2]
    assert back.initiatives == found.initiatives
    assert (back.week, back.rows_truncated) == (date(2026, 11, 30), True)


def test_moves_name_the_rows_that_moved_the_index() -> None:
    before = math.compute(FIXED, {})
    # The coleads row of initiative 2 gets its IT co-lead (0 → 100): the index rises by its loss.
    after = math.compute(
        [
            FIXED[0],
            component("coleads", ("initiative:1", 100, 1, 1), ("initiative:2", 100, 1, 2)),
            *FIXED[2:],
        ],
        {},
    )
    moved = math.moves(before, after)
    assert moved.delta == pytest.approx(10 / 45 * 50)
    assert moved.components == [("coleads", "Coleads", pytest.approx(10 / 45 * 50))]
    assert [(m.component, m.key, m.before_points, m.after_points) for m in moved.rows] == [
        ("coleads", "initiative:2", 0, 100)
    ]
    assert moved.rows[0].delta == pytest.approx(10 / 45 * 50)
    assert sum(m.delta for m in moved.rows) == pytest.approx(moved.delta)
    # And back: the same row, the other way.
    back = math.moves(after, before)
    assert back.delta == pytest.approx(-10 / 45 * 50)
    assert [m.delta for m in back.rows] == [pytest.approx(-10 / 45 * 50)]
    assert math.moves(None, after).delta is None


def test_a_component_gaining_data_moves_every_row_it_outweighs() -> None:
    before = math.compute(FIXED[:3], {})
    after = math.compute([*FIXED[:3], component("habit", ("habit:held", 0))], {})
    moved = math.moves(before, after)
    assert moved.delta == pytest.approx(after.index - before.index)  # type: ignore[operator]
    assert moved.rows[0].key == "habit:held"
    assert moved.rows[0].before_points is None
    assert sum(m.delta for m in moved.rows) == pytest.approx(moved.delta)
    assert sum(d for _k, _l, d in moved.components) == pytest.approx(moved.delta)


def test_a_row_absent_from_a_truncated_side_is_not_said_to_have_moved() -> None:
    full = math.compute(FIXED, {})
    data = math.to_snapshot_data(full, max_rows=1)
    truncated = math.from_snapshot_data(
        index=data["index"],
        components=data["components"],
        rows=data["rows"],
        rows_truncated=True,
        initiatives={},
        week=None,
        taken_at=None,
    )
    moved = math.moves(truncated, full)
    assert moved.delta == pytest.approx(0)
    assert moved.rows == []
