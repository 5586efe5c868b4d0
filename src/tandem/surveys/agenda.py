"""What the surveys bring to the weekly review (``tandem.core.agenda``): a survey whose results were
published — it closed, early or on its closing date — since the last review (``survey_published``).
Its title and a link only: the figures stay on the survey's page, behind its anonymity threshold."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tandem.core.agenda import AgendaSignal, day_after
from tandem.core.models import Organization
from tandem.surveys.models import Campaign

SOURCE = "surveys"


def agenda_signals(org: Organization, since: datetime, now: datetime) -> list[AgendaSignal]:
    """The surveys' signals for the review of what happened from ``since`` to ``now`` (one query)."""
    first = timezone.localtime(since).date() - timedelta(days=1)
    last = timezone.localtime(now).date()
    campaigns = (
        Campaign.objects.for_org(org)
        .filter(
            Q(closed_at__gte=since, closed_at__lte=now)
            | Q(closed_at__isnull=True, closes_on__gte=first, closes_on__lt=last)
        )
        .only("id", "title", "closes_on", "closed_at")
        .order_by("closes_on", "id")
    )
    signals = []
    for campaign in campaigns:
        published = campaign.closed_at or day_after(campaign.closes_on)
        if not since <= published <= now:
            continue
        signals.append(
            AgendaSignal(
                source=SOURCE,
                kind="survey_published",
                key=f"{SOURCE}:survey_published:campaign:{campaign.pk}",
                title=campaign.title,
                at=published,
                url=reverse("surveys:detail", kwargs={"org_slug": org.slug, "campaign_id": campaign.pk}),
            )
        )
    return signals
