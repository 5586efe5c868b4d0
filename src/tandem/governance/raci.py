"""The RACI check of an initiative: who is Responsible, Accountable, Consulted and Informed for
each activity (requirements, design, build, test, deploy, run, support, change approval...), and
every problem of the matrix, named by a code the caller turns into a translated sentence.

An activity needs exactly one A (no one or several people in charge is no one in charge) and at
least one R (someone does the work): without them the matrix is invalid. The rest are warnings a
team may accept: a column accountable for too many activities, an activity the business has no
say in (no A or C on the business side), and an external party doing the work without a contract
in force. A cell holds one letter, so a valid activity takes at least two columns: the A and an R.

Pure: no Django, no database, so the editor, the CSV import and the tests share one check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Letter = Literal["R", "A", "C", "I"]
LETTERS: tuple[str, ...] = ("R", "A", "C", "I")
_LETTER: dict[str, Letter] = {"R": "R", "A": "A", "C": "C", "I": "I"}

SIDES: tuple[str, ...] = ("business", "it", "partner")

ERROR = "error"
WARNING = "warning"

NO_ACCOUNTABLE = "no_accountable"
SEVERAL_ACCOUNTABLE = "several_accountable"
NO_RESPONSIBLE = "no_responsible"
ACCOUNTABLE_OVERLOAD = "accountable_overload"
NO_BUSINESS_VOICE = "no_business_voice"
RESPONSIBLE_WITHOUT_CONTRACT = "responsible_without_contract"

# Every code with its severity, so the caller can check that each has a sentence.
SEVERITY: Mapping[str, str] = {
    NO_ACCOUNTABLE: ERROR,
    SEVERAL_ACCOUNTABLE: ERROR,
    NO_RESPONSIBLE: ERROR,
    ACCOUNTABLE_OVERLOAD: WARNING,
    NO_BUSINESS_VOICE: WARNING,
    RESPONSIBLE_WITHOUT_CONTRACT: WARNING,
}


@dataclass(frozen=True)
class Column:
    """A column of the matrix: a party (an external vendor, an internal team) or a person.

    ``key`` is unique in one matrix ("party:3", "member:7"). ``side`` is "business", "it" or
    "partner" (an external party, or a person on the partner side). ``contract_in_force`` only
    matters for an ``external`` column: whether a contract with that party is in force today.
    """

    key: str
    side: str
    external: bool
    contract_in_force: bool = True

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"Unknown side {self.side!r} of column {self.key!r}; expected one of {SIDES}.")


@dataclass(frozen=True)
class Problem:
    """One problem of the matrix. ``activity`` and ``column`` are the keys it is about (None when
    it is not about one); ``count`` is the number its sentence needs (how many A's an activity
    has, how many activities a column is accountable or responsible for), else 0."""

    code: str
    severity: str
    activity: str | None
    column: str | None
    count: int = 0


def parse_letter(text: str) -> Letter | None:
    """The letter a person typed in the editor or a CSV cell: case and surrounding spaces do not
    matter ("r", " A "), and a blank cell is None. Anything else raises ValueError, so a typo
    ("X", "RA") is reported instead of silently emptying the cell."""
    stripped = text.strip()
    if not stripped:
        return None
    letter = _LETTER.get(stripped.upper())
    if letter is None:
        raise ValueError(f"Unknown RACI letter {text!r}; expected one of {', '.join(LETTERS)} or blank.")
    return letter


def is_valid(problems: Iterable[Problem]) -> bool:
    """Whether the matrix these problems were found in is valid: warnings alone do not count."""
    return all(problem.severity != ERROR for problem in problems)


def check(
    activities: Sequence[str],
    columns: Sequence[Column],
    cells: Mapping[tuple[str, str], str],
    *,
    accountable_limit: int = 3,
) -> list[Problem]:
    """Every problem of the matrix, in an order that does not depend on ``cells``: per activity
    in matrix order (its errors, then its warnings), then per column in column order.

    ``cells`` maps (activity key, column key) to a letter; a missing cell is empty. Cells of an
    activity or a column not in the lists (left over after a row or column was removed) are
    ignored. Every value must be exactly one of ``LETTERS`` (ValueError otherwise, also for an
    ignored cell: the caller normalises input with ``parse_letter`` and stores no blank cells).
    Activity and column keys must be unique (ValueError). A column accountable for more than
    ``accountable_limit`` activities gets a warning.
    """
    _require_unique(activities, "activity")
    _require_unique([column.key for column in columns], "column")
    grid = _grid(activities, columns, cells)
    problems: list[Problem] = []
    for activity in activities:
        problems.extend(_activity_problems(activity, columns, grid[activity]))
    for column in columns:
        problems.extend(
            _column_problems(
                column, [grid[activity].get(column.key) for activity in activities], accountable_limit
            )
        )
    return problems


def _require_unique(keys: Sequence[str], kind: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"The {kind} key {key!r} appears twice in the matrix.")
        seen.add(key)


def _grid(
    activities: Sequence[str], columns: Sequence[Column], cells: Mapping[tuple[str, str], str]
) -> dict[str, dict[str, Letter]]:
    """The letters of each listed activity by column key, stray cells left out."""
    grid: dict[str, dict[str, Letter]] = {activity: {} for activity in activities}
    known = {column.key for column in columns}
    for (activity, column), value in cells.items():
        letter = _LETTER.get(value) if isinstance(value, str) else None
        if letter is None:
            raise ValueError(f"Unknown RACI letter {value!r} in cell ({activity!r}, {column!r}).")
        if activity in grid and column in known:
            grid[activity][column] = letter
    return grid


def _activity_problems(activity: str, columns: Sequence[Column], row: Mapping[str, Letter]) -> list[Problem]:
    letters = list(row.values())
    accountable = letters.count("A")
    problems: list[Problem] = []
    if accountable == 0:
        problems.append(Problem(NO_ACCOUNTABLE, ERROR, activity, None))
    elif accountable > 1:
        problems.append(Problem(SEVERAL_ACCOUNTABLE, ERROR, activity, None, accountable))
    if "R" not in letters:
        problems.append(Problem(NO_RESPONSIBLE, ERROR, activity, None))
    if not any(column.side == "business" and row.get(column.key) in ("A", "C") for column in columns):
        problems.append(Problem(NO_BUSINESS_VOICE, WARNING, activity, None))
    return problems


def _column_problems(
    column: Column, letters: Sequence[Letter | None], accountable_limit: int
) -> list[Problem]:
    problems: list[Problem] = []
    accountable = letters.count("A")
    if accountable > accountable_limit:
        problems.append(Problem(ACCOUNTABLE_OVERLOAD, WARNING, None, column.key, accountable))
    responsible = letters.count("R")
    if column.external and not column.contract_in_force and responsible:
        problems.append(Problem(RESPONSIBLE_WITHOUT_CONTRACT, WARNING, None, column.key, responsible))
    return problems
