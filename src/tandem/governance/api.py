"""The governance JSON API: parties, their contacts, contracts and contributions, and the RACI
matrices of initiatives. Handlers load through the access gate and call the same services as the
pages; a partner-side member sees only their own parties and their columns, as on the pages."""

# No ``from __future__ import annotations`` here: ninja reads the parameter types as objects.

from typing import Any

from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.core.access import Need, admin, lead, org_member, refuse
from tandem.core.api import ERRORS, WRITE_ERRORS, Pages, member_named
from tandem.core.errors import ValidationFailed
from tandem.core.models import Membership
from tandem.core.services import UNCHANGED
from tandem.governance import access, selectors, services
from tandem.governance.models import ClosingDay, Contribution, Party
from tandem.governance.schemas import (
    ActivityIn,
    CellsIn,
    ClosingDayOut,
    ColumnIn,
    ContactIn,
    ContactOut,
    ContractIn,
    ContractOut,
    ContractPatchIn,
    ContributionIn,
    DayOffOut,
    MatrixOut,
    PartyDetailOut,
    PartyIn,
    PartyOut,
    PartyPatchIn,
    RaciTemplateIn,
    RaciTemplateOut,
    WorkCalendarIn,
    WorkCalendarOut,
    contact_out,
    contract_out,
    matrix_out,
    party_detail_out,
    party_out,
)
from tandem.strategy.models import Initiative, Objective

router = Router(tags=["governance"])

ORG = "/orgs/{slug}"
PARTY = ORG + "/parties/{party_id}"
RACI = ORG + "/initiatives/{initiative_id}/raci"
PARTNERS = " A member on the partner side sees only the parties they are a contact of (404 for any other)."


def _member(request: HttpRequest, slug: str) -> Membership:
    return org_member(request, slug, need=Need.MEMBER)


def _party(
    request: HttpRequest, slug: str, party_id: int, *, write: bool = False
) -> tuple[Membership, Party]:
    membership = _member(request, slug)
    return membership, access.party_get_for_user(membership, party_id, write=write)


def _matrix(membership: Membership, initiative: Initiative) -> MatrixOut:
    own = access.own_party_ids(membership) if access.is_partner(membership) else None
    return matrix_out(selectors.matrix(initiative, only_parties=own))


# --- Parties ----------------------------------------------------------------------------------


@router.get(
    ORG + "/parties",
    response={200: list[PartyOut], **ERRORS},
    summary="List parties",
    description=("The internal teams and external parties of the organisation, by name." + PARTNERS),
)
@paginate(Pages)
def governance_party_list(request: HttpRequest, slug: str) -> Any:
    membership = _member(request, slug)
    # The paginator slices the query: only the page's parties are loaded and serialised.
    return access.parties_for(membership).order_by(Lower("name"), "pk")


@router.post(
    ORG + "/parties",
    response={201: PartyOut, **WRITE_ERRORS},
    summary="Add a party (owners, admins, leads)",
    description="An external party (vendor, cloud provider, integrator, consultancy, managed service provider, "
    "other) is on the partner side; an internal team names its side (`business` or `it`).",
)
def governance_party_create(request: HttpRequest, slug: str, payload: PartyIn) -> Status[PartyOut]:
    membership = lead(request, slug)
    party = services.party_create(actor=membership, **payload.model_dump())
    return Status(201, party_out(party))


@router.get(
    PARTY,
    response={200: PartyDetailOut, **ERRORS},
    summary="One party",
    description="The party with its contacts, contracts (in force, notice date and whether it is near), "
    "contributions to shared objectives and its roles in RACI matrices." + PARTNERS,
)
def governance_party_detail(request: HttpRequest, slug: str, party_id: int) -> PartyDetailOut:
    _membership, party = _party(request, slug, party_id)
    return party_detail_out(selectors.party_page(party))


@router.patch(
    PARTY, response={200: PartyOut, **WRITE_ERRORS}, summary="Change a party (owners, admins, leads)"
)
def governance_party_update(
    request: HttpRequest, slug: str, party_id: int, payload: PartyPatchIn
) -> PartyOut:
    membership, party = _party(request, slug, party_id, write=True)
    data = {k: (UNCHANGED if v is None else v) for k, v in payload.model_dump(exclude_unset=True).items()}
    return party_out(services.party_update(actor=membership, party=party, **data))


@router.post(
    PARTY + "/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    summary="Add a contact to a party (owners, admins, leads)",
    description="A member of the organisation (`membership_id`), or someone without an account (`email`).",
)
def governance_contact_add(
    request: HttpRequest, slug: str, party_id: int, payload: ContactIn
) -> Status[ContactOut]:
    membership, party = _party(request, slug, party_id, write=True)
    data = payload.model_dump()
    who = member_named(membership, data.pop("membership_id"), "membership_id")
    return Status(
        201, contact_out(services.contact_add(actor=membership, party=party, membership=who, **data))
    )


@router.delete(
    PARTY + "/contacts/{contact_id}", response={204: None, **WRITE_ERRORS}, summary="Remove a contact"
)
def governance_contact_remove(
    request: HttpRequest, slug: str, party_id: int, contact_id: int
) -> Status[None]:
    membership, party = _party(request, slug, party_id, write=True)
    services.contact_remove(actor=membership, party=party, contact_id=contact_id)
    return Status(204, None)


@router.post(
    PARTY + "/contracts",
    response={201: ContractOut, **WRITE_ERRORS},
    summary="Add a contract (owners, admins, leads)",
    description="`notice_date` is the end minus the notice period; `notice_alert` is true from `alert_days` "
    "before it until it passes. A contract that renews tacitly stays in force past its end.",
)
def governance_contract_add(
    request: HttpRequest, slug: str, party_id: int, payload: ContractIn
) -> Status[ContractOut]:
    membership, party = _party(request, slug, party_id, write=True)
    return Status(
        201, contract_out(services.contract_add(actor=membership, party=party, **payload.model_dump()))
    )


@router.patch(
    PARTY + "/contracts/{contract_id}",
    response={200: ContractOut, **WRITE_ERRORS},
    summary="Change a contract",
)
def governance_contract_update(
    request: HttpRequest, slug: str, party_id: int, contract_id: int, payload: ContractPatchIn
) -> ContractOut:
    membership, party = _party(request, slug, party_id, write=True)
    contract = access.contract_get_for_user(membership, party, contract_id)
    fields = payload.model_dump(exclude_unset=True)
    return contract_out(services.contract_update(actor=membership, contract=contract, **fields))


@router.delete(
    PARTY + "/contracts/{contract_id}", response={204: None, **WRITE_ERRORS}, summary="Remove a contract"
)
def governance_contract_remove(
    request: HttpRequest, slug: str, party_id: int, contract_id: int
) -> Status[None]:
    membership, party = _party(request, slug, party_id, write=True)
    services.contract_remove(
        actor=membership, contract=access.contract_get_for_user(membership, party, contract_id)
    )
    return Status(204, None)


def _objective(membership: Membership, objective_id: int) -> Objective:
    objective = Objective.objects.for_org(membership.organization).filter(pk=objective_id).first()
    if objective is None:
        raise refuse("no such objective", org=membership.organization)
    return objective


@router.put(
    PARTY + "/contributions/{objective_id}",
    response={200: PartyDetailOut, **WRITE_ERRORS},
    summary="Record how a party contributes to a shared objective",
)
def governance_contribution_set(
    request: HttpRequest, slug: str, party_id: int, objective_id: int, payload: ContributionIn
) -> PartyDetailOut:
    membership, party = _party(request, slug, party_id, write=True)
    objective = _objective(membership, objective_id)
    services.contribution_set(
        actor=membership, party=party, objective=objective, contribution=payload.contribution
    )
    return party_detail_out(selectors.party_page(party))


@router.delete(
    PARTY + "/contributions/{objective_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a contribution",
)
def governance_contribution_remove(
    request: HttpRequest, slug: str, party_id: int, objective_id: int
) -> Status[None]:
    membership, party = _party(request, slug, party_id, write=True)
    row = (
        Contribution.objects.for_org(membership.organization)
        .filter(party=party, objective_id=objective_id)
        .first()
    )
    if row is not None:
        services.contribution_remove(actor=membership, party=party, contribution_id=row.pk)
    return Status(204, None)


# --- RACI -------------------------------------------------------------------------------------


@router.get(
    ORG + "/raci-template", response={200: RaciTemplateOut, **ERRORS}, summary="The starting RACI template"
)
def governance_template_get(request: HttpRequest, slug: str) -> RaciTemplateOut:
    membership = lead(request, slug)
    return RaciTemplateOut(activities=services.template_names(membership.organization))


@router.put(
    ORG + "/raci-template",
    response={200: RaciTemplateOut, **WRITE_ERRORS},
    summary="Replace the RACI template",
)
def governance_template_put(request: HttpRequest, slug: str, payload: RaciTemplateIn) -> RaciTemplateOut:
    membership = lead(request, slug)
    services.template_set(actor=membership, names=payload.activities)
    return RaciTemplateOut(activities=services.template_names(membership.organization))


@router.get(
    RACI,
    response={200: MatrixOut, **ERRORS},
    summary="An initiative's RACI matrix",
    description="Activities, columns (parties and people), the cells, and every problem the rules find: "
    "each activity needs exactly one A and at least one R (errors); warnings when a column is accountable "
    "for many activities, when no business-side column is A or C on an activity, and when a party is R "
    "without a contract in force. `message` is in the caller's language. A partner-side member reads only "
    "a matrix in which their party has a column, and only that column.",
)
def governance_matrix_get(request: HttpRequest, slug: str, initiative_id: int) -> MatrixOut:
    membership = _member(request, slug)
    return _matrix(membership, access.matrix_initiative_for_user(membership, initiative_id))


def _editable(request: HttpRequest, slug: str, initiative_id: int) -> tuple[Membership, Initiative]:
    membership = _member(request, slug)
    return membership, access.matrix_initiative_for_user(membership, initiative_id, write=True)


@router.post(
    RACI + "/start", response={201: MatrixOut, **WRITE_ERRORS}, summary="Start a matrix from the template"
)
def governance_matrix_start(request: HttpRequest, slug: str, initiative_id: int) -> Status[MatrixOut]:
    membership, initiative = _editable(request, slug, initiative_id)
    services.matrix_start(actor=membership, initiative=initiative)
    return Status(201, _matrix(membership, initiative))


@router.put(
    RACI + "/cells",
    response={200: MatrixOut, **WRITE_ERRORS},
    summary="Set cells of a matrix",
    description="Each cell to R, A, C, I, or empty; all or nothing.",
)
def governance_matrix_cells(
    request: HttpRequest, slug: str, initiative_id: int, payload: CellsIn
) -> MatrixOut:
    membership, initiative = _editable(request, slug, initiative_id)
    cells = {(c.activity_id, c.column_id): c.letter for c in payload.cells}
    services.cells_set(actor=membership, initiative=initiative, cells=cells)
    return _matrix(membership, initiative)


@router.post(RACI + "/activities", response={201: MatrixOut, **WRITE_ERRORS}, summary="Add an activity")
def governance_activity_add(
    request: HttpRequest, slug: str, initiative_id: int, payload: ActivityIn
) -> Status[MatrixOut]:
    membership, initiative = _editable(request, slug, initiative_id)
    services.activity_add(actor=membership, initiative=initiative, name=payload.name)
    return Status(201, _matrix(membership, initiative))


@router.patch(
    RACI + "/activities/{activity_id}",
    response={200: MatrixOut, **WRITE_ERRORS},
    summary="Rename an activity",
)
def governance_activity_rename(
    request: HttpRequest, slug: str, initiative_id: int, activity_id: int, payload: ActivityIn
) -> MatrixOut:
    membership, initiative = _editable(request, slug, initiative_id)
    services.activity_rename(
        actor=membership, activity=access.activity_of(membership, initiative, activity_id), name=payload.name
    )
    return _matrix(membership, initiative)


@router.delete(
    RACI + "/activities/{activity_id}",
    response={200: MatrixOut, **WRITE_ERRORS},
    summary="Remove an activity",
)
def governance_activity_remove(
    request: HttpRequest, slug: str, initiative_id: int, activity_id: int
) -> MatrixOut:
    membership, initiative = _editable(request, slug, initiative_id)
    services.activity_remove(
        actor=membership, activity=access.activity_of(membership, initiative, activity_id)
    )
    return _matrix(membership, initiative)


@router.post(
    RACI + "/columns",
    response={201: MatrixOut, **WRITE_ERRORS},
    summary="Add a column: a party or a person",
)
def governance_column_add(
    request: HttpRequest, slug: str, initiative_id: int, payload: ColumnIn
) -> Status[MatrixOut]:
    membership, initiative = _editable(request, slug, initiative_id)
    party = None
    if payload.party_id is not None:
        party = Party.objects.for_org(membership.organization).filter(pk=payload.party_id).first()
        if party is None:
            raise ValidationFailed(_("Choose an active party of this organisation."), field="party_id")
    person = member_named(membership, payload.membership_id, "membership_id")
    services.column_add(actor=membership, initiative=initiative, party=party, membership=person)
    return Status(201, _matrix(membership, initiative))


@router.delete(
    RACI + "/columns/{column_id}", response={200: MatrixOut, **WRITE_ERRORS}, summary="Remove a column"
)
def governance_column_remove(
    request: HttpRequest, slug: str, initiative_id: int, column_id: int
) -> MatrixOut:
    membership, initiative = _editable(request, slug, initiative_id)
    services.column_remove(actor=membership, column=access.column_of(membership, initiative, column_id))
    return _matrix(membership, initiative)


# --- The working calendar ---------------------------------------------------------------------


def _calendar_out(membership: Membership) -> WorkCalendarOut:
    org = membership.organization
    row = selectors.calendar_settings(org)
    return WorkCalendarOut(
        time_zone=row.time_zone,
        weekdays=[int(d) for d in row.weekdays.split(",") if d.strip().isdigit()],
        day_start=row.day_start.strftime("%H:%M"),
        day_end=row.day_end.strftime("%H:%M"),
        country=row.country,
        subdivision=row.subdivision,
        closing_days=[
            ClosingDayOut(id=c.pk, day=c.day, name=c.name) for c in ClosingDay.objects.for_org(org)
        ],
        days_off=[
            DayOffOut(day=day, name=name) for day, name in selectors.days_off(org, start=timezone.localdate())
        ],
    )


@router.get(
    ORG + "/work-calendar",
    response={200: WorkCalendarOut, **ERRORS},
    summary="The working calendar (owners and admins)",
    description="The working days and hours escalations and incident clocks count, the country whose public "
    "holidays are days off, the organisation's closing days, and the days off of the next three months.",
)
def governance_calendar_get(request: HttpRequest, slug: str) -> WorkCalendarOut:
    return _calendar_out(admin(request, slug))


@router.put(
    ORG + "/work-calendar",
    response={200: WorkCalendarOut, **WRITE_ERRORS},
    summary="Set the working calendar (owners and admins)",
)
def governance_calendar_put(request: HttpRequest, slug: str, payload: WorkCalendarIn) -> WorkCalendarOut:
    membership = admin(request, slug)
    services.calendar_update(actor=membership, **payload.model_dump())
    return _calendar_out(membership)
