"""The delivery app's access gate: load deliverables, change requests, feedback links and the
figures only through it.

Read: every internal member reads every initiative's delivery, change requests and figures. A
member on the partner side sees only the deliverables their parties own (and the change requests
about those), never an initiative's page, another party's deliverable or the organisation's
figures: those are a 404, like another organisation's.
Write:
- whoever may edit the initiative (``strategy.access.can_edit_initiative``) adds, changes,
  re-plans and cancels its deliverables and opens or closes its feedback links;
- a deliverable's owner (the member, or a contact of the owning party) also offers it for
  acceptance and re-plans it;
- **acceptance is the business's**: the initiative's business co-lead decides, or, when it has
  none, an owner or admin on the business side;
- any internal member but a viewer requests a change; the initiative's co-leads and sponsor, and
  owners and admins, decide on it;
- owners and admins set the organisation's thresholds.
Refusals are ``NotFound``, audited where they are raised.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.core.access import Need, meets, refuse, require, require_allowed
from tandem.core.models import Membership, Role, Side
from tandem.delivery import selectors
from tandem.delivery.models import ChangeRequest, ChangeStatus, Deliverable, FeedbackLink
from tandem.governance.access import own_party_ids
from tandem.strategy.access import can_contribute, can_edit_initiative
from tandem.strategy.access import initiative_get_for_user as _initiative
from tandem.strategy.models import Initiative


def is_partner(membership: Membership) -> bool:
    return membership.role == Role.PARTNER


def can_plan_initiative(membership: Membership, initiative: Initiative) -> bool:
    """Add deliverables to an initiative and manage its feedback links."""
    return not is_partner(membership) and can_edit_initiative(membership, initiative)


def can_request_change(membership: Membership) -> bool:
    """Request a change: any internal member but a viewer."""
    return can_contribute(membership)


def initiative_for_read(membership: Membership, initiative_id: int) -> Initiative:
    """An initiative whose delivery the member may read (internal members only)."""
    return _initiative(membership, initiative_id)


def initiative_for_plan(membership: Membership, initiative_id: int) -> Initiative:
    """An initiative whose deliverables and feedback links the member may manage."""
    return _initiative(membership, initiative_id, write=True)


def initiative_for_change_request(membership: Membership, initiative_id: int) -> Initiative:
    """An initiative the member may request a change of: any internal member but a viewer."""
    initiative = _initiative(membership, initiative_id)
    require_allowed(membership, can_request_change(membership), why="may not request changes")
    return initiative


def deliverables_for(membership: Membership) -> QuerySet[Deliverable]:
    """The deliverables the member may see: all inside, their parties' on the partner side."""
    deliverables = selectors.deliverable_list(membership.organization)
    if is_partner(membership):
        return deliverables.filter(owner_party_id__in=own_party_ids(membership))
    require(membership, Need.READER)
    return deliverables


def deliverable_get_for_user(membership: Membership, pk: int) -> Deliverable:
    found = deliverables_for(membership).filter(pk=pk).first()
    if found is None:
        raise refuse("no such deliverable", org=membership.organization)
    return found


def is_owner(membership: Membership, deliverable: Deliverable) -> bool:
    if deliverable.owner_member_id == membership.pk:
        return True
    return deliverable.owner_party_id is not None and deliverable.owner_party_id in own_party_ids(membership)


def can_plan(membership: Membership, deliverable: Deliverable) -> bool:
    return can_plan_initiative(membership, deliverable.initiative)


def deliverable_for_plan(membership: Membership, pk: int) -> Deliverable:
    """A deliverable the member may change or cancel (whoever may edit its initiative)."""
    deliverable = deliverable_get_for_user(membership, pk)
    require_allowed(membership, can_plan(membership, deliverable), why="may not plan this deliverable")
    return deliverable


def can_work(membership: Membership, deliverable: Deliverable) -> bool:
    """Offer and re-plan a deliverable: its planners and its owner (not a viewer)."""
    return can_plan(membership, deliverable) or (
        membership.role != Role.VIEWER and is_owner(membership, deliverable)
    )


def deliverable_for_work(membership: Membership, pk: int) -> Deliverable:
    """A deliverable the member may offer or re-plan: its planners and its owner."""
    deliverable = deliverable_get_for_user(membership, pk)
    require_allowed(membership, can_work(membership, deliverable), why="does not own this deliverable")
    return deliverable


def can_accept(membership: Membership, initiative: Initiative) -> bool:
    """The business decides on acceptance: the business co-lead, or without one an owner or
    admin on the business side."""
    if initiative.business_co_lead_id is not None:
        return initiative.business_co_lead_id == membership.pk
    return membership.side == Side.BUSINESS and meets(membership, Need.ADMIN)


def deliverable_for_acceptance(membership: Membership, pk: int) -> Deliverable:
    deliverable = deliverable_get_for_user(membership, pk)
    require_allowed(
        membership,
        not is_partner(membership) and can_accept(membership, deliverable.initiative),
        why="may not accept deliverables of this initiative",
    )
    return deliverable


def change_requests_for(membership: Membership) -> QuerySet[ChangeRequest]:
    """The change requests the member may see: all inside; on the partner side those about a
    deliverable their parties own."""
    changes = selectors.change_request_list(membership.organization)
    if is_partner(membership):
        return changes.filter(deliverable__owner_party_id__in=own_party_ids(membership))
    require(membership, Need.READER)
    return changes


def approved_changes_for(membership: Membership, initiative: Initiative) -> QuerySet[ChangeRequest]:
    """The approved change requests of an initiative the member may name behind a re-plan:
    those they may see (a partner: those about their parties' deliverables)."""
    return change_requests_for(membership).filter(initiative=initiative, status=ChangeStatus.APPROVED)


def change_request_get_for_user(membership: Membership, pk: int) -> ChangeRequest:
    found = change_requests_for(membership).filter(pk=pk).first()
    if found is None:
        raise refuse("no such change request", org=membership.organization)
    return found


def can_decide_change(membership: Membership, initiative: Initiative) -> bool:
    if is_partner(membership) or membership.role == Role.VIEWER:
        return False
    leads = {initiative.business_co_lead_id, initiative.it_co_lead_id, initiative.sponsor_id}
    return membership.pk in leads or meets(membership, Need.ADMIN)


def change_request_for_decision(membership: Membership, pk: int) -> ChangeRequest:
    change = change_request_get_for_user(membership, pk)
    require_allowed(
        membership, can_decide_change(membership, change.initiative), why="may not decide on this change"
    )
    return change


def feedback_link_for_plan(membership: Membership, pk: int) -> FeedbackLink:
    """A feedback link the member may close: whoever may edit its initiative."""
    require(membership, Need.READER)
    link = (
        FeedbackLink.objects.for_org(membership.organization)
        .select_related("initiative", "deliverable")
        .filter(pk=pk)
        .first()
    )
    if link is None:
        raise refuse("no such feedback link", org=membership.organization)
    require_allowed(
        membership, can_edit_initiative(membership, link.initiative), why="may not manage feedback links"
    )
    return link


def require_dashboard(membership: Membership) -> set[int] | None:
    """May the member open the delivery dashboard: everyone; a partner's is limited to their
    parties' deliverables (the set returned), an internal member's is not (``None``)."""
    if is_partner(membership):
        return own_party_ids(membership)
    require(membership, Need.READER)
    return None


def require_settings(membership: Membership) -> None:
    """Owners and admins set the delivery thresholds."""
    require(membership, Need.ADMIN)
