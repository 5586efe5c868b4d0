"""Survey statistics: summaries, the Mann-Whitney U test between two groups, and effect sizes. No Django.

Answers are ordinal (Likert 1-5, scores 0-10), so groups are compared with the Mann-Whitney U test
rather than a t-test, and the effect is reported as the rank-biserial correlation, which reads the
same whatever the scale. Cohen's d is offered alongside for readers used to it.

The p-value comes from the normal approximation with tie and continuity corrections, never the exact
distribution: Likert answers are nearly always tied (five possible values), where the exact test does
not apply, and results are only shown for groups of at least the anonymity threshold, where the
approximation is good. It matches ``scipy.stats.mannwhitneyu(x, y, method="asymptotic")``; SciPy
itself is only a test dependency.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    sd: float | None  # sample standard deviation (ddof=1); None below two answers
    median: float | None
    distribution: dict[int, int]  # answer value -> count, ordered by value


@dataclass(frozen=True)
class MannWhitney:
    u: float  # the U statistic of the first sample
    p_value: float  # two-sided
    rank_biserial: float  # in [-1, 1]; positive when the first sample tends to be larger


def _nearest_int(value: float) -> int:
    # Half up, not Python's half-to-even: a maturity level of 2.5 counts as 3, and 3.5 as 4.
    return math.floor(value + 0.5)


def describe(values: Sequence[float], scale: Sequence[int] | None = None) -> Summary:
    """Count, mean, sample SD and median of the answers, and how many gave each value of the scale.

    Non-integer values (such as maturity levels) are rounded half up for the distribution. With a
    scale, every scale value appears (zero-filled) and values outside it are not counted there;
    without one, the distribution lists the rounded values present.
    """
    n = len(values)
    counts = Counter(_nearest_int(v) for v in values)
    keys = list(scale) if scale is not None else sorted(counts)
    distribution = {key: counts.get(key, 0) for key in keys}
    if n == 0:
        return Summary(n=0, mean=None, sd=None, median=None, distribution=distribution)
    return Summary(
        n=n,
        mean=statistics.fmean(values),
        sd=statistics.stdev(values) if n >= 2 else None,
        median=float(statistics.median(values)),
        distribution=distribution,
    )


def _average_ranks(values: Sequence[float]) -> tuple[list[float], list[int]]:
    """Ranks from 1, tied values sharing their mean rank; and the size of every group of ties."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    tie_sizes: list[int] = []
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        tie_sizes.append(end - start + 1)
        start = end + 1
    return ranks, tie_sizes


def _require_answers(x: Sequence[float], y: Sequence[float]) -> None:
    if not x or not y:
        raise ValueError("Both groups need at least one answer.")
    if not all(math.isfinite(v) for v in (*x, *y)):
        raise ValueError("Answers must be finite numbers.")


def mann_whitney_u(x: Sequence[float], y: Sequence[float]) -> MannWhitney:
    """Two-sided Mann-Whitney U test of x against y; raises ValueError if either group is empty.

    When every answer is the same there is nothing to rank and the p-value is 1.0.
    """
    _require_answers(x, y)
    n1, n2 = len(x), len(y)
    n = n1 + n2
    ranks, tie_sizes = _average_ranks([*x, *y])
    u1 = math.fsum(ranks[:n1]) - n1 * (n1 + 1) / 2
    # Variance of U under H0 with the tie correction, kept in integers until the end so that
    # "all answers identical" gives exactly zero instead of a rounding error.
    tie_term = sum(t**3 - t for t in tie_sizes)
    spread = (n + 1) * n * (n - 1) - tie_term
    if spread == 0:
        p_value = 1.0
    else:
        sigma = math.sqrt(n1 * n2 * spread / (12 * n * (n - 1)))
        z = (abs(u1 - n1 * n2 / 2) - 0.5) / sigma
        p_value = min(1.0, math.erfc(z / math.sqrt(2)))
    return MannWhitney(u=u1, p_value=p_value, rank_biserial=2 * u1 / (n1 * n2) - 1)


def cohens_d(x: Sequence[float], y: Sequence[float]) -> float | None:
    """(mean x - mean y) over the pooled sample SD; None when that SD is 0 or there are under 3 answers.

    Raises ValueError if either group is empty.
    """
    _require_answers(x, y)
    n1, n2 = len(x), len(y)
    if n1 + n2 < 3:
        return None
    # Tested on the answers, not on the computed SD: the mean of identical floats can be off by one
    # ulp, which would leave a tiny SD and an absurd effect size.
    if len(set(x)) == 1 and len(set(y)) == 1:
        return None
    mean_x, mean_y = statistics.fmean(x), statistics.fmean(y)
    squares = math.fsum((v - mean_x) ** 2 for v in x) + math.fsum((v - mean_y) ** 2 for v in y)
    return (mean_x - mean_y) / math.sqrt(squares / (n1 + n2 - 2))


def effect_label(rank_biserial: float) -> str:
    """Words for the size of a rank-biserial correlation, by its absolute value."""
    size = abs(rank_biserial)
    if size < 0.1:
        return "negligible"
    if size < 0.3:
        return "small"
    if size < 0.5:
        return "medium"
    return "large"
