"""Objective, key-result and check-in pages: the gate loads, a service writes, a template renders."""

from __future__ import annotations

from functools import partial

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.access import Need, OrgRequest
from tandem.core.decorators import cached_page, org_view
from tandem.core.forms import form_submit, posted, render_form
from tandem.core.models import Organization
from tandem.strategy import access, selectors, services
from tandem.strategy.forms import CheckInForm, KeyResultForm, ObjectiveForm
from tandem.strategy.models import KeyResult, Objective, ObjectiveStatus

PAGE_SIZE = 50
HISTORY = 100  # check-ins shown (and charted) on a key result's page


def _objective_url(org: Organization, objective: Objective) -> str:
    return reverse("strategy:objective_detail", kwargs={"org_slug": org.slug, "objective_id": objective.pk})


def _key_result_url(org: Organization, key_result: KeyResult) -> str:
    kwargs = {"org_slug": org.slug, "key_result_id": key_result.pk}
    return reverse("strategy:key_result_detail", kwargs=kwargs)


@org_view(Need.READER)
@cached_page
@require_GET
def objective_list(request: OrgRequest) -> HttpResponse:
    """Objectives with their owners and key results, filterable by status."""
    status = request.GET.get("status", "")
    if status not in ObjectiveStatus.values:
        status = ""
    objectives = selectors.objective_list(request.org, status=status)
    context = {
        "page": Paginator(objectives, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "statuses": ObjectiveStatus.choices,
        "can_plan": access.can_plan(request.membership),
    }
    return render(request, "strategy/objective_list.html", context)


@org_view(Need.READER)
@cached_page
@require_GET
def objective_tree(request: OrgRequest) -> HttpResponse:
    """Objectives → key results → contributing initiatives, and what hangs loose on both ends."""
    tree = selectors.objective_tree(request.org)
    return render(request, "strategy/objective_tree.html", {"tree": tree})


@org_view(Need.LEAD)
@require_http_methods(["GET", "POST"])
def objective_create(request: OrgRequest) -> HttpResponse:
    form = ObjectiveForm(posted(request), org=request.org)
    create = partial(services.objective_create, actor=request.membership)
    to = partial(_objective_url, request.org)
    done = form_submit(request, form, create, to=to, message=_objective_created)
    return done or render_form(request, "strategy/objective_form.html", {"form": form}, form)


def _objective_created(objective: Objective) -> str:
    return _("Objective “%(title)s” created.") % {"title": objective.title}


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def objective_edit(request: OrgRequest, objective_id: int) -> HttpResponse:
    objective = access.objective_get_for_user(request.membership, objective_id, write=True)
    form = ObjectiveForm(posted(request), org=request.org, objective=objective)
    update = partial(services.objective_update, actor=request.membership, objective=objective)
    to = _objective_url(request.org, objective)
    done = form_submit(request, form, update, to=to, message=_("Saved."))
    context = {"form": form, "objective": objective}
    return done or render_form(request, "strategy/objective_form.html", context, form)


@org_view(Need.READER)
@cached_page
@require_GET
def objective_detail(request: OrgRequest, objective_id: int) -> HttpResponse:
    objective = access.objective_get_for_user(request.membership, objective_id)
    context = {"objective": objective, "can_plan": access.can_plan(request.membership)}
    return render(request, "strategy/objective_detail.html", context)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def key_result_create(request: OrgRequest, objective_id: int) -> HttpResponse:
    objective = access.objective_get_for_user(request.membership, objective_id, write=True)
    form = KeyResultForm(posted(request))
    create = partial(services.key_result_create, actor=request.membership, objective=objective)
    to = _objective_url(request.org, objective)
    done = form_submit(request, form, create, to=to, message=_key_result_added)
    context = {"form": form, "objective": objective}
    return done or render_form(request, "strategy/key_result_form.html", context, form)


def _key_result_added(key_result: KeyResult) -> str:
    return _("Key result “%(metric)s” added.") % {"metric": key_result.metric}


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def key_result_edit(request: OrgRequest, key_result_id: int) -> HttpResponse:
    key_result = access.key_result_get_for_user(request.membership, key_result_id, write=True)
    form = KeyResultForm(posted(request), key_result=key_result)
    update = partial(services.key_result_update, actor=request.membership, key_result=key_result)
    to = _key_result_url(request.org, key_result)
    done = form_submit(request, form, update, to=to, message=_("Saved."))
    context = {"form": form, "objective": key_result.objective, "key_result": key_result}
    return done or render_form(request, "strategy/key_result_form.html", context, form)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def key_result_detail(request: OrgRequest, key_result_id: int) -> HttpResponse:
    """A key result's progress, its history chart and check-ins; contributors add a check-in here."""
    membership = request.membership
    if request.method == "POST":
        key_result = access.key_result_get_for_check_in(membership, key_result_id)
    else:
        key_result = access.key_result_get_for_user(membership, key_result_id)
    form = CheckInForm(posted(request)) if access.can_contribute(membership) else None
    if form is not None:
        record = partial(services.check_in_create, actor=membership, key_result=key_result)
        to = _key_result_url(request.org, key_result)
        if done := form_submit(request, form, record, to=to, message=_("Check-in recorded.")):
            return done
    check_ins = list(selectors.check_in_list(request.org, key_result_id=key_result.pk)[:HISTORY])
    context = {
        "key_result": key_result,
        "objective": key_result.objective,
        "check_ins": check_ins,
        "latest": check_ins[0] if check_ins else None,
        "history_limit": HISTORY,
        "form": form,
        "can_plan": access.can_plan(membership),
    }
    return render_form(request, "strategy/key_result_detail.html", context, form)
