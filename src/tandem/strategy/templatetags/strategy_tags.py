"""Template helpers of the strategy pages: stage badges, percentages, sortable headers and the
check-in history chart (inline SVG with presentation attributes only: the CSP forbids styles)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from tandem.core.charts import svg_chart
from tandem.strategy.models import CheckIn, KeyResult, Stage
from tandem.strategy.progress import Direction

register = template.Library()

STAGE_BADGES: dict[str, str] = {
    Stage.IDEA: "badge-muted",
    Stage.PROPOSED: "badge-muted",
    Stage.APPROVED: "badge-ok",
    Stage.IN_DELIVERY: "badge-ok",
    Stage.DELIVERED: "badge-ok",
    Stage.CLOSED: "badge-muted",
    Stage.PAUSED: "badge-warn",
    Stage.CANCELLED: "badge-bad",
}
# Stages at which bringing IT in is too late: it is there to retrofit delivery, not to plan.
LATE_FOR_IT = {Stage.APPROVED, Stage.IN_DELIVERY, Stage.DELIVERED, Stage.CLOSED}


@register.filter
def stage_badge(stage: str) -> str:
    """The badge class of a stage."""
    return STAGE_BADGES.get(stage, "badge-muted")


@register.filter
def it_joined_late(stage: str) -> bool:
    return stage in LATE_FOR_IT


@register.filter
def percent(share: float | None) -> int:
    """A share in [0, 1] as a whole percentage."""
    return round(max(0.0, min(1.0, share or 0.0)) * 100)


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str, **attrs: Any) -> SafeString:
    """A column header that sorts by ``key`` (and the reverse when already sorted by it).

    Extra keyword arguments become attributes of the ``th`` (``scope``, ``colspan``, ``rowspan``).
    """
    request = context["request"]
    current = request.GET.get("sort", "")
    descending = current == f"-{key}"
    next_key = key if descending or current != key else f"-{key}"
    query = request.GET.copy()
    query["sort"] = next_key
    query.pop("page", None)
    attrs = {"scope": "col", **attrs}
    arrow = ""
    if current in (key, f"-{key}"):
        attrs["aria-sort"] = "descending" if descending else "ascending"
        arrow = "▼" if descending else "▲"
    return format_html(
        '<th{}><a href="?{}">{}{}</a></th>',
        format_html_join("", ' {}="{}"', sorted(attrs.items())),
        query.urlencode(),
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


@register.filter
def num(value: float | None) -> str:
    """A reading without needless decimals (3.9, not 3.90); an em dash when there is none."""
    return "—" if value is None else _number(value)


HEIGHT, TOP, BOTTOM = 220, 18, 30
MUTED, LINE, WASH, BRAND, OK, OK_WASH = "#5a6478", "#d9dee8", "#f5f7fb", "#2353c6", "#1d7a34", "#e6f5ea"


@register.simple_tag
def check_in_chart(check_ins: Sequence[CheckIn], key_result: KeyResult, chart_id: str) -> SafeString:
    """The check-in values over time as an SVG line, with the target (or band) drawn in.

    Horizontal positions are percentages and vertical ones pixels, so the chart fills any width
    (a phone or a desktop) while its text keeps a readable size, with no stylesheet involved.
    """
    points = sorted(check_ins, key=lambda c: (c.created_at, c.pk))
    if not points:
        return SafeString("")
    values = [c.value for c in points]
    scale = [*values, key_result.baseline, key_result.target]
    within = key_result.direction == Direction.WITHIN
    if within:
        scale += [v for v in (key_result.band_min, key_result.band_max) if v is not None]
    low, high = min(scale), max(scale)
    pad = (high - low) * 0.12 or 1.0
    low, high = low - pad, high + pad
    plot_h = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return round(TOP + plot_h * (high - value) / (high - low), 1)

    times = [c.created_at.timestamp() for c in points]
    first, last = times[0], times[-1]

    def x(i: int) -> str:
        if last == first:
            share = 0.5 if len(points) == 1 else i / (len(points) - 1)
        else:
            share = (times[i] - first) / (last - first)
        return f"{2 + 96 * share:.2f}%"

    def day(c: CheckIn) -> str:
        return date_format(localtime(c.created_at), "j M Y")

    title = _("History of %(metric)s") % {"metric": key_result.metric}
    desc = _("%(n)s check-ins from %(first)s to %(last)s; latest value %(value)s; target %(target)s.") % {
        "n": len(points),
        "first": day(points[0]),
        "last": day(points[-1]),
        "value": _number(values[-1]),
        "target": _number(key_result.target),
    }
    parts: list[SafeString] = [
        format_html(
            '<rect x="0" y="{}" width="100%" height="{}" fill="{}" stroke="{}"/>', TOP, plot_h, WASH, LINE
        )
    ]
    if within and key_result.band_min is not None and key_result.band_max is not None:
        top, bottom = y(key_result.band_max), y(key_result.band_min)
        parts.append(
            format_html(
                '<rect x="0" y="{}" width="100%" height="{}" fill="{}"/>', top, max(bottom - top, 1), OK_WASH
            )
        )
    for value, colour, dash, label in (
        (key_result.baseline, MUTED, "2 4", _("baseline")),
        (key_result.target, OK, "6 4", _("target")),
    ):
        parts.append(
            format_html(
                '<line x1="0" x2="100%" y1="{}" y2="{}" stroke="{}" stroke-width="1.5" stroke-dasharray="{}"/>'
                '<text x="99%" y="{}" fill="{}" font-size="13" text-anchor="end" stroke="#ffffff" stroke-width="3" paint-order="stroke">{} {}</text>',
                y(value),
                y(value),
                colour,
                dash,
                y(value) - 5,
                colour,
                label,
                _number(value),
            )
        )
    parts.append(
        format_html_join(
            "",
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" stroke-linecap="round"/>',
            ((x(i - 1), y(values[i - 1]), x(i), y(values[i]), BRAND) for i in range(1, len(points))),
        )
    )
    parts.append(
        format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}: {}</title></circle>',
            ((x(i), y(c.value), BRAND, day(c), _number(c.value)) for i, c in enumerate(points)),
        )
    )
    parts.append(
        format_html(
            '<text x="0" y="{}" fill="{}" font-size="13">{}</text>'
            '<text x="100%" y="{}" fill="{}" font-size="13" text-anchor="end">{}</text>',
            HEIGHT - 8,
            MUTED,
            day(points[0]),
            HEIGHT - 8,
            MUTED,
            day(points[-1]),
        )
    )
    return svg_chart(chart_id, title, desc, SafeString("".join(parts)), height=HEIGHT)
