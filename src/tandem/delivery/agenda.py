"""What delivery brings to the weekly review (``tandem.core.agenda``): the items of
``selectors.review_items`` as they are — problems ``slipped``, ``rejected``, ``unexplained``,
``awaiting_decision``, ``alert`` and ``quiet``; wins ``accepted`` and ``good_feedback`` — each
linked to its deliverable, change request or initiative, a rejection with its reason and a re-plan
with the reason given for it."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from tandem.core.agenda import AgendaSignal, moment
from tandem.core.models import Organization
from tandem.delivery.models import ChangeRequest, Decision, Deliverable, Offer, Replan
from tandem.delivery.selectors import ReviewItem, review_items

SOURCE = "delivery"


def _target(item: ReviewItem) -> tuple[str, int]:
    """What the item is about, for its key: ("deliverable", 12), ("change", 3), ("initiative", 7)…"""
    if isinstance(item.target, Deliverable):
        return "deliverable", item.target.pk
    if isinstance(item.target, ChangeRequest):
        return "change", item.target.pk
    if item.target is not None:
        return "plan_change", item.target.pk
    return "initiative", item.initiative_id


def _url(org: Organization, item: ReviewItem) -> str:
    slug = org.slug
    if isinstance(item.target, Deliverable):
        return reverse("delivery:deliverable", kwargs={"org_slug": slug, "deliverable_id": item.target.pk})
    if isinstance(item.target, ChangeRequest):
        return reverse("delivery:change", kwargs={"org_slug": slug, "change_id": item.target.pk})
    return reverse("delivery:initiative", kwargs={"org_slug": slug, "initiative_id": item.initiative_id})


def _reasons(org: Organization, since: datetime) -> tuple[dict[int, str], dict[int, str]]:
    """Per deliverable, the reason of its latest rejection and of its latest re-plan since ``since``."""
    rejected = dict(
        Offer.objects.for_org(org)
        .filter(decided_at__gte=since, decision=Decision.REJECTED)
        .order_by("decided_at", "id")
        .values_list("deliverable_id", "remarks")
    )
    replanned = dict(
        Replan.objects.for_org(org)
        .filter(created_at__gte=since)
        .order_by("created_at", "id")
        .values_list("deliverable_id", "reason")
    )
    return rejected, replanned


def agenda_signals(org: Organization, since: datetime, now: datetime) -> list[AgendaSignal]:
    """Delivery's signals for the review of what happened from ``since`` to ``now``."""
    items = review_items(org, since, today=timezone.localtime(now).date())
    rejected, replanned = _reasons(org, since)
    signals = []
    for item in items:
        noun, pk = _target(item)
        detail = ""
        if noun == "deliverable" and item.kind == "rejected":
            detail = rejected.get(pk, "")
        elif noun == "deliverable" and item.kind in ("slipped", "unexplained"):
            detail = replanned.get(pk, "")
        signals.append(
            AgendaSignal(
                source=SOURCE,
                kind=item.kind,
                key=f"{SOURCE}:{item.kind}:{noun}:{pk}",
                title=item.title,
                at=moment(item.at),
                url=_url(org, item),
                initiative_id=item.initiative_id,
                detail=detail,
                is_win=item.is_win,
            )
        )
    return signals
