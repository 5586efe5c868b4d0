"""The numbers behind "late and different": pure functions over plain facts (no Django).

``selectors`` turns rows into these facts; the pages, the API, the export and the weekly review
read the figures computed here, so every one of them tells the same numbers.

Definitions (docs/user-guide.md, "Delivery figures"):

- **on-time rate**: of the deliverables the business accepted, the share accepted on or before their
  *first committed* date (a re-plan never makes a late delivery on time);
- **mean slip**: the mean of (accepted date − first committed date) in days over the same
  deliverables; an early delivery counts negative;
- **first-time right**: of the accepted deliverables, the share accepted at their first offer
  (with or without remarks);
- **rejections by reason**: every rejected offer counts, a deliverable rejected twice twice;
- **scope-creep index**: approved change-request budget ÷ original budget;
- **schedule growth**: (current target date − original target date) ÷ (original target date −
  start date), in %; the start date is the initiative's, or the day the baseline was taken;
- **unexplained changes**: re-plans and budget or date moves without an approved change request;
- **budget and schedule variance**: current minus original budget (amount and %), current minus
  original target date (days).

A figure without facts is ``None`` ("not yet"), never zero: nothing delivered has no on-time rate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DeliverableFacts:
    """One deliverable as the figures need it."""

    first_committed: date
    accepted_on: date | None = None  # the date of the accepted offer; None while not accepted
    offers_until_accepted: int = 0  # how many offers it took (1 = first time right)
    rejection_reasons: tuple[str, ...] = ()  # one per rejected offer
    replans: int = 0
    unexplained_replans: int = 0


@dataclass(frozen=True)
class ChangeFacts:
    """One change request as the figures need it."""

    side: str
    status: str
    budget_impact: Decimal = Decimal(0)
    schedule_days: int = 0


@dataclass(frozen=True)
class PlanFacts:
    """An initiative's baseline against its current plan (one per initiative)."""

    original_budget: Decimal | None
    current_budget: Decimal | None
    original_target: date | None
    current_target: date | None
    start: date | None
    unexplained_moves: int = 0  # budget or date moves without an approved change request


@dataclass(frozen=True)
class Figures:
    """Every delivery figure of a set of deliverables, change requests and plans."""

    deliverables: int
    accepted: int
    on_time_rate: float | None
    mean_slip_days: float | None
    first_time_right_rate: float | None
    rejections: dict[str, int]
    scope_creep_index: float | None
    schedule_growth_pct: float | None
    unexplained_changes: int
    change_requests_by_side: dict[str, int]
    approved_change_budget: Decimal
    original_budget: Decimal | None
    budget_variance: Decimal | None
    budget_variance_pct: float | None
    schedule_variance_days: int | None
    replans: int = 0

    @property
    def rejected_offers(self) -> int:
        return sum(self.rejections.values())


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class DeliveryPart:
    deliverables: int
    accepted: int
    on_time_rate: float | None
    mean_slip_days: float | None
    first_time_right_rate: float | None
    rejections: dict[str, int]
    replans: int
    unexplained_replans: int


@dataclass(frozen=True)
class PlanPart:
    scope_creep_index: float | None
    schedule_growth_pct: float | None
    change_requests_by_side: dict[str, int]
    approved_change_budget: Decimal
    original_budget: Decimal | None
    budget_variance: Decimal | None
    budget_variance_pct: float | None
    schedule_variance_days: int | None
    unexplained_moves: int


def delivery_figures(deliverables: Sequence[DeliverableFacts]) -> DeliveryPart:
    """On-time rate, mean slip, first-time right and rejections of a set of deliverables."""
    slips: list[int] = []
    first_time = 0
    rejections: Counter[str] = Counter()
    for d in deliverables:
        rejections.update(d.rejection_reasons)
        if d.accepted_on is not None:
            slips.append((d.accepted_on - d.first_committed).days)
            first_time += d.offers_until_accepted == 1
    return DeliveryPart(
        deliverables=len(deliverables),
        accepted=len(slips),
        on_time_rate=_ratio(sum(1 for s in slips if s <= 0), len(slips)),
        mean_slip_days=sum(slips) / len(slips) if slips else None,
        first_time_right_rate=_ratio(first_time, len(slips)),
        rejections=dict(sorted(rejections.items(), key=lambda kv: (-kv[1], kv[0]))),
        replans=sum(d.replans for d in deliverables),
        unexplained_replans=sum(d.unexplained_replans for d in deliverables),
    )


def plan_figures(plans: Sequence[PlanFacts], changes: Sequence[ChangeFacts]) -> PlanPart:
    """Scope creep, schedule growth and variance of a set of initiatives' plans.

    Over several initiatives the figures are sums: the scope-creep index is the approved change
    budget over the summed original budgets (of the initiatives that have one), schedule growth
    the summed slip of the target dates over the summed original durations."""
    approved_budget = sum((c.budget_impact for c in changes if c.status == "approved"), Decimal(0))
    by_side = Counter(c.side for c in changes)
    original = Decimal(0)
    current = Decimal(0)
    budgeted = False
    schedule_variance: int | None = None
    growth_days = growth_base = 0
    for p in plans:
        if p.original_budget is not None and p.original_budget > 0:
            budgeted = True
            original += p.original_budget
            # a budget cleared after the baseline is unknown, not zero: it counts as unchanged
            current += p.original_budget if p.current_budget is None else p.current_budget
        if p.original_target is not None and p.current_target is not None:
            moved = (p.current_target - p.original_target).days
            schedule_variance = (schedule_variance or 0) + moved
            if p.start is not None and p.original_target > p.start:
                growth_base += (p.original_target - p.start).days
                growth_days += moved
    variance = current - original if budgeted else None
    return PlanPart(
        scope_creep_index=float(approved_budget / original) if budgeted else None,
        schedule_growth_pct=growth_days / growth_base * 100 if growth_base else None,
        change_requests_by_side=dict(sorted(by_side.items())),
        approved_change_budget=approved_budget,
        original_budget=original if budgeted else None,
        budget_variance=variance,
        budget_variance_pct=float(variance / original * 100) if variance is not None else None,
        schedule_variance_days=schedule_variance,
        unexplained_moves=sum(p.unexplained_moves for p in plans),
    )


def figures(
    deliverables: Sequence[DeliverableFacts],
    changes: Sequence[ChangeFacts] = (),
    plans: Sequence[PlanFacts] = (),
) -> Figures:
    """Every figure at once: for an initiative, a party, a department or the organisation."""
    d = delivery_figures(deliverables)
    p = plan_figures(plans, changes)
    return Figures(
        deliverables=d.deliverables,
        accepted=d.accepted,
        on_time_rate=d.on_time_rate,
        mean_slip_days=d.mean_slip_days,
        first_time_right_rate=d.first_time_right_rate,
        rejections=d.rejections,
        replans=d.replans,
        unexplained_changes=d.unexplained_replans + p.unexplained_moves,
        scope_creep_index=p.scope_creep_index,
        schedule_growth_pct=p.schedule_growth_pct,
        change_requests_by_side=p.change_requests_by_side,
        approved_change_budget=p.approved_change_budget,
        original_budget=p.original_budget,
        budget_variance=p.budget_variance,
        budget_variance_pct=p.budget_variance_pct,
        schedule_variance_days=p.schedule_variance_days,
    )


@dataclass(frozen=True)
class Thresholds:
    on_time_min: int = 70  # %
    first_time_right_min: int = 70  # %
    scope_creep_max: int = 20  # % of the original budget
    unexplained_max: int = 0  # per initiative


@dataclass(frozen=True)
class Breach:
    """A figure past its threshold: ``code`` names the figure, ``value`` and ``limit`` say how far."""

    code: str
    value: float
    limit: float


def breaches(f: Figures, t: Thresholds) -> list[Breach]:
    """The figures of ``f`` past the organisation's thresholds (none without facts)."""
    found: list[Breach] = []
    if f.on_time_rate is not None and f.on_time_rate * 100 < t.on_time_min:
        found.append(Breach("on_time", round(f.on_time_rate * 100, 1), t.on_time_min))
    if f.first_time_right_rate is not None and f.first_time_right_rate * 100 < t.first_time_right_min:
        found.append(
            Breach("first_time_right", round(f.first_time_right_rate * 100, 1), t.first_time_right_min)
        )
    if f.scope_creep_index is not None and f.scope_creep_index * 100 > t.scope_creep_max:
        found.append(Breach("scope_creep", round(f.scope_creep_index * 100, 1), t.scope_creep_max))
    if f.unexplained_changes > t.unexplained_max:
        found.append(Breach("unexplained", f.unexplained_changes, t.unexplained_max))
    return found


def monthly(
    deliverables: Iterable[DeliverableFacts], months: Sequence[date]
) -> list[tuple[date, float | None, float | None, int]]:
    """Per month (first days, in order): on-time rate, first-time-right rate and the number
    accepted, over the deliverables accepted in that month."""
    by_month: dict[date, list[DeliverableFacts]] = {m: [] for m in months}
    for d in deliverables:
        if d.accepted_on is not None:
            key = d.accepted_on.replace(day=1)
            if key in by_month:
                by_month[key].append(d)
    rows = []
    for m in months:
        f = delivery_figures(by_month[m])
        rows.append((m, f.on_time_rate, f.first_time_right_rate, f.accepted))
    return rows
