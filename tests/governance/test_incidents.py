"""Incidents on the working calendar, with frozen time: each party's clock, pauses, hand-overs and
the escalation that calls the next level when one does not respond in time."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.governance import access, selectors, services, tasks
from tandem.governance.calendar import Segment, clock_seconds
from tandem.governance.models import (
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentStatus,
    Party,
    Service,
)
from tandem.strategy.models import Initiative
from tests.conftest import Personas
from tests.governance.conftest import Parties

AMS = ZoneInfo("Europe/Amsterdam")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


@pytest.fixture
def service(personas: Personas, parties: Parties) -> Service:
    """ERP hosting by the vendor: P1 acknowledged within 1 and resolved within 8 working hours;
    escalation to the vendor (2 h), then the IT lead (4 h), then the admin (4 h)."""
    svc = services.service_create(
        actor=personas.owner, party=parties.vendor, name="ERP hosting", availability_target="99.9"
    )
    services.service_level_set(
        actor=personas.owner, service=svc, priority="p1", acknowledge_hours=1, resolve_hours=8
    )
    services.escalation_level_add(actor=personas.owner, service=svc, party=parties.vendor, respond_hours=2)
    services.escalation_level_add(
        actor=personas.owner, service=svc, membership=personas.it_lead, respond_hours=4, channel="phone"
    )
    services.escalation_level_add(
        actor=personas.owner, service=svc, membership=personas.admin, respond_hours=4
    )
    return svc


def test_an_incident_raised_on_friday_evening_escalates_on_monday_afternoon(
    personas: Personas, parties: Parties, service: Service
) -> None:
    incident = services.incident_raise(
        actor=personas.member, title="ERP down", priority="p1", service=service, now=at("2026-12-04T18:30")
    )
    assert incident.party == parties.vendor
    # Level 1 has two working hours, from Monday 09:00.
    assert incident.escalation_due_at == at("2026-12-07T11:00")
    assert services.incidents_escalate_due(now=at("2026-12-07T10:59")) == []
    [escalated] = services.incidents_escalate_due(now=at("2026-12-07T11:00"))
    escalated.refresh_from_db()
    assert escalated.escalation_level == 1
    assert escalated.escalations == 1
    assert escalated.escalation_due_at == at("2026-12-07T15:00")
    services.incidents_escalate_due(now=at("2026-12-07T15:00"))
    services.incidents_escalate_due(now=at("2026-12-08T15:00"))
    services.incidents_escalate_due(now=at("2026-12-09T15:00"))  # the last level: nobody further
    escalated.refresh_from_db()
    assert escalated.escalation_level == 2
    assert escalated.escalations == 2
    assert escalated.escalation_due_at is None


def test_each_party_keeps_its_own_clock(personas: Personas, parties: Parties, service: Service) -> None:
    incident = services.incident_raise(
        actor=personas.member, title="ERP slow", priority="p1", service=service, now=at("2026-12-07T09:00")
    )
    services.incident_acknowledge(actor=personas.partner, incident=incident, now=at("2026-12-07T09:30"))
    services.incident_hand_over(
        actor=personas.it_lead,  # the service desk routes it on
        incident=incident,
        party=parties.other_vendor,
        note="Network, not hosting",
        now=at("2026-12-07T10:00"),
    )
    services.incident_pause(
        actor=personas.it_lead,
        incident=incident,
        reason="Waiting for the reporter",
        now=at("2026-12-07T11:00"),
    )
    services.incident_resume(actor=personas.it_lead, incident=incident, now=at("2026-12-08T09:00"))
    services.incident_acknowledge(actor=personas.it_lead, incident=incident, now=at("2026-12-08T09:15"))
    services.incident_resolve(
        actor=personas.it_lead, incident=incident, resolution="Router replaced", now=at("2026-12-08T10:00")
    )
    page = selectors.incident_page(incident, now=at("2026-12-09T12:00"))
    clocks = {c.party.name: c for c in page.clocks}
    assert clocks["Cloudline"].seconds == 3600
    assert clocks["Cloudline"].acknowledge_seconds == 1800
    # Integra: 10:00–11:00 Monday, then 09:00–10:00 Tuesday; the paused afternoon does not count.
    assert clocks["Integra"].seconds == 7200
    assert clocks["Integra"].acknowledge_seconds == 4500
    assert page.times.acknowledge == 1800
    assert page.times.resolve == 3 * 3600
    kinds = [e.kind for e in page.events]
    assert kinds == ["raised", "acknowledged", "handed_over", "paused", "resumed", "acknowledged", "resolved"]
    with pytest.raises(Conflict):
        services.incident_acknowledge(actor=personas.it_lead, incident=incident)
    assert incident.status == IncidentStatus.RESOLVED
    assert IncidentEventKind.RESOLVED in kinds


# --- Helpers ------------------------------------------------------------------------------------


def raise_p1(personas: Personas, service: Service, when: str, **fields: Any) -> Incident:
    return services.incident_raise(
        actor=personas.member, title="ERP down", priority="p1", service=service, now=at(when), **fields
    )


def fresh(incident: Incident) -> Incident:
    incident.refresh_from_db()
    return incident


def escalate(when: str | datetime) -> list[int]:
    """The ids of the incidents one run of the escalation escalates at ``when``."""
    moment = at(when) if isinstance(when, str) else when
    return [incident.pk for incident in services.incidents_escalate_due(now=moment)]


def clocks_at(incident: Incident, when: str) -> dict[str, int]:
    page = selectors.incident_page(incident, now=at(when))
    return {clock.party.name: clock.seconds for clock in page.clocks}


def every_day_calendar(personas: Personas, start: time, end: time) -> None:
    """Working hours on all seven days and no public holidays: only the clock changes count."""
    services.calendar_update(
        actor=personas.owner,
        time_zone="Europe/Amsterdam",
        weekdays=range(7),
        day_start=start,
        day_end=end,
        country="",
    )


# --- Escalation on the working calendar ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        ("2026-12-04T18:30", "2026-12-07T11:00"),  # Friday evening: from Monday 09:00
        ("2026-12-04T16:00", "2026-12-07T10:00"),  # one hour on Friday, one on Monday
        ("2026-12-25T10:00", "2026-12-28T11:00"),  # Christmas, Boxing Day and a weekend
        ("2026-12-24T16:30", "2026-12-28T10:30"),  # half an hour before Christmas
        ("2027-04-27T10:00", "2027-04-28T11:00"),  # King's Day (a Tuesday)
        ("2027-04-26T16:00", "2027-04-28T10:00"),  # the day before King's Day
        ("2026-12-07T06:00", "2026-12-07T11:00"),  # before office hours: from 09:00
    ],
)
def test_the_first_level_must_respond_within_its_working_hours(
    personas: Personas, service: Service, raised: str, due: str
) -> None:
    incident = raise_p1(personas, service, raised)
    assert incident.escalation_level == 0
    assert incident.escalation_due_at == at(due)
    assert fresh(incident).escalation_due_at == at(due)


def test_a_closing_day_of_the_organisation_is_skipped(personas: Personas, service: Service) -> None:
    services.closing_day_add(actor=personas.owner, day="2026-12-08", name="Team day")
    incident = raise_p1(personas, service, "2026-12-07T16:00")
    # One hour on Monday; Tuesday is closed; the second hour on Wednesday.
    assert incident.escalation_due_at == at("2026-12-09T10:00")
    assert escalate("2026-12-08T12:00") == []
    assert escalate("2026-12-09T09:59:59") == []
    assert escalate("2026-12-09T10:00") == [incident.pk]


@pytest.mark.parametrize(
    ("start", "end", "raised", "hours", "due"),
    [
        # The night the clocks go back the day has 25 hours: 24 working hours end at 23:00.
        (time(0), time(23, 59, 59), "2026-10-25T00:00", 24, "2026-10-25T23:00"),
        # The night they go forward it has 23: 12 working hours from midnight end at 13:00.
        (time(0), time(23, 59, 59), "2027-03-28T00:00", 12, "2027-03-28T13:00"),
        # A night shift 01:00–05:00 lasts five real hours when the clocks go back ...
        (time(1), time(5), "2026-10-25T01:00", "4.5", "2026-10-25T04:30"),
        # ... and three when they go forward: the last half hour falls in the next night.
        (time(1), time(5), "2027-03-28T01:00", "3.5", "2027-03-29T01:30"),
    ],
)
def test_escalation_counts_real_elapsed_hours_across_daylight_saving_changes(
    personas: Personas,
    parties: Parties,
    start: time,
    end: time,
    raised: str,
    hours: Any,
    due: str,
) -> None:
    every_day_calendar(personas, start, end)
    svc = services.service_create(actor=personas.owner, party=parties.vendor, name="Night batch")
    services.escalation_level_add(
        actor=personas.owner, service=svc, party=parties.vendor, respond_hours=hours
    )
    services.escalation_level_add(
        actor=personas.owner, service=svc, membership=personas.it_lead, respond_hours=1
    )
    incident = raise_p1(personas, svc, raised)
    assert incident.escalation_due_at == at(due)
    calendar = selectors.work_calendar(personas.org)
    assert calendar.working_seconds(at(raised), at(due)) == round(float(hours) * 3600)
    assert escalate(at(due) - timedelta(seconds=1)) == []
    assert escalate(at(due)) == [incident.pk]
    assert fresh(incident).escalation_level == 1


def test_escalation_happens_at_the_due_time_not_a_second_before(personas: Personas, service: Service) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    assert escalate("2026-12-07T10:59:59") == []
    assert fresh(incident).escalation_level == 0
    assert escalate("2026-12-07T11:00") == [incident.pk]
    assert escalate("2026-12-07T11:00") == []  # run twice: nothing more
    incident = fresh(incident)
    assert (incident.escalation_level, incident.escalations) == (1, 1)
    assert incident.escalation_due_at == at("2026-12-07T15:00")


def test_one_run_escalates_one_step_and_the_next_level_is_timed_from_the_run(
    personas: Personas, service: Service
) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    # Nobody ran the worker for two days: one step only, and level 2 gets its full four hours.
    assert escalate("2026-12-09T12:00") == [incident.pk]
    incident = fresh(incident)
    assert (incident.escalation_level, incident.escalations) == (1, 1)
    assert incident.escalation_due_at == at("2026-12-09T16:00")
    assert escalate("2026-12-09T12:00") == []
    assert escalate("2026-12-09T16:00") == [incident.pk]
    assert fresh(incident).escalation_level == 2


def test_the_last_level_stays_and_nobody_further_is_called(personas: Personas, service: Service) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    escalate("2026-12-07T11:00")
    escalate("2026-12-07T15:00")
    incident = fresh(incident)
    assert incident.escalation_level == 2
    assert incident.escalation_due_at == at("2026-12-08T11:00")  # 2 h on Monday, 2 h on Tuesday
    assert escalate("2026-12-08T11:00") == []
    incident = fresh(incident)
    assert (incident.escalation_level, incident.escalations, incident.escalation_due_at) == (2, 2, None)
    assert escalate("2026-12-31T12:00") == []
    levels = [
        e.level
        for e in IncidentEvent.objects.for_org(incident.organization).filter(
            incident=incident, kind="escalated"
        )
    ]
    assert levels == [1, 2]


def test_a_hand_over_keeps_the_level_and_restarts_its_time(
    personas: Personas, parties: Parties, service: Service
) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    escalate("2026-12-07T11:00")  # level 2 (the IT lead) must respond by 15:00
    services.incident_hand_over(
        actor=personas.it_lead,
        incident=incident,
        party=parties.other_vendor,
        note="The network, not the hosting",
        now=at("2026-12-07T13:00"),
    )
    incident = fresh(incident)
    assert incident.party == parties.other_vendor
    assert incident.status == IncidentStatus.OPEN
    assert incident.escalation_level == 1
    assert incident.escalation_due_at == at("2026-12-07T17:00")
    assert escalate("2026-12-07T15:00") == []
    assert escalate("2026-12-07T16:59:59") == []
    assert escalate("2026-12-07T17:00") == [incident.pk]
    assert fresh(incident).escalation_level == 2


def test_a_pause_stops_the_escalation_clock_and_resume_continues_with_the_time_left(
    personas: Personas, service: Service
) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    services.incident_pause(
        actor=personas.partner,
        incident=incident,
        reason="Waiting for the reporter",
        now=at("2026-12-07T10:00"),
    )
    incident = fresh(incident)
    assert (incident.status, incident.escalation_due_at, incident.escalation_left) == ("paused", None, 3600)
    assert escalate("2026-12-07T11:00") == []
    assert escalate("2026-12-08T16:00") == []
    services.incident_resume(actor=personas.partner, incident=incident, now=at("2026-12-08T16:30"))
    incident = fresh(incident)
    assert incident.status == IncidentStatus.OPEN
    # The hour left: half an hour on Tuesday, half an hour on Wednesday morning.
    assert incident.escalation_due_at == at("2026-12-09T09:30")
    assert incident.escalation_left is None
    assert incident.escalation_level == 0
    assert escalate("2026-12-09T09:29:59") == []
    assert escalate("2026-12-09T09:30") == [incident.pk]


def test_a_pause_after_the_time_ran_out_escalates_at_the_next_working_moment(
    personas: Personas, service: Service
) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    services.incident_pause(
        actor=personas.partner, incident=incident, reason="Change window", now=at("2026-12-07T12:00")
    )
    assert fresh(incident).escalation_left == 0
    services.incident_resume(actor=personas.partner, incident=incident, now=at("2026-12-07T18:00"))
    assert fresh(incident).escalation_due_at == at("2026-12-08T09:00")


def test_an_acknowledged_incident_never_escalates(personas: Personas, service: Service) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    services.incident_acknowledge(actor=personas.partner, incident=incident, now=at("2026-12-07T10:59"))
    assert fresh(incident).escalation_due_at is None
    assert escalate("2026-12-07T11:00") == []
    # Paused and resumed, it is still being worked on: no escalation clock.
    services.incident_pause(
        actor=personas.partner, incident=incident, reason="Vendor call", now=at("2026-12-07T12:00")
    )
    services.incident_resume(actor=personas.partner, incident=incident, now=at("2026-12-08T12:00"))
    incident = fresh(incident)
    assert (incident.status, incident.escalation_due_at) == (IncidentStatus.ACKNOWLEDGED, None)
    assert escalate("2026-12-31T12:00") == []
    assert (incident.escalation_level, incident.escalations) == (0, 0)


def test_a_resolved_incident_never_escalates(personas: Personas, service: Service) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    services.incident_resolve(
        actor=personas.partner, incident=incident, resolution="Restarted", now=at("2026-12-07T09:10")
    )
    assert escalate("2026-12-31T12:00") == []


def test_an_incident_without_an_escalation_path_waits_for_nobody(
    personas: Personas, parties: Parties
) -> None:
    svc = services.service_create(actor=personas.owner, party=parties.vendor, name="Mail")
    incident = raise_p1(personas, svc, "2026-12-07T09:00")
    assert incident.escalation_due_at is None
    assert escalate("2026-12-31T12:00") == []


def test_an_incident_follows_its_initiatives_path_when_its_service_has_none(
    personas: Personas, parties: Parties, ready_initiative: Initiative
) -> None:
    services.escalation_level_add(
        actor=personas.owner, initiative=ready_initiative, membership=personas.business_lead, respond_hours=3
    )
    services.escalation_level_add(
        actor=personas.owner, initiative=ready_initiative, membership=personas.owner, respond_hours=1
    )
    svc = services.service_create(actor=personas.owner, party=parties.vendor, name="Portal hosting")
    about_both = raise_p1(personas, svc, "2026-12-07T09:00", initiative=ready_initiative)
    assert about_both.escalation_due_at == at("2026-12-07T12:00")
    with pytest.raises(ValidationFailed) as error:  # an initiative alone names no party
        services.incident_raise(
            actor=personas.member, title="Slow", priority="p3", initiative=ready_initiative
        )
    assert error.value.field == "party"
    only = services.incident_raise(
        actor=personas.member,
        title="Slow",
        priority="p3",
        initiative=ready_initiative,
        party=parties.it_team,
        now=at("2026-12-07T16:00"),
    )
    assert only.escalation_due_at == at("2026-12-08T11:00")
    assert sorted(escalate("2026-12-08T11:00")) == sorted([about_both.pk, only.pk])


def test_the_escalation_is_on_the_timeline_and_in_the_audit_log(
    personas: Personas, parties: Parties, service: Service
) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    escalate("2026-12-07T11:00")
    [event] = IncidentEvent.objects.for_org(personas.org).filter(
        incident=incident, kind=IncidentEventKind.ESCALATED
    )
    assert (event.at, event.level, event.actor, event.party) == (
        at("2026-12-07T11:00"),
        1,
        None,
        parties.vendor,
    )
    [record] = AuditEvent.objects.for_org(personas.org).filter(action="governance.incident_escalated")
    assert record.organization == personas.org
    assert record.actor is None
    assert (record.target_type, record.target_id) == ("incident", str(incident.pk))
    assert record.data == {"status": "open", "party": parties.vendor.pk}


def test_the_periodic_task_escalates_what_is_due_now(personas: Personas, service: Service) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    with mock.patch("django.utils.timezone.now", return_value=at("2026-12-07T10:59:59")):
        assert tasks.escalate_incidents.call() == 0
    with mock.patch("django.utils.timezone.now", return_value=at("2026-12-07T11:00")):
        assert tasks.escalate_incidents.call() == 1
        assert tasks.escalate_incidents.call() == 0
    assert fresh(incident).escalation_level == 1


def test_a_step_queues_its_e_mail_and_the_next_look_at_the_due_time(
    personas: Personas, service: Service, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        incident = raise_p1(personas, service, "2026-12-07T09:00")
    jobs = {job.task_path.rpartition(".")[2]: job for job in DBTaskResult.objects.all()}
    assert set(jobs) == {"send_incident_notice", "escalate_incidents"}
    assert jobs["escalate_incidents"].run_after == at("2026-12-07T11:00")
    raised = IncidentEvent.objects.for_org(personas.org).get(incident=incident, kind=IncidentEventKind.RAISED)
    assert jobs["send_incident_notice"].args_kwargs["kwargs"] == {"event_id": raised.pk}
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):  # acknowledging notifies nobody
        services.incident_acknowledge(actor=personas.partner, incident=incident, now=at("2026-12-07T09:30"))
    assert not DBTaskResult.objects.exists()


# --- The e-mails ----------------------------------------------------------------------------------


def notice(incident: Incident, kind: str) -> list[Any]:
    """The e-mails the notice task sends for the incident's latest step of ``kind``."""
    event = IncidentEvent.objects.for_org(incident.organization).filter(incident=incident, kind=kind).last()
    assert event is not None
    mail.outbox.clear()
    sent = tasks.send_incident_notice.call(event_id=event.pk)
    assert sent == len(mail.outbox)
    return list(mail.outbox)


def test_a_new_incident_is_e_mailed_to_the_holding_partys_contacts(
    personas: Personas, parties: Parties, service: Service
) -> None:
    services.contact_add(actor=personas.owner, party=parties.vendor, email="ops@cloudline.test")
    services.contact_add(actor=personas.owner, party=parties.other_vendor, email="desk@integra.test")
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    messages = notice(incident, IncidentEventKind.RAISED)
    assert sorted(m.to[0] for m in messages) == ["ops@cloudline.test", "partner@vendor.test"]
    link = settings.SITE_URL + reverse("governance:incident", args=[personas.org.slug, incident.pk])
    for message in messages:
        assert link in message.body
        assert "ERP down" in message.subject
    services.incident_hand_over(
        actor=personas.it_lead,  # the service desk routes it on
        incident=incident,
        party=parties.other_vendor,
        note="Network",
        now=at("2026-12-07T10:00"),
    )
    [message] = notice(incident, IncidentEventKind.HANDED_OVER)
    assert message.to == ["desk@integra.test"]
    assert link in message.body


def test_an_inactive_member_contact_gets_no_e_mail(personas: Personas, service: Service) -> None:
    personas.partner.is_active = False
    personas.partner.save(update_fields=["is_active"])
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    assert notice(incident, IncidentEventKind.RAISED) == []


def test_an_escalation_is_e_mailed_to_the_level_called_in_their_language(
    personas: Personas, service: Service
) -> None:
    user = personas.it_lead.user
    user.language = "nl"
    user.save(update_fields=["language"])
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    escalate("2026-12-07T11:00")
    [message] = notice(incident, IncidentEventKind.ESCALATED)
    assert message.to == ["itlead@acme.test"]
    assert reverse("governance:incident", args=[personas.org.slug, incident.pk]) in message.body
    event = IncidentEvent.objects.for_org(personas.org).get(
        incident=incident, kind=IncidentEventKind.ESCALATED
    )
    context = {"event": event, "incident": incident, "organization": personas.org, "level": 2}
    with translation.override("nl"):
        dutch = " ".join(render_to_string("governance/email/incident_subject.txt", context).split())
    assert message.subject == dutch  # Dutch as soon as the catalogue has the words
    assert "level 2" in message.subject or "niveau 2" in message.subject


def test_a_level_whose_member_left_gets_no_e_mail(personas: Personas, service: Service) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    escalate("2026-12-07T11:00")
    personas.it_lead.is_active = False
    personas.it_lead.save(update_fields=["is_active"])
    assert notice(incident, IncidentEventKind.ESCALATED) == []


def test_an_escalation_to_a_party_is_e_mailed_to_its_contacts(personas: Personas, parties: Parties) -> None:
    svc = services.service_create(actor=personas.owner, party=parties.it_team, name="Intranet")
    services.escalation_level_add(
        actor=personas.owner, service=svc, membership=personas.it_lead, respond_hours=1
    )
    services.escalation_level_add(actor=personas.owner, service=svc, party=parties.vendor, respond_hours=1)
    services.contact_add(actor=personas.owner, party=parties.vendor, email="ops@cloudline.test")
    incident = raise_p1(personas, svc, "2026-12-07T09:00")
    assert notice(incident, IncidentEventKind.RAISED) == []  # the IT team has no contacts
    escalate("2026-12-07T10:00")
    messages = notice(incident, IncidentEventKind.ESCALATED)
    assert sorted(m.to[0] for m in messages) == ["ops@cloudline.test", "partner@vendor.test"]


# --- Each party's clock -----------------------------------------------------------------------------


def test_clocks_over_a_weekend_a_night_a_bounce_back_a_pause_and_a_reopen(
    personas: Personas, parties: Parties, service: Service
) -> None:
    incident = raise_p1(personas, service, "2026-12-04T16:00")  # Friday afternoon, Cloudline
    services.incident_hand_over(
        actor=personas.it_lead,  # the service desk routes it on
        incident=incident,
        party=parties.other_vendor,
        note="Network",
        now=at("2026-12-07T10:00"),
    )
    services.incident_acknowledge(actor=personas.it_lead, incident=incident, now=at("2026-12-07T11:00"))
    services.incident_hand_over(
        actor=personas.it_lead,
        incident=incident,
        party=parties.vendor,
        note="Hosting after all",
        now=at("2026-12-08T10:00"),
    )
    services.incident_pause(
        actor=personas.partner, incident=incident, reason="Reporter away", now=at("2026-12-08T11:00")
    )
    services.incident_resume(actor=personas.partner, incident=incident, now=at("2026-12-09T09:30"))
    services.incident_resolve(
        actor=personas.partner, incident=incident, resolution="Disk", now=at("2026-12-09T10:00")
    )
    # Cloudline: Friday 16–17 and Monday 9–10, Tuesday 10–11, Wednesday 9:30–10.
    # Integra: Monday 10–17 and Tuesday 9–10; the weekend and the night do not count.
    final = {"Cloudline": 3 * 3600 + 1800, "Integra": 8 * 3600}
    assert clocks_at(incident, "2026-12-10T12:00") == final
    # A moment in the past: nothing after it counts.
    assert clocks_at(incident, "2026-12-07T10:30") == {"Cloudline": 7200, "Integra": 1800}
    assert clocks_at(incident, "2026-12-08T15:00") == {"Cloudline": 3 * 3600, "Integra": 8 * 3600}
    page = selectors.incident_page(incident, now=at("2026-12-10T12:00"))
    clocks = {c.party.name: c for c in page.clocks}
    assert [c.party.name for c in page.clocks] == ["Cloudline", "Integra"]  # in the order they held it
    assert clocks["Integra"].acknowledge_seconds == 3600
    assert clocks["Cloudline"].acknowledge_seconds == final["Cloudline"]  # resolving acknowledges
    assert [p.reason for p in clocks["Cloudline"].pauses] == ["Reporter away"]
    assert clocks["Integra"].pauses == []
    assert page.times.acknowledge == 3 * 3600  # Friday 16–17, Monday 9–11
    assert page.times.resolve == sum(final.values())

    services.incident_reopen(
        actor=personas.member, incident=incident, reason="Down again", now=at("2026-12-10T14:00")
    )
    incident = fresh(incident)
    assert (incident.status, incident.party, incident.resolved_at) == ("open", parties.vendor, None)
    assert incident.escalation_due_at == at("2026-12-10T16:00")
    assert clocks_at(incident, "2026-12-10T15:30") == {
        "Cloudline": final["Cloudline"] + 5400,
        "Integra": 8 * 3600,
    }
    assert clocks_at(incident, "2026-12-11T09:15") == {
        "Cloudline": final["Cloudline"] + 3 * 3600 + 900,
        "Integra": 8 * 3600,
    }


def test_an_open_segment_counts_up_to_now(personas: Personas, service: Service) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    assert clocks_at(incident, "2026-12-07T09:00") == {"Cloudline": 0}
    assert clocks_at(incident, "2026-12-07T10:15") == {"Cloudline": 4500}
    assert clocks_at(incident, "2026-12-07T20:00") == {"Cloudline": 8 * 3600}
    assert clocks_at(incident, "2026-12-08T09:30") == {"Cloudline": 8 * 3600 + 1800}
    assert clocks_at(incident, "2026-12-14T09:00") == {"Cloudline": 5 * 8 * 3600}
    services.incident_pause(
        actor=personas.partner, incident=incident, reason="Waiting", now=at("2026-12-08T10:00")
    )
    # A pause that is still open stops the clock up to now.
    assert clocks_at(incident, "2026-12-09T12:00") == {"Cloudline": 9 * 3600}


# --- States and refusals -------------------------------------------------------------------------


def test_steps_that_do_not_fit_the_state_are_conflicts(personas: Personas, service: Service) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    with pytest.raises(Conflict):
        services.incident_resume(actor=personas.partner, incident=incident, now=at("2026-12-07T09:05"))
    with pytest.raises(Conflict):
        services.incident_reopen(
            actor=personas.partner, incident=incident, reason="Again", now=at("2026-12-07T09:05")
        )
    services.incident_acknowledge(actor=personas.partner, incident=incident, now=at("2026-12-07T09:10"))
    with pytest.raises(Conflict):
        services.incident_acknowledge(actor=personas.partner, incident=incident, now=at("2026-12-07T09:11"))
    with pytest.raises(Conflict):
        services.incident_resume(actor=personas.partner, incident=incident, now=at("2026-12-07T09:11"))
    services.incident_pause(
        actor=personas.partner, incident=incident, reason="Waiting", now=at("2026-12-07T09:20")
    )
    with pytest.raises(Conflict):
        services.incident_pause(
            actor=personas.partner, incident=incident, reason="Again", now=at("2026-12-07T09:21")
        )
    with pytest.raises(Conflict):
        services.incident_acknowledge(actor=personas.partner, incident=incident, now=at("2026-12-07T09:21"))
    with pytest.raises(Conflict):
        services.incident_review_write(actor=personas.owner, incident=incident, summary="S", lessons="L")
    services.incident_resolve(
        actor=personas.partner, incident=incident, resolution="Fixed", now=at("2026-12-07T09:30")
    )
    for step in (
        lambda: services.incident_resolve(actor=personas.partner, incident=incident, resolution="x"),
        lambda: services.incident_acknowledge(actor=personas.partner, incident=incident),
        lambda: services.incident_pause(actor=personas.partner, incident=incident, reason="x"),
        lambda: services.incident_resume(actor=personas.partner, incident=incident),
    ):
        with pytest.raises(Conflict):
            step()
    services.incident_reopen(
        actor=personas.member, incident=incident, reason="Back", now=at("2026-12-07T10:00")
    )
    with pytest.raises(Conflict):
        services.incident_reopen(
            actor=personas.member, incident=incident, reason="Back", now=at("2026-12-07T10:01")
        )
    kinds = [e.kind for e in IncidentEvent.objects.for_org(personas.org).filter(incident=incident)]
    assert kinds == ["raised", "acknowledged", "paused", "resolved", "reopened"]


def test_a_conflict_reads_the_state_afresh(personas: Personas, service: Service) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    stale = Incident.objects.for_org(personas.org).get(pk=incident.pk)
    services.incident_acknowledge(actor=personas.partner, incident=incident, now=at("2026-12-07T09:10"))
    with pytest.raises(Conflict):
        services.incident_acknowledge(actor=personas.it_lead, incident=stale, now=at("2026-12-07T09:11"))


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ("hand_over", "note"),
        ("pause", "reason"),
        ("resolve", "resolution"),
        ("reopen", "reason"),
        ("note", "note"),
    ],
)
def test_a_step_that_needs_words_refuses_none(
    personas: Personas, parties: Parties, service: Service, step: str, field: str
) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    if step == "reopen":
        services.incident_resolve(
            actor=personas.partner, incident=incident, resolution="Done", now=at("2026-12-07T09:30")
        )
    before = IncidentEvent.objects.for_org(personas.org).filter(incident=incident).count()
    calls = {
        "hand_over": lambda: services.incident_hand_over(
            actor=personas.partner, incident=incident, party=parties.other_vendor, note="  "
        ),
        "pause": lambda: services.incident_pause(actor=personas.partner, incident=incident, reason=""),
        "resolve": lambda: services.incident_resolve(
            actor=personas.partner, incident=incident, resolution=" \n"
        ),
        "reopen": lambda: services.incident_reopen(actor=personas.member, incident=incident, reason=""),
        "note": lambda: services.incident_note(actor=personas.member, incident=incident, note=""),
    }
    with pytest.raises(ValidationFailed) as error:
        calls[step]()
    assert error.value.field == field
    assert IncidentEvent.objects.for_org(personas.org).filter(incident=incident).count() == before


def test_a_hand_over_goes_to_another_active_party_of_the_organisation(
    personas: Personas, parties: Parties, service: Service
) -> None:
    incident = raise_p1(personas, service, "2026-12-07T09:00")
    for party in (parties.vendor, parties.foreign):
        with pytest.raises(ValidationFailed) as error:
            services.incident_hand_over(actor=personas.it_lead, incident=incident, party=party, note="Yours")
        assert error.value.field == "party"
    services.party_update(actor=personas.owner, party=parties.other_vendor, is_active=False)
    with pytest.raises(ValidationFailed):
        services.incident_hand_over(
            actor=personas.it_lead, incident=incident, party=parties.other_vendor, note="x"
        )
    assert fresh(incident).party == parties.vendor
    assert [s.party_id for s in incident.segments.all()] == [parties.vendor.pk]


def test_a_partner_raises_incidents_for_their_own_parties_only(
    personas: Personas, parties: Parties, service: Service
) -> None:
    own = services.incident_raise(
        actor=personas.partner, title="Slow", priority="p2", service=service, now=at("2026-12-07T09:00")
    )
    assert own.party == parties.vendor
    other = services.service_create(actor=personas.owner, party=parties.other_vendor, name="Network")
    with pytest.raises(ValidationFailed) as error:
        services.incident_raise(actor=personas.partner, title="Down", priority="p2", service=other)
    assert error.value.field == "party"
    with pytest.raises(ValidationFailed):
        services.incident_raise(
            actor=personas.partner, title="Down", priority="p2", service=service, party=parties.other_vendor
        )
    # Inside, anyone names any active party of the organisation, never another organisation's.
    inside = services.incident_raise(
        actor=personas.member, title="Down", priority="p2", service=service, party=parties.other_vendor
    )
    assert inside.party == parties.other_vendor
    with pytest.raises(ValidationFailed) as error:
        services.incident_raise(
            actor=personas.member, title="Down", priority="p2", service=service, party=parties.foreign
        )
    assert error.value.field == "party"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " ", "priority": "p1"}, "title"),
        ({"title": "Down", "priority": "p9"}, "priority"),
        ({"title": "Down", "priority": "p1", "service": None}, "service"),
    ],
)
def test_a_bad_incident_names_its_field(
    personas: Personas, service: Service, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.incident_raise(actor=personas.member, **{"service": service, **fields})
    assert error.value.field == field
    assert not Incident.objects.for_org(personas.org).exists()


def test_viewers_do_not_raise_incidents(personas: Personas) -> None:
    assert not access.can_raise_incident(personas.viewer)
    for who in (personas.owner, personas.member, personas.business_lead, personas.it_lead, personas.partner):
        assert access.can_raise_incident(who)


# --- A property: the clocks add up -----------------------------------------------------------------

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["hand_over", "pause_or_resume"]),
        st.integers(min_value=0, max_value=2),  # which party to hand over to (skipping the holder)
        st.integers(min_value=0, max_value=3 * 24 * 60),  # minutes since the step before
    ),
    max_size=8,
)


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS, start_minutes=st.integers(0, 7 * 24 * 60), tail=st.integers(0, 4 * 24 * 60))
def test_the_parties_clocks_add_up_to_the_incidents_running_working_time(
    personas: Personas,
    parties: Parties,
    service: Service,
    steps: list[tuple[str, int, int]],
    start_minutes: int,
    tail: int,
) -> None:
    calendar = selectors.work_calendar(personas.org)
    everyone: list[Party] = [parties.vendor, parties.other_vendor, parties.it_team]
    moment = at("2026-12-04T08:00") + timedelta(minutes=start_minutes)
    incident = services.incident_raise(
        actor=personas.member, title="Flaky", priority="p1", service=service, now=moment
    )
    holder, paused, since = parties.vendor, False, moment
    expected: dict[str, int] = {}
    running: list[tuple[datetime, datetime]] = []

    def close(until: datetime) -> None:
        if not paused:
            expected[holder.name] = expected.get(holder.name, 0) + calendar.working_seconds(since, until)
            running.append((since, until))
        else:
            expected.setdefault(holder.name, 0)

    for kind, pick, minutes in steps:
        moment += timedelta(minutes=minutes)
        if kind == "hand_over":
            target = [p for p in everyone if p != holder][pick % 2]
            services.incident_hand_over(
                actor=personas.it_lead, incident=incident, party=target, note="Yours", now=moment
            )
            close(moment)
            holder, paused = target, False
        elif paused:
            services.incident_resume(actor=personas.it_lead, incident=incident, now=moment)
            close(moment)
            paused = False
        else:
            services.incident_pause(actor=personas.it_lead, incident=incident, reason="Wait", now=moment)
            close(moment)
            paused = True
        since = moment
    now = moment + timedelta(minutes=tail)
    close(now)
    page = selectors.incident_page(incident, now=now)
    clocks = {clock.party.name: clock.seconds for clock in page.clocks}
    assert all(seconds >= 0 for seconds in clocks.values())
    assert clocks == expected
    total = sum(calendar.working_seconds(a, b) for a, b in running)
    assert sum(clocks.values()) == total
    segments = [Segment(s.started_at, s.ended_at, paused=s.kind == "paused") for s in incident.segments.all()]
    assert clock_seconds(segments, calendar, now) == total


def test_the_worker_looks_at_the_incidents_when_it_starts_and_plans_the_next_look(
    personas: Personas, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deadline whose run was lost (an emptied queue, the demo's backdated history) is still met:
    the worker's start queues a look, which queues the next at the earliest deadline ahead."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from tandem.core.management.commands import worker
    from tandem.governance import tasks

    incident = services.incident_raise(
        actor=personas.member, title="Lost run", priority="p1", service=service
    )
    DBTaskResult.objects.all().delete()
    monkeypatch.setattr(worker, "call_command", lambda *args, **kwargs: None)  # not the polling loop
    call_command("worker", batch=True, verbosity=0)
    looks = DBTaskResult.objects.filter(task_path="tandem.governance.tasks.escalate_incidents")
    assert looks.get().args_kwargs["kwargs"] == {"plan": True}
    looks.delete()
    assert tasks.escalate_incidents.call(plan=True) == 0
    assert looks.get().run_after == incident.escalation_due_at


def test_a_partner_hands_over_to_an_internal_team_or_back_never_to_another_vendor(
    personas: Personas, parties: Parties, service: Service
) -> None:
    incident = services.incident_raise(
        actor=personas.member, title="Portal slow", priority="p1", service=service, now=at("2026-12-07T09:00")
    )
    with pytest.raises(ValidationFailed) as refused:
        services.incident_hand_over(
            actor=personas.partner,
            incident=incident,
            party=parties.other_vendor,
            note="Theirs",
            now=at("2026-12-07T09:10"),
        )
    assert refused.value.field == "party"
    services.incident_hand_over(
        actor=personas.partner,
        incident=incident,
        party=parties.it_team,
        note="Firewall",
        now=at("2026-12-07T09:20"),
    )
    services.incident_hand_over(
        actor=personas.it_lead,
        incident=incident,
        party=parties.other_vendor,
        note="Network vendor",
        now=at("2026-12-07T09:30"),
    )
    services.incident_hand_over(
        actor=personas.it_lead,
        incident=incident,
        party=parties.vendor,
        note="Back to hosting",
        now=at("2026-12-07T09:40"),
    )
    # The other vendor held it before: the partner may hand it back there.
    services.incident_hand_over(
        actor=personas.partner,
        incident=incident,
        party=parties.other_vendor,
        note="Still the network",
        now=at("2026-12-07T09:50"),
    )
    assert incident.party == parties.other_vendor
