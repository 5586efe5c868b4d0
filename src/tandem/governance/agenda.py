"""What governance brings to the weekly review (``tandem.core.agenda``).

Each incident that matters appears once, under the most pressing thing about it: its agreed service
level breached (``sla_breach``: the time to acknowledge or to resolve, on the working calendar,
past what the service level allows — so far, for an incident still waiting), else escalated since
the last review (``escalation``), else still open (``incident_open``). A post-incident review
written since the last review is an item of its own (``incident_review``).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from tandem.core.agenda import AgendaSignal
from tandem.core.models import Organization
from tandem.governance.calendar import Segment, WorkCalendar, clock_seconds
from tandem.governance.models import (
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentStatus,
    SegmentKind,
    ServiceLevel,
)
from tandem.governance.selectors import reviews_since, work_calendar

SOURCE = "governance"


def _breached(incident: Incident, level: ServiceLevel, calendar: WorkCalendar, now: datetime) -> bool:
    """Whether the incident took (or has taken so far) longer than ``level`` allows."""
    clock = [
        Segment(s.started_at, s.ended_at, paused=s.kind == SegmentKind.PAUSED)
        for s in incident.segments.all()
        if s.started_at <= now
    ]
    acknowledged = clock_seconds(clock, calendar, min(incident.acknowledged_at or now, now))
    resolved = clock_seconds(clock, calendar, min(incident.resolved_at or now, now))
    return acknowledged > level.acknowledge_hours * 3600 or resolved > level.resolve_hours * 3600


def _incident_signals(org: Organization, since: datetime, now: datetime) -> list[AgendaSignal]:
    escalated = set(
        IncidentEvent.objects.for_org(org)
        .filter(kind=IncidentEventKind.ESCALATED, at__gte=since, at__lte=now)
        .values_list("incident_id", flat=True)
    )
    incidents = list(
        Incident.objects.for_org(org)
        .filter(raised_at__lte=now)
        .filter(~Q(status=IncidentStatus.RESOLVED) | Q(resolved_at__gte=since) | Q(pk__in=escalated))
        .prefetch_related("segments")
        .order_by("raised_at", "id")
    )
    levels: dict[tuple[int, str], ServiceLevel] = {}
    if any(i.service_id for i in incidents):
        levels = {
            (level.service_id, level.priority): level
            for level in ServiceLevel.objects.for_org(org).filter(
                service_id__in={i.service_id for i in incidents if i.service_id}
            )
        }
    calendar = work_calendar(org) if levels else None
    signals = []
    for incident in incidents:
        level = levels.get((incident.service_id or 0, incident.priority))
        open_now = incident.resolved_at is None or incident.resolved_at > now
        if level is not None and calendar is not None and _breached(incident, level, calendar, now):
            kind = "sla_breach"
        elif incident.pk in escalated:
            kind = "escalation"
        elif open_now:
            kind = "incident_open"
        else:
            continue
        signals.append(
            AgendaSignal(
                source=SOURCE,
                kind=kind,
                key=f"{SOURCE}:{kind}:incident:{incident.pk}",
                title=incident.title,
                at=incident.raised_at,
                url=reverse("governance:incident", kwargs={"org_slug": org.slug, "incident_id": incident.pk}),
                initiative_id=incident.initiative_id,
            )
        )
    return signals


def agenda_signals(org: Organization, since: datetime, now: datetime) -> list[AgendaSignal]:
    """Governance's signals for the review of what happened from ``since`` to ``now``."""
    signals = _incident_signals(org, since, now)
    for review in reviews_since(org, since):
        if review.written_at > now:
            continue
        incident = review.incident
        signals.append(
            AgendaSignal(
                source=SOURCE,
                kind="incident_review",
                key=f"{SOURCE}:incident_review:incident:{incident.pk}",
                title=incident.title,
                at=review.written_at,
                url=reverse("governance:incident", kwargs={"org_slug": org.slug, "incident_id": incident.pk}),
                initiative_id=incident.initiative_id,
            )
        )
    return signals
