"""Pages of services, their service levels, measures and monthly measurements (typed in or
imported from a spreadsheet), and the escalation paths of services and initiatives.

As everywhere in governance: the gate loads, a service writes, a selector reads, a template
renders. Figures are prepared here in the reader's language (99.5, not 99.500).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import charts
from tandem.core.access import Need, OrgRequest
from tandem.core.decorators import cached_page, org_view
from tandem.core.errors import TandemError, ValidationFailed
from tandem.core.forms import form_submit, posted, render_form
from tandem.core.numbers import number
from tandem.governance import access, selectors
from tandem.governance import services as governance  # ``services`` is the list page's name
from tandem.governance.forms import (
    EscalationLevelForm,
    MeasurementForm,
    MeasurementsImportForm,
    MetricForm,
    ServiceForm,
    ServiceLevelForm,
    plain,
    service_initial,
)
from tandem.governance.models import EscalationLevel, Measurement, Service
from tandem.strategy import spreadsheets
from tandem.strategy.models import Initiative


def _service_url(service: Service, anchor: str = "") -> str:
    kwargs = {"org_slug": service.organization.slug, "service_id": service.pk}
    return reverse("governance:service", kwargs=kwargs) + anchor


def _initiative_path_url(initiative: Initiative) -> str:
    kwargs = {"org_slug": initiative.organization.slug, "initiative_id": initiative.pk}
    return reverse("governance:initiative_escalation", kwargs=kwargs)


def _figure(value: Decimal | None) -> str:
    """A stored figure in the reader's language with the decimals it needs (99.95, 1,200)."""
    if value is None:
        return ""
    decimals = len(plain(value).partition(".")[2])
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


# --- Services ---------------------------------------------------------------------------------


@org_view(Need.MEMBER)
@cached_page
@require_GET
def services(request: OrgRequest) -> HttpResponse:
    """The services the member may see, with their party, availability target, service levels
    and open incidents."""
    visible = access.services_for(request.membership)
    page = Paginator(selectors.service_list(visible), selectors.SERVICES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": [(s, _figure(s.availability_target)) for s in page.object_list],
        "can_manage": access.can_manage(request.membership),
        "partner": access.is_partner(request.membership),
    }
    return render(request, "governance/services.html", context)


@org_view(Need.LEAD)
@require_http_methods(["GET", "POST"])
def service_new(request: OrgRequest) -> HttpResponse:
    form = ServiceForm(posted(request), org=request.org)
    done = form_submit(
        request,
        form,
        lambda **data: governance.service_create(actor=request.membership, **data),
        to=_service_url,
        message=_("Service added."),
    )
    context = {"form": form, "service": None}
    return done or render_form(request, "governance/service_form.html", context, form)


@org_view(Need.LEAD)
@require_http_methods(["GET", "POST"])
def service_edit(request: OrgRequest, service_id: int) -> HttpResponse:
    """Change a service: only the fields changed on the form are passed on, so a service whose
    party has since gone inactive can still be renamed."""
    found = access.service_get_for_user(request.membership, service_id, write=True)
    form = ServiceForm(posted(request), org=request.org, service=found, initial=service_initial(found))
    done = form_submit(
        request,
        form,
        lambda **data: governance.service_update(
            actor=request.membership,
            service=found,
            **{key: value for key, value in data.items() if key in form.changed_data},
        ),
        to=_service_url,
        message=_("Service saved."),
    )
    context = {"form": form, "service": found}
    return done or render_form(request, "governance/service_form.html", context, form)


@org_view(Need.MEMBER)
@cached_page
@require_GET
def service(request: OrgRequest, service_id: int) -> HttpResponse:
    found = access.service_get_for_user(request.membership, service_id)
    return _service_page(request, found)


def _service_page(request: OrgRequest, found: Service, **forms_: Any) -> HttpResponse:
    """The service's page; ``forms_`` are forms posted to it, shown again with their errors."""
    manage = access.can_manage(request.membership)
    p = selectors.service_page(found)
    slug = request.org.slug
    context = {
        "p": p,
        "can_manage": manage,
        "partner": access.is_partner(request.membership),
        "availability_target": _figure(found.availability_target),
        "levels": [(lvl, _figure(lvl.acknowledge_hours), _figure(lvl.resolve_hours)) for lvl in p.levels],
        "metrics": [(m, _figure(m.target)) for m in p.metrics],
        "months": _month_rows(p),
        "trend_chart": _trend_chart(p),
        "path_rows": _path_rows(
            p.path,
            lambda lvl: reverse("governance:service_escalation_change", args=[slug, found.pk, lvl.pk]),
        ),
        "add_url": reverse("governance:service_escalation_add", args=[slug, found.pk]),
        "level_form": forms_.get("level_form") or (ServiceLevelForm() if manage else None),
        "metric_form": forms_.get("metric_form") or (MetricForm() if manage else None),
        "measurement_form": forms_.get("measurement_form")
        or (MeasurementForm(service=found) if manage else None),
        "escalation_form": forms_.get("escalation_form")
        or (EscalationLevelForm(org=request.org) if manage else None),
    }
    return render_form(
        request, "governance/service.html", context, *forms_.values(), page_url=_service_url(found)
    )


Cell = tuple[Measurement | None, str, bool | None]  # a measurement, its value in words, target met


def _month_rows(p: selectors.ServicePage) -> list[tuple[date, list[Cell], str, Any]]:
    """Each month of the table, newest first: availability then each measure, every value with
    whether it met its target, and the month's compliance in words."""
    target = p.service.availability_target
    rows = []
    for month, availability, measured, tally in p.table:
        cells: list[Cell] = [
            (
                availability,
                _figure(availability.value),
                None if target is None else availability.value >= target,
            )
            if availability is not None
            else (None, "", None)
        ]
        for metric, row in zip(p.metrics, measured, strict=True):
            cells.append((row, _figure(row.value), metric.met(row.value)) if row else (None, "", None))
        share = "" if tally.percent is None else f"{number(tally.percent)}%"
        rows.append((month, cells, share, tally))
    return rows


def _trend_chart(p: selectors.ServicePage) -> SafeString:
    """A bar per month with targets to check: the share of them met (empty without any)."""
    bars = [
        charts.Bar(formats.date_format(month, "YEAR_MONTH_FORMAT"), share)
        for month, share in p.trend
        if share is not None
    ]
    if not bars:
        return charts.EMPTY
    return charts.bar_chart(
        "compliance-trend",
        _("Targets met per month"),
        "; ".join(f"{bar.label}: {number(bar.value or 0)}%" for bar in bars),
        bars=bars,
        axis=charts.Axis(_("Targets met (%)"), 0.0, 100.0, (0.0, 50.0, 100.0), lambda v: f"{number(v)}%"),
        category_title=_("Month"),
        colour=charts.OK,
    )


@org_view(Need.LEAD)
@require_POST
def service_level_set(request: OrgRequest, service_id: int) -> HttpResponse:
    found = access.service_get_for_user(request.membership, service_id, write=True)
    form = ServiceLevelForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda **data: governance.service_level_set(actor=request.membership, service=found, **data),
        to=_service_url(found, "#levels"),
        message=_("Service level saved."),
    )
    return done or _service_page(request, found, level_form=form)


@org_view(Need.LEAD)
@require_POST
def service_level_remove(request: OrgRequest, service_id: int, level_id: int) -> HttpResponse:
    found = access.service_get_for_user(request.membership, service_id, write=True)
    level = access.service_level_of(request.membership, found, level_id)
    governance.service_level_remove(actor=request.membership, service=found, priority=level.priority)
    return redirect(_service_url(found, "#levels"))


@org_view(Need.LEAD)
@require_POST
def metric_add(request: OrgRequest, service_id: int) -> HttpResponse:
    found = access.service_get_for_user(request.membership, service_id, write=True)
    form = MetricForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda **data: governance.metric_add(actor=request.membership, service=found, **data),
        to=_service_url(found, "#measures"),
        message=_("Measure added."),
    )
    return done or _service_page(request, found, metric_form=form)


@org_view(Need.LEAD)
@require_POST
def metric_remove(request: OrgRequest, service_id: int, metric_id: int) -> HttpResponse:
    found = access.service_get_for_user(request.membership, service_id, write=True)
    metric = access.metric_of(request.membership, found, metric_id)
    governance.metric_remove(actor=request.membership, metric=metric)
    return redirect(_service_url(found, "#measures"))


# --- Measurements -----------------------------------------------------------------------------


@org_view(Need.LEAD)
@require_POST
def measurement_add(request: OrgRequest, service_id: int) -> HttpResponse:
    found = access.service_get_for_user(request.membership, service_id, write=True)
    form = MeasurementForm(request.POST, service=found)
    done = form_submit(
        request,
        form,
        lambda **data: governance.measurement_record(actor=request.membership, service=found, **data),
        to=_service_url(found, "#measurements"),
        message=_("Measurement saved."),
    )
    return done or _service_page(request, found, measurement_form=form)


@org_view(Need.LEAD)
@require_POST
def measurement_remove(request: OrgRequest, service_id: int, measurement_id: int) -> HttpResponse:
    found = access.service_get_for_user(request.membership, service_id, write=True)
    measurement = access.measurement_of(request.membership, found, measurement_id)
    governance.measurement_remove(actor=request.membership, measurement=measurement)
    return redirect(_service_url(found, "#measurements"))


@org_view(Need.LEAD)
@require_http_methods(["GET", "POST"])
def measurements_import(request: OrgRequest, service_id: int) -> HttpResponse:
    """Upload a CSV or XLSX file of measurements: every row is checked first, and one bad row
    saves nothing and is named on the form."""
    found = access.service_get_for_user(request.membership, service_id, write=True)
    form = MeasurementsImportForm(posted(request), request.FILES or None)
    done = form_submit(
        request,
        form,
        lambda file: governance.measurements_import(
            actor=request.membership, service=found, rows=_import_rows(file)
        ),
        to=_service_url(found, "#measurements"),
        message=lambda n: (
            ngettext("%(n)s measurement imported.", "%(n)s measurements imported.", n) % {"n": n}
        ),
    )
    context = {"form": form, "service": found, "metrics": list(found.metrics.all())}
    return done or render_form(request, "governance/measurements_import.html", context, form)


IMPORT_COLUMNS = (
    spreadsheets.Column("month", gettext_lazy("Month")),
    spreadsheets.Column("measure", gettext_lazy("Measure")),
    spreadsheets.Column("value", gettext_lazy("Value")),
    spreadsheets.Column("note", gettext_lazy("Note")),
)


def _import_rows(upload: UploadedFile[bytes]) -> list[dict[str, Any]]:
    """The rows of an uploaded CSV or XLSX file by column (month, measure, value, note; the headers
    in any language Tandem speaks); ``ValidationFailed`` on the file field when it cannot be read."""
    try:
        sheet = spreadsheets.sheet_read(upload.read(spreadsheets.MAX_BYTES + 1))
    except TandemError as error:
        raise ValidationFailed(error.message, field="file") from None
    known = spreadsheets.known_headers(IMPORT_COLUMNS)
    keys = [known.get(spreadsheets.normalise_header(str(header))) for header in sheet.headers]
    if not {"month", "value"} <= set(keys):
        raise ValidationFailed(
            _("The first row must name the columns: month, measure, value and note."), field="file"
        )
    return [
        {"row": row, **{key: _cell(value) for key, value in zip(keys, cells, strict=False) if key}}
        for row, cells in sheet.rows
    ]


def _cell(value: Any) -> Any:
    """A spreadsheet cell as the services read it: a date for a date, text stripped."""
    if isinstance(value, datetime):
        return value.date()
    return value.strip() if isinstance(value, str) else value


# --- Escalation paths -------------------------------------------------------------------------


def _path_rows(
    levels: list[EscalationLevel], change_url: Callable[[EscalationLevel], str]
) -> list[tuple[EscalationLevel, str, str, str]]:
    """Each level of a path with who it calls, its response time in words and the address that
    changes it."""
    return [(level, _who(level), _figure(level.respond_hours), change_url(level)) for level in levels]


def _who(level: EscalationLevel) -> str:
    if level.party is not None:
        return level.party.name
    return level.membership.user.display_name if level.membership else ""


def _level_change(request: OrgRequest, level: EscalationLevel, back: str) -> HttpResponse:
    """Move a level up or down, or remove it, as the button pressed (``do``) says."""
    action = request.POST.get("do", "")
    if action == "remove":
        governance.escalation_level_remove(actor=request.membership, level=level)
    elif action in ("up", "down"):
        offset = -1 if action == "up" else 1
        governance.escalation_level_move(actor=request.membership, level=level, offset=offset)
    else:
        return HttpResponseBadRequest(_("Choose to move the level up or down, or to remove it."))
    return redirect(back)


@org_view(Need.LEAD)
@require_POST
def service_escalation_add(request: OrgRequest, service_id: int) -> HttpResponse:
    found = access.service_get_for_user(request.membership, service_id, write=True)
    form = EscalationLevelForm(request.POST, org=request.org)
    done = form_submit(
        request,
        form,
        lambda **data: governance.escalation_level_add(actor=request.membership, service=found, **data),
        to=_service_url(found, "#escalation"),
        message=_("Escalation level added."),
    )
    return done or _service_page(request, found, escalation_form=form)


@org_view(Need.LEAD)
@require_POST
def service_escalation_change(request: OrgRequest, service_id: int, escalation_level_id: int) -> HttpResponse:
    found = access.service_get_for_user(request.membership, service_id, write=True)
    level = access.escalation_level_of(request.membership, escalation_level_id, service=found)
    return _level_change(request, level, _service_url(found, "#escalation"))


def _can_change_path(request: OrgRequest, initiative: Initiative) -> bool:
    return access.can_change_path(request.membership, initiative)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def initiative_escalation(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """An initiative's escalation path: who to turn to, in order, when an incident gets no response."""
    write = request.method == "POST"
    initiative = access.path_initiative_for_user(request.membership, initiative_id, write=write)
    form = EscalationLevelForm(posted(request), org=request.org)
    done = form_submit(
        request,
        form,
        lambda **data: governance.escalation_level_add(
            actor=request.membership, initiative=initiative, **data
        ),
        to=_initiative_path_url(initiative),
        message=_("Escalation level added."),
    )
    return done or _escalation_page(request, initiative, form)


def _escalation_page(request: OrgRequest, initiative: Initiative, form: EscalationLevelForm) -> HttpResponse:
    slug = request.org.slug
    context = {
        "initiative": initiative,
        "path_rows": _path_rows(
            selectors.escalation_path(request.org, initiative=initiative),
            lambda lvl: reverse(
                "governance:initiative_escalation_change", args=[slug, initiative.pk, lvl.pk]
            ),
        ),
        "escalation_form": form if _can_change_path(request, initiative) else None,
        "add_url": _initiative_path_url(initiative),
    }
    return render_form(request, "governance/escalation.html", context, form)


@org_view(Need.READER)
@require_POST
def initiative_escalation_change(
    request: OrgRequest, initiative_id: int, escalation_level_id: int
) -> HttpResponse:
    initiative = access.path_initiative_for_user(request.membership, initiative_id, write=True)
    level = access.escalation_level_of(request.membership, escalation_level_id, initiative=initiative)
    return _level_change(request, level, _initiative_path_url(initiative))
