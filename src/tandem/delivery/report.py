"""The delivery app's section of the board report (``tandem.core.report``): the organisation's
delivery figures as the delivery dashboard shows them on the last day of the period (on time
against the first commitment, first time right, change requests by side, budget variance)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from tandem.core import report as r
from tandem.core.models import Organization, Side
from tandem.delivery import selectors
from tandem.delivery.models import Deliverable


def report_section(org: Organization, start: date, end: date) -> r.ReportSection | None:
    """``None`` for an organisation without deliverables."""
    if not Deliverable.objects.for_org(org).exists():
        return None
    f = selectors.dashboard(org, today=end).organization
    figures = r.Figures(
        (
            r.KeyFigure(_("On time"), _share(f.on_time_rate), _("against the first commitment")),
            r.KeyFigure(
                _("First time right"), _share(f.first_time_right_rate), _("accepted at the first offer")
            ),
            r.KeyFigure(_("Accepted"), f"{f.accepted} / {f.deliverables}", _("deliverables")),
        )
    )
    by_side = f.change_requests_by_side
    rows = (
        (_("Mean slip"), _days(f.mean_slip_days)),
        (_("Rejected offers"), str(f.rejected_offers)),
        (_("Change requests by the business"), str(by_side.get(Side.BUSINESS, 0))),
        (_("Change requests by IT"), str(by_side.get(Side.IT, 0))),
        (_("Plan changes without an approved change request"), str(f.unexplained_changes)),
        (
            _("Budget variance"),
            "—" if f.budget_variance_pct is None else f"{r.number(f.budget_variance_pct, 1)} %",
        ),
    )
    blocks: tuple[r.Block, ...] = (figures, r.Table((_("Figure"), _("Value")), rows, widths=(5.0, 2.0)))
    return r.ReportSection(
        key="delivery", title=_("Delivery figures"), order=r.ORDER["delivery"], blocks=blocks
    )


def _share(rate: float | None) -> str:
    return "—" if rate is None else f"{r.number(100 * rate)} %"


def _days(value: float | None) -> str:
    return "—" if value is None else _("%(n)s days") % {"n": r.number(value, 1)}
