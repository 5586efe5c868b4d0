"""The demo organisation has two quarters of temperature checks with a real, changing gap between
IT and the business, and one survey open now; its responses are anonymous rows like any other."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from statistics import fmean
from typing import Any

import pytest
from django.utils import timezone

from tandem.core.demo import PEOPLE, demo_seed
from tandem.core.models import Membership, Organization, Side
from tandem.surveys import catalog, demo
from tandem.surveys.models import Campaign, CampaignStatus, QuestionKind, SurveyLink, SurveyResponse
from tandem.surveys.results import CampaignResults
from tandem.surveys.selectors import campaign_results
from tests.conftest import SeededDemo


@pytest.fixture
def org(demo_module: SeededDemo, db: None) -> Organization:
    """The demo, seeded once for this module (``demo_module``); each test's writes are rolled back."""
    return Organization.objects.get(pk=demo_module.org.pk)


def closed_campaigns(org: Organization, key: str) -> list[Campaign]:
    return list(
        Campaign.objects.for_org(org)
        .filter(template__key=key, closed_at__isnull=False)
        .select_related("template")
        .order_by("opens_on")
    )


def mean_gap(results: CampaignResults) -> float:
    gaps = [item.comparison.gap for item in results.items if item.comparison is not None]
    assert len(gaps) == 9  # every statement of the partnership template is compared
    return fmean(gaps)


def gap_of(results: CampaignResults, label: str) -> float:
    item = next(i for i in (*results.items, *results.criteria) if i.label.startswith(label))
    assert item.comparison is not None
    return item.comparison.gap


def test_each_template_ran_last_quarter_and_this_quarter_with_about_sixty_responses(
    org: Organization,
) -> None:
    today = timezone.localdate()
    for key in (catalog.PARTNERSHIP.key, catalog.MATURITY.key):
        last, this = closed_campaigns(org, key)
        assert 80 <= (today - last.opens_on).days <= 110
        assert (today - this.opens_on).days <= 40
        for campaign in (last, this):
            assert campaign.status == CampaignStatus.CLOSED
            assert campaign.closes_on < today
            responses = SurveyResponse.objects.for_org(org).filter(campaign=campaign)
            assert 50 <= responses.count() <= 70
            assert all(campaign.opens_on <= r.submitted_on <= campaign.closes_on for r in responses)
            links = SurveyLink.objects.for_org(org).filter(campaign=campaign)
            # As many links used as there are responses, side by side and department by department.
            assert Counter(links.filter(answered=True).values_list("side", "department")) == Counter(
                responses.values_list("side", "department")
            )
            assert links.filter(answered=False).exists()
            results = campaign_results(campaign)
            assert results.available, results.reason
            assert results.responses == responses.count()
            assert results.invited == links.count()


def test_the_partnership_gap_narrows_from_last_quarter_but_widens_on_involving_it_early(
    org: Organization,
) -> None:
    last, this = (campaign_results(c) for c in closed_campaigns(org, catalog.PARTNERSHIP.key))
    assert mean_gap(last) < -0.9  # IT does not feel an equal partner
    assert mean_gap(last) < mean_gap(this) < 0
    assert abs(mean_gap(this)) < abs(mean_gap(last)) - 0.3
    early = "IT is involved early"
    assert gap_of(this, early) < gap_of(last, early) < 0


def test_maturity_it_rates_partnership_and_governance_lower_and_business_skills_and_scope(
    org: Organization,
) -> None:
    last, this = (campaign_results(c) for c in closed_campaigns(org, catalog.MATURITY.key))
    for results in (last, this):
        assert results.maturity is not None
        assert results.maturity.overall.mean is not None
        assert gap_of(results, catalog.PARTNERSHIP_CRITERION) < -0.3
        assert gap_of(results, catalog.GOVERNANCE) < -0.3
        assert gap_of(results, catalog.SKILLS) > 0.3
        assert gap_of(results, catalog.SCOPE) > 0.3
    assert gap_of(last, catalog.PARTNERSHIP_CRITERION) < gap_of(this, catalog.PARTNERSHIP_CRITERION)


def test_the_results_leave_out_the_few_partners_and_hide_small_departments(org: Organization) -> None:
    for campaign in Campaign.objects.for_org(org).filter(closed_at__isnull=False):
        assert (
            0 < SurveyResponse.objects.for_org(org).filter(campaign=campaign, side=Side.PARTNER).count() < 5
        )
        results = campaign_results(campaign)
        first = results.items[0]
        assert first.excluded_sides == (Side.PARTNER,)
        assert first.hidden_departments
        assert first.departments
        assert {g.key for g in first.sides if not g.suppressed} == {Side.BUSINESS, Side.IT}


def test_the_free_text_differs_by_side_and_is_grouped_by_meaning(org: Organization) -> None:
    for campaign in closed_campaigns(org, catalog.PARTNERSHIP.key):
        results = campaign_results(campaign)
        text = next(i for i in results.items if i.kind == QuestionKind.TEXT)
        assert len(text.texts[Side.IT]) >= 5
        assert len(text.texts[Side.BUSINESS]) >= 5
        assert set(text.texts[Side.IT]) != set(text.texts[Side.BUSINESS])
        analysis = results.text_analyses[text.key]
        assert analysis["themes"]
        assert analysis["summary"]


def test_one_campaign_is_open_now_with_links_for_every_demo_member(org: Organization) -> None:
    (campaign,) = (c for c in Campaign.objects.for_org(org) if c.is_open)
    assert campaign.template.key == catalog.STRATEGY.key
    members = set(Membership.objects.for_org(org).values_list("user__email", flat=True))
    links = SurveyLink.objects.for_org(org).filter(campaign=campaign)
    assert members <= set(links.values_list("email", flat=True))
    answered = SurveyResponse.objects.for_org(org).filter(campaign=campaign).count()
    assert 0 < answered < 15
    assert links.filter(answered=True).count() == answered
    assert not campaign_results(campaign).available


def test_responses_hold_side_department_date_and_answers_to_the_campaign_questions_only(
    org: Organization,
) -> None:
    fields = {f.name for f in SurveyResponse._meta.get_fields() if f.concrete}
    assert fields == {"id", "organization", "campaign", "side", "department", "submitted_on", "answers"}
    for campaign in Campaign.objects.for_org(org).select_related("template"):
        questions = {str(q.pk): q for q in campaign.template.questions.all()}
        for response in SurveyResponse.objects.for_org(org).filter(campaign=campaign):
            assert set(response.answers) <= set(questions)
            for key, value in response.answers.items():
                scale = questions[key].scale
                assert value in scale if scale else isinstance(value, str) and value.strip()


def _snapshot(org: Organization) -> list[tuple[Any, ...]]:
    return sorted(
        (r.campaign.title, r.side, r.department_id, r.submitted_on, json.dumps(r.answers, sort_keys=True))
        for r in SurveyResponse.objects.for_org(org).select_related("campaign")
    )


def test_seeding_again_changes_nothing_and_the_same_day_gives_the_same_demo(
    org: Organization, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    before = _snapshot(org)
    assert demo_seed(password="x" * 16) == (org, False)
    people = {p.key: Membership.objects.for_org(org).get(user__email=p.email) for p in PEOPLE}
    demo.seed(org=org, people=people)  # an organisation with campaigns is left alone
    assert _snapshot(org) == before
    Campaign.objects.for_org(org).delete()
    with django_capture_on_commit_callbacks() as callbacks:  # no e-mail, no reminder is queued
        demo.seed(org=org, people=people)
    # Only the grouping of free-text answers, for when a campaign closes by its date.
    assert [c for c in callbacks if "analyse_texts" not in repr(c)] == []
    assert _snapshot(org) == before
