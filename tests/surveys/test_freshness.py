"""Figures of answers are never stale: an answer leaves the organisation's data version alone (every
respondent would otherwise update that one row), and whatever counts answers is cached under
``selectors.answers_version`` as well, which every answer changes as it commits."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tandem.core.models import Organization, Side
from tandem.surveys import selectors
from tandem.surveys.models import Campaign, SurveyResponse
from tests.conftest import Personas
from tests.surveys.conftest import ClientFor, close, invite, likert_only, make_campaign, questions_of

ORG_PAGE = "/o/acme/surveys/{pk}/"


def _answer(campaign: Campaign, token: str = "", value: int = 4) -> None:
    """A respondent (a new one unless ``token`` is given) answers every question through the
    public API, as a browser would."""
    token = token or invite(campaign, Side.IT)[1]
    body = {"answers": {q.field_name: value for q in questions_of(campaign)}}
    answered = Client().post(f"/api/v1/responses/{token}", body, content_type="application/json")
    assert answered.status_code == 201


def _late_answer(campaign: Campaign) -> None:
    """A response committed after its campaign stopped taking answers: accepted a moment before
    the campaign was closed (or before midnight), stored a moment after."""
    SurveyResponse.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        side=Side.IT,
        submitted_on=timezone.localdate(),
        answers={str(q.pk): 3 for q in questions_of(campaign)},
    )


def test_an_answer_leaves_the_organisation_data_version_alone(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, questions=likert_only(1))
    _link, token = invite(campaign, Side.IT)
    before = Organization.objects.get(pk=personas.org.pk).data_version
    _answer(campaign, token)
    assert Organization.objects.get(pk=personas.org.pk).data_version == before


def test_every_answer_changes_the_answers_version(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, questions=likert_only(1))
    tokens = [invite(campaign, Side.IT)[1] for _ in range(2)]
    versions = [selectors.answers_version(personas.org)]
    for token in tokens:
        _answer(campaign, token)
        versions.append(selectors.answers_version(personas.org))
    assert len(set(versions)) == 3


def test_an_answer_stored_just_after_its_campaign_closed_still_changes_the_answers_version(
    personas: Personas,
) -> None:
    closed_early = close(make_campaign(personas.owner, questions=likert_only(1)))
    before = selectors.answers_version(personas.org)
    _late_answer(closed_early)
    assert selectors.answers_version(personas.org) != before
    past_midnight = make_campaign(personas.owner, questions=likert_only(1))
    yesterday = timezone.localdate() - timedelta(days=1)
    Campaign.objects.for_org(personas.org).filter(pk=past_midnight.pk).update(
        opens_on=yesterday, closes_on=yesterday
    )
    before = selectors.answers_version(personas.org)
    _late_answer(past_midnight)
    assert selectors.answers_version(personas.org) != before


def test_the_cached_results_of_an_open_campaign_count_an_answer_as_soon_as_it_commits(
    personas: Personas, client_for: ClientFor
) -> None:
    campaign = make_campaign(personas.owner, questions=likert_only(1))
    _link, token = invite(campaign, Side.IT)
    owner = client_for("owner")
    assert owner.get(ORG_PAGE.format(pk=campaign.pk)).context["results"].responses == 0
    _answer(campaign, token)
    assert owner.get(ORG_PAGE.format(pk=campaign.pk)).context["results"].responses == 1


def test_the_cached_results_of_a_closed_campaign_show_an_answer_stored_after_the_close(
    personas: Personas, client_for: ClientFor, closed: Campaign
) -> None:
    owner = client_for("owner")
    page = owner.get(ORG_PAGE.format(pk=closed.pk))
    assert 'class="stat">4</div>' in page.content.decode()  # the four IT respondents
    _late_answer(closed)
    page = owner.get(ORG_PAGE.format(pk=closed.pk))
    assert page.context["results"].responses == 11
    assert 'class="stat">5</div>' in page.content.decode()
