"""Reads of the core app that more than one caller needs, written to avoid N+1 queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tandem.core.models import ApiToken, AuditEvent, Department, Invitation, Membership, Organization


def memberships_for_user(user: Any) -> QuerySet[Membership]:
    """The person's active memberships with their organisations, by name: the switcher, and the
    access gate, which picks the one of the page's organisation from them."""
    return (
        Membership.objects.for_user(user)
        .active()
        .select_related("organization")
        .order_by("organization__name")
    )


def membership_list_for_org(org: Organization, *, include_inactive: bool = True) -> QuerySet[Membership]:
    """Members of ``org`` with their people and departments."""
    qs = Membership.objects.for_org(org).select_related("user", "department")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("-is_active", "user__name", "user__email")


def member_counts_for_org(org: Organization) -> dict[str, int]:
    """Active members per side, in one query."""
    counts = (
        Membership.objects.for_org(org)
        .filter(is_active=True)
        .aggregate(
            total=Count("id"),
            business=Count("id", filter=Q(side="business")),
            it=Count("id", filter=Q(side="it")),
            partner=Count("id", filter=Q(side="partner")),
        )
    )
    return {key: int(value or 0) for key, value in counts.items()}


def invitation_list_pending(org: Organization) -> QuerySet[Invitation]:
    """Invitations that can still be accepted."""
    return (
        Invitation.objects.for_org(org)
        .filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .select_related("department", "invited_by")
    )


def department_list_for_org(org: Organization) -> QuerySet[Department]:
    """Departments with their active member counts."""
    return Department.objects.for_org(org).annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )


def audit_list_for_org(org: Organization, *, action: str = "") -> QuerySet[AuditEvent]:
    """The organisation's audit log, newest first, optionally one kind of action."""
    qs = AuditEvent.objects.for_org(org).select_related("actor")
    if action:
        qs = qs.filter(action__startswith=action)
    return qs


def api_token_list_for_user(user: Any) -> QuerySet[ApiToken]:
    """The person's own tokens across organisations (a token belongs to its creator)."""
    return ApiToken.objects.unscoped().filter(user=user).select_related("organization")


def signin_events_for_user(user: Any) -> QuerySet[AuditEvent]:
    """The person's own recent sign-ins and failed attempts on their address, newest first."""
    return AuditEvent.objects.unscoped().filter(
        Q(actor=user, action="signin.succeeded")
        | Q(action__in=["signin.failed", "signin.throttled"], summary__iexact=user.email)
    )
