"""JSON shapes of the governance API: parties with their contacts, contracts and contributions,
and RACI matrices with the problems their rules find (in the reader's language)."""

from __future__ import annotations

import re
from datetime import date
from datetime import time as time_type
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from tandem.core.models import Side
from tandem.core.schemas import ByValue, Day, InputSchema, Money
from tandem.governance.models import Contract, Party, PartyContact, PartyKind, Renewal
from tandem.governance.selectors import Matrix, PartyPage

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
