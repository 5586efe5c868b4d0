"""The board report's pages and API: who lists, requests, downloads and manages; the request's
rules (a period that has ended, in order, at most a year; English or Dutch); the rendering task;
the monthly e-mail, once per month, in each recipient's language."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core.models import AuditEvent
from tandem.insights import services_report, tasks_report
from tandem.insights.models import BoardReport, InsightSettings, ReportRecipient, ReportStatus
from tests.conftest import ADMINS, INTERNAL, PERSONAS, Personas, bearer

REQUESTERS = ADMINS | {"business_lead", "it_lead"}
FAKE_PDF = b"%PDF-1.4 fake"


def url(personas: Personas, name: str, **kwargs: Any) -> str:
    return reverse(f"insights:{name}", kwargs={"org_slug": personas.org.slug, **kwargs})


def queued_renders() -> list[dict[str, Any]]:
    jobs = DBTaskResult.objects.filter(task_path__endswith=".render_report").order_by("enqueued_at")
    return [job.args_kwargs["kwargs"] for job in jobs]


@pytest.fixture
def ready(personas: Personas) -> BoardReport:
    return BoardReport.objects.create(
        organization=personas.org,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        status=ReportStatus.READY,
        pdf=FAKE_PDF,
        pages=3,
        requested_by=personas.business_lead,
    )


def last_month() -> tuple[date, date]:
    return services_report.last_full_month(timezone.localdate())


def form_data(start: date, end: date, language: str = "en") -> dict[str, str]:
    return {"period_start": start.isoformat(), "period_end": end.isoformat(), "language": language}


# --- Who may do what -------------------------------------------------------------------------------


@pytest.mark.permission_matrix
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_reports_and_downloads_a_ready_one(
    personas: Personas, client_for: Any, ready: BoardReport, persona: str
) -> None:
    client: Client = client_for(persona)
    pages = [url(personas, "reports"), url(personas, "report", report_id=ready.pk)]
    download = url(personas, "report_pdf", report_id=ready.pk)
    expected = 200 if persona in INTERNAL else (302 if persona == "anonymous" else 404)
    for page in [*pages, download]:
        assert client.get(page).status_code == expected, (persona, page)
    if persona in INTERNAL:
        response = client.get(download)
        assert response["Content-Type"] == "application/pdf"
        assert response.content == FAKE_PDF


@pytest.mark.permission_matrix
@pytest.mark.parametrize("persona", PERSONAS)
def test_leads_admins_and_owners_request_a_report(
    personas: Personas, client_for: Any, persona: str, django_capture_on_commit_callbacks: Any
) -> None:
    start, end = last_month()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(persona).post(url(personas, "reports"), form_data(start, end))
    made = BoardReport.objects.unscoped().filter(organization=personas.org).first()
    if persona in REQUESTERS:
        assert made is not None
        assert response.status_code == 302
        assert response["Location"] == url(personas, "report", report_id=made.pk)
        assert made.status == ReportStatus.QUEUED
        assert made.requested_by == personas.by_name(persona)
        assert queued_renders() == [{"report_id": made.pk}]
    else:
        assert made is None
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert queued_renders() == []


@pytest.mark.permission_matrix
@pytest.mark.parametrize("persona", PERSONAS)
def test_owners_and_admins_manage_the_monthly_report(
    personas: Personas, client_for: Any, persona: str
) -> None:
    client = client_for(persona)
    page = url(personas, "report_settings")
    data = {"monthly_report": "on", "recipients": [str(personas.it_lead.pk)]}
    response = client.post(page, data)
    chosen = InsightSettings.objects.filter(organization=personas.org).first()
    if persona in ADMINS:
        assert client.get(page).status_code == 200
        assert response.status_code == 302
        assert chosen is not None
        assert chosen.monthly_report
        assert list(
            ReportRecipient.objects.for_org(personas.org).values_list("membership_id", flat=True)
        ) == [personas.it_lead.pk]
    else:
        assert client.get(page).status_code in (302, 404)
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert chosen is None


def test_another_organisations_report_is_not_found(
    personas: Personas, client_for: Any, ready: BoardReport
) -> None:
    client = client_for("outsider")
    other = reverse("insights:report", kwargs={"org_slug": personas.other_org.slug, "report_id": ready.pk})
    assert client.get(other).status_code == 404


def test_the_request_form_is_not_offered_to_readers_who_may_not_request(
    personas: Personas, client_for: Any
) -> None:
    body = client_for("viewer").get(url(personas, "reports")).content.decode()
    assert 'name="period_start"' not in body
    body = client_for("business_lead").get(url(personas, "reports")).content.decode()
    assert 'name="period_start"' in body


# --- The request's rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_to_start", "days_to_end", "field"),
    [
        (-20, 1, "period_end"),  # ends tomorrow: in the future
        (-5, -10, "period_end"),  # ends before it starts
        (-400, -1, "period_start"),  # longer than 366 days
    ],
)
def test_a_bad_period_is_refused_with_a_message_on_its_field(
    personas: Personas, client_for: Any, days_to_start: int, days_to_end: int, field: str
) -> None:
    today = timezone.localdate()
    start, end = today + timedelta(days=days_to_start), today + timedelta(days=days_to_end)
    response = client_for("owner").post(url(personas, "reports"), form_data(start, end))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not BoardReport.objects.unscoped().exists()


def test_the_service_refuses_an_unknown_language(personas: Personas) -> None:
    from tandem.core.errors import ValidationFailed

    start, end = last_month()
    with pytest.raises(ValidationFailed) as refused:
        services_report.report_request(
            actor=personas.owner, period_start=start, period_end=end, language="fr"
        )
    assert refused.value.field == "language"


def test_a_request_is_audited(personas: Personas) -> None:
    start, end = last_month()
    report = services_report.report_request(
        actor=personas.business_lead, period_start=start, period_end=end, language="nl"
    )
    event = AuditEvent.objects.unscoped().filter(action="insights.report_requested").get()
    assert event.target_id == str(report.pk)
    assert event.data == {"from": start.isoformat(), "to": end.isoformat(), "language": "nl"}


def test_the_form_offers_the_last_full_month(personas: Personas, client_for: Any) -> None:
    form = client_for("owner").get(url(personas, "reports")).context["form"]
    assert (form.initial["period_start"], form.initial["period_end"]) == last_month()


# --- Rendering and the status page -----------------------------------------------------------------


def test_the_task_renders_a_queued_report_and_the_status_page_offers_it(
    personas: Personas, client_for: Any
) -> None:
    start, end = last_month()
    report = services_report.report_request(
        actor=personas.owner, period_start=start, period_end=end, language="en"
    )
    client = client_for("viewer")
    assert "being prepared" in client.get(url(personas, "report", report_id=report.pk)).content.decode()
    assert client.get(url(personas, "report_pdf", report_id=report.pk)).status_code == 404
    assert tasks_report.render_report.call(report_id=report.pk) == ReportStatus.READY
    report.refresh_from_db()
    assert report.pages is not None
    assert report.pages >= 2
    assert bytes(report.pdf or b"").startswith(b"%PDF")
    page = client.get(url(personas, "report", report_id=report.pk)).content.decode()
    assert url(personas, "report_pdf", report_id=report.pk) in page
    assert tasks_report.render_report.call(report_id=report.pk) == "skipped"  # rendered once


def test_a_failed_rendering_shows_why(personas: Personas, client_for: Any, monkeypatch: Any) -> None:
    from tandem.insights import report_data

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the source broke")

    monkeypatch.setattr(report_data, "report_content", broken)
    start, end = last_month()
    report = BoardReport.objects.create(organization=personas.org, period_start=start, period_end=end)
    assert tasks_report.render_report.call(report_id=report.pk) == ReportStatus.FAILED
    page = client_for("owner").get(url(personas, "report", report_id=report.pk)).content.decode()
    assert "could not be prepared" in page
    assert "the source broke" in page


# --- The monthly e-mail ----------------------------------------------------------------------------


@pytest.fixture
def monthly(personas: Personas) -> InsightSettings:
    personas.it_lead.user.language = "nl"
    personas.it_lead.user.save(update_fields=["language"])
    services_report.report_settings_update(
        actor=personas.owner, monthly_report=True, recipients=[personas.business_lead, personas.it_lead]
    )
    return InsightSettings.objects.get(organization=personas.org)


def test_the_monthly_round_mails_each_recipient_their_language_once(
    personas: Personas, monthly: InsightSettings
) -> None:
    now = timezone.now()
    assert tasks_report.monthly_round.call() == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {personas.business_lead.user.email, personas.it_lead.user.email}
    start, _end = services_report.last_full_month(timezone.localdate(now))
    for member, language in ((personas.business_lead, "en"), (personas.it_lead, "nl")):
        [(name, content, mimetype)] = by_address[member.user.email].attachments
        assert name == f"board-report-{start:%Y-%m}-{language}.pdf"
        assert mimetype == "application/pdf"
        assert content.startswith(b"%PDF")
    made = BoardReport.objects.for_org(personas.org).filter(is_monthly=True)
    assert sorted(made.values_list("language", flat=True)) == ["en", "nl"]
    monthly.refresh_from_db()
    assert monthly.last_monthly_report == timezone.localdate(now).replace(day=1)
    assert tasks_report.monthly_round.call() == 0  # once a month
    assert len(mail.outbox) == 2


def test_the_monthly_round_sends_nothing_when_switched_off(
    personas: Personas, monthly: InsightSettings
) -> None:
    services_report.report_settings_update(actor=personas.owner, monthly_report=False, recipients=[])
    assert tasks_report.monthly_round.call() == 0
    assert mail.outbox == []


def test_the_monthly_round_plans_its_next_run(personas: Personas) -> None:
    tasks_report.monthly_round.call(plan=True)
    [job] = DBTaskResult.objects.filter(task_path__endswith=".monthly_round")
    assert job.args_kwargs["kwargs"] == {"plan": True}
    assert job.run_after is not None
    assert job.run_after > timezone.now() + timedelta(hours=23)


def test_recipients_must_be_internal_members(personas: Personas) -> None:
    from tandem.core.errors import ValidationFailed

    for people in ([personas.partner], [personas.outsider], []):
        with pytest.raises(ValidationFailed) as refused:
            services_report.report_settings_update(
                actor=personas.owner, monthly_report=True, recipients=people
            )
        assert refused.value.field == "recipients"


# --- The API -----------------------------------------------------------------------------------------


def api(personas: Personas, path: str = "") -> str:
    return f"/api/v1/orgs/{personas.org.slug}{path}"


def test_the_api_requests_lists_and_downloads_a_report(personas: Personas) -> None:
    start, end = last_month()
    client = bearer(personas.business_lead)
    body = {"period_start": start.isoformat(), "period_end": end.isoformat(), "language": "nl"}
    made = client.post(api(personas, "/reports"), body, content_type="application/json")
    assert made.status_code == 201, made.content
    report_id = made.json()["id"]
    assert made.json()["status"] == "queued"
    assert made.json()["pdf_url"] is None
    assert client.get(api(personas, f"/reports/{report_id}/pdf")).status_code == 409
    tasks_report.render_report.call(report_id=report_id)
    detail = client.get(api(personas, f"/reports/{report_id}")).json()
    assert detail["status"] == "ready"
    assert detail["pages"] >= 2
    download = client.get(detail["pdf_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    listed = client.get(api(personas, "/reports")).json()
    assert [row["id"] for row in listed["items"]] == [report_id]


def test_the_api_refuses_a_bad_period_with_the_field(personas: Personas) -> None:
    today = timezone.localdate()
    body = {"period_start": today.isoformat(), "period_end": (today + timedelta(days=3)).isoformat()}
    answer = bearer(personas.owner).post(api(personas, "/reports"), body, content_type="application/json")
    assert answer.status_code == 422
    assert "period_end" in str(answer.json())


@pytest.mark.permission_matrix
@pytest.mark.parametrize("persona", ["owner", "admin", "business_lead", "member", "viewer", "partner"])
def test_the_api_gate(personas: Personas, ready: BoardReport, persona: str) -> None:
    member = personas.by_name(persona)
    assert member is not None
    client = bearer(member)
    start, end = last_month()
    body = {"period_start": start.isoformat(), "period_end": end.isoformat()}
    reading = client.get(api(personas, f"/reports/{ready.pk}")).status_code
    requesting = client.post(api(personas, "/reports"), body, content_type="application/json").status_code
    settings = client.put(
        api(personas, "/report-settings"),
        {"monthly_report": False, "recipient_ids": []},
        content_type="application/json",
    ).status_code
    assert reading == (200 if persona in INTERNAL else 404)
    assert requesting == (201 if persona in REQUESTERS else 404)
    assert settings == (200 if persona in ADMINS else 404)
