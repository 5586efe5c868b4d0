"""E-mails through the worker: personal links on the opening day, and at most three spaced
reminders, never to someone who has answered and never for a closed campaign."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core import text as core_text
from tandem.core.models import Side
from tandem.surveys import selectors, services, tasks
from tandem.surveys.models import MAX_REMINDERS, AudienceKind, Campaign, SurveyLink, TextAnalysis
from tandem.surveys.selectors import reminder_days
from tandem.surveys.services import REMINDER_GAP_DAYS
from tests.conftest import Personas
from tests.surveys.conftest import (
    PRIORITIES,
    SLOW,
    WordsEmbedder,
    close,
    likert_only,
    make_campaign,
    questions_of,
    text_campaign,
)

# The worker closes database connections between tasks, as in production: use real commits.
pytestmark = pytest.mark.django_db(transaction=True)

IT_PEOPLE = {"admin@acme.test", "itlead@acme.test"}


def it_campaign(personas: Personas, **kwargs: Any) -> Campaign:
    return make_campaign(
        personas.owner,
        questions=likert_only(1),
        audience=AudienceKind.SIDE,
        side=Side.IT,
        send_email=True,
        base_url="https://tandem.example",
        **kwargs,
    )


def run_worker() -> None:
    call_command("worker", batch=True, verbosity=0)


def token_in(body: str) -> str:
    match = re.search(r"https://tandem\.example/s/([^/\s]+)/", body)
    assert match, body
    return match.group(1)


def remind(campaign: Campaign) -> int:
    sent: int = tasks.send_reminders.call(campaign_id=campaign.pk, base_url="https://tandem.example")
    return sent


def days_pass(campaign: Campaign, days: int = REMINDER_GAP_DAYS) -> None:
    """Pretend the last e-mails went out ``days`` earlier."""
    for link in SurveyLink.objects.for_org(campaign.organization).filter(campaign=campaign):
        if link.last_sent_on is not None:
            link.last_sent_on -= timedelta(days=days)
            link.save(update_fields=["last_sent_on"])


def test_the_links_are_e_mailed_when_the_campaign_opens(personas: Personas) -> None:
    campaign = it_campaign(personas)
    run_worker()
    assert {m.to[0] for m in mail.outbox} == IT_PEOPLE
    for message in mail.outbox:
        link = selectors.link_from_token(token_in(str(message.body)))
        assert link.email == message.to[0]
        assert link.campaign_id == campaign.pk
        assert link.sent_count == 1
        assert link.last_sent_on == timezone.localdate()
    run_worker()
    assert len(mail.outbox) == 2  # once each


def test_links_of_a_later_campaign_wait_for_its_opening_day(personas: Personas) -> None:
    later = timezone.localdate() + timedelta(days=5)
    campaign = it_campaign(personas, opens_on=later, closes_on=later + timedelta(days=14))
    run_worker()
    assert mail.outbox == []
    waiting = DBTaskResult.objects.filter(task_path__endswith="send_links", status="READY")
    assert [job.run_after.date() for job in waiting] == [later]
    assert not SurveyLink.objects.for_org(personas.org).filter(campaign=campaign, sent_count__gt=0).exists()


def test_three_reminders_are_scheduled_over_the_open_period(personas: Personas) -> None:
    campaign = it_campaign(personas, days=28)
    jobs = DBTaskResult.objects.filter(task_path__endswith="send_reminders")
    expected = [campaign.opens_on + timedelta(days=d) for d in (7, 14, 21)]
    assert sorted(job.run_after.date() for job in jobs) == expected


def test_reminders_are_spaced_and_stop_after_three(personas: Personas) -> None:
    campaign = it_campaign(personas)
    run_worker()
    assert remind(campaign) == 0  # the link went out today
    for reminder in range(1, MAX_REMINDERS + 1):
        days_pass(campaign, REMINDER_GAP_DAYS - 1)
        assert remind(campaign) == 0, "a reminder came too soon"
        days_pass(campaign, 1)
        assert remind(campaign) == len(IT_PEOPLE)
        assert all(
            link.reminders_sent == reminder
            for link in SurveyLink.objects.for_org(personas.org).filter(campaign=campaign)
        )
    days_pass(campaign, 30)
    assert remind(campaign) == 0
    assert len(mail.outbox) == len(IT_PEOPLE) * (1 + MAX_REMINDERS)
    assert all("reminder" in m.body.lower() for m in mail.outbox[len(IT_PEOPLE) :])


def test_no_reminder_reaches_someone_who_has_answered(personas: Personas) -> None:
    campaign = it_campaign(personas)
    run_worker()
    [q] = questions_of(campaign)
    answered = next(m for m in mail.outbox if m.to[0] == "itlead@acme.test")
    services.response_submit(token=token_in(str(answered.body)), answers={q.field_name: 4})
    mail.outbox.clear()
    days_pass(campaign)
    assert remind(campaign) == 1
    assert [m.to[0] for m in mail.outbox] == ["admin@acme.test"]


def test_a_closed_campaign_sends_no_reminders(personas: Personas) -> None:
    campaign = it_campaign(personas)
    run_worker()
    close(campaign)
    mail.outbox.clear()
    days_pass(campaign)
    assert remind(campaign) == 0
    assert mail.outbox == []


def test_a_campaign_without_e_mails_sends_nothing(personas: Personas) -> None:
    make_campaign(personas.owner, questions=likert_only(1), send_email=False)
    run_worker()
    assert mail.outbox == []
    # Of the surveys' work only the rewriting of the responses in no order (PostgreSQL) is queued;
    # nothing to send (other apps' daily rounds may be waiting).
    surveys_work = DBTaskResult.objects.filter(task_path__startswith="tandem.surveys.")
    assert not surveys_work.exclude(task_path=tasks.responses_shuffle.module_path).exists()


@pytest.mark.parametrize(
    ("span", "expected"),
    [(28, [7, 14, 21]), (14, [4, 7, 10]), (2, [1, 2]), (1, [1]), (0, [])],
)
def test_reminder_days_are_spread_over_the_open_period(span: int, expected: list[int]) -> None:
    opens = date(2026, 3, 2)
    days = reminder_days(opens, opens + timedelta(days=span))
    assert [(d - opens).days for d in days] == expected
    assert len(days) <= MAX_REMINDERS
    assert days == sorted(set(days))


def test_a_reminder_after_a_secret_key_change_carries_a_working_link(
    personas: Personas, settings: object
) -> None:
    campaign = it_campaign(personas)
    run_worker()
    setattr(settings, "SECRET_KEY", "rotated-" + "y" * 60)  # noqa: B010 (pytest-django's settings)
    mail.outbox.clear()
    days_pass(campaign)
    assert remind(campaign) == len(IT_PEOPLE)
    for message in mail.outbox:
        assert selectors.link_from_token(token_in(str(message.body))).email == message.to[0]


# --- The grouping of free text when the closing date passes ------------------------------------------------


def shift(campaign: Campaign, days: int) -> None:
    """Move the campaign and its queued work ``days`` earlier: as if that many days had passed."""
    moved = timedelta(days=days)
    Campaign.objects.for_org(campaign.organization).filter(pk=campaign.pk).update(
        opens_on=campaign.opens_on - moved, closes_on=campaign.closes_on - moved
    )
    for job in DBTaskResult.objects.filter(run_after__isnull=False):
        job.run_after -= moved
        job.save(update_fields=["run_after"])


def test_a_campaign_whose_date_passes_gets_its_free_text_grouped_by_the_task_queued_when_it_was_made(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_text, "embedder", WordsEmbedder)
    campaign = text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES})
    [job] = DBTaskResult.objects.filter(task_path__endswith="analyse_texts")
    assert timezone.localtime(job.run_after).date() == campaign.closes_on + timedelta(days=1)
    assert tasks.analyse_texts.call(campaign_id=campaign.pk) == 0  # still open: nothing yet
    run_worker()
    assert not TextAnalysis.objects.for_org(personas.org).exists()
    shift(campaign, 15)  # the closing date passes
    run_worker()
    [analysis] = TextAnalysis.objects.for_org(personas.org).filter(campaign=campaign)
    assert sum(theme["size"] for theme in analysis.result["themes"]) == len(SLOW) + len(PRIORITIES)


def test_the_grouping_task_leaves_a_grouped_campaign_alone(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_text, "embedder", WordsEmbedder)
    campaign = close(text_campaign(personas, {Side.IT: SLOW, Side.BUSINESS: PRIORITIES}))
    assert tasks.analyse_texts.call(campaign_id=campaign.pk) == 1
    computed = TextAnalysis.objects.for_org(personas.org).get(campaign=campaign).computed_at
    assert tasks.analyse_texts.call(campaign_id=campaign.pk) == 0
    assert TextAnalysis.objects.for_org(personas.org).get(campaign=campaign).computed_at == computed
