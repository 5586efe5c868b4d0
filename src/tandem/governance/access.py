"""The governance app's access gate: load parties, contracts and RACI matrices only through it.

Internal members read every party and every matrix; owners, admins and leads manage parties,
contracts and the organisation's RACI template; whoever may edit an initiative edits its matrix.
A member on the partner side sees only the parties they are a contact of, and the matrices in which
such a party has a column — another party's objects are a 404, like another organisation's.
Refusals are ``NotFound``, audited where they are raised.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.core.access import Need, meets, refuse, require, require_allowed
from tandem.core.models import Membership, Role
from tandem.governance.models import ClosingDay, Contract, Party, PartyContact, RaciActivity, RaciColumn
from tandem.strategy.access import can_edit_initiative
from tandem.strategy.models import Initiative


def is_partner(membership: Membership) -> bool:
    return membership.role == Role.PARTNER


def can_manage(membership: Membership) -> bool:
    """Add and change parties, contacts, contracts and contributions; edit the RACI template."""
    return meets(membership, Need.LEAD)


def own_party_ids(membership: Membership) -> set[int]:
    """The parties a partner-side member works for: those they are a contact of."""
    return set(
        PartyContact.objects.for_org(membership.organization)
        .filter(membership=membership, party__is_active=True)
        .values_list("party_id", flat=True)
    )


def parties_for(membership: Membership) -> QuerySet[Party]:
    """The parties the member may see: all of them inside, their own on the partner side."""
    parties = Party.objects.for_org(membership.organization)
    if is_partner(membership):
        return parties.filter(pk__in=own_party_ids(membership))
    require(membership, Need.READER)
    return parties


def party_get_for_user(membership: Membership, pk: int, *, write: bool = False) -> Party:
    """A party the member may see (and change, with ``write``); ``NotFound`` otherwise."""
    if write:
        require_allowed(membership, can_manage(membership), why="may not manage parties")
    party = parties_for(membership).filter(pk=pk).first()
    if party is None:
        raise refuse("no such party", org=membership.organization)
    return party


def contract_get_for_user(membership: Membership, party: Party, pk: int) -> Contract:
    """A contract of ``party`` (already loaded through the gate) the member may change."""
    require_allowed(membership, can_manage(membership), why="may not manage contracts")
    contract = Contract.objects.for_org(membership.organization).filter(party=party, pk=pk).first()
    if contract is None:
        raise refuse("no such contract", org=membership.organization)
    return contract


def can_edit_matrix(membership: Membership, initiative: Initiative) -> bool:
    """Edit an initiative's RACI matrix: whoever may edit the initiative; never a partner."""
    return (
        not is_partner(membership)
        and meets(membership, Need.READER)
        and can_edit_initiative(membership, initiative)
    )


def matrix_initiative_for_user(membership: Membership, pk: int, *, write: bool = False) -> Initiative:
    """An initiative whose RACI matrix the member may read (or edit, with ``write``).

    Inside: every internal member reads, whoever may edit the initiative edits. A partner-side
    member reads only a matrix in which one of their parties has a column, and never edits it.
    """
    org = membership.organization
    initiative = Initiative.objects.for_org(org).filter(pk=pk).first()
    if initiative is None:
        raise refuse("no such initiative", org=org)
    if is_partner(membership):
        own = own_party_ids(membership)
        if write or not own or not initiative.raci_columns.filter(party_id__in=own).exists():
            raise refuse("not this party's matrix", org=org)
        return initiative
    require(membership, Need.READER)
    if write:
        require_allowed(
            membership, can_edit_initiative(membership, initiative), why="may not edit this matrix"
        )
    return initiative


def activity_of(membership: Membership, initiative: Initiative, pk: int) -> RaciActivity:
    """A row of ``initiative``'s matrix (the initiative already loaded through this gate)."""
    found = RaciActivity.objects.for_org(membership.organization).filter(initiative=initiative, pk=pk).first()
    if found is None:
        raise refuse("no such activity", org=membership.organization)
    return found


def column_of(membership: Membership, initiative: Initiative, pk: int) -> RaciColumn:
    """A column of ``initiative``'s matrix (the initiative already loaded through this gate)."""
    found = RaciColumn.objects.for_org(membership.organization).filter(initiative=initiative, pk=pk).first()
    if found is None:
        raise refuse("no such column", org=membership.organization)
    return found


def closing_day_of(membership: Membership, pk: int) -> ClosingDay:
    """A closing day of the member's organisation, for its owners and admins."""
    require(membership, Need.ADMIN)
    found = ClosingDay.objects.for_org(membership.organization).filter(pk=pk).first()
    if found is None:
        raise refuse("no such closing day", org=membership.organization)
    return found
