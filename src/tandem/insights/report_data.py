"""What the board report of a period says: the cover, the alignment index and its trend (from
``tandem.insights.selectors``), and each app's section (``tandem_report_section`` hooks).

Everything is written in the active language: callers wrap ``report_content`` in
``translation.override``. The index is the one of the week the period ends in: the live index when
that week is the current one, else that week's snapshot (or the latest one before it). Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tandem.core import report as r
from tandem.core.models import Organization
from tandem.core.navigation import app_hooks
from tandem.insights import selectors
from tandem.insights.models import ReportLanguage
from tandem.insights.pdf import Cover

TREND_WEEKS = 52
TOP_CAUSES = 5


@dataclass(frozen=True)
class ReportContent:
    cover: Cover
    sections: list[r.ReportSection]


def period_words(start: date, end: date) -> str:
    """The period as the report names it: "1 Nov 2026 – 30 Nov 2026"."""
    return f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"


def report_content(
    org: Organization, start: date, end: date, *, now: datetime | None = None
) -> ReportContent:
    """The cover and every section of ``org``'s report of ``start``..``end`` (both included)."""
    now = now or timezone.now()
    language = get_language() or ReportLanguage.ENGLISH
    index = index_section(org, start, end, now=now)
    headline = next((b.figures[0] for b in index.blocks if isinstance(b, r.Figures) and b.figures), None)
    cover = Cover(
        title=_("Board report: business and IT alignment"),
        organisation=org.name,
        period=period_words(start, end),
        language=language,
        generated=_("Generated on %(day)s") % {"day": date_format(timezone.localdate(now), "DATE_FORMAT")},
        note=_(
            "Survey figures of groups below the anonymity threshold are left out, and a why check "
            "appears only once both co-leads have answered."
        ),
        figure=headline,
    )
    sections = [index]
    for hook in app_hooks("tandem_report_section"):
        section = hook(org, start, end)
        if section is not None:
            sections.append(section)
    sections.sort(key=lambda s: s.order)
    return ReportContent(cover=cover, sections=sections)


# --- The index ----------------------------------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def breakdown_at(org: Organization, end: date, *, now: datetime) -> Any:
    """The index as it stood in the week ``end`` falls in: live for the current week, else that
    week's snapshot or the latest before it; ``None`` without any."""
    if _monday(end) >= _monday(timezone.localdate(now)):
        return selectors.index_now(org, now=now)
    snapshot = selectors.snapshot_list(org).filter(week__lte=end).first()
    return selectors.breakdown_of(snapshot) if snapshot is not None else None


def index_section(org: Organization, start: date, end: date, *, now: datetime) -> r.ReportSection:
    """The index at the end of the period, its change over the period, its trend over the year up to
    it, its components and what cost it the most points."""
    title = _("The alignment index")
    breakdown = breakdown_at(org, end, now=now)
    if breakdown is None or breakdown.index is None:
        return r.ReportSection(
            key="index",
            title=title,
            order=10,
            blocks=(
                r.Text(_("There is no alignment index for this period yet: no component has data."), True),
            ),
        )
    trend = [(week, value) for week, value in selectors.trend(org, weeks=TREND_WEEKS + 60) if week <= end]
    trend = trend[-TREND_WEEKS:]
    at_start = next((value for week, value in reversed(trend) if week <= start), None)
    figures = [r.KeyFigure(_("Alignment index"), r.number(breakdown.index), _("out of 100"))]
    if at_start is not None:
        change = breakdown.index - at_start
        figures.append(
            r.KeyFigure(
                _("Change over the period"),
                f"{change:+.0f}",
                _("index points since %(day)s") % {"day": date_format(start, "DATE_FORMAT")},
            )
        )
    blocks: list[r.Block] = [
        r.Text(
            _(
                "One figure from 0 to 100 for how well business and IT work as one, made of the "
                "components below; a component without data is left out, never counted as zero."
            )
        ),
        r.Figures(tuple(figures)),
    ]
    points = [(date_format(week, "DATE_FORMAT"), value) for week, value in trend]
    if _monday(end) >= _monday(timezone.localdate(now)):
        points.append((_("now"), breakdown.index))
    if len(points) > 1:
        blocks.append(r.TrendLine(_("The index week by week"), tuple(points)))
    blocks.append(_components_table(breakdown))
    causes = selectors.top_causes(breakdown, n=TOP_CAUSES)
    if causes:
        blocks.append(r.Heading(_("What cost the most points")))
        blocks.append(
            r.Table(
                (_("Component"), _("What"), _("Why"), _("Points lost")),
                tuple(
                    (_component_label(breakdown, c.component), c.label, c.detail, r.number(c.loss, 1))
                    for c in causes
                ),
                widths=(2.6, 4.4, 4.8, 1.8),
            )
        )
    return r.ReportSection(key="index", title=title, order=10, blocks=tuple(blocks))


def _component_label(breakdown: Any, key: str) -> str:
    return next((str(c.label) for c in breakdown.components if c.key == key), key)


def _components_table(breakdown: Any) -> r.Table:
    rows = []
    for c in breakdown.components:
        if c.score is None:
            rows.append(
                (str(c.label), "—", str(c.weight), "—", _("no data: %(why)s") % {"why": c.missing or "—"})
            )
        else:
            rows.append(
                (
                    str(c.label),
                    r.number(c.score),
                    str(c.weight),
                    r.number(c.contribution, 1),
                    r.number(c.points_lost, 1),
                )
            )
    return r.Table(
        (_("Component"), _("Score"), _("Weight"), _("Contribution"), _("Points lost")),
        tuple(rows),
        widths=(4.2, 1.3, 1.3, 2.4, 4.3),
    )
