"""An initiative's RACI matrix and a quarter's party scorecard as CSV or XLSX: the headers in the
reader's language; cells a spreadsheet would run as formulas are escaped."""

from __future__ import annotations

from typing import cast

import tablib  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from tandem.core.exports import escape_formula
from tandem.governance.models import Priority
from tandem.governance.scorecard import quarter_label
from tandem.governance.selectors import Matrix, Scorecard

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def matrix_file(m: Matrix, *, fmt: str) -> bytes:
    headers = [_("Activity"), *(c.label for c in m.columns)]
    dataset = tablib.Dataset(headers=[escape_formula(h) for h in headers], title="RACI")
    for activity in m.activities:
        row = [activity.name, *(m.letter(activity, c.column) for c in m.columns)]
        dataset.append([escape_formula(value) for value in row])
    if fmt == "xlsx":
        return cast(bytes, dataset.export("xlsx", column_width="adaptive"))
    return cast(str, dataset.export("csv")).encode("utf-8-sig")


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def scorecard_headers() -> list[str]:
    """The scorecard's columns, as the page and the export name them."""
    return [
        _("Party"),
        _("Score (0–100)"),
        _("Service levels met (%)"),
        _("Service-level checks"),
        *(value.upper() for value in Priority.values),
        _("Mean time to acknowledge (h)"),
        _("Mean time to resolve (h)"),
        _("Escalations"),
        _("Escalation-free (%)"),
        _("Responsiveness (%)"),
        _("Responsible (R)"),
        _("Accountable (A)"),
        _("Contributions"),
        _("Business rating (1–5)"),
    ]


def scorecard_file(card: Scorecard, *, fmt: str) -> bytes:
    """A quarter's scorecard, one row per party, best score first; a rating not shown says why."""
    dataset = tablib.Dataset(
        headers=[escape_formula(h) for h in scorecard_headers()], title=quarter_label(card.quarter)
    )
    for row in card.rows:
        values = [
            row.party.name,
            _number(row.score),
            _number(row.service_levels.percent),
            f"{row.service_levels.met}/{row.service_levels.total}" if row.service_levels.total else "",
            *(str(row.incidents.get(value, 0)) for value in Priority.values),
            _number(row.mtta_hours),
            _number(row.mttr_hours),
            str(row.escalations),
            _number(row.escalation_free.percent),
            _number(row.responsiveness.percent),
            str(row.raci.get("R", 0)),
            str(row.raci.get("A", 0)),
            str(row.contributions),
            _number(row.rating, 2) if row.rating is not None else row.rating_note,
        ]
        dataset.append([escape_formula(value) for value in values])
    if fmt == "xlsx":
        return cast(bytes, dataset.export("xlsx", column_width="adaptive"))
    return cast(str, dataset.export("csv")).encode("utf-8-sig")
