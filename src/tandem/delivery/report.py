"""The delivery app's section of the board report (``tandem.core.report``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tandem.core.models import Organization


def report_section(org: Organization, start: date, end: date) -> Any:
    return None
