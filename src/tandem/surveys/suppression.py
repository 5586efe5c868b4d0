"""Which groups of respondents may have their figures shown, so that no group under the
anonymity threshold is revealed, directly or by difference.

Every figure Tandem shows of a group is a sum over its respondents or follows from sums of
its respondents (a count, a mean, a distribution, the texts of a free-text question) or is
computed only from shown groups (a gap, an effect size, a p-value). The groups are the whole
campaign, the sides and the departments: two partitions of the same people. Whoever sees the
figures of several groups can add and subtract them. A set of respondents is *revealed* when its
indicator is a linear combination of the indicators of the shown groups: the total minus two
sides is the third side; a side minus the departments inside it is the rest of that side. No
revealed set may be smaller than the threshold (an empty set reveals nothing).

A side smaller than the threshold is left out of every figure, the total included (see
``publishable``). Other groups are first suppressed when they are smaller than the threshold.
The hidden sides merge into one row (the total minus the shown sides), the hidden departments
(and respondents without a department) into one column, and the respondents fall into the cells
of that grid. Every combination of the shown figures is ``a[row] + b[column]`` on the cells for
some numbers ``a``, ``b`` (the span of row and column indicators). A combination *isolates* the
respondents of the cells where it is not zero: its value depends on their answers alone. That
covers sums (the total minus two sides is the third side) and differences alike: a side minus a
department can be one person's answer minus another's, and on a scale from 1 to 5 a difference
of 4 gives both away. No combination may isolate fewer people than the threshold.

There are at most four rows, so ``search`` tries every partition of the rows into classes of
equal potential (at most fifteen); each column then zeroes the class that weighs most in it, and
what is left is the smallest set that partition isolates. A combination that is zero on every
cell but those of one column is that column itself. One under the threshold is a breach. A
breach is mended by hiding one more group (one that hiding clears every breach, else one that
holds a cell of the breach; departments before sides, smallest first) and the search runs again
until no breach is left. With only the total left nothing can be worked out, so the loop ends.

``tests/surveys/test_suppression.py`` checks the result against a brute force over every sum and
difference of the shown groups, and ``test_suppression_property.py`` every figure of a campaign
together.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass

HIDDEN = object()  # the merged row or column of hidden groups

Cell = tuple[Hashable, Hashable]


@dataclass(frozen=True)
class Published:
    """The groups whose figures may be shown (``total`` False: nothing may be shown)."""

    total: bool
    sides: frozenset[Hashable]
    departments: frozenset[Hashable]
    # Sides under the threshold are left out of every figure, the total included.
    excluded: frozenset[Hashable] = frozenset()

    def side(self, key: Hashable) -> bool:
        return key in self.sides

    def department(self, key: Hashable) -> bool:
        return key in self.departments


NOTHING = Published(total=False, sides=frozenset(), departments=frozenset())


def side_sizes(cells: Mapping[Cell, int]) -> dict[Hashable, int]:
    sizes: dict[Hashable, int] = {}
    for (side, _department), count in cells.items():
        sizes[side] = sizes.get(side, 0) + max(count, 0)
    return sizes


def _merged(cell: Cell, sides: frozenset[Hashable], departments: frozenset[Hashable]) -> Cell:
    """The cell of the merged grid that ``cell`` falls into."""
    side, department = cell
    return (side if side in sides else HIDDEN, department if department in departments else HIDDEN)


def _grid(
    cells: Mapping[Cell, int], sides: frozenset[Hashable], departments: frozenset[Hashable]
) -> dict[Cell, int]:
    """The counts of the merged grid: shown sides and departments, hidden ones merged."""
    grid: dict[Cell, int] = {}
    for cell, count in cells.items():
        if count > 0:
            key = _merged(cell, sides, departments)
            grid[key] = grid.get(key, 0) + count
    return grid


def _partitions(rows: list[Hashable]) -> Iterator[list[list[Hashable]]]:
    """Every way to split ``rows`` into non-empty classes."""
    if not rows:
        yield []
        return
    first, rest = rows[0], rows[1:]
    for partition in _partitions(rest):
        for i in range(len(partition)):
            yield [*partition[:i], [first, *partition[i]], *partition[i + 1 :]]
        yield [[first], *partition]


def search(grid: Mapping[Cell, int], threshold: int) -> frozenset[Cell] | None:
    """The cells of a set that some combination of the shown groups isolates with fewer than
    ``threshold`` respondents, or None when there is none."""
    rows = sorted({r for r, _c in grid}, key=_order)
    columns: dict[Hashable, dict[Hashable, int]] = {}
    for (r, c), count in grid.items():
        columns.setdefault(c, {})[r] = count
    for partition in _partitions(rows):
        block = {r: i for i, members in enumerate(partition) for r in members}
        isolated: list[Cell] = []
        for c, counts in columns.items():
            weights = [0] * len(partition)
            for r, count in counts.items():
                weights[block[r]] += count
            zeroed = max(range(len(partition)), key=lambda i: weights[i])
            isolated.extend((r, c) for r in counts if block[r] != zeroed)
        size = sum(grid[cell] for cell in isolated)
        if 0 < size < threshold:
            return frozenset(isolated)
    column = min(columns, key=lambda c: (sum(columns[c].values()), _order(c)), default=None)
    if column is not None and sum(columns[column].values()) < threshold:
        return frozenset((r, column) for r in columns[column])
    return None


def _order(key: Hashable) -> tuple[int, str]:
    return (1, "") if key is HIDDEN else (0, str(key))


def publishable(cells: Mapping[Cell, int], threshold: int) -> Published:
    """The groups of a question (or of a campaign) whose figures may be shown.

    ``cells`` maps (side, department) to the number of respondents with an answer; respondents
    without a department use any key that is not a department to show (None).

    A side under the threshold (two partners among sixty respondents, say) is left out of every
    figure, the total included: hiding it while showing the total and the other sides would
    reveal it by difference, and hiding a second side instead would lose the gap between IT and
    the business for the sake of two answers.
    """
    sizes = side_sizes(cells)
    excluded = frozenset(s for s, n in sizes.items() if 0 < n < threshold)
    cells = {cell: count for cell, count in cells.items() if count > 0 and cell[0] not in excluded}
    total = sum(cells.values())
    if total < threshold:
        return NOTHING
    department_sizes: dict[Hashable, int] = {}
    for (_side, department), count in cells.items():
        if department is not None:
            department_sizes[department] = department_sizes.get(department, 0) + count
    sides = frozenset(s for s, n in sizes.items() if n >= threshold)
    departments = frozenset(d for d, n in department_sizes.items() if n >= threshold)
    while True:
        grid = _grid(cells, sides, departments)
        breach = search(grid, threshold)
        if breach is None:
            return Published(total=True, sides=sides, departments=departments, excluded=excluded)
        candidates = [("d", d) for d in sorted(departments, key=lambda d: (department_sizes[d], str(d)))]
        candidates += [("s", s) for s in sorted(sides, key=lambda s: (sizes[s], str(s)))]
        fewer = [
            (sides - {group} if kind == "s" else sides, departments - {group} if kind == "d" else departments)
            for kind, group in candidates
        ]
        involved = {key for cell in breach for key in cell}
        clearing = [i for i, (s, d) in enumerate(fewer) if search(_grid(cells, s, d), threshold) is None]
        touching = [i for i, (_kind, group) in enumerate(candidates) if group in involved]
        sides, departments = fewer[(clearing or touching or [0])[0]]
