"""Key-result progress in every direction: exact cases and properties (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tandem.strategy.progress import key_result_progress

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
DIRECTIONS = st.sampled_from(["increase", "decrease", "within"])


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "current", "expected"),
    [
        ("increase", 10, 20, 15, 0.5),
        ("increase", 10, 20, 10, 0.0),
        ("increase", 10, 20, 5, 0.0),  # went the wrong way
        ("increase", 10, 20, 25, 1.0),  # overshoot counts as done
        ("increase", 10, 10, 10, 1.0),  # baseline equal to target, target met
        ("increase", 10, 10, 9, 0.0),
        ("decrease", 8, 4, 6, 0.5),
        ("decrease", 8, 4, 2, 1.0),
        ("decrease", 8, 4, 9, 0.0),
        ("decrease", 5, 5, 5, 1.0),
        ("decrease", 5, 5, 6, 0.0),
        ("increase", -10, 0, -5, 0.5),
        ("increase", 10, 20, None, 0.0),  # no reading yet
    ],
)
def test_progress_examples(
    direction: str, baseline: float, target: float, current: float | None, expected: float
) -> None:
    assert key_result_progress(
        direction=direction, baseline=baseline, target=target, current=current
    ) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("current", "expected"), [(97, 1.0), (95, 1.0), (99, 1.0), (94, 0.75), (91, 0.0), (100, 0.75), (120, 0.0)]
)
def test_within_a_band_falls_off_over_one_band_width(current: float, expected: float) -> None:
    assert key_result_progress(
        direction="within", baseline=90, target=97, band_min=95, band_max=99, current=current
    ) == pytest.approx(expected)


def test_a_zero_width_band_is_met_only_exactly() -> None:
    kwargs: dict[str, Any] = {"direction": "within", "baseline": 1, "target": 3, "band_min": 3, "band_max": 3}
    assert key_result_progress(current=3, **kwargs) == 1.0
    assert key_result_progress(current=3.01, **kwargs) == 0.0


@given(direction=DIRECTIONS, baseline=finite, target=finite, current=finite, low=finite, high=finite)
def test_progress_is_always_between_zero_and_one(
    direction: str, baseline: float, target: float, current: float, low: float, high: float
) -> None:
    value = key_result_progress(
        direction=direction, baseline=baseline, target=target, current=current, band_min=low, band_max=high
    )
    assert 0.0 <= value <= 1.0


@given(baseline=finite, target=finite, a=finite, b=finite)
def test_more_is_never_worse_when_increasing(baseline: float, target: float, a: float, b: float) -> None:
    assume(target >= baseline)
    low, high = sorted((a, b))
    progress = [
        key_result_progress(direction="increase", baseline=baseline, target=target, current=c)
        for c in (low, high)
    ]
    assert progress[0] <= progress[1]


@given(baseline=finite, target=finite, a=finite, b=finite)
def test_less_is_never_worse_when_decreasing(baseline: float, target: float, a: float, b: float) -> None:
    assume(target <= baseline)
    low, high = sorted((a, b))
    progress = [
        key_result_progress(direction="decrease", baseline=baseline, target=target, current=c)
        for c in (low, high)
    ]
    assert progress[0] >= progress[1]


@given(direction=st.sampled_from(["increase", "decrease"]), baseline=finite, target=finite)
def test_reaching_the_target_is_done_and_the_baseline_is_zero(
    direction: str, baseline: float, target: float
) -> None:
    assume(baseline != target)
    assume((target > baseline) == (direction == "increase"))
    assert key_result_progress(direction=direction, baseline=baseline, target=target, current=target) == 1.0
    assert key_result_progress(direction=direction, baseline=baseline, target=target, current=baseline) == 0.0


@given(baseline=finite, target=finite, current=finite)
def test_decrease_mirrors_increase(baseline: float, target: float, current: float) -> None:
    assume(target >= baseline)
    up = key_result_progress(direction="increase", baseline=baseline, target=target, current=current)
    down = key_result_progress(direction="decrease", baseline=-baseline, target=-target, current=-current)
    assert up == pytest.approx(down)


@given(low=finite, high=finite, current=finite)
def test_inside_the_band_is_always_done(low: float, high: float, current: float) -> None:
    low, high = sorted((low, high))
    assume(low <= current <= high)
    assert (
        key_result_progress(
            direction="within", baseline=0, target=0, band_min=low, band_max=high, current=current
        )
        == 1.0
    )
