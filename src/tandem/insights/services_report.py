"""Writes of the board report: a request (queued, then rendered by ``tasks_report.render_report``),
the rendering itself, and the monthly report's settings. Requests and settings are audited.

A period runs from ``start`` to ``end`` (both included): ``end`` not before ``start``, not after
today, at most ``MAX_DAYS`` days long. The default is the last full month.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tandem.core.audit import audit_record
from tandem.core.errors import ValidationFailed
from tandem.core.models import Membership, Organization, Role
from tandem.core.validation import clean_date
from tandem.insights.models import BoardReport, InsightSettings, ReportLanguage, ReportRecipient, ReportStatus

logger = logging.getLogger(__name__)

MAX_DAYS = 366
ERROR_LENGTH = 300


def last_full_month(today: date) -> tuple[date, date]:
    """The first and last day of the month before ``today``'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def clean_period(start: Any, end: Any, *, today: date) -> tuple[date, date]:
    """The period checked; ``ValidationFailed`` naming the field at fault."""
    first = clean_date(start, field="period_start", required=True)
    last = clean_date(end, field="period_end", required=True)
    if first is None or last is None:  # pragma: no cover - required dates are never None
        raise ValidationFailed(_("Enter a date."), field="period_start" if first is None else "period_end")
    if last > today:
        raise ValidationFailed(_("The period cannot end in the future."), field="period_end")
    if last < first:
        raise ValidationFailed(_("The end of the period cannot come before its start."), field="period_end")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            _("A report covers at most %(n)s days.") % {"n": MAX_DAYS}, field="period_start"
        )
    return first, last


def clean_language(language: Any) -> str:
    if language not in ReportLanguage.values:
        raise ValidationFailed(_("Choose English or Dutch."), field="language")
    return str(language)


def report_request(
    *, actor: Membership, period_start: Any, period_end: Any, language: Any, now: datetime | None = None
) -> BoardReport:
    """Queue a board report of the actor's organisation and its rendering task (after commit)."""
    from tandem.insights import tasks_report  # the task module renders through this one

    today = timezone.localdate(now or timezone.now())
    start, end = clean_period(period_start, period_end, today=today)
    chosen = clean_language(language)
    org = actor.organization
    with transaction.atomic():
        report = BoardReport.objects.create(
            organization=org, period_start=start, period_end=end, language=chosen, requested_by=actor
        )
        audit_record(
            action="insights.report_requested",
            actor=actor.user,
            organization=org,
            target=report,
            summary=gettext_noop("Board report requested"),
            data={"from": start.isoformat(), "to": end.isoformat(), "language": chosen},
        )
        transaction.on_commit(lambda: tasks_report.render_report.enqueue(report_id=report.pk))
    return report


def report_render(report: BoardReport, *, now: datetime | None = None) -> BoardReport:
    """Render ``report`` in its language and keep the PDF (ready), or the reason it failed."""
    from tandem.insights import pdf, report_data  # the renderer pulls in every app's section

    try:
        with translation.override(report.language):
            content = report_data.report_content(
                report.organization, report.period_start, report.period_end, now=now
            )
            rendered = pdf.render_pdf(content.cover, content.sections)
    except Exception as error:  # a failure is shown on the status page, not lost in a log
        report.status, report.error = ReportStatus.FAILED, f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        report.rendered_at = timezone.now()
        report.save(update_fields=["status", "error", "rendered_at"])
        logger.exception("board report %s failed to render", report.pk)
        return report
    report.pdf, report.pages, report.status, report.error = (
        rendered.pdf,
        rendered.pages,
        ReportStatus.READY,
        "",
    )
    report.rendered_at = timezone.now()
    report.save(update_fields=["pdf", "pages", "status", "error", "rendered_at"])
    return report


def monthly_report_create(*, org: Organization, start: date, end: date, language: str) -> BoardReport:
    """A monthly report row (no requester), rendered by the monthly round itself."""
    return BoardReport.objects.create(
        organization=org, period_start=start, period_end=end, language=language, is_monthly=True
    )


def monthly_report_sent(*, org: Organization, month: date) -> None:
    """Mark ``month`` (its first day) as e-mailed: the monthly round's idempotence."""
    InsightSettings.objects.filter(organization=org).update(last_monthly_report=month)


def report_settings_update(
    *, actor: Membership, monthly_report: bool, recipients: Iterable[Membership]
) -> InsightSettings:
    """Turn the monthly report on or off and choose who receives it: active internal members of
    the actor's organisation only (``ValidationFailed`` otherwise)."""
    org = actor.organization
    chosen = {m.pk: m for m in recipients}
    allowed = set(
        Membership.objects.for_org(org)
        .filter(pk__in=chosen, is_active=True)
        .exclude(role=Role.PARTNER)
        .values_list("pk", flat=True)
    )
    if set(chosen) - allowed:
        raise ValidationFailed(
            _("Choose recipients among the organisation's own members."), field="recipients"
        )
    if monthly_report and not chosen:
        raise ValidationFailed(
            _("Choose at least one person to receive the monthly report."), field="recipients"
        )
    with transaction.atomic():
        row, _created = InsightSettings.objects.select_for_update().get_or_create(organization=org)
        row.monthly_report = bool(monthly_report)
        row.save(update_fields=["monthly_report", "updated_at"])
        ReportRecipient.objects.for_org(org).exclude(membership_id__in=chosen).delete()
        have = set(ReportRecipient.objects.for_org(org).values_list("membership_id", flat=True))
        ReportRecipient.objects.bulk_create(
            ReportRecipient(organization=org, membership_id=pk) for pk in sorted(set(chosen) - have)
        )
        audit_record(
            action="insights.report_settings_changed",
            actor=actor.user,
            organization=org,
            target=row,
            summary=gettext_noop("Monthly board report settings changed"),
            data={"monthly_report": row.monthly_report, "recipients": sorted(chosen)},
        )
    return row
