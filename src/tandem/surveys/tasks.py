"""Background work of the surveys app: the personal links and their reminders by e-mail, and the
grouping of free-text answers by meaning (the embedding model loads in the worker)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tandem.core import text
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
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("surveys/email/subject.txt", context).strip()
        body = render_to_string("surveys/email/body.txt", context)
    send_mail(subject, body, None, [link.email])


def _mail(campaign_id: int, *, reminder: bool, base_url: str, link_ids: list[int] | None = None) -> int:
    """E-mail the links (or remind), one link at a time; an answered link is never e-mailed."""
    from tandem.surveys.services import REMINDER_GAP_DAYS  # services enqueue these tasks

    campaign = Campaign.objects.unscoped().select_related("organization").filter(pk=campaign_id).first()
    if campaign is None or not campaign.is_open:
        return 0
    threshold = selectors.settings_for(campaign.organization).threshold
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
