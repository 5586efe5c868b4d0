"""Template helpers of the survey pages: the gap in words, and the charts (maturity radar,
distribution bars, trend lines) as inline SVG with presentation attributes only (the CSP forbids
styles). Every chart has a title and a description; the pages also show its figures as a table."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.charts import svg_chart
from tandem.core.models import Side
from tandem.surveys.models import CampaignStatus
from tandem.surveys.results import Comparison, GroupResult, ItemResult, TrendPoint

register = template.Library()

MUTED, LINE, WASH, BRAND = "#5a6478", "#d9dee8", "#f5f7fb", "#2353c6"
COLOURS = {"overall": BRAND, Side.BUSINESS: "#8a4b08", Side.IT: "#0b6b5d", Side.PARTNER: "#5b3e9c"}
EFFECT_WORDS = {
    "negligible": gettext_lazy("negligible difference"),
    "small": gettext_lazy("small difference"),
    "medium": gettext_lazy("medium difference"),
    "large": gettext_lazy("large difference"),
}


@register.filter
def p_text(p_value: float | None) -> str:
    """A p-value as people read it: "p < 0.001", "p = 0.01", "p = 0.42"."""
    if p_value is None:
        return ""
    if p_value < 0.001:
        return "p < 0.001"
    return f"p = {p_value:.3f}" if p_value < 0.01 else f"p = {p_value:.2f}"


@register.filter
def gap_sentence(comparison: Comparison | None) -> str:
    """ "IT rates this 0.8 lower than the business (medium difference, p = 0.01)."""
    if comparison is None:
        return ""
    gap = comparison.gap
    effect = EFFECT_WORDS.get(comparison.effect, comparison.effect)
    if abs(gap) < 0.05:
        head = _("IT and the business rate this the same on average")
    elif gap < 0:
        head = _("IT rates this %(gap).1f lower than the business") % {"gap": -gap}
    else:
        head = _("IT rates this %(gap).1f higher than the business") % {"gap": gap}
    return f"{head} ({effect}, {p_text(comparison.p_value)})."


@register.filter
def chance_text(comparison: Comparison | None) -> str:
    """What the p-value means, in plain words."""
    if comparison is None:
        return ""
    if comparison.p_value < 0.05:
        return _("A difference this size is unlikely to be chance.")
    return _("A difference this size could well be chance.")


@register.filter
def side_of(item: ItemResult, key: str) -> GroupResult | None:
    return item.side(key)


@register.filter
def get(mapping: dict[str, object] | None, key: str) -> object:
    return (mapping or {}).get(key)


# --- Distribution bars ----------------------------------------------------------------------------------

BAR_ROW = 22


@register.simple_tag
def distribution_chart(group: GroupResult, chart_id: str, label: str = "") -> SafeString:
    """One horizontal bar per answer option, its length the share of the group's answers."""
    if group.suppressed or not group.distribution:
        return SafeString("")
    total = sum(count for _option, count in group.distribution) or 1
    rows = []
    for i, (option, count) in enumerate(group.distribution):
        share = count / total
        y = i * BAR_ROW
        rows.append(
            format_html(
                '<text x="0" y="{}" fill="{}" font-size="12">{}</text>'
                '<rect x="30%" y="{}" width="60%" height="14" fill="{}"/>'
                '<rect x="30%" y="{}" width="{}%" height="14" fill="{}"><title>{}: {}</title></rect>'
                '<text x="100%" y="{}" fill="{}" font-size="12" text-anchor="end">{}</text>',
                y + 13,
                MUTED,
                option if len(option) <= 28 else option[:27] + "…",
                y + 2,
                WASH,
                y + 2,
                f"{60 * share:.2f}",
                BRAND,
                option,
                count,
                y + 13,
                MUTED,
                f"{round(share * 100)}%",
            )
        )
    title = _("Distribution of answers: %(label)s") % {"label": label or group.label}
    desc = "; ".join(f"{option}: {count}" for option, count in group.distribution)
    return svg_chart(
        chart_id, title, desc, SafeString("".join(rows)), height=BAR_ROW * len(group.distribution)
    )


# --- Maturity radar -------------------------------------------------------------------------------------

RADAR_W, RADAR_H, RADAR_R = 520, 380, 130
RADAR_CX, RADAR_CY = RADAR_W / 2, RADAR_H / 2
SCALE_LOW, SCALE_HIGH = 1.0, 5.0


def _radar_point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    share = (max(SCALE_LOW, min(SCALE_HIGH, value)) - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW)
    return (
        round(RADAR_CX + RADAR_R * share * math.cos(angle), 1),
        round(RADAR_CY + RADAR_R * share * math.sin(angle), 1),
    )


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


@register.simple_tag
def maturity_radar(criteria: Sequence[ItemResult], chart_id: str) -> SafeString:
    """The criteria as axes from 1 (centre) to 5 (rim), the business and IT levels overlaid.

    A side is drawn only when all its criteria are shown; the table beside has every figure."""
    count = len(criteria)
    if count < 3:
        return SafeString("")
    parts: list[SafeString] = []
    for level in (1, 2, 3, 4, 5):
        ring = [_radar_point(i, count, level) for i in range(count)]
        parts.append(
            format_html(
                '<polygon points="{}" fill="none" stroke="{}" stroke-width="1"/>', _polygon(ring), LINE
            )
        )
    for i, item in enumerate(criteria):
        x, y = _radar_point(i, count, SCALE_HIGH)
        lx, ly = _radar_point(i, count, SCALE_HIGH + 0.7)
        anchor = "middle" if abs(lx - RADAR_CX) < 10 else ("start" if lx > RADAR_CX else "end")
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" fill="{}" font-size="13" text-anchor="{}">{}</text>',
                RADAR_CX,
                RADAR_CY,
                x,
                y,
                LINE,
                lx,
                ly + 4,
                MUTED,
                anchor,
                item.label,
            )
        )
    drawn = []
    for side, label in ((Side.BUSINESS, _("Business")), (Side.IT, _("IT"))):
        means = [
            g.mean if (g := item.side(side)) is not None and not g.suppressed else None for item in criteria
        ]
        if any(m is None for m in means):
            continue
        points = [_radar_point(i, count, float(m or 0)) for i, m in enumerate(means)]
        colour = COLOURS[side]
        drawn.append(
            f"{label}: " + ", ".join(f"{c.label} {m:.1f}" for c, m in zip(criteria, means, strict=True))
        )
        parts.append(
            format_html(
                '<polygon points="{}" fill="{}" fill-opacity="0.12" stroke="{}" stroke-width="2.5"/>',
                _polygon(points),
                colour,
                colour,
            )
        )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>',
                (
                    (x, y, colour, f"{label}, {c.label}: {m:.1f}")
                    for (x, y), c, m in zip(points, criteria, means, strict=True)
                ),
            )
        )
    legend = format_html_join(
        "",
        '<rect x="10" y="{}" width="14" height="14" fill="{}"/><text x="30" y="{}" fill="{}" font-size="13">{}</text>',
        (
            (10 + 20 * i, COLOURS[side], 22 + 20 * i, MUTED, label)
            for i, (side, label) in enumerate(((Side.BUSINESS, _("Business")), (Side.IT, _("IT"))))
        ),
    )
    parts.append(legend)
    title = _("Maturity by criterion: IT and the business")
    desc = "; ".join(drawn) or _("Neither side can be drawn: some of their figures are hidden.")
    return svg_chart(
        chart_id, title, desc, SafeString("".join(parts)), height=RADAR_H, view_box=f"0 0 {RADAR_W} {RADAR_H}"
    )


# --- Trend lines ----------------------------------------------------------------------------------------

TREND_H, TREND_TOP, TREND_BOTTOM = 220, 16, 30


@register.simple_tag
def trend_chart(
    points: Sequence[TrendPoint], chart_id: str, label: str, low: float = 1, high: float = 5
) -> SafeString:
    """The overall, business and IT means of one item across campaigns, oldest first; a hidden
    figure breaks its line."""
    if not points:
        return SafeString("")
    plot_h = TREND_H - TREND_TOP - TREND_BOTTOM

    def x(i: int) -> str:
        share = i / (len(points) - 1) if len(points) > 1 else 0.5
        return f"{4 + 92 * share:.2f}%"

    def y(value: float) -> float:
        return round(TREND_TOP + plot_h * (high - value) / ((high - low) or 1), 1)

    parts: list[SafeString] = [
        format_html(
            '<line x1="0" x2="100%" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            '<text x="0" y="{}" fill="{}" font-size="12">{}</text>',
            y(v),
            y(v),
            LINE,
            y(v) - 3,
            MUTED,
            f"{v:g}",
        )
        for v in (low, (low + high) / 2, high)
    ]
    series = (
        ("overall", _("Everyone"), [p.overall for p in points]),
        (Side.BUSINESS, _("Business"), [p.business for p in points]),
        (Side.IT, _("IT"), [p.it for p in points]),
    )
    for key, name, values in series:
        colour = COLOURS[key]
        dash = "6 4" if key == "overall" else "none"
        for i in range(1, len(values)):
            before, now = values[i - 1], values[i]
            if before is not None and now is not None:
                parts.append(
                    format_html(
                        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>',
                        x(i - 1),
                        y(before),
                        x(i),
                        y(now),
                        colour,
                        dash,
                    )
                )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}, {}: {}</title></circle>',
                (
                    (x(i), y(v), colour, name, points[i].campaign.title, f"{v:.1f}")
                    for i, v in enumerate(values)
                    if v is not None
                ),
            )
        )
    parts.append(
        format_html_join(
            "",
            '<text x="{}" y="{}" fill="{}" font-size="12" text-anchor="middle">{}</text>',
            ((x(i), TREND_H - 8, MUTED, p.campaign.opens_on.strftime("%b %Y")) for i, p in enumerate(points)),
        )
    )
    title = _("Trend of %(label)s") % {"label": label}
    desc = "; ".join(
        f"{p.campaign.title}: "
        + ", ".join(
            f"{name} {'hidden' if v is None else f'{v:.1f}'}"
            for name, v in ((_("everyone"), p.overall), (_("business"), p.business), (_("IT"), p.it))
        )
        for p in points
    )
    return svg_chart(chart_id, title, desc, SafeString("".join(parts)), height=TREND_H)


@register.filter
def status_label(status: str) -> str:
    return str(CampaignStatus(status).label) if status in CampaignStatus.values else status
