"""Key-result progress, as a pure function: no Django, so it is property-tested in milliseconds.

Progress is the share of the way from the baseline to the target that the current value has
covered, in [0, 1]. Overshoot counts as done (1.0); moving the wrong way counts as 0.0.
"""

from __future__ import annotations

import math
from enum import StrEnum


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    WITHIN = "within"  # stay within a band [band_min, band_max]


def _clamp(value: float) -> float:
    if math.isnan(value):
        return 0.0
    return max(0.0, min(1.0, value))


def key_result_progress(
    *,
    direction: str,
    baseline: float,
    target: float,
    current: float | None,
    band_min: float | None = None,
    band_max: float | None = None,
) -> float:
    """Progress in [0, 1] of ``current`` from ``baseline`` toward ``target``.

    - increase: reaching or passing the target is 1; at or below the baseline is 0.
    - decrease: the mirror image.
    - baseline equal to target: 1 once the target is met in the intended direction, else 0.
    - within: 1 inside [band_min, band_max]; outside it falls linearly to 0 over one band width
      (or immediately for a zero-width band).
    - no current value yet: 0.
    """
    if current is None or not math.isfinite(current):
        return 0.0
    if direction == Direction.WITHIN:
        low = band_min if band_min is not None else target
        high = band_max if band_max is not None else target
        low, high = min(low, high), max(low, high)
        if low <= current <= high:
            return 1.0
        width = high - low
        if width <= 0:
            return 0.0
        distance = low - current if current < low else current - high
        return _clamp(1.0 - distance / width)
    if direction == Direction.DECREASE:
        baseline, target, current = -baseline, -target, -current
    if target == baseline:
        return 1.0 if current >= target else 0.0
    if target < baseline:
        # An "increase" whose target lies below its baseline is a data mistake; measure the
        # distance covered toward the target anyway instead of reporting nonsense.
        return _clamp((baseline - current) / (baseline - target))
    return _clamp((current - baseline) / (target - baseline))
