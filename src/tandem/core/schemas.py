"""JSON shapes of the core API, and the base every app's request bodies build on.

``InputSchema`` is the one base class of every ``*In`` schema: a request body is a JSON object of
the documented fields, each in its JSON type, or a 422 naming the field at fault. ``ByValue``,
``Day`` and ``Money`` are the three values JSON has no type for (an enum member, a date, a decimal).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from tandem.core.models import Role, Side


class InputSchema(BaseModel):
    """The base of every request body. It takes a JSON object and nothing else, refuses a field it
    does not know (a misspelt field is a 422 naming it, never silently dropped), and takes every
    value in its own JSON type only: no ``"5"`` for 5, no ``0`` for false, no number for a date, no
    NaN. The document says the same (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


_E = TypeVar("_E")
# An enum member, given by its value ("business"): the one conversion a strict JSON enum needs.
ByValue = Annotated[_E, Strict(False)]

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: Any) -> date:
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:  # well formed but no such day, e.g. 2027-02-30
            pass
    raise PydanticCustomError("date_format", "Input should be a date as YYYY-MM-DD")


# A calendar date, written as JSON text YYYY-MM-DD (and nothing else: not a number, not a time).
Day = Annotated[date, BeforeValidator(_iso_day)]

# Money: at most twelve digits before the point and two after, never negative.
MONEY_MAX = Decimal("999999999999.99")
_MONEY_TEXT = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"


def _money(value: Any) -> Decimal:
    if isinstance(value, str):
        if re.fullmatch(_MONEY_TEXT, value):
            return Decimal(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        amount = Decimal(str(value))
        if amount.is_finite() and 0 <= amount <= MONEY_MAX:
            return amount
    raise PydanticCustomError(
        "money", "Input should be an amount from 0 to 999999999999.99, as a number or as text"
    )


# A number, or the same as text ("1250.50") so that no binary fraction creeps in.
Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(MONEY_MAX)},
                {"type": "string", "pattern": _MONEY_TEXT},
            ]
        }
    ),
]


class ErrorOut(Schema):
    """Every refusal: ``detail`` says why, for people (scripts read the status and the fields)."""

    detail: str


class FieldError(Schema):
    field: str = Field(
        description="The request field at fault, as a dotted path (`questions.2.choices`); `body` "
        "for the request as a whole"
    )
    message: str


class ValidationErrorOut(Schema):
    """A 422: the request broke a rule; ``errors`` names every field at fault."""

    detail: str
    errors: list[FieldError]


class OrganizationOut(Schema):
    slug: str
    name: str
    role: Role
    side: Side
    require_mfa: bool


class MeOut(Schema):
    id: int
    email: str
    name: str
    organizations: list[OrganizationOut]


class MemberOut(Schema):
    id: int
    email: str
    name: str
    role: Role
    side: Side
    department: str | None
    title: str
    is_active: bool


class InviteIn(InputSchema):
    email: str = Field(
        ...,
        min_length=1,
        max_length=254,
        description="E-mail address of the person to invite",
        json_schema_extra={"format": "email"},
    )
    role: ByValue[Role] = Role.MEMBER
    side: ByValue[Side]
    department: str | None = Field(None, max_length=120, description="Department name, or null")
    title: str = Field("", max_length=120)


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    side: Side
    department: str | None
    expires_at: datetime
    status: str = "invited"


class MemberPatchIn(InputSchema):
    role: ByValue[Role] | None = None
    side: ByValue[Side] | None = None
    department: str | None = Field(
        None, max_length=120, description="Department name; an empty string clears it"
    )
    title: str | None = Field(None, max_length=120)
    is_active: bool | None = None
