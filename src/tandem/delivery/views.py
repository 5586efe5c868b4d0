"""Delivery pages: the gate loads, a service writes, a selector reads, a template renders.

An initiative's delivery tab (its baseline against its current plan and every move of it, the
figures, the planned-vs-actual timeline, its deliverables, change requests and end-user
feedback); a deliverable's page with the steps each person may take (re-plan, offer, the
business's decision, cancel); the change requests with their decision; the feedback links.
A refused step answers its page again with the error next to what was typed.

The delivery tab and the list of change requests show only the organisation's data as the member
sees it on the day: they are kept whole (``core.cache.page_cached``), the tab also per version of
the end-user feedback it shows (``selectors.feedback_version``: ratings leave the data version
alone) and per address it was asked at (its public feedback link is absolute).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.access import Need, OrgRequest
from tandem.core.cache import page_cached
from tandem.core.decorators import cached_page, org_view
from tandem.core.forms import form_submit, posted, render_form
from tandem.delivery import access, charts, selectors, services
from tandem.delivery.forms import (
    ButtonForm,
    CancelForm,
    ChangeDecisionForm,
    ChangeFilterForm,
    ChangeRequestForm,
    DecideForm,
    DeliverableForm,
    OfferForm,
    ReplanForm,
    StepForm,
    askers_for,
    deliverable_initial,
)
from tandem.delivery.models import (
    ChangeRequest,
    ChangeStatus,
    Deliverable,
    DeliverableStatus,
    FeedbackLink,
    PlanChange,
    PlanField,
)
from tandem.strategy.models import Initiative

CHANGES_PER_PAGE = 50
LATEST_COMMENTS = 10
OFFERABLE = (DeliverableStatus.PLANNED, DeliverableStatus.REJECTED)
DECIDABLE = (ChangeStatus.OPEN, ChangeStatus.DEFERRED)
# Where a refused step shows again on the deliverable page: its form's name in the context.
STEP_FORMS = {
    ReplanForm: "replan_form",
    OfferForm: "offer_form",
    DecideForm: "decide_form",
    CancelForm: "cancel_form",
}


def _initiative_url(request: OrgRequest, initiative: Initiative) -> str:
    return reverse(
        "delivery:initiative", kwargs={"org_slug": request.org.slug, "initiative_id": initiative.pk}
    )


def _deliverable_url(request: OrgRequest, deliverable: Deliverable) -> str:
    return reverse(
        "delivery:deliverable", kwargs={"org_slug": request.org.slug, "deliverable_id": deliverable.pk}
    )


def _change_url(request: OrgRequest, change: ChangeRequest) -> str:
    return reverse("delivery:change", kwargs={"org_slug": request.org.slug, "change_id": change.pk})


# --- What the pages show -----------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One move of an initiative's plan, its values typed back for display."""

    change: PlanChange
    old: Decimal | date | None
    new: Decimal | date | None


def _value(field: str, text: str) -> Decimal | date | None:
    if not text:
        return None
    if field == PlanField.TARGET_DATE:
        return parse_date(text)
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _moves(changes: Iterable[PlanChange]) -> list[Move]:
    return [Move(c, _value(c.field, c.old_value), _value(c.field, c.new_value)) for c in changes]


def _slip(row: selectors.TimelineRow) -> int | None:
    """Days past the first commitment: delivered, or planned now for an open deliverable."""
    if row.delivered is not None:
        return row.slip_days
    if row.deliverable.is_open:
        return (row.due - row.first_committed).days
    return None


def _feedback(request: OrgRequest, initiative: Initiative, deliverable: Deliverable | None) -> dict[str, Any]:
    """End-user feedback on the initiative or one deliverable, and its link with the public address."""
    org = request.org
    link = selectors.feedback_link_of(initiative, deliverable)
    comments = selectors.feedback_list(org, initiative=initiative, deliverable=deliverable).exclude(
        comment=""
    )
    public = reverse("delivery:feedback_public", args=[selectors.link_token(link)]) if link else ""
    return {
        "summary": selectors.feedback_summary(org, initiative=initiative, deliverable=deliverable),
        "comments": comments[:LATEST_COMMENTS],
        "link": link,
        # The secret address only for who may manage the link (as the API does).
        "link_url": request.build_absolute_uri(public)
        if link and access.can_plan_initiative(request.membership, initiative)
        else "",
    }


def _open_first(changes: Iterable[ChangeRequest]) -> list[ChangeRequest]:
    return sorted(changes, key=lambda c: c.status != ChangeStatus.OPEN)


# --- The initiative's delivery tab ---------------------------------------------------------------


@org_view(Need.MEMBER)
@require_GET
def initiative(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """The delivery tab (kept whole: see above)."""
    draw = partial(_initiative_tab, request, initiative_id)
    feedback = selectors.feedback_version(request.org)
    return page_cached(request, draw, feedback, request.build_absolute_uri("/"))


def _initiative_tab(request: OrgRequest, initiative_id: int) -> HttpResponse:
    found = access.initiative_for_read(request.membership, initiative_id)
    return _initiative_page(request, found)


def _initiative_page(request: OrgRequest, found: Initiative, failed: StepForm | None = None) -> HttpResponse:
    """The delivery tab; ``failed`` is a refused button (a feedback link), shown with its error.
    Its change requests are all the initiative's (the tab is for internal members only)."""
    m = request.membership
    changes = _open_first(selectors.change_rows(access.change_requests_for(m).filter(initiative=found)))
    tab = selectors.initiative_delivery(found, changes)
    context = {
        "initiative": found,
        "plan": tab.plan,
        "moves": _moves(tab.moves),
        "figures": tab.figures,
        "timeline": tab.timeline,
        "timeline_chart": charts.timeline_chart(tab.timeline),
        "rows": [(row, _slip(row)) for row in tab.timeline],
        "changes": changes,
        "can_plan": access.can_plan_initiative(m, found),
        "can_request": access.can_request_change(m),
        "failed": failed,
        **_feedback(request, found, None),
    }
    return render_form(
        request, "delivery/initiative.html", context, failed, page_url=_initiative_url(request, found)
    )


# --- Adding and changing deliverables ------------------------------------------------------------


@org_view(Need.MEMBER)
@require_http_methods(["GET", "POST"])
def deliverable_new(request: OrgRequest, initiative_id: int) -> HttpResponse:
    found = access.initiative_for_plan(request.membership, initiative_id)
    form = DeliverableForm(posted(request), org=request.org)
    done = form_submit(
        request,
        form,
        partial(services.deliverable_create, actor=request.membership, initiative=found),
        to=partial(_deliverable_url, request),
        message=_("Deliverable added. Its committed date stays as the first commitment."),
    )
    context = {"form": form, "initiative": found, "deliverable": None}
    return done or render_form(request, "delivery/deliverable_form.html", context, form)


@org_view(Need.MEMBER)
@require_http_methods(["GET", "POST"])
def deliverable_edit(request: OrgRequest, deliverable_id: int) -> HttpResponse:
    found = access.deliverable_for_plan(request.membership, deliverable_id)
    form = DeliverableForm(
        posted(request), org=request.org, deliverable=found, initial=deliverable_initial(found)
    )
    done = form_submit(
        request,
        form,
        partial(services.deliverable_update, actor=request.membership, deliverable=found),
        to=partial(_deliverable_url, request),
        message=_("Deliverable saved."),
    )
    context = {"form": form, "initiative": found.initiative, "deliverable": found}
    return done or render_form(request, "delivery/deliverable_form.html", context, form)


# --- A deliverable's page and its steps ----------------------------------------------------------


@org_view(Need.MEMBER)
@require_GET
def deliverable(request: OrgRequest, deliverable_id: int) -> HttpResponse:
    found = access.deliverable_get_for_user(request.membership, deliverable_id)
    return _deliverable_page(request, found)


def _replan_form(request: OrgRequest, found: Deliverable, data: Any = None) -> ReplanForm:
    m = request.membership
    return ReplanForm(
        data,
        askers=askers_for(m),
        changes=access.approved_changes_for(m, found.initiative),
        initial={"asked_by": m.pk},
    )


def _step_forms(request: OrgRequest, found: Deliverable) -> dict[str, StepForm | None]:
    """The steps the member may take on the deliverable now, each an empty form (or ``None``)."""
    m = request.membership
    plan, work = access.can_plan(m, found), access.can_work(m, found)
    accept = not access.is_partner(m) and access.can_accept(m, found.initiative)
    return {
        "replan_form": _replan_form(request, found) if work and found.is_open else None,
        "offer_form": OfferForm() if work and found.status in OFFERABLE else None,
        "decide_form": DecideForm(criteria=found.criteria.all())
        if accept and found.status == DeliverableStatus.OFFERED
        else None,
        "cancel_form": CancelForm() if plan and found.is_open else None,
    }


def _deliverable_page(
    request: OrgRequest, found: Deliverable, failed: StepForm | None = None
) -> HttpResponse:
    """The deliverable's page (read afresh); ``failed`` is a refused step, shown with its errors
    and what was typed, and the status of the refusal."""
    m = request.membership
    shown = selectors.deliverable_detail(request.org, found.pk) or found
    forms_ = _step_forms(request, shown)
    if failed is not None and type(failed) in STEP_FORMS:
        forms_[STEP_FORMS[type(failed)]] = failed
    offers = list(shown.offers.all())
    context = {
        "d": shown,
        "offers": offers,
        "last_offer": offers[-1] if offers else None,
        **forms_,
        "failed": failed,
        "can_plan": access.can_plan(m, shown),
        "partner": access.is_partner(m),
        "changes": _open_first(access.change_requests_for(m).filter(deliverable=shown)),
        "can_request": access.can_request_change(m),
        **_feedback(request, shown.initiative, shown),
    }
    return render_form(
        request, "delivery/deliverable.html", context, failed, page_url=_deliverable_url(request, shown)
    )


def _step(
    request: OrgRequest, found: Deliverable, form: StepForm, action: Callable[..., Any], message: str
) -> HttpResponse:
    """Take one step on the deliverable through its service; a refusal shows on its page."""
    done = form_submit(
        request,
        form,
        partial(action, actor=request.membership, deliverable=found),
        to=_deliverable_url(request, found),
        message=message,
    )
    return done or _deliverable_page(request, found, failed=form)


@org_view(Need.MEMBER)
@require_POST
def deliverable_replan(request: OrgRequest, deliverable_id: int) -> HttpResponse:
    found = access.deliverable_for_work(request.membership, deliverable_id)
    form = _replan_form(request, found, request.POST)
    message = _("Re-planned. The first committed date stays as it was.")
    return _step(request, found, form, services.deliverable_replan, message)


@org_view(Need.MEMBER)
@require_POST
def deliverable_offer(request: OrgRequest, deliverable_id: int) -> HttpResponse:
    found = access.deliverable_for_work(request.membership, deliverable_id)
    message = _("Offered for acceptance: the business co-lead decides.")
    return _step(request, found, OfferForm(request.POST), services.deliverable_offer, message)


@org_view(Need.MEMBER)
@require_POST
def deliverable_decide(request: OrgRequest, deliverable_id: int) -> HttpResponse:
    found = access.deliverable_for_acceptance(request.membership, deliverable_id)
    form = DecideForm(request.POST, criteria=found.criteria.all())
    return _step(request, found, form, services.deliverable_decide, _("Decision recorded."))


@org_view(Need.MEMBER)
@require_POST
def deliverable_cancel(request: OrgRequest, deliverable_id: int) -> HttpResponse:
    found = access.deliverable_for_plan(request.membership, deliverable_id)
    message = _("Deliverable cancelled. Its history stays.")
    return _step(request, found, CancelForm(request.POST), services.deliverable_cancel, message)


# --- Feedback links ------------------------------------------------------------------------------


def _button(
    request: OrgRequest,
    action: Callable[[], object],
    *,
    to: str,
    message: str,
    page: Callable[[StepForm], HttpResponse],
) -> HttpResponse:
    """A button that posts nothing: run ``action``; a refusal shows on ``page``."""
    form = ButtonForm()
    done = form_submit(request, form, action, to=to, message=message, fields=False)
    return done or page(form)


@org_view(Need.MEMBER)
@require_POST
def initiative_feedback_link(request: OrgRequest, initiative_id: int) -> HttpResponse:
    found = access.initiative_for_plan(request.membership, initiative_id)
    return _button(
        request,
        partial(services.feedback_link_open, actor=request.membership, initiative=found),
        to=_initiative_url(request, found) + "#feedback",
        message=_("The feedback link is open: share it with the end users."),
        page=partial(_initiative_page, request, found),
    )


@org_view(Need.MEMBER)
@require_POST
def deliverable_feedback_link(request: OrgRequest, deliverable_id: int) -> HttpResponse:
    found = access.deliverable_for_plan(request.membership, deliverable_id)
    return _button(
        request,
        partial(
            services.feedback_link_open,
            actor=request.membership,
            initiative=found.initiative,
            deliverable=found,
        ),
        to=_deliverable_url(request, found) + "#feedback",
        message=_("The feedback link is open: share it with the end users."),
        page=partial(_deliverable_page, request, found),
    )


@org_view(Need.MEMBER)
@require_POST
def feedback_link_close(request: OrgRequest, feedback_link_id: int) -> HttpResponse:
    link = access.feedback_link_for_plan(request.membership, feedback_link_id)
    to, page = _link_page(request, link)
    return _button(
        request,
        partial(services.feedback_link_close, actor=request.membership, link=link),
        to=to + "#feedback",
        message=_("The feedback link is closed: it takes no more answers."),
        page=page,
    )


def _link_page(request: OrgRequest, link: FeedbackLink) -> tuple[str, Callable[[StepForm], HttpResponse]]:
    """The page a feedback link belongs on: its deliverable's, or its initiative's tab."""
    if link.deliverable is not None:
        return _deliverable_url(request, link.deliverable), partial(
            _deliverable_page, request, link.deliverable
        )
    return _initiative_url(request, link.initiative), partial(_initiative_page, request, link.initiative)


# --- Change requests -----------------------------------------------------------------------------


@org_view(Need.MEMBER)
@require_http_methods(["GET", "POST"])
def change_new(request: OrgRequest, initiative_id: int) -> HttpResponse:
    m = request.membership
    found = access.initiative_for_change_request(m, initiative_id)
    deliverables = access.deliverables_for(m).filter(initiative=found)
    form = ChangeRequestForm(
        posted(request),
        askers=askers_for(m),
        deliverables=deliverables,
        initial={"requested_by": m.pk, "deliverable": request.GET.get("deliverable", "")},
    )
    done = form_submit(
        request,
        form,
        partial(services.change_request_create, actor=m, initiative=found),
        to=partial(_change_url, request),
        message=_("Change requested: the initiative's co-leads and sponsor decide on it."),
    )
    return done or render_form(
        request, "delivery/change_form.html", {"form": form, "initiative": found}, form
    )


@org_view(Need.MEMBER)
@cached_page
@require_GET
def changes(request: OrgRequest) -> HttpResponse:
    """The change requests the member may see, newest first, filtered by status."""
    form = ChangeFilterForm(request.GET or None)
    status = form.status_filter()
    rows = selectors.change_rows(access.change_requests_for(request.membership))
    if status:
        rows = rows.filter(status=status)
    context = {
        "form": form,
        "page": Paginator(rows, CHANGES_PER_PAGE).get_page(request.GET.get("page")),
        "filtered": bool(status),
        "partner": access.is_partner(request.membership),
    }
    return render(request, "delivery/changes.html", context)


@org_view(Need.MEMBER)
@require_GET
def change(request: OrgRequest, change_id: int) -> HttpResponse:
    return _change_page(request, change_id)


def _change_page(
    request: OrgRequest, change_id: int, failed: ChangeDecisionForm | None = None
) -> HttpResponse:
    """The change request (read afresh: a refused approval leaves nothing changed) with its
    decision form for those who decide, and the plan moves its approval made."""
    m = request.membership
    found = access.change_request_get_for_user(m, change_id)
    may_decide = access.can_decide_change(m, found.initiative) and found.status in DECIDABLE
    form = failed or (
        ChangeDecisionForm(deferred=found.status == ChangeStatus.DEFERRED) if may_decide else None
    )
    context = {
        "change": found,
        "form": form,
        "moves": _moves(selectors.plan_changes(found.initiative).filter(change_request=found)),
        "partner": access.is_partner(m),
    }
    return render_form(request, "delivery/change.html", context, failed, page_url=_change_url(request, found))


def _decided(change: ChangeRequest) -> str:
    if change.status == ChangeStatus.APPROVED:
        return _("Approved: the initiative's current budget and target date moved by its impact.")
    if change.status == ChangeStatus.DEFERRED:
        return _("Deferred: it can be decided later.")
    return _("Rejected: the plan stays as it was.")


@org_view(Need.MEMBER)
@require_POST
def change_decide(request: OrgRequest, change_id: int) -> HttpResponse:
    found = access.change_request_for_decision(request.membership, change_id)
    form = ChangeDecisionForm(request.POST, deferred=found.status == ChangeStatus.DEFERRED)
    done = form_submit(
        request,
        form,
        partial(services.change_request_decide, actor=request.membership, change=found),
        to=_change_url(request, found),
        message=_decided,
    )
    return done or _change_page(request, found.pk, failed=form)
