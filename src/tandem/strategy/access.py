"""The strategy app's access gate: load objectives, key results and initiatives only through it.

Read: every internal member (partners see only what their party is assigned to, which is
nothing here yet). Write: owners, admins and leads everywhere; members create initiatives and
edit the ones they lead, sponsor or created; viewers read only. Refusals are ``NotFound``.
"""

from __future__ import annotations

from django.http import HttpRequest

from tandem.core.access import Need
from tandem.core.access import require as require_need
from tandem.core.errors import NotFound
from tandem.core.models import Membership, Role
from tandem.strategy import selectors
from tandem.strategy.models import CheckIn, Initiative, KeyResult, Objective

EDITORS = (Role.OWNER, Role.ADMIN, Role.LEAD)
CONTRIBUTORS = (Role.OWNER, Role.ADMIN, Role.LEAD, Role.MEMBER)


def can_read(membership: Membership) -> bool:
    return membership.role != Role.PARTNER


def can_plan(membership: Membership) -> bool:
    """Create and change objectives and key results."""
    return membership.role in EDITORS


def can_contribute(membership: Membership) -> bool:
    """Create initiatives and record check-ins."""
    return membership.role in CONTRIBUTORS


def can_edit_initiative(membership: Membership, initiative: Initiative) -> bool:
    if membership.role in EDITORS:
        return True
    involved = {
        initiative.business_co_lead_id,
        initiative.it_co_lead_id,
        initiative.sponsor_id,
        initiative.created_by_id,
    }
    return membership.role == Role.MEMBER and membership.pk in involved


def require_reader(membership: Membership, request: HttpRequest | None = None) -> None:
    """``NotFound`` (audited) for people who may not read strategy pages."""
    require_need(membership, Need.READER)


def require(allowed: bool) -> None:
    if not allowed:
        raise NotFound()


def objective_get_for_user(membership: Membership, pk: int, *, write: bool = False) -> Objective:
    """An objective of the member's organisation; ``NotFound`` when missing or not allowed."""
    require(can_read(membership) and (not write or can_plan(membership)))
    objective = selectors.objective_list(membership.organization).filter(pk=pk).first()
    if objective is None:
        raise NotFound()
    return objective


def key_result_get_for_user(membership: Membership, pk: int, *, write: bool = False) -> KeyResult:
    require(can_read(membership) and (not write or can_plan(membership)))
    key_result = selectors.key_result_list(membership.organization).filter(pk=pk).first()
    if key_result is None:
        raise NotFound()
    return key_result


def key_result_get_for_check_in(membership: Membership, pk: int) -> KeyResult:
    """A key result the member may record a check-in on."""
    require(can_read(membership) and can_contribute(membership))
    return key_result_get_for_user(membership, pk)


def check_in_get_for_user(membership: Membership, pk: int) -> CheckIn:
    require(can_read(membership))
    check_in = selectors.check_in_list(membership.organization).filter(pk=pk).first()
    if check_in is None:
        raise NotFound()
    return check_in


def initiative_get_for_user(membership: Membership, pk: int, *, write: bool = False) -> Initiative:
    """An initiative (with signals) of the member's organisation; ``NotFound`` otherwise."""
    require(can_read(membership))
    initiative = selectors.initiative_detail(membership.organization, pk)
    if initiative is None or (write and not can_edit_initiative(membership, initiative)):
        raise NotFound()
    return initiative
