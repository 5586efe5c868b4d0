"""The strategy app's access gate: load objectives, key results and initiatives only through it.

Read: every internal member (partners see only what their party is assigned to, which is
nothing here yet). Write: owners, admins and leads everywhere; members create initiatives and
edit the ones they lead, sponsor or created; viewers read only. Refusals are ``NotFound``,
audited wherever they are raised.
"""

from __future__ import annotations

from tandem.core.access import Need, refuse, require, require_allowed
from tandem.core.models import Membership, Role
from tandem.strategy import selectors
from tandem.strategy.models import CheckIn, Initiative, KeyResult, KeyResultLink, Objective, SuccessMeasure

EDITORS = (Role.OWNER, Role.ADMIN, Role.LEAD)
CONTRIBUTORS = (Role.OWNER, Role.ADMIN, Role.LEAD, Role.MEMBER)


def can_read(membership: Membership) -> bool:
    """Read objectives, key results and initiatives: every internal member."""
    return membership.role != Role.PARTNER


def can_plan(membership: Membership) -> bool:
    """Create and change objectives and key results."""
    return membership.role in EDITORS


def can_contribute(membership: Membership) -> bool:
    """Create initiatives and record check-ins."""
    return membership.role in CONTRIBUTORS


def can_edit_initiative(membership: Membership, initiative: Initiative) -> bool:
    """Change an initiative: editors, and members who lead, sponsor or created it."""
    if membership.role in EDITORS:
        return True
    involved = {
        initiative.business_co_lead_id,
        initiative.it_co_lead_id,
        initiative.sponsor_id,
        initiative.created_by_id,
    }
    return membership.role == Role.MEMBER and membership.pk in involved


def require_contributor(membership: Membership) -> None:
    """``NotFound`` (audited) unless the member may create initiatives and record check-ins."""
    require_allowed(membership, can_contribute(membership), why="may not contribute to strategy")


def objective_get_for_user(membership: Membership, pk: int, *, write: bool = False) -> Objective:
    """An objective of the member's organisation; ``NotFound`` when missing or not allowed."""
    require(membership, Need.READER)
    if write:
        require_allowed(membership, can_plan(membership), why="may not plan objectives")
    objective = selectors.objective_list(membership.organization).filter(pk=pk).first()
    if objective is None:
        raise refuse("no such objective", org=membership.organization)
    return objective


def key_result_get_for_user(membership: Membership, pk: int, *, write: bool = False) -> KeyResult:
    """A key result of the member's organisation; ``NotFound`` when missing or not allowed."""
    require(membership, Need.READER)
    if write:
        require_allowed(membership, can_plan(membership), why="may not plan objectives")
    key_result = selectors.key_result_list(membership.organization).filter(pk=pk).first()
    if key_result is None:
        raise refuse("no such key result", org=membership.organization)
    return key_result


def key_result_get_for_check_in(membership: Membership, pk: int) -> KeyResult:
    """A key result the member may record a check-in on."""
    require(membership, Need.READER)
    require_contributor(membership)
    return key_result_get_for_user(membership, pk)


def check_in_get_for_user(membership: Membership, pk: int) -> CheckIn:
    """A check-in of the member's organisation; ``NotFound`` when missing or not allowed."""
    require(membership, Need.READER)
    check_in = selectors.check_in_list(membership.organization).filter(pk=pk).first()
    if check_in is None:
        raise refuse("no such check-in", org=membership.organization)
    return check_in


def initiative_get_for_user(membership: Membership, pk: int, *, write: bool = False) -> Initiative:
    """An initiative (with signals) of the member's organisation; ``NotFound`` otherwise."""
    require(membership, Need.READER)
    initiative = selectors.initiative_detail(membership.organization, pk)
    if initiative is None:
        raise refuse("no such initiative", org=membership.organization)
    if write:
        require_allowed(
            membership, can_edit_initiative(membership, initiative), why="may not edit initiative"
        )
    return initiative


def success_measure_get_for_user(membership: Membership, initiative_id: int, pk: int) -> SuccessMeasure:
    """A success measure of an initiative the member may edit; ``NotFound`` otherwise."""
    initiative = initiative_get_for_user(membership, initiative_id, write=True)
    measure = next((m for m in initiative.success_measures.all() if m.pk == pk), None)
    if measure is None:
        raise refuse("no such success measure", org=membership.organization)
    return measure


def key_result_link_get_for_user(membership: Membership, initiative_id: int, pk: int) -> KeyResultLink:
    """A key-result link of an initiative the member may edit; ``NotFound`` otherwise."""
    initiative = initiative_get_for_user(membership, initiative_id, write=True)
    link = next((k for k in initiative.key_result_links.all() if k.pk == pk), None)
    if link is None:
        raise refuse("no such key-result link", org=membership.organization)
    return link
