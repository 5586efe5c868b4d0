"""Survey statistics against SciPy and NumPy on fixed and random data, and the shape of the shipped
survey catalog. Both modules are pure: no database."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from tandem.surveys import catalog
from tandem.surveys.stats import Summary, cohens_d, describe, effect_label, mann_whitney_u

LIKERT = (1, 2, 3, 4, 5)

FIXED: dict[str, tuple[list[float], list[float]]] = {
    "likert with many ties": (
        [4, 4, 5, 3, 4, 5, 4, 2, 4, 5, 3, 4],
        [3, 2, 3, 4, 3, 2, 3, 3, 1, 4, 3, 2],
    ),
    "no ties": ([1.5, 2.7, 3.1, 4.8, 5.2, 6.9, 7.3], [0.4, 1.1, 2.2, 3.3, 4.4, 8.8, 9.9]),
    "unequal sizes": ([5, 4, 4, 5, 3], [2, 3, 3, 4, 2, 1, 3, 2, 3, 4, 2, 3, 1, 2, 3]),
    "one group identical": ([3, 3, 3, 3, 3, 3], [1, 2, 4, 5, 3, 2, 4, 5]),
    "scores 0 to 10": ([9, 10, 8, 7, 9, 6, 10, 9, 3, 8], [5, 7, 8, 4, 6, 9, 2, 7, 7, 0, 6]),
    "x smaller": ([1, 2, 2, 1, 3, 2], [4, 5, 3, 4, 5, 5, 4]),
    "identical distributions": ([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]),
}


def assert_matches_scipy(x: Sequence[float], y: Sequence[float]) -> None:
    expected = mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    result = mann_whitney_u(x, y)
    assert result.u == pytest.approx(float(expected.statistic), rel=1e-12, abs=1e-12)
    assert result.p_value == pytest.approx(float(expected.pvalue), rel=1e-9, abs=1e-15)
    assert result.rank_biserial == pytest.approx(2 * float(expected.statistic) / (len(x) * len(y)) - 1)


def p_without_tie_correction(x: Sequence[float], y: Sequence[float]) -> float:
    n1, n2 = len(x), len(y)
    u = float(mannwhitneyu(x, y, method="asymptotic").statistic)
    sigma = math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return min(1.0, math.erfc((abs(u - n1 * n2 / 2) - 0.5) / sigma / math.sqrt(2)))


# --- Mann-Whitney U --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXED)
def test_mann_whitney_matches_scipy_on_fixed_data(name: str) -> None:
    assert_matches_scipy(*FIXED[name])


@pytest.mark.parametrize("name", FIXED)
def test_mann_whitney_matches_scipy_with_the_samples_swapped(name: str) -> None:
    x, y = FIXED[name]
    assert_matches_scipy(y, x)


def test_the_tied_data_would_catch_a_missing_tie_correction() -> None:
    x, y = FIXED["likert with many ties"]
    assert abs(p_without_tie_correction(x, y) - mann_whitney_u(x, y).p_value) > 1e-4


def test_the_continuity_correction_is_applied() -> None:
    x, y = FIXED["no ties"]
    n1, n2 = len(x), len(y)
    result = mann_whitney_u(x, y)
    sigma = math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    uncorrected = math.erfc(abs(result.u - n1 * n2 / 2) / sigma / math.sqrt(2))
    assert result.p_value > uncorrected + 1e-3


def test_rank_biserial_is_positive_when_the_first_group_answers_higher() -> None:
    higher, lower = FIXED["likert with many ties"]
    assert mann_whitney_u(higher, lower).rank_biserial > 0
    assert mann_whitney_u(lower, higher).rank_biserial < 0


def test_complete_separation_gives_a_rank_biserial_of_one() -> None:
    assert mann_whitney_u([4, 5, 5, 4], [1, 2, 2, 3]).rank_biserial == 1.0
    assert mann_whitney_u([1, 2, 2, 3], [4, 5, 5, 4]).rank_biserial == -1.0


def test_all_answers_identical_gives_a_p_value_of_one() -> None:
    result = mann_whitney_u([4, 4, 4], [4, 4, 4, 4, 4])
    assert result.p_value == 1.0
    assert result.u == 7.5
    assert result.rank_biserial == 0.0


@pytest.mark.parametrize(("x", "y"), [([], [1, 2, 3]), ([1, 2, 3], []), ([], [])])
def test_mann_whitney_rejects_an_empty_group(x: list[float], y: list[float]) -> None:
    with pytest.raises(ValueError, match="at least one answer"):
        mann_whitney_u(x, y)


def test_mann_whitney_rejects_a_missing_value() -> None:
    with pytest.raises(ValueError, match="finite"):
        mann_whitney_u([1, 2, math.nan], [3, 4, 5])


likert_samples = st.lists(st.integers(min_value=1, max_value=5), min_size=3, max_size=40)


@settings(max_examples=300, deadline=None)
@given(x=likert_samples, y=likert_samples)
def test_mann_whitney_matches_scipy_on_random_likert_answers(x: list[int], y: list[int]) -> None:
    assume(len(set(x) | set(y)) > 1)  # SciPy gives NaN there; covered by its own test
    assert_matches_scipy(x, y)


@settings(max_examples=100, deadline=None)
@given(x=likert_samples, y=likert_samples)
def test_swapping_the_groups_mirrors_u_and_keeps_p(x: list[int], y: list[int]) -> None:
    forward, backward = mann_whitney_u(x, y), mann_whitney_u(y, x)
    assert forward.u + backward.u == len(x) * len(y)
    assert forward.p_value == pytest.approx(backward.p_value, rel=1e-12)
    assert forward.rank_biserial == pytest.approx(-backward.rank_biserial, abs=1e-12)
    assert 0.0 <= forward.p_value <= 1.0


# --- describe ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXED)
def test_describe_matches_numpy_and_statistics(name: str) -> None:
    values = FIXED[name][0] + FIXED[name][1]
    summary = describe(values)
    assert summary.n == len(values)
    assert summary.mean == pytest.approx(float(np.mean(values)), rel=1e-12)
    assert summary.sd == pytest.approx(float(np.std(values, ddof=1)), rel=1e-12)
    assert summary.sd == pytest.approx(statistics.stdev(values), rel=1e-12)
    assert summary.median == pytest.approx(float(np.median(values)), rel=1e-12)


def test_describe_counts_every_scale_value_in_order_including_zeros() -> None:
    summary = describe([4, 4, 5, 2, 4], scale=LIKERT)
    assert list(summary.distribution.items()) == [(1, 0), (2, 1), (3, 0), (4, 3), (5, 1)]


def test_describe_rounds_levels_half_up_for_the_distribution() -> None:
    summary = describe([1.4, 2.5, 2.75, 3.5, 4.49], scale=LIKERT)
    assert summary.distribution == {1: 1, 2: 0, 3: 2, 4: 2, 5: 0}
    assert summary.mean == pytest.approx(14.64 / 5)
    assert summary.median == 2.75


def test_describe_without_a_scale_lists_the_values_present() -> None:
    summary = describe([7, 10, 7, 0, 7.2])
    assert list(summary.distribution.items()) == [(0, 1), (7, 3), (10, 1)]


def test_describe_ignores_values_outside_the_scale_in_the_distribution_only() -> None:
    summary = describe([0, 3, 3], scale=LIKERT)
    assert sum(summary.distribution.values()) == 2
    assert summary.n == 3
    assert summary.mean == 2.0


def test_describe_of_one_answer_has_no_standard_deviation() -> None:
    assert describe([4], scale=LIKERT) == Summary(
        n=1, mean=4.0, sd=None, median=4.0, distribution={1: 0, 2: 0, 3: 0, 4: 1, 5: 0}
    )


def test_describe_of_no_answers_is_empty_but_keeps_the_scale() -> None:
    assert describe([], scale=(1, 2, 3)) == Summary(
        n=0, mean=None, sd=None, median=None, distribution={1: 0, 2: 0, 3: 0}
    )
    assert describe([]).distribution == {}


# --- Cohen's d -----------------------------------------------------------------------------------


def test_cohens_d_matches_the_hand_computed_value() -> None:
    # Means 4.2 and 2.8; both sums of squares 2.8, so the pooled variance is 5.6 / 8 = 0.7.
    x, y = [4, 5, 5, 3, 4], [2, 3, 3, 2, 4]
    assert cohens_d(x, y) == pytest.approx(1.4 / math.sqrt(0.7), rel=1e-12)
    assert cohens_d(y, x) == pytest.approx(-1.4 / math.sqrt(0.7), rel=1e-12)


def test_cohens_d_pools_by_degrees_of_freedom_for_unequal_groups() -> None:
    # Means 2 and 5; sums of squares 2 and 2 over 3 degrees of freedom (not the mean of the variances).
    assert cohens_d([1, 2, 3], [4, 6]) == pytest.approx(-3 / math.sqrt(4 / 3), rel=1e-12)


@pytest.mark.parametrize(
    ("x", "y"),
    [([3, 3, 3], [3, 3]), ([2, 2, 2], [5, 5, 5]), ([0.1, 0.1, 0.1], [0.3, 0.3]), ([1], [5])],
)
def test_cohens_d_is_undefined_without_spread_or_enough_answers(x: list[float], y: list[float]) -> None:
    assert cohens_d(x, y) is None


def test_cohens_d_rejects_an_empty_group() -> None:
    with pytest.raises(ValueError, match="at least one answer"):
        cohens_d([], [1, 2, 3])


# --- effect_label --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank_biserial", "label"),
    [
        (0.0, "negligible"),
        (-0.099, "negligible"),
        (0.1, "small"),
        (-0.29, "small"),
        (0.3, "medium"),
        (-0.49, "medium"),
        (0.5, "large"),
        (-1.0, "large"),
    ],
)
def test_effect_label_reads_the_absolute_size(rank_biserial: float, label: str) -> None:
    assert effect_label(rank_biserial) == label


# --- The shipped catalog --------------------------------------------------------------------------

MATURITY_CRITERIA = [
    "Communications",
    "Value measurement",
    "Governance",
    "Partnership",
    "Scope and architecture",
    "Skills",
]


def test_every_shipped_template_has_a_unique_key_and_can_be_looked_up() -> None:
    keys = [template.key for template in catalog.SHIPPED]
    assert len(keys) == len(set(keys))
    assert set(keys) == {"partnership", "maturity", "strategy", "digital", "end_user"}
    for template in catalog.SHIPPED:
        assert catalog.shipped(template.key) is template


def test_looking_up_an_unknown_template_raises_key_error() -> None:
    with pytest.raises(KeyError):
        catalog.shipped("nope")


def test_the_maturity_template_covers_the_six_criteria_with_three_or_four_attributes_each() -> None:
    questions = catalog.shipped("maturity").questions
    criteria = [q.criterion for q in questions]
    assert list(dict.fromkeys(criteria)) == MATURITY_CRITERIA
    for criterion in MATURITY_CRITERIA:
        assert 3 <= criteria.count(criterion) <= 4
    for question in questions:
        assert question.kind == "likert"
        assert question.help_text.startswith("1 = ")
        assert "; 5 = " in question.help_text


def test_only_the_maturity_template_sets_criteria() -> None:
    for template in catalog.SHIPPED:
        if template.key != "maturity":
            assert all(q.criterion == "" for q in template.questions), template.key


def test_choice_questions_have_choices_and_no_others_do() -> None:
    for template in catalog.SHIPPED:
        for question in template.questions:
            assert question.kind in catalog.KINDS
            if question.kind in ("single", "multiple"):
                assert len(question.choices) >= 2, question.text
                assert len(set(question.choices)) == len(question.choices), question.text
            else:
                assert question.choices == (), question.text


def test_texts_fit_the_question_fields() -> None:
    for template in catalog.SHIPPED:
        assert 0 < len(template.name) <= 120
        assert 0 < len(template.description) <= 1000
        assert template.questions
        for question in template.questions:
            assert 0 < len(question.text) <= 300, question.text
            assert len(question.help_text) <= 500, question.text


def test_the_partnership_template_asks_likert_items_then_one_optional_question() -> None:
    *items, last = catalog.shipped("partnership").questions
    assert 8 <= len(items) <= 10
    assert all(q.kind == "likert" and q.required for q in items)
    assert last.kind == "text"
    assert not last.required


def test_likert_labels_run_from_disagree_to_agree() -> None:
    assert catalog.LIKERT_LABELS[0] == "Strongly disagree"
    assert catalog.LIKERT_LABELS[-1] == "Strongly agree"
    assert len(catalog.LIKERT_LABELS) == len(LIKERT)
