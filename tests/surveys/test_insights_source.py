"""The surveys app's component of the alignment index (the perception gap of the latest results
that may be shown), its "what needs me" answers and its getting-started step. A group below the
anonymity threshold or a campaign still open gives no figure."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tandem.core.insights import Component
from tandem.core.models import Side
from tandem.surveys import insights, selectors
from tandem.surveys.models import Campaign, SurveyLink
from tests.conftest import Personas
from tests.surveys.conftest import close, likert_only, make_campaign, questions_of, submit

pytestmark = pytest.mark.usefixtures("threshold3")


def answered(p: Personas, answers: dict[str, list[tuple[int, int]]], title: str = "Pulse") -> Campaign:
    """A campaign of two likert statements answered per side with (first, second) values."""
    campaign = make_campaign(p.owner, questions=likert_only(2), title=title)
    first, second = questions_of(campaign)
    for side, values in answers.items():
        for a, b in values:
            submit(campaign, side, None, {first.field_name: a, second.field_name: b})
    return campaign


def component(p: Personas) -> Component:
    [found] = insights.index_components(p.org, timezone.now())
    return found


def test_the_gap_between_the_business_and_it_means_costs_points(personas: Personas) -> None:
    campaign = close(
        answered(
            personas,
            {Side.BUSINESS: [(2, 4), (2, 4), (2, 4)], Side.IT: [(4, 4), (4, 4), (4, 4)]},
        )
    )
    first, second = questions_of(campaign)

    found = component(personas)

    rows = {row.key: row for row in found.evidence}
    assert rows[f"question:{first.field_name}"].points == pytest.approx(50)  # 2 apart on a 1-5 scale
    assert rows[f"question:{second.field_name}"].points == 100
    assert "IT rates it higher" in rows[f"question:{first.field_name}"].detail
    assert rows[f"question:{first.field_name}"].label == "Statement 1."
    assert found.score == pytest.approx(75)


def test_a_side_below_the_anonymity_threshold_gives_no_figure(personas: Personas) -> None:
    close(answered(personas, {Side.BUSINESS: [(1, 1)] * 4, Side.IT: [(5, 5)] * 2}))

    found = component(personas)

    assert found.score is None
    assert "Pulse" in found.missing


def test_an_open_campaign_gives_no_data_and_the_latest_visible_results_count(personas: Personas) -> None:
    earlier = close(answered(personas, {Side.BUSINESS: [(3, 3)] * 3, Side.IT: [(3, 3)] * 3}, "Winter"))
    answered(personas, {Side.BUSINESS: [(1, 1)] * 3, Side.IT: [(5, 5)] * 3}, "Spring (open)")

    found = component(personas)

    assert found.score == 100
    assert all(row.url.endswith(f"/surveys/{earlier.pk}/") for row in found.evidence)


def test_without_any_results_there_is_no_perception_data(personas: Personas) -> None:
    found = component(personas)

    assert found.score is None
    assert found.missing


def test_my_open_survey_asks_for_my_answer_through_my_own_link(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, questions=likert_only(1), title="Pulse")
    today = timezone.localdate()

    [item] = insights.needs_me(personas.member, today)

    link = SurveyLink.objects.for_org(personas.org).get(campaign=campaign, membership=personas.member)
    token = item.url.strip("/").split("/")[-1]
    assert (item.kind, item.title, item.due_on) == ("answer", "Pulse", campaign.closes_on)
    assert selectors.token_hash(token) == link.token_hash
    SurveyLink.objects.for_org(personas.org).filter(pk=link.pk).update(answered=True)
    assert insights.needs_me(personas.member, today) == []
    assert insights.needs_me(personas.partner, today) == []


def test_the_setup_step_ticks_off_with_a_first_survey(personas: Personas) -> None:
    [step] = insights.setup_steps(personas.org)
    assert (step.key, step.done, step.order) == ("first_survey", False, 70)
    make_campaign(personas.owner, questions=likert_only(1))

    assert insights.setup_steps(personas.org)[0].done
