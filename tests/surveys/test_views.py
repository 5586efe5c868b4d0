"""Survey pages: the campaign list, templates and their editor, a new campaign, invitations with
links shown once, the results (suppressed), the report, the trend, the settings, and the public
questionnaire of a personal link. Bad input comes back as 422 with the input kept."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core.models import Side
from tandem.surveys import ratelimit, selectors, services
from tandem.surveys.models import Campaign, SurveyResponse, SurveyTemplate, TextAnalysis
from tests.conftest import Personas
from tests.surveys.conftest import (
    ALL_KINDS_AS_DICTS,
    ORG,
    ClientFor,
    editor_post,
    invite_sides,
    same_answers,
    shipped_template,
)


def text(response: Any) -> str:
    """The page's visible words, tags dropped and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|title|desc)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    ratelimit.reset()
    cache.clear()


@pytest.fixture
def every_kind(personas: Personas) -> SurveyTemplate:
    return services.template_create(actor=personas.owner, name="Every kind", questions=ALL_KINDS_AS_DICTS)


# --- The list, templates and settings --------------------------------------------------------------------


def test_the_list_shows_open_campaigns_with_counts_and_closed_ones_with_results(
    personas: Personas, client_for: ClientFor, closed: Campaign
) -> None:
    open_ = invite_sides(
        personas, shipped_template(personas, "partnership"), {Side.BUSINESS: 3}, title="Autumn pulse"
    )
    services.response_submit(
        token=open_.tokens[Side.BUSINESS][0],
        answers=same_answers(list(open_.campaign.template.questions.all()), 3),
    )
    response = client_for("admin").get(ORG)
    assert response.status_code == 200
    page = text(response)
    assert "Autumn pulse" in page
    assert "1 of 3" in page
    assert "10 of 10" in page
    assert f'href="{ORG}{closed.pk}/"' in response.content.decode()
    assert "New campaign" in page


def test_the_list_has_an_empty_state_and_no_admin_buttons_for_members(
    personas: Personas, client_for: ClientFor
) -> None:
    page = text(client_for("member").get(ORG))
    assert "No campaign is open or scheduled." in page
    assert "New campaign" not in page
    assert "Settings" not in page


def test_the_shipped_templates_are_listed_with_their_questions_grouped_by_criterion(
    personas: Personas, client_for: ClientFor, installed: None
) -> None:
    page = text(client_for("member").get(ORG + "templates/"))
    assert "Alignment maturity" in page
    assert "Partnership temperature" in page
    maturity = SurveyTemplate.objects.for_org(personas.org).get(key="maturity")
    response = client_for("admin").get(f"{ORG}templates/{maturity.pk}/")
    detail = response.content.decode()
    assert "<h2>Communications</h2>" in detail
    assert "<h2>Skills</h2>" in detail
    assert "Copy to edit" in text(response)
    assert f"templates/{maturity.pk}/edit/" not in detail


def test_copying_a_shipped_template_opens_its_copy_in_the_editor(
    personas: Personas, client_for: ClientFor
) -> None:
    template = shipped_template(personas, "partnership")
    response = client_for("admin").post(f"{ORG}templates/{template.pk}/copy/")
    copy = SurveyTemplate.objects.for_org(personas.org).get(copied_from=template)
    assert response.status_code == 302
    assert response["Location"] == f"{ORG}templates/{copy.pk}/edit/"
    editor = client_for("admin").get(response["Location"])
    assert editor.status_code == 200
    assert template.questions.first().text in editor.content.decode()  # type: ignore[union-attr]


def test_a_new_template_is_saved_from_the_editor_skipping_blank_and_removed_questions(
    personas: Personas, client_for: ClientFor
) -> None:
    questions: list[dict[str, Any]] = [
        {"kind": "likert", "text": "We plan together.", "required": "on"},
        {"kind": "single", "text": "Pick one", "choices": ["A", "B"], "required": "on"},
        {"kind": "likert", "text": "Removed question", "DELETE": "on"},
        {"kind": "likert", "text": ""},
    ]
    response = client_for("admin").post(ORG + "templates/new/", editor_post("Our pulse", questions))
    template = SurveyTemplate.objects.for_org(personas.org).get(name="Our pulse")
    assert response.status_code == 302
    assert [(q.kind, q.text, q.choices) for q in template.questions.all()] == [
        ("likert", "We plan together.", []),
        ("single", "Pick one", ["A", "B"]),
    ]


def test_the_editor_shows_a_service_error_next_to_the_question_and_keeps_the_input(
    personas: Personas, client_for: ClientFor
) -> None:
    questions: list[dict[str, Any]] = [
        {"kind": "likert", "text": "Fine question"},
        {"kind": "single", "text": "Only one choice", "choices": ["A"]},
    ]
    response = client_for("admin").post(ORG + "templates/new/", editor_post("Broken", questions))
    assert response.status_code == 422
    assert "Question 2: give between 2 and" in text(response)
    assert 'value="Only one choice"' in response.content.decode()
    assert not SurveyTemplate.objects.for_org(personas.org).filter(name="Broken").exists()


def test_add_a_question_gives_one_more_blank_question_without_saving(
    personas: Personas, client_for: ClientFor
) -> None:
    questions = [{"kind": "likert", "text": "First"}]
    response = client_for("admin").post(
        ORG + "templates/new/", editor_post("Draft", questions, add_question="1")
    )
    assert response.status_code == 200
    assert 'name="q-1-text"' in response.content.decode()
    assert not SurveyTemplate.objects.for_org(personas.org).filter(name="Draft").exists()


def test_a_used_template_cannot_be_edited_or_deleted(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    invite_sides(personas, every_kind, {Side.IT: 1})
    client = client_for("admin")
    assert client.get(f"{ORG}templates/{every_kind.pk}/edit/").status_code == 302
    response = client.post(f"{ORG}templates/{every_kind.pk}/delete/", follow=True)
    assert "questions are frozen" in text(response)
    assert SurveyTemplate.objects.for_org(personas.org).filter(pk=every_kind.pk).exists()


def test_an_unused_custom_template_is_deleted(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    response = client_for("admin").post(f"{ORG}templates/{every_kind.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == ORG + "templates/"
    assert not SurveyTemplate.objects.for_org(personas.org).filter(pk=every_kind.pk).exists()


def test_the_threshold_cannot_be_set_below_three(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("admin").post(ORG + "settings/", {"threshold": "2"})
    assert response.status_code == 422
    assert "cannot be below 3" in text(response)
    assert selectors.settings_for(personas.org).threshold == 5


def test_the_threshold_is_saved(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("owner")
    assert "smallest group" in text(client.get(ORG + "settings/"))
    response = client.post(ORG + "settings/", {"threshold": "7"})
    assert response.status_code == 302
    assert selectors.settings_for(personas.org).threshold == 7


# --- Campaigns -------------------------------------------------------------------------------------------


def test_the_new_campaign_form_defaults_to_two_weeks_from_today(
    personas: Personas, client_for: ClientFor
) -> None:
    html = client_for("admin").get(ORG + "new/").content.decode()
    today = timezone.localdate()
    assert f'value="{today.isoformat()}"' in html
    assert f'value="{(today + timedelta(days=14)).isoformat()}"' in html


def test_a_campaign_is_created_for_a_list_of_addresses(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    today = timezone.localdate()
    data = {
        "template": every_kind.pk,
        "title": "Pilot",
        "audience": "emails",
        "emails": "ana@example.org, it\nbob@example.org, Business, Sales\n\n",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=7)).isoformat(),
    }
    response = client_for("admin").post(ORG + "new/", data)
    campaign = Campaign.objects.for_org(personas.org).get(title="Pilot")
    assert response.status_code == 302
    assert response["Location"] == f"{ORG}{campaign.pk}/"
    links = {
        link.email: (link.side, link.department.name if link.department else None)
        for link in campaign.links.all()
    }
    assert links == {"ana@example.org": ("it", None), "bob@example.org": ("business", "Sales")}


def test_the_links_of_a_new_campaign_are_mailed_from_the_address_the_admin_used(
    personas: Personas,
    client_for: ClientFor,
    every_kind: SurveyTemplate,
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = timezone.localdate()
    data = {
        "template": every_kind.pk,
        "title": "Pilot",
        "audience": "emails",
        "emails": "ana@example.org, it",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=7)).isoformat(),
        "send_email": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client_for("admin").post(ORG + "new/", data, HTTP_HOST="localhost")
    job = DBTaskResult.objects.get(task_path__endswith="send_links")
    assert job.args_kwargs["kwargs"]["base_url"] == "http://localhost"


def test_a_bad_address_line_is_refused_with_its_line_number(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    today = timezone.localdate()
    data = {
        "template": every_kind.pk,
        "audience": "emails",
        "emails": "ana@example.org, it\nbob@example.org, marketing",
        "opens_on": today.isoformat(),
        "closes_on": today.isoformat(),
    }
    response = client_for("admin").post(ORG + "new/", data)
    assert response.status_code == 422
    assert "Line 2" in text(response)
    assert "bob@example.org, marketing" in response.content.decode()


def test_an_open_campaign_shows_progress_not_results(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    invited = invite_sides(personas, every_kind, {Side.IT: 3, Side.BUSINESS: 1})
    services.response_submit(
        token=invited.tokens[Side.IT][0], answers=same_answers(list(every_kind.questions.all()), 3)
    )
    page = text(client_for("viewer").get(f"{ORG}{invited.campaign.pk}/"))
    assert "Results appear when the campaign closes" in page
    assert "1 of 4" in page
    assert "25%" in page
    assert "Widest gaps" not in page


def test_invitations_show_the_new_links_once(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    invited = invite_sides(personas, every_kind, {Side.IT: 1})
    client = client_for("admin")
    assert client.get(f"{ORG}{invited.campaign.pk}/invite/").status_code == 200
    response = client.post(
        f"{ORG}{invited.campaign.pk}/invite/",
        {"members": [personas.member.pk], "emails": "new@example.org, partner"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    urls = re.findall(r"http://testserver/s/[\w-]+/", response.content.decode())
    assert len(set(urls)) == 2
    for url in set(urls):
        assert client_for("anonymous").get(url.removeprefix("http://testserver")).status_code == 200
    assert "shown this once" in text(response)


def test_an_invitation_with_nobody_is_refused(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    invited = invite_sides(personas, every_kind, {Side.IT: 1})
    response = client_for("admin").post(f"{ORG}{invited.campaign.pk}/invite/", {"emails": ""})
    assert response.status_code == 422
    assert "Choose members or give e-mail addresses" in text(response)


def test_a_campaign_is_renamed_and_closed_by_an_admin(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    invited = invite_sides(personas, every_kind, {Side.IT: 1})
    client = client_for("admin")
    closes = timezone.localdate() + timedelta(days=3)
    response = client.post(
        f"{ORG}{invited.campaign.pk}/edit/", {"title": "Renamed", "closes_on": closes.isoformat()}
    )
    assert response.status_code == 302
    response = client.post(f"{ORG}{invited.campaign.pk}/close/")
    assert response.status_code == 302
    campaign = Campaign.objects.for_org(personas.org).get(pk=invited.campaign.pk)
    assert (campaign.title, campaign.closes_on, campaign.is_closed) == ("Renamed", closes, True)
    again = client.post(f"{ORG}{invited.campaign.pk}/close/", follow=True)
    assert "already closed" in text(again)


# --- Results ---------------------------------------------------------------------------------------------


def test_the_results_show_each_side_the_gap_in_words_and_the_widest_gaps(
    client_for: ClientFor, closed: Campaign
) -> None:
    response = client_for("viewer").get(f"{ORG}{closed.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "Widest gaps" in page
    assert "IT rates this 2.0 lower than the business (large difference, p = " in page
    assert "8 answers, mean 3.0." in page
    assert re.search(r"Business 4 4\.0 ", page)
    assert re.search(r"IT 4 2\.0 ", page)
    assert "Printable report" in page
    assert "CSV" in page
    assert "XLSX" in page


def test_a_side_under_the_threshold_is_hidden_and_its_mean_never_shown(
    client_for: ClientFor, closed: Campaign
) -> None:
    page = text(client_for("viewer").get(f"{ORG}{closed.pk}/"))
    assert "Partner hidden" in page
    assert "Partner — fewer than 3" in page  # the count of responses says why, once
    assert "1.5" not in page  # the two partners' mean on every scored question
    assert "left out of every figure" in page


def test_free_text_answers_are_shown_per_side_while_the_grouping_closing_queued_is_on_its_way(
    client_for: ClientFor, closed: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("viewer")
    with django_capture_on_commit_callbacks(execute=True):
        page = text(client.get(f"{ORG}{closed.pk}/"))
        client.get(f"{ORG}{closed.pk}/")
    assert "Involve us earlier." in page
    assert "Talk to us before choosing tools." in page
    assert "Grouping answers by meaning…" in page
    # Closing the campaign queued the grouping; a read queues nothing.
    assert DBTaskResult.objects.filter(task_path__endswith="analyse_texts").count() == 0


def test_a_stored_grouping_shows_its_themes_and_the_same_story_score(
    personas: Personas, client_for: ClientFor, closed: Campaign
) -> None:
    question = closed.template.questions.get(kind="text")
    TextAnalysis.objects.create(
        organization=personas.org,
        campaign=closed,
        question=question,
        threshold=3,
        responses=SurveyResponse.objects.for_org(personas.org).filter(campaign=closed).count(),
        computed_at=timezone.now(),
        result={
            "themes": [
                {
                    "label": "Earlier involvement",
                    "size": 8,
                    "by_side": {"business": 4, "it": 4},
                    "examples": ["Involve us earlier."],
                }
            ],
            "same_story": 0.82,
            "summary": "As the worker wrote it, in its own language.",
        },
    )
    page = text(client_for("viewer").get(f"{ORG}{closed.pk}/"))
    assert "Earlier involvement" in page
    assert "82%" in page
    # The summary is written in the reader's language from the figures, not as stored.
    assert "IT and the business describe it" in page
    assert "As the worker wrote it" not in page
    assert "Grouping answers by meaning" not in page


def test_too_few_responses_show_the_reason_instead_of_results(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    invited = invite_sides(personas, every_kind, {Side.IT: 2})
    services.response_submit(
        token=invited.tokens[Side.IT][0], answers=same_answers(list(every_kind.questions.all()), 3)
    )
    services.campaign_close(actor=personas.owner, campaign=invited.campaign)
    page = text(client_for("viewer").get(f"{ORG}{invited.campaign.pk}/"))
    assert "Fewer than 5 responses" in page
    assert "mean" not in page


def test_the_maturity_results_have_a_radar_with_both_sides_and_a_criteria_table(
    personas: Personas, client_for: ClientFor, threshold3: int
) -> None:
    template = shipped_template(personas, "maturity")
    invited = invite_sides(personas, template, {Side.BUSINESS: 3, Side.IT: 3})
    questions = list(template.questions.all())
    for side, value in ((Side.BUSINESS, 4), (Side.IT, 3)):
        for token in invited.tokens[side]:
            services.response_submit(token=token, answers=same_answers(questions, value))
    services.campaign_close(actor=personas.owner, campaign=invited.campaign)
    response = client_for("member").get(f"{ORG}{invited.campaign.pk}/")
    html = response.content.decode()
    assert 'role="img" aria-labelledby="maturity-radar-title maturity-radar-desc"' in html
    assert html.count("<polygon") == 5 + 2  # five rings, then business and IT
    assert "style=" not in html
    page = text(response)
    assert "Overall level: 3.5 of 5" in page
    assert re.search(r"Communications 3\.5 4\.0 3\.0 -1\.0", page)


def test_the_report_and_the_trend_render_the_closed_campaign(client_for: ClientFor, closed: Campaign) -> None:
    client = client_for("viewer")
    report = client.get(f"{ORG}{closed.pk}/report/")
    assert report.status_code == 200
    assert "IT rates this 2.0 lower" in text(report)
    trend = client.get(f"{ORG}templates/{closed.template_id}/trend/")
    assert trend.status_code == 200
    page = text(trend)
    assert "Spring pulse" in page
    assert "4.0" in page
    assert "2.0" in page
    assert 'role="img"' in trend.content.decode()


def test_exports_refuse_an_open_campaign(
    personas: Personas, client_for: ClientFor, every_kind: SurveyTemplate
) -> None:
    invited = invite_sides(personas, every_kind, {Side.IT: 1})
    response = client_for("viewer").get(f"{ORG}{invited.campaign.pk}/export.csv")
    assert response.status_code == 302
    assert client_for("viewer").get(f"{ORG}{invited.campaign.pk}/export.pdf").status_code == 404


# --- The personal link -----------------------------------------------------------------------------------


@pytest.fixture
def link(personas: Personas, every_kind: SurveyTemplate) -> tuple[Campaign, str]:
    invited = invite_sides(personas, every_kind, {Side.IT: 1})
    return invited.campaign, invited.tokens[Side.IT][0]


def good_post(template: SurveyTemplate) -> dict[str, Any]:
    q = {question.kind: question.field_name for question in template.questions.all()}
    return {
        q["likert"]: "4",
        q["score"]: "9",
        q["single"]: "Monthly",
        q["multiple"]: ["E-mail", "Meetings"],
        q["text"]: "More shared planning.",
    }


def test_the_questionnaire_shows_every_kind_of_question_and_the_anonymity_note(
    client_for: ClientFor, link: tuple[Campaign, str]
) -> None:
    _campaign, token = link
    response = client_for("anonymous").get(f"/s/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert "Spring pulse" in page
    assert "Acme Insurance" in page
    assert "at least 5 people" in page
    assert "your department and today's date" in page
    assert "Strongly disagree" in page
    assert "Strongly agree" in page
    assert html.count('type="radio"') == 5 + 11 + 3
    assert html.count('type="checkbox"') == 3
    assert "<textarea" in html
    assert 'aria-label="Organisation"' not in html  # no organisation navigation


def test_a_good_response_is_stored_and_thanked_and_a_second_one_refused(
    personas: Personas, client_for: ClientFor, link: tuple[Campaign, str]
) -> None:
    campaign, token = link
    client = client_for("anonymous")
    response = client.post(f"/s/{token}/", good_post(campaign.template))
    assert response.status_code == 200
    assert "Thank you" in text(response)
    stored = SurveyResponse.objects.for_org(personas.org).get(campaign=campaign)
    by_kind = {q.kind: stored.answers[str(q.pk)] for q in campaign.template.questions.all()}
    assert by_kind == {
        "likert": 4,
        "score": 9,
        "single": "Monthly",
        "multiple": ["E-mail", "Meetings"],
        "text": "More shared planning.",
    }
    again = client.post(f"/s/{token}/", good_post(campaign.template))
    assert again.status_code == 409
    assert "already been used" in text(again)
    assert client.get(f"/s/{token}/").status_code == 409


def test_a_bad_response_comes_back_with_messages_and_every_answer_kept(
    personas: Personas, client_for: ClientFor, link: tuple[Campaign, str]
) -> None:
    campaign, token = link
    data = good_post(campaign.template)
    likert = campaign.template.questions.get(kind="likert").field_name
    score = campaign.template.questions.get(kind="score").field_name
    data[likert] = ""
    data[score] = "11"
    response = client_for("anonymous").post(f"/s/{token}/", data)
    assert response.status_code == 422
    page = text(response)
    assert "Please answer this question." in page
    assert "Choose a whole number from 0 to 10." in page
    html = response.content.decode()
    assert "More shared planning.</textarea>" in html
    assert re.search(r'value="Monthly" checked', html)
    assert re.search(r'value="E-mail" checked', html)
    assert re.search(r'value="Meetings" checked', html)
    assert not SurveyResponse.objects.for_org(personas.org).filter(campaign=campaign).exists()


def test_a_closed_campaign_says_so(
    personas: Personas, client_for: ClientFor, link: tuple[Campaign, str]
) -> None:
    campaign, token = link
    services.campaign_close(actor=personas.owner, campaign=campaign)
    client = client_for("anonymous")
    assert client.get(f"/s/{token}/").status_code == 410
    response = client.post(f"/s/{token}/", good_post(campaign.template))
    assert response.status_code == 410
    assert "This survey has closed" in text(response)


def test_an_unknown_token_is_not_found(client_for: ClientFor, link: tuple[Campaign, str]) -> None:
    assert client_for("anonymous").get("/s/not-a-real-token/").status_code == 404


def test_too_many_attempts_get_a_429(
    client_for: ClientFor, link: tuple[Campaign, str], settings: Any
) -> None:
    _campaign, token = link
    settings.SURVEY_RATE_PER_LINK = 1
    client = client_for("anonymous")
    assert client.post(f"/s/{token}/", {}).status_code == 422
    response = client.post(f"/s/{token}/", {})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many attempts with this link" in text(response)


def test_a_dutch_respondent_is_told_to_wait_in_dutch(
    client_for: ClientFor, link: tuple[Campaign, str], settings: Any
) -> None:
    campaign, token = link
    Campaign.objects.for_org(campaign.organization).filter(pk=campaign.pk).update(language="nl")
    settings.SURVEY_RATE_PER_LINK = 1
    client = client_for("anonymous")  # the browser asks for nothing Tandem speaks: the campaign's language
    client.post(f"/s/{token}/", {}, HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post(f"/s/{token}/", {}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    assert "Te veel pogingen met deze link" in text(response)


# --- Reads never write ------------------------------------------------------------------------------------


def writes_of(client: Client, url: str, on_commit: Any) -> list[str]:
    """The statements a GET of ``url`` writes (its session aside), queued work included."""
    with on_commit(execute=True), CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    written = [
        q["sql"] for q in queries.captured_queries if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", q["sql"])
    ]
    return [sql for sql in written if "django_session" not in sql]


def test_reading_the_results_of_a_closed_campaign_writes_nothing_and_queues_nothing(
    client_for: ClientFor, closed: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("viewer")
    for page in ("", "report/"):
        assert writes_of(client, f"{ORG}{closed.pk}/{page}", django_capture_on_commit_callbacks) == []
    assert DBTaskResult.objects.filter(task_path__endswith="analyse_texts").count() == 0


def test_the_survey_pages_of_a_new_organisation_write_nothing(
    personas: Personas, client_for: ClientFor, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("owner")
    for page in ("", "templates/", "new/", "settings/"):
        assert writes_of(client, ORG + page, django_capture_on_commit_callbacks) == [], page
    assert not SurveyTemplate.objects.for_org(personas.org).exists()
