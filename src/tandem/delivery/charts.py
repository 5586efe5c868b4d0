"""The delivery app's charts, drawn with the core chart kit: the planned-vs-actual timeline of an
initiative's deliverables and the organisation's monthly on-time and first-time-right trend.

Both are inline SVG drawn on the server (no script, presentation attributes only, so the strict
CSP holds); the pages show every figure in a table beside them. The timeline places things across
in percentages, so it fills a phone or a desktop: a marker is a small drawing around its own origin
inside a nested ``<svg>`` placed at the percentage (a polygon's points cannot be percentages)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tandem.core import charts
from tandem.core.charts import Axis, Places, Rule, Series
from tandem.core.numbers import number
from tandem.delivery.metrics import Thresholds
from tandem.delivery.selectors import TimelineRow

# --- The planned-vs-actual timeline ------------------------------------------------------------------

# Each deliverable's title stands above its line, so the dates get the whole width on a phone.
ROW, TITLE_Y, LINE_Y, FONT, LABEL_CHARS = 46, 12, 28, 12, 36
PLOT_LEFT, PLOT_RIGHT = 3.0, 97.0
LEGEND_WIDTH, LEGEND_ROW = 260, 20  # a phone's width: the legend wraps before it
MAX_TICKS = 4

# The markers, each drawn around (0, 0): distinct shapes, so colour is never the only difference.
SHAPES = {
    "committed": '<circle r="5" fill="{w}" stroke="{c}" stroke-width="2"/>',
    "replan": '<path d="M0 -6 L6 0 L0 6 L-6 0 Z" fill="{c}"/>',
    "due": '<rect x="-5" y="-5" width="10" height="10" fill="{c}"/>',
    "delivered": '<path d="M-6 0 L-2 5 L6 -6" fill="none" stroke="{c}" stroke-width="3" '
    'stroke-linecap="round" stroke-linejoin="round"/>',
    "rejected": '<path d="M-5 -5 L5 5 M-5 5 L5 -5" stroke="{c}" stroke-width="2.5" stroke-linecap="round"/>',
}


def _shape(kind: str, colour: str) -> SafeString:
    # The templates are constants of this module and the colours come from the palette.
    return SafeString(SHAPES[kind].format(c=colour, w=charts.WHITE))


def _text(x: object, y: float, label: str, *, anchor: str = "start") -> SafeString:
    return format_html(
        '<text x="{}" y="{}" fill="{}" font-size="{}" text-anchor="{}">{}</text>',
        x,
        y,
        charts.MUTED,
        FONT,
        anchor,
        label,
    )


def _marker(x: str, y: float, kind: str, colour: str, note: str) -> SafeString:
    return format_html(
        '<svg x="{}" y="{}" width="1" height="1" overflow="visible"><title>{}</title>{}</svg>',
        x,
        y,
        note,
        _shape(kind, colour),
    )


def _legend(entries: Sequence[tuple[str, str, str]]) -> tuple[SafeString, int]:
    """Each marker's shape and what it stands for, left to right, wrapping before the width."""
    parts: list[SafeString] = []
    x, row = 0, 0
    for kind, colour, label in entries:
        size = 22 + 7 * len(label) + 16
        if x and x + size > LEGEND_WIDTH:
            x, row = 0, row + 1
        y = row * LEGEND_ROW
        parts.append(
            format_html('<g transform="translate({} {})">{}</g>', x + 8, y + 9, _shape(kind, colour))
        )
        parts.append(_text(x + 22, y + 13, label))
        x += size
    height = (row + 1) * LEGEND_ROW if entries else 0
    return format_html('<g class="legend">{}</g>', SafeString("".join(parts))), height


def _dates(row: TimelineRow) -> list[date]:
    found = [row.first_committed, row.due, *row.rejected_offers]
    found += [d for r in row.replans for d in (r.from_date, r.to_date)]
    return found + ([row.delivered] if row.delivered else [])


def _month_starts(low: date, high: date) -> list[date]:
    months, day = [], (low.replace(day=1) + timedelta(days=32)).replace(day=1)
    if low.day == 1:
        day = low
    while day <= high:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _ticks(low: date, high: date, first: date, last: date) -> list[tuple[date, str]]:
    """Round dates to mark along the axis: month starts (every few months over a long span; the
    year on the first and on January), or the first and last dates shown when the span holds
    fewer than two month starts."""
    months = _month_starts(low, high)
    if len(months) < 2:
        return [(first, date_format(first, "j M Y")), (last, date_format(last, "j M Y"))]
    step = math.ceil(len(months) / MAX_TICKS)
    shown = months[::step]
    return [(m, date_format(m, "M Y" if i == 0 or m.month == 1 else "M")) for i, m in enumerate(shown)]


def _clip(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _timeline_row(row: TimelineRow, top: float, at: Callable[[date], str]) -> list[SafeString]:
    """One deliverable: its title, and under it the span it slipped across and its markers."""
    day = date_format
    title = row.deliverable.title
    end = row.delivered or row.due
    y = top + LINE_Y
    label = format_html(
        '<text x="{}%" y="{}" fill="{}" font-size="{}" font-weight="600" stroke="{}" stroke-width="3" '
        'paint-order="stroke">{}</text>',
        PLOT_LEFT,
        top + TITLE_Y,
        charts.MUTED,
        FONT,
        charts.WHITE,
        _clip(title),
    )
    parts = [format_html("<g><title>{}</title>{}</g>", title, label)]
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2"/>',
            at(min(row.first_committed, end)),
            at(max(row.first_committed, end)),
            y,
            y,
            charts.GRID,
        )
    )
    first_note = _("First committed: %(day)s") % {"day": day(row.first_committed)}
    parts.append(_marker(at(row.first_committed), y, "committed", charts.BRAND, first_note))
    for replan in row.replans:
        explained = replan.is_explained
        note = (
            _("Re-planned from %(from)s to %(to)s")
            if explained
            else _("Re-planned from %(from)s to %(to)s without an approved change request")
        ) % {"from": day(replan.from_date), "to": day(replan.to_date)}
        colour = charts.MUTED if explained else charts.WARN
        parts.append(_marker(at(replan.to_date), y, "replan", colour, note))
    if row.delivered is None:
        due_note = _("Due now: %(day)s") % {"day": day(row.due)}
        parts.append(_marker(at(row.due), y, "due", charts.BRAND, due_note))
    for offered in row.rejected_offers:
        note = _("Offered on %(day)s and rejected") % {"day": day(offered)}
        parts.append(_marker(at(offered), y, "rejected", charts.BAD, note))
    if row.delivered is not None:
        note = _("Accepted: delivered on %(day)s") % {"day": day(row.delivered)}
        parts.append(_marker(at(row.delivered), y, "delivered", charts.OK, note))
    return parts


def timeline_legend() -> list[tuple[str, str, str]]:
    """The timeline's markers: (shape, colour, meaning)."""
    return [
        ("committed", charts.BRAND, _("First committed date")),
        ("replan", charts.MUTED, _("Re-plan, explained")),
        ("replan", charts.WARN, _("Re-plan, unexplained")),
        ("due", charts.BRAND, _("Current due date")),
        ("delivered", charts.OK, _("Accepted (delivered)")),
        ("rejected", charts.BAD, _("Rejected offer")),
    ]


def _timeline_desc(rows: Sequence[TimelineRow]) -> str:
    delivered = sum(1 for r in rows if r.delivered)
    replans = [p for r in rows for p in r.replans]
    unexplained = sum(1 for p in replans if not p.is_explained)
    rejected = sum(len(r.rejected_offers) for r in rows)
    return _(
        "%(n)s deliverables, %(delivered)s accepted; %(replans)s re-plans, %(unexplained)s of them "
        "without an approved change request; %(rejected)s rejected offers. The table below has every date."
    ) % {
        "n": len(rows),
        "delivered": delivered,
        "replans": len(replans),
        "unexplained": unexplained,
        "rejected": rejected,
    }


@dataclass(frozen=True)
class _Scale:
    """The date axis: from ``low`` (the left of the plot) to ``high`` (its right)."""

    low: date
    high: date

    def share(self, day: date) -> float:
        return (day - self.low).days / max((self.high - self.low).days, 1)

    def across(self, day: date) -> str:
        return f"{PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * self.share(day):.2f}%"

    def anchor(self, day: date) -> str:
        """Text at either end leans inwards, so it stays inside the chart."""
        share = self.share(day)
        return "start" if share < 0.08 else "end" if share > 0.92 else "middle"


def _vertical(
    scale: _Scale, day: date, top: float, bottom: float, colour: str, dash: str = "none"
) -> SafeString:
    return format_html(
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1" stroke-dasharray="{}"/>',
        scale.across(day),
        scale.across(day),
        top,
        bottom,
        colour,
        dash,
    )


def _axis(
    scale: _Scale, ticks: list[tuple[date, str]], today: date, y: float, bottom: float
) -> list[SafeString]:
    """The dates marked across the top with their grid lines, and a dashed line for today."""
    parts = []
    for tick, label in ticks:
        parts.append(_vertical(scale, tick, y + 6, bottom, charts.GRID))
        parts.append(_text(scale.across(tick), y, label, anchor=scale.anchor(tick)))
    if scale.low <= today <= scale.high:
        note = _("Today: %(day)s") % {"day": date_format(today)}
        line = _vertical(scale, today, y + 6, bottom, charts.MUTED, "4 3")
        parts.append(format_html("<g><title>{}</title>{}</g>", note, line))
        parts.append(_text(scale.across(today), bottom + 16, _("today"), anchor=scale.anchor(today)))
    return parts


def timeline_chart(
    rows: Sequence[TimelineRow], chart_id: str = "timeline", *, today: date | None = None
) -> SafeString:
    """A row per deliverable on one date axis: its first commitment, each re-plan (those without
    an approved change request in the warning colour), the current due date, the rejected offers
    and the date the business accepted it; a line marks today. Empty without deliverables."""
    if not rows:
        return charts.EMPTY
    every = [d for r in rows for d in _dates(r)]
    first, last = min(every), max(every)
    pad = timedelta(days=max(3, (last - first).days // 25))
    scale = _Scale(first - pad, last + pad)
    key_svg, top = _legend(timeline_legend())
    axis_y, rows_top = top + 20, top + 28
    bottom = rows_top + len(rows) * ROW
    ticks = _ticks(scale.low, scale.high, first, last)
    parts = [key_svg, *_axis(scale, ticks, today or timezone.localdate(), axis_y, bottom)]
    for i, row in enumerate(rows):
        parts.extend(_timeline_row(row, rows_top + i * ROW, scale.across))
    title = _("Planned and actual dates of the deliverables")
    body = SafeString("".join(parts))
    return charts.svg_chart(chart_id, title, _timeline_desc(rows), body, height=bottom + 24)


# --- The monthly trend -------------------------------------------------------------------------------

Trend = Sequence[tuple[date, float | None, float | None, int]]


def _percent(value: float) -> str:
    return f"{number(value)}%"


def _month_label(i: int, month: date, count: int) -> str:
    """A label under every fourth month counted back from the latest (room enough on a phone),
    with the year on the first, the latest and January."""
    if (count - 1 - i) % 4:
        return ""
    with_year = i < 4 or i == count - 1 or month.month == 1
    return date_format(month, "M Y" if with_year else "M")


def trend_chart(trend: Trend, limits: Thresholds, chart_id: str = "delivery-trend") -> SafeString:
    """The on-time and first-time-right rates of the deliverables accepted each month, oldest
    first, with the organisation's thresholds drawn in; empty when nothing was accepted."""
    if not trend or all(accepted == 0 for *_rates, accepted in trend):
        return charts.EMPTY
    months = [date_format(m, "YEAR_MONTH_FORMAT") for m, *_rest in trend]
    counts = [accepted for *_rest, accepted in trend]

    def series(label: str, rates: Sequence[float | None], colour: str, dash: str) -> Series:
        values = tuple(None if r is None else round(r * 100, 1) for r in rates)
        notes = tuple(
            _("%(month)s, %(label)s: %(value)s of %(n)s accepted")
            % {"month": m, "label": label, "value": "—" if v is None else _percent(v), "n": n}
            for m, v, n in zip(months, values, counts, strict=True)
        )
        return Series(label, values, colour, dash, notes=notes)

    lines = [
        series(_("On time"), [on_time for _m, on_time, _f, _n in trend], charts.BRAND, "none"),
        series(_("First time right"), [ftr for _m, _o, ftr, _n in trend], charts.IT, "6 4"),
    ]
    rules = [Rule(_("on-time threshold"), float(limits.on_time_min), charts.BRAND, dash="2 4")]
    if limits.first_time_right_min != limits.on_time_min:
        rules.append(
            Rule(_("first-time-right threshold"), float(limits.first_time_right_min), charts.IT, "2 4")
        )
    desc = "; ".join(
        _("%(month)s: on time %(on_time)s, first time right %(ftr)s, %(n)s accepted")
        % {
            "month": m,
            "on_time": "—" if a is None else _percent(a),
            "ftr": "—" if b is None else _percent(b),
            "n": n,
        }
        for m, a, b, n in zip(months, lines[0].values, lines[1].values, counts, strict=True)
        if n
    )
    return charts.line_chart(
        chart_id,
        _("On time and first time right, per month"),
        desc,
        places=Places(
            _("Month accepted"),
            charts.evenly(len(trend)),
            tuple(_month_label(i, m, len(trend)) for i, (m, *_rest) in enumerate(trend)),
        ),
        axis=Axis(_("Share of the deliverables accepted (%)"), 0.0, 100.0, (0, 25, 50, 75, 100), _percent),
        series=lines,
        rules=rules,
    )
