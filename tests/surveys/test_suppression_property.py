"""Every published figure of a campaign together isolates nobody: no sum or difference of all its
figures (every question, every criterion, the overall level, every group of each) comes down to
the answers of fewer people than the threshold.

The figures are linear in the answers: a mean is a sum over its respondents divided by a count
that depends only on who answered, and a criterion or the overall level is a mean of means. Which
groups are shown depends only on who answered what, never on the values. So the figures are
``M · x`` for the answers ``x``, and ``M`` is found by moving one answer at a time. A set ``R`` of
respondents is isolated when some combination of figures depends on their answers alone: when a
vector in the row space of ``M`` lives on R's answers only, which is when dropping R's columns
lowers the rank. A superset of an isolated set is isolated too, so checking every set of exactly
``threshold - 1`` respondents covers every smaller one.

A campaign is shown at one threshold only, its own, fixed once it closes
(``test_insiders_differencing`` changes the setting between looks and finds the same figures), and
the exports and the API publish exactly the results' figures (checked here on every example).
Distributions and spreads are per question, on the same groups as its means; ``test_suppression``
checks those groups by brute force.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import numpy as np
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.core.models import Department, Side
from tandem.surveys import exports
from tandem.surveys.models import Campaign, Question, QuestionKind, SurveyResponse
from tandem.surveys.results import CampaignResults, campaign_results_from
from tandem.surveys.schemas import results_out

# Two criteria of two questions each, all but the first optional, and one question of no criterion:
# skipping a question or a whole criterion is what made per-respondent levels reveal people.
QUESTIONS = (
    Question(pk=1, kind=QuestionKind.LIKERT, text="Priorities are clear.", criterion="Communication"),
    Question(
        pk=2, kind=QuestionKind.LIKERT, text="We talk often.", criterion="Communication", required=False
    ),
    Question(
        pk=3, kind=QuestionKind.SCORE, text="Delivery is on time.", criterion="Delivery", required=False
    ),
    Question(pk=4, kind=QuestionKind.LIKERT, text="Scope is agreed.", criterion="Delivery", required=False),
    Question(pk=5, kind=QuestionKind.LIKERT, text="IT is a partner.", required=False),
)
DEPARTMENTS = {pk: Department(pk=pk, name=f"Unit {pk}") for pk in (1, 2)}

respondent = st.tuples(
    st.sampled_from([Side.BUSINESS, Side.BUSINESS, Side.IT, Side.IT, Side.PARTNER]),
    st.sampled_from([1, 2, None]),
    st.integers(1, 5),
    *[
        st.one_of(st.none(), st.integers(0, 10) if q.kind == QuestionKind.SCORE else st.integers(1, 5))
        for q in QUESTIONS[1:]
    ],
)


def closed_campaign(threshold: int) -> Campaign:
    today = timezone.localdate()
    return Campaign(
        pk=1,
        title="Pulse",
        opens_on=today - timedelta(days=14),
        closes_on=today - timedelta(days=1),
        threshold=threshold,
    )


def responses_of(people: Sequence[tuple[Any, ...]]) -> list[SurveyResponse]:
    return [
        SurveyResponse(
            side=side,
            department_id=department,
            answers={str(q.pk): v for q, v in zip(QUESTIONS, values, strict=True) if v is not None},
        )
        for side, department, *values in people
    ]


def results(campaign: Campaign, responses: list[SurveyResponse]) -> CampaignResults:
    return campaign_results_from(
        campaign=campaign,
        invited=len(responses),
        responses=responses,
        departments=DEPARTMENTS,
        questions=QUESTIONS,
        analyses={},
    )


def figures(data: CampaignResults) -> dict[tuple[str, str], float]:
    """Every mean and gap the results show, by item and group."""
    shown: dict[tuple[str, str], float] = {}
    for item in (*data.items, *data.criteria, *([data.maturity] if data.maturity else [])):
        for group in (item.overall, *item.sides, *item.departments):
            if not group.suppressed and group.mean is not None:
                assert (group.n or 0) >= data.threshold, (item.key, group.key)
                shown[item.key, group.key] = group.mean
        if item.comparison is not None:
            shown[item.key, "gap"] = item.comparison.gap
    return shown


def answer_matrix(campaign: Campaign, responses: list[SurveyResponse]) -> tuple[np.ndarray, list[int]]:
    """``M`` (figures × answers) and, for each answer (column), the respondent it belongs to."""
    base = figures(results(campaign, responses))
    columns: list[np.ndarray] = []
    owners: list[int] = []
    for index, response in enumerate(responses):
        for key in response.answers:
            moved = list(responses)
            moved[index] = replace_answer(response, key, response.answers[key] + 0.5)
            after = figures(results(campaign, moved))
            assert after.keys() == base.keys()  # what is shown depends on who answered, not on what
            columns.append(np.array([(after[k] - base[k]) / 0.5 for k in base]))
            owners.append(index)
    matrix = np.column_stack(columns) if columns and base else np.zeros((0, len(columns)))
    return matrix, owners


def replace_answer(response: SurveyResponse, key: str, value: float) -> SurveyResponse:
    return SurveyResponse(
        side=response.side, department_id=response.department_id, answers={**response.answers, key: value}
    )


def isolated_sets(
    matrix: np.ndarray, owners: list[int], people: int, threshold: int
) -> list[tuple[int, ...]]:
    """The sets of ``threshold - 1`` respondents some combination of figures depends on alone."""
    if matrix.size == 0:
        return []
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for chosen in itertools.combinations(range(people), min(threshold - 1, people)):
        keep = [c for c, owner in enumerate(owners) if owner not in chosen]
        if np.linalg.matrix_rank(matrix[:, keep]) < rank if keep else rank > 0:
            found.append(chosen)
    return found


def exported_figures(data: CampaignResults) -> dict[tuple[str, str], float]:
    """The means the CSV/XLSX rows and the API answer carry, by item and group label."""
    shown: dict[tuple[str, str], float] = {}
    for key, _kind, _label, _type, group, state, _n, mean, *_rest in exports.results_rows(data):
        if state == "shown" and mean != "":
            shown[key, group] = float(mean)
    api = results_out(data)
    for item in (*api.questions, *api.criteria, *([api.maturity] if api.maturity else [])):
        groups = [item.overall, *item.sides.values(), *item.departments]
        for group in groups:
            if not group.suppressed and group.mean is not None:
                assert abs(shown[item.key, group.label] - group.mean) < 0.006, (item.key, group.label)
    return shown


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(respondent, min_size=3, max_size=13), threshold=st.integers(3, 4))
def test_no_combination_of_all_published_figures_isolates_fewer_than_the_threshold(
    people: list[tuple[Any, ...]], threshold: int
) -> None:
    campaign = closed_campaign(threshold)
    responses = responses_of(people)
    matrix, owners = answer_matrix(campaign, responses)
    assert isolated_sets(matrix, owners, len(responses), threshold) == []
    # The exports and the API carry the same figures, rounded: nothing beside them.
    data = results(campaign, responses)
    if data.available:
        exact = {(item, group): value for (item, group), value in figures(data).items() if group != "gap"}
        exported = exported_figures(data)
        assert len(exported) == len(exact)


def test_the_check_finds_a_respondent_isolated_by_per_respondent_levels() -> None:
    """The check itself: with a criterion's level taken per respondent (each one's mean over the
    questions they answered, as Tandem once did), a respondent who skips one question is isolated
    by the criterion against its two questions; the check must say so."""
    people: list[tuple[Any, ...]] = [
        (Side.BUSINESS, None, a, b, None, None, None) for a, b in [(2, 4), (3, 3), (2, 4), (2, 4), (3, 3)]
    ]
    people.append((Side.BUSINESS, None, 2, None, None, None, None))
    campaign = closed_campaign(5)
    responses = responses_of(people)

    def per_respondent(data: CampaignResults) -> dict[tuple[str, str], float]:
        level = [np.mean([float(v) for k, v in r.answers.items() if k in ("1", "2")]) for r in current]
        return {**figures(data), ("criterion", "per respondent"): float(np.sum(level))}

    rows: list[np.ndarray] = []
    owners: list[int] = []
    current = responses
    base = per_respondent(results(campaign, current))
    for index, response in enumerate(responses):
        for key in response.answers:
            current = list(responses)
            current[index] = replace_answer(response, key, response.answers[key] + 0.5)
            after = per_respondent(results(campaign, current))
            rows.append(np.array([(after[k] - base[k]) / 0.5 for k in base]))
            owners.append(index)
    matrix = np.column_stack(rows)
    assert (5,) in isolated_sets(matrix, owners, len(responses), 2)
    # Tandem's own figures of the same people isolate nobody.
    tandem, tandem_owners = answer_matrix(campaign, responses)
    assert isolated_sets(tandem, tandem_owners, len(responses), 2) == []


def test_a_derived_level_is_the_mean_of_its_questions_figures() -> None:
    people = [(Side.BUSINESS, None, 2, 4, None, None, None)] * 5 + [
        (Side.BUSINESS, None, 2, None, None, None, None)
    ]
    data = results(closed_campaign(5), responses_of(people))
    first, second = data.items[0], data.items[1]
    criterion = data.criteria[0]
    assert (first.overall.n, second.overall.n) == (6, 5)
    assert criterion.overall.mean == (first.overall.mean + second.overall.mean) / 2  # type: ignore[operator]
    assert criterion.overall.distribution is None
    assert criterion.overall.sd is None
