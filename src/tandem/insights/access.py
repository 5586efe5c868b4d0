"""The insights app's access gate: load snapshots, initiatives' breakdowns and board reports only
through it.

Read: every internal member (viewers included) reads the alignment index, its components, its
drill-down, its history and the weights, and downloads board reports. Partners see none of it:
everything is a 404, like another organisation's.
Write:
- owners and admins change the weights and the monthly report's settings;
- leads, admins and owners request a board report.
Refusals are ``NotFound``, audited where they are raised.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.core.access import Need, meets, refuse, require, require_allowed
from tandem.core.models import Membership, Role
from tandem.insights.models import BoardReport, IndexSnapshot
from tandem.strategy.access import initiative_get_for_user
from tandem.strategy.models import Initiative


def is_partner(membership: Membership) -> bool:
    return membership.role == Role.PARTNER


def can_read(membership: Membership) -> bool:
    """Read the index, its history and the board reports: every internal member."""
    return not is_partner(membership) and meets(membership, Need.READER)


def require_reader(membership: Membership) -> None:
    """``NotFound`` (audited) for partners: the alignment index is internal."""
    require_allowed(membership, not is_partner(membership), why="partners do not see the alignment index")
    require(membership, Need.READER)


def can_manage(membership: Membership) -> bool:
    """Change the weights and the monthly report's settings: owners and admins."""
    return can_read(membership) and meets(membership, Need.ADMIN)


def require_manager(membership: Membership) -> None:
    require_reader(membership)
    require_allowed(membership, can_manage(membership), why="may not manage the alignment index")


def can_request_report(membership: Membership) -> bool:
    """Request a board report: leads, admins and owners."""
    return can_read(membership) and meets(membership, Need.LEAD)


def require_report_requester(membership: Membership) -> None:
    require_reader(membership)
    require_allowed(membership, can_request_report(membership), why="may not request board reports")


# --- Snapshots and initiatives -------------------------------------------------------------------------


def snapshot_get_for(membership: Membership, snapshot_id: int) -> IndexSnapshot:
    """One week's snapshot of the member's organisation; ``NotFound`` otherwise."""
    require_reader(membership)
    found = IndexSnapshot.objects.for_org(membership.organization).filter(pk=snapshot_id).first()
    if found is None:
        raise refuse("no such index snapshot", org=membership.organization)
    return found


def initiative_get_for(membership: Membership, initiative_id: int) -> Initiative:
    """An initiative of the member's organisation (through the strategy gate); ``NotFound`` otherwise."""
    require_reader(membership)
    return initiative_get_for_user(membership, initiative_id)


# --- Board reports -------------------------------------------------------------------------------------


def report_list_for(membership: Membership) -> QuerySet[BoardReport]:
    """The organisation's board reports, newest first, without their PDF."""
    require_reader(membership)
    return (
        BoardReport.objects.for_org(membership.organization)
        .select_related("requested_by__user")
        .defer("pdf")
        .order_by("-created_at", "-pk")
    )


def report_get_for(membership: Membership, report_id: int) -> BoardReport:
    """One board report of the member's organisation (its PDF loaded when read); ``NotFound`` otherwise."""
    found = report_list_for(membership).filter(pk=report_id).first()
    if found is None:
        raise refuse("no such board report", org=membership.organization)
    return found
