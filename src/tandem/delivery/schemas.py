"""JSON shapes of the delivery API: deliverables with their criteria, re-plans and offers, change
requests, an initiative's baseline against its plan with its figures and timeline, the
organisation's delivery dashboard and thresholds, end-user feedback, and the public feedback door."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from tandem.core.models import Membership
from tandem.core.schemas import ByValue, Day, InputSchema
from tandem.delivery import metrics
from tandem.delivery.models import (
    MAX_CRITERIA,
    MAX_RECIPIENTS,
    ChangeRequest,
    Deliverable,
    DeliverySettings,
    Feedback,
    FeedbackLink,
    Offer,
    PlanChange,
    RejectionReason,
    Replan,
)
from tandem.delivery.selectors import Dashboard, FeedbackSummary, Row, TimelineRow

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

# A change's budget impact: negative when the change saves money; twelve digits, two decimals.
IMPACT_MAX = Decimal("999999999999.99")
_IMPACT_TEXT = r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"


def _impact(value: Any) -> Decimal:
    if isinstance(value, str):
        if re.fullmatch(_IMPACT_TEXT, value):
            return Decimal(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        amount = Decimal(str(value))
        if amount.is_finite() and -IMPACT_MAX <= amount <= IMPACT_MAX:
            return amount
    raise PydanticCustomError(
        "money",
        "Input should be an amount from -999999999999.99 to 999999999999.99, as a number or as text",
    )


# An amount either way, as a number or as decimal text ("-1250.50") so that no binary fraction
# creeps in.
SignedMoney = Annotated[
    Decimal,
    BeforeValidator(_impact),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": -float(IMPACT_MAX), "maximum": float(IMPACT_MAX)},
                {"type": "string", "pattern": _IMPACT_TEXT},
            ]
        }
    ),
]
Criterion = Annotated[str, Field(min_length=1, max_length=300)]
Address = Annotated[str, Field(min_length=1, max_length=254)]


def money_text(amount: Decimal | None) -> str | None:
    """An amount as the API writes money: a decimal number as text, two decimals."""
    return None if amount is None else f"{amount:.2f}"


def month_text(day: date) -> str:
    return f"{day:%Y-%m}"


def _name(member: Membership | None) -> str | None:
    return member.user.display_name if member is not None else None


# --- Input ------------------------------------------------------------------------------------


class DeliverySettingsIn(InputSchema):
    on_time_min: int | None = Field(
        None, ge=0, le=100, description="On-time rate at least (%), against the first committed date"
    )
    first_time_right_min: int | None = Field(
        None, ge=0, le=100, description="First-time-right rate at least (%)"
    )
    scope_creep_max: int | None = Field(
        None, ge=0, le=1000, description="Approved change budget at most (% of the original budget)"
    )
    unexplained_max: int | None = Field(
        None, ge=0, le=1000, description="Unexplained changes at most, per initiative"
    )
    feedback_quiet_days: int | None = Field(
        None, ge=0, le=365, description="Flag an accepted deliverable without end-user feedback after (days)"
    )


class DeliverableIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    committed_date: Day = Field(
        ..., description="The date promised; it never changes, re-plans move the due date"
    )
    description: str = Field("", max_length=5000)
    owner_member_id: Id | None = Field(None, description="The member who owns it, or …")
    owner_party_id: Id | None = Field(None, description="… the party that owns it (not both)")
    criteria: list[Criterion] = Field(
        default_factory=list, max_length=MAX_CRITERIA, description="The acceptance criteria, in order"
    )
    feedback_recipients: list[Address] = Field(
        default_factory=list,
        max_length=MAX_RECIPIENTS,
        description="E-mail addresses of end users who get the feedback link once it is accepted",
    )


class DeliverablePatchIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    owner_member_id: Id | None = Field(None, description="null: no owning member")
    owner_party_id: Id | None = Field(None, description="null: no owning party")
    criteria: list[Criterion] | None = Field(
        None,
        max_length=MAX_CRITERIA,
        description="Replaces the criteria; once offered, only new ones may be added at the end",
    )
    feedback_recipients: list[Address] | None = Field(None, max_length=MAX_RECIPIENTS)


class ReplanIn(InputSchema):
    to_date: Day = Field(..., description="The new due date (at most five years ahead)")
    reason: str = Field(..., min_length=1, max_length=2000)
    asked_by_id: Id | None = Field(None, description="The member who asked for it; you by default")
    asked_side: Literal["business", "it", "partner"] | None = Field(
        None, description="The side that asked; the asker's side by default"
    )
    change_request_id: Id | None = Field(
        None,
        description="The approved change request of the initiative behind it; without one it is unexplained",
    )


class OfferIn(InputSchema):
    offered_on: Day | None = Field(None, description="The day it was offered; today by default, never later")
    note: str = Field("", max_length=2000)


class AcceptanceIn(InputSchema):
    decision: Literal["accepted", "accepted_with_remarks", "rejected"]
    remarks: str = Field(
        "", max_length=5000, description="Required to accept with remarks, and to reject (what was wrong)"
    )
    rejection_reason: ByValue[RejectionReason] | None = Field(None, description="Required to reject")
    failed_criterion_ids: list[Id] = Field(
        default_factory=list,
        max_length=MAX_CRITERIA,
        description="Criteria of the deliverable not met; required when the reason is `criteria_not_met`",
    )


class DeliverableCancelIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=2000)


class DeliverableFilters(Schema):
    status: (
        Literal["planned", "offered", "accepted", "accepted_with_remarks", "rejected", "cancelled"] | None
    ) = None
    initiative_id: Id | None = None


class ChangeRequestIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200, description="What should change")
    reason: str = Field(..., min_length=1, max_length=5000, description="Why")
    budget_impact: SignedMoney = Field(
        Decimal(0), description="The estimated extra cost; negative when the change saves money"
    )
    schedule_impact_days: int = Field(
        0, ge=-3660, le=3660, description="How many days later the initiative ends; negative when earlier"
    )
    scope_impact: str = Field("", max_length=5000)
    deliverable_id: Id | None = Field(None, description="A deliverable of the initiative it is about")
    requested_by_id: Id | None = Field(None, description="The member who asks; you by default")


class ChangeDecisionIn(InputSchema):
    decision: Literal["approved", "rejected", "deferred"]
    reason: str = Field(..., min_length=1, max_length=5000, description="Why")


class ChangeRequestFilters(Schema):
    status: Literal["open", "approved", "rejected", "deferred"] | None = None
    initiative_id: Id | None = None


class FeedbackFilters(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


class FeedbackIn(InputSchema):
    rating: int = Field(..., ge=1, le=5, description="1 (poor) to 5 (excellent)")
    comment: str = Field("", max_length=3000)
    name: str = Field("", max_length=120, description="Only if you want to be known; anonymous otherwise")


# --- Output -----------------------------------------------------------------------------------


class DeliverySettingsOut(Schema):
    on_time_min: int
    first_time_right_min: int
    scope_creep_max: int
    unexplained_max: int
    feedback_quiet_days: int


class DeliveryFiguresOut(Schema):
    deliverables: int = Field(description="Not cancelled")
    accepted: int
    on_time_rate: float | None = Field(
        description="0–1: accepted by the first committed date; null: none accepted"
    )
    mean_slip_days: float | None = Field(description="Accepted date minus first committed date, in days")
    first_time_right_rate: float | None = Field(description="0–1: accepted at the first offer")
    rejections: dict[str, int] = Field(description="Rejected offers by reason")
    rejected_offers: int
    replans: int
    unexplained_changes: int = Field(
        description="Re-plans and budget or date moves without an approved change request"
    )
    scope_creep_index: float | None = Field(description="Approved change budget ÷ original budget")
    schedule_growth_pct: float | None
    change_requests_by_side: dict[str, int]
    approved_change_budget: str = Field(description="A decimal number as text, two decimals")
    original_budget: str | None
    budget_variance: str | None = Field(description="Current minus original budget")
    budget_variance_pct: float | None
    schedule_variance_days: int | None = Field(description="Current minus original target date")


class DeliveryBreachOut(Schema):
    code: Literal["on_time", "first_time_right", "scope_creep", "unexplained"]
    value: float
    limit: float


class DeliveryRowOut(Schema):
    id: int = Field(description="The initiative's, party's or department's")
    name: str
    figures: DeliveryFiguresOut
    breaches: list[DeliveryBreachOut]


class DeliveryTrendOut(Schema):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")
    on_time_rate: float | None
    first_time_right_rate: float | None
    accepted: int


class DeliveryDashboardOut(Schema):
    limited: bool = Field(
        description="A partner's view: only their parties' deliverables, no initiatives or departments"
    )
    figures: DeliveryFiguresOut
    breaches: list[DeliveryBreachOut]
    initiatives: list[DeliveryRowOut]
    parties: list[DeliveryRowOut]
    departments: list[DeliveryRowOut]
    trend: list[DeliveryTrendOut] = Field(description="The last twelve months, oldest first")
    quiet_deliverable_ids: list[int] = Field(
        description="Accepted longer ago than the quiet period, without end-user feedback since"
    )


class FeedbackLinkOut(Schema):
    id: int
    initiative_id: int
    deliverable_id: int | None = Field(description="null: the link of the initiative as a whole")
    open: bool
    url: str = Field(description="The public link for end users; share it like a password")
    created_at: datetime


class CriterionOut(Schema):
    id: int
    text: str
    position: int


class ReplanOut(Schema):
    id: int
    from_date: date
    to_date: date
    slip_days: int
    reason: str
    asked_by_id: int | None
    asked_by: str | None
    asked_side: str
    change_request_id: int | None
    explained: bool = Field(description="An approved change request is behind it")
    created_at: datetime


class OfferOut(Schema):
    id: int
    number: int
    offered_on: date
    note: str
    offered_by_id: int | None
    offered_by: str | None
    decision: str | None = Field(
        description="accepted, accepted_with_remarks or rejected; null while waiting"
    )
    rejection_reason: str | None
    remarks: str
    failed_criterion_ids: list[int]
    decided_by_id: int | None
    decided_by: str | None
    decided_at: datetime | None


class DeliverableOut(Schema):
    id: int
    initiative_id: int
    initiative: str
    title: str
    description: str
    status: str = Field(
        description="planned, offered, accepted, accepted_with_remarks, rejected or cancelled"
    )
    owner_member_id: int | None
    owner_party_id: int | None
    owner: str | None = Field(description="The owning member's or party's name")
    first_committed_date: date
    due_date: date
    delivered_on: date | None = Field(description="The date of the accepted offer")
    slip_days: int | None = Field(description="Delivered minus first committed date; null until accepted")
    feedback_requested_count: int = Field(description="End users the feedback link was e-mailed to")
    created_at: datetime


class DeliverableDetailOut(DeliverableOut):
    criteria: list[CriterionOut]
    replans: list[ReplanOut] = Field(description="Oldest first")
    offers: list[OfferOut] = Field(description="First offer first")
    feedback_recipients: list[str] | None = Field(
        description="End users to ask for feedback; null unless you may manage the deliverable"
    )
    feedback_link: FeedbackLinkOut | None = Field(
        description="null when there is none, or unless you may manage it"
    )


class ChangeRequestOut(Schema):
    id: int
    initiative_id: int
    initiative: str
    deliverable_id: int | None
    title: str
    reason: str
    requested_by_id: int | None
    requested_by: str | None
    requested_side: str
    budget_impact: str = Field(description="A decimal number as text, two decimals; negative saves")
    schedule_impact_days: int
    scope_impact: str
    status: str = Field(description="open, approved, rejected or deferred")
    decided_by_id: int | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str
    created_at: datetime


class PlanChangeOut(Schema):
    id: int
    field: Literal["budget", "target_date"]
    old_value: str
    new_value: str
    explained: bool
    change_request_id: int | None
    actor_id: int | None
    actor: str | None
    created_at: datetime


class BaselineOut(Schema):
    budget: str | None = Field(description="The original budget")
    start_date: date | None
    target_date: date | None = Field(description="The original target date")
    taken_at: datetime | None = Field(description="null: not committed yet, the current plan stands in")


class PlanOut(Schema):
    budget: str | None
    start_date: date | None
    target_date: date | None


class TimelineReplanOut(Schema):
    from_date: date
    to_date: date
    explained: bool
    change_request_id: int | None


class TimelineRowOut(Schema):
    deliverable_id: int
    title: str
    status: str
    first_committed: date
    due: date
    delivered: date | None
    slip_days: int | None
    replans: list[TimelineReplanOut]
    rejected_offers: list[date] = Field(description="The dates of the rejected offers")


class InitiativeDeliveryOut(Schema):
    initiative_id: int
    title: str
    currency: str
    baseline: BaselineOut
    current: PlanOut
    plan_changes: list[PlanChangeOut] = Field(description="Moves of the budget or target date, oldest first")
    figures: DeliveryFiguresOut
    breaches: list[DeliveryBreachOut]
    timeline: list[TimelineRowOut]
    feedback_link: FeedbackLinkOut | None = Field(
        description="The initiative's own link; null when there is none, or unless you may manage it"
    )


class FeedbackMonthOut(Schema):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")
    mean: float | None
    count: int


class FeedbackSummaryOut(Schema):
    count: int
    mean: float | None = Field(description="The mean rating, 1–5; null without feedback")
    asked: int = Field(description="End users asked by e-mail")
    response_rate: float | None = Field(description="0–1, of those asked by e-mail; null when nobody was")
    trend: list[FeedbackMonthOut] = Field(description="The last twelve months, oldest first")


class FeedbackItemOut(Schema):
    id: str
    rating: int
    comment: str
    name: str | None = Field(description="Only when the end user chose to give it")
    submitted_on: date
    deliverable_id: int | None
    deliverable: str | None


class FeedbackPageOut(Schema):
    summary: FeedbackSummaryOut
    items: list[FeedbackItemOut] = Field(description="The page asked for (`limit`, `offset`), latest first")
    count: int


class FeedbackAboutOut(Schema):
    organization: str
    initiative: str
    deliverable: str | None
    title: str = Field(description="What the feedback is about: the deliverable, else the initiative")
    open: bool = Field(description="false: the link takes no more feedback")


class FeedbackThanksOut(Schema):
    detail: str


class FeedbackClosedOut(Schema):
    detail: str
    code: str = Field(description="closed: the link takes no more feedback")


# --- Building them -------------------------------------------------------------------------------


def settings_out(s: DeliverySettings) -> DeliverySettingsOut:
    return DeliverySettingsOut(
        on_time_min=s.on_time_min,
        first_time_right_min=s.first_time_right_min,
        scope_creep_max=s.scope_creep_max,
        unexplained_max=s.unexplained_max,
        feedback_quiet_days=s.feedback_quiet_days,
    )


def figures_out(f: metrics.Figures) -> DeliveryFiguresOut:
    return DeliveryFiguresOut(
        deliverables=f.deliverables,
        accepted=f.accepted,
        on_time_rate=f.on_time_rate,
        mean_slip_days=f.mean_slip_days,
        first_time_right_rate=f.first_time_right_rate,
        rejections=f.rejections,
        rejected_offers=f.rejected_offers,
        replans=f.replans,
        unexplained_changes=f.unexplained_changes,
        scope_creep_index=f.scope_creep_index,
        schedule_growth_pct=f.schedule_growth_pct,
        change_requests_by_side=f.change_requests_by_side,
        approved_change_budget=money_text(f.approved_change_budget) or "0.00",
        original_budget=money_text(f.original_budget),
        budget_variance=money_text(f.budget_variance),
        budget_variance_pct=f.budget_variance_pct,
        schedule_variance_days=f.schedule_variance_days,
    )


def breaches_out(found: list[metrics.Breach]) -> list[DeliveryBreachOut]:
    return [DeliveryBreachOut(code=b.code, value=b.value, limit=b.limit) for b in found]  # type: ignore[arg-type]


def _row_out(row: Row) -> DeliveryRowOut:
    return DeliveryRowOut(
        id=int(str(row.key)),
        name=row.label,
        figures=figures_out(row.figures),
        breaches=breaches_out(row.breaches),
    )


def dashboard_out(d: Dashboard, *, limited: bool) -> DeliveryDashboardOut:
    return DeliveryDashboardOut(
        limited=limited,
        figures=figures_out(d.organization),
        breaches=breaches_out(d.organization_breaches),
        initiatives=[_row_out(r) for r in d.initiatives],
        parties=[_row_out(r) for r in d.parties],
        departments=[_row_out(r) for r in d.departments],
        trend=[
            DeliveryTrendOut(
                month=month_text(month), on_time_rate=on_time, first_time_right_rate=first, accepted=n
            )
            for month, on_time, first, n in d.trend
        ],
        quiet_deliverable_ids=[q.pk for q in d.quiet],
    )


def feedback_link_out(link: FeedbackLink, url: str) -> FeedbackLinkOut:
    return FeedbackLinkOut(
        id=link.pk,
        initiative_id=link.initiative_id,
        deliverable_id=link.deliverable_id,
        open=link.is_open,
        url=url,
        created_at=link.created_at,
    )


def _owner(d: Deliverable) -> str | None:
    if d.owner_member is not None:
        return d.owner_member.user.display_name
    return d.owner_party.name if d.owner_party is not None else None


def _deliverable_fields(d: Deliverable) -> dict[str, Any]:
    delivered = d.delivered_on if d.is_accepted else None
    return {
        "id": d.pk,
        "initiative_id": d.initiative_id,
        "initiative": d.initiative.title,
        "title": d.title,
        "description": d.description,
        "status": d.status,
        "owner_member_id": d.owner_member_id,
        "owner_party_id": d.owner_party_id,
        "owner": _owner(d),
        "first_committed_date": d.first_committed_date,
        "due_date": d.due_date,
        "delivered_on": delivered,
        "slip_days": (delivered - d.first_committed_date).days if delivered else None,
        "feedback_requested_count": d.feedback_requested_count,
        "created_at": d.created_at,
    }


def deliverable_out(d: Deliverable) -> DeliverableOut:
    """A deliverable of ``selectors.deliverable_list`` (its initiative and owner loaded)."""
    return DeliverableOut(**_deliverable_fields(d))


def replan_out(r: Replan) -> ReplanOut:
    return ReplanOut(
        id=r.pk,
        from_date=r.from_date,
        to_date=r.to_date,
        slip_days=r.slip_days,
        reason=r.reason,
        asked_by_id=r.asked_by_id,
        asked_by=_name(r.asked_by),
        asked_side=r.asked_side,
        change_request_id=r.change_request_id,
        explained=r.is_explained,
        created_at=r.created_at,
    )


def offer_out(o: Offer) -> OfferOut:
    return OfferOut(
        id=o.pk,
        number=o.number,
        offered_on=o.offered_on,
        note=o.note,
        offered_by_id=o.offered_by_id,
        offered_by=_name(o.offered_by),
        decision=o.decision or None,
        rejection_reason=o.rejection_reason or None,
        remarks=o.remarks,
        failed_criterion_ids=sorted(c.pk for c in o.failed_criteria.all()),
        decided_by_id=o.decided_by_id,
        decided_by=_name(o.decided_by),
        decided_at=o.decided_at,
    )


def deliverable_detail_out(
    d: Deliverable, *, recipients: list[str] | None, link: FeedbackLinkOut | None
) -> DeliverableDetailOut:
    """A deliverable of ``selectors.deliverable_detail`` (criteria, offers and re-plans loaded)."""
    return DeliverableDetailOut(
        **_deliverable_fields(d),
        criteria=[CriterionOut(id=c.pk, text=c.text, position=c.position) for c in d.criteria.all()],
        replans=[replan_out(r) for r in d.replans.all()],
        offers=[offer_out(o) for o in d.offers.all()],
        feedback_recipients=recipients,
        feedback_link=link,
    )


def change_request_out(c: ChangeRequest) -> ChangeRequestOut:
    """A change request of ``selectors.change_request_list`` (its people loaded)."""
    return ChangeRequestOut(
        id=c.pk,
        initiative_id=c.initiative_id,
        initiative=c.initiative.title,
        deliverable_id=c.deliverable_id,
        title=c.title,
        reason=c.reason,
        requested_by_id=c.requested_by_id,
        requested_by=_name(c.requested_by),
        requested_side=c.requested_side,
        budget_impact=money_text(c.budget_impact) or "0.00",
        schedule_impact_days=c.schedule_impact_days,
        scope_impact=c.scope_impact,
        status=c.status,
        decided_by_id=c.decided_by_id,
        decided_by=_name(c.decided_by),
        decided_at=c.decided_at,
        decision_reason=c.decision_reason,
        created_at=c.created_at,
    )


def plan_change_out(p: PlanChange) -> PlanChangeOut:
    return PlanChangeOut(
        id=p.pk,
        field=p.field,  # type: ignore[arg-type]
        old_value=p.old_value,
        new_value=p.new_value,
        explained=p.is_explained,
        change_request_id=p.change_request_id,
        actor_id=p.actor_id,
        actor=_name(p.actor),
        created_at=p.created_at,
    )


def timeline_row_out(row: TimelineRow) -> TimelineRowOut:
    return TimelineRowOut(
        deliverable_id=row.deliverable.pk,
        title=row.deliverable.title,
        status=row.deliverable.status,
        first_committed=row.first_committed,
        due=row.due,
        delivered=row.delivered,
        slip_days=row.slip_days,
        replans=[
            TimelineReplanOut(
                from_date=r.from_date,
                to_date=r.to_date,
                explained=r.is_explained,
                change_request_id=r.change_request_id,
            )
            for r in row.replans
        ],
        rejected_offers=row.rejected_offers,
    )


def feedback_summary_out(s: FeedbackSummary) -> FeedbackSummaryOut:
    return FeedbackSummaryOut(
        count=s.count,
        mean=s.mean,
        asked=s.asked,
        response_rate=s.response_rate,
        trend=[FeedbackMonthOut(month=month_text(m), mean=mean, count=n) for m, mean, n in s.trend],
    )


def feedback_item_out(f: Feedback) -> FeedbackItemOut:
    return FeedbackItemOut(
        id=str(f.pk),
        rating=f.rating,
        comment=f.comment,
        name=f.name or None,
        submitted_on=f.submitted_on,
        deliverable_id=f.deliverable_id,
        deliverable=f.deliverable.title if f.deliverable is not None else None,
    )


def feedback_about_out(link: FeedbackLink) -> FeedbackAboutOut:
    deliverable = link.deliverable.title if link.deliverable is not None else None
    return FeedbackAboutOut(
        organization=link.organization.name,
        initiative=link.initiative.title,
        deliverable=deliverable,
        title=deliverable or link.initiative.title,
        open=link.is_open,
    )
