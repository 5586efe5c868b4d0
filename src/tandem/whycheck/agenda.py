"""What the why check brings to the weekly review (``tandem.core.agenda``).

Problems: a round found the co-leads misaligned (``why_misaligned``), a round needs a discussion
both co-leads have not settled yet (``why_needs_discussion``), a round waits for answers past its
deadline (``why_overdue``), a misaligned round flagged for review before this period still holds
the initiative (``why_flagged``). Win: an initiative whose latest round was misaligned is aligned
again (``realigned``).

The blind rule holds here as everywhere: a signal names the initiative and links to the round,
nothing more. No answer is read, and neither a score nor who answered reaches a signal.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from tandem.core.agenda import AgendaSignal, day_after
from tandem.core.models import Organization
from tandem.whycheck.models import RoundStatus, Verdict, WhyCheck
from tandem.whycheck.selectors import ENDED, with_superseded

SOURCE = "whycheck"


def _rounds(org: Organization, since: datetime, now: datetime) -> list[WhyCheck]:
    """The rounds that may signal something, in one query, without their answers or comparison."""
    scored_now = Q(scored_at__isnull=False, scored_at__lte=now)
    previous = (
        WhyCheck.objects.unscoped()
        .filter(initiative=OuterRef("initiative"), scored_at__isnull=False)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by("-created_at", "-id")
    )
    wanted = (
        Q(status=RoundStatus.OPEN, deadline__lt=timezone.localtime(now).date())
        | (scored_now & Q(scored_at__gte=since, verdict__in=(Verdict.MISALIGNED, Verdict.ALIGNED)))
        | (scored_now & Q(verdict=Verdict.PARTIAL) & (Q(business_decision_at=None) | Q(it_decision_at=None)))
        | (scored_now & Q(flagged_for_review=True, verdict=Verdict.MISALIGNED, override_at=None))
    )
    rounds = (
        WhyCheck.objects.for_org(org)
        .filter(wanted, created_at__lte=now)
        .select_related("initiative")
        .only(
            "id",
            "initiative_id",
            "initiative__title",
            "status",
            "deadline",
            "verdict",
            "scored_at",
            "flagged_for_review",
            "override_at",
            "business_decision_at",
            "it_decision_at",
            "created_at",
        )
        .annotate(previous_verdict=Subquery(previous.values("verdict")[:1]))
        .order_by("created_at", "id")
    )
    return list(with_superseded(rounds))


def _kind(round_: WhyCheck, since: datetime) -> str:
    """The one kind a round signals, or "" for none."""
    if round_.status == RoundStatus.OPEN:
        return "why_overdue"
    if round_.status not in ENDED or round_.scored_at is None:
        return ""
    recent = round_.scored_at >= since
    in_force = getattr(round_, "superseded_by_id", None) is None
    if round_.verdict == Verdict.MISALIGNED:
        if recent:
            return "why_misaligned"
        return "why_flagged" if in_force and round_.flagged_for_review and round_.override_at is None else ""
    if round_.verdict == Verdict.PARTIAL:
        return "why_needs_discussion" if in_force and not round_.decided else ""
    if round_.verdict == Verdict.ALIGNED and recent:
        return "realigned" if getattr(round_, "previous_verdict", None) == Verdict.MISALIGNED else ""
    return ""


def agenda_signals(org: Organization, since: datetime, now: datetime) -> list[AgendaSignal]:
    """The why check's signals for the review of what happened from ``since`` to ``now``."""
    signals = []
    for round_ in _rounds(org, since, now):
        kind = _kind(round_, since)
        if not kind:
            continue
        url = reverse("whycheck:detail", kwargs={"org_slug": org.slug, "why_check_id": round_.pk})
        at = day_after(round_.deadline) if kind == "why_overdue" else round_.scored_at
        signals.append(
            AgendaSignal(
                source=SOURCE,
                kind=kind,
                key=f"{SOURCE}:{kind}:round:{round_.pk}",
                title=round_.initiative.title,
                at=at or now,
                url=url,
                initiative_id=round_.initiative_id,
                is_win=kind == "realigned",
            )
        )
    return signals
