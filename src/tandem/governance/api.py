"""The governance JSON API: parties, their contacts, contracts and contributions, the RACI
matrices of initiatives, services with their levels and measurements, escalation paths, incidents,
the party scorecard and the business side's ratings. Handlers load through the access gate and call
the same services and selectors as the pages; a partner-side member sees only their own parties,
their columns, their services and their incidents, as on the pages."""

# No ``from __future__ import annotations`` here: ninja reads the parameter types as objects.

from datetime import timedelta
from typing import Any, cast

from django.db.models.functions import Lower
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.core.access import Need, admin, lead, org_member, refuse, require_allowed
from tandem.core.api import ERRORS, WRITE_ERRORS, Pages, Serialised, api_fields, member_named
from tandem.core.errors import ValidationFailed
from tandem.core.models import Membership
from tandem.core.services import UNCHANGED
from tandem.governance import access, scorecard, selectors, services
from tandem.governance.models import (
    ClosingDay,
    Contribution,
    Incident,
    IncidentReview,
    Measurement,
    Party,
    Service,
    ServiceMetric,
)
from tandem.governance.schemas import (
    ActivityIn,
    CellsIn,
    ClosingDayOut,
    ColumnIn,
    ComplianceOut,
    ContactIn,
    ContactOut,
    ContractIn,
    ContractOut,
    ContractPatchIn,
    ContributionIn,
    DayOffOut,
    EscalationLevelIn,
    EscalationMoveIn,
    EscalationPathOut,
    HandOverIn,
    IncidentDetailOut,
    IncidentEventOut,
    IncidentFilters,
    IncidentIn,
    IncidentNoteIn,
    IncidentOut,
    IncidentReviewIn,
    IncidentReviewOut,
    MatrixOut,
    MeasurementFilters,
    MeasurementIn,
    MeasurementOut,
    PartyDetailOut,
    PartyIn,
    PartyOut,
    PartyPatchIn,
    PauseIn,
    RaciTemplateIn,
    RaciTemplateOut,
    RatablePartyOut,
    RatingIn,
    RatingsOut,
    ReopenIn,
    ResolveIn,
    ScorecardFilters,
    ScorecardOut,
    ServiceDetailOut,
    ServiceIn,
    ServiceLevelIn,
    ServiceLevelOut,
    ServiceMetricIn,
    ServiceMetricOut,
    ServicePatchIn,
    ServiceRowOut,
    WorkCalendarIn,
    WorkCalendarOut,
    compliance_out,
    contact_out,
    contract_out,
    event_out,
    incident_detail_out,
    incident_out,
    matrix_out,
    measurement_out,
    metric_out,
    month_start,
    party_detail_out,
    party_out,
    path_out,
    review_out,
    scorecard_out,
    service_detail_out,
    service_level_out,
    service_row_out,
)
from tandem.strategy import selectors as strategy_selectors
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
    description="Each cell to R, A, C, I, or empty; all or nothing. A member on the partner side sets "
    "the cells of their own party's column only (their own assignments); any other column is a 404.",
)
def governance_matrix_cells(
    request: HttpRequest, slug: str, initiative_id: int, payload: CellsIn
) -> MatrixOut:
    membership = _member(request, slug)
    initiative, only = access.cells_initiative_for_user(membership, initiative_id)
    cells = {(c.activity_id, c.column_id): c.letter for c in payload.cells}
    services.cells_set(actor=membership, initiative=initiative, cells=cells, only_columns=only)
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


# --- Services, their levels, measures and measurements ----------------------------------------

SERVICE = ORG + "/services/{service_id}"
INCIDENT = ORG + "/incidents/{incident_id}"
SERVICES_PARTNERS = (
    " A member on the partner side sees only the services of their own parties (404 for any other)."
)
# Services name model fields; the API names what the client sent.
API_FIELDS = {
    "party": "party_id",
    "service": "service_id",
    "initiative": "initiative_id",
    "initiatives": "initiative_ids",
    "key_results": "key_result_ids",
    "membership": "membership_id",
    "metric": "metric_id",
    "period": "month",
    "who": "body",  # a party or a person: the rule is about the two fields together
}


def _service(
    request: HttpRequest, slug: str, service_id: int, *, write: bool = False
) -> tuple[Membership, Service]:
    membership = _member(request, slug)
    return membership, access.service_get_for_user(membership, service_id, write=write)


def _party_named(membership: Membership, pk: int | None, field: str = "party_id") -> Party | None:
    """The party of the organisation a request body names by id; a 422 on ``field`` when none."""
    if pk is None:
        return None
    party = Party.objects.for_org(membership.organization).filter(pk=pk).first()
    if party is None:
        raise ValidationFailed(_("Choose an active party of this organisation."), field=field)
    return party


def _links(membership: Membership, data: dict[str, Any]) -> dict[str, Any]:
    """The request's ids of the party, initiatives and key results as rows of the organisation."""
    org = membership.organization
    if "party_id" in data:
        data["party"] = _party_named(membership, data.pop("party_id"))
    if "initiative_ids" in data:
        wanted = set(data.pop("initiative_ids"))
        found = list(Initiative.objects.for_org(org).filter(pk__in=wanted))
        if len(found) != len(wanted):
            raise ValidationFailed(_("Choose initiatives of this organisation."), field="initiative_ids")
        data["initiatives"] = found
    if "key_result_ids" in data:
        wanted = set(data.pop("key_result_ids"))
        results = list(strategy_selectors.key_result_list(org).filter(pk__in=wanted))
        if len(results) != len(wanted):
            raise ValidationFailed(_("Choose key results of this organisation."), field="key_result_ids")
        data["key_results"] = results
    return data


def _service_detail(service: Service) -> ServiceDetailOut:
    return service_detail_out(selectors.service_page(service))


@router.get(
    ORG + "/services",
    response={200: list[ServiceRowOut], **ERRORS},
    summary="List services",
    description="The services parties run for the organisation, by name, with how many incidents are "
    "unresolved and how many priorities have an agreed service level." + SERVICES_PARTNERS,
)
@paginate(Pages)
def governance_service_list(request: HttpRequest, slug: str) -> Any:
    membership = _member(request, slug)
    return Serialised(selectors.service_list(access.services_for(membership)), service_row_out)


@router.post(
    ORG + "/services",
    response={201: ServiceDetailOut, **WRITE_ERRORS},
    summary="Add a service (owners, admins, leads)",
    description="A service an active party runs, its availability target, and the initiatives and key "
    "results that depend on it. Names are unique in the organisation (case aside).",
)
def governance_service_create(
    request: HttpRequest, slug: str, payload: ServiceIn
) -> Status[ServiceDetailOut]:
    membership = lead(request, slug)
    with api_fields(API_FIELDS):
        service = services.service_create(actor=membership, **_links(membership, payload.model_dump()))
    return Status(201, _service_detail(service))


@router.get(
    SERVICE,
    response={200: ServiceDetailOut, **ERRORS},
    summary="One service",
    description="The service with its service levels per priority (in working hours), its measures, the "
    "initiatives and key results that depend on it, its escalation path and its latest incidents."
    + SERVICES_PARTNERS,
)
def governance_service_detail(request: HttpRequest, slug: str, service_id: int) -> ServiceDetailOut:
    _membership, service = _service(request, slug, service_id)
    return _service_detail(service)


@router.patch(
    SERVICE,
    response={200: ServiceDetailOut, **WRITE_ERRORS},
    summary="Change a service (owners, admins, leads)",
    description="Send only the fields to change. `availability_target: null` removes the target; "
    "`initiative_ids` and `key_result_ids` replace the links.",
)
def governance_service_update(
    request: HttpRequest, slug: str, service_id: int, payload: ServicePatchIn
) -> ServiceDetailOut:
    membership, service = _service(request, slug, service_id, write=True)
    fields = payload.model_dump(exclude_unset=True)
    data = {k: v for k, v in fields.items() if v is not None or k == "availability_target"}
    with api_fields(API_FIELDS):
        services.service_update(actor=membership, service=service, **_links(membership, data))
    return _service_detail(service)


@router.put(
    SERVICE + "/levels",
    response={200: ServiceLevelOut, **WRITE_ERRORS},
    summary="Agree a service level for a priority (owners, admins, leads)",
    description="How fast an incident of `priority` is acknowledged and resolved, in working hours of "
    "the organisation's working calendar. A level for the same priority is replaced.",
)
def governance_service_level_set(
    request: HttpRequest, slug: str, service_id: int, payload: ServiceLevelIn
) -> ServiceLevelOut:
    membership, service = _service(request, slug, service_id, write=True)
    level = services.service_level_set(actor=membership, service=service, **payload.model_dump())
    return service_level_out(level)


@router.delete(
    SERVICE + "/levels/{level_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a service level (owners, admins, leads)",
)
def governance_service_level_remove(
    request: HttpRequest, slug: str, service_id: int, level_id: int
) -> Status[None]:
    membership, service = _service(request, slug, service_id, write=True)
    level = access.service_level_of(membership, service, level_id)
    services.service_level_remove(actor=membership, service=service, priority=level.priority)
    return Status(204, None)


@router.post(
    SERVICE + "/metrics",
    response={201: ServiceMetricOut, **WRITE_ERRORS},
    summary="Add a measure to a service (owners, admins, leads)",
    description='A measure agreed on top of availability ("batch jobs on time"), with its target and '
    "whether higher is better. Names are unique within the service.",
)
def governance_metric_add(
    request: HttpRequest, slug: str, service_id: int, payload: ServiceMetricIn
) -> Status[ServiceMetricOut]:
    membership, service = _service(request, slug, service_id, write=True)
    metric = services.metric_add(actor=membership, service=service, **payload.model_dump())
    return Status(201, metric_out(metric))


@router.delete(
    SERVICE + "/metrics/{metric_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a measure and its measurements (owners, admins, leads)",
)
def governance_metric_remove(
    request: HttpRequest, slug: str, service_id: int, metric_id: int
) -> Status[None]:
    membership, service = _service(request, slug, service_id, write=True)
    services.metric_remove(actor=membership, metric=access.metric_of(membership, service, metric_id))
    return Status(204, None)


@router.get(
    SERVICE + "/measurements",
    response={200: list[MeasurementOut], **ERRORS},
    summary="A service's measurements",
    description="The monthly values of the service's availability (`metric_id` null) and of its "
    "measures, oldest month first, each with whether it met its target. `from` and `to` (YYYY-MM) "
    "limit the months." + SERVICES_PARTNERS,
)
@paginate(Pages)
def governance_measurement_list(
    request: HttpRequest, slug: str, service_id: int, filters: Query[MeasurementFilters]
) -> Any:
    membership, service = _service(request, slug, service_id)
    rows = Measurement.objects.for_org(membership.organization).filter(service=service)
    if (first := month_start(filters.start, field="from")) is not None:
        rows = rows.filter(period__gte=first)
    if (last := month_start(filters.end, field="to")) is not None:
        rows = rows.filter(period__lte=last)
    return Serialised(
        rows.select_related("metric", "service").order_by("period", "metric_id", "pk"), measurement_out
    )


@router.post(
    SERVICE + "/measurements",
    response={201: MeasurementOut, **WRITE_ERRORS},
    summary="Record a measurement (owners, admins, leads)",
    description="The value of the availability (`metric_id` null; the service needs an availability "
    "target) or of one of the service's measures for a month that has begun. A second value for the same "
    "month and measure replaces the first.",
)
def governance_measurement_record(
    request: HttpRequest, slug: str, service_id: int, payload: MeasurementIn
) -> Status[MeasurementOut]:
    membership, service = _service(request, slug, service_id, write=True)
    metric = None
    if payload.metric_id is not None:
        metric = (
            ServiceMetric.objects.for_org(membership.organization)
            .filter(service=service, pk=payload.metric_id)
            .first()
        )
        if metric is None:
            raise ValidationFailed(_("Choose a measure of this service."), field="metric_id")
    with api_fields(API_FIELDS):
        row = services.measurement_record(
            actor=membership,
            service=service,
            period=payload.month,
            value=payload.value,
            metric=metric,
            note=payload.note,
        )
    return Status(201, measurement_out(row))


@router.delete(
    SERVICE + "/measurements/{measurement_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a measurement (owners, admins, leads)",
)
def governance_measurement_remove(
    request: HttpRequest, slug: str, service_id: int, measurement_id: int
) -> Status[None]:
    membership, service = _service(request, slug, service_id, write=True)
    measurement = access.measurement_of(membership, service, measurement_id)
    services.measurement_remove(actor=membership, measurement=measurement)
    return Status(204, None)


@router.get(
    SERVICE + "/compliance",
    response={200: ComplianceOut, **ERRORS},
    summary="A service's compliance per month",
    description="For each of the last twelve months, how many agreed targets were met: the availability, "
    "each measure, and the incidents resolved that month acknowledged and resolved within the agreed "
    "working hours (two checks each). `percent` is null for a month without checks." + SERVICES_PARTNERS,
)
def governance_service_compliance(request: HttpRequest, slug: str, service_id: int) -> ComplianceOut:
    _membership, service = _service(request, slug, service_id)
    return compliance_out(selectors.service_page(service))


# --- Escalation paths -------------------------------------------------------------------------

SERVICE_PATH = SERVICE + "/escalation-path"
INITIATIVE_PATH = ORG + "/initiatives/{initiative_id}/escalation-path"
PATH_LEVEL = "/levels/{escalation_level_id}"
PATH_ADD = (
    "A next level: a party (its contacts are called) or a member (exactly one of `party_id` and "
    "`membership_id`), reached through `channel`, who must respond within `respond_hours` working hours "
    "before the level after it is called. At most 8 levels (409 beyond)."
)


def _path_level(membership: Membership, owner: Service | Initiative, payload: EscalationLevelIn) -> None:
    """Add a level to the path of ``owner`` (already loaded through the gate for writing)."""
    party = _party_named(membership, payload.party_id)
    person = member_named(membership, payload.membership_id, "membership_id")
    with api_fields(API_FIELDS):
        services.escalation_level_add(
            actor=membership,
            respond_hours=payload.respond_hours,
            channel=payload.channel,
            party=party,
            membership=person,
            service=owner if isinstance(owner, Service) else None,
            initiative=owner if isinstance(owner, Initiative) else None,
        )


def _service_path(membership: Membership, service: Service) -> EscalationPathOut:
    return path_out(selectors.escalation_path(membership.organization, service=service), service=service)


@router.get(
    SERVICE_PATH,
    response={200: EscalationPathOut, **ERRORS},
    summary="A service's escalation path",
    description="Who to turn to, in order, when an incident of the service gets no response; an "
    "incident of a service without levels follows its initiative's path." + SERVICES_PARTNERS,
)
def governance_service_path_get(request: HttpRequest, slug: str, service_id: int) -> EscalationPathOut:
    membership, service = _service(request, slug, service_id)
    return _service_path(membership, service)


@router.post(
    SERVICE_PATH + "/levels",
    response={201: EscalationPathOut, **WRITE_ERRORS},
    summary="Add a level to a service's escalation path (owners, admins, leads)",
    description=PATH_ADD,
)
def governance_service_path_add(
    request: HttpRequest, slug: str, service_id: int, payload: EscalationLevelIn
) -> Status[EscalationPathOut]:
    membership, service = _service(request, slug, service_id, write=True)
    _path_level(membership, service, payload)
    return Status(201, _service_path(membership, service))


@router.delete(
    SERVICE_PATH + PATH_LEVEL,
    response={200: EscalationPathOut, **WRITE_ERRORS},
    summary="Remove a level of a service's escalation path (owners, admins, leads)",
)
def governance_service_path_remove(
    request: HttpRequest, slug: str, service_id: int, escalation_level_id: int
) -> EscalationPathOut:
    membership, service = _service(request, slug, service_id, write=True)
    level = access.escalation_level_of(membership, escalation_level_id, service=service)
    services.escalation_level_remove(actor=membership, level=level)
    return _service_path(membership, service)


@router.post(
    SERVICE_PATH + PATH_LEVEL + "/move",
    response={200: EscalationPathOut, **WRITE_ERRORS},
    summary="Move a level of a service's escalation path (owners, admins, leads)",
    description="`offset` -1 moves it one step earlier, 1 one step later; past either end nothing moves.",
)
def governance_service_path_move(
    request: HttpRequest, slug: str, service_id: int, escalation_level_id: int, payload: EscalationMoveIn
) -> EscalationPathOut:
    membership, service = _service(request, slug, service_id, write=True)
    level = access.escalation_level_of(membership, escalation_level_id, service=service)
    services.escalation_level_move(actor=membership, level=level, offset=payload.offset)
    return _service_path(membership, service)


def _path_initiative(
    request: HttpRequest, slug: str, initiative_id: int, *, write: bool = False
) -> tuple[Membership, Initiative]:
    membership = _member(request, slug)
    return membership, access.path_initiative_for_user(membership, initiative_id, write=write)


def _initiative_path(membership: Membership, initiative: Initiative) -> EscalationPathOut:
    levels = selectors.escalation_path(membership.organization, initiative=initiative)
    return path_out(levels, initiative=initiative)


INITIATIVE_PATH_WHO = " Internal members read it; leads and whoever may edit the initiative change it."


@router.get(
    INITIATIVE_PATH,
    response={200: EscalationPathOut, **ERRORS},
    summary="An initiative's escalation path",
    description="Who to turn to, in order, when an incident of the initiative (or of a service without "
    "a path of its own) gets no response." + INITIATIVE_PATH_WHO + " Partners never see it.",
)
def governance_initiative_path_get(request: HttpRequest, slug: str, initiative_id: int) -> EscalationPathOut:
    membership, initiative = _path_initiative(request, slug, initiative_id)
    return _initiative_path(membership, initiative)


@router.post(
    INITIATIVE_PATH + "/levels",
    response={201: EscalationPathOut, **WRITE_ERRORS},
    summary="Add a level to an initiative's escalation path",
    description=PATH_ADD + INITIATIVE_PATH_WHO,
)
def governance_initiative_path_add(
    request: HttpRequest, slug: str, initiative_id: int, payload: EscalationLevelIn
) -> Status[EscalationPathOut]:
    membership, initiative = _path_initiative(request, slug, initiative_id, write=True)
    _path_level(membership, initiative, payload)
    return Status(201, _initiative_path(membership, initiative))


@router.delete(
    INITIATIVE_PATH + PATH_LEVEL,
    response={200: EscalationPathOut, **WRITE_ERRORS},
    summary="Remove a level of an initiative's escalation path",
)
def governance_initiative_path_remove(
    request: HttpRequest, slug: str, initiative_id: int, escalation_level_id: int
) -> EscalationPathOut:
    membership, initiative = _path_initiative(request, slug, initiative_id, write=True)
    level = access.escalation_level_of(membership, escalation_level_id, initiative=initiative)
    services.escalation_level_remove(actor=membership, level=level)
    return _initiative_path(membership, initiative)


@router.post(
    INITIATIVE_PATH + PATH_LEVEL + "/move",
    response={200: EscalationPathOut, **WRITE_ERRORS},
    summary="Move a level of an initiative's escalation path",
    description="`offset` -1 moves it one step earlier, 1 one step later; past either end nothing moves.",
)
def governance_initiative_path_move(
    request: HttpRequest, slug: str, initiative_id: int, escalation_level_id: int, payload: EscalationMoveIn
) -> EscalationPathOut:
    membership, initiative = _path_initiative(request, slug, initiative_id, write=True)
    level = access.escalation_level_of(membership, escalation_level_id, initiative=initiative)
    services.escalation_level_move(actor=membership, level=level, offset=payload.offset)
    return _initiative_path(membership, initiative)


# --- Incidents --------------------------------------------------------------------------------

INCIDENTS_PARTNERS = (
    " A member on the partner side sees only the incidents their parties hold, held before, or run the "
    "service of (404 for any other)."
)
WORKERS = (
    " For a contact of the party holding the incident, or a lead (owners, admins, leads), who steps in "
    "for a party that does not answer; 409 when the incident's state does not allow it."
)


def _incident_detail(incident: Incident) -> IncidentDetailOut:
    return incident_detail_out(selectors.incident_page(incident))


def _seen(request: HttpRequest, slug: str, incident_id: int) -> tuple[Membership, Incident]:
    membership = _member(request, slug)
    return membership, access.incident_get_for_user(membership, incident_id)


def _held(request: HttpRequest, slug: str, incident_id: int) -> tuple[Membership, Incident]:
    membership = _member(request, slug)
    return membership, access.incident_for_work(membership, incident_id)


def _raiser(request: HttpRequest, slug: str) -> Membership:
    membership = _member(request, slug)
    require_allowed(membership, access.can_raise_incident(membership), why="may not raise incidents")
    return membership


def _about(membership: Membership, payload: IncidentIn) -> dict[str, Any]:
    """The service, initiative and party an incident names, as the member may name them: a
    partner only their own parties' services and parties, and initiatives their party works on."""
    found: dict[str, Any] = {"service": None, "initiative": None, "party": None}
    if payload.service_id is not None:
        found["service"] = access.services_for(membership).filter(pk=payload.service_id).first()
        if found["service"] is None:
            raise ValidationFailed(_("Choose a service of this organisation."), field="service_id")
    if payload.initiative_id is not None:
        try:
            found["initiative"] = access.matrix_initiative_for_user(membership, payload.initiative_id)
        except Http404:
            raise ValidationFailed(
                _("Choose an initiative of this organisation."), field="initiative_id"
            ) from None
    if payload.party_id is not None:
        found["party"] = access.parties_for(membership).filter(pk=payload.party_id).first()
        if found["party"] is None:
            raise ValidationFailed(_("Choose an active party of this organisation."), field="party_id")
    return found


@router.get(
    ORG + "/incidents",
    response={200: list[IncidentOut], **ERRORS},
    summary="List incidents",
    description="Incidents, latest raised first; unresolved ones unless `status` says otherwise (`all`, or "
    "one status: `open` waits for acknowledgement). Filter by the holding `party_id` and by `service_id`."
    + INCIDENTS_PARTNERS,
)
@paginate(Pages)
def governance_incident_list(request: HttpRequest, slug: str, filters: Query[IncidentFilters]) -> Any:
    membership = _member(request, slug)
    rows = selectors.incident_list(access.incidents_for(membership), status=filters.status)
    if filters.party_id is not None:
        rows = rows.filter(party_id=filters.party_id)
    if filters.service_id is not None:
        rows = rows.filter(service_id=filters.service_id)
    return Serialised(rows, incident_out)


@router.post(
    ORG + "/incidents",
    response={201: IncidentDetailOut, **WRITE_ERRORS},
    summary="Raise an incident (members but viewers)",
    description="About a service and/or an initiative, for a party to pick up (the service's party when "
    "`party_id` is not given). The party's clock starts, and so does the first level of the escalation "
    "path. A member on the partner side raises incidents only for their own parties.",
)
def governance_incident_raise(
    request: HttpRequest, slug: str, payload: IncidentIn
) -> Status[IncidentDetailOut]:
    membership = _raiser(request, slug)
    with api_fields(API_FIELDS):
        incident = services.incident_raise(
            actor=membership,
            title=payload.title,
            priority=payload.priority,
            description=payload.description,
            **_about(membership, payload),
        )
    return Status(201, _incident_detail(incident))


@router.get(
    INCIDENT,
    response={200: IncidentDetailOut, **ERRORS},
    summary="One incident",
    description="The incident with its timeline, each party's own clock (working time, pauses left out), "
    "its times against the service level, the escalation level reached and when it must respond, and "
    "its review." + INCIDENTS_PARTNERS,
)
def governance_incident_detail(request: HttpRequest, slug: str, incident_id: int) -> IncidentDetailOut:
    _membership, incident = _seen(request, slug, incident_id)
    return _incident_detail(incident)


@router.post(
    INCIDENT + "/acknowledge",
    response={200: IncidentDetailOut, **WRITE_ERRORS},
    summary="Acknowledge an incident",
    description="The holding party is on it: its escalation clock stops. Only an open incident." + WORKERS,
)
def governance_incident_acknowledge(request: HttpRequest, slug: str, incident_id: int) -> IncidentDetailOut:
    membership, incident = _held(request, slug, incident_id)
    services.incident_acknowledge(actor=membership, incident=incident)
    return _incident_detail(incident)


@router.post(
    INCIDENT + "/hand-over",
    response={200: IncidentDetailOut, **WRITE_ERRORS},
    summary="Hand an incident over to another party",
    description="The holding party's clock stops and the new party's starts; it must acknowledge within "
    "the current escalation level's time. Not a resolved incident." + WORKERS,
)
def governance_incident_hand_over(
    request: HttpRequest, slug: str, incident_id: int, payload: HandOverIn
) -> IncidentDetailOut:
    membership, incident = _held(request, slug, incident_id)
    party = cast(Party, _party_named(membership, payload.party_id))
    with api_fields(API_FIELDS):
        services.incident_hand_over(actor=membership, incident=incident, party=party, note=payload.note)
    return _incident_detail(incident)


@router.post(
    INCIDENT + "/pause",
    response={200: IncidentDetailOut, **WRITE_ERRORS},
    summary="Pause an incident's clock",
    description="For a stated reason (waiting for the reporter, a change window): the holding party's "
    "clock and the escalation clock stop. Only an open or acknowledged incident." + WORKERS,
)
def governance_incident_pause(
    request: HttpRequest, slug: str, incident_id: int, payload: PauseIn
) -> IncidentDetailOut:
    membership, incident = _held(request, slug, incident_id)
    services.incident_pause(actor=membership, incident=incident, reason=payload.reason)
    return _incident_detail(incident)


@router.post(
    INCIDENT + "/resume",
    response={200: IncidentDetailOut, **WRITE_ERRORS},
    summary="Resume a paused incident",
    description="The holding party's clock runs again; an escalation that was waiting goes on with the "
    "working time it had left. Only a paused incident." + WORKERS,
)
def governance_incident_resume(request: HttpRequest, slug: str, incident_id: int) -> IncidentDetailOut:
    membership, incident = _held(request, slug, incident_id)
    services.incident_resume(actor=membership, incident=incident)
    return _incident_detail(incident)


@router.post(
    INCIDENT + "/resolve",
    response={200: IncidentDetailOut, **WRITE_ERRORS},
    summary="Resolve an incident",
    description="Saying how; resolving counts as acknowledging too. Not a resolved incident." + WORKERS,
)
def governance_incident_resolve(
    request: HttpRequest, slug: str, incident_id: int, payload: ResolveIn
) -> IncidentDetailOut:
    membership, incident = _held(request, slug, incident_id)
    services.incident_resolve(actor=membership, incident=incident, resolution=payload.resolution)
    return _incident_detail(incident)


@router.post(
    INCIDENT + "/reopen",
    response={200: IncidentDetailOut, **WRITE_ERRORS},
    summary="Reopen a resolved incident",
    description="It came back: the holding party's clock runs again and it must acknowledge anew. Only "
    "a resolved incident." + WORKERS,
)
def governance_incident_reopen(
    request: HttpRequest, slug: str, incident_id: int, payload: ReopenIn
) -> IncidentDetailOut:
    membership, incident = _held(request, slug, incident_id)
    services.incident_reopen(actor=membership, incident=incident, reason=payload.reason)
    return _incident_detail(incident)


@router.post(
    INCIDENT + "/notes",
    response={201: IncidentEventOut, **WRITE_ERRORS},
    summary="Add a note to an incident's timeline (members but viewers)",
    description="What was tried, what the reporter said. Anyone who sees the incident may add one, but "
    "a viewer." + INCIDENTS_PARTNERS,
)
def governance_incident_note(
    request: HttpRequest, slug: str, incident_id: int, payload: IncidentNoteIn
) -> Status[IncidentEventOut]:
    membership = _raiser(request, slug)
    incident = access.incident_get_for_user(membership, incident_id)
    return Status(
        201, event_out(services.incident_note(actor=membership, incident=incident, note=payload.note))
    )


@router.get(
    INCIDENT + "/review",
    response={200: IncidentReviewOut | None, **ERRORS},
    summary="An incident's post-incident review",
    description="The review, or `null` while none has been written." + INCIDENTS_PARTNERS,
)
def governance_incident_review_get(
    request: HttpRequest, slug: str, incident_id: int
) -> IncidentReviewOut | None:
    membership, incident = _seen(request, slug, incident_id)
    review = (
        IncidentReview.objects.for_org(membership.organization)
        .filter(incident=incident)
        .select_related("written_by__user")
        .first()
    )
    return review_out(review) if review is not None else None


@router.put(
    INCIDENT + "/review",
    response={200: IncidentReviewOut, **WRITE_ERRORS},
    summary="Write an incident's post-incident review",
    description="What happened and why, the lessons and the follow-up actions, once the incident is "
    "resolved (409 before). Written again, it replaces the earlier text. For leads, and for the contacts "
    "of a party that held the incident; the weekly review picks it up.",
)
def governance_incident_review_put(
    request: HttpRequest, slug: str, incident_id: int, payload: IncidentReviewIn
) -> IncidentReviewOut:
    membership, incident = _seen(request, slug, incident_id)
    require_allowed(membership, access.can_review_incident(membership, incident), why="may not review")
    review = services.incident_review_write(actor=membership, incident=incident, **payload.model_dump())
    return review_out(review)


# --- The party scorecard and the business side's ratings --------------------------------------


@router.get(
    ORG + "/scorecard",
    response={200: ScorecardOut, **ERRORS},
    summary="The party scorecard of a quarter",
    description="Each party's quarter, best score first: the score (0–100) weighs the service levels met, "
    "the business side's rating, responsiveness and escalation-free incidents (`weights`; a component "
    "without facts is left out and the others scaled up). Beside it, incidents by severity, mean working "
    "hours to acknowledge and to resolve, escalations, the RACI load and contributions. A rating shows "
    "only once the quarter's rating window closed and from `rating_threshold` ratings; `rating_note` says "
    "why it does not. A member on the partner side sees only their own parties.",
)
def governance_scorecard(request: HttpRequest, slug: str, filters: Query[ScorecardFilters]) -> ScorecardOut:
    membership = _member(request, slug)
    quarter = selectors.default_quarter()
    if filters.quarter:
        found = scorecard.parse_quarter(filters.quarter)
        if found is None:
            raise ValidationFailed(_("Name a quarter from 2000-Q1 to 2100-Q4."), field="quarter")
        quarter = found
    parties = list(access.parties_for(membership).order_by(Lower("name"), "pk"))
    return scorecard_out(selectors.scorecard_rows(membership.organization, parties, quarter))


def _ratings(membership: Membership) -> RatingsOut:
    quarter = services.rating_quarter()
    rated = selectors.rated_party_ids(membership, quarter)
    return RatingsOut(
        quarter=scorecard.quarter_label(quarter),
        starts_on=quarter,
        ends_on=scorecard.quarter_end(quarter),
        closes_on=scorecard.quarter_end(quarter) + timedelta(days=selectors.RATING_GRACE_DAYS),
        parties=[
            RatablePartyOut(party_id=p.pk, party=p.name, rated=p.pk in rated)
            for p in selectors.parties_to_rate(membership, quarter)
        ],
    )


@router.get(
    ORG + "/party-ratings",
    response={200: RatingsOut, **ERRORS},
    summary="The parties you may rate",
    description="The quarter open for rating (during it and for three weeks after it ends) and the "
    "parties you may rate: as a business co-lead, those in the RACI matrix of, or running a service for, "
    "an initiative you co-lead. `rated` says whether you have rated one, never what you gave. Empty for "
    "everyone else.",
)
def governance_rating_list(request: HttpRequest, slug: str) -> RatingsOut:
    return _ratings(_member(request, slug))


@router.post(
    ORG + "/party-ratings",
    response={201: RatingsOut, **WRITE_ERRORS},
    summary="Rate a party for the open quarter (business co-leads)",
    description="`score` 1 to 5, once per party and quarter (409 the second time); a party you may not "
    "rate is a 422 on `party_id`, and 404 for whoever may rate none. The rating is stored "
    "apart from who gave it; it shows on the scorecard only as a mean, once the window closed and from "
    "the anonymity threshold.",
)
def governance_party_rate(request: HttpRequest, slug: str, payload: RatingIn) -> Status[RatingsOut]:
    membership = _member(request, slug)
    # As on the page: whoever has nobody to rate may not rate at all.
    ratable = selectors.parties_to_rate(membership, services.rating_quarter())
    require_allowed(membership, bool(ratable), why="has no parties to rate")
    party = cast(Party, _party_named(membership, payload.party_id))
    with api_fields(API_FIELDS):
        services.party_rate(actor=membership, party=party, score=payload.score)
    return Status(201, _ratings(membership))
