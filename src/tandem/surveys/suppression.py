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
The hidden sides merge into
one row (the total minus the shown sides), the hidden departments (and respondents without a
department) into one column, and the respondents fall into the cells of that grid. A set of cells
is revealed exactly when its indicator is ``a[row] + b[column]`` on the non-empty cells for some
numbers ``a``, ``b`` (the span of row and column indicators). There are at most four rows, so
``search`` tries every row potential (integers within the number of rows, the first row fixed at
zero) and works out the columns: a column whose rows carry two potentials is forced, a column whose
rows share one potential may be in or out. The smallest non-empty revealed set of each potential is
then known, and one under the threshold is a breach. A breach is mended by hiding one more group
(the department or side whose hiding removes that set, smallest first; else the smallest
department, then the smallest side) and the search runs again until no breach is left. With only
the total left nothing can be worked out, so the loop ends.

The tests check the result against a brute force over every sum and difference of the shown
groups.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping
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


def search(grid: Mapping[Cell, int], threshold: int) -> frozenset[Cell] | None:
    """The cells of a revealed set smaller than ``threshold``, or None when there is none."""
    rows = sorted({r for r, _c in grid}, key=_order)
    columns: dict[Hashable, dict[Hashable, int]] = {}
    for (r, c), count in grid.items():
        columns.setdefault(c, {})[r] = count
    span = len(rows) - 1
    for rest in itertools.product(range(-span, span + 1), repeat=len(rows) - 1):
        potential = dict(zip(rows, (0, *rest), strict=True))
        forced: list[Cell] = []
        free: list[tuple[int, Hashable]] = []
        feasible = True
        for c, counts in columns.items():
            values = {potential[r] for r in counts}
            low, high = min(values), max(values)
            if high - low > 1:
                feasible = False
                break
            if high == low:
                free.append((sum(counts.values()), c))
            else:  # b = -low: rows at the high potential are in, the others out
                forced.extend((r, c) for r in counts if potential[r] == high)
        if not feasible:
            continue
        size = sum(grid[cell] for cell in forced)
        if size == 0 and free:
            smallest, column = min(free, key=lambda item: (item[0], _order(item[1])))
            if smallest < threshold:
                return frozenset((r, column) for r in columns[column])
        elif 0 < size < threshold:
            return frozenset(forced)
    return None


def _order(key: Hashable) -> tuple[int, str]:
    return (1, "") if key is HIDDEN else (0, str(key))


def _still_revealed(
    breach: frozenset[Cell],
    cells: Mapping[Cell, int],
    sides: frozenset[Hashable],
    departments: frozenset[Hashable],
    original: Mapping[Cell, frozenset[Cell]],
) -> bool:
    """Whether the respondents of ``breach`` stay exactly a revealed set with fewer groups shown."""
    members = {cell for merged in breach for cell in original[merged]}
    grid = _grid(cells, sides, departments)
    # The breach as a 0/1 vector over the new grid; a merged cell that is half in cannot be it.
    vector: dict[Cell, int] = {}
    for cell, count in cells.items():
        if count <= 0:
            continue
        key = _merged(cell, sides, departments)
        value = 1 if cell in members else 0
        if vector.setdefault(key, value) != value:
            return False
    # Solve x = a[row] + b[column] on the grid's bipartite graph, one component at a time.
    a: dict[Hashable, int] = {}
    b: dict[Hashable, int] = {}
    edges = list(grid)
    for start, _c in edges:
        if start in a:
            continue
        a[start] = 0
        changed = True
        while changed:
            changed = False
            for r, c in edges:
                if r in a and c not in b:
                    b[c] = vector[(r, c)] - a[r]
                    changed = True
                elif c in b and r not in a:
                    a[r] = vector[(r, c)] - b[c]
                    changed = True
    return all(a[r] + b[c] == vector[(r, c)] for r, c in edges)


def publishable(cells: Mapping[Cell, int], threshold: int) -> Published:  # noqa: C901 (the suppression search, kept whole so its privacy argument reads in one place)
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
        original: dict[Cell, set[Cell]] = {}
        for cell, count in cells.items():
            if count > 0:
                original.setdefault(_merged(cell, sides, departments), set()).add(cell)
        frozen = {merged: frozenset(value) for merged, value in original.items()}
        candidates = [("d", d) for d in sorted(departments, key=lambda d: (department_sizes[d], str(d)))]
        candidates += [("s", s) for s in sorted(sides, key=lambda s: (sizes[s], str(s)))]
        for kind, group in candidates:
            fewer_sides = sides - {group} if kind == "s" else sides
            fewer_departments = departments - {group} if kind == "d" else departments
            if not _still_revealed(breach, cells, fewer_sides, fewer_departments, frozen):
                sides, departments = fewer_sides, fewer_departments
                break
        else:
            kind, group = candidates[0]
            if kind == "d":
                departments = departments - {group}
            else:
                sides = sides - {group}
