"""Suppression by difference: no sum or difference of the shown groups may single out fewer than
the threshold. Checked by brute force over every combination (coefficients -1, 0, 1) of the shown
groups, on random populations and, end to end, on real responses through ``campaign_results``."""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping
from statistics import fmean
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.core.models import Department, Side
from tandem.surveys.selectors import campaign_results
from tandem.surveys.services import QuestionInput
from tandem.surveys.suppression import Published, publishable
from tests.conftest import Personas
from tests.surveys.conftest import close, make_campaign, questions_of, submit

SIDES = (Side.BUSINESS, Side.IT, Side.PARTNER)
Cell = tuple[Hashable, Hashable]


def published_groups(
    cells: Mapping[Cell, int], published: Published
) -> tuple[list[Cell], list[int], list[tuple[str, list[int]]]]:
    """The non-empty cells of the included respondents, their counts, and every shown group as a
    0/1 vector over those cells (the total, the shown sides, the shown departments)."""
    keys = sorted(
        (c for c, n in cells.items() if n > 0 and c[0] not in published.excluded), key=lambda c: str(c)
    )
    counts = [cells[c] for c in keys]
    groups: list[tuple[str, list[int]]] = []
    if published.total:
        groups.append(("total", [1] * len(keys)))
    for side in sorted(published.sides, key=str):
        groups.append((f"side {side}", [int(c[0] == side) for c in keys]))
    for department in sorted(published.departments, key=str):
        groups.append((f"department {department}", [int(c[1] == department) for c in keys]))
    return keys, counts, groups


def revealed_breaches(
    cells: Mapping[Cell, int], published: Published, threshold: int
) -> list[tuple[dict[str, int], int]]:
    """Every combination of shown groups that is the indicator of a non-empty set of fewer than
    ``threshold`` respondents: (the coefficients, the size of the set)."""
    _keys, counts, groups = published_groups(cells, published)
    if not groups:
        return []
    matrix = np.array([vector for _name, vector in groups])
    coefficients = np.array(list(itertools.product((-1, 0, 1), repeat=len(groups))))
    combined = coefficients @ matrix
    indicator = np.all((combined == 0) | (combined == 1), axis=1) & combined.any(axis=1)
    sizes = combined @ np.array(counts)
    bad = np.flatnonzero(indicator & (sizes < threshold))
    names = [name for name, _vector in groups]
    return [
        ({n: int(c) for n, c in zip(names, coefficients[i], strict=True) if c}, int(sizes[i])) for i in bad
    ]


def shown_sizes(cells: Mapping[Cell, int], published: Published) -> dict[str, int]:
    _keys, counts, groups = published_groups(cells, published)
    return {name: sum(c for c, v in zip(counts, vector, strict=True) if v) for name, vector in groups}


def assert_safe(cells: Mapping[Cell, int], threshold: int) -> Published:
    published = publishable(cells, threshold)
    assert revealed_breaches(cells, published, threshold) == []
    for name, size in shown_sizes(cells, published).items():
        assert size >= threshold, f"{name} is shown with {size} respondents"
    if not published.total:
        assert not published.sides
        assert not published.departments
    return published


# --- Random populations ---------------------------------------------------------------------------------


@st.composite
def populations(draw: st.DrawFn) -> tuple[dict[Cell, int], int]:
    departments: list[Hashable] = [*range(draw(st.integers(0, 4))), None]
    cells: dict[Cell, int] = {
        (side, department): draw(st.integers(0, 8)) for side in SIDES for department in departments
    }
    return cells, draw(st.integers(3, 6))


@settings(max_examples=400, deadline=None)
@given(populations())
def test_no_combination_of_shown_groups_singles_out_fewer_than_the_threshold(
    population: tuple[dict[Cell, int], int],
) -> None:
    cells, threshold = population
    assert_safe(cells, threshold)


def test_the_brute_force_finds_a_difference_between_a_side_and_its_department() -> None:
    # The check itself must bite: IT (8) minus the IT-only department (6) is 2 people.
    cells: dict[Cell, int] = {(Side.IT, 1): 6, (Side.IT, None): 2, (Side.BUSINESS, None): 10}
    everything = Published(total=True, sides=frozenset({Side.IT, Side.BUSINESS}), departments=frozenset({1}))
    assert revealed_breaches(cells, everything, 5) != []


# --- Targeted examples ------------------------------------------------------------------------------------


def test_a_small_partner_side_is_left_out_while_it_and_business_stay_shown() -> None:
    cells: dict[Cell, int] = {(Side.BUSINESS, None): 10, (Side.IT, None): 9, (Side.PARTNER, None): 2}
    published = assert_safe(cells, 5)
    assert published.total
    assert published.excluded == {Side.PARTNER}
    assert published.sides == {Side.BUSINESS, Side.IT}


def test_a_department_inside_a_side_with_a_small_remainder_is_hidden() -> None:
    cells: dict[Cell, int] = {
        (Side.IT, 1): 6,
        (Side.IT, None): 2,
        (Side.BUSINESS, 2): 6,
        (Side.BUSINESS, None): 6,
    }
    published = assert_safe(cells, 5)
    assert not (Side.IT in published.sides and 1 in published.departments)
    # The business side's department has a remainder of six: it may stay.
    assert 2 in published.departments
    assert Side.BUSINESS in published.sides


def test_a_mixed_department_that_contains_the_whole_it_side_hides_something() -> None:
    # Department 7 = five IT people and one business person; the IT side is exactly those five,
    # so department minus IT side is that one business person.
    cells: dict[Cell, int] = {(Side.IT, 7): 5, (Side.BUSINESS, 7): 1, (Side.BUSINESS, None): 10}
    published = assert_safe(cells, 5)
    assert not (Side.IT in published.sides and 7 in published.departments)


def test_below_the_threshold_nothing_at_all_is_shown() -> None:
    published = publishable({(Side.BUSINESS, None): 2, (Side.IT, None): 2}, 5)
    assert not published.total
    assert not published.sides
    assert not published.departments


def test_two_sides_shown_and_a_small_third_side_not_excluded_cannot_reveal_it() -> None:
    # A third side at the threshold is not excluded; a hidden one must not follow from the total.
    cells: dict[Cell, int] = {(Side.BUSINESS, None): 5, (Side.IT, None): 5, (Side.PARTNER, None): 5}
    assert_safe(cells, 5)


# --- End to end through campaign_results -------------------------------------------------------------------

LIKERT_AND_OPTIONAL = (
    QuestionInput("likert", "Priorities are clear.", criterion="Communication"),
    QuestionInput("likert", "We talk often.", criterion="Communication", required=False),
    QuestionInput("score", "How well do we work together?", criterion="", required=False),
)


def _check_item(
    item: Any, members: list[tuple[str, int | None, float]], threshold: int, excluded: set[str]
) -> None:
    """The item's shown groups against the respondents who answered it: every shown n at least the
    threshold, n and sum (mean × n) as published, and no combination singles out a small set."""
    groups: list[tuple[str, Any, list[int]]] = []
    included = [m for m in members if m[0] not in excluded]
    if not item.overall.suppressed:
        groups.append(("total", item.overall, [1] * len(included)))
    for group in item.sides:
        if not group.suppressed:
            groups.append((group.key, group, [int(m[0] == group.key) for m in included]))
    for group in item.departments:
        department = int(group.key.split(":")[1])
        groups.append((group.key, group, [int(m[1] == department) for m in included]))
    for name, group, vector in groups:
        values = [m[2] for m, v in zip(included, vector, strict=True) if v]
        assert group.n == len(values) >= threshold, name
        assert group.mean * group.n == pytest.approx(sum(values)), name
        assert group.mean == pytest.approx(fmean(values))
    if not groups:
        return
    matrix = np.array([vector for _n, _g, vector in groups])
    answers = np.array([m[2] for m in included])
    coefficients = np.array(list(itertools.product((-1, 0, 1), repeat=len(groups))))
    combined = coefficients @ matrix
    indicator = np.all((combined == 0) | (combined == 1), axis=1) & combined.any(axis=1)
    counts = combined.sum(axis=1)
    assert not np.any(indicator & (counts < threshold)), item.key
    # The published n and sums combine exactly as the respondents do: what can be worked out from
    # the figures is what this check covered.
    published_n = coefficients @ np.array([g.n for _n, g, _v in groups])
    published_sum = coefficients @ np.array([g.mean * g.n for _n, g, _v in groups])
    np.testing.assert_allclose(published_n, counts)
    np.testing.assert_allclose(published_sum, combined @ answers, atol=1e-6)


respondent = st.tuples(
    st.sampled_from(SIDES),
    st.sampled_from([0, 1, 2, None]),
    st.integers(1, 5),
    st.one_of(st.none(), st.integers(1, 5)),
    st.one_of(st.none(), st.integers(0, 10)),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(respondent, min_size=0, max_size=24), threshold=st.integers(3, 5))
def test_campaign_results_never_show_a_group_or_a_difference_under_the_threshold(
    personas: Personas, people: list[tuple[Any, ...]], threshold: int
) -> None:
    org = personas.org
    departments = [
        Department.objects.for_org(org).get_or_create(organization=org, name=f"Unit {i}")[0] for i in range(3)
    ]
    campaign = make_campaign(personas.owner, questions=LIKERT_AND_OPTIONAL)
    campaign.threshold = threshold
    campaign.save(update_fields=["threshold"])
    first, second, third = questions_of(campaign)
    rows: dict[str, list[tuple[str, int | None, float]]] = {"q1": [], "q2": [], "q3": []}
    for side, department_index, a, b, score in people:
        department = departments[department_index] if department_index is not None else None
        answers: dict[str, Any] = {first.field_name: a}
        if b is not None:
            answers[second.field_name] = b
        if score is not None:
            answers[third.field_name] = score
        submit(campaign, side, department, answers)
        key = (side, department.pk if department else None)
        rows["q1"].append((*key, a))
        if b is not None:
            rows["q2"].append((*key, b))
        if score is not None:
            rows["q3"].append((*key, score))
    close(campaign)

    results = campaign_results(campaign)
    if not results.available:
        return
    items = {first.field_name: "q1", second.field_name: "q2", third.field_name: "q3"}
    # Criteria and the overall level follow from these figures alone: test_suppression_property.
    checked = [(item, rows[items[item.key]]) for item in results.items]
    for item, members in checked:
        _check_item(item, members, threshold, set(item.excluded_sides))
        for group in (item.overall, *item.sides, *item.departments):
            assert group.suppressed or (group.n is not None and group.n >= threshold)
