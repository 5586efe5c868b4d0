"""The delivery JSON API: the delivery dashboard and thresholds, an initiative's baseline against
its plan, deliverables with their re-plans, offers and the business's decisions, change requests,
end-user feedback and its links, and the public door through which end users give feedback.

Handlers load through the access gate (``delivery.access``) and call the same selectors and
services as the pages. A member on the partner side sees only the deliverables their parties own
and the change requests about those (404 for any other), never an initiative's delivery page. A
feedback link's address shows only to those who may manage it. The two ``/feedback/{feedback_token}``
endpoints take no account: the token is the credential, and they answer nothing about who gave
feedback."""

# No ``from __future__ import annotations`` here: ninja reads the parameter types as objects.

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.core import ratelimit
from tandem.core.access import Need, org_member
from tandem.core.api import ERRORS, WRITE_ERRORS, Pages, Serialised, api_fields, member_named
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.models import Membership
from tandem.core.schemas import ErrorOut, ValidationErrorOut
from tandem.core.services import UNCHANGED
from tandem.delivery import access, metrics, selectors, services
from tandem.delivery.models import Baseline, ChangeRequest, Deliverable, FeedbackLink
from tandem.delivery.schemas import (
    AcceptanceIn,
    BaselineOut,
    ChangeDecisionIn,
    ChangeRequestFilters,
    ChangeRequestIn,
    ChangeRequestOut,
    DeliverableCancelIn,
    DeliverableDetailOut,
    DeliverableFilters,
    DeliverableIn,
    DeliverableOut,
    DeliverablePatchIn,
    DeliveryDashboardOut,
    DeliverySettingsIn,
    DeliverySettingsOut,
    FeedbackAboutOut,
    FeedbackClosedOut,
    FeedbackFilters,
    FeedbackIn,
    FeedbackLinkOut,
    FeedbackPageOut,
    FeedbackThanksOut,
    InitiativeDeliveryOut,
    OfferIn,
    PlanOut,
    ReplanIn,
    breaches_out,
    change_request_out,
    dashboard_out,
    deliverable_detail_out,
    deliverable_out,
    feedback_about_out,
    feedback_item_out,
    feedback_link_out,
    feedback_summary_out,
    figures_out,
    money_text,
    plan_change_out,
    settings_out,
    timeline_row_out,
)
from tandem.governance.models import Party
from tandem.strategy.access import can_edit_initiative
from tandem.strategy.models import Initiative

router = Router(tags=["delivery"])
# The public door of end-user feedback links (no account), registered before the organisations'
# routes (``config.api``), like the surveys' door.
public_router = Router(tags=["delivery"])

ORG = "/orgs/{slug}"
INITIATIVE = ORG + "/initiatives/{initiative_id}"
DELIVERABLE = ORG + "/deliverables/{deliverable_id}"
CHANGE = ORG + "/change-requests/{change_id}"
FEEDBACK = "/feedback/{feedback_token}"
PARTNERS = " A member on the partner side sees only the deliverables their parties own (404 for any other)."
INTERNAL = " Internal members only (404 on the partner side)."
PLANNERS = " For whoever may edit the initiative; 409 when the deliverable's state does not allow it."

# Services name model fields; the API names what the client sent.
API_FIELDS = {
    "owner_member": "owner_member_id",
    "owner_party": "owner_party_id",
    "asked_by": "asked_by_id",
    "change_request": "change_request_id",
    "failed_criteria": "failed_criterion_ids",
    "deliverable": "deliverable_id",
    "requested_by": "requested_by_id",
}


def _member(request: HttpRequest, slug: str, need: Need = Need.MEMBER) -> Membership:
    return org_member(request, slug, need=need)


def _link_out(link: FeedbackLink) -> FeedbackLinkOut:
    url = settings.SITE_URL + reverse("delivery:feedback_public", args=[selectors.link_token(link)])
    return feedback_link_out(link, url)


def _shown_link(
    initiative: Initiative, deliverable: Deliverable | None, allowed: bool
) -> FeedbackLinkOut | None:
    """The feedback link, for those who may manage it only."""
    if not allowed:
        return None
    link = selectors.feedback_link_of(initiative, deliverable)
    return _link_out(link) if link is not None else None


def _detail(membership: Membership, deliverable_id: int) -> DeliverableDetailOut:
    """The deliverable as it stands (loaded afresh after a write), with its criteria, re-plans
    and offers; its end users and feedback link only for those who may manage it."""
    deliverable = selectors.deliverable_detail(membership.organization, deliverable_id)
    if deliverable is None:
        raise NotFound("no such deliverable", org=membership.organization)
    allowed = access.can_plan(membership, deliverable)
    recipients = deliverable.feedback_recipients.split() if allowed else None
    return deliverable_detail_out(
        deliverable, recipients=recipients, link=_shown_link(deliverable.initiative, deliverable, allowed)
    )


def _party_named(membership: Membership, pk: int | None, field: str) -> Party | None:
    """The party of the organisation a request body names by id; a 422 on ``field`` when none."""
    if pk is None:
        return None
    party = Party.objects.for_org(membership.organization).filter(pk=pk).first()
    if party is None:
        raise ValidationFailed(_("Choose an active party of this organisation."), field=field)
    return party


def _change_named(membership: Membership, pk: int | None) -> ChangeRequest | None:
    if pk is None:
        return None
    change = access.change_requests_for(membership).filter(pk=pk).first()  # only those they may see
    if change is None:
        raise ValidationFailed(_("Choose a change request of this initiative."), field="change_request_id")
    return change


# --- The dashboard and the thresholds ----------------------------------------------------------


@router.get(
    ORG + "/delivery",
    response={200: DeliveryDashboardOut, **ERRORS},
    summary="The delivery dashboard",
    description="The organisation's delivery figures (on-time and first-time-right rates against the "
    "first committed date, mean slip, rejections by reason, scope creep, schedule growth, unexplained "
    "changes, budget and schedule variance), each initiative's, party's and department's with the "
    "thresholds they pass (`breaches`), the last twelve months, and the deliverables accepted without "
    "end-user feedback since. A rate is 0–1 and null without facts. A member on the partner side "
    "sees only their parties' deliverables (`limited`): no initiatives, departments or plans.",
)
# Not kept under the data version like other reads: end-user feedback does not bump it (one row
# every end user would update), and the quiet deliverables depend on it.
def delivery_dashboard(request: HttpRequest, slug: str) -> DeliveryDashboardOut:
    membership = _member(request, slug)
    party_ids = access.require_dashboard(membership)
    found = selectors.dashboard(membership.organization, party_ids=party_ids)
    return dashboard_out(found, limited=party_ids is not None)


@router.get(
    ORG + "/delivery/settings",
    response={200: DeliverySettingsOut, **ERRORS},
    summary="The delivery thresholds",
    description="A figure past its threshold is an alert on the dashboard and an item of the weekly "
    "review." + INTERNAL,
)
def delivery_settings_get(request: HttpRequest, slug: str) -> DeliverySettingsOut:
    membership = _member(request, slug, Need.READER)
    return settings_out(selectors.delivery_settings(membership.organization))


@router.put(
    ORG + "/delivery/settings",
    response={200: DeliverySettingsOut, **WRITE_ERRORS},
    summary="Change the delivery thresholds (owners, admins)",
    description="Send only the thresholds to change; the change is audited.",
)
def delivery_settings_put(
    request: HttpRequest, slug: str, payload: DeliverySettingsIn
) -> DeliverySettingsOut:
    membership = _member(request, slug)
    access.require_settings(membership)
    values = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return settings_out(services.settings_update(actor=membership, **values))


# --- An initiative's delivery ------------------------------------------------------------------


@router.get(
    INITIATIVE + "/delivery",
    response={200: InitiativeDeliveryOut, **ERRORS},
    summary="An initiative's delivery: baseline against plan",
    description="The baseline (the budget, start and target date when the initiative was committed "
    "to; the current plan while it is not), the current plan, every move of the budget or target date "
    "since (`explained` when an approved change request made it), the figures with the thresholds "
    "they pass, and each deliverable's first committed date, re-plans and delivery." + INTERNAL,
)
def delivery_initiative(request: HttpRequest, slug: str, initiative_id: int) -> InitiativeDeliveryOut:
    membership = _member(request, slug)
    initiative = access.initiative_for_read(membership, initiative_id)
    org = membership.organization
    baseline = Baseline.objects.for_org(org).filter(initiative=initiative).first()
    figures = selectors.initiative_figures(initiative)
    current = PlanOut(
        budget=money_text(initiative.budget_amount),
        start_date=initiative.start_date,
        target_date=initiative.target_date,
    )
    return InitiativeDeliveryOut(
        initiative_id=initiative.pk,
        title=initiative.title,
        currency=initiative.budget_currency,
        baseline=BaselineOut(
            budget=money_text(baseline.budget_amount),
            start_date=baseline.start_date,
            target_date=baseline.target_date,
            taken_at=baseline.taken_at,
        )
        if baseline is not None
        else BaselineOut(**current.model_dump(), taken_at=None),
        current=current,
        plan_changes=[plan_change_out(p) for p in selectors.plan_changes(initiative)],
        figures=figures_out(figures),
        breaches=breaches_out(metrics.breaches(figures, selectors.thresholds(org))),
        timeline=[timeline_row_out(row) for row in selectors.timeline(initiative)],
        feedback_link=_shown_link(initiative, None, can_edit_initiative(membership, initiative)),
    )


# --- Deliverables ------------------------------------------------------------------------------


@router.get(
    ORG + "/deliverables",
    response={200: list[DeliverableOut], **ERRORS},
    summary="List deliverables",
    description="Deliverables by due date; filter by `status` and `initiative_id`." + PARTNERS,
)
@paginate(Pages)
def delivery_deliverable_list(request: HttpRequest, slug: str, filters: Query[DeliverableFilters]) -> Any:
    membership = _member(request, slug)
    rows = access.deliverables_for(membership)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    if filters.initiative_id is not None:
        rows = rows.filter(initiative_id=filters.initiative_id)
    return Serialised(rows, deliverable_out)


@router.get(
    INITIATIVE + "/deliverables",
    response={200: list[DeliverableOut], **ERRORS},
    summary="An initiative's deliverables",
    description="By due date." + INTERNAL,
)
@paginate(Pages)
def delivery_initiative_deliverables(request: HttpRequest, slug: str, initiative_id: int) -> Any:
    membership = _member(request, slug)
    initiative = access.initiative_for_read(membership, initiative_id)
    return Serialised(access.deliverables_for(membership).filter(initiative=initiative), deliverable_out)


@router.post(
    INITIATIVE + "/deliverables",
    response={201: DeliverableDetailOut, **WRITE_ERRORS},
    summary="Add a deliverable (who may edit the initiative)",
    description="A result promised to the business by `committed_date`, with its acceptance criteria. "
    "The owner is a member (`owner_member_id`) or a party (`owner_party_id`) of the organisation, not "
    "both. The initiative's baseline is taken now if it has none.",
)
def delivery_deliverable_create(
    request: HttpRequest, slug: str, initiative_id: int, payload: DeliverableIn
) -> Status[DeliverableDetailOut]:
    membership = _member(request, slug)
    initiative = access.initiative_for_plan(membership, initiative_id)
    with api_fields(API_FIELDS):
        deliverable = services.deliverable_create(
            actor=membership,
            initiative=initiative,
            title=payload.title,
            committed_date=payload.committed_date,
            description=payload.description,
            owner_member=member_named(membership, payload.owner_member_id, "owner_member_id"),
            owner_party=_party_named(membership, payload.owner_party_id, "owner_party_id"),
            criteria=payload.criteria,
            feedback_recipients=payload.feedback_recipients,
        )
    return Status(201, _detail(membership, deliverable.pk))


@router.get(
    DELIVERABLE,
    response={200: DeliverableDetailOut, **ERRORS},
    summary="One deliverable",
    description="The deliverable with its acceptance criteria, every re-plan (with its reason, who asked "
    "and whether an approved change request explains it) and every offer with the business's decision. "
    "Its end users and feedback link show only to those who may manage it." + PARTNERS,
)
def delivery_deliverable_detail(request: HttpRequest, slug: str, deliverable_id: int) -> DeliverableDetailOut:
    membership = _member(request, slug)
    deliverable = access.deliverable_get_for_user(membership, deliverable_id)
    return _detail(membership, deliverable.pk)


@router.patch(
    DELIVERABLE,
    response={200: DeliverableDetailOut, **WRITE_ERRORS},
    summary="Change a deliverable (who may edit the initiative)",
    description="Send only the fields to change; its dates change through re-plans. Naming an owning "
    "member replaces the owning party and the other way round; `null` removes it. Once offered, the "
    "agreed criteria stay: new ones go at the end (409 otherwise).",
)
def delivery_deliverable_update(
    request: HttpRequest, slug: str, deliverable_id: int, payload: DeliverablePatchIn
) -> DeliverableDetailOut:
    membership = _member(request, slug)
    deliverable = access.deliverable_for_plan(membership, deliverable_id)
    fields = payload.model_dump(exclude_unset=True)
    data: dict[str, Any] = {k: (UNCHANGED if v is None else v) for k, v in fields.items()}
    if "owner_member_id" in data:  # null removes the owning member
        data.pop("owner_member_id")
        data["owner_member"] = member_named(membership, fields["owner_member_id"], "owner_member_id")
    if "owner_party_id" in data:
        data.pop("owner_party_id")
        data["owner_party"] = _party_named(membership, fields["owner_party_id"], "owner_party_id")
    with api_fields(API_FIELDS):
        services.deliverable_update(actor=membership, deliverable=deliverable, **data)
    return _detail(membership, deliverable.pk)


@router.post(
    DELIVERABLE + "/replans",
    response={201: DeliverableDetailOut, **WRITE_ERRORS},
    summary="Re-plan a deliverable (its planners and its owner)",
    description="Move an open deliverable's due date, with the reason and who asked; its first committed "
    "date never moves. Without an approved change request of the initiative (`change_request_id`) "
    "the re-plan counts as unexplained. 409 once it is accepted or cancelled.",
)
def delivery_deliverable_replan(
    request: HttpRequest, slug: str, deliverable_id: int, payload: ReplanIn
) -> Status[DeliverableDetailOut]:
    membership = _member(request, slug)
    deliverable = access.deliverable_for_work(membership, deliverable_id)
    with api_fields(API_FIELDS):
        services.deliverable_replan(
            actor=membership,
            deliverable=deliverable,
            to_date=payload.to_date,
            reason=payload.reason,
            asked_by=member_named(membership, payload.asked_by_id, "asked_by_id"),
            asked_side=payload.asked_side or "",
            change_request=_change_named(membership, payload.change_request_id),
        )
    return Status(201, _detail(membership, deliverable.pk))


@router.post(
    DELIVERABLE + "/offers",
    response={201: DeliverableDetailOut, **WRITE_ERRORS},
    summary="Offer a deliverable for acceptance (its planners and its owner)",
    description="A planned deliverable, or a rejected one after rework, goes to the business for a "
    "decision; every offer stays in its history. 409 in any other state.",
)
def delivery_deliverable_offer(
    request: HttpRequest, slug: str, deliverable_id: int, payload: OfferIn
) -> Status[DeliverableDetailOut]:
    membership = _member(request, slug)
    deliverable = access.deliverable_for_work(membership, deliverable_id)
    services.deliverable_offer(
        actor=membership, deliverable=deliverable, offered_on=payload.offered_on, note=payload.note
    )
    return Status(201, _detail(membership, deliverable.pk))


@router.post(
    DELIVERABLE + "/decision",
    response={200: DeliverableDetailOut, **WRITE_ERRORS},
    summary="Accept or reject an offered deliverable (the business)",
    description="The initiative's business co-lead decides, or without one an owner or admin on the "
    "business side. Accepting records the offer's date as delivered and e-mails the feedback link to "
    "the chosen end users; `accepted_with_remarks` needs `remarks`; `rejected` needs a "
    "`rejection_reason`, `remarks` saying what was wrong and, for `criteria_not_met`, the "
    "`failed_criterion_ids`. 409 unless it waits for a decision.",
)
def delivery_deliverable_decide(
    request: HttpRequest, slug: str, deliverable_id: int, payload: AcceptanceIn
) -> DeliverableDetailOut:
    membership = _member(request, slug)
    deliverable = access.deliverable_for_acceptance(membership, deliverable_id)
    with api_fields(API_FIELDS):
        services.deliverable_decide(
            actor=membership,
            deliverable=deliverable,
            decision=payload.decision,
            remarks=payload.remarks,
            rejection_reason=payload.rejection_reason or "",
            failed_criteria=payload.failed_criterion_ids,
        )
    return _detail(membership, deliverable.pk)


@router.post(
    DELIVERABLE + "/cancel",
    response={200: DeliverableDetailOut, **WRITE_ERRORS},
    summary="Cancel a deliverable (who may edit the initiative)",
    description="It is no longer wanted; its history stays. 409 once it is accepted or cancelled.",
)
def delivery_deliverable_cancel(
    request: HttpRequest, slug: str, deliverable_id: int, payload: DeliverableCancelIn
) -> DeliverableDetailOut:
    membership = _member(request, slug)
    deliverable = access.deliverable_for_plan(membership, deliverable_id)
    services.deliverable_cancel(actor=membership, deliverable=deliverable, reason=payload.reason)
    return _detail(membership, deliverable.pk)


@router.post(
    DELIVERABLE + "/feedback-link",
    response={200: FeedbackLinkOut, **WRITE_ERRORS},
    summary="Open a deliverable's end-user feedback link (who may edit the initiative)",
    description="The link end users open without an account to rate the deliverable: made the first "
    "time, opened again when it was closed. Share its `url` like a password.",
)
def delivery_deliverable_feedback_link(
    request: HttpRequest, slug: str, deliverable_id: int
) -> FeedbackLinkOut:
    membership = _member(request, slug)
    deliverable = access.deliverable_for_plan(membership, deliverable_id)
    link = services.feedback_link_open(
        actor=membership, initiative=deliverable.initiative, deliverable=deliverable
    )
    return _link_out(link)


# --- Change requests ---------------------------------------------------------------------------

CHANGES_PARTNERS = (
    " A member on the partner side sees only the change requests about their parties' deliverables."
)


@router.get(
    ORG + "/change-requests",
    response={200: list[ChangeRequestOut], **ERRORS},
    summary="List change requests",
    description="Latest first; filter by `status` (`open` awaits a decision) and `initiative_id`."
    + CHANGES_PARTNERS,
)
@paginate(Pages)
def delivery_change_list(request: HttpRequest, slug: str, filters: Query[ChangeRequestFilters]) -> Any:
    membership = _member(request, slug)
    rows = access.change_requests_for(membership)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    if filters.initiative_id is not None:
        rows = rows.filter(initiative_id=filters.initiative_id)
    return Serialised(rows, change_request_out)


@router.get(
    INITIATIVE + "/change-requests",
    response={200: list[ChangeRequestOut], **ERRORS},
    summary="An initiative's change requests",
    description="Latest first." + INTERNAL,
)
@paginate(Pages)
def delivery_initiative_changes(request: HttpRequest, slug: str, initiative_id: int) -> Any:
    membership = _member(request, slug)
    initiative = access.initiative_for_read(membership, initiative_id)
    return Serialised(
        access.change_requests_for(membership).filter(initiative=initiative), change_request_out
    )


@router.post(
    INITIATIVE + "/change-requests",
    response={201: ChangeRequestOut, **WRITE_ERRORS},
    summary="Request a change (members but viewers)",
    description="A wish to change the initiative's scope, with why and its estimated impact: "
    "`budget_impact` (negative saves money), `schedule_impact_days` (negative ends earlier) and "
    "`scope_impact`; optionally about one of its deliverables, and asked by another member "
    "(`requested_by_id`; you by default).",
)
def delivery_change_create(
    request: HttpRequest, slug: str, initiative_id: int, payload: ChangeRequestIn
) -> Status[ChangeRequestOut]:
    membership = _member(request, slug)
    initiative = access.initiative_for_change_request(membership, initiative_id)
    deliverable = None
    if payload.deliverable_id is not None:
        deliverable = access.deliverables_for(membership).filter(pk=payload.deliverable_id).first()
        if deliverable is None:
            raise ValidationFailed(_("Choose a deliverable of this initiative."), field="deliverable_id")
    with api_fields(API_FIELDS):
        change = services.change_request_create(
            actor=membership,
            initiative=initiative,
            title=payload.title,
            reason=payload.reason,
            budget_impact=payload.budget_impact,
            schedule_impact_days=payload.schedule_impact_days,
            scope_impact=payload.scope_impact,
            deliverable=deliverable,
            requested_by=member_named(membership, payload.requested_by_id, "requested_by_id"),
        )
    return Status(201, change_request_out(access.change_request_get_for_user(membership, change.pk)))


@router.get(
    CHANGE,
    response={200: ChangeRequestOut, **ERRORS},
    summary="One change request",
    description="The request, its estimated impact and the decision on it." + CHANGES_PARTNERS,
)
def delivery_change_detail(request: HttpRequest, slug: str, change_id: int) -> ChangeRequestOut:
    membership = _member(request, slug)
    return change_request_out(access.change_request_get_for_user(membership, change_id))


@router.post(
    CHANGE + "/decision",
    response={200: ChangeRequestOut, **WRITE_ERRORS},
    summary="Approve, reject or defer a change request",
    description="For the initiative's co-leads and sponsor, and owners and admins, with a reason. "
    "Approving moves the initiative's budget and target date by the estimated impact, as explained "
    "plan changes; its baseline stays. A deferred request can be decided again; 409 once approved "
    "or rejected.",
)
def delivery_change_decide(
    request: HttpRequest, slug: str, change_id: int, payload: ChangeDecisionIn
) -> ChangeRequestOut:
    membership = _member(request, slug)
    change = access.change_request_for_decision(membership, change_id)
    services.change_request_decide(
        actor=membership, change=change, decision=payload.decision, reason=payload.reason
    )
    return change_request_out(access.change_request_get_for_user(membership, change.pk))


# --- End-user feedback -------------------------------------------------------------------------


@router.post(
    INITIATIVE + "/feedback-link",
    response={200: FeedbackLinkOut, **WRITE_ERRORS},
    summary="Open an initiative's end-user feedback link (who may edit it)",
    description="The link end users open without an account to rate the initiative as a whole: made the "
    "first time, opened again when it was closed. Share its `url` like a password.",
)
def delivery_initiative_feedback_link(request: HttpRequest, slug: str, initiative_id: int) -> FeedbackLinkOut:
    membership = _member(request, slug)
    initiative = access.initiative_for_plan(membership, initiative_id)
    return _link_out(services.feedback_link_open(actor=membership, initiative=initiative))


@router.post(
    ORG + "/feedback-links/{feedback_link_id}/close",
    response={200: FeedbackLinkOut, **WRITE_ERRORS},
    summary="Close an end-user feedback link (who may edit its initiative)",
    description="It takes no more feedback (the public door answers 409 `closed`); opening it again "
    "brings back the same address.",
)
def delivery_feedback_link_close(request: HttpRequest, slug: str, feedback_link_id: int) -> FeedbackLinkOut:
    membership = _member(request, slug)
    link = access.feedback_link_for_plan(membership, feedback_link_id)
    return _link_out(services.feedback_link_close(actor=membership, link=link))


@router.get(
    INITIATIVE + "/feedback",
    response={200: FeedbackPageOut, **ERRORS},
    summary="An initiative's end-user feedback",
    description="How many end users answered, their mean rating (1–5), the response rate of those "
    "asked by e-mail and the mean per month over twelve months; then the feedback itself, latest "
    "first, paginated with `limit` and `offset`. A name shows only when the end user gave one; "
    "nothing else about them is kept." + INTERNAL,
)
def delivery_feedback(
    request: HttpRequest, slug: str, initiative_id: int, filters: Query[FeedbackFilters]
) -> FeedbackPageOut:
    membership = _member(request, slug)
    initiative = access.initiative_for_read(membership, initiative_id)
    org = membership.organization
    rows = selectors.feedback_list(org, initiative=initiative)
    return FeedbackPageOut(
        summary=feedback_summary_out(selectors.feedback_summary(org, initiative=initiative)),
        items=[feedback_item_out(f) for f in rows[filters.offset : filters.offset + filters.limit]],
        count=rows.count(),
    )


# --- The public door: a feedback link, no account -----------------------------------------------


@public_router.get(
    FEEDBACK,
    auth=None,
    response={200: FeedbackAboutOut, 404: ErrorOut},
    summary="What a feedback link is about (no sign-in)",
    description="The token of a feedback link is the credential. The answer names the organisation and "
    "what to rate (a deliverable, or the initiative as a whole), and whether the link still takes "
    "feedback. An unknown token is a 404.",
)
def delivery_feedback_form(request: HttpRequest, feedback_token: str) -> FeedbackAboutOut:
    link = selectors.feedback_link_for_token(feedback_token)
    if link is None:
        raise NotFound("no such feedback link")
    return feedback_about_out(link)


@public_router.post(
    FEEDBACK,
    auth=None,
    response={
        201: FeedbackThanksOut,
        400: ErrorOut,
        404: ErrorOut,
        409: FeedbackClosedOut,
        413: ErrorOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
    summary="Give feedback through a feedback link (no sign-in)",
    description="Stores one rating (1–5) with an optional comment, and a name only if one is given; "
    "nothing else about the person, and the day, not the time. A closed link is a 409 with `code` "
    "`closed`; bad input a 422 naming the field. Too many attempts are a 429 with `Retry-After`.",
)
def delivery_feedback_submit(
    request: HttpRequest, feedback_token: str, payload: FeedbackIn, response: HttpResponse
) -> Status[Any]:
    try:  # counted before the link is looked up, so guessing tokens counts against the address
        ratelimit.check(
            request,
            key="feedback:" + selectors.token_hash(feedback_token),
            per_key=settings.FEEDBACK_RATE_PER_LINK,
            per_address=settings.FEEDBACK_RATE_PER_ADDRESS,
        )
    except ratelimit.RateLimited as exc:
        response["Retry-After"] = str(ratelimit.RETRY_AFTER)
        return Status(429, ErrorOut(detail=exc.said()))
    try:
        services.feedback_submit(
            token=feedback_token, rating=payload.rating, comment=payload.comment, name=payload.name
        )
    except Conflict as exc:
        return Status(409, FeedbackClosedOut(detail=exc.message, code=exc.code))
    except ValidationFailed as exc:
        if exc.code == "not_found":
            raise NotFound("no such feedback link") from None
        raise
    return Status(201, FeedbackThanksOut(detail=_("Thank you. Your feedback was recorded.")))
