"""The board report as an A4 PDF: a cover, then each section's blocks (``tandem.core.report``)
drawn with reportlab's platypus and its graphics (bars, radar, trend line), in the fonts the
minutes use (Bitstream Vera, embedded). Output is deterministic: the same content gives the same
bytes (reportlab's invariant mode), so a report can be compared and cached.

Every text is escaped for reportlab's paragraph mark-up: a title cannot add mark-up to the report.
The renderer reads no database and translates nothing itself: the content arrives written in the
report's language (``report_data.report_content``), except the page footer, which the caller's
``translation.override`` covers.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import (  # type: ignore[import-untyped]
    Circle,
    Drawing,
    Line,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # type: ignore[import-untyped]
from reportlab.lib.units import cm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from tandem.core import charts
from tandem.core import report as r
from tandem.core.pdf import FONT, numbered_canvas, register_fonts

WIDTH = A4[0] - 4 * cm - 12  # the text width: between the margins, less the frame padding
# The sides keep the colours they have on every page (tandem.core.charts).
BUSINESS = colors.HexColor(charts.BUSINESS)
IT = colors.HexColor(charts.IT)
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#BBBBBB")
SERIES_COLOURS = (BUSINESS, IT, colors.HexColor("#3a8a4f"), colors.HexColor("#7a4fa0"))
MAX_TABLE_ROWS = 60  # a longer table is cut, and says how many rows it left out


@dataclass(frozen=True)
class Cover:
    """What the first page says, written in the report's language."""

    title: str
    organisation: str
    period: str
    language: str
    generated: str
    note: str = ""
    figure: r.KeyFigure | None = None  # the headline: the alignment index at the end of the period


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


class _Styles:
    def __init__(self) -> None:
        base = getSampleStyleSheet()
        bold = f"{FONT}-Bold"
        self.cover_title = ParagraphStyle(
            "ReportCoverTitle", parent=base["Title"], fontName=bold, fontSize=28, leading=34, alignment=0
        )
        self.cover_line = ParagraphStyle(
            "ReportCoverLine", parent=base["BodyText"], fontName=FONT, fontSize=14, leading=20
        )
        self.h1 = ParagraphStyle("ReportH1", parent=base["Heading1"], fontName=bold, keepWithNext=1)
        self.h2 = ParagraphStyle("ReportH2", parent=base["Heading3"], fontName=bold, keepWithNext=1)
        self.body = ParagraphStyle("ReportBody", parent=base["BodyText"], fontName=FONT)
        self.muted = ParagraphStyle("ReportMuted", parent=self.body, textColor=MUTED)
        self.cell = ParagraphStyle("ReportCell", parent=self.body, fontSize=8.5, leading=10.5)
        self.head = ParagraphStyle("ReportHead", parent=self.cell, fontName=bold)
        self.figure = ParagraphStyle(
            "ReportFigure", parent=self.body, fontName=bold, fontSize=24, leading=28, textColor=INK
        )
        self.figure_label = ParagraphStyle("ReportFigureLabel", parent=self.cell, textColor=MUTED)


def text(value: str) -> str:
    """Text for reportlab's paragraph mark-up: escaped, its line breaks kept."""
    return "<br/>".join(xml_escape(line) for line in value.strip().splitlines())


def render_pdf(cover: Cover, sections: list[r.ReportSection]) -> Rendered:
    """The report as PDF bytes and its page count; the cover on its own page, each section on a
    new page when less than a third of the page is left."""
    register_fonts()
    styles = _Styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=cover.title,
        author="Tandem",
        creator="Tandem",
        subject=f"{cover.organisation} · {cover.period}",
        lang=cover.language,
        invariant=1,
    )
    story = _cover(cover, styles)
    for section in sections:
        story += _section(section, styles)
    counter: list[int] = []
    document.build(
        story, canvasmaker=numbered_canvas(f"{cover.organisation} · {cover.period}", first=2, pages=counter)
    )
    return Rendered(pdf=buffer.getvalue(), pages=counter[0] if counter else 0)


def _cover(cover: Cover, s: _Styles) -> list[Flowable]:
    story: list[Flowable] = [Spacer(1, 6 * cm), Paragraph(text(cover.title), s.cover_title)]
    story.append(Spacer(1, 0.6 * cm))
    for line in (cover.organisation, cover.period):
        story.append(Paragraph(text(line), s.cover_line))
    if cover.figure is not None:
        story += [Spacer(1, 1.2 * cm), _figures(r.Figures((cover.figure,)), s)]
    story.append(Spacer(1, 1.2 * cm))
    story.append(Paragraph(text(cover.generated), s.muted))
    if cover.note:
        story.append(Paragraph(text(cover.note), s.muted))
    story.append(PageBreak())
    return story


def _section(section: r.ReportSection, s: _Styles) -> list[Flowable]:
    story: list[Flowable] = [CondPageBreak(9 * cm), Paragraph(text(section.title), s.h1)]
    if section.intro:
        story.append(Paragraph(text(section.intro), s.muted))
    for block in section.blocks:
        story += _block(block, s)
    story.append(Spacer(1, 0.4 * cm))
    return story


def _block(block: r.Block, s: _Styles) -> list[Flowable]:
    match block:
        case r.Text():
            return [Paragraph(text(block.text), s.muted if block.muted else s.body)]
        case r.Heading():
            return [Paragraph(text(block.text), s.h2)]
        case r.Figures():
            return [_figures(block, s), Spacer(1, 0.3 * cm)]
        case r.Table():
            return _table(block, s)
        case r.DivergingBars():
            return _chart(block.title, diverging_bars(block), s)
        case r.Radar():
            return _chart(block.title, radar(block), s)
        case r.TrendLine():
            return _chart(block.title, trend_line(block), s)
    return []  # pragma: no cover - every block kind is matched above


def _chart(title: str, drawing: Drawing | None, s: _Styles) -> list[Flowable]:
    if drawing is None:
        return []
    return [KeepTogether([Paragraph(text(title), s.h2), drawing, Spacer(1, 0.3 * cm)])]


def _figures(block: r.Figures, s: _Styles) -> Flowable:
    cells = []
    for figure in block.figures:
        parts = [Paragraph(text(figure.value), s.figure), Paragraph(text(figure.label), s.figure_label)]
        if figure.note:
            parts.append(Paragraph(text(figure.note), s.figure_label))
        cells.append(parts)
    n = max(len(cells), 1)
    table = PdfTable([cells], colWidths=[WIDTH / n] * n, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _table(block: r.Table, s: _Styles) -> list[Flowable]:
    if not block.rows:
        return [Paragraph(text(block.empty), s.muted)] if block.empty else []
    rows = block.rows[:MAX_TABLE_ROWS]
    data = [[Paragraph(text(h), s.head) for h in block.headers]]
    data += [[Paragraph(text(cell), s.cell) for cell in row] for row in rows]
    widths = block.widths or tuple(1.0 for _h in block.headers)
    total = sum(widths) or 1.0
    table = PdfTable(data, colWidths=[WIDTH * w / total for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ]
        )
    )
    story: list[Flowable] = [table, Spacer(1, 0.3 * cm)]
    if len(block.rows) > MAX_TABLE_ROWS:
        left = len(block.rows) - MAX_TABLE_ROWS
        story.append(Paragraph(text(_("…and %(n)s more.") % {"n": left}), s.muted))
    return story


# --- Drawings ------------------------------------------------------------------------------------


def _label(x: float, y: float, value: str, *, size: float = 7.5, anchor: str = "start", **kw: Any) -> String:
    return String(x, y, value, fontName=FONT, fontSize=size, textAnchor=anchor, fillColor=kw.get("fill", INK))


def _fit(value: str, width: float, size: float = 7.5) -> str:
    """``value`` shortened with "…" to fit ``width`` points."""
    if stringWidth(value, FONT, size) <= width:
        return value
    while value and stringWidth(value + "…", FONT, size) > width:
        value = value[:-1]
    return value.rstrip() + "…"


def diverging_bars(block: r.DivergingBars) -> Drawing | None:
    """Per row the gap right minus left as a bar from the middle, with both means written out."""
    if not block.rows or block.span <= 0:
        return None
    row_h, top = 16.0, 22.0
    label_w, figures_w = WIDTH * 0.42, 70.0
    half = (WIDTH - label_w - figures_w) / 2
    middle = label_w + half
    bottom = 14.0  # the scale under the bars
    height = top + row_h * len(block.rows) + bottom
    d = Drawing(WIDTH, height)
    d.add(_label(middle - 4, height - 10, block.left_label, anchor="end", fill=BUSINESS))
    d.add(_label(middle + 4, height - 10, block.right_label, fill=IT))
    if block.figures_label:
        d.add(_label(WIDTH, height - 10, block.figures_label, anchor="end", fill=MUTED))
    for i, row in enumerate(block.rows):
        y = height - top - row_h * (i + 1) + 4
        gap = row.right - row.left
        length = min(abs(gap) / block.span, 1.0) * half
        x = middle if gap >= 0 else middle - length
        d.add(_label(0, y + 3, _fit(row.label, label_w - 6)))
        d.add(
            Rect(x, y, max(length, 0.5), row_h - 6, fillColor=IT if gap >= 0 else BUSINESS, strokeColor=None)
        )
        figures = f"{r.number(row.left, 1)} / {r.number(row.right, 1)}"
        d.add(_label(WIDTH, y + 3, figures, anchor="end", fill=MUTED))
    d.add(Line(middle, bottom - 2, middle, height - top + 4, strokeColor=INK, strokeWidth=0.6))
    d.add(Line(middle - half, bottom - 2, middle + half, bottom - 2, strokeColor=RULE, strokeWidth=0.4))
    for x, value in ((middle - half, block.span), (middle, 0.0), (middle + half, block.span)):
        d.add(_label(x, 2, r.number(value, 1 if value % 1 else 0), anchor="middle", size=6.5, fill=MUTED))
    return d


def radar(block: r.Radar) -> Drawing | None:
    """Rings at each whole step from ``minimum`` to ``maximum`` (labelled), one polygon per series."""
    n = len(block.axes)
    span = block.maximum - block.minimum
    if n < 3 or span <= 0 or not block.series:
        return None
    size = 9 * cm
    d = Drawing(WIDTH, size)
    cx, cy, radius = WIDTH / 2, size / 2, size / 2 - 28

    def point(axis: int, value: float) -> tuple[float, float]:
        angle = math.pi / 2 - 2 * math.pi * axis / n
        share = max(0.0, min(1.0, (value - block.minimum) / span))
        return cx + radius * share * math.cos(angle), cy + radius * share * math.sin(angle)

    steps = max(1, min(10, round(span)))
    for step in range(1, steps + 1):
        value = block.minimum + span * step / steps
        ring = [c for axis in range(n) for c in point(axis, value)]
        d.add(Polygon(ring, fillColor=None, strokeColor=RULE, strokeWidth=0.4))
        d.add(_label(cx + 2, point(0, value)[1] + 1, r.number(value), size=6, fill=MUTED))
    for axis, name in enumerate(block.axes):
        x, y = point(axis, block.maximum)
        d.add(Line(cx, cy, x, y, strokeColor=RULE, strokeWidth=0.4))
        lx, ly = point(axis, block.maximum + span * 0.08)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        d.add(_label(lx, ly - 3, _fit(name, 120), anchor=anchor))
    for k, series in enumerate(block.series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        shape = [c for axis, v in enumerate(series.values[:n]) for c in point(axis, v)]
        d.add(Polygon(shape, fillColor=None, strokeColor=colour, strokeWidth=1.6))
        d.add(Rect(8, size - 14 - 12 * k, 8, 8, fillColor=colour, strokeColor=None))
        d.add(_label(20, size - 13 - 12 * k, series.label))
    return d


def trend_line(block: r.TrendLine) -> Drawing | None:
    """The values as a line (a gap where there is none), the first and last labels under it."""
    known = [(i, v) for i, (_label_, v) in enumerate(block.points) if v is not None]
    span = block.maximum - block.minimum
    if not known or span <= 0:
        return None
    height, left, bottom = 5 * cm, 26.0, 16.0
    plot_w, plot_h = WIDTH - left - 4, height - bottom - 8
    d = Drawing(WIDTH, height)
    steps = max(len(block.points) - 1, 1)

    def at(i: int, v: float) -> tuple[float, float]:
        share = max(0.0, min(1.0, (v - block.minimum) / span))
        return left + plot_w * i / steps, bottom + plot_h * share

    for tick in (block.minimum, block.minimum + span / 2, block.maximum):
        y = at(0, tick)[1]
        d.add(Line(left, y, left + plot_w, y, strokeColor=RULE, strokeWidth=0.3))
        d.add(_label(left - 4, y - 2.5, r.number(tick), anchor="end", size=6.5, fill=MUTED))
    run: list[float] = []
    for i, (_name, v) in enumerate(block.points):
        if v is None:
            _draw_run(d, run)
            run = []
            continue
        run += at(i, v)
    _draw_run(d, run)
    last_i, last_v = known[-1]
    x, y = at(last_i, last_v)
    d.add(Circle(x, y, 2.2, fillColor=BUSINESS, strokeColor=None))
    d.add(_label(x - 4, y + 5, r.number(last_v), anchor="end", size=8))
    d.add(_label(left, 3, block.points[0][0], size=6.5, fill=MUTED))
    d.add(_label(left + plot_w, 3, block.points[-1][0], anchor="end", size=6.5, fill=MUTED))
    return d


def _draw_run(d: Drawing, run: list[float]) -> None:
    if len(run) >= 4:
        d.add(PolyLine(run, strokeColor=BUSINESS, strokeWidth=1.4))
    elif len(run) == 2:
        d.add(Circle(run[0], run[1], 1.5, fillColor=BUSINESS, strokeColor=None))
