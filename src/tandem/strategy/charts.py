"""The strategy app's charts, drawn with the core chart kit: the history of a key result's check-ins,
and the portfolio's timeline (start to target date bars on one shared scale, with today marked)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from tandem.core import charts
from tandem.core.charts import Axis, Band, Places, Rule, Series
from tandem.core.numbers import number
from tandem.strategy.models import CheckIn, Initiative, KeyResult, Stage
from tandem.strategy.progress import Direction


def _day(check_in: CheckIn) -> str:
    return date_format(localtime(check_in.created_at))


def _value_axis(key_result: KeyResult, values: Sequence[float]) -> Axis:
    """An axis wide enough for every value, the baseline, the target and any band, with some air."""
    scale = [*values, key_result.baseline, key_result.target]
    if key_result.direction == Direction.WITHIN:
        scale += [v for v in (key_result.band_min, key_result.band_max) if v is not None]
    low, high = min(scale), max(scale)
    pad = (high - low) * 0.12 or 1.0
    title = f"{key_result.metric} ({key_result.unit})" if key_result.unit else key_result.metric
    return Axis.nice(title, low - pad, high + pad)


def check_in_chart(check_ins: Sequence[CheckIn], key_result: KeyResult, chart_id: str) -> SafeString:
    """The check-in values over time as a line, with the baseline, the target (or band) drawn in;
    the empty string when there is no check-in."""
    points = sorted(check_ins, key=lambda c: (c.created_at, c.pk))
    if not points:
        return charts.EMPTY
    values = [c.value for c in points]
    days = [_day(c) for c in points]
    title = _("History of %(metric)s") % {"metric": key_result.metric}
    desc = _("%(n)s check-ins from %(first)s to %(last)s; latest value %(value)s; target %(target)s.") % {
        "n": len(points),
        "first": days[0],
        "last": days[-1],
        "value": number(values[-1]),
        "target": number(key_result.target),
    }
    band_min, band_max = key_result.band_min, key_result.band_max
    within = key_result.direction == Direction.WITHIN and band_min is not None and band_max is not None
    return charts.line_chart(
        chart_id,
        title,
        desc,
        places=Places(
            _("Date of the check-in"),
            charts.spread([c.created_at.timestamp() for c in points]),
            tuple(day if i in (0, len(days) - 1) else "" for i, day in enumerate(days)),
        ),
        axis=_value_axis(key_result, values),
        series=[
            Series(
                _("Check-in value"),
                tuple(values),
                charts.BRAND,
                notes=tuple(f"{day}: {number(v)}" for day, v in zip(days, values, strict=True)),
            )
        ],
        rules=[
            Rule(_("baseline"), key_result.baseline, charts.MUTED, dash="2 4"),
            Rule(_("target"), key_result.target, charts.OK),
        ],
        bands=[Band(_("range to stay within"), band_min or 0, band_max or 0)] if within else [],
    )


# --- The portfolio's timeline ---------------------------------------------------------------------
#
# A table, not one big picture: each initiative's title wraps in its own cell and its dates are read
# as text; the bar beside them is a small SVG on a scale shared by every row (and every group), placed
# across in percentages so it fills any width. The bars are decorative (hidden from screen readers):
# the dates in the row say the same.

MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
MAX_TICKS = 7
BAR_H, ROW_H = 12, 24


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_of(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class Timeline:
    """The scale of a portfolio timeline: from the first of a month to the first of a later month,
    with today and the month starts marked (``ticks``: place in [0, 1] and label)."""

    start: date
    end: date
    today: date
    ticks: tuple[tuple[float, str], ...]

    def share(self, day: date) -> float:
        """Where ``day`` falls from 0 (start) to 1 (end), held to the range."""
        span = (self.end - self.start).days
        return max(0.0, min(1.0, (day - self.start).days / span)) if span else 0.5


def timeline_scale(days: Iterable[date | None], *, today: date) -> Timeline:
    """A scale from the month of the earliest of ``days`` and today to the month after the latest,
    marked every 1, 2, 3, 6, 12… months so that at most seven labels show."""
    known = [d for d in days if d is not None] + [today]
    first, last = _month(min(known)), _month(max(known)) + 1
    step = next((s for s in MONTH_STEPS if (last - first) / s <= MAX_TICKS), MONTH_STEPS[-1])
    first -= first % step
    last += -last % step
    scale = Timeline(_first_of(first), _first_of(last), today, ())
    label = "M Y" if step < 12 else "Y"
    ticks = tuple(
        (scale.share(_first_of(m)), date_format(_first_of(m), label)) for m in range(first, last, step)
    )
    return Timeline(scale.start, scale.end, today, ticks)


def _at(share: float) -> str:
    return f"{share * 100:.2f}%"


def _grid(scale: Timeline, top: int, bottom: int) -> SafeString:
    return format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
        ((_at(s), _at(s), top, bottom, charts.GRID) for s, _label in scale.ticks),
    )


def _today(scale: Timeline, top: int, bottom: int) -> SafeString:
    """Today's dashed line, drawn over the bars."""
    today = _at(scale.share(scale.today))
    return format_html(
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="3 3"/>',
        today,
        today,
        top,
        bottom,
        charts.BAD,
    )


def _anchor(share: float) -> str:
    return "start" if share < 0.08 else "end" if share > 0.92 else "middle"


def timeline_axis(scale: Timeline) -> SafeString:
    """The scale's header: month labels over their grid lines and a "today" mark."""
    labels = format_html_join(
        "",
        '<text x="{}" y="12" dx="3" fill="{}" font-size="{}">{}</text>',
        ((_at(s), charts.MUTED, charts.FONT, label) for s, label in scale.ticks if s < 0.92),
    )
    today = scale.share(scale.today)
    mark = format_html(
        '<text x="{}" y="30" fill="{}" font-size="{}" font-weight="600" text-anchor="{}">{}</text>',
        _at(today),
        charts.BAD,
        charts.FONT,
        _anchor(today),
        _("today"),
    )
    return format_html(
        '<svg class="portfolio-axis" width="100%" height="36" aria-hidden="true" focusable="false">'
        "{}{}{}</svg>",
        _grid(scale, 16, 20) + _today(scale, 16, 20),
        labels,
        mark,
    )


def _colour(initiative: Initiative) -> str:
    if initiative.is_overdue:
        return charts.BAD
    if initiative.stage == Stage.PAUSED:
        return charts.WARN
    if not initiative.is_open:
        return charts.MUTED
    return charts.BRAND


def timeline_bar(scale: Timeline, initiative: Initiative) -> SafeString:
    """The initiative's bar from its start to its target date on ``scale`` (a dot when it has one of
    them only; the empty string with neither)."""
    days = sorted(d for d in (initiative.start_date, initiative.target_date) if d is not None)
    if not days:
        return charts.EMPTY
    colour, y = _colour(initiative), (ROW_H - BAR_H) / 2
    note = " – ".join(date_format(d) for d in days) if len(days) == 2 else date_format(days[0])
    if len(days) == 2 and days[0] != days[1]:
        low, high = scale.share(days[0]), scale.share(days[1])
        shape = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"><title>{}: {}</title></rect>',
            _at(low),
            y,
            _at(max(high - low, 0.004)),
            BAR_H,
            colour,
            initiative.title,
            note,
        )
    else:
        shape = format_html(
            '<circle cx="{}" cy="{}" r="{}" fill="{}"><title>{}: {}</title></circle>',
            _at(scale.share(days[0])),
            ROW_H / 2,
            BAR_H / 2,
            colour,
            initiative.title,
            note,
        )
    return format_html(
        '<svg class="portfolio-bar" width="100%" height="{}" aria-hidden="true" focusable="false">{}{}{}</svg>',
        ROW_H,
        _grid(scale, 0, ROW_H),
        shape,
        _today(scale, 0, ROW_H),
    )
