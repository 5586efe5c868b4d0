"""An initiative's RACI matrix as CSV or XLSX: one row per activity, one column per party or
person, the headers in the reader's language; cells a spreadsheet would run as formulas are escaped."""

from __future__ import annotations

from typing import cast

import tablib  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from tandem.core.exports import escape_formula
from tandem.governance.selectors import Matrix

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
