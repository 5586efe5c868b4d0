"""The apps' sections of the board report keep the pages' rules: no survey figure of a group below
the anonymity threshold, nothing of a why check whose answers are still blind; and their queries
do not grow with the portfolio."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core import report as r
from tandem.core.models import Side
from tandem.insights import report_data
from tandem.strategy import report as strategy_report
from tandem.strategy.models import Initiative, Stage
from tandem.surveys import report as surveys_report
from tandem.surveys import services as survey_services
from tandem.whycheck import report as whycheck_report
from tandem.whycheck import services as whycheck_services
from tandem.whycheck.models import WhyCheck
from tests.conftest import Personas
from tests.surveys.conftest import invite_sides, same_answers, shipped_template


def blocks_of(section: r.ReportSection | None, kind: type) -> list[object]:
    assert section is not None
    return [block for block in section.blocks if isinstance(block, kind)]


def survey(personas: Personas, it_people: int) -> None:
    """A closed partnership pulse at threshold 3: four business people answer 4, ``it_people`` IT
    people answer 2."""
    survey_services.settings_update(actor=personas.owner, threshold=3)
    template = shipped_template(personas, "partnership")
    invited = invite_sides(personas, template, {Side.BUSINESS: 4, Side.IT: it_people})
    questions = list(template.questions.all())
    for side, value in ((Side.BUSINESS, 4), (Side.IT, 2)):
        for token in invited.tokens[side]:
            survey_services.response_submit(token=token, answers=same_answers(questions, value))
    survey_services.campaign_close(actor=personas.owner, campaign=invited.campaign)


def today_period() -> tuple[object, object]:
    today = timezone.localdate()
    return today - timedelta(days=30), today


def test_the_perception_gap_compares_business_and_it_when_both_are_shown(personas: Personas) -> None:
    survey(personas, it_people=4)
    start, end = today_period()
    section = surveys_report.report_section(personas.org, start, end)  # type: ignore[arg-type]
    [bars] = blocks_of(section, r.DivergingBars)
    assert isinstance(bars, r.DivergingBars)
    assert bars.rows
    assert all((row.left, row.right) == (4.0, 2.0) for row in bars.rows)


def test_no_figure_of_a_side_below_the_anonymity_threshold(personas: Personas) -> None:
    survey(personas, it_people=2)  # two IT answers: fewer than the threshold of three
    start, end = today_period()
    section = surveys_report.report_section(personas.org, start, end)  # type: ignore[arg-type]
    assert blocks_of(section, r.DivergingBars) == []
    assert blocks_of(section, r.Radar) == []
    figures = [f for block in blocks_of(section, r.Figures) for f in block.figures]  # type: ignore[attr-defined]
    assert str(Side.IT.label) not in [f.label for f in figures]
    tables = blocks_of(section, r.Table)
    assert all("2.0" not in cell for table in tables for row in table.rows for cell in row)  # type: ignore[attr-defined]


def test_an_open_survey_shows_no_results(personas: Personas) -> None:
    template = shipped_template(personas, "partnership")
    invite_sides(personas, template, {Side.BUSINESS: 4, Side.IT: 4})
    start, end = today_period()
    section = surveys_report.report_section(personas.org, start, end)  # type: ignore[arg-type]
    assert blocks_of(section, r.DivergingBars) == []
    assert [type(block) for block in section.blocks] == [r.Text]  # type: ignore[union-attr]


def test_a_why_check_still_blind_is_left_out(personas: Personas, round_: WhyCheck) -> None:
    whycheck_services.whycheck_submit_answer(
        actor=personas.business_lead,
        why_check=round_,
        why="We want fewer late invoices.",
        measures=[{"name": "Late invoices"}],
    )
    start, end = today_period()
    assert whycheck_report.report_section(personas.org, start, end) is None  # type: ignore[arg-type]
    content = report_data.report_content(personas.org, start, end)  # type: ignore[arg-type]
    assert all(section.key != "whycheck" for section in content.sections)


def _initiatives(personas: Personas, n: int) -> None:
    Initiative.objects.bulk_create(
        Initiative(
            organization=personas.org,
            title=f"Initiative {i}",
            stage=(Stage.PROPOSED, Stage.IN_DELIVERY, Stage.PAUSED)[i % 3],
        )
        for i in range(n)
    )


@pytest.mark.parametrize("section", [strategy_report.report_section, whycheck_report.report_section])
def test_the_portfolio_sections_queries_do_not_grow_with_the_portfolio(
    personas: Personas, section: object
) -> None:
    start, end = today_period()
    counts = []
    for n in (5, 50):
        _initiatives(personas, n)
        with CaptureQueriesContext(connection) as captured:
            section(personas.org, start, end)  # type: ignore[operator]
        counts.append(len(captured))
    assert counts[0] == counts[1]
