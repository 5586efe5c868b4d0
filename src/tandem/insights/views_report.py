"""Board report pages: the list of reports with the request form, a report's status page (queued,
ready with its download, failed with the reason), the PDF download, and the monthly report's
settings. The gate loads, ``services_report`` writes, a template renders; nothing is written on a
GET (the download included)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.access import Need, OrgRequest, refuse
from tandem.core.decorators import org_view
from tandem.core.forms import form_submit, posted, render_form
from tandem.insights import access, services_report
from tandem.insights.forms_report import ReportRequestForm, ReportSettingsForm
from tandem.insights.models import BoardReport, InsightSettings, ReportLanguage, ReportRecipient, ReportStatus

REPORTS_PER_PAGE = 20


def _report_url(request: OrgRequest, report: BoardReport) -> str:
    return reverse("insights:report", kwargs={"org_slug": request.org.slug, "report_id": report.pk})


def _request_initial() -> dict[str, Any]:
    start, end = services_report.last_full_month(timezone.localdate())
    language = get_language() or ReportLanguage.ENGLISH
    language = language if language in ReportLanguage.values else ReportLanguage.ENGLISH
    return {"period_start": start, "period_end": end, "language": language}


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def report_list(request: OrgRequest) -> HttpResponse:
    """The organisation's reports, newest first; leads and up request one for a period."""
    m = request.membership
    reports = access.report_list_for(m)
    may_request = access.can_request_report(m)
    if request.method == "POST":
        access.require_report_requester(m)
    form = ReportRequestForm(posted(request), initial=_request_initial()) if may_request else None
    if form is not None:
        done = form_submit(
            request,
            form,
            partial(services_report.report_request, actor=m),
            to=lambda report: _report_url(request, report),
            message=_("The report is being prepared: it is ready in a minute or two."),
        )
        if done:
            return done
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "can_manage": access.can_manage(m)}
    return render_form(request, "insights/report_list.html", context, form)


@org_view(Need.READER)
@require_GET
def report(request: OrgRequest, report_id: int) -> HttpResponse:
    """A report's status: queued, ready (download and pages) or failed (why)."""
    found = access.report_get_for(request.membership, report_id)
    return render_form(request, "insights/report.html", {"report": found, "Status": ReportStatus})


@org_view(Need.READER)
@require_GET
def report_pdf(request: OrgRequest, report_id: int) -> HttpResponse:
    """The PDF of a ready report, as a download."""
    found = access.report_get_for(request.membership, report_id)
    if found.status != ReportStatus.READY or not found.pdf:
        raise refuse("board report not ready", org=request.org)
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    name = f"board-report-{found.period_start:%Y%m%d}-{found.period_end:%Y%m%d}-{found.language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def report_settings(request: OrgRequest) -> HttpResponse:
    """Owners and admins turn the monthly report on or off and choose who receives it."""
    m = request.membership
    access.require_manager(m)
    org = request.org
    chosen = InsightSettings.objects.filter(organization=org).first()
    initial = {
        "monthly_report": chosen.monthly_report if chosen is not None else False,
        "recipients": list(ReportRecipient.objects.for_org(org).values_list("membership_id", flat=True)),
    }
    form = ReportSettingsForm(posted(request), org=org, initial=initial)
    to = reverse("insights:reports", kwargs={"org_slug": org.slug})
    done = form_submit(
        request,
        form,
        partial(services_report.report_settings_update, actor=m),
        to=to,
        message=_("The monthly report's settings are saved."),
    )
    context = {"form": form, "settings": chosen}
    return done or render_form(request, "insights/report_settings.html", context, form)
