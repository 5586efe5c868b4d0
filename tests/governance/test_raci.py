"""The RACI check names every problem of a matrix: explicit cases for each code, its count and the
order of the problems, then properties on random matrices (a matrix with one A and an R per
activity is valid, a second A or a lost R is named for exactly that activity, the result does
not depend on the order of the cells, the warnings hold exactly when their rule says)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tandem.governance.raci import (
    ERROR,
    LETTERS,
    SEVERITY,
    WARNING,
    Column,
    Problem,
    check,
    is_valid,
    parse_letter,
)

Cells = dict[tuple[str, str], str]

BUSINESS = Column("member:1", "business", external=False)
IT = Column("party:2", "it", external=False)
VENDOR = Column("party:3", "partner", external=True)
LAPSED = Column("party:4", "partner", external=True, contract_in_force=False)
COLUMNS = [BUSINESS, IT, VENDOR, LAPSED]


def error(code: str, activity: str, count: int = 0) -> Problem:
    return Problem(code, ERROR, activity, None, count)


def warning(code: str, *, activity: str | None = None, column: str | None = None, count: int = 0) -> Problem:
    return Problem(code, WARNING, activity, column, count)


def codes(problems: list[Problem]) -> list[str]:
    return [problem.code for problem in problems]


# --- Explicit cases ---------------------------------------------------------------------------------------


def test_an_empty_matrix_has_no_problems_even_with_columns_and_left_over_cells() -> None:
    assert check([], COLUMNS, {("build", BUSINESS.key): "A"}) == []
    assert check([], [], {}) == []


def test_a_sound_matrix_has_no_problems() -> None:
    cells: Cells = {
        ("design", BUSINESS.key): "A",
        ("design", IT.key): "R",
        ("design", VENDOR.key): "C",
        ("build", IT.key): "A",
        ("build", VENDOR.key): "R",
        ("build", BUSINESS.key): "C",
        ("build", LAPSED.key): "I",
    }
    assert check(["design", "build"], COLUMNS, cells) == []


def test_an_activity_without_an_a_is_an_error() -> None:
    cells: Cells = {("test", IT.key): "R", ("test", BUSINESS.key): "C"}
    assert check(["test"], COLUMNS, cells) == [error("no_accountable", "test")]


def test_several_as_on_an_activity_is_an_error_that_counts_them() -> None:
    cells: Cells = {
        ("deploy", BUSINESS.key): "A",
        ("deploy", IT.key): "A",
        ("deploy", VENDOR.key): "A",
        ("deploy", LAPSED.key): "I",
    }
    problems = check(["deploy"], COLUMNS, cells)
    assert error("several_accountable", "deploy", 3) in problems
    assert codes(problems) == ["several_accountable", "no_responsible"]


def test_an_activity_without_an_r_is_an_error() -> None:
    cells: Cells = {("run", BUSINESS.key): "A", ("run", IT.key): "C", ("run", VENDOR.key): "I"}
    assert check(["run"], COLUMNS, cells) == [error("no_responsible", "run")]


def test_a_single_column_cannot_hold_both_the_a_and_the_r() -> None:
    assert codes(check(["run"], [BUSINESS], {("run", BUSINESS.key): "A"})) == ["no_responsible"]
    assert codes(check(["run"], [BUSINESS], {("run", BUSINESS.key): "R"})) == [
        "no_accountable",
        "no_business_voice",
    ]


def test_a_column_accountable_for_more_than_the_limit_is_warned_once_with_the_count() -> None:
    activities = ["requirements", "design", "build", "test", "deploy"]
    cells: Cells = {}
    for activity in activities:
        cells[activity, BUSINESS.key] = "C"
        cells[activity, IT.key] = "R"
    for activity in activities[:4]:
        cells[activity, VENDOR.key] = "A"
    cells["deploy", LAPSED.key] = "A"
    assert check(activities, COLUMNS, cells) == [warning("accountable_overload", column=VENDOR.key, count=4)]
    assert check(activities, COLUMNS, cells, accountable_limit=4) == []
    assert check(activities, COLUMNS, cells, accountable_limit=0) == [
        warning("accountable_overload", column=VENDOR.key, count=4),
        warning("accountable_overload", column=LAPSED.key, count=1),
    ]


@pytest.mark.parametrize(
    ("letter", "voiced"), [("A", True), ("C", True), ("R", False), ("I", False), (None, False)]
)
def test_the_business_has_a_voice_only_through_an_a_or_a_c(letter: str | None, voiced: bool) -> None:
    cells: Cells = {("support", IT.key): "A", ("support", VENDOR.key): "R"}
    if letter == "A":
        cells["support", IT.key] = "C"
    if letter is not None:
        cells["support", BUSINESS.key] = letter
    voice = warning("no_business_voice", activity="support")
    problems = check(["support"], COLUMNS, cells)
    assert (voice in problems) is not voiced
    assert is_valid(problems)


def test_a_partner_side_person_gives_no_business_voice() -> None:
    cells: Cells = {("design", IT.key): "A", ("design", VENDOR.key): "R", ("design", LAPSED.key): "C"}
    assert check(["design"], COLUMNS, cells) == [warning("no_business_voice", activity="design")]


def test_an_external_column_responsible_without_a_contract_is_warned_once_with_the_count() -> None:
    activities = ["build", "test", "run"]
    cells: Cells = {}
    for activity in activities:
        cells[activity, BUSINESS.key] = "A"
        cells[activity, IT.key] = "R"
    cells["build", LAPSED.key] = "R"
    cells["test", LAPSED.key] = "R"
    cells["run", LAPSED.key] = "C"
    assert check(activities, COLUMNS, cells) == [
        warning("responsible_without_contract", column=LAPSED.key, count=2)
    ]


def test_only_an_external_column_without_a_contract_doing_the_work_is_warned() -> None:
    internal_no_contract = Column("party:5", "it", external=False, contract_in_force=False)
    columns = [BUSINESS, VENDOR, internal_no_contract, LAPSED]
    cells: Cells = {
        ("build", BUSINESS.key): "A",
        ("build", VENDOR.key): "R",
        ("build", internal_no_contract.key): "R",
        ("build", LAPSED.key): "C",
    }
    assert check(["build"], columns, cells) == []


def test_problems_come_per_activity_in_matrix_order_then_per_column_in_column_order() -> None:
    activities = ["change approval", "build", "run", "test"]
    busy = Column("member:9", "it", external=False)
    columns = [LAPSED, BUSINESS, busy]
    cells: Cells = {
        ("change approval", LAPSED.key): "I",
        ("build", LAPSED.key): "R",
        ("build", BUSINESS.key): "A",
        ("build", busy.key): "A",
        ("run", LAPSED.key): "R",
        ("run", busy.key): "A",
        ("test", busy.key): "A",
        ("test", BUSINESS.key): "C",
        ("test", LAPSED.key): "R",
    }
    assert check(activities, columns, cells, accountable_limit=2) == [
        error("no_accountable", "change approval"),
        error("no_responsible", "change approval"),
        warning("no_business_voice", activity="change approval"),
        error("several_accountable", "build", 2),
        warning("no_business_voice", activity="run"),
        warning("responsible_without_contract", column=LAPSED.key, count=3),
        warning("accountable_overload", column=busy.key, count=3),
    ]


def test_cells_of_unknown_activities_or_columns_are_ignored() -> None:
    cells: Cells = {
        ("design", BUSINESS.key): "A",
        ("design", IT.key): "R",
        ("design", "party:99"): "A",
        ("removed", BUSINESS.key): "A",
        ("removed", LAPSED.key): "R",
    }
    assert check(["design"], COLUMNS, cells, accountable_limit=0) == [
        warning("accountable_overload", column=BUSINESS.key, count=1)
    ]


@pytest.mark.parametrize("value", ["X", "r", " A", "", "RA"])
def test_an_unknown_letter_in_the_cells_raises_even_in_an_ignored_cell(value: str) -> None:
    with pytest.raises(ValueError, match="Unknown RACI letter"):
        check(["build"], COLUMNS, {("build", BUSINESS.key): value})
    with pytest.raises(ValueError, match="Unknown RACI letter"):
        check(["build"], COLUMNS, {("removed", BUSINESS.key): value})


def test_duplicate_keys_raise() -> None:
    with pytest.raises(ValueError, match="activity key 'build'"):
        check(["build", "test", "build"], COLUMNS, {})
    with pytest.raises(ValueError, match="column key 'member:1'"):
        check(["build"], [BUSINESS, replace(BUSINESS, side="it")], {})


def test_a_column_on_an_unknown_side_raises() -> None:
    with pytest.raises(ValueError, match="Unknown side"):
        Column("party:1", "vendor", external=True)


@pytest.mark.parametrize(
    ("text", "letter"),
    [("R", "R"), ("r", "R"), (" A ", "A"), ("c\t", "C"), ("\ni", "I"), ("", None), ("   ", None)],
)
def test_parse_letter_reads_one_letter_in_any_case_or_a_blank(text: str, letter: str | None) -> None:
    assert parse_letter(text) == letter


@pytest.mark.parametrize("text", ["X", "RA", "R A", "-", "0", "Ä"])
def test_parse_letter_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="Unknown RACI letter"):
        parse_letter(text)


def test_is_valid_counts_errors_only() -> None:
    assert is_valid([])
    assert is_valid([warning("no_business_voice", activity="run")])
    assert not is_valid([warning("no_business_voice", activity="run"), error("no_responsible", "run")])


def test_every_code_has_its_severity() -> None:
    assert {code: severity for code, severity in SEVERITY.items() if severity == ERROR} == {
        "no_accountable": ERROR,
        "several_accountable": ERROR,
        "no_responsible": ERROR,
    }
    assert {code for code, severity in SEVERITY.items() if severity == WARNING} == {
        "accountable_overload",
        "no_business_voice",
        "responsible_without_contract",
    }


# --- Random matrices --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    activities: list[str]
    columns: list[Column]
    cells: Cells

    def check(self, accountable_limit: int = 3) -> list[Problem]:
        return check(self.activities, self.columns, self.cells, accountable_limit=accountable_limit)

    def row(self, activity: str) -> dict[str, str]:
        return {column: letter for (a, column), letter in self.cells.items() if a == activity}


@st.composite
def column_lists(draw: st.DrawFn, min_size: int) -> list[Column]:
    count = draw(st.integers(min_size, 8))
    return [
        Column(
            f"column:{i}",
            draw(st.sampled_from(("business", "it", "partner"))),
            external=draw(st.booleans()),
            contract_in_force=draw(st.booleans()),
        )
        for i in range(count)
    ]


@st.composite
def matrices(draw: st.DrawFn) -> Matrix:
    """Any matrix: 0 to 10 activities, 1 to 8 columns, any letters in any cells."""
    activities = [f"activity:{i}" for i in range(draw(st.integers(0, 10)))]
    columns = draw(column_lists(1))
    cells: Cells = {}
    for activity in activities:
        for column in columns:
            letter = draw(st.sampled_from((None, *LETTERS)))
            if letter is not None:
                cells[activity, column.key] = letter
    return Matrix(activities, columns, cells)


@st.composite
def valid_matrices(draw: st.DrawFn) -> Matrix:
    """A matrix where every activity has exactly one A and at least one R (so two columns at
    least when there are activities); the other cells are C, I or empty."""
    activities = [f"activity:{i}" for i in range(draw(st.integers(0, 10)))]
    columns = draw(column_lists(2 if activities else 1))
    keys = [column.key for column in columns]
    cells: Cells = {}
    for activity in activities:
        accountable = draw(st.sampled_from(keys))
        others = [key for key in keys if key != accountable]
        responsible = draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
        cells[activity, accountable] = "A"
        for key in others:
            letter = "R" if key in responsible else draw(st.sampled_from((None, "C", "I")))
            if letter is not None:
                cells[activity, key] = letter
    return Matrix(activities, columns, cells)


def errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == ERROR]


@settings(max_examples=150, deadline=None)
@given(valid_matrices())
def test_one_a_and_an_r_on_every_activity_make_a_valid_matrix(matrix: Matrix) -> None:
    problems = matrix.check()
    assert errors(problems) == []
    assert is_valid(problems)


@settings(max_examples=150, deadline=None)
@given(valid_matrices(), st.data())
def test_a_second_a_is_named_for_its_activity_and_nothing_else_breaks(
    matrix: Matrix, data: st.DataObject
) -> None:
    assume(matrix.activities)
    activity = data.draw(st.sampled_from(matrix.activities))
    row = matrix.row(activity)
    responsible = [key for key, letter in row.items() if letter == "R"]
    candidates = [
        column.key
        for column in matrix.columns
        if row.get(column.key) != "A" and (row.get(column.key) != "R" or len(responsible) > 1)
    ]
    assume(candidates)
    second = data.draw(st.sampled_from(candidates))
    changed = replace(matrix, cells={**matrix.cells, (activity, second): "A"})
    assert errors(changed.check()) == [error("several_accountable", activity, 2)]


@settings(max_examples=150, deadline=None)
@given(matrices(), st.data())
def test_an_activity_without_its_rs_has_no_responsible(matrix: Matrix, data: st.DataObject) -> None:
    assume(matrix.activities)
    activity = data.draw(st.sampled_from(matrix.activities))
    cells = {
        cell: letter for cell, letter in matrix.cells.items() if not (cell[0] == activity and letter == "R")
    }
    before = matrix.check()
    after = replace(matrix, cells=cells).check()
    assert error("no_responsible", activity) in after
    assert [p for p in after if p.code == "no_responsible" and p.activity != activity] == [
        p for p in before if p.code == "no_responsible" and p.activity != activity
    ]


@settings(max_examples=150, deadline=None)
@given(matrices(), st.data(), st.integers(0, 5))
def test_the_result_follows_the_matrix_order_not_the_cells_order(
    matrix: Matrix, data: st.DataObject, limit: int
) -> None:
    problems = matrix.check(limit)
    shuffled = dict(data.draw(st.permutations(list(matrix.cells.items()))))
    assert replace(matrix, cells=shuffled).check(limit) == problems

    activities = data.draw(st.permutations(matrix.activities))
    columns = data.draw(st.permutations(matrix.columns))
    permuted = Matrix(activities, columns, matrix.cells).check(limit)
    of_activity = {a: [p for p in problems if p.activity == a] for a in matrix.activities}
    of_column = {c.key: [p for p in problems if p.column == c.key] for c in matrix.columns}
    assert permuted == [p for a in activities for p in of_activity[a]] + [
        p for c in columns for p in of_column[c.key]
    ]


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_every_problem_is_about_one_activity_or_one_column_in_the_stated_order(matrix: Matrix) -> None:
    problems = matrix.check()
    activity_rank = {a: i for i, a in enumerate(matrix.activities)}
    column_rank = {c.key: i for i, c in enumerate(matrix.columns)}
    ranks = [
        (0, activity_rank[p.activity], p.severity != ERROR)
        if p.activity is not None and p.column is None
        else (1, column_rank[p.column or ""], False)
        for p in problems
    ]
    assert ranks == sorted(ranks)
    assert all(SEVERITY[p.code] == p.severity for p in problems)
    assert len(set(problems)) == len(problems)


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_the_business_lacks_a_voice_exactly_where_no_business_column_holds_an_a_or_a_c(
    matrix: Matrix,
) -> None:
    business = {column.key for column in matrix.columns if column.side == "business"}
    voiceless = {p.activity for p in matrix.check() if p.code == "no_business_voice"}
    expected = {
        activity
        for activity in matrix.activities
        if not any(matrix.cells.get((activity, key)) in ("A", "C") for key in business)
    }
    assert voiceless == expected


@settings(max_examples=150, deadline=None)
@given(matrices(), st.integers(0, 5))
def test_a_column_is_overloaded_exactly_when_its_as_exceed_the_limit(matrix: Matrix, limit: int) -> None:
    overloaded = {p.column: p.count for p in matrix.check(limit) if p.code == "accountable_overload"}
    counts = {
        column.key: sum(matrix.cells.get((activity, column.key)) == "A" for activity in matrix.activities)
        for column in matrix.columns
    }
    assert overloaded == {key: count for key, count in counts.items() if count > limit}
