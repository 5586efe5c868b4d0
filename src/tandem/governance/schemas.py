"""JSON shapes of the governance API: parties with their contacts, contracts and contributions,
RACI matrices with the problems their rules find (in the reader's language), services with their
levels, measures and measurements, escalation paths, incidents with each party's clock, the party
scorecard and the business side's ratings."""

from __future__ import annotations

import re
from datetime import date, datetime
from datetime import time as time_type
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from tandem.core.errors import ValidationFailed
from tandem.core.models import Side
from tandem.core.schemas import ByValue, Day, InputSchema, Money
from tandem.governance import scorecard
from tandem.governance.models import (
    Channel,
    Contract,
    EscalationLevel,
    Incident,
    IncidentEvent,
    IncidentReview,
    Measurement,
    Party,
    PartyContact,
    PartyKind,
    Priority,
    Renewal,
    Service,
    ServiceLevel,
    ServiceMetric,
)
from tandem.governance.scorecard import Tally
from tandem.governance.selectors import (
    IncidentPage,
    Matrix,
    PartyClock,
    PartyPage,
    Scorecard,
    ScoreRow,
    ServicePage,
)
from tandem.strategy.models import Initiative

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _clock(value: Any) -> time_type:
    if isinstance(value, str) and _CLOCK.fullmatch(value):
        return time_type.fromisoformat(value)
    raise PydanticCustomError("time_format", "Input should be a local time as HH:MM")


# A local time of day, written as JSON text HH:MM.
Clock = Annotated[
    time_type, BeforeValidator(_clock), WithJsonSchema({"type": "string", "pattern": f"^{_CLOCK.pattern}$"})
]
Letter = Literal["R", "A", "C", "I", ""]


# --- Input ------------------------------------------------------------------------------------


class PartyIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    kind: ByValue[PartyKind]
    side: Literal["business", "it", ""] = Field(
        "", description="Only for an internal team (`kind` internal): business or it"
    )
    description: str = Field("", max_length=2000, description="What the party does for the organisation")
    website: str = Field("", max_length=200, description="https://…")


class PartyPatchIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: ByValue[PartyKind] | None = None
    side: Literal["business", "it", ""] | None = None
    description: str | None = Field(None, max_length=2000)
    website: str | None = Field(None, max_length=200)
    is_active: bool | None = None


class ContactIn(InputSchema):
    membership_id: Id | None = Field(
        None, description="A member of the organisation; a partner-side member then sees this party's work"
    )
    name: str = Field("", max_length=120)
    email: str = Field("", max_length=254, description="For someone without an account")
    role: str = Field("", max_length=120, description="Their role at the party")


class ContractIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    reference: str = Field("", max_length=80)
    starts_on: Day
    ends_on: Day | None = Field(None, description="Empty: no end date")
    value: Money | None = Field(None, description="The contract's value, in `currency`")
    currency: str = Field("", max_length=3, description="ISO 4217, e.g. EUR; required with a value")
    notice_days: int = Field(90, ge=0, le=3650, description="Notice period in days before the end")
    renewal: ByValue[Renewal] = Renewal.EXPLICIT
    alert_days: int = Field(30, ge=0, le=365, description="Warn this many days before the notice date")


class ContractPatchIn(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    reference: str | None = Field(None, max_length=80)
    starts_on: Day | None = None
    ends_on: Day | None = None
    value: Money | None = None
    currency: str | None = Field(None, max_length=3)
    notice_days: int | None = Field(None, ge=0, le=3650)
    renewal: ByValue[Renewal] | None = None
    alert_days: int | None = Field(None, ge=0, le=365)


class ContributionIn(InputSchema):
    contribution: str = Field(
        ..., min_length=1, max_length=300, description="How the party helps, in a sentence"
    )


class CellIn(InputSchema):
    activity_id: Id
    column_id: Id
    letter: Letter = Field(..., description="R, A, C, I, or empty to clear the cell")


class CellsIn(InputSchema):
    cells: list[CellIn] = Field(..., max_length=1200)


class ActivityIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)


class ColumnIn(InputSchema):
    party_id: Id | None = Field(None, description="A party, or …")
    membership_id: Id | None = Field(None, description="… a person of the organisation")


class RaciTemplateIn(InputSchema):
    activities: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(..., max_length=40)


# --- Output -----------------------------------------------------------------------------------


class PartyOut(Schema):
    id: int
    name: str
    kind: str
    side: str
    external: bool
    description: str
    website: str
    is_active: bool


class ContactOut(Schema):
    id: int
    membership_id: int | None
    name: str
    email: str
    role: str


class ContractOut(Schema):
    id: int
    title: str
    reference: str
    starts_on: date
    ends_on: date | None
    value: Decimal | None
    currency: str
    notice_days: int
    notice_date: date | None
    renewal: str
    alert_days: int
    in_force: bool
    notice_alert: bool


class ContributionOut(Schema):
    id: int
    objective_id: int
    objective: str
    contribution: str


class RaciRowOut(Schema):
    initiative_id: int
    initiative: str
    roles: list[tuple[str, str]] = Field(description="(activity, letter) pairs of this party's column")


class PartyDetailOut(PartyOut):
    contacts: list[ContactOut]
    contracts: list[ContractOut]
    contributions: list[ContributionOut]
    raci: list[RaciRowOut]
    contract_in_force: bool


class ActivityOut(Schema):
    id: int
    name: str
    position: int


class ColumnOut(Schema):
    id: int
    key: str
    label: str
    side: str
    external: bool
    party_id: int | None
    membership_id: int | None


class CellOut(Schema):
    activity_id: int
    column_id: int
    letter: str


class ProblemOut(Schema):
    code: str
    severity: Literal["error", "warning"]
    activity_id: int | None
    column: str | None = Field(description="The column's key (`party:3`, `member:7`)")
    message: str


class MatrixOut(Schema):
    initiative_id: int
    valid: bool
    activities: list[ActivityOut]
    columns: list[ColumnOut]
    cells: list[CellOut]
    problems: list[ProblemOut]


class RaciTemplateOut(Schema):
    activities: list[str]


def party_out(party: Party) -> PartyOut:
    return PartyOut(
        id=party.pk,
        name=party.name,
        kind=party.kind,
        side=party.side,
        external=party.external,
        description=party.description,
        website=party.website,
        is_active=party.is_active,
    )


def contract_out(c: Contract) -> ContractOut:
    return ContractOut(
        id=c.pk,
        title=c.title,
        reference=c.reference,
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        value=c.value,
        currency=c.currency,
        notice_days=c.notice_days,
        notice_date=c.notice_date,
        renewal=c.renewal,
        alert_days=c.alert_days,
        in_force=c.in_force(),
        notice_alert=c.notice_alert(),
    )


def contact_out(c: PartyContact) -> ContactOut:
    return ContactOut(id=c.pk, membership_id=c.membership_id, name=c.name, email=c.email, role=c.role)


def party_detail_out(page: PartyPage) -> PartyDetailOut:
    return PartyDetailOut(
        **party_out(page.party).model_dump(),
        contacts=[contact_out(c) for c in page.contacts],
        contracts=[contract_out(c) for c in page.contracts],
        contributions=[
            ContributionOut(
                id=c.pk, objective_id=c.objective_id, objective=c.objective.title, contribution=c.contribution
            )
            for c in page.contributions
        ],
        raci=[RaciRowOut(initiative_id=i.pk, initiative=i.title, roles=rows) for i, rows in page.initiatives],
        contract_in_force=page.in_force,
    )


def matrix_out(m: Matrix) -> MatrixOut:
    return MatrixOut(
        initiative_id=m.initiative.pk,
        valid=m.valid,
        activities=[ActivityOut(id=a.pk, name=a.name, position=a.position) for a in m.activities],
        columns=[
            ColumnOut(
                id=c.column.pk,
                key=c.column.key,
                label=c.label,
                side=c.side if c.side in Side.values else "",
                external=c.external,
                party_id=c.column.party_id,
                membership_id=c.column.membership_id,
            )
            for c in m.columns
        ],
        cells=[
            CellOut(activity_id=a, column_id=c, letter=letter) for (a, c), letter in sorted(m.cells.items())
        ],
        problems=[
            ProblemOut(
                code=p.code,
                severity="error" if p.severity == "error" else "warning",
                activity_id=int(p.activity) if p.activity is not None else None,
                column=p.column,
                message=message,
            )
            for p, (_severity, message) in zip(m.problems, m.messages, strict=False)
        ],
    )


class ClosingDayOut(Schema):
    id: int
    day: date
    name: str


class WorkCalendarIn(InputSchema):
    time_zone: str = Field(..., max_length=64, description="IANA name, e.g. Europe/Amsterdam")
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        ..., min_length=1, max_length=7, description="Working days, Monday 0 to Sunday 6"
    )
    day_start: Clock = Field(..., description="Local time the working day starts, e.g. 09:00")
    day_end: Clock = Field(..., description="Local time it ends, after the start")
    country: str = Field(
        "", max_length=2, description="ISO 3166 code whose public holidays count; empty for none"
    )
    subdivision: str = Field(
        "", max_length=40, description="A region with its own holidays, as the holidays package names it"
    )


class DayOffOut(Schema):
    day: date
    name: str = Field(description="The public holiday (in the caller's language where known) or closing day")


class WorkCalendarOut(Schema):
    time_zone: str
    weekdays: list[int]
    day_start: str = Field(description="HH:MM, local time")
    day_end: str = Field(description="HH:MM, local time")
    country: str
    subdivision: str
    closing_days: list[ClosingDayOut]
    days_off: list[DayOffOut] = Field(
        description="Holidays and closing days on working weekdays in the next 92 days"
    )


# --- Services, escalation paths, incidents, the scorecard and ratings -------------------------

_MONTH = re.compile(r"([1-9][0-9]{3})-(0[1-9]|1[0-2])")
MONTH_PATTERN = f"^{_MONTH.pattern}$"
QUARTER_PATTERN = r"^[0-9]{4}-Q[1-4]$"
# Working hours an agreement may name.
Hours = Annotated[float, Field(ge=0.25, le=2000)]
BIG = 1e10  # the largest value a measure may take, either way


def _month(value: Any) -> date:
    if isinstance(value, str) and (found := _MONTH.fullmatch(value)):
        return date(int(found[1]), int(found[2]), 1)
    raise PydanticCustomError("month_format", _("Enter a month such as 2026-09."))


# A calendar month, written as JSON text YYYY-MM; read as its first day.
Month = Annotated[date, BeforeValidator(_month), WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN})]


def month_text(day: date) -> str:
    return f"{day:%Y-%m}"


# A month in a query, as text YYYY-MM. Read with ``month_start`` once the access gate let the
# caller in, so that a service the caller may not see is a 404 whatever the query says.
MonthQuery = Annotated[str, WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN})]


def month_start(text: str | None, *, field: str) -> date | None:
    """The first day of the month ``text`` names (YYYY-MM); a 422 on ``field`` otherwise."""
    if text is None:
        return None
    found = _MONTH.fullmatch(text)
    if found is None:
        raise ValidationFailed(_("Enter a month such as 2026-09."), field=field)
    return date(int(found[1]), int(found[2]), 1)


class ServiceIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    party_id: Id = Field(..., description="The active party that runs the service")
    description: str = Field("", max_length=2000)
    availability_target: float | None = Field(
        None, ge=0, le=100, description="The share of the agreed service time it must be up, e.g. 99.9"
    )
    initiative_ids: list[Id] = Field(
        default_factory=list, max_length=100, description="Initiatives that depend on the service"
    )
    key_result_ids: list[Id] = Field(
        default_factory=list, max_length=100, description="Key results that depend on the service"
    )


class ServicePatchIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    party_id: Id | None = None
    description: str | None = Field(None, max_length=2000)
    availability_target: float | None = Field(None, ge=0, le=100, description="null removes the target")
    is_active: bool | None = None
    initiative_ids: list[Id] | None = Field(None, max_length=100, description="Replaces the links")
    key_result_ids: list[Id] | None = Field(None, max_length=100, description="Replaces the links")


class ServiceLevelIn(InputSchema):
    priority: ByValue[Priority] = Field(..., description="The incident severity it applies to: p1 to p4")
    acknowledge_hours: Hours = Field(..., description="Acknowledge within, in working hours")
    resolve_hours: Hours = Field(
        ..., description="Resolve within, in working hours; not less than `acknowledge_hours`"
    )


class ServiceMetricIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120, description="Unique within the service")
    target: float = Field(..., ge=-BIG, le=BIG)
    unit: str = Field("", max_length=30)
    higher_is_better: bool = Field(True, description="false: the target is a maximum")


class MeasurementIn(InputSchema):
    month: Month = Field(..., description="The month measured, YYYY-MM; not in the future")
    value: float = Field(
        ..., ge=-BIG, le=BIG, description="Availability in percent (0–100), or the measure's value"
    )
    metric_id: Id | None = Field(
        None, description="A measure of this service; null records the availability (needs a target)"
    )
    note: str = Field("", max_length=300)


class MeasurementFilters(Schema):
    start: MonthQuery | None = Field(None, alias="from", description="The first month, YYYY-MM")
    end: MonthQuery | None = Field(None, alias="to", description="The last month, YYYY-MM")


class EscalationLevelIn(InputSchema):
    party_id: Id | None = Field(None, description="A party (its contacts are called), or …")
    membership_id: Id | None = Field(None, description="… a member of the organisation; exactly one")
    channel: ByValue[Channel] = Channel.EMAIL
    respond_hours: Hours = Field(..., description="Working hours to respond before the next level is called")


class EscalationMoveIn(InputSchema):
    offset: Literal[-1, 1] = Field(..., description="-1: one step earlier; 1: one step later")


class IncidentFilters(Schema):
    status: Literal["unresolved", "all", "open", "acknowledged", "paused", "resolved"] = Field(
        "unresolved",
        description="`unresolved` (the default: open, acknowledged or paused), `all`, or one status",
    )
    party_id: Id | None = Field(None, description="Held by this party now")
    service_id: Id | None = None


class IncidentIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    priority: ByValue[Priority] = Field(..., description="Severity: p1 (critical) to p4 (low)")
    service_id: Id | None = Field(None, description="The service it is about, and/or …")
    initiative_id: Id | None = Field(None, description="… the initiative it is about")
    party_id: Id | None = Field(
        None, description="The party to pick it up; the service's party when not given"
    )
    description: str = Field("", max_length=5000)


class HandOverIn(InputSchema):
    party_id: Id = Field(..., description="The active party to pass the incident to")
    note: str = Field(..., min_length=1, max_length=2000, description="Why")


class PauseIn(InputSchema):
    reason: str = Field(
        ..., min_length=1, max_length=300, description="Waiting for the reporter, a change window, …"
    )


class ResolveIn(InputSchema):
    resolution: str = Field(..., min_length=1, max_length=5000, description="How it was solved")


class ReopenIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=300)


class IncidentNoteIn(InputSchema):
    note: str = Field(..., min_length=1, max_length=2000)


class IncidentReviewIn(InputSchema):
    summary: str = Field(..., min_length=1, max_length=5000, description="What happened and why")
    lessons: str = Field(..., min_length=1, max_length=5000)
    actions: str = Field("", max_length=5000, description="Follow-up actions")


class ScorecardFilters(Schema):
    quarter: str | None = Field(
        None,
        pattern=QUARTER_PATTERN,
        description="The quarter, e.g. 2026-Q3 (years 2000–2100); the last one that ended by default",
    )


class RatingIn(InputSchema):
    party_id: Id = Field(..., description="One of the parties `GET /party-ratings` lists")
    score: int = Field(..., ge=1, le=5, description="1 (poor) to 5 (excellent)")


class ServiceLevelOut(Schema):
    id: int
    priority: str
    acknowledge_hours: float = Field(description="Acknowledge within, in working hours")
    resolve_hours: float = Field(description="Resolve within, in working hours")


class ServiceMetricOut(Schema):
    id: int
    name: str
    unit: str
    target: float
    higher_is_better: bool


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    party_id: int
    party: str = Field(description="The party's name")
    availability_target: float | None
    is_active: bool


class ServiceRowOut(ServiceOut):
    open_incidents: int
    level_count: int = Field(description="How many priorities have an agreed service level")


class EscalationLevelOut(Schema):
    id: int
    position: int = Field(description="0 is called first")
    party_id: int | None
    membership_id: int | None
    name: str = Field(description="The party's or the person's name")
    channel: str
    respond_hours: float


class EscalationPathOut(Schema):
    service_id: int | None
    initiative_id: int | None
    levels: list[EscalationLevelOut]


class IncidentOut(Schema):
    id: int
    title: str
    priority: str
    status: str = Field(description="open (waiting for acknowledgement), acknowledged, paused or resolved")
    party_id: int = Field(description="The party holding it")
    party: str
    service_id: int | None
    initiative_id: int | None
    raised_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    escalation_level: int = Field(description="The step of the escalation path reached; 0 is the first")
    escalation_due_at: datetime | None = Field(
        description="When that level must respond; null while nobody is waited for"
    )
    escalations: int


class ServiceDetailOut(ServiceOut):
    created_at: datetime
    levels: list[ServiceLevelOut]
    metrics: list[ServiceMetricOut]
    initiative_ids: list[int]
    key_result_ids: list[int]
    escalation_path: list[EscalationLevelOut]
    incidents: list[IncidentOut] = Field(description="The latest ten incidents")


class MeasurementOut(Schema):
    id: int
    metric_id: int | None = Field(description="null: the availability")
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")
    value: float
    note: str
    met: bool | None = Field(description="Whether the target was met; null without a target")


class TallyOut(Schema):
    met: int
    total: int
    percent: float | None = Field(description="met / total × 100; null when nothing was checked")


class ComplianceMonthOut(TallyOut):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")


class ComplianceOut(Schema):
    service_id: int
    months: list[ComplianceMonthOut] = Field(description="The last twelve months, oldest first")


class IncidentEventOut(Schema):
    id: int
    kind: str
    at: datetime
    actor_id: int | None = Field(description="The member who acted; null for the escalation worker")
    actor: str | None
    party_id: int | None
    party: str | None
    level: int | None = Field(description="The escalation level reached (raised and escalated)")
    note: str


class PauseOut(Schema):
    started_at: datetime
    ended_at: datetime | None
    reason: str


class PartyClockOut(Schema):
    party_id: int
    party: str
    seconds: int = Field(description="Working seconds the party held the incident, pauses left out")
    acknowledged_at: datetime | None
    acknowledge_seconds: int | None = Field(description="Working seconds it took the party to acknowledge")
    pauses: list[PauseOut]


class IncidentTimesOut(Schema):
    acknowledge_seconds: int | None = Field(
        description="Working seconds to acknowledge, all parties together"
    )
    resolve_seconds: int | None
    acknowledge_within_hours: float | None = Field(description="The service level's; null without one")
    resolve_within_hours: float | None
    acknowledged_in_time: bool | None
    resolved_in_time: bool | None


class IncidentEscalationOut(Schema):
    level: int = Field(description="The step reached; 0 is the first")
    due_at: datetime | None
    escalations: int
    current: EscalationLevelOut | None = Field(description="Whom the incident waits for")
    path: list[EscalationLevelOut] = Field(description="The service's path, else the initiative's")


class IncidentReviewOut(Schema):
    incident_id: int
    summary: str
    lessons: str
    actions: str
    written_by_id: int | None
    written_by: str | None
    written_at: datetime


class IncidentDetailOut(IncidentOut):
    description: str
    resolution: str
    raised_by_id: int | None
    raised_by: str | None
    service_level: ServiceLevelOut | None
    times: IncidentTimesOut
    clocks: list[PartyClockOut] = Field(description="Each party's own clock, in the order they held it")
    escalation: IncidentEscalationOut
    events: list[IncidentEventOut] = Field(description="The timeline, oldest first")
    review: IncidentReviewOut | None


class SeverityCountOut(Schema):
    p1: int
    p2: int
    p3: int
    p4: int


class RaciLoadOut(Schema):
    R: int
    A: int
    C: int
    I: int  # noqa: E741


class ScoreRowOut(Schema):
    party_id: int
    party: str
    external: bool
    score: float | None = Field(description="0–100, the weighted components that have facts; null for none")
    service_levels: TallyOut
    incidents: SeverityCountOut = Field(description="Incidents raised in the quarter the party held")
    mtta_hours: float | None = Field(description="Mean working hours to acknowledge, on its own clock")
    mttr_hours: float | None = Field(description="Mean working hours it held incidents it resolved")
    escalations: int
    responsiveness: TallyOut = Field(description="Acknowledged within the agreed time")
    escalation_free: TallyOut = Field(description="Held without an escalation")
    raci: RaciLoadOut
    contributions: int = Field(description="Contributions to shared objectives")
    rating: float | None = Field(description="The business side's mean rating (1–5), when it may be shown")
    rating_note: str = Field(description="Why no rating is shown; empty when it is")


class ScoreWeightsOut(Schema):
    service_levels: int
    rating: int
    responsiveness: int
    escalation_free: int


class ScorecardOut(Schema):
    quarter: str = Field(pattern=QUARTER_PATTERN)
    starts_on: date
    ends_on: date
    ratings_open: bool = Field(description="Ratings still come in, so none is shown yet")
    rating_threshold: int = Field(description="The fewest ratings a party needs for its rating to show")
    weights: ScoreWeightsOut
    rows: list[ScoreRowOut] = Field(description="Best score first")


class RatablePartyOut(Schema):
    party_id: int
    party: str
    rated: bool = Field(description="You rated it this quarter (never what you gave)")


class RatingsOut(Schema):
    quarter: str = Field(pattern=QUARTER_PATTERN)
    starts_on: date
    ends_on: date
    closes_on: date = Field(description="The last day this quarter can be rated")
    parties: list[RatablePartyOut]


def service_level_out(level: ServiceLevel) -> ServiceLevelOut:
    return ServiceLevelOut(
        id=level.pk,
        priority=level.priority,
        acknowledge_hours=float(level.acknowledge_hours),
        resolve_hours=float(level.resolve_hours),
    )


def metric_out(metric: ServiceMetric) -> ServiceMetricOut:
    return ServiceMetricOut(
        id=metric.pk,
        name=metric.name,
        unit=metric.unit,
        target=float(metric.target),
        higher_is_better=metric.higher_is_better,
    )


def _service_fields(service: Service) -> dict[str, Any]:
    target = service.availability_target
    return {
        "id": service.pk,
        "name": service.name,
        "description": service.description,
        "party_id": service.party_id,
        "party": service.party.name,
        "availability_target": None if target is None else float(target),
        "is_active": service.is_active,
    }


def service_row_out(service: Service) -> ServiceRowOut:
    """A service of ``selectors.service_list`` (with its counts)."""
    counts = cast(Any, service)
    return ServiceRowOut(
        **_service_fields(service), open_incidents=counts.open_incidents, level_count=counts.level_count
    )


def escalation_level_out(level: EscalationLevel) -> EscalationLevelOut:
    if level.party is not None:
        name = level.party.name
    else:
        name = level.membership.user.display_name if level.membership is not None else ""
    return EscalationLevelOut(
        id=level.pk,
        position=level.position,
        party_id=level.party_id,
        membership_id=level.membership_id,
        name=name,
        channel=level.channel,
        respond_hours=float(level.respond_hours),
    )


def path_out(
    levels: list[EscalationLevel], *, service: Service | None = None, initiative: Initiative | None = None
) -> EscalationPathOut:
    return EscalationPathOut(
        service_id=service.pk if service is not None else None,
        initiative_id=initiative.pk if initiative is not None else None,
        levels=[escalation_level_out(level) for level in levels],
    )


def incident_out(incident: Incident) -> IncidentOut:
    return IncidentOut(**_incident_fields(incident))


def _incident_fields(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "title": incident.title,
        "priority": incident.priority,
        "status": incident.status,
        "party_id": incident.party_id,
        "party": incident.party.name,
        "service_id": incident.service_id,
        "initiative_id": incident.initiative_id,
        "raised_at": incident.raised_at,
        "acknowledged_at": incident.acknowledged_at,
        "resolved_at": incident.resolved_at,
        "escalation_level": incident.escalation_level,
        "escalation_due_at": incident.escalation_due_at,
        "escalations": incident.escalations,
    }


def service_detail_out(page: ServicePage) -> ServiceDetailOut:
    return ServiceDetailOut(
        **_service_fields(page.service),
        created_at=page.service.created_at,
        levels=[service_level_out(level) for level in page.levels],
        metrics=[metric_out(m) for m in page.metrics],
        initiative_ids=[i.pk for i in page.initiatives],
        key_result_ids=[k.pk for k in page.key_results],
        escalation_path=[escalation_level_out(level) for level in page.path],
        incidents=[incident_out(i) for i in page.incidents],
    )


def measurement_out(row: Measurement) -> MeasurementOut:
    """A measurement with whether it met its target (its metric and service already loaded)."""
    if row.metric is not None:
        met: bool | None = row.metric.met(row.value)
    else:
        target = row.service.availability_target
        met = None if target is None else row.value >= target
    return MeasurementOut(
        id=row.pk,
        metric_id=row.metric_id,
        month=month_text(row.period),
        value=float(row.value),
        note=row.note,
        met=met,
    )


def tally_out(tally: Tally) -> TallyOut:
    return TallyOut(met=tally.met, total=tally.total, percent=tally.percent)


def compliance_out(page: ServicePage) -> ComplianceOut:
    tallies = {month: tally for month, _availability, _measures, tally in page.table}
    return ComplianceOut(
        service_id=page.service.pk,
        months=[
            ComplianceMonthOut(month=month_text(month), **tally_out(tallies.get(month, Tally())).model_dump())
            for month in page.months
        ],
    )


def review_out(review: IncidentReview) -> IncidentReviewOut:
    writer = review.written_by
    return IncidentReviewOut(
        incident_id=review.incident_id,
        summary=review.summary,
        lessons=review.lessons,
        actions=review.actions,
        written_by_id=review.written_by_id,
        written_by=writer.user.display_name if writer is not None else None,
        written_at=review.written_at,
    )


def _times_out(page: IncidentPage) -> IncidentTimesOut:
    times, level = page.times, page.level

    def in_time(seconds: int | None, hours: Decimal | None) -> bool | None:
        return None if seconds is None or hours is None else seconds <= hours * 3600

    return IncidentTimesOut(
        acknowledge_seconds=times.acknowledge,
        resolve_seconds=times.resolve,
        acknowledge_within_hours=float(level.acknowledge_hours) if level else None,
        resolve_within_hours=float(level.resolve_hours) if level else None,
        acknowledged_in_time=in_time(times.acknowledge, level.acknowledge_hours if level else None),
        resolved_in_time=in_time(times.resolve, level.resolve_hours if level else None),
    )


def _clock_out(clock: PartyClock) -> PartyClockOut:
    return PartyClockOut(
        party_id=clock.party.pk,
        party=clock.party.name,
        seconds=clock.seconds,
        acknowledged_at=clock.acknowledged_at,
        acknowledge_seconds=clock.acknowledge_seconds,
        pauses=[
            PauseOut(started_at=p.started_at, ended_at=p.ended_at, reason=p.reason) for p in clock.pauses
        ],
    )


def event_out(event: IncidentEvent) -> IncidentEventOut:
    return IncidentEventOut(
        id=event.pk,
        kind=event.kind,
        at=event.at,
        actor_id=event.actor_id,
        actor=event.actor.user.display_name if event.actor is not None else None,
        party_id=event.party_id,
        party=event.party.name if event.party is not None else None,
        level=event.level,
        note=event.note,
    )


def incident_detail_out(page: IncidentPage) -> IncidentDetailOut:
    incident = page.incident
    raiser = incident.raised_by
    step = incident.escalation_level
    return IncidentDetailOut(
        **_incident_fields(incident),
        description=incident.description,
        resolution=incident.resolution,
        raised_by_id=incident.raised_by_id,
        raised_by=raiser.user.display_name if raiser is not None else None,
        service_level=service_level_out(page.level) if page.level is not None else None,
        times=_times_out(page),
        clocks=[_clock_out(c) for c in page.clocks],
        escalation=IncidentEscalationOut(
            level=step,
            due_at=incident.escalation_due_at,
            escalations=incident.escalations,
            current=escalation_level_out(page.path[step]) if step < len(page.path) else None,
            path=[escalation_level_out(level) for level in page.path],
        ),
        events=[event_out(e) for e in page.events],
        review=review_out(page.review) if page.review is not None else None,
    )


def scorecard_out(card: Scorecard) -> ScorecardOut:
    return ScorecardOut(
        quarter=scorecard.quarter_label(card.quarter),
        starts_on=card.quarter,
        ends_on=scorecard.quarter_end(card.quarter),
        ratings_open=card.ratings_open,
        rating_threshold=card.threshold,
        weights=ScoreWeightsOut(**scorecard.WEIGHTS),
        rows=[_score_row_out(row) for row in card.rows],
    )


def _score_row_out(row: ScoreRow) -> ScoreRowOut:
    return ScoreRowOut(
        party_id=row.party.pk,
        party=row.party.name,
        external=row.party.external,
        score=row.score,
        service_levels=tally_out(row.service_levels),
        incidents=SeverityCountOut(**{p: row.incidents.get(p, 0) for p in Priority.values}),
        mtta_hours=row.mtta_hours,
        mttr_hours=row.mttr_hours,
        escalations=row.escalations,
        responsiveness=tally_out(row.responsiveness),
        escalation_free=tally_out(row.escalation_free),
        raci=RaciLoadOut(**{letter: row.raci.get(letter, 0) for letter in "RACI"}),
        contributions=row.contributions,
        rating=row.rating,
        rating_note=row.rating_note,
    )
