"""Survey services: settings, templates, campaigns and their audiences, personal links, answers."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.models import AuditEvent, Membership, Side
from tandem.surveys import catalog, selectors, services
from tandem.surveys.models import (
    AudienceKind,
    Campaign,
    Question,
    SurveyLink,
    SurveyResponse,
    SurveyTemplate,
)
from tandem.surveys.services import QuestionInput, Recipient
from tests.conftest import Personas
from tests.surveys.conftest import (
    close,
    invite,
    likert_only,
    make_campaign,
    make_template,
    question,
    questions_of,
)

# --- Settings ---------------------------------------------------------------------------------------------


def test_the_threshold_defaults_to_five(personas: Personas) -> None:
    assert selectors.settings_for(personas.org).threshold == 5


@pytest.mark.parametrize("value", [2, 0, -1, "2"])
def test_the_threshold_cannot_go_below_three(personas: Personas, value: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.settings_update(actor=personas.owner, threshold=value)
    assert caught.value.field == "threshold"
    assert selectors.settings_for(personas.org).threshold == 5


def test_the_threshold_can_be_three(personas: Personas) -> None:
    services.settings_update(actor=personas.owner, threshold=3)
    assert selectors.settings_for(personas.org).threshold == 3
    assert AuditEvent.objects.for_org(personas.org).filter(action="surveys.settings_updated").exists()


def test_a_threshold_that_is_not_a_number_is_refused(personas: Personas) -> None:
    with pytest.raises(ValidationFailed, match="whole number"):
        services.settings_update(actor=personas.owner, threshold="five")


# --- Templates ----------------------------------------------------------------------------------------------


def shipped(personas: Personas) -> list[SurveyTemplate]:
    return list(SurveyTemplate.objects.for_org(personas.org).filter(builtin=True))


def test_installing_the_shipped_templates_twice_installs_them_once(personas: Personas) -> None:
    services.templates_install(personas.org)
    questions = Question.objects.for_org(personas.org).count()
    services.templates_install(personas.org)
    assert sorted(t.key for t in shipped(personas)) == sorted(spec.key for spec in catalog.SHIPPED)
    assert Question.objects.for_org(personas.org).count() == questions
    assert questions == sum(len(spec.questions) for spec in catalog.SHIPPED)
    assert SurveyTemplate.objects.for_org(personas.other_org).count() == 0


def test_an_install_that_races_another_one_keeps_the_other_ones_rows(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.templates_install(personas.org)
    questions = Question.objects.for_org(personas.org).count()

    class Blind:
        """Sees no templates yet, as a request that read before the other one wrote."""

        class objects:  # stands in for a manager
            @staticmethod
            def for_org(org: Any) -> Any:
                return SurveyTemplate.objects.for_org(org).none()

            create = staticmethod(SurveyTemplate.objects.create)

    monkeypatch.setattr(services, "SurveyTemplate", Blind)
    services.templates_install(personas.org)  # every create hits the unique key: no error
    monkeypatch.undo()
    assert len(shipped(personas)) == len(catalog.SHIPPED)
    assert Question.objects.for_org(personas.org).count() == questions


def test_a_shipped_template_cannot_be_edited_or_deleted(personas: Personas) -> None:
    services.templates_install(personas.org)
    template = shipped(personas)[0]
    with pytest.raises(Conflict, match="Copy it"):
        services.template_update(actor=personas.owner, template=template, name="Mine")
    with pytest.raises(Conflict):
        services.template_delete(actor=personas.owner, template=template)
    assert SurveyTemplate.objects.for_org(personas.org).get(pk=template.pk).name == template.name


def test_a_copy_of_a_shipped_template_is_editable(personas: Personas) -> None:
    services.templates_install(personas.org)
    original = shipped(personas)[0]
    copy = services.template_copy(actor=personas.owner, template=original)
    assert not copy.builtin
    assert copy.key == ""
    assert copy.copied_from == original
    assert [q.text for q in copy.questions.all()] == [q.text for q in original.questions.all()]
    services.template_update(
        actor=personas.owner, template=copy, name="Ours", questions=[QuestionInput("likert", "One thing.")]
    )
    assert [q.text for q in copy.questions.all()] == ["One thing."]
    assert [q.text for q in original.questions.all()] != ["One thing."]


def test_a_template_a_campaign_has_used_is_frozen(personas: Personas) -> None:
    campaign = make_campaign(personas.owner)
    with pytest.raises(Conflict, match="frozen"):
        services.template_update(actor=personas.owner, template=campaign.template, name="Changed")
    with pytest.raises(Conflict):
        services.template_delete(actor=personas.owner, template=campaign.template)


def test_an_unused_template_of_ones_own_can_be_deleted(personas: Personas) -> None:
    template = make_template(personas.owner)
    services.template_delete(actor=personas.owner, template=template)
    assert not SurveyTemplate.objects.for_org(personas.org).filter(pk=template.pk).exists()
    assert not Question.objects.for_org(personas.org).filter(template_id=template.pk).exists()


@pytest.mark.parametrize(
    ("questions", "field", "message"),
    [
        ([], "questions", "at least one question"),
        ([{"kind": "essay", "text": "Tell us."}], "questions.0.kind", "choose a kind"),
        ([{"kind": "likert", "text": "  "}], "questions.0.text", "required"),
        ([{"kind": "single", "text": "Pick.", "choices": ["Only"]}], "questions.0.choices", "between 2"),
        (
            [{"kind": "single", "text": "Pick.", "choices": ["Same", "same"]}],
            "questions.0.choices",
            "between 2",
        ),
        ([{"kind": "likert", "text": "Rate.", "choices": ["a", "b"]}], "questions.0.choices", "only single"),
        (
            [{"kind": "likert", "text": "Fine."}, {"kind": "text", "text": "Why?", "criterion": "Trust"}],
            "questions.1.criterion",
            "only scored",
        ),
        (
            [
                {"kind": "likert", "text": "A.", "criterion": "Trust"},
                {"kind": "score", "text": "B.", "criterion": "Trust"},
            ],
            "questions",
            "same scale",
        ),
    ],
)
def test_questions_are_checked_with_a_message_naming_the_question(
    personas: Personas, questions: list[dict[str, Any]], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.template_create(actor=personas.owner, name="Bad", questions=questions)
    assert caught.value.field == field
    assert message.lower() in caught.value.message.lower()
    assert not SurveyTemplate.objects.for_org(personas.org).exists()


def test_choices_given_as_lines_are_trimmed_and_deduplicated(personas: Personas) -> None:
    template = services.template_create(
        actor=personas.owner,
        name="Lines",
        questions=[{"kind": "multiple", "text": "Which?", "choices": " Chat \nE-mail\nchat\n\n"}],
    )
    assert template.questions.get().choices == ["Chat", "E-mail"]


# --- Campaigns and their audiences -----------------------------------------------------------------------


def emails_of(campaign: Campaign) -> set[str]:
    return set(
        SurveyLink.objects.for_org(campaign.organization)
        .filter(campaign=campaign)
        .values_list("email", flat=True)
    )


def active_members(personas: Personas, **filters: Any) -> set[str]:
    members = Membership.objects.for_org(personas.org).filter(is_active=True, **filters)
    return {m.user.email.lower() for m in members.select_related("user")}


def test_a_campaign_for_everyone_links_every_active_member_and_no_one_else(personas: Personas) -> None:
    personas.viewer.is_active = False
    personas.viewer.save(update_fields=["is_active"])
    campaign = make_campaign(personas.owner, audience=AudienceKind.ALL)
    assert emails_of(campaign) == active_members(personas)
    assert "viewer@acme.test" not in emails_of(campaign)
    assert "owner@globex.test" not in emails_of(campaign)


def test_a_campaign_for_a_department_links_its_members(personas: Personas) -> None:
    sales = personas.owner.department
    campaign = make_campaign(personas.owner, audience=AudienceKind.DEPARTMENT, department=sales)
    assert emails_of(campaign) == {"owner@acme.test", "bizlead@acme.test"}
    assert campaign.department == sales


def test_a_campaign_for_a_side_links_that_side(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, audience=AudienceKind.SIDE, side=Side.IT)
    assert emails_of(campaign) == {"admin@acme.test", "itlead@acme.test"}
    links = SurveyLink.objects.for_org(personas.org).filter(campaign=campaign)
    assert {link.side for link in links} == {Side.IT}
    assert {link.membership for link in links} == {personas.admin, personas.it_lead}


def test_a_campaign_for_a_list_of_addresses_gives_each_its_side_and_department(personas: Personas) -> None:
    sales = personas.owner.department
    campaign = make_campaign(
        personas.owner,
        audience=AudienceKind.EMAILS,
        recipients=[
            Recipient("Ann@Example.org", Side.BUSINESS, sales),
            Recipient("bob@example.org", Side.IT),
            Recipient("ann@example.org", Side.IT),  # the same address again: the first one counts
        ],
    )
    links = {link.email: link for link in SurveyLink.objects.for_org(personas.org).filter(campaign=campaign)}
    assert set(links) == {"ann@example.org", "bob@example.org"}
    assert (links["ann@example.org"].side, links["ann@example.org"].department) == (Side.BUSINESS, sales)
    assert (links["bob@example.org"].side, links["bob@example.org"].department) == (Side.IT, None)
    assert all(link.membership is None for link in links.values())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"audience": AudienceKind.DEPARTMENT}, "department"),
        ({"audience": AudienceKind.SIDE, "side": "sales"}, "side"),
        ({"audience": AudienceKind.EMAILS}, "recipients"),
        ({"audience": "everyone"}, "audience"),
        (
            {"audience": AudienceKind.EMAILS, "recipients": [Recipient("not-an-address", Side.IT)]},
            "recipients.0.email",
        ),
        (
            {"audience": AudienceKind.EMAILS, "recipients": [Recipient("a@example.org", "sales")]},
            "recipients.0.side",
        ),
    ],
)
def test_a_campaign_needs_a_complete_audience(personas: Personas, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_campaign(personas.owner, **kwargs)
    assert caught.value.field == field
    assert not Campaign.objects.for_org(personas.org).exists()


def test_a_campaign_cannot_close_before_it_opens_or_in_the_past(personas: Personas) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as caught:
        make_campaign(personas.owner, opens_on=today, closes_on=today - timedelta(days=1))
    assert caught.value.field == "closes_on"
    with pytest.raises(ValidationFailed, match="passed"):
        make_campaign(personas.owner, opens_on=today - timedelta(days=9), closes_on=today - timedelta(days=2))


# --- Invitations and tokens -------------------------------------------------------------------------------


def test_inviting_someone_twice_gives_back_the_same_link(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, audience=AudienceKind.SIDE, side=Side.IT)
    before = SurveyLink.objects.for_org(personas.org).count()
    again = services.invitations_create(
        actor=personas.owner,
        campaign=campaign,
        members=[personas.it_lead],
        recipients=[Recipient("ITLEAD@acme.test", Side.BUSINESS), Recipient("new@example.org", Side.IT)],
        send_email=False,
    )
    assert SurveyLink.objects.for_org(personas.org).count() == before + 1
    assert [link.email for link, _token, _delivery in again] == ["itlead@acme.test", "new@example.org"]
    first = SurveyLink.objects.for_org(personas.org).get(campaign=campaign, email="itlead@acme.test")
    assert again[0][0].pk == first.pk
    assert again[0][0].side == Side.IT


def test_a_token_leads_back_to_its_link(personas: Personas) -> None:
    campaign = make_campaign(
        personas.owner, audience=AudienceKind.EMAILS, recipients=[Recipient("first@example.org", Side.IT)]
    )
    for link, token, _delivery in services.invitations_create(
        actor=personas.owner, campaign=campaign, members=[personas.admin, personas.it_lead], send_email=False
    ):
        assert token is not None
        assert selectors.link_from_token(token).pk == link.pk
        assert selectors.link_token(link) == token


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 101])
def test_an_unknown_token_is_not_found(db: None, token: str) -> None:
    with pytest.raises(NotFound):
        selectors.link_from_token(token)


def test_a_closed_campaign_takes_no_more_invitations(personas: Personas) -> None:
    campaign = close(make_campaign(personas.owner))
    with pytest.raises(Conflict):
        invite(campaign, Side.IT)


# --- Responses ----------------------------------------------------------------------------------------------


def valid_answers(campaign: Campaign) -> dict[str, Any]:
    return {
        question(campaign, "likert").field_name: 4,
        question(campaign, "score").field_name: "9",
        question(campaign, "single").field_name: "Monthly",
        question(campaign, "multiple").field_name: ["Meetings", "Chat"],
        question(campaign, "text").field_name: "  Meet more often.  ",
    }


def test_a_valid_response_is_stored_with_the_links_side_and_department(
    personas: Personas, campaign: Campaign
) -> None:
    sales = personas.owner.department
    link, token = invite(campaign, Side.BUSINESS, sales)
    response = services.response_submit(token=token, answers=valid_answers(campaign))
    assert (response.side, response.department, response.submitted_on) == (
        Side.BUSINESS,
        sales,
        timezone.localdate(),
    )
    by_kind = {q.kind: response.answers[str(q.pk)] for q in questions_of(campaign)}
    assert by_kind == {
        "likert": 4,
        "score": 9,
        "single": "Monthly",
        "multiple": ["Chat", "Meetings"],  # in the order of the choices
        "text": "Meet more often.",
    }
    link.refresh_from_db()
    assert link.answered


def test_every_invalid_answer_is_reported_at_once(personas: Personas, campaign: Campaign) -> None:
    _link, token = invite(campaign, Side.IT)
    bad = {
        question(campaign, "likert").field_name: 6,
        question(campaign, "score").field_name: "ten",
        question(campaign, "single").field_name: "Daily",
        question(campaign, "multiple").field_name: ["Chat", "Pigeon"],
        question(campaign, "text").field_name: 42,
        "q999999": "?",
    }
    with pytest.raises(ValidationFailed) as caught:
        services.response_submit(token=token, answers=bad)
    errors = {e["field"]: e["message"] for e in caught.value.extra["errors"]}
    assert set(errors) == {*(q.field_name for q in questions_of(campaign)), "q999999"}
    assert "1 to 5" in errors[question(campaign, "likert").field_name]
    assert "0 to 10" in errors[question(campaign, "score").field_name]
    assert "Pigeon" in errors[question(campaign, "multiple").field_name]
    assert not SurveyResponse.objects.for_org(personas.org).exists()
    assert not SurveyLink.objects.for_org(personas.org).get(token_hash=selectors.token_hash(token)).answered


@pytest.mark.parametrize("value", [True, 3.5, "", None, [4], "4.0", "²", "9" * 5000, {"v": 4}])
def test_a_likert_answer_must_be_a_whole_number_on_the_scale(
    personas: Personas, campaign: Campaign, value: Any
) -> None:
    _link, token = invite(campaign, Side.IT)
    answers = valid_answers(campaign) | {question(campaign, "likert").field_name: value}
    with pytest.raises(ValidationFailed) as caught:
        services.response_submit(token=token, answers=answers)
    assert [e["field"] for e in caught.value.extra["errors"]] == [question(campaign, "likert").field_name]


def test_required_questions_must_be_answered_and_optional_ones_may_be_left_out(
    personas: Personas, campaign: Campaign
) -> None:
    _link, token = invite(campaign, Side.IT)
    with pytest.raises(ValidationFailed) as caught:
        services.response_submit(token=token, answers={})
    assert {e["field"] for e in caught.value.extra["errors"]} == {
        q.field_name for q in questions_of(campaign) if q.required
    }
    optional = {q.field_name for q in questions_of(campaign) if not q.required}
    answers = {k: v for k, v in valid_answers(campaign).items() if k not in optional}
    answers[question(campaign, "text").field_name] = "   "
    response = services.response_submit(token=token, answers=answers)
    assert set(response.answers) == {str(q.pk) for q in questions_of(campaign) if q.required}


def test_answers_may_be_keyed_by_the_question_id(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, questions=likert_only(1))
    [q] = questions_of(campaign)
    _link, token = invite(campaign, Side.IT)
    assert services.response_submit(token=token, answers={str(q.pk): 2}).answers == {str(q.pk): 2}


def test_a_closed_campaign_takes_no_response(personas: Personas, campaign: Campaign) -> None:
    _link, token = invite(campaign, Side.IT)
    close(campaign)
    with pytest.raises(Conflict) as caught:
        services.response_submit(token=token, answers=valid_answers(campaign))
    assert caught.value.code == "closed"


def test_a_campaign_past_its_closing_date_takes_no_response(personas: Personas, campaign: Campaign) -> None:
    _link, token = invite(campaign, Side.IT)
    Campaign.objects.for_org(personas.org).filter(pk=campaign.pk).update(
        opens_on=timezone.localdate() - timedelta(days=9), closes_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(Conflict) as caught:
        services.response_submit(token=token, answers=valid_answers(campaign))
    assert caught.value.code == "closed"


def test_a_scheduled_campaign_takes_no_response_yet(personas: Personas) -> None:
    later = timezone.localdate() + timedelta(days=3)
    campaign = make_campaign(personas.owner, opens_on=later, closes_on=later + timedelta(days=7))
    _link, token = invite(campaign, Side.IT)
    with pytest.raises(Conflict) as caught:
        services.response_submit(token=token, answers=valid_answers(campaign))
    assert caught.value.code == "not_open"
    assert not SurveyResponse.objects.for_org(personas.org).exists()


def test_a_link_takes_one_response(personas: Personas, campaign: Campaign) -> None:
    _link, token = invite(campaign, Side.IT)
    services.response_submit(token=token, answers=valid_answers(campaign))
    with pytest.raises(Conflict) as caught:
        services.response_submit(token=token, answers=valid_answers(campaign))
    assert caught.value.code == "answered"
    assert SurveyResponse.objects.for_org(personas.org).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_through_one_link_store_one_response(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, questions=likert_only(1))
    [q] = questions_of(campaign)
    _link, token = invite(campaign, Side.IT)
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def answer() -> None:
        try:
            start.wait()
            services.response_submit(token=token, answers={q.field_name: 3})
            outcomes.append("stored")
        except Conflict as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # collected and asserted below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["answered", "answered", "answered", "stored"]
    assert SurveyResponse.objects.for_org(personas.org).filter(campaign=campaign).count() == 1


def test_after_a_secret_key_change_a_handed_out_link_keeps_working_and_is_not_shown_again(
    personas: Personas, settings: Any
) -> None:
    campaign = make_campaign(
        personas.owner, audience=AudienceKind.EMAILS, recipients=[Recipient("first@example.org", Side.IT)]
    )
    [(link, old, _delivery)] = services.invitations_create(
        actor=personas.owner, campaign=campaign, members=[personas.it_lead], send_email=False
    )
    settings.SECRET_KEY = "rotated-" + "y" * 60
    assert old is not None
    assert selectors.link_from_token(old).pk == link.pk  # found by its digest, whatever the key
    [(again, new, _delivery)] = services.invitations_create(
        actor=personas.owner, campaign=campaign, members=[personas.it_lead], send_email=False
    )
    assert (again.pk, new) == (link.pk, None)
    assert selectors.link_from_token(old).pk == link.pk


def test_closing_a_campaign_with_free_text_queues_the_grouping_once(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    with_text = make_campaign(personas.owner)
    without_text = make_campaign(personas.owner, questions=likert_only(2))
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_close(actor=personas.owner, campaign=with_text)
        services.campaign_close(actor=personas.owner, campaign=without_text)
    jobs = DBTaskResult.objects.filter(task_path__endswith="analyse_texts")
    assert [job.args_kwargs["kwargs"] for job in jobs] == [{"campaign_id": with_text.pk}]


def grouping_jobs() -> list[tuple[int, Any]]:
    """The queued groupings of free text: (campaign id, when they may run)."""
    from django_tasks_db.models import DBTaskResult

    jobs = DBTaskResult.objects.filter(task_path__endswith="analyse_texts").order_by("enqueued_at", "pk")
    return [(job.args_kwargs["kwargs"]["campaign_id"], job.task.run_after) for job in jobs]


def day_after(day: date) -> datetime:
    """The moment a campaign closing on ``day`` is closed: the start of the next day."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def test_a_campaign_with_free_text_queues_its_grouping_for_when_its_closing_date_passes(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with_text = make_campaign(personas.owner)
        make_campaign(personas.owner, questions=likert_only(2))
    assert grouping_jobs() == [(with_text.pk, day_after(with_text.closes_on))]


def test_moving_the_closing_date_queues_the_grouping_for_the_new_date(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign(personas.owner)
    later = campaign.closes_on + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_update(actor=personas.owner, campaign=campaign, title="Pulse", closes_on=later)
        services.campaign_update(actor=personas.owner, campaign=campaign, title="Renamed", closes_on=later)
    assert grouping_jobs() == [(campaign.pk, day_after(later))]


def test_a_new_threshold_leaves_closed_campaigns_and_their_groupings_as_they_are(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    closed = close(make_campaign(personas.owner))
    running = make_campaign(personas.owner)  # still open: grouped when it closes
    with django_capture_on_commit_callbacks(execute=True):
        services.settings_update(actor=personas.owner, threshold=4)
    assert grouping_jobs() == []
    closed.refresh_from_db()
    running.refresh_from_db()
    assert (closed.threshold, running.threshold) == (5, 4)
