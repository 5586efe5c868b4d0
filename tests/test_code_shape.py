"""The shape the apps keep so that the next one copies it: HTML views stay thin (the form ritual
lives in ``core.forms.form_submit``, reads in selectors, writes in services), at most 30 lines each
from ``def`` to the end and 12 at the median."""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "tandem"
LONGEST, MEDIAN = 30, 12


def view_modules() -> list[Path]:
    return sorted(
        p
        for p in SOURCE.rglob("*.py")
        if p.name == "views.py" or p.name.startswith("views_") or p.parent.name == "views"
    )


def view_lengths() -> dict[str, int]:
    """Every public, decorated function of a views module (a view): its length in lines."""
    lengths = {}
    for path in view_modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.decorator_list and not node.name.startswith("_"):
                assert node.end_lineno is not None
                lengths[f"{path.relative_to(SOURCE)}:{node.name}"] = node.end_lineno - node.lineno + 1
    return lengths


def test_views_are_found() -> None:
    lengths = view_lengths()
    assert len(lengths) > 40, sorted(lengths)
    assert "strategy/views/initiatives.py:portfolio" in lengths


def test_no_html_view_is_longer_than_30_lines() -> None:
    too_long = {name: n for name, n in view_lengths().items() if n > LONGEST}
    assert not too_long, f"move the work into selectors, services or core.forms: {too_long}"


def test_the_median_html_view_is_at_most_12_lines() -> None:
    assert statistics.median(view_lengths().values()) <= MEDIAN
