"""The delivery dashboard as CSV or XLSX: one row per organisation, initiative, party and department
with every figure, headers in the reader's language. Figures are numbers (a negative slip stays a
number a spreadsheet can sum); a figure without facts is an empty cell, never zero; text a
spreadsheet would run as a formula is escaped."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import tablib  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from tandem.core.exports import escape_formula
from tandem.core.models import Side
from tandem.delivery.metrics import Figures
from tandem.delivery.models import RejectionReason
from tandem.delivery.selectors import Dashboard

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def headers() -> list[str]:
    """The columns, in the reader's language."""
    return [
        _("Level"),
        _("Name"),
        _("Deliverables"),
        _("Accepted"),
        _("On time (%)"),
        _("Mean slip (days)"),
        _("First time right (%)"),
        _("Rejected offers"),
        *(_("Rejected: %(reason)s") % {"reason": label} for label in RejectionReason.labels),
        _("Re-plans"),
        _("Unexplained changes"),
        *(_("Change requests from %(side)s") % {"side": label} for label in Side.labels),
        _("Approved change budget"),
        _("Original budget"),
        _("Scope creep (percentage of the original budget)"),
        _("Schedule growth (%)"),
        _("Budget variance"),
        _("Budget variance (%)"),
        _("Schedule variance (days)"),
    ]


def _share(rate: float | None) -> float | str:
    return "" if rate is None else round(rate * 100, 1)


def _figure(value: float | Decimal | int | None) -> float | Decimal | int | str:
    if value is None:
        return ""
    return round(value, 1) if isinstance(value, float) else value


def figure_cells(f: Figures) -> list[Any]:
    """Every figure of one row, in the order of ``headers`` (after level and name)."""
    return [
        f.deliverables,
        f.accepted,
        _share(f.on_time_rate),
        _figure(f.mean_slip_days),
        _share(f.first_time_right_rate),
        f.rejected_offers,
        *(f.rejections.get(reason, 0) for reason in RejectionReason.values),
        f.replans,
        f.unexplained_changes,
        *(f.change_requests_by_side.get(side, 0) for side in Side.values),
        f.approved_change_budget,
        _figure(f.original_budget),
        _share(f.scope_creep_index),
        _figure(f.schedule_growth_pct),
        _figure(f.budget_variance),
        _figure(f.budget_variance_pct),
        _figure(f.schedule_variance_days),
    ]


def dashboard_rows(board: Dashboard, *, organisation: str, partner: bool) -> list[list[Any]]:
    """The rows of the export: a partner's holds their parties only."""
    rows: list[list[Any]] = []
    if not partner:
        rows.append([_("organisation"), organisation, *figure_cells(board.organization)])
        rows.extend([_("initiative"), r.label, *figure_cells(r.figures)] for r in board.initiatives)
    rows.extend([_("party"), r.label, *figure_cells(r.figures)] for r in board.parties)
    if not partner:
        rows.extend([_("department"), r.label, *figure_cells(r.figures)] for r in board.departments)
    return rows


def dashboard_file(board: Dashboard, *, fmt: str, organisation: str, partner: bool) -> bytes:
    """The dashboard's figures as a CSV or XLSX file."""
    dataset = tablib.Dataset(headers=[escape_formula(h) for h in headers()], title=_("Delivery"))
    for row in dashboard_rows(board, organisation=organisation, partner=partner):
        dataset.append([escape_formula(value) for value in row])
    if fmt == "xlsx":
        return cast(bytes, dataset.export("xlsx", column_width="adaptive"))
    return cast(str, dataset.export("csv")).encode("utf-8-sig")
