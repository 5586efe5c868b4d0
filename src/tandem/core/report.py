"""The interface through which apps add a section to the board report.

An app names ``tandem_report_section = "tandem.<app>.report.report_section"`` on its AppConfig:
``report_section(org, start, end) -> ReportSection | None``, its part of the report of the period
``start``..``end`` (both included), or ``None`` when it has nothing to say. The insights app
collects the hooks (``tandem.core.navigation.app_hooks``) and renders the sections into a PDF
(``tandem.insights.pdf``), so no app imports the renderer and the renderer imports no app.

A section is plain data: strings and floats only, already written in the active language (the
caller wraps the hooks in ``translation.override``) and with dates already formatted. What goes in
follows the pages' rules: no blind answer of an open why check, no figure of a survey group below
its anonymity threshold, never who answered what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.formats import number_format


@dataclass(frozen=True)
class Text:
    """A paragraph; ``muted`` for notes and empty states."""

    text: str
    muted: bool = False


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section."""

    text: str


@dataclass(frozen=True)
class KeyFigure:
    """One figure in large type with what it means: "Alignment index 72 / 100"."""

    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Figures:
    """A row of key figures side by side."""

    figures: tuple[KeyFigure, ...]


@dataclass(frozen=True)
class Table:
    """A table of text cells; ``widths`` are relative (they are scaled to the page)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    empty: str = ""  # said instead of the table when it has no rows


@dataclass(frozen=True)
class Gap:
    """One row of a diverging bar chart: two groups' means on the same scale."""

    label: str
    left: float  # e.g. the business mean
    right: float  # e.g. the IT mean


@dataclass(frozen=True)
class DivergingBars:
    """Per row a bar from the middle: to the right when the right group rates higher, to the left
    when the left one does; ``span`` is the gap a full bar stands for (2 on a 1-5 scale: half its range)."""

    title: str
    left_label: str
    right_label: str
    rows: tuple[Gap, ...]
    span: float
    figures_label: str = ""  # heads the two means written beside each bar: "Business / IT"


@dataclass(frozen=True)
class RadarSeries:
    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Radar:
    """A radar chart: one axis per ``axes`` label, rings from ``minimum`` to ``maximum``."""

    title: str
    axes: tuple[str, ...]
    series: tuple[RadarSeries, ...]
    minimum: float
    maximum: float


@dataclass(frozen=True)
class TrendLine:
    """A line over time: ``points`` are (label, value or None for a gap), oldest first."""

    title: str
    points: tuple[tuple[str, float | None], ...]
    minimum: float = 0.0
    maximum: float = 100.0


Block = Text | Heading | Figures | Table | DivergingBars | Radar | TrendLine


@dataclass(frozen=True)
class ReportSection:
    """One app's part of the report. ``order`` places it among the sections (lower first)."""

    key: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    order: int = 100
    intro: str = ""


ReportSource = Callable[[Any, date, date], ReportSection | None]

# The order of the sections the apps provide (the index and its trend come first, at 10).
ORDER = {
    "surveys": 20,
    "whycheck": 30,
    "strategy": 40,
    "governance": 50,
    "delivery": 60,
    "reviews": 70,
}


def number(value: float | None, digits: int = 0) -> str:
    """A figure as the report writes it in the active language, "—" for none."""
    if value is None:
        return "—"
    return str(number_format(round(value, digits), decimal_pos=digits))
