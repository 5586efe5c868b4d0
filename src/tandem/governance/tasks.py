"""Background work of the governance app: escalating incidents nobody responded to, and the
e-mails that tell a party or an escalation level an incident is theirs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Min
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from tandem.core.language import language_for
from tandem.core.mail import send_templated
from tandem.governance.models import Incident, IncidentEvent, IncidentEventKind, IncidentStatus, PartyContact


@task()
def escalate_incidents(*, plan: bool = False) -> int:
    """Escalate every incident whose current level did not respond in time. Services queue this
    for the moment a level's time is up (each escalation queues the next); running it early or
    twice changes nothing. With ``plan`` (when the worker starts) it also queues a run for the
    next moment a level's time is up, so no deadline is missed whose run was lost or never
    queued (the demo's backdated history, a queue that was emptied)."""
    from tandem.governance import services  # services queue this task

    now = timezone.now()
    escalated = len(services.incidents_escalate_due(now=now))
    if plan:
        upcoming = (
            Incident.objects.unscoped()  # the worker acts for every organisation
            .filter(status=IncidentStatus.OPEN, escalation_due_at__gt=now)
            .aggregate(first=Min("escalation_due_at"))["first"]
        )
        if upcoming is not None:
            escalate_incidents.using(run_after=upcoming).enqueue(plan=True)
    return escalated


def worker_started() -> None:
    """When ``tandem worker`` starts: look at the incidents at once and plan the next look, when
    any incident waits for a response (nothing is queued otherwise)."""
    waiting = Incident.objects.unscoped().filter(status=IncidentStatus.OPEN, escalation_due_at__isnull=False)
    if waiting.exists():
        escalate_incidents.enqueue(plan=True)


def _recipients(event: IncidentEvent) -> list[tuple[str, Any]]:
    """(address, user or None) of whom a step concerns: the party it went to, or the level called."""
    incident = event.incident
    if event.kind == IncidentEventKind.ESCALATED:
        from tandem.governance.selectors import incident_levels

        levels = incident_levels(incident)
        if event.level is None or event.level >= len(levels):
            return []
        called = levels[event.level]
        if called.membership is not None:
            if not called.membership.is_active:  # left the organisation since the path was set
                return []
            return [(called.membership.user.email, called.membership.user)]
        party_id = called.party_id
    else:
        party_id = event.party_id
    if party_id is None:
        return []
    contacts = PartyContact.objects.unscoped().filter(party_id=party_id).select_related("membership__user")
    found: list[tuple[str, Any]] = []
    for contact in contacts:
        if contact.membership is not None:
            if contact.membership.is_active:
                found.append((contact.membership.user.email, contact.membership.user))
        elif contact.email:
            found.append((contact.email, None))
    return found


@task()
def send_incident_notice(*, event_id: int) -> int:
    """E-mail the people an incident's step concerns, each in their own language. The e-mail
    names the incident and links to it; what happened stays behind the sign-in."""
    event = (
        IncidentEvent.objects.unscoped()
        .select_related("incident__organization", "incident__party", "party")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    incident = event.incident
    org = incident.organization
    link = settings.SITE_URL + reverse("governance:incident", args=[org.slug, incident.pk])
    sent = 0
    for address, user in dict(_recipients(event)).items():
        send_templated(
            to=address,
            language=language_for(user, org),
            subject="governance/email/incident_subject.txt",
            body="governance/email/incident_body.txt",
            context={
                "event": event,
                "incident": incident,
                "organization": org,
                "link": link,
                "level": (event.level or 0) + 1,
            },
        )
        sent += 1
    return sent
