"""The governance app's access gate: load parties, contracts and RACI matrices only through it.

Internal members read every party and every matrix; owners, admins and leads manage parties,
contracts and the organisation's RACI template; whoever may edit an initiative edits its matrix.
A member on the partner side sees only the parties they are a contact of, and the matrices in which
such a party has a column — another party's objects are a 404, like another organisation's.
Services, escalation paths and incidents follow the same line: inside, every member reads them and
leads manage services and paths; a partner-side member sees only the services their parties run and
the incidents their parties hold or held. Any member but a viewer raises an incident (a partner only
against their own parties); the party holding an incident (its contacts) or a lead acknowledges,
hands over, pauses and resolves it. A party's scorecard is seen inside and by that party's members.
Refusals are ``NotFound``, audited where they are raised.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tandem.core.access import Need, meets, refuse, require, require_allowed
from tandem.core.models import Membership, Role
from tandem.governance.models import (
    ClosingDay,
    Contract,
    EscalationLevel,
    Incident,
    Measurement,
    Party,
    PartyContact,
    RaciActivity,
    RaciColumn,
    Service,
    ServiceLevel,
    ServiceMetric,
)
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


def own_column_ids(membership: Membership, initiative: Initiative) -> set[int]:
    """The columns of ``initiative``'s matrix a partner-side member fills in themselves: those of
    their own parties (their own assignments). Empty for everyone else."""
    if not is_partner(membership):
        return set()
    own = own_party_ids(membership)
    return set(
        RaciColumn.objects.for_org(membership.organization)
        .filter(initiative=initiative, party_id__in=own)
        .values_list("pk", flat=True)
    )


def cells_initiative_for_user(membership: Membership, pk: int) -> tuple[Initiative, set[int] | None]:
    """An initiative whose matrix cells the member may set, and which columns: every column
    (``None``) for whoever may edit the matrix; a partner-side member only their own party's
    column (their own assignments), in a matrix they can see."""
    if is_partner(membership):
        initiative = matrix_initiative_for_user(membership, pk)
        return initiative, own_column_ids(membership, initiative)
    return matrix_initiative_for_user(membership, pk, write=True), None


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


# --- Services, escalation paths, incidents, scorecards ----------------------------------------


def services_for(membership: Membership) -> QuerySet[Service]:
    """The services the member may see: all inside, those of their own parties on the partner side."""
    services = Service.objects.for_org(membership.organization)
    if is_partner(membership):
        return services.filter(party_id__in=own_party_ids(membership))
    require(membership, Need.READER)
    return services


def service_get_for_user(membership: Membership, pk: int, *, write: bool = False) -> Service:
    """A service the member may see (and manage, with ``write``: leads and above)."""
    if write:
        require_allowed(membership, can_manage(membership), why="may not manage services")
    found = services_for(membership).select_related("party").filter(pk=pk).first()
    if found is None:
        raise refuse("no such service", org=membership.organization)
    return found


def metric_of(membership: Membership, service: Service, pk: int) -> ServiceMetric:
    found = ServiceMetric.objects.for_org(membership.organization).filter(service=service, pk=pk).first()
    if found is None:
        raise refuse("no such metric", org=membership.organization)
    return found


def service_level_of(membership: Membership, service: Service, pk: int) -> ServiceLevel:
    found = ServiceLevel.objects.for_org(membership.organization).filter(service=service, pk=pk).first()
    if found is None:
        raise refuse("no such service level", org=membership.organization)
    return found


def measurement_of(membership: Membership, service: Service, pk: int) -> Measurement:
    found = Measurement.objects.for_org(membership.organization).filter(service=service, pk=pk).first()
    if found is None:
        raise refuse("no such measurement", org=membership.organization)
    return found


def escalation_level_of(
    membership: Membership, pk: int, *, service: Service | None = None, initiative: Initiative | None = None
) -> EscalationLevel:
    """A level of the escalation path of ``service`` or ``initiative`` (loaded through this gate)."""
    levels = EscalationLevel.objects.for_org(membership.organization)
    levels = (
        levels.filter(path__service=service)
        if service is not None
        else levels.filter(path__initiative=initiative)
    )
    found = levels.filter(pk=pk).first()
    if found is None:
        raise refuse("no such escalation level", org=membership.organization)
    return found


def path_initiative_for_user(membership: Membership, pk: int, *, write: bool = False) -> Initiative:
    """An initiative whose escalation path the member may read (inside) or change (leads and
    whoever may edit the initiative); partners never."""
    org = membership.organization
    require(membership, Need.READER)
    initiative = Initiative.objects.for_org(org).filter(pk=pk).first()
    if initiative is None:
        raise refuse("no such initiative", org=org)
    if write:
        require_allowed(
            membership, can_change_path(membership, initiative), why="may not change this escalation path"
        )
    return initiative


def can_change_path(membership: Membership, initiative: Initiative) -> bool:
    """Change an initiative's escalation path: leads, and whoever may edit the initiative."""
    return not is_partner(membership) and (
        can_manage(membership) or can_edit_initiative(membership, initiative)
    )


def can_raise_incident(membership: Membership) -> bool:
    """Any member raises an incident, a partner for their own parties; viewers only read."""
    return membership.role != Role.VIEWER


def incidents_for(membership: Membership) -> QuerySet[Incident]:
    """The incidents the member may see: all inside; on the partner side those their parties hold,
    held before, or run the service of."""
    incidents = Incident.objects.for_org(membership.organization)
    if is_partner(membership):
        own = own_party_ids(membership)
        return incidents.filter(
            Q(party_id__in=own) | Q(segments__party_id__in=own) | Q(service__party_id__in=own)
        ).distinct()
    require(membership, Need.READER)
    return incidents


def incident_get_for_user(membership: Membership, pk: int) -> Incident:
    found = incidents_for(membership).select_related("party", "service", "initiative").filter(pk=pk).first()
    if found is None:
        raise refuse("no such incident", org=membership.organization)
    return found


def can_work_incident(membership: Membership, incident: Incident) -> bool:
    """Acknowledge, hand over, pause, resume and resolve: a contact of the party holding the
    incident, or a lead (who steps in for a party that does not answer)."""
    if incident.party_id in own_party_ids(membership):
        return True
    return not is_partner(membership) and can_manage(membership)


def incident_for_work(membership: Membership, pk: int) -> Incident:
    """An incident the member may work on; ``NotFound`` when they may not see it, and a refusal
    (also ``NotFound``) when they see it but do not hold it."""
    incident = incident_get_for_user(membership, pk)
    require_allowed(membership, can_work_incident(membership, incident), why="does not hold this incident")
    return incident


def can_review_incident(membership: Membership, incident: Incident) -> bool:
    """Write the post-incident review: leads inside, or a contact of a party that held it."""
    if not is_partner(membership) and can_manage(membership):
        return True
    own = own_party_ids(membership)
    return bool(own) and incident.segments.filter(party_id__in=own).exists()
