"""The strategy JSON API: objectives, key results, check-ins and initiatives of an organisation.

Handlers load through the access gate, call the same services and selectors as the pages and
serialise. Request fields that name other rows (owners, co-leads, departments, key results) are
resolved here within the organisation; an unknown one is a 422 naming the field.
"""

# No ``from __future__ import annotations`` here: ninja must see the ``Query[...]`` parameter
# types as objects, not strings, to build the query-parameter models.

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.core import selectors as core_selectors
from tandem.core.access import Need, lead, reader
from tandem.core.api import ERRORS, WRITE_ERRORS, Pages, api_fields, kept_read, member_named
from tandem.core.errors import ValidationFailed
from tandem.core.models import Department, Membership
from tandem.core.schemas import ValidationErrorOut
from tandem.strategy import access, selectors, services
from tandem.strategy.models import (
    CheckIn,
    Initiative,
    KeyResult,
    KeyResultLink,
    Objective,
    SuccessMeasure,
)
from tandem.strategy.schemas import (
    CheckInIn,
    CheckInOut,
    GateRefusedOut,
    InitiativeFilters,
    InitiativeIn,
    InitiativeOut,
    InitiativePatchIn,
    KeyResultFilters,
    KeyResultIn,
    KeyResultLinkIn,
    KeyResultLinkOut,
    KeyResultOut,
    KeyResultPatchIn,
    ObjectiveFilters,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatchIn,
    SuccessMeasureIn,
    SuccessMeasureOut,
    TransitionIn,
)

router = Router(tags=["strategy"])

ORG = "/orgs/{slug}"


# Services name model fields; the API names what the client sent.
API_FIELDS = {
    "business_owner": "business_owner_id",
    "it_owner": "it_owner_id",
    "business_co_lead": "business_co_lead_id",
    "it_co_lead": "it_co_lead_id",
    "sponsor": "sponsor_id",
    "departments": "department_ids",
    "key_result": "key_result_id",
    "budget_amount": "budget.amount",
    "budget_currency": "budget.currency",
    "end_user_input_who": "end_user_input.who",
    "end_user_input_when": "end_user_input.when",
    "end_user_input_summary": "end_user_input.summary",
    "end_user_input_waiver": "end_user_input.waiver",
}


def _departments(membership: Membership, ids: list[int] | None) -> list[Department]:
    wanted = set(ids or [])
    found = list(core_selectors.department_list_for_org(membership.organization).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationFailed(_("Choose departments of this organisation."), field="department_ids")
    return found


def _key_result(membership: Membership, pk: int) -> KeyResult:
    found = selectors.key_result_list(membership.organization).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(_("Choose a key result of this organisation."), field="key_result_id")
    return found


# --- Objectives ----------------------------------------------------------------------------------


def _objective_data(membership: Membership, payload: ObjectiveIn | ObjectivePatchIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    for role in ("business_owner", "it_owner"):
        if f"{role}_id" in data:
            data[role] = member_named(membership, data.pop(f"{role}_id"), f"{role}_id")
    return data


@router.get(
    ORG + "/objectives",
    response={200: list[ObjectiveOut], **ERRORS},
    summary="List shared objectives",
    description="Objectives of the organisation, newest period first, with their owners and key result "
    "ids. Filter by `status` and by `siloed` (not owned by one business-side and one IT-side member).",
)
@paginate(Pages)
def objective_list(request: HttpRequest, slug: str, filters: Query[ObjectiveFilters]) -> Any:
    membership = reader(request, slug)
    objectives = selectors.objective_list(membership.organization, status=filters.status or "")
    if filters.siloed is True:
        return objectives.exclude(selectors.SHARED_OBJECTIVE)
    if filters.siloed is False:
        return objectives.filter(selectors.SHARED_OBJECTIVE)
    return objectives


@router.post(
    ORG + "/objectives",
    response={201: ObjectiveOut, **WRITE_ERRORS},
    summary="Create an objective (owners, admins, leads)",
    description="A siloed objective (without a business owner from the business side and an IT owner "
    "from the IT side) can only be a draft. Owners are given by membership id.",
)
def objective_create(request: HttpRequest, slug: str, payload: ObjectiveIn) -> Status[Objective]:
    membership = lead(request, slug)
    with api_fields(API_FIELDS):
        objective = services.objective_create(actor=membership, **_objective_data(membership, payload))
    return Status(201, objective)


@router.get(
    ORG + "/objectives/{objective_id}",
    response={200: ObjectiveOut, **ERRORS},
    summary="One objective",
    description="An objective with its owners, status, whether it is siloed, and its key result ids.",
)
def objective_detail(request: HttpRequest, slug: str, objective_id: int) -> Objective:
    return access.objective_get_for_user(reader(request, slug), objective_id)


@router.patch(
    ORG + "/objectives/{objective_id}",
    response={200: ObjectiveOut, **WRITE_ERRORS},
    summary="Change an objective (owners, admins, leads)",
    description="Send only the fields to change; `null` removes an owner. Every change is audited.",
)
def objective_update(
    request: HttpRequest, slug: str, objective_id: int, payload: ObjectivePatchIn
) -> Objective:
    membership = reader(request, slug)
    objective = access.objective_get_for_user(membership, objective_id, write=True)
    with api_fields(API_FIELDS):
        return services.objective_update(
            actor=membership, objective=objective, **_objective_data(membership, payload)
        )


# --- Key results ---------------------------------------------------------------------------------


@router.get(
    ORG + "/objectives/{objective_id}/key-results",
    response={200: list[KeyResultOut], **ERRORS},
    summary="List an objective's key results",
    description="The key results under one objective, with their progress and staleness.",
)
@paginate(Pages)
def objective_key_result_list(request: HttpRequest, slug: str, objective_id: int) -> Any:
    membership = reader(request, slug)
    objective = access.objective_get_for_user(membership, objective_id)
    return selectors.key_result_list(membership.organization, objective_id=objective.pk)


@router.post(
    ORG + "/objectives/{objective_id}/key-results",
    response={201: KeyResultOut, **WRITE_ERRORS},
    summary="Add a key result to an objective (owners, admins, leads)",
    description="A measurable result from a baseline to a target. To increase, the target is at least "
    "the baseline; to decrease, at most; to stay `within` a band, give `band_min` and `band_max`.",
)
def key_result_create(
    request: HttpRequest, slug: str, objective_id: int, payload: KeyResultIn
) -> Status[KeyResult]:
    membership = reader(request, slug)
    objective = access.objective_get_for_user(membership, objective_id, write=True)
    key_result = services.key_result_create(
        actor=membership, objective=objective, **payload.model_dump(exclude_unset=True)
    )
    return Status(201, key_result)


@router.get(
    ORG + "/key-results",
    response={200: list[KeyResultOut], **ERRORS},
    summary="List key results",
    description="Every key result of the organisation, by objective; filter by `objective_id`.",
)
@paginate(Pages)
def key_result_list(request: HttpRequest, slug: str, filters: Query[KeyResultFilters]) -> Any:
    membership = reader(request, slug)
    return selectors.key_result_list(membership.organization, objective_id=filters.objective_id)


@router.get(
    ORG + "/key-results/{key_result_id}",
    response={200: KeyResultOut, **ERRORS},
    summary="One key result",
    description="A key result with its current value, progress (0 to 1) and whether it is stale "
    "(no check-in for 14 days).",
)
def key_result_detail(request: HttpRequest, slug: str, key_result_id: int) -> KeyResult:
    return access.key_result_get_for_user(reader(request, slug), key_result_id)


@router.patch(
    ORG + "/key-results/{key_result_id}",
    response={200: KeyResultOut, **WRITE_ERRORS},
    summary="Change a key result (owners, admins, leads)",
    description="Send only the fields to change. The current value changes through check-ins.",
)
def key_result_update(
    request: HttpRequest, slug: str, key_result_id: int, payload: KeyResultPatchIn
) -> KeyResult:
    membership = reader(request, slug)
    key_result = access.key_result_get_for_user(membership, key_result_id, write=True)
    return services.key_result_update(
        actor=membership, key_result=key_result, **payload.model_dump(exclude_unset=True)
    )


# --- Check-ins -----------------------------------------------------------------------------------


@router.get(
    ORG + "/key-results/{key_result_id}/check-ins",
    response={200: list[CheckInOut], **ERRORS},
    summary="List a key result's check-ins",
    description="Readings of one key result, newest first.",
)
@paginate(Pages)
def check_in_list(request: HttpRequest, slug: str, key_result_id: int) -> Any:
    membership = reader(request, slug)
    key_result = access.key_result_get_for_user(membership, key_result_id)
    return selectors.check_in_list(membership.organization, key_result_id=key_result.pk)


@router.post(
    ORG + "/key-results/{key_result_id}/check-ins",
    response={201: CheckInOut, **WRITE_ERRORS},
    summary="Record a check-in (members and up)",
    description="A reading of the key result with a confidence from 0 to 10; it becomes the key "
    "result's current value.",
)
def check_in_create(
    request: HttpRequest, slug: str, key_result_id: int, payload: CheckInIn
) -> Status[CheckIn]:
    membership = reader(request, slug)
    key_result = access.key_result_get_for_check_in(membership, key_result_id)
    check_in = services.check_in_create(
        actor=membership,
        key_result=key_result,
        value=payload.value,
        confidence=payload.confidence,
        note=payload.note,
    )
    return Status(201, check_in)


@router.get(
    ORG + "/check-ins/{check_in_id}",
    response={200: CheckInOut, **ERRORS},
    summary="One check-in",
    description="A reading of a key result with its author, confidence and note.",
)
def check_in_detail(request: HttpRequest, slug: str, check_in_id: int) -> CheckIn:
    return access.check_in_get_for_user(reader(request, slug), check_in_id)


# --- Initiatives ---------------------------------------------------------------------------------


def _initiative_data(membership: Membership, payload: InitiativeIn | InitiativePatchIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    for role in ("business_co_lead", "it_co_lead", "sponsor"):
        if f"{role}_id" in data:
            data[role] = member_named(membership, data.pop(f"{role}_id"), f"{role}_id")
    if "budget" in data:
        budget = data.pop("budget")
        data["budget_amount"] = budget["amount"] if budget else None
        if budget and "currency" in budget:
            data["budget_currency"] = budget["currency"]
    if "department_ids" in data:
        data["departments"] = _departments(membership, data.pop("department_ids"))
    if "end_user_input" in data:
        given = data.pop("end_user_input")
        if given is None:  # null clears all of it
            given = {"who": "", "when": None, "summary": "", "waiver": ""}
        data.update({f"end_user_input_{key}": value for key, value in given.items()})
    return data


def _initiative(membership: Membership, initiative_id: int) -> Initiative:
    """The initiative as the API shows it: freshly loaded, with its signals recomputed."""
    return access.initiative_get_for_user(membership, initiative_id)


def _portfolio_rows(membership: Membership, filters: InitiativeFilters) -> QuerySet[Initiative]:
    org = membership.organization
    portfolio = selectors.initiative_portfolio(
        org,
        selectors.PortfolioFilters(
            stage=filters.stage or "",
            department=filters.department,
            sponsor_side=filters.sponsor_side or "",
            missing=filters.missing or "",
            q=filters.q,
            sort=filters.sort,
        ),
    )
    return portfolio.prefetch_related(
        Prefetch("success_measures", queryset=SuccessMeasure.objects.for_org(org))
    ).prefetch_related(
        Prefetch("key_result_links", queryset=KeyResultLink.objects.for_org(org).select_related("key_result"))
    )


@router.get(
    ORG + "/initiatives",
    response={200: list[InitiativeOut], **ERRORS},
    summary="List initiatives (the portfolio)",
    description="Initiatives with their six alignment signals, budget and key-result progress. Filter "
    "by `stage`, `department` (id), `sponsor_side`, a `missing` signal, or words in the title (`q`); "
    "order with `sort`.",
)
@kept_read(Need.READER)
@paginate(Pages)
def initiative_list(request: HttpRequest, slug: str, filters: Query[InitiativeFilters]) -> Any:
    membership = reader(request, slug)
    return _portfolio_rows(membership, filters)


@router.post(
    ORG + "/initiatives",
    response={201: InitiativeOut, **WRITE_ERRORS},
    summary="Create an initiative (members and up)",
    description="A new initiative at the idea stage. People are given by membership id, departments by "
    "id. Add success measures and key-result links through their sub-resources.",
)
def initiative_create(request: HttpRequest, slug: str, payload: InitiativeIn) -> Status[Initiative]:
    membership = reader(request, slug)
    access.require_contributor(membership)
    with api_fields(API_FIELDS):
        initiative = services.initiative_create(actor=membership, **_initiative_data(membership, payload))
    return Status(201, _initiative(membership, initiative.pk))


@router.get(
    ORG + "/initiatives/{initiative_id}",
    response={200: InitiativeOut, **ERRORS},
    summary="One initiative",
    description="An initiative with its outcome, people, success measures, key-result links, stage and "
    "alignment signals.",
)
def initiative_detail(request: HttpRequest, slug: str, initiative_id: int) -> Initiative:
    return _initiative(reader(request, slug), initiative_id)


@router.patch(
    ORG + "/initiatives/{initiative_id}",
    response={200: InitiativeOut, **WRITE_ERRORS},
    summary="Change an initiative (editors, and members who lead, sponsor or created it)",
    description="Send only the fields to change; `null` removes a person or the budget, "
    "`department_ids` replaces the departments. The stage changes only through `transition`.",
)
def initiative_update(
    request: HttpRequest, slug: str, initiative_id: int, payload: InitiativePatchIn
) -> Initiative:
    membership = reader(request, slug)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    with api_fields(API_FIELDS):
        services.initiative_update(
            actor=membership, initiative=initiative, **_initiative_data(membership, payload)
        )
    return _initiative(membership, initiative.pk)


@router.post(
    ORG + "/initiatives/{initiative_id}/transition",
    response={200: InitiativeOut, **WRITE_ERRORS, 422: GateRefusedOut | ValidationErrorOut},
    summary="Move an initiative to another stage",
    description="idea → proposed → approved → in_delivery → delivered → closed, plus paused and "
    "cancelled (with a `reason`) from any open stage; closing needs `outcome_achieved`. Approval "
    "passes the gate: a refusal is a 422 whose `missing` lists every missing element "
    "(business_outcome, success_measure, business_co_lead, it_co_lead, shared_key_result, "
    "end_user_input). A move the stage does not allow is a 409.",
)
def initiative_transition(
    request: HttpRequest, slug: str, initiative_id: int, payload: TransitionIn
) -> Initiative:
    membership = reader(request, slug)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    with api_fields({}, default="to"):  # the gate refuses the move itself
        services.initiative_transition(
            actor=membership,
            initiative=initiative,
            to=payload.to,
            reason=payload.reason,
            outcome_achieved=payload.outcome_achieved or "",
            lessons_learned=payload.lessons_learned,
        )
    return _initiative(membership, initiative.pk)


@router.post(
    ORG + "/initiatives/{initiative_id}/success-measures",
    response={201: SuccessMeasureOut, **WRITE_ERRORS},
    summary="Add a success measure to an initiative",
    description="A named value from a baseline to a target by a date, optionally tied to a key result. "
    "The approval gate needs at least one measure with a target.",
)
def success_measure_add(
    request: HttpRequest, slug: str, initiative_id: int, payload: SuccessMeasureIn
) -> Status[SuccessMeasure]:
    membership = reader(request, slug)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    data = payload.model_dump(exclude={"key_result_id"})
    with api_fields(API_FIELDS):
        if payload.key_result_id is not None:
            data["key_result"] = _key_result(membership, payload.key_result_id)
        measure = services.success_measure_add(actor=membership, initiative=initiative, **data)
    return Status(201, measure)


@router.delete(
    ORG + "/initiatives/{initiative_id}/success-measures/{measure_id}",
    response={204: None, **ERRORS},
    summary="Remove a success measure from an initiative",
    description="The measure is deleted; the removal is audited.",
)
def success_measure_remove(
    request: HttpRequest, slug: str, initiative_id: int, measure_id: int
) -> Status[None]:
    membership = reader(request, slug)
    measure = access.success_measure_get_for_user(membership, initiative_id, measure_id)
    services.success_measure_remove(actor=membership, measure=measure)
    return Status(204, None)


@router.post(
    ORG + "/initiatives/{initiative_id}/key-result-links",
    response={201: KeyResultLinkOut, **WRITE_ERRORS},
    summary="Link an initiative to a key result it contributes to",
    description="With a note on the expected contribution. A link to a key result of a shared objective "
    "is part of the approval gate. Linking the same key result twice is a 409.",
)
def key_result_link_add(
    request: HttpRequest, slug: str, initiative_id: int, payload: KeyResultLinkIn
) -> Status[KeyResultLink]:
    membership = reader(request, slug)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    with api_fields(API_FIELDS):
        key_result = _key_result(membership, payload.key_result_id)
        link = services.key_result_link_add(
            actor=membership, initiative=initiative, key_result=key_result, contribution=payload.contribution
        )
    return Status(201, link)


@router.delete(
    ORG + "/initiatives/{initiative_id}/key-result-links/{link_id}",
    response={204: None, **ERRORS},
    summary="Remove an initiative's link to a key result",
    description="The link is deleted; the removal is audited.",
)
def key_result_link_remove(request: HttpRequest, slug: str, initiative_id: int, link_id: int) -> Status[None]:
    membership = reader(request, slug)
    link = access.key_result_link_get_for_user(membership, initiative_id, link_id)
    services.key_result_link_remove(actor=membership, link=link)
    return Status(204, None)
