"""JSON shapes of the core API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from tandem.core.models import Role, Side


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
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


class InviteIn(Schema):
    email: str = Field(..., max_length=254, description="E-mail address of the person to invite")
    role: Role = Role.MEMBER
    side: Side
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


class MemberPatchIn(Schema):
    role: Role | None = None
    side: Side | None = None
    department: str | None = Field(
        None, max_length=120, description="Department name; an empty string clears it"
    )
    title: str | None = Field(None, max_length=120)
    is_active: bool | None = None
