"""Reads of the surveys app for other pages (the organisation home)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tandem.core.models import Membership, Role
from tandem.surveys.models import Campaign, SurveyLink
from tandem.surveys.services import link_token, token_hash

HOME_CAMPAIGNS = 3


def home_panel(membership: Membership) -> tuple[str, dict[str, Any]] | None:
    """The home page's surveys panel: surveys the person has yet to answer (with their own link),
    the open campaigns with how many answered, and the latest results. Nothing for partners, and
    nothing at all while the organisation has never run a campaign."""
    if membership.role == Role.PARTNER:
        return None
    org = membership.organization
    today = timezone.localdate()
    open_now = Q(closed_at=None, opens_on__lte=today, closes_on__gte=today)
    running = list(
        Campaign.objects.for_org(org)
        .filter(open_now)
        .annotate(
            invited=Count("links", distinct=True),
            answered=Count("links", filter=Q(links__answered=True), distinct=True),
        )
        .order_by("closes_on", "pk")[:HOME_CAMPAIGNS]
    )
    latest = (
        Campaign.objects.for_org(org)
        .filter(Q(closed_at__isnull=False) | Q(closes_on__lt=today))
        .order_by("-closes_on", "-pk")
        .first()
    )
    if not running and latest is None:
        return None
    mine = []
    for link in (
        SurveyLink.objects.for_org(org)
        .filter(
            membership=membership, answered=False, campaign__in=Campaign.objects.for_org(org).filter(open_now)
        )
        .select_related("campaign")
        .order_by("campaign__closes_on", "pk")
    ):
        token = link_token(link)
        if token_hash(token) == link.token_hash:  # a link issued under an older secret key is left out
            mine.append({"campaign": link.campaign, "token": token})
    return "surveys/_home_panel.html", {"running": running, "latest": latest, "mine": mine}
