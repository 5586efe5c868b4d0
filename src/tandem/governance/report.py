"""The governance app's section of the board report (``tandem.core.report``): the scorecard of
every party for the quarter the period ends in, as the scorecard page shows it to an internal
reader (a business rating only where enough people rated: ``selectors.scorecard_rows``)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from tandem.core import report as r
from tandem.core.models import Organization
from tandem.governance import scorecard, selectors
from tandem.governance.models import Party


def report_section(org: Organization, start: date, end: date) -> r.ReportSection | None:
    """``None`` for an organisation without parties."""
    parties = list(Party.objects.for_org(org).order_by("name", "pk"))
    if not parties:
        return None
    quarter = scorecard.quarter_of(end)
    card = selectors.scorecard_rows(org, parties, quarter, today=end)
    rows = tuple(
        (
            row.party.name,
            r.number(row.score),
            _percent(row.service_levels.percent),
            str(sum(row.incidents.values())),
            str(row.escalations),
            r.number(row.rating, 1) if row.rating is not None else (row.rating_note or "—"),
        )
        for row in card.rows
    )
    blocks: tuple[r.Block, ...] = (
        r.Text(
            _(
                "Each party's score (0-100) for %(quarter)s blends its service levels, the business "
                "rating, its responsiveness and incidents without escalation; a part without facts is "
                "left out."
            )
            % {"quarter": scorecard.quarter_label(quarter)}
        ),
        r.Table(
            (_("Party"), _("Score"), _("Service levels met"), _("Incidents"), _("Escalations"), _("Rating")),
            rows,
            widths=(3.6, 1.2, 2.0, 1.7, 2.0, 2.6),
        ),
    )
    return r.ReportSection(
        key="governance", title=_("Party scorecards"), order=r.ORDER["governance"], blocks=blocks
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{r.number(value)} %"
