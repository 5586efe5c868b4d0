"""Readable results: the page opens with a summary (the widest gaps, the gaps question by question
as a diverging bar, the maturity radar with labelled rings), shows a heatmap of questions by
groups with suppressed cells shown as hidden, says the suppression rule once, words every
difference with one function, keeps the line breaks of free text, and exports the type of each
group (a department called "IT" is not the IT side)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.utils.safestring import SafeString

from tandem.core import charts
from tandem.core.models import Department, Side
from tandem.surveys import selectors
from tandem.surveys.models import Campaign
from tandem.surveys.results import Comparison, difference_of, difference_sentence, heatmap
from tandem.surveys.services import QuestionInput
from tests.conftest import Personas
from tests.surveys.conftest import ORG, ClientFor, close, make_campaign, questions_of, submit

QUESTIONS = (
    QuestionInput("likert", "Priorities are clear and agreed by IT and the business alike."),
    QuestionInput("likert", "We meet often enough."),
    QuestionInput("text", "What would you change?", required=False),
)
NOTE = "First line\nSecond <line>"


@pytest.fixture
def mixed(personas: Personas, threshold3: int) -> Campaign:
    """Business people in a department called "IT" (answer 4) and in Sales (5); IT people answer
    2, one of them from Ops, a department too small to show; then it closes."""
    org = personas.org
    it_department, _new = Department.objects.for_org(org).get_or_create(organization=org, name="IT")
    sales, _new = Department.objects.for_org(org).get_or_create(organization=org, name="Sales")
    ops, _new = Department.objects.for_org(org).get_or_create(organization=org, name="Ops")
    campaign = make_campaign(personas.owner, questions=QUESTIONS, title="Readable pulse")
    first, second, free = questions_of(campaign)
    people: list[tuple[str, Department | None, int]] = [
        *[(Side.BUSINESS, it_department, 4)] * 3,
        *[(Side.BUSINESS, sales, 5)] * 3,
        *[(Side.IT, None, 2)] * 4,
        (Side.IT, ops, 2),
    ]
    for side, department, value in people:
        answers: dict[str, Any] = {first.field_name: value, second.field_name: 3}
        answers[free.field_name] = NOTE if side == Side.BUSINESS else "Involve us earlier."
        submit(campaign, side, department, answers)
    return close(campaign)


def comparison(effect: str, p_value: float | None, gap: float = -0.8) -> Comparison:
    return Comparison(gap=gap, u=None, p_value=p_value, rank_biserial=0.0, effect=effect, cohens_d=None)


# --- One function decides the words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effect", "p_value", "level", "words"),
    [
        ("negligible", 0.001, "same", "about the same"),
        ("large", 0.30, "chance", "no clear difference"),
        ("small", 0.01, "small", "small difference"),
        ("medium", 0.049, "medium", "medium difference"),
        ("large", None, "large", "large difference"),  # a criterion: its effect size alone
    ],
)
def test_the_words_of_a_difference_follow_its_effect_size_and_its_test(
    effect: str, p_value: float | None, level: str, words: str
) -> None:
    difference = difference_of(comparison(effect, p_value))
    assert difference is not None
    assert (difference.level, difference.words) == (level, words)


def test_a_sentence_never_contradicts_its_words() -> None:
    assert difference_sentence(comparison("negligible", 0.5, gap=0.3)) == (
        "IT and the business rate this the same on average (p = 0.50)."
    )
    assert difference_sentence(comparison("large", 0.3)) == (
        "IT rates this 0.8 lower than the business (no clear difference, p = 0.30)."
    )
    assert difference_sentence(comparison("large", 0.001, gap=1.2)) == (
        "IT rates this 1.2 higher than the business (large difference, p = 0.001)."
    )
    assert difference_sentence(None) == ""


# --- The page ---------------------------------------------------------------------------------------------


def page_of(client_for: ClientFor, campaign: Campaign) -> str:
    response = client_for("viewer").get(f"{ORG}{campaign.pk}/")
    assert response.status_code == 200
    html: str = response.content.decode()
    return html


def test_the_results_open_with_a_summary_and_the_gaps_as_diverging_bars(
    client_for: ClientFor, mixed: Campaign
) -> None:
    html = page_of(client_for, mixed)
    summary = html.index('id="summary"')
    assert summary < html.index('id="heatmap"') < html.index('id="questions"')
    assert '<h2 id="summary-title">Summary</h2>' in html
    chart = html[html.index('class="results-gap-chart"') :]
    assert chart.index('role="img" aria-labelledby="gap-chart-title gap-chart-desc"') < chart.index("</svg>")
    assert "The business rates it higher" in chart
    assert "style=" not in html


def test_the_suppression_rule_is_said_once_at_the_top(client_for: ClientFor, mixed: Campaign) -> None:
    html = page_of(client_for, mixed)
    assert html.count("Groups with fewer than 3 responses are hidden") == 1
    assert html.count("Some departments are not shown") == 1
    assert html.index("Groups with fewer than 3") < html.index('id="summary"')


def test_the_heatmap_shows_each_groups_mean_and_never_a_hidden_ones(
    client_for: ClientFor, mixed: Campaign
) -> None:
    data = selectors.campaign_results(mixed)
    heat = heatmap(data)
    labels = [(c.label, c.type) for c in heat.columns]
    assert labels[:3] == [("Everyone", "everyone"), ("Business", "side"), ("IT", "side")]
    assert ("IT", "department") in labels
    assert ("Ops", "department") not in labels  # one person: never a column
    first = heat.rows[0]
    shown = {c.key: cell for c, cell in zip(heat.columns, first.cells, strict=True)}
    assert shown["business"].mean == pytest.approx(4.5)
    assert shown["it"].mean == pytest.approx(2.0)
    assert (shown["it"].step, shown["business"].step) == (1, 4)
    html = page_of(client_for, mixed)
    table = html[
        html.index('class="results-heatmap"') : html.index("</table>", html.index('class="results-heatmap"'))
    ]
    assert '<td class="results-heat results-heat-4">4.5</td>' in table
    for row in heat.rows:
        for column, cell in zip(heat.columns, row.cells, strict=True):
            group = [
                g for g in (row.item.overall, *row.item.sides, *row.item.departments) if g.key == column.key
            ]
            if cell.state == "shown":
                assert [(g.suppressed, g.mean) for g in group] == [(False, cell.mean)]
            else:
                assert (cell.mean, cell.step) == (None, None)


def test_free_text_answers_keep_their_line_breaks_and_stay_escaped(
    client_for: ClientFor, mixed: Campaign
) -> None:
    html = page_of(client_for, mixed)
    assert "First line<br>Second &lt;line&gt;" in html
    assert "Second <line>" not in html


def test_the_maturity_radar_labels_its_rings() -> None:
    svg = charts.radar_chart(
        "radar",
        "Maturity",
        "A radar",
        spokes=["Communications", "Value measurement", "Governance and partnership"],
        axis=charts.Axis("Level", 1, 5, (1, 2, 3, 4, 5)),
        series=[charts.Series("IT", (3.0, 2.0, 4.0), charts.IT)],
        rings=["initial", "committed", "established", "improved", "optimised"],
    )
    rings = re.findall(r'class="ring">([^<]*)<', svg)
    assert rings == ["1 initial", "2 committed", "3 established", "4 improved", "5 optimised"]
    assert re.search(r'dy="0">Governance and</tspan><tspan x="[\d.]+" dy="14">partnership<', svg)
    assert "Governance and partnership" not in svg


# --- The export ---------------------------------------------------------------------------------------------


def test_the_export_says_whether_a_group_is_a_side_a_department_or_everyone(
    client_for: ClientFor, mixed: Campaign
) -> None:
    response = client_for("viewer").get(f"{ORG}{mixed.pk}/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    first = questions_of(mixed)[0].field_name
    mine = [(r["Group type"], r["Group"]) for r in rows if r["Key"] == first]
    assert mine[:3] == [("everyone", "Everyone"), ("side", "Business"), ("side", "IT")]
    assert ("department", "IT") in mine
    everyone = next(r for r in rows if r["Key"] == first and r["Group type"] == "everyone")
    assert everyone["Difference"] == "large difference"


# --- The chart kit ------------------------------------------------------------------------------------------


def test_a_gap_chart_draws_each_gap_from_the_centre_in_the_colour_of_the_side_that_rates_higher() -> None:
    left, right = charts.Key("Business higher", charts.BUSINESS), charts.Key("IT higher", charts.IT)
    axis = charts.Axis("Gap", -2, 2, (-2, 0, 2))
    svg = charts.gap_chart(
        "g",
        "Gaps",
        "desc",
        gaps=[charts.Gap("Lower", -1.0), charts.Gap("Higher", 2.0), charts.Gap("Hidden", None)],
        axis=axis,
        category_title="Question",
        left=left,
        right=right,
    )
    bars = re.findall(r'<rect x="([\d.]+)%" y="[\d.]+" width="([\d.]+)%" height="14" fill="(#\w+)"', svg)
    assert bars == [("48.50", "10.50", charts.BUSINESS), ("59.00", "21.00", charts.IT)]
    assert "hidden" in svg
    assert charts.gap_chart("g", "t", "d", gaps=[], axis=axis, category_title="", left=left, right=right) == (
        SafeString("")
    )


def test_a_long_label_wraps_at_spaces_and_is_cut_only_past_its_last_line() -> None:
    assert charts.wrap("Priorities are clear and agreed", 16) == ("Priorities are", "clear and agreed")
    assert charts.wrap("one two three four five six", 7, lines=2) == ("one two", "three…")
