"""JSON shapes of the strategy API.

Output schemas read model rows directly (ninja resolvers fill the computed fields), so a list
endpoint can hand a sliced queryset to the paginator and serialise it without extra queries.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from tandem.core.models import Side
from tandem.core.schemas import ByValue, Day, InputSchema, Money, ValidationErrorOut
from tandem.strategy.gate import signals_of
from tandem.strategy.models import Initiative, KeyResult, Objective, ObjectiveStatus, Outcome, Stage
from tandem.strategy.progress import Direction

# Ids are database keys: bounded so that no generated number overflows a 64-bit column.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# The portfolio's sort orders and signal keys (selectors.SORTS, gate.SIGNAL_KEYS; a test
# keeps them equal).
Sort = Literal[
    "title", "-title", "stage", "-stage", "target_date", "-target_date", "updated", "signals", "-signals"
]
SignalKey = Literal["outcome", "measurable", "co_led", "shared", "end_users", "it_early"]
GateCode = Literal[
    "business_outcome",
    "success_measure",
    "business_co_lead",
    "it_co_lead",
    "shared_key_result",
    "end_user_input",
    "why_check",
]


class GateRefusedOut(ValidationErrorOut):
    """A refused approval: every missing element of the gate, as stable codes in a fixed order
    (``errors`` names the field ``to``)."""

    missing: list[GateCode]


# --- People --------------------------------------------------------------------------------------


class PersonOut(Schema):
    """A member of the organisation (the id is the membership's)."""

    id: int
    name: str
    email: str
    side: Side

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.name)

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.user.email)


class AuthorOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.name)


# --- Objectives ----------------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    period_start: date
    period_end: date
    period_label: str = Field(description="“Q4 2026” for a calendar quarter, else the two dates")
    business_owner: PersonOut | None
    it_owner: PersonOut | None
    status: ObjectiveStatus
    siloed: bool = Field(description="True unless a business-side and an IT-side member own it together")
    key_result_ids: list[int]

    @staticmethod
    def resolve_siloed(obj: Objective) -> bool:
        return obj.is_siloed

    @staticmethod
    def resolve_key_result_ids(obj: Objective) -> list[int]:
        return [kr.pk for kr in obj.key_results.all()]


class ObjectiveFilters(Schema):
    status: ObjectiveStatus | None = None
    siloed: bool | None = Field(None, description="true: only siloed objectives; false: only shared ones")


class ObjectiveIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    period_start: Day
    period_end: Day
    business_owner_id: Id | None = Field(None, description="Membership id of a business-side member")
    it_owner_id: Id | None = Field(None, description="Membership id of an IT-side member")
    status: ByValue[ObjectiveStatus] = Field(
        ObjectiveStatus.DRAFT, description="Anything but draft needs a business owner and an IT owner"
    )


class ObjectivePatchIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    period_start: Day | None = None
    period_end: Day | None = None
    business_owner_id: Id | None = Field(None, description="Membership id; null removes the owner")
    it_owner_id: Id | None = Field(None, description="Membership id; null removes the owner")
    status: ByValue[ObjectiveStatus] | None = None


# --- Key results and check-ins -------------------------------------------------------------------


class KeyResultOut(Schema):
    id: int
    objective_id: int
    metric: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    band_min: float | None
    band_max: float | None
    current: float | None
    progress: float = Field(description="Share of the way from baseline to target, from 0 to 1")
    due_date: date | None
    stale: bool = Field(description="No check-in for 14 days")
    last_check_in_at: datetime | None

    @staticmethod
    def resolve_stale(obj: KeyResult) -> bool:
        return obj.is_stale


class KeyResultFilters(Schema):
    objective_id: Id | None = None


class KeyResultIn(InputSchema):
    metric: str = Field(..., min_length=1, max_length=200)
    unit: str = Field("", max_length=30)
    direction: ByValue[Direction] = Direction.INCREASE
    baseline: float
    target: float
    band_min: float | None = Field(None, description="Required when direction is within")
    band_max: float | None = Field(None, description="Required when direction is within")
    due_date: Day | None = None


class KeyResultPatchIn(InputSchema):
    metric: str | None = Field(None, min_length=1, max_length=200)
    unit: str | None = Field(None, max_length=30)
    direction: ByValue[Direction] | None = None
    baseline: float | None = None
    target: float | None = None
    band_min: float | None = None
    band_max: float | None = None
    due_date: Day | None = None


class CheckInOut(Schema):
    id: int
    key_result_id: int
    value: float
    confidence: int
    note: str
    author: AuthorOut | None
    created_at: datetime


class CheckInIn(InputSchema):
    value: float
    confidence: int = Field(..., ge=0, le=10, description="How likely the target is met, from 0 to 10")
    note: str = Field("", max_length=2000)


# --- Initiatives ---------------------------------------------------------------------------------


class BudgetOut(Schema):
    amount: str = Field(description="A decimal number as a string, two decimals")
    currency: str


class BudgetIn(InputSchema):
    amount: Money = Field(..., description="A number, or a decimal number as text (“1250.50”)")
    currency: str = Field("EUR", pattern="^[A-Za-z]{3}$", description="Three-letter code")


class EndUserInputOut(Schema):
    who: str
    when: date | None
    summary: str
    waiver: str


class EndUserInputIn(InputSchema):
    who: str | None = Field(None, max_length=200, description="Who was asked")
    when: Day | None = None
    summary: str | None = Field(None, max_length=5000, description="What they said")
    waiver: str | None = Field(None, max_length=2000, description="Why nobody was asked")


class SignalsOut(Schema):
    outcome: bool
    measurable: bool
    co_led: bool
    shared: bool
    end_users: bool
    it_early: bool


class SuccessMeasureOut(Schema):
    id: int
    name: str
    baseline: float | None
    target: float | None
    unit: str
    by_date: date | None
    key_result_id: int | None


class SuccessMeasureIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    baseline: float | None = None
    target: float | None = Field(None, description="The approval gate needs one measure with a target")
    unit: str = Field("", max_length=30)
    by_date: Day | None = None
    key_result_id: Id | None = None


class KeyResultLinkOut(Schema):
    id: int
    key_result_id: int
    contribution: str


class KeyResultLinkIn(InputSchema):
    key_result_id: Id
    contribution: str = Field("", max_length=300, description="How the initiative moves the key result")


class InitiativeOut(Schema):
    id: int
    title: str
    summary: str
    business_outcome: str
    definition_of_success: str
    business_co_lead: PersonOut | None
    it_co_lead: PersonOut | None
    sponsor: PersonOut | None
    budget: BudgetOut | None
    start_date: date | None
    target_date: date | None
    department_ids: list[int]
    end_user_input: EndUserInputOut
    stage: Stage
    it_involved_stage: Stage | None = Field(description="The stage when an IT co-lead was first named")
    outcome_achieved: Outcome | None
    lessons_learned: str
    signals: SignalsOut
    success_measures: list[SuccessMeasureOut]
    key_result_links: list[KeyResultLinkOut]
    key_result_progress: float | None = Field(
        description="Mean progress (0 to 1) of the key results the initiative serves; null when it "
        "serves none"
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_key_result_progress(obj: Initiative) -> float | None:
        shares = {link.key_result_id: link.key_result.progress for link in obj.key_result_links.all()}
        return round(sum(shares.values()) / len(shares), 4) if shares else None

    @staticmethod
    def resolve_budget(obj: Initiative) -> dict[str, str] | None:
        if obj.budget_amount is None:
            return None
        return {"amount": str(obj.budget_amount), "currency": obj.budget_currency}

    @staticmethod
    def resolve_department_ids(obj: Initiative) -> list[int]:
        return [d.pk for d in obj.departments.all()]

    @staticmethod
    def resolve_end_user_input(obj: Initiative) -> dict[str, Any]:
        return {
            "who": obj.end_user_input_who,
            "when": obj.end_user_input_when,
            "summary": obj.end_user_input_summary,
            "waiver": obj.end_user_input_waiver,
        }

    @staticmethod
    def resolve_it_involved_stage(obj: Initiative) -> str | None:
        return obj.it_involved_stage or None

    @staticmethod
    def resolve_outcome_achieved(obj: Initiative) -> str | None:
        return obj.outcome_achieved or None

    @staticmethod
    def resolve_signals(obj: Initiative) -> dict[str, bool]:
        return signals_of(obj).as_dict()


class InitiativeFilters(Schema):
    stage: Stage | None = None
    department: Id | None = Field(None, description="Department id: initiatives that serve it")
    sponsor_side: Side | None = None
    missing: SignalKey | None = Field(None, description="Only initiatives without this signal")
    q: str = Field("", max_length=200, description="Words in the title")
    sort: Sort = "updated"


class InitiativeIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field("", max_length=5000)
    business_outcome: str = Field("", max_length=5000, description="Why: the change the business needs")
    definition_of_success: str = Field("", max_length=5000)
    business_co_lead_id: Id | None = Field(None, description="Membership id of a business-side member")
    it_co_lead_id: Id | None = Field(None, description="Membership id of an IT-side member")
    sponsor_id: Id | None = Field(None, description="Membership id")
    budget: BudgetIn | None = None
    start_date: Day | None = None
    target_date: Day | None = None
    department_ids: list[Id] = Field(default_factory=list, max_length=100)
    end_user_input: EndUserInputIn | None = None


class InitiativePatchIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, max_length=5000)
    business_outcome: str | None = Field(None, max_length=5000)
    definition_of_success: str | None = Field(None, max_length=5000)
    business_co_lead_id: Id | None = Field(None, description="Membership id; null removes the co-lead")
    it_co_lead_id: Id | None = Field(None, description="Membership id; null removes the co-lead")
    sponsor_id: Id | None = Field(None, description="Membership id; null removes the sponsor")
    budget: BudgetIn | None = Field(None, description="null removes the budget")
    start_date: Day | None = None
    target_date: Day | None = None
    department_ids: list[Id] | None = Field(None, max_length=100, description="Replaces the departments")
    end_user_input: EndUserInputIn | None = Field(None, description="Only the keys sent change")


class TransitionIn(InputSchema):
    to: ByValue[Stage]
    reason: str = Field("", max_length=2000, description="Required to pause or cancel")
    outcome_achieved: ByValue[Outcome] | None = Field(None, description="Required to close")
    lessons_learned: str = Field("", max_length=5000)
