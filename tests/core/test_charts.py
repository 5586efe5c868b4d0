"""The chart kit: legends name every series, axes carry their titles and tick values, labels are
escaped, a radar has a spoke per criterion, the diverging bar puts the business left of the centre
line and IT right of it, and with nothing to draw a chart is empty."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tandem.core import charts
from tandem.core.charts import Axis, Bar, Key, Pair, Places, Rule, Series

SCORE = Axis("Score", 0.0, 10.0, (0.0, 5.0, 10.0))


def places(count: int) -> Places:
    return Places("Week", charts.evenly(count), tuple(f"week {i}" for i in range(count)))


def line(*series: Series, rules: Sequence[Rule] = (), keys: Sequence[Key] = ()) -> str:
    places_ = places(len(series[0].values) if series else 0)
    chart = charts.line_chart(
        "c", "A title", "A description", places=places_, axis=SCORE, series=series, rules=rules, keys=keys
    )
    return str(chart)


def legend_of(svg: str) -> str:
    return svg[svg.index('<g class="legend">') : svg.index("</g>")]


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def percentages(rect: str) -> tuple[float, float]:
    x = re.search(r'x="([\d.]+)%"', rect)
    width = re.search(r'width="([\d.]+)%"', rect)
    assert x, rect
    assert width, rect
    return float(x.group(1)), float(width.group(1))


def test_a_line_chart_has_a_legend_with_each_series_label() -> None:
    svg = line(
        Series("Business", (1.0, 2.0), charts.BUSINESS),
        Series("IT", (3.0, None), charts.IT),
        rules=[Rule("target", 8.0, charts.OK)],
        keys=[Key("Misaligned", charts.BAD)],
    )
    legend = texts(legend_of(svg))
    assert legend == ["Business", "IT", "target", "Misaligned"]
    assert f'stroke="{charts.BUSINESS}"' in legend_of(svg)
    assert f'fill="{charts.BAD}"' in legend_of(svg)


def test_a_line_chart_titles_its_axes_and_marks_the_tick_values() -> None:
    svg = line(Series("Mean", (2.0, 4.0), charts.BRAND))
    ticks = re.findall(r'<text[^>]*class="tick">([^<]*)</text>', svg)
    assert ticks == ["0", "5", "10"]
    assert "Score" in texts(svg)  # the value axis
    assert "Week" in texts(svg)  # the horizontal axis
    assert "week 0" in texts(svg)
    assert "week 1" in texts(svg)


def test_a_missing_figure_breaks_the_line_but_keeps_the_other_dots() -> None:
    svg = line(Series("Mean", (2.0, None, 4.0, 5.0), charts.BRAND))
    assert svg.count('stroke-linecap="round"') == 1  # only the last two figures are neighbours
    assert svg.count("<circle") == 3


def test_nice_ticks_are_round_values_within_the_range() -> None:
    assert charts.nice_ticks(1, 5) == (1, 2, 3, 4, 5)
    assert charts.nice_ticks(-3.2, 27.5) == (0, 10, 20)
    assert charts.nice_ticks(0, 1) == (0, 0.25, 0.5, 0.75, 1)


def test_labels_are_escaped() -> None:
    evil = "<script>alert(1)</script>"
    svg = line(Series(evil, (1.0, 2.0), charts.BRAND, notes=(evil, evil)))
    bars = str(
        charts.bar_chart("b", evil, evil, bars=[Bar(evil, 0.5)], axis=SCORE, category_title=evil)
        + charts.diverging_bar_chart(
            "d", "t", "d", pairs=[Pair(evil, 0.2, 0.4)], axis=SCORE, category_title="x"
        )
        + charts.radar_chart("r", "t", "d", spokes=[evil, "b", "c"], axis=SCORE, series=[])
    )
    for chart in (svg, bars):
        assert "<script>" not in chart
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in chart


def test_a_radar_has_a_spoke_per_axis_and_a_ring_per_tick() -> None:
    spokes = ["Vision", "Governance", "Skills", "Delivery", "Value", "Trust", "Communication"]
    svg = str(
        charts.radar_chart(
            "r",
            "t",
            "d",
            spokes=spokes,
            axis=Axis("Level", 1, 5, (1, 2, 3, 4, 5)),
            series=[Series("Business", (3.0,) * 7, charts.BUSINESS), Series("IT", (2.0,) * 7, charts.IT)],
        )
    )
    assert svg.count('class="spoke"') == len(spokes)
    assert all(label in texts(svg) for label in spokes)
    assert svg.count("<polygon") == 5 + 2
    assert texts(legend_of(svg)) == ["Business", "IT"]
    assert "Level" in texts(svg)


def test_a_radar_leaves_out_a_series_with_a_hidden_figure() -> None:
    svg = str(
        charts.radar_chart(
            "r",
            "t",
            "d",
            spokes=["a", "b", "c"],
            axis=Axis("Level", 1, 5, (1, 3, 5)),
            series=[
                Series("Business", (3.0, None, 2.0), charts.BUSINESS),
                Series("IT", (2.0,) * 3, charts.IT),
            ],
        )
    )
    assert svg.count("<polygon") == 3 + 1
    assert texts(legend_of(svg)) == ["IT"]


def test_the_diverging_bar_puts_the_business_left_of_the_centre_and_it_right() -> None:
    svg = str(
        charts.diverging_bar_chart(
            "d",
            "t",
            "d",
            pairs=[Pair("Agree", 0.5, 0.25), Pair("Disagree", 0.1, 0.75)],
            axis=Axis("Share", 0.0, 1.0, (0.0, 0.5, 1.0), charts.percent),
            category_title="Answer",
        )
    )
    centre = float(re.findall(r'<line x1="([\d.]+)%" x2="\1%"', svg)[0])
    business = re.findall(rf'<rect[^>]*fill="{charts.BUSINESS}"[^>]*>', svg)[1:]  # after the legend's swatch
    it = re.findall(rf'<rect[^>]*fill="{charts.IT}"[^>]*>', svg)[1:]
    assert len(business) == len(it) == 2
    for rect in business:
        x, width = percentages(rect)
        assert abs(x + width - centre) < 0.01  # ends at the centre line
    for rect in it:
        x, _width = percentages(rect)
        assert x == centre  # starts at the centre line
    assert percentages(business[0])[1] == 2 * percentages(it[0])[1]  # 50% against 25%
    assert texts(legend_of(svg)) == ["Business", "IT"]
    assert texts(svg).count("100%") == 2  # the value axis mirrored about the centre
    assert "Share" in texts(svg)


def test_a_bar_chart_marks_its_value_axis_and_shows_each_value() -> None:
    svg = str(
        charts.bar_chart(
            "b",
            "t",
            "d",
            bars=[Bar("Yes", 0.75), Bar("No", 0.25), Bar("Unsure", None)],
            axis=Axis("Share of answers", 0.0, 1.0, (0.0, 0.5, 1.0), charts.percent),
            category_title="Answer",
        )
    )
    shown = texts(svg)
    assert [t for t in shown if t in ("0%", "50%", "100%")] == ["0%", "50%", "100%"]
    assert {"75%", "25%", "hidden", "Share of answers", "Answer"} <= set(shown)
    assert svg.count(f'fill="{charts.BRAND}"') == 2  # no bar for the hidden figure


def test_with_nothing_to_draw_a_chart_is_empty() -> None:
    empty = [
        charts.line_chart("c", "t", "d", places=places(0), axis=SCORE, series=[]),
        charts.bar_chart("b", "t", "d", bars=[], axis=SCORE, category_title="x"),
        charts.diverging_bar_chart("d", "t", "d", pairs=[], axis=SCORE, category_title="x"),
        charts.radar_chart("r", "t", "d", spokes=["a", "b"], axis=SCORE, series=[]),
    ]
    assert all(chart == "" and not chart for chart in empty)


def test_a_line_with_every_figure_hidden_says_so_instead_of_drawing() -> None:
    svg = line(Series("Mean", (None, None), charts.BRAND))
    assert "No figures to show." in texts(svg)
    assert "<circle" not in svg


def test_every_chart_is_labelled_and_free_of_inline_styles() -> None:
    svg = line(Series("Mean", (1.0, 2.0), charts.BRAND))
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">A title</title><desc id="c-desc">A description</desc>' in svg
    assert "style=" not in svg
    assert "<script" not in svg
