"""Portfolio and initiative pages: the gate loads, a service writes, a template renders."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject as lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import selectors as core_selectors
from tandem.core.access import Need, OrgRequest
from tandem.core.decorators import cached_page, org_view
from tandem.core.forms import form_submit, posted, render_form
from tandem.core.models import Organization
from tandem.core.navigation import app_templates
from tandem.strategy import access, charts, selectors, services
from tandem.strategy.forms import (
    InitiativeForm,
    KeyResultLinkForm,
    PortfolioFilterForm,
    SuccessMeasureForm,
    TransitionForm,
)
from tandem.strategy.gate import GATE_MESSAGES, SIGNALS, gate_missing, signals_of
from tandem.strategy.models import Initiative, KeyResult, Stage
from tandem.strategy.selectors import PortfolioSummary

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


FILTERS = ("q", "stage", "department", "objective", "sponsor_side", "missing")


def gap_sentences(summary: PortfolioSummary) -> list[tuple[str, str]]:
    """One sentence (and its filter key) per signal that some initiatives lack."""
    return [
        (key, GAPS[key] % {"n": summary.missing[key], "total": summary.total})
        for key, _label in SIGNALS
        if summary.missing.get(key)
    ]


def _listing(org: Organization, form: PortfolioFilterForm, number: str | None) -> dict[str, Any]:
    """The portfolio's figures, computed only when the page is drawn: ``orgcache`` in the template
    draws it once per version of the organisation's data. Grouped, every group shows its first rows
    and its totals; otherwise the list is paginated."""
    filters, grouping = form.filters(), form.grouping()

    def summary() -> PortfolioSummary:
        return selectors.portfolio_summary(org)  # itself cached per version

    page = lazy(lambda: Paginator(selectors.initiative_portfolio(org, filters), PAGE_SIZE).get_page(number))
    rows = lazy(lambda: [] if grouping else selectors.portfolio_rows(org, list(page.object_list)))
    groups = lazy(lambda: selectors.portfolio_groups(org, filters, by=grouping) if grouping else [])

    def shown() -> list[Initiative]:
        return [r.initiative for r in rows] + [r.initiative for g in groups for r in g.rows]

    return {
        "page": page,
        "rows": rows,
        "groups": groups,
        "grouping": grouping,
        "totals": lazy(lambda: selectors.portfolio_totals(org, filters)),
        "timeline": lazy(lambda: _timeline(shown())) if form.timeline() else None,
        "summary": lazy(summary),
        "gaps": lazy(lambda: gap_sentences(summary())),
        "stages": lazy(
            lambda: [(value, label, summary().by_stage.get(value, 0)) for value, label in Stage.choices]
        ),
    }


def _timeline(initiatives: list[Initiative]) -> charts.Timeline:
    days = [d for i in initiatives for d in (i.start_date, i.target_date)]
    return charts.timeline_scale(days, today=timezone.localdate())


@org_view(Need.READER)
@cached_page
@require_GET
def portfolio(request: OrgRequest) -> HttpResponse:
    """Every initiative with its six alignment signals, budget and key-result progress; filters,
    sorting, gap counts, grouping by objective or stage with totals, and a timeline view."""
    org, membership = request.org, request.membership
    form = PortfolioFilterForm(
        request.GET or None,
        departments=core_selectors.department_list_for_org(org),
        objectives=selectors.objective_choices(org),
    )
    context = {
        "form": form,
        **_listing(org, form, request.GET.get("page")),
        "signals": [(key, label, SIGNAL_SHORT[key]) for key, label in SIGNALS],
        "filtered": any(request.GET.get(key) for key in FILTERS),
        "can_contribute": access.can_contribute(membership),
        "can_plan": access.can_plan(membership),
    }
    template = "strategy/portfolio.html#results" if request.htmx else "strategy/portfolio.html"
    return render(request, template, context)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def initiative_create(request: OrgRequest) -> HttpResponse:
    access.require_contributor(request.membership)
    form = InitiativeForm(posted(request), org=request.org)
    create = partial(services.initiative_create, actor=request.membership)
    to = partial(_detail_url, request.org)
    done = form_submit(request, form, create, to=to, message=_created)
    return done or render_form(request, "strategy/initiative_form.html", {"form": form}, form)


def _created(initiative: Initiative) -> str:
    return _("Initiative “%(title)s” created.") % {"title": initiative.title}


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def initiative_edit(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = access.initiative_get_for_user(request.membership, initiative_id, write=True)
    form = InitiativeForm(posted(request), org=request.org, initiative=initiative)
    update = partial(services.initiative_update, actor=request.membership, initiative=initiative)
    to = _detail_url(request.org, initiative)
    done = form_submit(request, form, update, to=to, message=_("Saved."))
    context = {"form": form, "initiative": initiative}
    return done or render_form(request, "strategy/initiative_form.html", context, form)


def _detail_url(org: Organization, initiative: Initiative, anchor: str = "") -> str:
    kwargs = {"org_slug": org.slug, "initiative_id": initiative.pk}
    return reverse("strategy:initiative_detail", kwargs=kwargs) + anchor


def _key_results(org: Organization) -> list[KeyResult]:
    return list(
        selectors.key_result_list(org).select_related("objective__business_owner", "objective__it_owner")
    )


def _fixes(codes: Sequence[str]) -> list[tuple[Any, str]]:
    """Each missing element of the gate with where it is fixed."""
    return [(GATE_MESSAGES[code], GATE_FIX.get(code, "#why-check")) for code in codes]


def _render_detail(
    request: OrgRequest, initiative: Initiative, *, refused: Sequence[str] = (), **given: forms.Form
) -> HttpResponse:
    """The initiative page; ``given`` are forms posted to it that are shown again with their errors."""
    can_edit = access.can_edit_initiative(request.membership, initiative)
    signals = signals_of(initiative).as_dict()
    open_to_approval = initiative.stage in (Stage.IDEA, Stage.PROPOSED)
    context: dict[str, Any] = {
        "initiative": initiative,
        "can_edit": can_edit,
        "signals": [(label, signals[key]) for key, label in SIGNALS],
        "refused": _fixes(refused),
        "gate": _fixes(gate_missing(initiative)) if open_to_approval else None,
        "app_sections": app_templates("tandem_initiative_sections"),
    }
    if can_edit:
        key_results = _key_results(request.org)
        context |= {
            "measure_form": SuccessMeasureForm(key_results=key_results),
            "link_form": KeyResultLinkForm(key_results=key_results),
            "transition_form": TransitionForm(stages=selectors.allowed_transitions(initiative)),
            **given,
        }
    page = _detail_url(request.org, initiative)
    template = "strategy/initiative_detail.html"
    return render_form(request, template, context, *given.values(), page_url=page)


@org_view(Need.READER)
@cached_page
@require_GET
def initiative_detail(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Everything about one initiative: the why, the signals, the gate, measures, links, timeline."""
    initiative = access.initiative_get_for_user(request.membership, initiative_id)
    return _render_detail(request, initiative)


@org_view(Need.READER)
@require_POST
def initiative_transition(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Move to another stage; a refused approval names every missing element on the page."""
    initiative = access.initiative_get_for_user(request.membership, initiative_id, write=True)
    form = TransitionForm(request.POST, stages=selectors.allowed_transitions(initiative))
    refused: list[str] = []
    move = partial(_transition, actor=request.membership, initiative=initiative, refused=refused)
    to = _detail_url(request.org, initiative)
    if done := form_submit(request, form, move, to=to, message=_moved):
        return done
    # Reload: a refused service call may have changed the object in memory, not in the database.
    initiative = access.initiative_get_for_user(request.membership, initiative_id, write=True)
    return _render_detail(request, initiative, refused=refused, transition_form=form)


def _transition(*, refused: list[str], **arguments: Any) -> Initiative:
    """``services.initiative_transition``, keeping the missing elements of a refused approval."""
    try:
        return services.initiative_transition(**arguments)
    except services.GateRefused as error:
        refused.extend(error.extra.get("missing", []))
        raise


def _moved(initiative: Initiative) -> str:
    return _("Moved to “%(stage)s”.") % {"stage": Stage(initiative.stage).label}


@org_view(Need.READER)
@require_POST
def measure_add(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = access.initiative_get_for_user(request.membership, initiative_id, write=True)
    form = SuccessMeasureForm(request.POST, key_results=_key_results(request.org))
    add = partial(services.success_measure_add, actor=request.membership, initiative=initiative)
    to = _detail_url(request.org, initiative, "#measures")
    done = form_submit(request, form, add, to=to, message=_("Success measure added."))
    return done or _render_detail(request, initiative, measure_form=form)


@org_view(Need.READER)
@require_POST
def measure_delete(request: OrgRequest, initiative_id: int, measure_id: int) -> HttpResponse:
    measure = access.success_measure_get_for_user(request.membership, initiative_id, measure_id)
    services.success_measure_remove(actor=request.membership, measure=measure)
    messages.success(request, _("Success measure “%(name)s” removed.") % {"name": measure.name})
    return redirect(_detail_url(request.org, measure.initiative, "#measures"))


@org_view(Need.READER)
@require_POST
def link_add(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = access.initiative_get_for_user(request.membership, initiative_id, write=True)
    form = KeyResultLinkForm(request.POST, key_results=_key_results(request.org))
    link = partial(services.key_result_link_add, actor=request.membership, initiative=initiative)
    to = _detail_url(request.org, initiative, "#links")
    done = form_submit(request, form, link, to=to, message=_("Key result linked."))
    return done or _render_detail(request, initiative, link_form=form)


@org_view(Need.READER)
@require_POST
def link_delete(request: OrgRequest, initiative_id: int, link_id: int) -> HttpResponse:
    link = access.key_result_link_get_for_user(request.membership, initiative_id, link_id)
    services.key_result_link_remove(actor=request.membership, link=link)
    messages.success(request, _("Link to “%(metric)s” removed.") % {"metric": link.key_result.metric})
    return redirect(_detail_url(request.org, link.initiative, "#links"))
