"""Campaign results on fixed answers: what appears when, the figures per question and side, the
comparison of IT with the business, maturity levels, departments, and the trend across campaigns."""

from __future__ import annotations

from statistics import fmean
from typing import Any

import pytest

from tandem.core.models import Department, Side
from tandem.surveys import stats
from tandem.surveys.models import Campaign
from tandem.surveys.results import CampaignResults, ItemResult
from tandem.surveys.selectors import campaign_results, template_trends
from tandem.surveys.services import QuestionInput
from tests.conftest import Personas
from tests.surveys.conftest import close, make_campaign, questions_of, submit

QUESTIONS = (
    QuestionInput("likert", "IT understands our goals.", criterion="Communication"),
    QuestionInput("likert", "We share plans early.", criterion="Communication"),
    QuestionInput("likert", "Decisions are made together.", criterion="Governance"),
    QuestionInput("single", "How often do you meet?", choices=("Weekly", "Monthly", "Rarely")),
    QuestionInput("score", "Recommend?", required=False),
)
# (q1, q2, q3, choice, score) per respondent.
BUSINESS = [
    (2, 3, 2, "Monthly", 6),
    (3, 2, 1, "Rarely", 5),
    (2, 2, 3, "Rarely", None),
    (1, 3, 2, "Monthly", 4),
    (3, 3, 2, "Weekly", 7),
    (2, 1, 2, "Rarely", 3),
]
IT = [
    (4, 4, 3, "Weekly", 8),
    (5, 4, 4, "Weekly", 9),
    (4, 3, 4, "Monthly", 7),
    (3, 5, 3, "Weekly", 10),
    (4, 4, 5, "Weekly", 8),
]


def answer(
    campaign: Campaign, side: str, rows: list[tuple[Any, ...]], department: Department | None = None
) -> None:
    questions = questions_of(campaign)
    for row in rows:
        answers = {q.field_name: value for q, value in zip(questions, row, strict=True) if value is not None}
        submit(campaign, side, department, answers)


@pytest.fixture
def answered(personas: Personas) -> Campaign:
    campaign = make_campaign(personas.owner, questions=QUESTIONS)
    answer(campaign, Side.BUSINESS, BUSINESS)
    answer(campaign, Side.IT, IT)
    return campaign


@pytest.fixture
def results(answered: Campaign) -> CampaignResults:
    return campaign_results(close(answered))


def column(rows: list[tuple[Any, ...]], index: int) -> list[Any]:
    return [row[index] for row in rows if row[index] is not None]


def item(results: CampaignResults, index: int) -> ItemResult:
    return results.items[index]


# --- When results appear -----------------------------------------------------------------------------------


def test_an_open_campaign_shows_only_how_many_answered(answered: Campaign) -> None:
    results = campaign_results(answered)
    assert not results.available
    assert results.responses == len(BUSINESS) + len(IT)
    assert results.items == ()
    assert results.counts == ()
    assert results.maturity is None
    assert "closes" in results.reason


def test_a_closed_campaign_with_too_few_responses_shows_nothing(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, questions=QUESTIONS)
    answer(campaign, Side.IT, IT[:4])
    results = campaign_results(close(campaign))
    assert not results.available
    assert results.items == ()
    assert "Fewer than 5" in results.reason


def test_the_organisations_threshold_applies(personas: Personas, answered: Campaign) -> None:
    from tandem.surveys.services import settings_update

    settings_update(actor=personas.owner, threshold=6)
    answered.refresh_from_db()  # still open: it follows the new threshold
    results = campaign_results(close(answered))
    assert results.threshold == 6
    assert item(results, 0).side(Side.IT).suppressed  # type: ignore[union-attr]
    assert not item(results, 0).side(Side.BUSINESS).suppressed  # type: ignore[union-attr]
    assert item(results, 0).comparison is None


# --- Figures per question --------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", [0, 1, 2])
def test_each_likert_question_has_its_count_mean_and_distribution(
    results: CampaignResults, index: int
) -> None:
    everyone = column(BUSINESS, index) + column(IT, index)
    result = item(results, index)
    assert result.overall.n == len(everyone)
    assert result.overall.mean == pytest.approx(fmean(everyone))
    assert result.overall.distribution == tuple((str(v), everyone.count(v)) for v in (1, 2, 3, 4, 5))
    business = result.side(Side.BUSINESS)
    it = result.side(Side.IT)
    assert business is not None
    assert it is not None
    assert (business.n, business.mean) == (len(BUSINESS), pytest.approx(fmean(column(BUSINESS, index))))
    assert (it.n, it.mean) == (len(IT), pytest.approx(fmean(column(IT, index))))


def test_a_choice_question_counts_each_option(results: CampaignResults) -> None:
    result = item(results, 3)
    assert result.overall.distribution == (("Weekly", 5), ("Monthly", 3), ("Rarely", 3))
    assert result.overall.mean is None
    assert result.comparison is None


def test_an_optional_question_counts_only_those_who_answered(results: CampaignResults) -> None:
    result = item(results, 4)
    assert result.overall.n == len(BUSINESS) + len(IT) - 1
    assert [k for k, _count in result.overall.distribution or ()] == [str(v) for v in range(11)]


def test_the_gap_is_it_minus_business(results: CampaignResults) -> None:
    for index in (0, 1, 2, 4):
        comparison = item(results, index).comparison
        assert comparison is not None
        assert comparison.gap == pytest.approx(fmean(column(IT, index)) - fmean(column(BUSINESS, index)))
        assert comparison.gap > 0  # IT is the more positive side in this data
        assert comparison.rank_biserial > 0


@pytest.mark.parametrize("index", [0, 2, 4])
def test_the_comparison_is_the_mann_whitney_test_of_it_against_business(
    results: CampaignResults, index: int
) -> None:
    it, business = [float(v) for v in column(IT, index)], [float(v) for v in column(BUSINESS, index)]
    expected = stats.mann_whitney_u(it, business)
    comparison = item(results, index).comparison
    assert comparison is not None
    assert (comparison.u, comparison.p_value, comparison.rank_biserial) == (
        pytest.approx(expected.u),
        pytest.approx(expected.p_value),
        pytest.approx(expected.rank_biserial),
    )
    assert comparison.effect == stats.effect_label(expected.rank_biserial)
    assert comparison.cohens_d == pytest.approx(stats.cohens_d(it, business))


def test_the_widest_gap_comes_first(results: CampaignResults) -> None:
    gaps = [abs(i.comparison.gap) for i in results.gaps if i.comparison]
    assert gaps == sorted(gaps, reverse=True)
    assert len(gaps) == 4 + 2  # four numeric questions, two criteria


def test_counts_are_per_side(results: CampaignResults) -> None:
    assert [(g.key, g.n) for g in results.counts] == [
        ("all", len(BUSINESS) + len(IT)),
        (Side.BUSINESS, len(BUSINESS)),
        (Side.IT, len(IT)),
    ]


# --- Maturity -----------------------------------------------------------------------------------------------


def levels(rows: list[tuple[Any, ...]]) -> tuple[list[float], list[float], list[float]]:
    communication = [fmean(row[0:2]) for row in rows]
    governance = [float(row[2]) for row in rows]
    overall = [fmean(pair) for pair in zip(communication, governance, strict=True)]
    return communication, governance, overall


def test_a_criterion_is_the_mean_of_its_questions_figures(results: CampaignResults) -> None:
    """With every question answered this is each respondent's mean too; the comparison is the gap
    and the mean of the questions' effect sizes, with no test of its own."""
    business, it = levels(BUSINESS), levels(IT)
    [communication, governance] = results.criteria
    assert communication.label == "Communication"
    assert communication.overall.mean == pytest.approx(fmean(business[0] + it[0]))
    assert communication.side(Side.IT).mean == pytest.approx(fmean(it[0]))  # type: ignore[union-attr]
    assert governance.side(Side.BUSINESS).mean == pytest.approx(fmean(business[1]))  # type: ignore[union-attr]
    comparison = communication.comparison
    assert comparison is not None
    effects = [item(results, i).comparison.rank_biserial for i in (0, 1)]  # type: ignore[union-attr]
    assert comparison.rank_biserial == pytest.approx(fmean(effects))
    assert (comparison.u, comparison.p_value, comparison.cohens_d) == (None, None, None)


def test_the_overall_level_is_the_mean_of_the_criteria(results: CampaignResults) -> None:
    business, it = levels(BUSINESS), levels(IT)
    maturity = results.maturity
    assert maturity is not None
    assert maturity.overall.mean == pytest.approx(fmean(business[2] + it[2]))
    assert maturity.side(Side.BUSINESS).mean == pytest.approx(fmean(business[2]))  # type: ignore[union-attr]
    assert maturity.comparison is not None
    assert maturity.comparison.gap == pytest.approx(fmean(it[2]) - fmean(business[2]))


def test_a_template_without_criteria_has_no_maturity(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, questions=(QuestionInput("likert", "Fine."),))
    answer(campaign, Side.IT, [(4,)] * 5)
    results = campaign_results(close(campaign))
    assert results.available
    assert results.criteria == ()
    assert results.maturity is None


# --- Departments ------------------------------------------------------------------------------------------------


def test_a_large_enough_department_is_shown_and_a_small_one_hidden(personas: Personas) -> None:
    sales = personas.owner.department
    it_department = personas.admin.department
    assert sales is not None
    assert it_department is not None
    campaign = make_campaign(personas.owner, questions=QUESTIONS)
    answer(campaign, Side.BUSINESS, BUSINESS[:5], sales)
    answer(campaign, Side.BUSINESS, BUSINESS + BUSINESS[:1])
    answer(campaign, Side.IT, IT[:2], it_department)
    answer(campaign, Side.IT, IT)
    result = item(campaign_results(close(campaign)), 0)
    assert [(g.key, g.n) for g in result.departments] == [(f"department:{sales.pk}", 5)]
    assert result.departments[0].mean == pytest.approx(fmean(column(BUSINESS[:5], 0)))
    assert result.hidden_departments


# --- Trend ---------------------------------------------------------------------------------------------------------


def test_the_trend_follows_each_question_across_closed_campaigns(personas: Personas) -> None:
    first = make_campaign(personas.owner, questions=QUESTIONS)
    answer(first, Side.BUSINESS, BUSINESS)
    answer(first, Side.IT, IT)
    close(first)
    second = make_campaign(personas.owner, template=first.template)
    answer(second, Side.BUSINESS, [(5, 5, 5, "Weekly", 10)] * 5)
    answer(second, Side.IT, [(4, 4, 4, "Weekly", 9)] * 3)  # IT too small to show this time
    close(second)
    still_open = make_campaign(personas.owner, template=first.template)

    trends = template_trends([second, still_open, first])
    key = questions_of(first)[0].field_name
    points = trends[key]
    assert [p.campaign.pk for p in points] == [first.pk, second.pk]
    assert points[0].business == pytest.approx(fmean(column(BUSINESS, 0)))
    assert points[0].it == pytest.approx(fmean(column(IT, 0)))
    assert points[1].business == pytest.approx(5.0)
    assert points[1].it is None
    assert points[1].overall == pytest.approx(5.0)  # IT left out of the total as well
    assert questions_of(first)[3].field_name not in trends  # a choice question has no mean
    assert {"overall", "criterion:Communication", "criterion:Governance"} <= set(trends)
