"""Portfolio and initiative pages: the gate loads, a service writes, a template renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import selectors as core_selectors
from tandem.core.decorators import org_view
from tandem.core.errors import NotFound, TandemError
from tandem.core.forms import form_error_from
from tandem.core.models import Membership
from tandem.core.navigation import app_templates
from tandem.strategy import access, selectors, services
from tandem.strategy.forms import (
    InitiativeForm,
    KeyResultLinkForm,
    PortfolioFilterForm,
    SuccessMeasureForm,
    TransitionForm,
)
from tandem.strategy.models import Initiative, KeyResult, Stage
from tandem.strategy.selectors import PortfolioSummary
from tandem.strategy.signals import GATE_MESSAGES, SIGNALS, gate_missing, signals_of

PAGE_SIZE = 50

# Column headers of the signals: short, with the full name for screen readers and tooltips.
SIGNAL_SHORT = {
    "outcome": gettext_lazy("Outcome"),
    "measurable": gettext_lazy("Measured"),
    "co_led": gettext_lazy("Co-led"),
    "shared": gettext_lazy("Shared"),
    "end_users": gettext_lazy("Users"),
    "it_early": gettext_lazy("IT early"),
}
GAPS = {
    "outcome": ngettext_lazy(
        "%(n)s of %(total)s initiatives has no stated business outcome.",
        "%(n)s of %(total)s initiatives have no stated business outcome.",
        "n",
    ),
    "measurable": ngettext_lazy(
        "%(n)s of %(total)s initiatives has no success measure with a target.",
        "%(n)s of %(total)s initiatives have no success measure with a target.",
        "n",
    ),
    "co_led": ngettext_lazy(
        "%(n)s of %(total)s initiatives is not co-led by the business and IT.",
        "%(n)s of %(total)s initiatives are not co-led by the business and IT.",
        "n",
    ),
    "shared": ngettext_lazy(
        "%(n)s of %(total)s initiatives serves no shared objective.",
        "%(n)s of %(total)s initiatives serve no shared objective.",
        "n",
    ),
    "end_users": ngettext_lazy(
        "%(n)s of %(total)s initiatives has no recorded end-user input.",
        "%(n)s of %(total)s initiatives have no recorded end-user input.",
        "n",
    ),
    "it_early": ngettext_lazy(
        "%(n)s of %(total)s initiatives did not involve IT at the idea or proposal stage.",
        "%(n)s of %(total)s initiatives did not involve IT at the idea or proposal stage.",
        "n",
    ),
}
# Where each missing element of the approval gate is fixed.
GATE_FIX = {
    "business_outcome": "edit",
    "success_measure": "#measures",
    "business_co_lead": "edit",
    "it_co_lead": "edit",
    "shared_key_result": "#links",
    "end_user_input": "edit",
    # Elements other apps add to the gate (the why check) fix themselves on their own section.
}


def _reader(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    access.require_reader(membership, request)
    return membership


def _status(*forms: Any) -> int:
    return 422 if any(form is not None and form.errors for form in forms) else 200


def gap_sentences(summary: PortfolioSummary) -> list[tuple[str, str]]:
    """One sentence (and its filter key) per signal that some initiatives lack."""
    return [
        (key, GAPS[key] % {"n": summary.missing[key], "total": summary.total})
        for key, _label in SIGNALS
        if summary.missing.get(key)
    ]


@org_view()
@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    """Every initiative with its six alignment signals; filters, sorting and gap counts."""
    membership = _reader(request)
    org = membership.organization
    form = PortfolioFilterForm(request.GET or None, departments=core_selectors.department_list_for_org(org))
    filters = form.filters()
    page = Paginator(selectors.initiative_portfolio(org, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    summary = selectors.portfolio_summary(org)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.signal_rows(list(page.object_list)),
        "signals": [(key, label, SIGNAL_SHORT[key]) for key, label in SIGNALS],
        "summary": summary,
        "gaps": gap_sentences(summary),
        "stages": [(value, label, summary.by_stage.get(value, 0)) for value, label in Stage.choices],
        "filtered": any(
            request.GET.get(key) for key in ("q", "stage", "department", "sponsor_side", "missing")
        ),
        "can_contribute": access.can_contribute(membership),
        "can_plan": access.can_plan(membership),
    }
    template = "strategy/portfolio.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(request, template, context)


@org_view()
@require_http_methods(["GET", "POST"])
def initiative_create(request: HttpRequest) -> HttpResponse:
    membership = _reader(request)
    access.require(access.can_contribute(membership))
    data = request.POST if request.method == "POST" else None
    form = InitiativeForm(data, org=membership.organization)
    if form.is_valid():
        try:
            initiative = services.initiative_create(actor=membership, **form.cleaned_data)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Initiative “%(title)s” created.") % {"title": initiative.title})
            return _to_detail(membership, initiative)
    return render(request, "strategy/initiative_form.html", {"form": form}, status=_status(form))


@org_view()
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, initiative_id: int) -> HttpResponse:
    membership = _reader(request)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    data = request.POST if request.method == "POST" else None
    form = InitiativeForm(data, org=membership.organization, initiative=initiative)
    if form.is_valid():
        try:
            services.initiative_update(actor=membership, initiative=initiative, **form.cleaned_data)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Saved."))
            return _to_detail(membership, initiative)
    context = {"form": form, "initiative": initiative}
    return render(request, "strategy/initiative_form.html", context, status=_status(form))


def _to_detail(membership: Membership, initiative: Initiative, anchor: str = "") -> HttpResponseRedirect:
    slug = membership.organization.slug
    url = reverse("strategy:initiative_detail", kwargs={"org_slug": slug, "initiative_id": initiative.pk})
    return HttpResponseRedirect(url + anchor)


def _key_results(membership: Membership) -> list[KeyResult]:
    return list(
        selectors.key_result_list(membership.organization).select_related(
            "objective__business_owner", "objective__it_owner"
        )
    )


def _render_detail(
    request: HttpRequest,
    membership: Membership,
    initiative: Initiative,
    *,
    measure_form: SuccessMeasureForm | None = None,
    link_form: KeyResultLinkForm | None = None,
    transition_form: TransitionForm | None = None,
    refused: list[str] | None = None,
) -> HttpResponse:
    can_edit = access.can_edit_initiative(membership, initiative)
    context: dict[str, Any] = {
        "initiative": initiative,
        "can_edit": can_edit,
        "signals": [
            (label, value)
            for (_key, label), value in zip(SIGNALS, signals_of(initiative).as_dict().values(), strict=True)
        ],
        "refused": [(GATE_MESSAGES[code], GATE_FIX.get(code, "#why-check")) for code in refused or []],
        "gate": None,
        "app_sections": app_templates("tandem_initiative_sections"),
    }
    if initiative.stage in (Stage.IDEA, Stage.PROPOSED):
        context["gate"] = [
            (GATE_MESSAGES[code], GATE_FIX.get(code, "#why-check")) for code in gate_missing(initiative)
        ]
    if can_edit:
        key_results = _key_results(membership)
        stages = services.allowed_transitions(initiative)
        context |= {
            "measure_form": measure_form or SuccessMeasureForm(key_results=key_results),
            "link_form": link_form or KeyResultLinkForm(key_results=key_results),
            "transition_form": transition_form or TransitionForm(stages=stages),
        }
    status = 422 if refused else _status(measure_form, link_form, transition_form)
    return render(request, "strategy/initiative_detail.html", context, status=status)


@org_view()
@require_GET
def initiative_detail(request: HttpRequest, initiative_id: int) -> HttpResponse:
    """Everything about one initiative: the why, the signals, the gate, measures, links, timeline."""
    membership = _reader(request)
    initiative = access.initiative_get_for_user(membership, initiative_id)
    return _render_detail(request, membership, initiative)


@org_view()
@require_POST
def initiative_transition(request: HttpRequest, initiative_id: int) -> HttpResponse:
    """Move to another stage; a refused approval names every missing element on the page."""
    membership = _reader(request)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    form = TransitionForm(request.POST, stages=services.allowed_transitions(initiative))
    refused: list[str] = []
    if form.is_valid():
        try:
            services.initiative_transition(actor=membership, initiative=initiative, **form.cleaned_data)
        except services.GateRefused as error:
            refused = list(error.extra.get("missing", []))
        except TandemError as error:
            form_error_from(form, error)
        else:
            label = Stage(initiative.stage).label
            messages.success(request, _("Moved to “%(stage)s”.") % {"stage": label})
            return _to_detail(membership, initiative)
    # Reload: a refused service call may have changed the object in memory, not in the database.
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    return _render_detail(request, membership, initiative, transition_form=form, refused=refused)


@org_view()
@require_POST
def measure_add(request: HttpRequest, initiative_id: int) -> HttpResponse:
    membership = _reader(request)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    form = SuccessMeasureForm(request.POST, key_results=_key_results(membership))
    if form.is_valid():
        try:
            services.success_measure_add(actor=membership, initiative=initiative, **form.cleaned_data)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Success measure added."))
            return _to_detail(membership, initiative, "#measures")
    return _render_detail(request, membership, initiative, measure_form=form)


@org_view()
@require_POST
def measure_delete(request: HttpRequest, initiative_id: int, measure_id: int) -> HttpResponse:
    membership = _reader(request)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    measure = next((m for m in initiative.success_measures.all() if m.pk == measure_id), None)
    if measure is None:
        raise NotFound()
    services.success_measure_remove(actor=membership, measure=measure)
    messages.success(request, _("Success measure “%(name)s” removed.") % {"name": measure.name})
    return _to_detail(membership, initiative, "#measures")


@org_view()
@require_POST
def link_add(request: HttpRequest, initiative_id: int) -> HttpResponse:
    membership = _reader(request)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    form = KeyResultLinkForm(request.POST, key_results=_key_results(membership))
    if form.is_valid():
        try:
            services.key_result_link_add(actor=membership, initiative=initiative, **form.cleaned_data)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Key result linked."))
            return _to_detail(membership, initiative, "#links")
    return _render_detail(request, membership, initiative, link_form=form)


@org_view()
@require_POST
def link_delete(request: HttpRequest, initiative_id: int, link_id: int) -> HttpResponse:
    membership = _reader(request)
    initiative = access.initiative_get_for_user(membership, initiative_id, write=True)
    link = next((k for k in initiative.key_result_links.all() if k.pk == link_id), None)
    if link is None:
        raise NotFound()
    services.key_result_link_remove(actor=membership, link=link)
    messages.success(request, _("Link to “%(metric)s” removed.") % {"metric": link.key_result.metric})
    return _to_detail(membership, initiative, "#links")
