"""Why-check test data: the answers of the two co-leads (the approved initiative and its round are in
``tests/conftest.py``)."""

from __future__ import annotations

from typing import Any

BUSINESS_ANSWER: dict[str, Any] = {
    "why": "Customers should settle simple claims in a day instead of waiting two weeks.",
    "measures": [{"name": "Claims settled within one day", "target": 60, "unit": "%", "by": "2027-06-30"}],
}
IT_ANSWER: dict[str, Any] = {
    "why": "Replace the claims mainframe screens before the support contract ends.",
    "measures": [{"name": "Mainframe transactions retired", "target": 100, "unit": "%"}],
}
