"""Background work of the board report: rendering a requested report, and the monthly round that
e-mails the previous month's report to each organisation's chosen people.

The monthly round runs daily and plans its next run (``plan``); from the first of a month on it
sends, once per organisation and month, one PDF per language its recipients read (each person gets
the report in their own language, their choice else the organisation's). An organisation is
claimed before sending (``last_monthly_report`` moves to this month), so two workers or a second
run send nothing more; a run that fails gives the month back to be tried again the next day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tandem.core.language import language_for
from tandem.core.models import Membership, Organization, Role
from tandem.insights import services_report
from tandem.insights.models import BoardReport, InsightSettings, ReportLanguage, ReportRecipient, ReportStatus

DAY = timedelta(days=1)


@task()
def render_report(*, report_id: int) -> str:
    """Render a queued report; a report rendered already (or gone) is left alone."""
    report = (
        BoardReport.objects.unscoped()
        .select_related("organization")
        .filter(pk=report_id, status=ReportStatus.QUEUED)
        .first()
    )
    if report is None:
        return "skipped"
    return str(services_report.report_render(report).status)


def report_language(member: Membership) -> str:
    """The language a member reads the report in: theirs, else the organisation's; English when
    Tandem has no report in it."""
    language = language_for(member.user, member.organization)
    return language if language in ReportLanguage.values else ReportLanguage.ENGLISH


def recipients_of(org: Organization) -> list[Membership]:
    """The organisation's recipients who may still read the report: active internal members with
    an active account."""
    ids = ReportRecipient.objects.for_org(org).values("membership_id")
    return list(
        Membership.objects.for_org(org)
        .filter(pk__in=ids, is_active=True, user__is_active=True)
        .exclude(role=Role.PARTNER)
        .select_related("user", "organization")
        .order_by("pk")
    )


@task()
def monthly_round(*, plan: bool = False) -> int:
    """E-mail last month's report to every organisation that asked for it and has not had it;
    returns how many e-mails went out. With ``plan``, queue the next round a day later."""
    now = timezone.now()
    sent = sum(monthly_send(org, now=now) for org in _due(now))
    if plan:
        monthly_round.using(run_after=now + DAY).enqueue(plan=True)
    return sent


def _month(now: datetime) -> date:
    return timezone.localdate(now).replace(day=1)


def _due(now: datetime) -> list[Organization]:
    month = _month(now)
    ids = InsightSettings.objects.filter(monthly_report=True).filter(
        Q(last_monthly_report__isnull=True) | Q(last_monthly_report__lt=month)
    )
    return list(Organization.objects.filter(pk__in=ids.values("organization_id")).order_by("pk"))


def monthly_send(org: Organization, *, now: datetime) -> int:
    """Send ``org`` last month's report, once: claim the month, render one PDF per language,
    e-mail each recipient theirs. Nothing without recipients (the month stays unclaimed)."""
    people = recipients_of(org)
    if not people:
        return 0
    month = _month(now)
    before = (
        InsightSettings.objects.filter(organization=org).values_list("last_monthly_report", flat=True).first()
    )
    claimed = (
        InsightSettings.objects.filter(organization=org, monthly_report=True)
        .filter(Q(last_monthly_report__isnull=True) | Q(last_monthly_report__lt=month))
        .update(last_monthly_report=month)
    )
    if not claimed:
        return 0  # another run has it
    try:
        return _mail(org, people, now=now)
    except BaseException:
        InsightSettings.objects.filter(organization=org).update(last_monthly_report=before)
        raise


def _mail(org: Organization, people: Iterable[Membership], *, now: datetime) -> int:
    start, end = services_report.last_full_month(timezone.localdate(now))
    reports: dict[str, BoardReport] = {}
    count = 0
    for member in people:
        language = report_language(member)
        if language not in reports:
            report = services_report.monthly_report_create(org=org, start=start, end=end, language=language)
            reports[language] = services_report.report_render(report, now=now)
        report = reports[language]
        if report.status != ReportStatus.READY or report.pdf is None:
            raise RuntimeError(f"monthly report {report.pk} failed: {report.error}")
        _send(member, report, language)
        count += 1
    return count


def _send(member: Membership, report: BoardReport, language: str) -> None:
    org = member.organization
    link = settings.SITE_URL + reverse(
        "insights:report", kwargs={"org_slug": org.slug, "report_id": report.pk}
    )
    context: dict[str, Any] = {"organization": org, "report": report, "link": link}
    with translation.override(language):
        subject = " ".join(render_to_string("insights/email/monthly_report_subject.txt", context).split())
        text = render_to_string("insights/email/monthly_report_body.txt", context)
        html = render_to_string("insights/email/monthly_report_body.html", context)
    message = EmailMultiAlternatives(subject, text, None, [member.user.email])
    message.attach_alternative(html, "text/html")
    filename = f"board-report-{report.period_start:%Y-%m}-{language}.pdf"
    message.attach(filename, bytes(report.pdf or b""), "application/pdf")
    message.send()
