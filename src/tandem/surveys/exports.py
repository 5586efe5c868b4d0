"""The aggregated results of a closed campaign as CSV or XLSX: one row per item and group, with the
type of the group (everyone, a side or a department: a department called "IT" is not the IT side).

The rows come from ``selectors.campaign_results`` and nothing else, so the file hides exactly what
the page hides: a suppressed group is a row that says "suppressed" with every figure empty. Free
text answers are not exported; their count is. Headers, labels and words are in the reader's
language; the key and the kind of an item are codes, the same in every language. The difference
between IT and the business is worded by ``results.difference_of``, as on the page.
"""

from __future__ import annotations

from typing import Any, cast

import tablib  # type: ignore[import-untyped]
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.errors import Conflict
from tandem.core.exports import escape_formula
from tandem.surveys.results import (
    GROUP_TYPES,
    CampaignResults,
    GroupResult,
    ItemResult,
    difference_of,
    group_type,
)

EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HEADERS = [
    gettext_lazy("Key"),
    gettext_lazy("Kind"),
    gettext_lazy("Item"),
    gettext_lazy("Group type"),
    gettext_lazy("Group"),
    gettext_lazy("Status"),
    gettext_lazy("Responses"),
    gettext_lazy("Mean"),
    gettext_lazy("Standard deviation"),
    gettext_lazy("Distribution"),
    gettext_lazy("Gap IT minus business"),
    gettext_lazy("Difference"),
    gettext_lazy("Rank-biserial"),
    gettext_lazy("Mann-Whitney U"),
    gettext_lazy("p-value"),
]
# A group's status in the file, in the reader's language like its headers and labels.
SUPPRESSED = gettext_lazy("suppressed")
SHOWN = gettext_lazy("shown")


def _round(value: float | None, digits: int = 3) -> float | str:
    return "" if value is None else round(value, digits)


def _group_row(item: ItemResult, group: GroupResult, *, with_comparison: bool) -> list[Any]:
    head = [item.key, item.kind, item.label, str(GROUP_TYPES[group_type(group)]), group.label]
    if group.suppressed:
        return [*head, str(SUPPRESSED), "", "", "", "", "", "", "", "", ""]
    distribution = "; ".join(f"{option}: {count}" for option, count in group.distribution or ())
    comparison = item.comparison if with_comparison else None
    difference = difference_of(comparison)
    figures = [
        str(SHOWN),
        group.n if group.n is not None else "",
        _round(group.mean, 2),
        _round(group.sd, 2),
        distribution,
    ]
    if comparison is None or difference is None:
        return [*head, *figures, "", "", "", "", ""]
    return [
        *head,
        *figures,
        _round(comparison.gap, 2),
        difference.words,
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
    dataset = tablib.Dataset(headers=[str(header) for header in HEADERS], title=_("Results")[:31])
    for row in results_rows(results):
        dataset.append([escape_formula(value) for value in row])
    if fmt == "xlsx":
        return cast(bytes, dataset.export("xlsx", column_width="adaptive"))
    return cast(str, dataset.export("csv")).encode("utf-8-sig")
