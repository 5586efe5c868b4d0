"""The reviews app's section of the board report (``tandem.core.report``): the decisions taken
in the period, each with whether both sides confirmed it, as the decision log shows them."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import report as r
from tandem.core.models import Organization
from tandem.reviews.minutes import confirmation_status
from tandem.reviews.models import Decision

MAX_ROWS = 40


def report_section(org: Organization, start: date, end: date) -> r.ReportSection | None:
    """``None`` when the period has no decisions."""
    found = (
        Decision.objects.for_org(org)
        .filter(created_at__date__gte=start, created_at__date__lte=end)
        .select_related("initiative")
        .prefetch_related("confirmations")
        .order_by("created_at", "pk")
    )
    total = found.count()
    if not total:
        return None
    rows = tuple(
        (
            date_format(d.created_at, "DATE_FORMAT"),
            d.title,
            d.initiative.title if d.initiative is not None else "—",
            confirmation_status(d),
        )
        for d in found[:MAX_ROWS]
    )
    blocks: list[r.Block] = [
        r.Text(_("%(n)s decisions were recorded in the period.") % {"n": total}),
        r.Table(
            (_("Date"), _("Decision"), _("Initiative"), _("Confirmed")), rows, widths=(2.0, 5.0, 3.5, 3.0)
        ),
    ]
    if total > MAX_ROWS:
        blocks.append(
            r.Text(_("The first %(n)s are listed; the decision log has them all.") % {"n": MAX_ROWS}, True)
        )
    return r.ReportSection(
        key="reviews", title=_("Decisions of the period"), order=r.ORDER["reviews"], blocks=tuple(blocks)
    )
