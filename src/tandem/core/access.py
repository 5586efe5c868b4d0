"""The access gate of the core app: every organisation-scoped page and endpoint starts here.

A person reaches an organisation only through an active membership. Anything else (no such
organisation, not a member, an inactive membership, a role that may not do this) is the same
``NotFound``, so the answer never confirms that another organisation or object exists. Each
refusal to a signed-in person is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.core.audit import audit_record
from tandem.core.errors import MfaRequired, NotFound
from tandem.core.models import ApiToken, Invitation, Membership, Organization, Role


def user_has_mfa(user: Any) -> bool:
    """Whether the person has an authenticator app set up."""
    from allauth.mfa.models import Authenticator  # noqa: PLC0415 (app registry)

    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def _deny(*, user: Any, request: HttpRequest | None, org: Organization | None, why: str) -> NotFound:
    audit_record(
        action="access.denied",
        actor=user,
        organization=org,
        summary=why,
        data={"path": request.path if request is not None else ""},
        request=request,
    )
    return NotFound()


def membership_get_for_user(
    *,
    user: Any,
    org_slug: str,
    admin: bool = False,
    owner: bool = False,
    request: HttpRequest | None = None,
    check_mfa: bool = True,
) -> Membership:
    """The active membership of ``user`` in the organisation ``org_slug``.

    Raises ``NotFound`` when there is none or its role is below what is asked (``admin``:
    owners and admins; ``owner``: owners only), and ``MfaRequired`` when the organisation
    requires MFA and the person has not enrolled.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    membership = (
        Membership.objects.for_user(user)
        .active()
        .select_related("organization", "department", "user")
        .filter(organization__slug=org_slug)
        .first()
    )
    if membership is None:
        org = Organization.objects.filter(slug=org_slug).first()
        raise _deny(user=user, request=request, org=org, why="not a member")
    if (admin and not membership.is_admin) or (owner and not membership.is_owner):
        raise _deny(user=user, request=request, org=membership.organization, why=f"role {membership.role}")
    if check_mfa and membership.organization.require_mfa and not user_has_mfa(user):
        raise MfaRequired(
            "This organisation requires multi-factor authentication. Set up an authenticator app to continue."
        )
    return membership


def require_admin(*, membership: Membership, request: HttpRequest | None = None) -> None:
    """``NotFound`` (audited) unless the member is an owner or admin, for actions inside a page
    that every member may read."""
    if not membership.is_admin:
        raise _deny(
            user=membership.user, request=request, org=membership.organization, why=f"role {membership.role}"
        )


def require_internal(*, membership: Membership, request: HttpRequest | None = None) -> None:
    """``NotFound`` (audited) for partners: people of an external party see only what their
    party is assigned to, not the organisation's directory."""
    if membership.role == Role.PARTNER:
        raise _deny(user=membership.user, request=request, org=membership.organization, why="partner")


def member_get_for_admin(*, admin: Membership, member_id: int) -> Membership:
    """A membership of the admin's organisation (active or not); ``NotFound`` otherwise."""
    member = (
        Membership.objects.for_org(admin.organization)
        .select_related("user", "department")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise NotFound()
    return member


def invitation_get_for_admin(*, admin: Membership, invitation_id: int) -> Invitation:
    """An invitation of the admin's organisation; ``NotFound`` otherwise."""
    invitation = Invitation.objects.for_org(admin.organization).filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound()
    return invitation


def api_token_get_for_user(*, user: Any, token_id: int) -> ApiToken:
    """One of the person's own API tokens; ``NotFound`` otherwise."""
    token = ApiToken.objects.unscoped().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound()
    return token
