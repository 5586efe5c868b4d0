"""The organisation home's alignment panel: the index with its trend, the three rows that cost it
the most points and what moved it this week. Internal members only: partners do not see the index."""

from __future__ import annotations

from typing import Any

from tandem.core.models import Membership
from tandem.insights import access, charts, selectors

CAUSES = 3
MOVED = 5


def home_panel(membership: Membership) -> tuple[str, dict[str, Any]] | None:
    """The panel's template and context; ``None`` for partners."""
    if not access.can_read(membership):
        return None
    org = membership.organization
    now = selectors.index_now(org)
    trend = selectors.trend(org)
    moves = selectors.moves_this_week(org)
    return "insights/_home_panel.html", {
        "breakdown": now,
        "sparkline": charts.sparkline(trend, now.index, chart_id="home-alignment-trend"),
        "causes": selectors.top_causes(now, CAUSES),
        "moves": moves,
        "moved_rows": moves.rows[:MOVED] if moves else [],
    }
