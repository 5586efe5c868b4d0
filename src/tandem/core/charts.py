"""The chart kit every server-rendered SVG chart is built from: one palette (with the colours of the
business and of IT), value axes with tick values and titles, legends, and five kinds of chart — line,
bar, diverging bar (the business to the left of the centre line, IT to the right), gap (one signed
difference per category, from a centre line at zero) and radar.

Every chart is accessible (a title and a description it is labelled by, each figure in a tooltip)
and CSP-safe (presentation attributes only, no inline style or script). Line and bar charts place
things across in percentages and down in pixels, so they fill any width (a phone or a desktop) while
their text keeps a readable size. Apps turn their domain objects into series and call the kit; with
nothing to draw a chart is the empty string, so a template can say why in words instead."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tandem.core.models import Side
from tandem.core.numbers import number

# --- Palette ------------------------------------------------------------------------------------------

MUTED, GRID, WASH, WHITE = "#5a6478", "#d9dee8", "#f5f7fb", "#ffffff"
BRAND, OK, OK_WASH, WARN, BAD = "#2353c6", "#1d7a34", "#e6f5ea", "#8a5a00", "#b3261e"
BUSINESS, IT, PARTNER = "#8a4b08", "#0b6b5d", "#5b3e9c"
SIDE_COLOURS: dict[str, str] = {Side.BUSINESS: BUSINESS, Side.IT: IT, Side.PARTNER: PARTNER}

EMPTY = SafeString("")  # nothing to draw: the page explains in words and its table is empty too
FONT = 12
LABEL_CHARS = 28  # a longer category label is cut short on the chart; its tooltip has it whole


def percent(share: float) -> str:
    """A share in [0, 1] as a whole percentage: "40%"."""
    return f"{round(share * 100)}%"


def _clip(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def wrap(label: str, width: int, *, lines: int = 3) -> tuple[str, ...]:
    """``label`` broken at spaces into lines of about ``width`` characters, at most ``lines`` of
    them (the last one cut short with "…" if the label is longer still)."""
    words, out, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        out.append(line)
    if len(out) > lines:
        rest = " ".join(out[lines - 1 :])
        out = [*out[: lines - 1], rest[: width - 1].rstrip() + "…"]
    return tuple(line if len(line) <= width else line[: width - 1] + "…" for line in out) or ("",)


def _lines(x: object, y: float, lines: Sequence[str], *, anchor: str = "start", step: int = 15) -> SafeString:
    """Lines of text one under the other, the first one's baseline at ``y`` (one line is a plain
    ``<text>``)."""
    if len(lines) == 1:
        return _text(x, y, lines[0], anchor=anchor)
    spans = format_html_join(
        "",
        '<tspan x="{}" dy="{}">{}</tspan>',
        ((x, 0 if i == 0 else step, line) for i, line in enumerate(lines)),
    )
    return format_html(
        '<text x="{}" y="{}" fill="{}" font-size="{}" text-anchor="{}">{}</text>',
        x,
        y,
        MUTED,
        FONT,
        anchor,
        spans,
    )


def _across(share: float, start: float, end: float) -> str:
    """A horizontal position as a percentage of the width, ``share`` of the way from start to end."""
    return f"{start + (end - start) * share:.2f}%"


def _text(x: object, y: float, label: str, *, anchor: str = "start", colour: str = MUTED) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" fill="{}" font-size="{}" text-anchor="{}">{}</text>',
        x,
        y,
        colour,
        FONT,
        anchor,
        label,
    )


# --- Axes ---------------------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, *, count: int = 5) -> tuple[float, ...]:
    """About ``count`` round values (steps of 1, 2, 2.5 or 5 times a power of ten) within [low, high]."""
    if high <= low:
        return (low,)
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return tuple(round(i * step, 10) for i in range(first, last + 1))


@dataclass(frozen=True)
class Axis:
    """A value axis: what it measures (its title), its range, and the values marked along it."""

    title: str
    low: float
    high: float
    ticks: tuple[float, ...] = ()
    label: Callable[[float], str] = number

    @classmethod
    def nice(cls, title: str, low: float, high: float, *, label: Callable[[float], str] = number) -> Axis:
        """An axis over [low, high] marked at round values."""
        return cls(title, low, high, nice_ticks(low, high), label)

    def share(self, value: float) -> float:
        """Where ``value`` falls from 0 (low) to 1 (high), held to the range."""
        span = self.high - self.low
        return max(0.0, min(1.0, (value - self.low) / span)) if span else 0.5


@dataclass(frozen=True)
class Places:
    """The horizontal axis of a line chart: each point's place from 0 (left) to 1 (right), the label
    under it ("" for none) and what the axis measures."""

    title: str
    shares: tuple[float, ...]
    labels: tuple[str, ...]


def spread(moments: Sequence[float]) -> tuple[float, ...]:
    """Places in [0, 1] in proportion to time (timestamps, oldest first); evenly when they coincide."""
    first, last = (moments[0], moments[-1]) if moments else (0.0, 0.0)
    if last > first:
        return tuple((m - first) / (last - first) for m in moments)
    return evenly(len(moments))


def evenly(count: int) -> tuple[float, ...]:
    """``count`` places spread evenly across [0, 1]; one alone stands in the middle."""
    return tuple(i / (count - 1) for i in range(count)) if count > 1 else (0.5,) * count


# --- Legends ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One entry of a legend: a colour and what it stands for, drawn as a line when ``line``."""

    label: str
    colour: str
    line: bool = False
    dash: str = "none"


LEGEND_ROW = 20


def legend(keys: Sequence[Key], *, width: int = 320) -> tuple[SafeString, int]:
    """The keys left to right, wrapping before ``width`` pixels; the legend and the height it takes."""
    parts: list[SafeString] = []
    x, row = 0, 0
    for key in keys:
        size = 26 + 7 * len(key.label) + 18  # a swatch, a gap, the label (about 7 px a letter), a gap
        if x and x + size > width:
            x, row = 0, row + 1
        y = row * LEGEND_ROW
        if key.line:
            swatch = format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>',
                x,
                y + 9,
                x + 20,
                y + 9,
                key.colour,
                key.dash,
            )
        else:
            swatch = format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}"/>', x + 3, y + 2, key.colour
            )
        parts.append(swatch + _text(x + 26, y + 13, key.label))
        x += size
    height = (row + 1) * LEGEND_ROW if keys else 0
    return format_html('<g class="legend">{}</g>', SafeString("".join(parts))), height


# --- Line chart ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line (or one radar polygon): a value per place, ``None`` for a figure that is not shown.

    ``notes`` are the points' tooltips (the label and the figure by default); ``point_colours`` colour
    single points (a verdict, say), the series' colour by default."""

    label: str
    values: tuple[float | None, ...]
    colour: str
    dash: str = "none"
    notes: tuple[str, ...] = ()
    point_colours: tuple[str, ...] = ()

    def note(self, index: int) -> str:
        value = self.values[index]
        return self.notes[index] if self.notes else f"{self.label}: {number(value or 0)}"

    def colour_of(self, index: int) -> str:
        return self.point_colours[index] if self.point_colours else self.colour


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line across the plot (a target, a baseline), labelled at the right."""

    label: str
    value: float
    colour: str
    dash: str = "6 4"


@dataclass(frozen=True)
class Band:
    """A range shaded across the plot (the range to stay within)."""

    label: str
    low: float
    high: float
    colour: str = OK_WASH


PLOT_H, LEFT, RIGHT = 150, 4.0, 96.0


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    *,
    places: Places,
    axis: Axis,
    series: Sequence[Series],
    rules: Sequence[Rule] = (),
    bands: Sequence[Band] = (),
    keys: Sequence[Key] = (),
) -> SafeString:
    """Lines over a value axis with its ticks and title, under a legend of the series, rules, bands and
    ``keys``. A missing figure breaks its line; with no figure at all the plot says so."""
    if not places.shares:
        return EMPTY
    entries = [
        *(Key(s.label, s.colour, line=True, dash=s.dash) for s in series),
        *(Key(r.label, r.colour, line=True, dash=r.dash) for r in rules),
        *(Key(b.label, b.colour) for b in bands),
        *keys,
    ]
    key_svg, top = legend(entries)
    plot_top = top + 32
    bottom = plot_top + PLOT_H

    def down(value: float) -> float:
        return round(plot_top + PLOT_H * (1 - axis.share(value)), 1)

    def across(i: int) -> str:
        return _across(places.shares[i], LEFT, RIGHT)

    parts = [key_svg, _text(0, top + 14, axis.title)]
    parts.append(
        format_html(
            '<rect x="0" y="{}" width="100%" height="{}" fill="{}" stroke="{}"/>',
            plot_top,
            PLOT_H,
            WASH,
            GRID,
        )
    )
    for band in bands:
        high, low = down(band.high), down(band.low)
        parts.append(
            format_html(
                '<rect x="0" y="{}" width="100%" height="{}" fill="{}"><title>{}</title></rect>',
                high,
                max(low - high, 1),
                band.colour,
                band.label,
            )
        )
    parts.append(_ticks(axis, down))
    parts.extend(_rule(rule, down(rule.value), axis) for rule in rules)
    if all(v is None for s in series for v in s.values):
        parts.append(_text("50%", plot_top + PLOT_H / 2, _("No figures to show."), anchor="middle"))
    parts.extend(_line(s, across, down) for s in series)
    parts.append(_place_labels(places, across, bottom + 16))
    parts.append(_text(_across(0.5, LEFT, RIGHT), bottom + 36, places.title, anchor="middle"))
    return svg_chart(chart_id, title, desc, SafeString("".join(parts)), height=bottom + 44)


def _ticks(axis: Axis, down: Callable[[float], float]) -> SafeString:
    """A grid line at each tick of a value axis, its value just above the line at the left."""
    return format_html_join(
        "",
        '<line x1="0" x2="100%" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
        '<text x="2" y="{}" fill="{}" font-size="{}" class="tick">{}</text>',
        ((down(v), down(v), GRID, down(v) - 3, MUTED, FONT, axis.label(v)) for v in axis.ticks),
    )


def _rule(rule: Rule, y: float, axis: Axis) -> SafeString:
    return format_html(
        '<line x1="0" x2="100%" y1="{}" y2="{}" stroke="{}" stroke-width="1.5" stroke-dasharray="{}"/>'
        '<text x="99%" y="{}" fill="{}" font-size="13" text-anchor="end" stroke="{}" stroke-width="3" '
        'paint-order="stroke">{} {}</text>',
        y,
        y,
        rule.colour,
        rule.dash,
        y - 5,
        rule.colour,
        WHITE,
        rule.label,
        axis.label(rule.value),
    )


def _line(series: Series, across: Callable[[int], str], down: Callable[[float], float]) -> SafeString:
    """The segments between neighbouring figures (a gap where one is missing), then a dot per figure."""
    values = series.values
    segments = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" stroke-linecap="round" '
        'stroke-dasharray="{}"/>',
        (
            (across(i - 1), down(before), across(i), down(now), series.colour, series.dash)
            for i, (before, now) in enumerate(itertools.pairwise(values), start=1)
            if before is not None and now is not None
        ),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4.5" fill="{}" stroke="{}" stroke-width="1.5"><title>{}</title></circle>',
        (
            (across(i), down(v), series.colour_of(i), WHITE, series.note(i))
            for i, v in enumerate(values)
            if v is not None
        ),
    )
    return segments + dots


def _place_labels(places: Places, across: Callable[[int], str], y: float) -> SafeString:
    """The labels under the points; the outermost ones lean inwards so they stay inside the chart."""

    def anchor(share: float) -> str:
        return "start" if share <= 0.05 else "end" if share >= 0.95 else "middle"

    return SafeString(
        "".join(
            _text(across(i), y, label, anchor=anchor(share))
            for i, (share, label) in enumerate(zip(places.shares, places.labels, strict=True))
            if label
        )
    )


# --- Bar charts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One category of a bar chart: its label and value (``None`` when the figure is not shown)."""

    label: str
    value: float | None


@dataclass(frozen=True)
class Pair:
    """One category of a diverging bar chart: the value on the left and the one on the right."""

    label: str
    left: float | None
    right: float | None


BAR_ROW, BAR_H = 24, 14


def _value_ticks(axis: Axis, y: float, at: Callable[[float], str]) -> SafeString:
    return SafeString(
        "".join(_text(at(axis.share(v)), y, axis.label(v), anchor="middle") for v in axis.ticks)
    )


def _bar(x: str, y: float, width: float, colour: str, note: str) -> SafeString:
    return format_html(
        '<rect x="{}" y="{}" width="{}%" height="{}" fill="{}"><title>{}</title></rect>',
        x,
        y,
        f"{width:.2f}",
        BAR_H,
        colour,
        note,
    )


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    *,
    bars: Sequence[Bar],
    axis: Axis,
    category_title: str,
    colour: str = BRAND,
) -> SafeString:
    """A horizontal bar per category on a common value axis (ticks and title underneath); the value
    stands at the right of each row."""
    if not bars:
        return EMPTY
    start, end = 30.0, 88.0
    top = 24
    parts = [_text(0, 14, category_title)]
    for i, bar in enumerate(bars):
        y = top + i * BAR_ROW
        parts.append(_text(0, y + 12, _clip(bar.label)))
        parts.append(
            format_html(
                '<rect x="{}%" y="{}" width="{}%" height="{}" fill="{}"/>', start, y, end - start, BAR_H, WASH
            )
        )
        shown = _("hidden") if bar.value is None else axis.label(bar.value)
        if bar.value is not None:
            width = (end - start) * axis.share(bar.value)
            parts.append(_bar(f"{start}%", y, width, colour, f"{bar.label}: {shown}"))
        parts.append(_text("100%", y + 12, shown, anchor="end"))
    bottom = top + len(bars) * BAR_ROW
    parts.append(_value_ticks(axis, bottom + 12, lambda share: _across(share, start, end)))
    parts.append(_text(_across(0.5, start, end), bottom + 30, axis.title, anchor="middle"))
    return svg_chart(chart_id, title, desc, SafeString("".join(parts)), height=bottom + 38)


def diverging_bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    *,
    pairs: Sequence[Pair],
    axis: Axis,
    category_title: str,
    left: Key | None = None,
    right: Key | None = None,
) -> SafeString:
    """Two groups side by side per category: ``left`` (the business, by default) grows leftwards from
    a centre line and ``right`` (IT, by default) rightwards, on one value axis mirrored about it."""
    if not pairs:
        return EMPTY
    left = left or Key(_("Business"), BUSINESS)
    right = right or Key(_("IT"), IT)
    centre, half = 62.0, 32.0  # the labels take the first 28%; the outer ticks need some room
    key_svg, top = legend([left, right])
    parts = [key_svg, _text(0, top + 14, category_title)]
    top += 24
    for i, pair in enumerate(pairs):
        y = top + i * BAR_ROW
        parts.append(_text(0, y + 12, _clip(pair.label)))
        for key, value, sign in ((left, pair.left, -1), (right, pair.right, 1)):
            if value is None:
                continue
            width = half * axis.share(value)
            x = centre - width if sign < 0 else centre
            note = f"{pair.label}, {key.label}: {axis.label(value)}"
            parts.append(_bar(f"{x:.2f}%", y, width, key.colour, note))
    bottom = top + len(pairs) * BAR_ROW
    parts.append(
        format_html(
            '<line x1="{}%" x2="{}%" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            centre,
            centre,
            top - 4,
            bottom,
            MUTED,
        )
    )
    mirrored = Axis(
        axis.title, axis.low, axis.high, tuple(t for t in axis.ticks if t != axis.low), axis.label
    )
    parts.append(_value_ticks(mirrored, bottom + 12, lambda share: f"{centre - half * share:.2f}%"))
    parts.append(_value_ticks(axis, bottom + 12, lambda share: f"{centre + half * share:.2f}%"))
    parts.append(_text(f"{centre}%", bottom + 30, axis.title, anchor="middle"))
    return svg_chart(chart_id, title, desc, SafeString("".join(parts)), height=bottom + 38)


@dataclass(frozen=True)
class Gap:
    """One category of a gap chart: the signed difference (``None`` when it is not shown), its
    tooltip and a short word written at the right of the row ("large", say)."""

    label: str
    value: float | None
    note: str = ""
    mark: str = ""


GAP_LINE = 15  # the height of a line of a wrapped label


def gap_chart(
    chart_id: str,
    title: str,
    desc: str,
    *,
    gaps: Sequence[Gap],
    axis: Axis,
    category_title: str,
    left: Key,
    right: Key,
    label_chars: int = 44,
) -> SafeString:
    """A bar per category from a centre line at zero: leftwards in ``left``'s colour when the value
    is below zero, rightwards in ``right``'s when above (``left`` and ``right`` say what each
    direction means: "the business rates it higher"). Labels wrap onto up to three lines, so long
    questions stay readable; the value axis (symmetric about zero) and its title are underneath."""
    if not gaps:
        return EMPTY
    start, end = 38.0, 80.0  # the words at the right of a row take the last fifth
    zero = _across(axis.share(0.0), start, end)
    key_svg, top = legend([left, right], width=640)
    parts = [key_svg, _text(0, top + 14, category_title)]
    y = top + 30
    rows_top = y
    for gap in gaps:
        lines = wrap(gap.label, label_chars)
        height = max(BAR_ROW, GAP_LINE * len(lines) + 9)
        parts.append(_lines(0, y + 12, lines))
        if gap.value is None:
            parts.append(_text(zero, y + 12, _("hidden"), anchor="middle"))
        elif gap.value:
            key = left if gap.value < 0 else right
            low, high = sorted((axis.share(0.0), axis.share(gap.value)))
            x = _across(low, start, end)
            width = (end - start) * (high - low)
            parts.append(_bar(x, y, width, key.colour, gap.note or f"{gap.label}: {axis.label(gap.value)}"))
        if gap.mark:
            parts.append(_text("100%", y + 12, gap.mark, anchor="end"))
        y += height
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            zero,
            zero,
            rows_top - 4,
            y,
            MUTED,
        )
    )
    parts.append(_value_ticks(axis, y + 12, lambda share: _across(share, start, end)))
    parts.append(_text(_across(0.5, start, end), y + 30, axis.title, anchor="middle"))
    return svg_chart(chart_id, title, desc, SafeString("".join(parts)), height=y + 38)


# --- Radar --------------------------------------------------------------------------------------------

RADAR_W, RADAR_H, RADAR_R = 520, 440, 130
RADAR_CX, RADAR_CY = RADAR_W / 2, 210


def _polar(index: int, count: int, share: float) -> tuple[float, float]:
    """The point ``share`` of the way out along spoke ``index`` of ``count`` (the first points up)."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return round(RADAR_CX + RADAR_R * share * math.cos(angle), 1), round(
        RADAR_CY + RADAR_R * share * math.sin(angle), 1
    )


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def radar_chart(
    chart_id: str,
    title: str,
    desc: str,
    *,
    spokes: Sequence[str],
    axis: Axis,
    series: Sequence[Series],
    rings: Sequence[str] = (),
) -> SafeString:
    """A spoke per label from the axis' low (centre) to its high (rim), a ring at each tick, and a
    polygon per series; a series missing any figure is left out (the description says so).

    Each ring is labelled along the first spoke with its tick value and, given ``rings`` (one word
    per tick: "initial", "optimised"), that word; spoke labels wrap onto up to three lines."""
    count = len(spokes)
    if count < 3:
        return EMPTY
    drawn = [s for s in series if len(s.values) == count and all(v is not None for v in s.values)]
    key_svg, _height = legend([Key(s.label, s.colour) for s in drawn], width=RADAR_W)
    parts = [key_svg]
    ring_labels: list[SafeString] = []
    for index, tick in enumerate(axis.ticks):
        ring = [_polar(i, count, axis.share(tick)) for i in range(count)]
        parts.append(
            format_html(
                '<polygon points="{}" fill="none" stroke="{}" stroke-width="1"/>', _polygon(ring), GRID
            )
        )
        word = rings[index] if index < len(rings) else ""
        label = f"{axis.label(tick)} {word}".strip()
        # Drawn last, with a white halo, so the polygons never hide them.
        ring_labels.append(
            format_html(
                '<text x="{}" y="{}" fill="{}" font-size="11" stroke="{}" stroke-width="3" '
                'paint-order="stroke" class="ring">{}</text>',
                RADAR_CX + 4,
                ring[0][1] - 3 if index else RADAR_CY + 12,
                MUTED,
                WHITE,
                label,
            )
        )
    for i, label in enumerate(spokes):
        x, y = _polar(i, count, 1)
        lx, ly = _polar(i, count, 1.18)
        anchor = "middle" if abs(lx - RADAR_CX) < 10 else ("start" if lx > RADAR_CX else "end")
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1" class="spoke"/>',
                RADAR_CX,
                RADAR_CY,
                x,
                y,
                GRID,
            )
        )
        lines = wrap(label, 18)
        # Labels above the centre grow upwards, so their last line stays clear of the rim.
        first = ly + 4 - (len(lines) - 1) * 14 if ly < RADAR_CY - 10 else ly + 4
        parts.append(_lines(lx, first, lines, anchor=anchor, step=14))
    for s in drawn:
        points = [_polar(i, count, axis.share(v or 0)) for i, v in enumerate(s.values)]
        parts.append(
            format_html(
                '<polygon points="{}" fill="{}" fill-opacity="0.12" stroke="{}" stroke-width="2.5"/>',
                _polygon(points),
                s.colour,
                s.colour,
            )
        )
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>',
                ((x, y, s.colour, s.note(i)) for i, (x, y) in enumerate(points)),
            )
        )
    parts.extend(ring_labels)
    parts.append(_text(0, RADAR_H - 6, axis.title))
    return svg_chart(
        chart_id, title, desc, SafeString("".join(parts)), height=RADAR_H, view_box=f"0 0 {RADAR_W} {RADAR_H}"
    )


# --- The frame ----------------------------------------------------------------------------------------


def svg_chart(
    chart_id: str, title: str, desc: str, body: SafeString, *, height: float, view_box: str = ""
) -> SafeString:
    """``body`` (already escaped SVG) inside an ``<svg>`` with ``<title>`` and ``<desc>``."""
    box = format_html(' viewBox="{}"', view_box) if view_box else ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{}"{} role="img" '
        'aria-labelledby="{}-title {}-desc" font-family="system-ui, sans-serif">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        height,
        box,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        body,
    )
