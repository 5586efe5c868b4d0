"""How a party's quarter is scored: the components, their weights, and the one figure they make.
No Django: the selectors gather the facts, this module weighs them.

The score (0–100) blends what was measured with how the business side experienced the party:

============================  ======  ===============================================================
Component                     Weight  What gives 100
============================  ======  ===============================================================
Service levels                40      every agreed target of the party's services met in the quarter
                                      (availability, its own measures, incidents acknowledged and
                                      resolved within the agreed working hours)
Business rating               30      every business co-lead who rated the party gave it 5 out of 5
                                      (a rating of 1 gives 0; shown only from the anonymity threshold)
Responsiveness                15      every incident the party acknowledged was acknowledged within
                                      the agreed time, on the party's own clock
Escalation-free               15      no incident escalated while the party held it
============================  ======  ===============================================================

A component without facts (a party without services, too few ratings to show, no incidents) is
left out and the weights of the others are scaled up to 100: never counted as zero, never as full.
Without any component there is no score. The incidents by severity, the mean times to acknowledge
and to resolve, the RACI load and the contributions to shared objectives stand beside the score and
are compared as they are; they do not move it, because more work is not worse work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

WEIGHTS: Mapping[str, int] = {
    "service_levels": 40,
    "rating": 30,
    "responsiveness": 15,
    "escalation_free": 15,
}


@dataclass(frozen=True)
class Tally:
    """How many of some checks were met: a share that knows how many it was taken over."""

    met: int = 0
    total: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.met + other.met, self.total + other.total)

    @property
    def percent(self) -> float | None:
        return None if not self.total else 100 * self.met / self.total


def rating_percent(mean: float | None) -> float | None:
    """A mean rating on 1–5 as 0–100 (1 is 0, 5 is 100)."""
    return None if mean is None else (mean - 1) / 4 * 100


def score(components: Mapping[str, float | None], weights: Mapping[str, int] = WEIGHTS) -> float | None:
    """The weighted mean of the components that have a value (each 0–100); None when none has."""
    present = {name: value for name, value in components.items() if value is not None and weights.get(name)}
    total = sum(weights[name] for name in present)
    if not total:
        return None
    return sum(weights[name] * value for name, value in present.items()) / total


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def quarter_of(day: date) -> date:
    """The first day of the quarter ``day`` falls in."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(start: date) -> date:
    """The last day of the quarter that starts on ``start``."""
    from datetime import timedelta

    following = date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)
    return following - timedelta(days=1)


def previous_quarter(start: date) -> date:
    return date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)


def quarter_label(start: date) -> str:
    """ "2026-Q3": the quarter as the pages and the API name it."""
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> date | None:
    """The first day of a quarter named "2026-Q3" (or "2026Q3", "q3 2026"); None when unreadable."""
    cleaned = text.strip().upper().replace(" ", "").replace("-", "")
    if cleaned.startswith("Q") and len(cleaned) == 6:
        cleaned = cleaned[2:] + cleaned[:2]
    if len(cleaned) != 6 or cleaned[4] != "Q" or not cleaned[:4].isdigit() or cleaned[5] not in "1234":
        return None
    year = int(cleaned[:4])
    if not 2000 <= year <= 2100:
        return None
    return date(year, 3 * (int(cleaned[5]) - 1) + 1, 1)
