"""The surveys app's section of the board report (``tandem.core.report``): the perception gap
between business and IT per question, and the maturity radar, from the latest campaign that had
closed by the end of the period.

Every figure comes from ``selectors.campaign_results``, the one place that applies the anonymity
threshold, exactly as the results page shows it: a group below the threshold has no figure, so a
question whose business or IT group is suppressed has no bar, and a campaign whose results are not
shown on its page (still open, too few responses) gives only the reason.
"""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import report as r
from tandem.core.models import Organization, Side
from tandem.surveys import selectors
from tandem.surveys.models import SCALES, Campaign
from tandem.surveys.results import CampaignResults, ItemResult, difference_of

TOP_GAPS = 12


def closed_by(campaign: Campaign) -> date:
    """The day a campaign's answers stopped: closed early, or its last day."""
    return campaign.closed_at.date() if campaign.closed_at is not None else campaign.closes_on


def latest_closed(org: Organization, end: date) -> Campaign | None:
    """The campaign that closed last on or before ``end`` and is closed today."""
    found = [
        c
        for c in Campaign.objects.for_org(org).filter(opens_on__lte=end)
        if c.is_closed and closed_by(c) <= end
    ]
    return max(found, key=lambda c: (closed_by(c), c.pk), default=None)


def report_section(org: Organization, start: date, end: date) -> r.ReportSection | None:
    """The perception gap and the maturity radar of the latest closed campaign; ``None`` when the
    organisation never ran one."""
    if not Campaign.objects.for_org(org).exists():
        return None
    title = _("How business and IT see each other")
    campaign = latest_closed(org, end)
    if campaign is None:
        text = _("No survey had closed by the end of the period, so there are no survey results to show.")
        return r.ReportSection(
            key="surveys", title=title, order=r.ORDER["surveys"], blocks=(r.Text(text, True),)
        )
    results = selectors.campaign_results(campaign)
    intro = _("From the survey “%(title)s”, closed on %(day)s.") % {
        "title": campaign.title,
        "day": date_format(closed_by(campaign), "DATE_FORMAT"),
    }
    if not results.available:
        blocks: tuple[r.Block, ...] = (r.Text(results.reason, True),)
    else:
        blocks = _blocks(results)
    return r.ReportSection(key="surveys", title=title, order=r.ORDER["surveys"], intro=intro, blocks=blocks)


def _both_sides(item: ItemResult) -> tuple[float, float] | None:
    business, it = item.side(Side.BUSINESS), item.side(Side.IT)
    if business is None or it is None or business.mean is None or it.mean is None:
        return None
    if business.suppressed or it.suppressed:
        return None
    return business.mean, it.mean


def top_gaps(results: CampaignResults) -> list[tuple[ItemResult, float, float]]:
    """The questions where both sides are shown, the widest gap first: (item, business, IT)."""
    rows = []
    for item in results.gaps:
        means = _both_sides(item)
        if item.kind in SCALES and means is not None:
            rows.append((item, *means))
    return rows[:TOP_GAPS]


def _blocks(results: CampaignResults) -> tuple[r.Block, ...]:
    blocks: list[r.Block] = [
        r.Text(
            _(
                "%(responses)s of %(invited)s people answered. Groups smaller than %(n)s people are "
                "never shown, so some questions may have no comparison."
            )
            % {"responses": results.responses, "invited": results.invited, "n": results.threshold}
        )
    ]
    if results.maturity is not None and results.maturity.overall.mean is not None:
        figures = [
            r.KeyFigure(
                _("Overall alignment maturity"), r.number(results.maturity.overall.mean, 1), _("out of 5")
            )
        ]
        means = _both_sides(results.maturity)
        if means is not None:
            figures.append(r.KeyFigure(str(Side.BUSINESS.label), r.number(means[0], 1)))
            figures.append(r.KeyFigure(str(Side.IT.label), r.number(means[1], 1)))
        blocks.append(r.Figures(tuple(figures)))
    gaps = top_gaps(results)
    if gaps:
        span = max(max(SCALES[item.kind]) - min(SCALES[item.kind]) for item, _b, _i in gaps)
        blocks.append(
            r.DivergingBars(
                _("The widest gaps between business and IT"),
                left_label=_("business rates higher"),
                right_label=_("IT rates higher"),
                rows=tuple(r.Gap(item.label, business, it) for item, business, it in gaps),
                span=span / 2,
                figures_label=f"{Side.BUSINESS.label} / {Side.IT.label}",
            )
        )
        blocks.append(
            r.Table(
                (_("Question"), str(Side.BUSINESS.label), str(Side.IT.label), _("Difference")),
                tuple(
                    (item.label, r.number(business, 1), r.number(it, 1), _words(item))
                    for item, business, it in gaps
                ),
                widths=(6.2, 1.7, 1.4, 3.0),
            )
        )
    else:
        blocks.append(r.Text(_("No question has figures of both business and IT to compare."), True))
    radar = _radar(results)
    if radar is not None:
        blocks.append(radar)
    return tuple(blocks)


def _words(item: ItemResult) -> str:
    difference = difference_of(item.comparison)
    return difference.words if difference is not None else ""


def _radar(results: CampaignResults) -> r.Radar | None:
    """The maturity criteria per side, where both sides are shown on every criterion."""
    criteria = [(c, _both_sides(c)) for c in results.criteria]
    if len(criteria) < 3 or any(means is None for _c, means in criteria):
        return None
    shown = [(c, means) for c, means in criteria if means is not None]
    return r.Radar(
        _("Alignment maturity by criterion"),
        axes=tuple(c.label for c, _m in shown),
        series=(
            r.RadarSeries(str(Side.BUSINESS.label), tuple(m[0] for _c, m in shown)),
            r.RadarSeries(str(Side.IT.label), tuple(m[1] for _c, m in shown)),
        ),
        minimum=1.0,
        maximum=5.0,
    )
