"""Objective, key-result and check-in pages: the gate loads, a service writes, a template renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.decorators import org_view
from tandem.core.errors import TandemError
from tandem.core.forms import form_error_from
from tandem.core.models import Membership
from tandem.strategy import access, selectors, services
from tandem.strategy.forms import CheckInForm, KeyResultForm, ObjectiveForm
from tandem.strategy.models import ObjectiveStatus

PAGE_SIZE = 50
HISTORY = 100  # check-ins shown (and charted) on a key result's page


def _reader(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    access.require_reader(membership, request)
    return membership


def _status(form: Any) -> int:
    return 422 if form is not None and form.errors else 200


@org_view()
@require_GET
def objective_list(request: HttpRequest) -> HttpResponse:
    """Objectives with their owners and key results, filterable by status."""
    membership = _reader(request)
    status = request.GET.get("status", "")
    if status not in ObjectiveStatus.values:
        status = ""
    objectives = selectors.objective_list(membership.organization, status=status)
    page = Paginator(objectives, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": ObjectiveStatus.choices,
        "can_plan": access.can_plan(membership),
    }
    return render(request, "strategy/objective_list.html", context)


@org_view()
@require_GET
def objective_tree(request: HttpRequest) -> HttpResponse:
    """Objectives → key results → contributing initiatives, and what hangs loose on both ends."""
    membership = _reader(request)
    tree = selectors.objective_tree(membership.organization)
    return render(request, "strategy/objective_tree.html", {"tree": tree})


@org_view()
@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest) -> HttpResponse:
    membership = _reader(request)
    access.require(access.can_plan(membership))
    data = request.POST if request.method == "POST" else None
    form = ObjectiveForm(data, org=membership.organization)
    if form.is_valid():
        try:
            objective = services.objective_create(actor=membership, **form.cleaned_data)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Objective “%(title)s” created.") % {"title": objective.title})
            return redirect(
                "strategy:objective_detail", org_slug=membership.organization.slug, objective_id=objective.pk
            )
    return render(request, "strategy/objective_form.html", {"form": form}, status=_status(form))


@org_view()
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, objective_id: int) -> HttpResponse:
    membership = _reader(request)
    objective = access.objective_get_for_user(membership, objective_id, write=True)
    data = request.POST if request.method == "POST" else None
    form = ObjectiveForm(data, org=membership.organization, objective=objective)
    if form.is_valid():
        try:
            services.objective_update(actor=membership, objective=objective, **form.cleaned_data)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(
                "strategy:objective_detail", org_slug=membership.organization.slug, objective_id=objective.pk
            )
    context = {"form": form, "objective": objective}
    return render(request, "strategy/objective_form.html", context, status=_status(form))


@org_view()
@require_GET
def objective_detail(request: HttpRequest, objective_id: int) -> HttpResponse:
    membership = _reader(request)
    objective = access.objective_get_for_user(membership, objective_id)
    context = {"objective": objective, "can_plan": access.can_plan(membership)}
    return render(request, "strategy/objective_detail.html", context)


@org_view()
@require_http_methods(["GET", "POST"])
def key_result_create(request: HttpRequest, objective_id: int) -> HttpResponse:
    membership = _reader(request)
    objective = access.objective_get_for_user(membership, objective_id, write=True)
    data = request.POST if request.method == "POST" else None
    form = KeyResultForm(data)
    if form.is_valid():
        try:
            key_result = services.key_result_create(
                actor=membership, objective=objective, **form.cleaned_data
            )
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Key result “%(metric)s” added.") % {"metric": key_result.metric})
            return redirect(
                "strategy:objective_detail", org_slug=membership.organization.slug, objective_id=objective.pk
            )
    context = {"form": form, "objective": objective}
    return render(request, "strategy/key_result_form.html", context, status=_status(form))


@org_view()
@require_http_methods(["GET", "POST"])
def key_result_edit(request: HttpRequest, key_result_id: int) -> HttpResponse:
    membership = _reader(request)
    key_result = access.key_result_get_for_user(membership, key_result_id, write=True)
    data = request.POST if request.method == "POST" else None
    form = KeyResultForm(data, key_result=key_result)
    if form.is_valid():
        try:
            services.key_result_update(actor=membership, key_result=key_result, **form.cleaned_data)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(
                "strategy:key_result_detail",
                org_slug=membership.organization.slug,
                key_result_id=key_result.pk,
            )
    context = {"form": form, "objective": key_result.objective, "key_result": key_result}
    return render(request, "strategy/key_result_form.html", context, status=_status(form))


@org_view()
@require_http_methods(["GET", "POST"])
def key_result_detail(request: HttpRequest, key_result_id: int) -> HttpResponse:
    """A key result's progress, its history chart and check-ins; contributors add a check-in here."""
    membership = _reader(request)
    key_result = access.key_result_get_for_user(membership, key_result_id)
    form = CheckInForm() if access.can_contribute(membership) else None
    if request.method == "POST":
        key_result = access.key_result_get_for_check_in(membership, key_result_id)
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                services.check_in_create(actor=membership, key_result=key_result, **form.cleaned_data)
            except TandemError as error:
                form_error_from(form, error)
            else:
                messages.success(request, _("Check-in recorded."))
                return redirect(
                    "strategy:key_result_detail",
                    org_slug=membership.organization.slug,
                    key_result_id=key_result.pk,
                )
    check_ins = list(selectors.check_in_list(membership.organization, key_result_id=key_result.pk)[:HISTORY])
    context = {
        "key_result": key_result,
        "objective": key_result.objective,
        "check_ins": check_ins,
        "latest": check_ins[0] if check_ins else None,
        "history_limit": HISTORY,
        "form": form,
        "can_plan": access.can_plan(membership),
    }
    return render(request, "strategy/key_result_detail.html", context, status=_status(form))
