"""Reads of the why check. ``round_view`` enforces the blind rule for every page, API response
and export: before the reveal a person sees only their own answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from tandem.core.models import Membership, Organization, Side
from tandem.strategy.models import Initiative
from tandem.whycheck.access import can_start
from tandem.whycheck.models import RoundStatus, Verdict, WhyAnswer, WhyCheck, WhyCheckSettings


def side_of(*, membership: Membership, initiative: Initiative) -> str | None:
    """Which co-lead the member is on this initiative (business, it), or None."""
    if initiative.business_co_lead_id == membership.pk:
        return Side.BUSINESS
    if initiative.it_co_lead_id == membership.pk:
        return Side.IT
    return None


def can_close_now(round_: WhyCheck) -> bool:
    """A revealed round closes at any time; an open one only once its deadline has passed, so that
    closing early never reveals a single answer to someone who has not answered yet."""
    if round_.status == RoundStatus.REVEALED:
        return True
    return round_.status == RoundStatus.OPEN and round_.deadline_passed


def settings_for(*, org: Organization) -> WhyCheckSettings:
    """The organisation's why-check settings: the defaults, unsaved, until an admin changes them."""
    return WhyCheckSettings.objects.filter(organization=org).first() or WhyCheckSettings(organization=org)


@dataclass
class RoundView:
    """What one person may see of one round."""

    round: WhyCheck
    my_side: str | None
    answered: dict[str, bool]  # whether each side has answered (never what)
    answers: dict[str, WhyAnswer | None] = field(default_factory=dict)  # visible answers only
    can_answer: bool = False
    can_close: bool = False
    can_decide: bool = False
    can_override: bool = False

    @property
    def my_answer(self) -> WhyAnswer | None:
        return self.answers.get(self.my_side) if self.my_side else None

    @property
    def i_decided(self) -> bool:
        """Whether this person, a co-lead, has recorded their decision on the round."""
        at: dict[str, Any] = {
            Side.BUSINESS: self.round.business_decision_at,
            Side.IT: self.round.it_decision_at,
        }
        return self.my_side is not None and at.get(self.my_side) is not None


def round_view(round_: WhyCheck, membership: Membership, answers: list[WhyAnswer] | None = None) -> RoundView:
    """The round as ``membership`` may see it: both answers after the reveal, before it only the
    answers they wrote themselves. Authorship decides, not the initiative's co-leads of today: a
    co-lead named after an answer was given never sees it."""
    if answers is None:
        answers = list(WhyAnswer.objects.for_org(round_.organization).filter(why_check=round_))
    by_side = {a.side: a for a in answers}
    my_side = side_of(membership=membership, initiative=round_.initiative)
    if round_.is_revealed:
        visible: dict[str, WhyAnswer | None] = {s: by_side.get(s) for s in (Side.BUSINESS, Side.IT)}
    else:
        visible = {my_side: None} if my_side else {}
        visible.update({a.side: a for a in answers if a.author_id == membership.pk})
    given = by_side.get(my_side) if my_side else None
    # Nobody revises an answer someone else gave: the side's answer must be missing or their own.
    may_answer = my_side is not None and (given is None or given.author_id == membership.pk)
    return RoundView(
        round=round_,
        my_side=my_side,
        answered={s: s in by_side for s in (Side.BUSINESS, Side.IT)},
        answers=visible,
        can_answer=may_answer and round_.status == RoundStatus.OPEN,
        can_close=can_start(membership) and can_close_now(round_),
        can_decide=my_side is not None and round_.verdict == Verdict.PARTIAL,
        can_override=membership.is_admin
        and round_.verdict == Verdict.MISALIGNED
        and round_.override_at is None,
    )


def rounds_for_initiative(initiative: Initiative) -> QuerySet[WhyCheck]:
    """Every round of an initiative, newest first, with answers prefetched (blind rule applies)."""
    org = initiative.organization
    return (
        WhyCheck.objects.for_org(org)
        .filter(initiative=initiative)
        .prefetch_related(Prefetch("answers", queryset=WhyAnswer.objects.for_org(org)))
    )


def rounds_for_org(org: Organization, *, status: str = "") -> QuerySet[WhyCheck]:
    """Rounds of the organisation with their initiatives and co-leads, newest first."""
    qs = (
        WhyCheck.objects.for_org(org)
        .select_related("initiative__business_co_lead__user", "initiative__it_co_lead__user")
        .prefetch_related(Prefetch("answers", queryset=WhyAnswer.objects.for_org(org)))
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def score_history(initiative: Initiative) -> list[tuple[Any, Any]]:
    """(scored at, score) of every scored round, oldest first: the trend on the initiative."""
    return list(
        WhyCheck.objects.for_org(initiative.organization)
        .filter(initiative=initiative, scored_at__isnull=False)
        .order_by("scored_at")
        .values_list("scored_at", "score")
    )
