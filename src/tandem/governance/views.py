"""Governance pages: the gate loads, a service writes, a selector reads, a template renders.

Parties (list, page, contacts, contracts, contributions) and each initiative's RACI matrix with
its editor (a grid of choices that works with the keyboard alone and without JavaScript; with
htmx each change saves at once and the rule check follows), its printable view and its export.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.access import Need, OrgRequest, meets, refuse
from tandem.core.decorators import cached_page, org_view
from tandem.core.errors import TandemError
from tandem.core.forms import form_error_from, form_status, form_submit, posted, render_form
from tandem.governance import access, exports, selectors, services
from tandem.governance.forms import (
    ActivityForm,
    CalendarForm,
    ClosingDayForm,
    ColumnForm,
    ContactForm,
    ContractForm,
    ContributionForm,
    PartyForm,
    TemplateForm,
    calendar_initial,
)
from tandem.governance.models import ClosingDay, Contract, Party
from tandem.strategy.models import Initiative

CELL = re.compile(r"^cell-(\d{1,18})-(\d{1,18})$")


def _party_url(party: Party) -> str:
    return reverse("governance:party", kwargs={"org_slug": party.organization.slug, "party_id": party.pk})


def _matrix_url(initiative: Initiative) -> str:
    return reverse(
        "governance:matrix", kwargs={"org_slug": initiative.organization.slug, "initiative_id": initiative.pk}
    )


# --- Parties ----------------------------------------------------------------------------------


@org_view(Need.MEMBER)
@cached_page
@require_GET
def parties(request: OrgRequest) -> HttpResponse:
    """Every party the member may see, with contacts, contracts and RACI columns counted, and the
    contracts whose notice date is near."""
    visible = access.parties_for(request.membership)
    page = Paginator(selectors.party_list(visible), selectors.PARTIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "alerts": selectors.notice_alerts(request.org, visible),
        "can_manage": access.can_manage(request.membership),
        "can_configure": meets(request.membership, Need.ADMIN),
        "partner": access.is_partner(request.membership),
    }
    return render(request, "governance/parties.html", context)


@org_view(Need.LEAD)
@require_http_methods(["GET", "POST"])
def party_new(request: OrgRequest) -> HttpResponse:
    form = PartyForm(posted(request))
    done = form_submit(
        request,
        form,
        lambda **data: services.party_create(actor=request.membership, **data),
        to=_party_url,
        message=_("Party added."),
    )
    return done or render_form(request, "governance/party_form.html", {"form": form, "party": None}, form)


@org_view(Need.MEMBER)
@cached_page
@require_GET
def party(request: OrgRequest, party_id: int) -> HttpResponse:
    found = access.party_get_for_user(request.membership, party_id)
    return _party_page(request, found)


def _party_page(request: OrgRequest, found: Party, **forms_: Any) -> HttpResponse:
    org = request.org
    manage = access.can_manage(request.membership)
    context = {
        "p": selectors.party_page(found),
        "can_manage": manage,
        "contact_form": forms_.get("contact_form") or (ContactForm(org=org) if manage else None),
        "contract_form": forms_.get("contract_form") or (ContractForm() if manage else None),
        "contribution_form": forms_.get("contribution_form")
        or (ContributionForm(org=org) if manage else None),
    }
    return render_form(
        request, "governance/party.html", context, *forms_.values(), page_url=_party_url(found)
    )


@org_view(Need.LEAD)
@require_http_methods(["GET", "POST"])
def party_edit(request: OrgRequest, party_id: int) -> HttpResponse:
    found = access.party_get_for_user(request.membership, party_id, write=True)
    initial = {k: getattr(found, k) for k in ("name", "kind", "description", "website")}
    initial["side"] = "" if found.external else found.side
    form = PartyForm(posted(request), initial=initial)
    done = form_submit(
        request,
        form,
        lambda **data: services.party_update(actor=request.membership, party=found, **data),
        to=_party_url,
        message=_("Party saved."),
    )
    return done or render_form(request, "governance/party_form.html", {"form": form, "party": found}, form)


@org_view(Need.LEAD)
@require_POST
def contact_add(request: OrgRequest, party_id: int) -> HttpResponse:
    found = access.party_get_for_user(request.membership, party_id, write=True)
    form = ContactForm(request.POST, org=request.org)
    done = form_submit(
        request,
        form,
        lambda **data: services.contact_add(actor=request.membership, party=found, **data),
        to=_party_url(found) + "#contacts",
        message=_("Contact added."),
    )
    return done or _party_page(request, found, contact_form=form)


@org_view(Need.LEAD)
@require_POST
def contact_remove(request: OrgRequest, party_id: int, contact_id: int) -> HttpResponse:
    found = access.party_get_for_user(request.membership, party_id, write=True)
    services.contact_remove(actor=request.membership, party=found, contact_id=contact_id)
    return redirect(_party_url(found) + "#contacts")


@org_view(Need.LEAD)
@require_POST
def contract_add(request: OrgRequest, party_id: int) -> HttpResponse:
    found = access.party_get_for_user(request.membership, party_id, write=True)
    form = ContractForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda **data: services.contract_add(actor=request.membership, party=found, **data),
        to=_party_url(found) + "#contracts",
        message=_("Contract added."),
    )
    return done or _party_page(request, found, contract_form=form)


@org_view(Need.LEAD)
@require_http_methods(["GET", "POST"])
def contract_edit(request: OrgRequest, party_id: int, contract_id: int) -> HttpResponse:
    found = access.party_get_for_user(request.membership, party_id, write=True)
    contract = access.contract_get_for_user(request.membership, found, contract_id)
    form = ContractForm(posted(request), initial=_contract_initial(contract))
    done = form_submit(
        request,
        form,
        lambda **data: services.contract_update(actor=request.membership, contract=contract, **data),
        to=_party_url(found) + "#contracts",
        message=_("Contract saved."),
    )
    context = {"form": form, "party": found, "contract": contract}
    return done or render_form(request, "governance/contract_form.html", context, form)


def _contract_initial(contract: Contract) -> dict[str, Any]:
    return {
        "title": contract.title,
        "reference": contract.reference,
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat() if contract.ends_on else "",
        "value": "" if contract.value is None else str(contract.value),
        "currency": contract.currency,
        "notice_days": contract.notice_days,
        "renewal": contract.renewal,
        "alert_days": contract.alert_days,
    }


@org_view(Need.LEAD)
@require_POST
def contract_remove(request: OrgRequest, party_id: int, contract_id: int) -> HttpResponse:
    found = access.party_get_for_user(request.membership, party_id, write=True)
    contract = access.contract_get_for_user(request.membership, found, contract_id)
    services.contract_remove(actor=request.membership, contract=contract)
    return redirect(_party_url(found) + "#contracts")


@org_view(Need.LEAD)
@require_POST
def contribution_set(request: OrgRequest, party_id: int) -> HttpResponse:
    found = access.party_get_for_user(request.membership, party_id, write=True)
    form = ContributionForm(request.POST, org=request.org)
    done = form_submit(
        request,
        form,
        lambda **data: services.contribution_set(actor=request.membership, party=found, **data),
        to=_party_url(found) + "#contributions",
        message=_("Contribution saved."),
    )
    return done or _party_page(request, found, contribution_form=form)


@org_view(Need.LEAD)
@require_POST
def contribution_remove(request: OrgRequest, party_id: int, contribution_id: int) -> HttpResponse:
    found = access.party_get_for_user(request.membership, party_id, write=True)
    services.contribution_remove(actor=request.membership, party=found, contribution_id=contribution_id)
    return redirect(_party_url(found) + "#contributions")


# --- The RACI matrix --------------------------------------------------------------------------


def _matrix_for(request: OrgRequest, initiative: Initiative) -> selectors.Matrix:
    own = access.own_party_ids(request.membership) if access.is_partner(request.membership) else None
    return selectors.matrix(initiative, only_parties=own)


def _matrix_page(
    request: OrgRequest, initiative: Initiative, *, status_form: Any = None, **forms_: Any
) -> HttpResponse:
    org = request.org
    editable = access.can_edit_matrix(request.membership, initiative)
    context = {
        "initiative": initiative,
        "m": _matrix_for(request, initiative),
        "editable": editable,
        "own_columns": access.own_column_ids(request.membership, initiative),
        "activity_form": forms_.get("activity_form") or (ActivityForm() if editable else None),
        "column_form": forms_.get("column_form") or (ColumnForm(org=org) if editable else None),
        "status_form": status_form,
    }
    return render_form(
        request,
        "governance/matrix.html",
        context,
        status_form,
        *forms_.values(),
        page_url=_matrix_url(initiative),
    )


@org_view(Need.MEMBER)
@cached_page
@require_GET
def matrix(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = access.matrix_initiative_for_user(request.membership, initiative_id)
    return _matrix_page(request, initiative)


@org_view(Need.MEMBER)
@cached_page
@require_GET
def matrix_print(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = access.matrix_initiative_for_user(request.membership, initiative_id)
    return render(
        request,
        "governance/matrix_print.html",
        {"initiative": initiative, "m": _matrix_for(request, initiative)},
    )


@org_view(Need.MEMBER)
@require_GET
def matrix_export(request: OrgRequest, initiative_id: int, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise refuse("unknown export format", org=request.org)
    initiative = access.matrix_initiative_for_user(request.membership, initiative_id)
    content = exports.matrix_file(_matrix_for(request, initiative), fmt=fmt)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="raci-{initiative.pk}.{fmt}"'
    return response


@org_view(Need.MEMBER)
@require_POST
def matrix_save(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Save every cell of the editor at once; with htmx, the one cell that changed."""
    initiative, only = access.cells_initiative_for_user(request.membership, initiative_id)
    cells = {
        (int(match[1]), int(match[2])): request.POST.get(name, "")
        for name in request.POST
        if (match := CELL.match(name))
    }
    form = ActivityForm()
    try:
        changed = services.cells_set(
            actor=request.membership, initiative=initiative, cells=cells, only_columns=only
        )
    except TandemError as error:
        form_error_from(form, error)
        if request.htmx:
            return _problems(request, initiative, status=form_status(form), error=error.message)
        return _matrix_page(request, initiative, status_form=form)
    if request.htmx:
        return _problems(request, initiative)
    if changed:
        messages.success(request, _("Matrix saved."))
    return redirect(_matrix_url(initiative))


def _problems(
    request: OrgRequest, initiative: Initiative, *, status: int = 200, error: str = ""
) -> HttpResponse:
    context = {"m": _matrix_for(request, initiative), "initiative": initiative, "error": error}
    return render(request, "governance/_problems.html", context, status=status)


@org_view(Need.MEMBER)
@require_POST
def matrix_start(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = access.matrix_initiative_for_user(request.membership, initiative_id, write=True)
    form = ActivityForm()
    done = form_submit(
        request,
        form,
        lambda: services.matrix_start(actor=request.membership, initiative=initiative),
        to=_matrix_url(initiative),
        message=_("The matrix starts with the organisation's template."),
        fields=False,
    )
    return done or _matrix_page(request, initiative, status_form=form)


@org_view(Need.MEMBER)
@require_POST
def activity_add(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = access.matrix_initiative_for_user(request.membership, initiative_id, write=True)
    form = ActivityForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda **data: services.activity_add(actor=request.membership, initiative=initiative, **data),
        to=_matrix_url(initiative),
        message=_("Activity added."),
    )
    return done or _matrix_page(request, initiative, activity_form=form)


@org_view(Need.MEMBER)
@require_POST
def activity_change(request: OrgRequest, initiative_id: int, activity_id: int) -> HttpResponse:
    """Rename, move up or down, or remove one activity (the button pressed says which)."""
    initiative = access.matrix_initiative_for_user(request.membership, initiative_id, write=True)
    activity = access.activity_of(request.membership, initiative, activity_id)
    action = request.POST.get("do", "")
    if action == "remove":
        services.activity_remove(actor=request.membership, activity=activity)
    elif action in ("up", "down"):
        services.activity_move(
            actor=request.membership, activity=activity, offset=-1 if action == "up" else 1
        )
    else:
        form = ActivityForm(request.POST)
        done = form_submit(
            request,
            form,
            lambda **data: services.activity_rename(actor=request.membership, activity=activity, **data),
            to=_matrix_url(initiative),
            message=_("Activity renamed."),
        )
        if done is None:
            return _matrix_page(request, initiative, status_form=form)
        return done
    return redirect(_matrix_url(initiative))


@org_view(Need.MEMBER)
@require_POST
def column_add(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = access.matrix_initiative_for_user(request.membership, initiative_id, write=True)
    form = ColumnForm(request.POST, org=request.org)
    done = form_submit(
        request,
        form,
        lambda **data: services.column_add(actor=request.membership, initiative=initiative, **data),
        to=_matrix_url(initiative),
        message=_("Column added."),
    )
    return done or _matrix_page(request, initiative, column_form=form)


@org_view(Need.MEMBER)
@require_POST
def column_remove(request: OrgRequest, initiative_id: int, column_id: int) -> HttpResponse:
    initiative = access.matrix_initiative_for_user(request.membership, initiative_id, write=True)
    services.column_remove(
        actor=request.membership, column=access.column_of(request.membership, initiative, column_id)
    )
    return redirect(_matrix_url(initiative))


@org_view(Need.LEAD)
@require_http_methods(["GET", "POST"])
def template(request: OrgRequest) -> HttpResponse:
    """The organisation's starting RACI template: one activity per line."""
    initial = {"names": "\n".join(services.template_names(request.org))}
    form = TemplateForm(posted(request), initial=initial)
    done = form_submit(
        request,
        form,
        lambda names: services.template_set(actor=request.membership, names=names.splitlines()),
        to=reverse("governance:template", kwargs={"org_slug": request.org.slug}),
        message=_("Template saved: new matrices start with these activities."),
    )
    return done or render_form(request, "governance/template.html", {"form": form}, form)


# --- The working calendar ---------------------------------------------------------------------


def _calendar_url(request: OrgRequest) -> str:
    return reverse("governance:calendar", kwargs={"org_slug": request.org.slug})


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def calendar(request: OrgRequest) -> HttpResponse:
    """Working days and hours, public holidays and closing days: what working hours count."""
    initial = calendar_initial(selectors.calendar_settings(request.org))
    form = CalendarForm(posted(request) if "time_zone" in request.POST else None, initial=initial)
    closing = ClosingDayForm(request.POST if "day" in request.POST else None)
    done = form_submit(
        request,
        form,
        lambda **data: services.calendar_update(actor=request.membership, **data),
        to=_calendar_url(request),
        message=_("Working hours saved."),
    ) or form_submit(
        request,
        closing,
        lambda **data: services.closing_day_add(actor=request.membership, **data),
        to=_calendar_url(request) + "#closing-days",
        message=_("Closing day added."),
    )
    if done:
        return done
    context = {
        "form": form,
        "closing_form": closing,
        "closing_days": ClosingDay.objects.for_org(request.org).filter(day__gte=timezone.localdate()),
        "days_off": selectors.days_off(request.org, start=timezone.localdate()),
    }
    return render_form(request, "governance/calendar.html", context, form, closing)


@org_view(Need.ADMIN)
@require_POST
def closing_day_remove(request: OrgRequest, closing_day_id: int) -> HttpResponse:
    closing_day = access.closing_day_of(request.membership, closing_day_id)
    services.closing_day_remove(actor=request.membership, closing_day=closing_day)
    return redirect(_calendar_url(request) + "#closing-days")
