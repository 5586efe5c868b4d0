"""Reads of the why check. ``round_view`` enforces the blind rule for every page, API response
and export: before the reveal a person sees only their own answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When

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


# A round can be superseded only once it has ended with its answers shown; an open round has no later
# round (only one waits at a time) and a voided one already says why it has no effect.
ENDED = (RoundStatus.REVEALED, RoundStatus.CLOSED)
# A later round's verdict that takes over an earlier round's effect: aligned (it lifted the pause),
# misaligned (its own pause, its own override), or "needs discussion" once both co-leads decided.
SETTLED = Q(verdict__in=(Verdict.ALIGNED, Verdict.MISALIGNED)) | Q(
    verdict=Verdict.PARTIAL, business_decision_at__isnull=False, it_decision_at__isnull=False
)


def _later_settled(*, initiative: Any, created_at: Any, pk: Any) -> QuerySet[WhyCheck]:
    """Rounds of ``initiative`` started after the round (``created_at``, then ``pk``) that ended with
    a settled verdict (``SETTLED``), the nearest first. Unscoped: the initiative already belongs to
    one organisation (and a filter on it too would steer SQLite to the organisation index)."""
    return (
        WhyCheck.objects.unscoped()
        .filter(SETTLED, initiative=initiative, status__in=ENDED)
        .filter(Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk))
        .order_by("created_at", "id")
    )


def with_superseded(rounds: QuerySet[WhyCheck]) -> QuerySet[WhyCheck]:
    """``rounds`` annotated with ``superseded_by_id``: the id of the round that superseded each, or
    None. One subquery in the same query, so a list of rounds costs no query per row.

    A revealed or closed round is *superseded* by the nearest later round of the same initiative
    that was revealed or closed with a verdict that took over its effect: aligned (which lifted a
    pause), misaligned (whose own pause and override count now), or "needs discussion" once both
    co-leads recorded their decision (which lifted a pause). The later verdict is then the one in
    force: the approval gate reads it (the latest round with a verdict), and an earlier round's
    pause has been lifted or replaced, so the earlier round has no effect any more and takes no
    override and no decision. A later round that is still open, was voided, was closed with one
    answer, is still being scored or still needs its decisions supersedes nothing: until then the
    earlier round's pause is the one holding the initiative, and overriding it still means something."""
    later = _later_settled(
        initiative=OuterRef("initiative"), created_at=OuterRef("created_at"), pk=OuterRef("pk")
    )
    return rounds.annotate(
        superseded_by_id=Case(
            When(status__in=ENDED, then=Subquery(later.values("id")[:1])),
            default=Value(None),
            output_field=IntegerField(),
        )
    )


def later_round_id(round_: WhyCheck) -> int | None:
    """The id of the round that supersedes ``round_`` (see ``with_superseded``), read afresh."""
    if round_.status not in ENDED:
        return None
    later = _later_settled(initiative=round_.initiative_id, created_at=round_.created_at, pk=round_.pk)
    return later.values_list("id", flat=True).first()


def superseded_by(round_: WhyCheck) -> int | None:
    """The id of the round that supersedes ``round_``, or None: the annotation of a list
    (``with_superseded``) when the round was loaded with it, otherwise one query."""
    missing = object()
    annotated = getattr(round_, "superseded_by_id", missing)
    if annotated is missing:
        return later_round_id(round_)
    return annotated if isinstance(annotated, int) else None


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
    # The later round whose verdict is in force instead of this one's (``with_superseded``).
    superseded_by: int | None = None

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
    # A superseded round has no effect left to settle: nobody decides on it or overrides it.
    later = superseded_by(round_)
    return RoundView(
        round=round_,
        my_side=my_side,
        answered={s: s in by_side for s in (Side.BUSINESS, Side.IT)},
        answers=visible,
        can_answer=may_answer and round_.status == RoundStatus.OPEN,
        can_close=can_start(membership) and can_close_now(round_),
        can_decide=my_side is not None and round_.verdict == Verdict.PARTIAL and later is None,
        can_override=membership.is_admin
        and round_.verdict == Verdict.MISALIGNED
        and round_.override_at is None
        and later is None,
        superseded_by=later,
    )


def rounds_for_initiative(initiative: Initiative) -> QuerySet[WhyCheck]:
    """Every round of an initiative, newest first, with answers prefetched (blind rule applies) and
    the round that superseded each (``superseded_by_id``)."""
    org = initiative.organization
    return with_superseded(
        WhyCheck.objects.for_org(org)
        .filter(initiative=initiative)
        .prefetch_related(Prefetch("answers", queryset=WhyAnswer.objects.for_org(org)))
    )


def rounds_for_org(org: Organization, *, status: str = "") -> QuerySet[WhyCheck]:
    """Rounds of the organisation with their initiatives and co-leads, newest first, and the round
    that superseded each (``superseded_by_id``)."""
    qs = with_superseded(
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
