"""The board report JSON API: the organisation's reports, a request for one (rendered in the
background), its status and its PDF, and the monthly report's settings.

Handlers load through the access gate (``insights.access``) and call the same services as the
pages. Every internal member lists reports and downloads ready ones; leads, admins and owners
request them; owners and admins read and change the monthly settings. A member on the partner side
gets a 404 on every endpoint, like another organisation's ids."""

# No ``from __future__ import annotations`` here: ninja reads the parameter types as objects.

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from tandem.core.access import Need, org_member
from tandem.core.api import ERRORS, WRITE_ERRORS, Pages, Serialised
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import Membership
from tandem.core.schemas import Day, InputSchema
from tandem.insights import access, services_report
from tandem.insights.models import BoardReport, InsightSettings, ReportRecipient, ReportStatus

router = Router(tags=["reports"])

ORG = "/orgs/{slug}"
REPORT = ORG + "/reports/{report_id}"
INTERNAL = " Internal members only (404 on the partner side)."
MAX_RECIPIENTS = 500
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class BoardReportOut(Schema):
    id: int
    period_start: date = Field(description="The first day the report covers")
    period_end: date = Field(description="The last day the report covers")
    language: Literal["en", "nl"]
    status: Literal["queued", "ready", "failed"] = Field(
        description="queued: being rendered; ready: the PDF can be downloaded; failed: see `error`"
    )
    pages: int | None = Field(description="The PDF's page count once ready")
    error: str = Field(description="Why rendering failed; empty otherwise")
    is_monthly: bool = Field(description="true: made by the monthly e-mail, not requested by someone")
    requested_by_id: int | None = Field(description="The member who requested it")
    created_at: datetime
    rendered_at: datetime | None
    pdf_url: str | None = Field(description="Where to download the PDF (this API), once ready")


class BoardReportIn(InputSchema):
    period_start: Day = Field(description="The first day to cover (YYYY-MM-DD)")
    period_end: Day = Field(
        description="The last day to cover: not before the start, not after today, "
        "at most 366 days after the start"
    )
    language: Literal["en", "nl"] = Field("en", description="The report's language")


class ReportSettingsOut(Schema):
    monthly_report: bool = Field(description="true: last month's report is e-mailed on the 1st")
    recipient_ids: list[int] = Field(description="The members who receive it, each in their own language")
    last_monthly_report: date | None = Field(description="The first day of the month last e-mailed")


class ReportSettingsIn(InputSchema):
    monthly_report: bool
    recipient_ids: list[Id] = Field(
        default_factory=list,
        max_length=MAX_RECIPIENTS,
        description="Active internal members of the organisation; at least one when `monthly_report` is true",
    )


def _reader(request: HttpRequest, slug: str) -> Membership:
    membership = org_member(request, slug, need=Need.READER)
    access.require_reader(membership)
    return membership


def report_out(report: BoardReport) -> BoardReportOut:
    ready = report.status == ReportStatus.READY
    slug = report.organization.slug if ready else ""
    return BoardReportOut(
        id=report.pk,
        period_start=report.period_start,
        period_end=report.period_end,
        language=report.language,  # type: ignore[arg-type]
        status=report.status,  # type: ignore[arg-type]
        pages=report.pages,
        error=report.error,
        is_monthly=report.is_monthly,
        requested_by_id=report.requested_by_id,
        created_at=report.created_at,
        rendered_at=report.rendered_at,
        pdf_url=f"/api/v1/orgs/{slug}/reports/{report.pk}/pdf" if ready else None,
    )


def _settings_out(membership: Membership) -> ReportSettingsOut:
    org = membership.organization
    row = InsightSettings.objects.filter(organization=org).first()
    ids = (
        ReportRecipient.objects.for_org(org).order_by("membership_id").values_list("membership_id", flat=True)
    )
    return ReportSettingsOut(
        monthly_report=row.monthly_report if row is not None else False,
        recipient_ids=list(ids),
        last_monthly_report=row.last_monthly_report if row is not None else None,
    )


@router.get(
    ORG + "/reports",
    response={200: list[BoardReportOut], **ERRORS},
    summary="List board reports",
    description="The organisation's board reports, newest first, with their status; ready ones "
    "name their PDF's address." + INTERNAL,
)
@paginate(Pages)
def reports_list(request: HttpRequest, slug: str) -> Any:
    membership = _reader(request, slug)
    rows = access.report_list_for(membership).select_related("organization")
    return Serialised(rows, report_out)


@router.post(
    ORG + "/reports",
    response={201: BoardReportOut, **WRITE_ERRORS},
    summary="Request a board report (leads, admins, owners)",
    description="Queue a board report of `period_start`..`period_end` in `language`; it is rendered "
    "in the background (poll the report until its status is ready or failed). A 422 names the "
    "field at fault: a period that ends in the future, ends before it starts or is longer than "
    "366 days.",
)
def reports_request(request: HttpRequest, slug: str, payload: BoardReportIn) -> Status[BoardReportOut]:
    membership = _reader(request, slug)
    access.require_report_requester(membership)
    report = services_report.report_request(
        actor=membership,
        period_start=payload.period_start,
        period_end=payload.period_end,
        language=payload.language,
    )
    return Status(201, report_out(report))


@router.get(
    ORG + "/report-settings",
    response={200: ReportSettingsOut, **ERRORS},
    summary="Read the monthly report's settings (owners, admins)",
    description="Whether last month's board report is e-mailed on the first of each month, and to whom.",
)
def reports_settings_read(request: HttpRequest, slug: str) -> ReportSettingsOut:
    membership = _reader(request, slug)
    access.require_manager(membership)
    return _settings_out(membership)


@router.put(
    ORG + "/report-settings",
    response={200: ReportSettingsOut, **WRITE_ERRORS},
    summary="Change the monthly report's settings (owners, admins)",
    description="Turn the monthly e-mail on or off and name its recipients (all of them: the list "
    "replaces the one before). A 422 on `recipient_ids` for a member who is not an active internal "
    "member of the organisation, or for none while the e-mail is on.",
)
def reports_settings_update(request: HttpRequest, slug: str, payload: ReportSettingsIn) -> ReportSettingsOut:
    membership = _reader(request, slug)
    access.require_manager(membership)
    people = list(Membership.objects.for_org(membership.organization).filter(pk__in=payload.recipient_ids))
    if len(people) != len(set(payload.recipient_ids)):
        raise ValidationFailed(
            _("Choose recipients among the organisation's own members."), field="recipient_ids"
        )
    try:
        services_report.report_settings_update(
            actor=membership, monthly_report=payload.monthly_report, recipients=people
        )
    except ValidationFailed as error:
        error.field = "recipient_ids" if error.field == "recipients" else error.field
        raise
    return _settings_out(membership)


@router.get(
    REPORT,
    response={200: BoardReportOut, **ERRORS},
    summary="Read a board report's status",
    description="Queued, ready (with its page count and PDF address) or failed (with why)." + INTERNAL,
)
def reports_detail(request: HttpRequest, slug: str, report_id: int) -> BoardReportOut:
    membership = _reader(request, slug)
    report = access.report_get_for(membership, report_id)
    report.organization = membership.organization
    return report_out(report)


@router.get(
    REPORT + "/pdf",
    response={200: None, **ERRORS},
    summary="Download a board report's PDF",
    description="The PDF of a ready report (application/pdf). A 409 while it is queued or after it "
    "failed." + INTERNAL,
    openapi_extra={
        "responses": {
            200: {
                "description": "The report as a PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def reports_pdf(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    membership = _reader(request, slug)
    report = access.report_get_for(membership, report_id)
    if report.status != ReportStatus.READY or not report.pdf:
        raise Conflict(_("The report is not ready: its status is %(status)s.") % {"status": report.status})
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    name = f"board-report-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}-{report.language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
