"""The core JSON API: who am I, my organisations, and (for admins) members."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import Any, cast, overload

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.core import access, selectors, services
from tandem.core.access import Need, OrgRequest, org_member
from tandem.core.cache import kept_answer
from tandem.core.errors import TandemError, ValidationFailed
from tandem.core.models import Membership, Role, Side
from tandem.core.schemas import (
    ErrorOut,
    InvitationOut,
    InviteIn,
    MemberOut,
    MemberPatchIn,
    MeOut,
    OrganizationOut,
    ValidationErrorOut,
)

router = Router(tags=["core"])
# The refusals every endpoint documents; those with a body add a body that is not JSON (400) and
# one past the size limit (413).
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 400: ErrorOut, 413: ErrorOut}


class Serialised[Out](Sequence[Out]):
    """A page of rows turned into their JSON shape: the paginator slices the query, and only the
    rows of the page are loaded and serialised."""

    def __init__(self, rows: QuerySet[Any], out: Callable[[Any], Out]) -> None:
        self.rows, self.out = rows, out

    def __len__(self) -> int:
        return self.rows.count()

    @overload
    def __getitem__(self, index: int) -> Out: ...
    @overload
    def __getitem__(self, index: slice) -> list[Out]: ...
    def __getitem__(self, index: int | slice) -> Out | list[Out]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return [self.out(row) for row in self.rows[index]]


class Pages(LimitOffsetPagination):
    """Limit and offset, with the offset bounded so that no number overflows the database."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=10**9)


def kept_read(need: Need) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A GET operation whose JSON answer is kept under the organisation's data version, per member
    and address (``core.cache``): the gate (``need``) runs on every request, the rest only when the
    organisation's data changed. Goes between ``@router.get`` and ``@paginate``; the operation's
    own gate call then costs nothing."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> Any:
            org_member(request, kwargs["slug"], need=need)
            if (kept := kept_answer(cast(OrgRequest, request))) is not None:
                return kept
            request.keep_answer = True  # type: ignore[attr-defined]  # read by the API's renderer
            return view(request, **kwargs)

        return wrapper

    return decorate


@contextmanager
def api_fields(names: Mapping[str, str], *, default: str = "") -> Iterator[None]:
    """Re-label a domain error's field (a service's name for it) with the request field that
    carries it in the API (``names``: service field → request field); a refusal that names no
    field is put on ``default`` when given."""
    try:
        yield
    except TandemError as exc:
        exc.field = names.get(exc.field, exc.field) if exc.field else (default or None)
        raise


def member_named(membership: Membership, pk: int | None, field: str) -> Membership | None:
    """The member of ``membership``'s organisation a request body names by id (``None`` for none);
    a 422 on ``field`` when there is no such member there."""
    if pk is None:
        return None
    found = selectors.membership_list_for_org(membership.organization).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(_("Choose a member of this organisation."), field=field)
    return found


def _memberships(request: HttpRequest) -> list[Membership]:
    memberships = list(selectors.memberships_for_user(request.user))
    token = getattr(request, "api_token", None)
    if token is not None:
        memberships = [m for m in memberships if m.organization_id == token.organization_id]
    return memberships


def _org_out(m: Membership) -> OrganizationOut:
    org = m.organization
    return OrganizationOut(
        slug=org.slug, name=org.name, role=Role(m.role), side=Side(m.side), require_mfa=org.require_mfa
    )


def member_out(m: Membership) -> MemberOut:
    return MemberOut(
        id=m.pk,
        email=m.user.email,
        name=m.user.name,
        role=Role(m.role),
        side=Side(m.side),
        department=m.department.name if m.department else None,
        title=m.title,
        is_active=m.is_active,
    )


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in person")
def me(request: HttpRequest) -> MeOut:
    user: Any = request.user
    orgs = [_org_out(m) for m in _memberships(request)]
    return MeOut(id=user.pk, email=user.email, name=user.name, organizations=orgs)


@router.get("/orgs", response={200: list[OrganizationOut], **ERRORS}, summary="My organisations")
def orgs(request: HttpRequest) -> list[OrganizationOut]:
    return [_org_out(m) for m in _memberships(request)]


@router.get("/orgs/{slug}/members", response={200: list[MemberOut], **ERRORS}, summary="Members (admins)")
@paginate(Pages)
def member_list(request: HttpRequest, slug: str) -> Any:
    admin = access.admin(request, slug)
    return [member_out(m) for m in selectors.membership_list_for_org(admin.organization)]


@router.post(
    "/orgs/{slug}/members",
    response={201: InvitationOut, **WRITE_ERRORS},
    summary="Invite a person by e-mail (admins)",
    description="Creates an invitation and e-mails its link; the person becomes a member on accepting.",
)
def member_invite(request: HttpRequest, slug: str, payload: InviteIn) -> Status[InvitationOut]:
    admin = access.admin(request, slug)
    department = services.department_resolve(org=admin.organization, name=payload.department)
    invitation = services.invitation_create(
        actor=admin,
        email=payload.email,
        role=payload.role,
        side=payload.side,
        department=department,
        title=payload.title,
        request=request,
    )
    return Status(
        201,
        InvitationOut(
            id=invitation.pk,
            email=invitation.email,
            role=Role(invitation.role),
            side=Side(invitation.side),
            department=department.name if department else None,
            expires_at=invitation.expires_at,
        ),
    )


@router.patch(
    "/orgs/{slug}/members/{member_id}",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Change a member's role, side, department, title or active state (admins)",
)
def member_update(request: HttpRequest, slug: str, member_id: int, payload: MemberPatchIn) -> MemberOut:
    admin = access.admin(request, slug)
    member = access.member_get_for_admin(admin=admin, member_id=member_id)
    fields = payload.model_dump(exclude_unset=True)
    if "department" in fields:
        fields["department"] = services.department_resolve(org=admin.organization, name=fields["department"])
    for key in ("role", "side", "title", "is_active"):
        if fields.get(key, ...) is None:
            fields.pop(key)
    services.membership_update(actor=admin, member=member, request=request, **fields)
    return member_out(member)
