"""The aggregated results of a closed campaign as CSV or XLSX: one row per item and group.

The rows come from ``selectors.campaign_results`` and nothing else, so the file hides exactly what
the page hides: a suppressed group is a row that says "suppressed" with every figure empty. Free
text answers are not exported; their count is.
"""

from __future__ import annotations

from typing import Any, cast

import tablib  # type: ignore[import-untyped]

from tandem.core.errors import Conflict
from tandem.core.exports import escape_formula
from tandem.surveys.results import CampaignResults, GroupResult, ItemResult

EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADERS = [
    "Key",
    "Kind",
    "Item",
    "Group",
    "Status",
    "Responses",
    "Mean",
    "Standard deviation",
    "Distribution",
    "Gap IT minus business",
    "Effect size",
    "Rank-biserial",
    "Mann-Whitney U",
    "p-value",
]
SUPPRESSED = "suppressed"


def _round(value: float | None, digits: int = 3) -> float | str:
    return "" if value is None else round(value, digits)


def _group_row(item: ItemResult, group: GroupResult, *, with_comparison: bool) -> list[Any]:
    head = [item.key, item.kind, item.label, group.label]
    if group.suppressed:
        return [*head, SUPPRESSED, "", "", "", "", "", "", "", "", ""]
    distribution = "; ".join(f"{option}: {count}" for option, count in group.distribution or ())
    comparison = item.comparison if with_comparison else None
    figures = [
        "shown",
        group.n if group.n is not None else "",
        _round(group.mean, 2),
        _round(group.sd, 2),
        distribution,
    ]
    if comparison is None:
        return [*head, *figures, "", "", "", "", ""]
    return [
        *head,
        *figures,
        _round(comparison.gap, 2),
        comparison.effect,
        _round(comparison.rank_biserial),
        _round(comparison.u, 1),
        _round(comparison.p_value, 4),
    ]


def results_rows(results: CampaignResults) -> list[list[Any]]:
    """Every item (questions, criteria, the overall level) by every group; the comparison of IT
    and the business sits on the item's "Everyone" row."""
    rows: list[list[Any]] = []
    items = [*results.items, *results.criteria, *([results.maturity] if results.maturity else [])]
    for item in items:
        rows.append(_group_row(item, item.overall, with_comparison=True))
        for group in (*item.sides, *item.departments):
            rows.append(_group_row(item, group, with_comparison=False))
    return rows


def results_export(results: CampaignResults, *, fmt: str) -> bytes:
    """The file, or Conflict when the campaign has no results to show yet."""
    if not results.available:
        raise Conflict(results.reason)
    dataset = tablib.Dataset(headers=HEADERS, title="Results"[:31])
    for row in results_rows(results):
        dataset.append([escape_formula(value) for value in row])
    if fmt == "xlsx":
        return cast(bytes, dataset.export("xlsx", column_width="adaptive"))
    return cast(str, dataset.export("csv")).encode("utf-8-sig")
