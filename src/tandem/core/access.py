"""The access vocabulary every app uses, and the core app's own gate.

A person reaches an organisation only through an active membership, and inside it only as far as
their role allows (``Need``). Anything else (no such organisation, not a member, an inactive
membership, a role that may not do this, another organisation's row) is the same ``NotFound``, so
the answer never confirms that something exists. Refusals are raised with ``refuse`` wherever the
rule lives; ``audit_refusal`` writes every one that reaches a signed-in person to the audit log, in
one place for pages (``RefusalAuditMiddleware``) and the API (its 404 handler).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, cast

from django.http import Http404, HttpRequest

from tandem.core.audit import audit_record
from tandem.core.errors import MfaRequired, NotFound
from tandem.core.models import ApiToken, Invitation, Membership, Organization, Role
from tandem.core.selectors import memberships_for_user


class OrgRequest(HttpRequest):
    """A request that passed the organisation gate: what ``org_view`` guarantees to a view."""

    membership: Membership
    org: Organization
    my_memberships: list[Membership]  # the person's active memberships, for the switcher
    htmx: Any  # django_htmx.middleware.HtmxDetails: truthy on an htmx request


class Need(IntEnum):
    """How far inside an organisation an action reaches, from any member to owners only."""

    MEMBER = 0  # any active membership, partners and viewers included
    READER = 1  # internal people: partners see only what their party is assigned to
    LEAD = 2  # owners, admins and leads: plan, start and steer work
    ADMIN = 3  # owners and admins: people, settings, campaigns
    OWNER = 4


_LEVEL = {
    Role.OWNER: Need.OWNER,
    Role.ADMIN: Need.ADMIN,
    Role.LEAD: Need.LEAD,
    Role.MEMBER: Need.READER,
    Role.VIEWER: Need.READER,
    Role.PARTNER: Need.MEMBER,
}


def meets(membership: Membership, need: Need) -> bool:
    """Whether the member's role reaches ``need``."""
    return _LEVEL.get(Role(membership.role), Need.MEMBER) >= need


def refuse(why: str, *, org: Organization | None = None) -> NotFound:
    """The refusal to raise: a plain 404 to the person, with ``why`` kept for the audit log."""
    return NotFound(why=why, org=org)


def require(membership: Membership, need: Need) -> None:
    """``NotFound`` (audited) unless the member's role reaches ``need``."""
    if not meets(membership, need):
        raise refuse(f"role {membership.role} below {need.name.lower()}", org=membership.organization)


def require_allowed(membership: Membership, allowed: bool, *, why: str = "not allowed") -> None:
    """``NotFound`` (audited) unless an app's own rule (``allowed``) lets the member act."""
    if not allowed:
        raise refuse(why, org=membership.organization)


def audit_refusal(request: HttpRequest, error: Http404) -> None:
    """Record a 404 answered to a signed-in person: every refusal, wherever it was raised."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return
    org = getattr(error, "org", None) or getattr(request, "org", None)
    audit_record(
        action="access.denied",
        actor=user,
        organization=org,
        summary=getattr(error, "why", "") or "not found",
        data={"path": request.path[:500], "method": request.method or ""},
        request=request,
        changes=False,
    )


def user_has_mfa(user: Any) -> bool:
    """Whether the person has an authenticator app set up."""
    from allauth.mfa.models import Authenticator  # app registry

    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def membership_get_for_user(
    *, user: Any, org_slug: str, need: Need = Need.MEMBER, check_mfa: bool = True
) -> Membership:
    """The active membership of ``user`` in the organisation ``org_slug`` that reaches ``need``.

    Raises ``NotFound`` when there is none or its role is below ``need``, and ``MfaRequired`` when
    the organisation requires MFA and the person has not enrolled.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    mine = list(memberships_for_user(user))
    for m in mine:
        m.user = user
    return _membership_among(mine, user=user, org_slug=org_slug, need=need, check_mfa=check_mfa)


def _membership_among(
    memberships: list[Membership], *, user: Any, org_slug: str, need: Need, check_mfa: bool
) -> Membership:
    """The one of the person's active ``memberships`` in ``org_slug``: see ``membership_get_for_user``."""
    membership = next((m for m in memberships if m.organization.slug == org_slug), None)
    if membership is None:
        raise refuse("not a member", org=Organization.objects.filter(slug=org_slug).first())
    require(membership, need)
    if check_mfa and membership.organization.require_mfa and not user_has_mfa(user):
        raise MfaRequired(
            "This organisation requires multi-factor authentication. Set up an authenticator app to continue."
        )
    return membership


def org_member(request: HttpRequest, slug: str, *, need: Need = Need.MEMBER) -> Membership:
    """The caller's membership in ``slug`` reaching ``need``, for pages and API alike: an API token
    opens its own organisation only. ``NotFound`` (audited) otherwise. The request then carries
    ``membership`` and ``org`` (an ``OrgRequest``), and ``my_memberships``: all the person's active
    memberships, read in the same query, for the organisation switcher."""
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is not None and token.organization.slug != slug:
        raise refuse("token of another organisation")
    if not request.user.is_authenticated:
        raise NotFound()
    known: Membership | None = getattr(request, "membership", None)
    if known is not None and known.organization.slug == slug:  # the gate ran already
        require(known, need)
        return known
    mine = list(memberships_for_user(request.user))
    for m in mine:
        m.user = request.user  # the person in hand, not loaded again
    membership = _membership_among(mine, user=request.user, org_slug=slug, need=need, check_mfa=True)
    org_request = cast(OrgRequest, request)  # what the audit of a later refusal reads
    org_request.membership, org_request.org = membership, membership.organization
    org_request.my_memberships = mine
    return membership


def reader(request: HttpRequest, slug: str) -> Membership:
    """An internal member of ``slug`` (partners: ``NotFound``)."""
    return org_member(request, slug, need=Need.READER)


def lead(request: HttpRequest, slug: str) -> Membership:
    """An owner, admin or lead of ``slug``."""
    return org_member(request, slug, need=Need.LEAD)


def admin(request: HttpRequest, slug: str) -> Membership:
    """An owner or admin of ``slug``."""
    return org_member(request, slug, need=Need.ADMIN)


def member_get_for_admin(*, admin: Membership, member_id: int) -> Membership:
    """A membership of the admin's organisation (active or not); ``NotFound`` otherwise."""
    member = (
        Membership.objects.for_org(admin.organization)
        .select_related("user", "department")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise refuse("no such member", org=admin.organization)
    return member


def invitation_get_for_admin(*, admin: Membership, invitation_id: int) -> Invitation:
    """An invitation of the admin's organisation; ``NotFound`` otherwise."""
    invitation = Invitation.objects.for_org(admin.organization).filter(pk=invitation_id).first()
    if invitation is None:
        raise refuse("no such invitation", org=admin.organization)
    return invitation


def api_token_get_for_user(*, user: Any, token_id: int) -> ApiToken:
    """One of the person's own API tokens; ``NotFound`` otherwise."""
    token = ApiToken.objects.unscoped().filter(user=user, pk=token_id).first()
    if token is None:
        raise refuse("no such token")
    return token
