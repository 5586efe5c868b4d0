"""The whycheck app's part of the alignment index, the home page and the getting-started checklist
(``tandem.core.insights``).

The ``whycheck`` component has two kinds of rows, over the active initiatives
(``tandem.strategy.insights.ACTIVE_STAGES``):

- per initiative, the verdict of its latest round that ended with one (revealed or closed, then
  scored): aligned 100, needs discussion 50, misaligned 0; an initiative the why check paused
  counts as misaligned until its co-leads realign;
- per realignment in the last ``REALIGNMENT_DAYS`` days (a misaligned verdict settled by a later
  aligned one, or by a "needs discussion" both co-leads decided): 100 when it took at most
  ``FAST_DAYS`` days, falling linearly to 0 at ``SLOW_DAYS``.

Only verdicts, dates and names: never an answer's words, and nothing of a round still open.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.insights import Component, Evidence, NeedItem, SetupStep
from tandem.core.models import Membership, Organization, Side
from tandem.core.numbers import number
from tandem.strategy.insights import ACTIVE_STAGES, id_url
from tandem.strategy.models import Initiative, Stage, Transition, TransitionCause
from tandem.whycheck.models import RoundStatus, Verdict, WhyAnswer, WhyCheck

WEIGHT = 20
REALIGNMENT_DAYS = 90
FAST_DAYS = 7
SLOW_DAYS = 42
POINTS = {Verdict.ALIGNED: 100.0, Verdict.PARTIAL: 50.0, Verdict.MISALIGNED: 0.0}
ENDED = (RoundStatus.REVEALED, RoundStatus.CLOSED)


def realignment_points(days: float) -> float:
    """100 for a realignment within ``FAST_DAYS`` days, 0 from ``SLOW_DAYS``, linear between."""
    if days <= FAST_DAYS:
        return 100.0
    if days >= SLOW_DAYS:
        return 0.0
    return 100.0 * (SLOW_DAYS - days) / (SLOW_DAYS - FAST_DAYS)


def _rounds(org: Organization, now: datetime) -> dict[int, list[dict[str, Any]]]:
    """The scored rounds of active initiatives by initiative, oldest first (one query)."""
    rows = (
        WhyCheck.objects.for_org(org)
        .filter(
            status__in=ENDED,
            scored_at__isnull=False,
            scored_at__lte=now,
            initiative__stage__in=ACTIVE_STAGES,
        )
        .exclude(verdict="")
        .order_by("initiative_id", "created_at", "id")
        .values(
            "id",
            "initiative_id",
            "initiative__title",
            "verdict",
            "scored_at",
            "business_decision_at",
            "it_decision_at",
        )
    )
    by_initiative: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_initiative[row["initiative_id"]].append(dict(row))
    return by_initiative


def _paused_by_why_check(org: Organization) -> set[int]:
    """The paused initiatives whose latest move was the why check's pause (one query)."""
    last = Transition.objects.unscoped().filter(initiative=OuterRef("pk")).order_by("-created_at", "-id")
    return set(
        Initiative.objects.for_org(org)
        .filter(stage=Stage.PAUSED)
        .annotate(
            last_to=Subquery(last.values("to_stage")[:1]), last_cause=Subquery(last.values("cause")[:1])
        )
        .filter(last_to=Stage.PAUSED, last_cause=TransitionCause.WHY_CHECK)
        .values_list("id", flat=True)
    )


def _realigned_at(row: dict[str, Any]) -> datetime | None:
    """When a round settled an earlier misalignment: its aligned verdict, or both decisions on a
    "needs discussion"."""
    if row["verdict"] == Verdict.ALIGNED:
        return row["scored_at"]  # type: ignore[no-any-return]
    if row["verdict"] == Verdict.PARTIAL and row["business_decision_at"] and row["it_decision_at"]:
        return max(row["business_decision_at"], row["it_decision_at"], row["scored_at"])  # type: ignore[no-any-return]
    return None


def _realignments(rounds: list[dict[str, Any]], now: datetime) -> list[tuple[dict[str, Any], float]]:
    """(the round that realigned, days it took) for each misalignment settled in the window; a run
    of misaligned rounds is one misalignment, counted from its first verdict."""
    found = []
    since: datetime | None = None
    for row in rounds:
        if row["verdict"] == Verdict.MISALIGNED:
            since = since or row["scored_at"]
            continue
        at = _realigned_at(row)
        if since is not None and at is not None:
            if now - timedelta(days=REALIGNMENT_DAYS) <= at <= now:
                found.append((row, (at - since).total_seconds() / 86400))
            since = None
    return found


def index_components(org: Organization, now: datetime) -> list[Component]:
    """The why-check component: latest verdicts and realignment speed (two queries)."""
    by_initiative = _rounds(org, now)
    paused = _paused_by_why_check(org)
    url = id_url("whycheck:detail", org, "why_check_id")
    paused_words = _("Paused by the why check until its co-leads realign.")
    verdict_words = {v: _("Latest why check: %(verdict)s.") % {"verdict": v.label} for v in Verdict}
    evidence: list[Evidence] = []
    for initiative_id, rounds in sorted(by_initiative.items(), key=lambda kv: kv[1][-1]["initiative__title"]):
        latest = rounds[-1]
        title = latest["initiative__title"]
        verdict = Verdict(latest["verdict"])
        if initiative_id in paused:
            points, detail = 0.0, paused_words
        else:
            points, detail = POINTS[verdict], verdict_words[verdict]
        evidence.append(
            Evidence(
                key=f"initiative:{initiative_id}",
                label=title,
                points=points,
                url=url(latest["id"]),
                detail=detail,
                initiative_id=initiative_id,
            )
        )
        for row, days in _realignments(rounds, now):
            evidence.append(
                Evidence(
                    key=f"realignment:{row['id']}",
                    label=title,
                    points=realignment_points(days),
                    url=url(row["id"]),
                    detail=ngettext(
                        "Realigned %(days)s day after the misaligned verdict.",
                        "Realigned %(days)s days after the misaligned verdict.",
                        math.ceil(days),
                    )
                    % {"days": number(round(days, 1))},
                    initiative_id=initiative_id,
                )
            )
    return [
        Component(
            key="whycheck",
            label=_("Why-check agreement"),
            help=_(
                "Whether the co-leads of each active initiative agree on why it exists and how success "
                "is measured, by the verdict of its latest why check (aligned, needs discussion, "
                "misaligned), and how fast misaligned co-leads realigned in the last 90 days: within a "
                "week counts in full, after six weeks not at all."
            ),
            default_weight=WEIGHT,
            evidence=tuple(evidence),
            missing="" if evidence else _("No why check on an active initiative has reached a verdict yet."),
        )
    ]


def needs_me(membership: Membership, today: date) -> list[NeedItem]:
    """Open rounds on initiatives the person co-leads whose side has not answered yet."""
    org = membership.organization
    answered = WhyAnswer.objects.unscoped().filter(why_check=OuterRef("pk"))
    rows = (
        WhyCheck.objects.for_org(org)
        .filter(status=RoundStatus.OPEN)
        .filter(Q(initiative__business_co_lead=membership) | Q(initiative__it_co_lead=membership))
        .annotate(
            business_answered=Exists(answered.filter(side=Side.BUSINESS)),
            it_answered=Exists(answered.filter(side=Side.IT)),
        )
        .order_by("deadline", "id")
        .values_list(
            "id",
            "deadline",
            "initiative__title",
            "initiative__business_co_lead_id",
            "business_answered",
            "it_answered",
        )
    )
    url = id_url("whycheck:detail", org, "why_check_id")
    items = []
    for pk, deadline, title, business_lead, business_answered, it_answered in rows:
        mine = business_answered if business_lead == membership.pk else it_answered
        if not mine:
            items.append(
                NeedItem(
                    kind="answer",
                    title=title,
                    action=_("Give your why-check answer"),
                    url=url(pk),
                    due_on=deadline,
                )
            )
    return items


def setup_steps(org: Organization) -> list[SetupStep]:
    """A first why check (50)."""
    return [
        SetupStep(
            key="first_why_check",
            label=_("Run a first why check on an initiative"),
            done=WhyCheck.objects.for_org(org).exists(),
            url=reverse("whycheck:list", kwargs={"org_slug": org.slug}),
            order=50,
        )
    ]
