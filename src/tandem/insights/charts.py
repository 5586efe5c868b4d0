"""The alignment index's charts: its trend over the weekly snapshots (the core chart kit's line
chart) and the home page's sparkline, a small line without axes whose every figure is also in its
description and in the page's words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tandem.core import charts
from tandem.core.charts import Axis, Places, Series
from tandem.core.numbers import number

Trend = Sequence[tuple[date, float | None]]


def _points(trend: Trend, now: float | None) -> list[tuple[date, float | None]]:
    """The snapshots, then the live figure (today)."""
    points = list(trend)
    if now is not None:
        points.append((timezone.localdate(), now))
    return points


def _figure(value: float | None) -> str:
    return "–" if value is None else number(round(value))


def trend_chart(trend: Trend, now: float | None, *, chart_id: str) -> SafeString:
    """The index week by week (and now), 0 to 100; empty with nothing to draw."""
    points = _points(trend, now)
    if not any(value is not None for _day, value in points):
        return charts.EMPTY
    days = [date_format(day) for day, _value in points]
    notes = tuple(f"{day}: {_figure(value)}" for day, (_day, value) in zip(days, points, strict=True))
    latest = next((v for _day, v in reversed(points) if v is not None), None)
    desc = _("The alignment index from %(first)s to %(last)s; now %(now)s out of 100.") % {
        "first": days[0],
        "last": days[-1],
        "now": _figure(latest),
    }
    labels = tuple(day if i in (0, len(days) - 1) else "" for i, day in enumerate(days))
    return charts.line_chart(
        chart_id,
        _("The alignment index over time"),
        desc,
        places=Places(_("Week"), charts.spread([day.toordinal() for day, _value in points]), labels),
        axis=Axis(_("Alignment index, 0 to 100"), 0.0, 100.0, (0.0, 25.0, 50.0, 75.0, 100.0)),
        series=[Series(_("Alignment index"), tuple(v for _day, v in points), charts.BRAND, notes=notes)],
    )


SPARK_W, SPARK_H = 100.0, 30.0
SPARK_MIN_SPAN = 10.0  # index points: the least height the sparkline stands for


def sparkline(trend: Trend, now: float | None, *, chart_id: str) -> SafeString:
    """A small line of the index over the weeks (and now), scaled to its own range (at least ten
    points high, so a steady index looks steady); empty with fewer than two figures. It stretches
    to its box's width (``.insights-spark``)."""
    points: list[tuple[date, float]] = [(d, v) for d, v in _points(trend, now) if v is not None]
    if len(points) < 2:
        return charts.EMPTY
    shares = charts.spread([day.toordinal() for day, _value in points])
    low = min(value for _day, value in points)
    high = max(value for _day, value in points)
    middle = (low + high) / 2
    span = max(high - low, SPARK_MIN_SPAN)
    bottom = max(0.0, min(middle - span / 2, 100.0 - span))

    def xy(share: float, value: float) -> tuple[str, str]:
        up = (value - bottom) / span
        return f"{share * SPARK_W:.2f}", f"{SPARK_H - 2 - (SPARK_H - 4) * up:.2f}"

    coords = [xy(share, value) for share, (_day, value) in zip(shares, points, strict=True)]
    line = " ".join(f"{x},{y}" for x, y in coords)
    desc = _("From %(first)s (%(start)s) to now (%(now)s); lowest %(low)s, highest %(high)s.") % {
        "first": date_format(points[0][0]),
        "start": _figure(points[0][1]),
        "now": _figure(points[-1][1]),
        "low": _figure(low),
        "high": _figure(high),
    }
    body = format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-linejoin="round" '
        'vector-effect="non-scaling-stroke"/>',
        line,
        charts.BRAND,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="insights-spark" viewBox="0 0 {} {}" '
        'preserveAspectRatio="none" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        SPARK_W,
        SPARK_H,
        chart_id,
        chart_id,
        chart_id,
        _("The alignment index over the weeks"),
        chart_id,
        desc,
        body,
    )
