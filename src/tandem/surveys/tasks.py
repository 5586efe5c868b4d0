"""Background work of the surveys app: the personal links and their reminders by e-mail, the
rewriting of a campaign's responses in no order (PostgreSQL), and the grouping of free-text answers
by meaning (the embedding model loads in the worker).

What the e-mails leave behind is a count: a task answers how many it sent, and the links how many
e-mails each got. No task writes, logs or answers who was reminded (who had not answered yet)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone

from tandem.core import text
from tandem.core.language import language_for
from tandem.core.mail import send_templated
from tandem.surveys import results, selectors
from tandem.surveys.models import MAX_REMINDERS, Campaign, SurveyLink


def _send(link: SurveyLink, *, reminder: bool, base_url: str, threshold: int, questions: int) -> None:
    from tandem.surveys.services import link_rekey  # services enqueue these tasks

    url = (base_url or settings.SITE_URL) + reverse("surveys:respond", args=[link_rekey(link=link)])
    context = {
        "campaign": link.campaign,
        "link": url,
        "reminder": reminder,
        "threshold": threshold,
        "questions": questions,
    }
    # A respondent has no account: the campaign's organisation decides the language.
    send_templated(
        to=link.email,
        language=link.campaign.language or language_for(None, link.campaign.organization),
        subject="surveys/email/subject.txt",
        body="surveys/email/body.txt",
        context=context,
    )


def _mail(campaign_id: int, *, reminder: bool, base_url: str, link_ids: list[int] | None = None) -> int:
    """E-mail the links (or remind), one link at a time; an answered link is never e-mailed."""
    from tandem.surveys.services import REMINDER_GAP_DAYS  # services enqueue these tasks

    campaign = Campaign.objects.unscoped().select_related("organization").filter(pk=campaign_id).first()
    if campaign is None or not campaign.is_open:
        return 0
    responses_shuffle_start(campaign)  # a campaign that was already open when this arrived
    threshold = campaign.threshold
    questions = campaign.template.questions.count()
    links = SurveyLink.objects.for_org(campaign.organization).filter(campaign=campaign, answered=False)
    today = timezone.localdate()
    if reminder:
        links = links.filter(sent_count__gte=1, sent_count__lte=MAX_REMINDERS).exclude(
            last_sent_on__gt=today - timedelta(days=REMINDER_GAP_DAYS)
        )
    else:
        links = links.filter(pk__in=link_ids or [], sent_count=0)
    sent = 0
    for link_id in links.values_list("pk", flat=True):
        with transaction.atomic():
            # Re-read under the write lock: someone who answered a moment ago gets nothing.
            link = (
                SurveyLink.objects.for_org(campaign.organization)
                .select_for_update()
                .filter(pk=link_id, answered=False)
                .first()
            )
            if link is None:
                continue
            link.campaign = campaign
            _send(link, reminder=reminder, base_url=base_url, threshold=threshold, questions=questions)
            link.sent_count += 1
            link.last_sent_on = today
            link.save(update_fields=["sent_count", "last_sent_on"])
            sent += 1
    return sent


@task()
def send_links(*, campaign_id: int, link_ids: list[int], base_url: str = "") -> int:
    """E-mail new personal links (on the opening day, or at once when the campaign is open)."""
    return _mail(campaign_id, reminder=False, base_url=base_url, link_ids=link_ids)


@task()
def send_reminders(*, campaign_id: int, base_url: str = "") -> int:
    """Remind everyone who has not answered (at most three reminders each, spaced)."""
    return _mail(campaign_id, reminder=True, base_url=base_url)


# --- Responses in no order (PostgreSQL) -------------------------------------------------------------

# How often the responses of a campaign that takes answers are rewritten in the order of their keys.
SHUFFLE_EVERY = timedelta(hours=1)
# One statement: the rows are deleted and written back sorted by their random key, so their place
# in the table and their transaction number (xmin, one for all) no longer follow the order of
# answering. Rows that arrive meanwhile are not in its snapshot and stay as they are.
_SHUFFLE = """
    WITH moved AS (DELETE FROM surveys_surveyresponse WHERE campaign_id = %s RETURNING *)
    INSERT INTO surveys_surveyresponse SELECT * FROM moved ORDER BY id
"""


def responses_shuffle_start(campaign: Campaign, *, run_after: datetime | None = None) -> None:
    """Have ``responses_shuffle`` run for the campaign (PostgreSQL only), unless it already does."""
    from django_tasks_db.models import DBTaskResult  # app registry

    if connection.vendor != "postgresql":
        return
    pending = DBTaskResult.objects.filter(
        task_path=responses_shuffle.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__kwargs__campaign_id=campaign.pk,
    )
    if not pending.exists():
        job = responses_shuffle.using(run_after=run_after) if run_after else responses_shuffle
        job.enqueue(campaign_id=campaign.pk)


@task()
def responses_shuffle(*, campaign_id: int, last: bool = False) -> int:
    """Rewrite a campaign's responses in the order of their random keys (PostgreSQL keeps rows in
    the order they were written; SQLite stores this table by key already). Runs every
    ``SHUFFLE_EVERY`` while the campaign takes answers, and once more after it has closed."""
    if connection.vendor != "postgresql":
        return 0
    campaign = Campaign.objects.unscoped().filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    if not last:  # queued first, so that a failed rewrite does not end the round
        job = responses_shuffle.using(run_after=timezone.now() + SHUFFLE_EVERY)
        job.enqueue(campaign_id=campaign_id, last=campaign.is_closed)
    with connection.cursor() as cursor:
        cursor.execute(_SHUFFLE, [campaign_id])
        moved: int = cursor.rowcount
    return moved


# --- Free text --------------------------------------------------------------------------------------------


@task()
def analyse_texts(*, campaign_id: int) -> int:
    """Group the free-text answers of a closed campaign by meaning and compare the sides; nothing
    for a campaign that is not closed yet (its date was moved later) or whose answers are grouped."""
    from tandem.surveys import freetext  # loads numpy

    campaign = Campaign.objects.unscoped().select_related("organization").filter(pk=campaign_id).first()
    if campaign is None or not campaign.is_closed:
        return 0
    if not results.texts_waiting(selectors.campaign_results(campaign)):
        return 0
    analysed: int = freetext.analyse_campaign(campaign, embedder=text.embedder())
    return analysed
