"""The demo organisation's parties: five kinds, contracts (one near its notice date, one ended),
contributions to shared objectives, a valid RACI matrix and an invalid one; two services with a
quarter of measurements, incidents (one bounced, escalated twice and reviewed; one paused; one open
now), and scorecards in which a business rating is shown."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tandem.core.models import Organization
from tandem.governance import access, scorecard, selectors
from tandem.governance import demo as governance_demo
from tandem.governance.models import (
    Contract,
    Contribution,
    EscalationLevel,
    Incident,
    IncidentEventKind,
    IncidentStatus,
    Measurement,
    Party,
    PartyRating,
    SegmentKind,
    Service,
)
from tandem.strategy import demo as strategy_demo
from tandem.strategy.models import Initiative
from tests.conftest import SeededDemo


@pytest.fixture
def org(demo_module: SeededDemo, db: None) -> Organization:
    """The demo, seeded once for this module (``demo_module``); each test's writes are rolled back."""
    return Organization.objects.get(pk=demo_module.org.pk)


def test_the_demo_has_five_parties_of_different_kinds(org: Organization) -> None:
    parties = list(Party.objects.for_org(org))
    assert len(parties) == 5
    assert len({p.kind for p in parties}) == 5
    alerts = selectors.notice_alerts(org, Party.objects.for_org(org))
    assert [c.party.name for c in alerts] == ["Cloudline"]
    ended = Contract.objects.for_org(org).get(party__name="Bridgework Integrators")
    assert not ended.in_force()
    assert Contribution.objects.for_org(org).count() == 4


def test_one_matrix_is_valid_and_one_is_not(org: Organization) -> None:
    tracking, routes = (
        Initiative.objects.for_org(org).get(title=strategy_demo.INITIATIVES[i].title) for i in (0, 1)
    )
    valid, invalid = selectors.matrix(tracking), selectors.matrix(routes)
    assert valid.valid
    assert not invalid.valid
    codes = {p.code for p in invalid.problems}
    assert {"several_accountable", "no_responsible", "responsible_without_contract"} <= codes


def test_the_demo_partner_sees_cloudline_and_its_matrix(org: Organization) -> None:
    from tandem.core.models import Membership

    partner = Membership.objects.for_org(org).get(user__email="partner@cloudline.example")
    assert [p.name for p in access.parties_for(partner)] == ["Cloudline"]
    tracking = Initiative.objects.for_org(org).get(title=strategy_demo.INITIATIVES[0].title)
    assert access.matrix_initiative_for_user(partner, tracking.pk) == tracking


def _last_quarter() -> date:
    return scorecard.previous_quarter(scorecard.quarter_of(timezone.localdate()))


def test_two_services_of_two_parties_with_levels_a_measure_and_a_quarter_of_measurements(
    org: Organization,
) -> None:
    found = list(Service.objects.for_org(org).select_related("party").order_by("name"))
    assert [(s.name, s.party.name) for s in found] == [
        ("Route-planning engine", "RouteWise"),
        ("Tracking and customer portal hosting", "Cloudline"),
    ]
    quarter = _last_quarter()
    months = {quarter.replace(month=quarter.month + n) for n in range(3)}
    tallies = selectors.compliance(org, found, quarter, scorecard.quarter_end(quarter))
    for service in found:
        assert service.availability_target is not None
        assert sorted(service.levels.values_list("priority", flat=True)) == ["p1", "p2", "p3"]
        assert service.metrics.count() == 1
        assert service.initiatives.exists()
        assert service.key_results.count() == 1
        rows = Measurement.objects.for_org(org).filter(service=service)
        assert {m.period for m in rows} == months
        assert rows.filter(metric__isnull=True).count() == 3  # availability, every month
        assert rows.filter(metric__isnull=False).count() == 3  # the service's own measure
        assert 2 <= EscalationLevel.objects.for_org(org).filter(path__service=service).count() <= 3
        # Mostly met, a few misses.
        met = sum(tallies[(service.pk, month)].met for month in months)
        total = sum(tallies[(service.pk, month)].total for month in months)
        assert total / 2 < met < total


def test_incidents_one_bounced_escalated_twice_and_reviewed_one_paused_one_open_now(
    org: Organization,
) -> None:
    """(One test, so the demo is seeded once for all of them.)"""
    bounced = Incident.objects.for_org(org).get(title=governance_demo.INCIDENTS["outage"].title)
    assert bounced.status == IncidentStatus.RESOLVED
    assert bounced.party.name == "Cloudline"
    assert bounced.escalations == 2
    kinds = list(bounced.events.values_list("kind", flat=True))
    assert kinds.count(IncidentEventKind.HANDED_OVER) == 2
    assert kinds.count(IncidentEventKind.ESCALATED) == 2
    clocks = selectors.incident_page(bounced).clocks
    assert [c.party.name for c in clocks] == ["Cloudline", "Platform team"]
    assert all(c.acknowledged_at is not None for c in clocks)
    assert bounced.review.lessons
    assert scorecard.quarter_of(timezone.localtime(bounced.raised_at).date()) == _last_quarter()
    calendar = selectors.work_calendar(org)
    for event in bounced.events.all():  # every step on a working day
        assert calendar.is_working_day(timezone.localtime(event.at, calendar.zone).date())

    paused = Incident.objects.for_org(org).get(title=governance_demo.INCIDENTS["replan"].title)
    [pause] = paused.segments.filter(kind=SegmentKind.PAUSED)
    assert pause.reason
    assert pause.ended_at is not None
    assert paused.status == IncidentStatus.RESOLVED

    waiting = Incident.objects.for_org(org).get(title=governance_demo.INCIDENTS["open"].title)
    assert waiting.status == IncidentStatus.OPEN
    assert waiting.party.name == "Cloudline"
    assert waiting.escalation_due_at is not None
    assert waiting.escalation_due_at > timezone.now()  # nobody has been escalated to yet
    assert waiting.escalations == 0


def test_the_scorecard_of_a_closed_quarter_shows_cloudlines_rating(org: Organization) -> None:
    parties = list(Party.objects.for_org(org))
    quarter = _last_quarter()
    # Rated for the last full quarter and the one before, so whatever today is, one of them has
    # closed its rating window.
    card = selectors.scorecard_rows(org, parties, quarter)
    if card.ratings_open:
        card = selectors.scorecard_rows(org, parties, scorecard.previous_quarter(quarter))
    rows = {row.party.name: row for row in card.rows}
    assert card.threshold == 5
    assert rows["Cloudline"].rating is not None
    assert rows["RouteWise"].rating is None
    assert rows["RouteWise"].rating_note
    # Once the last quarter's window has closed, its rating is shown too, with every component.
    closed = scorecard.quarter_end(quarter) + timedelta(days=22)
    card = selectors.scorecard_rows(org, parties, quarter, today=closed)
    cloudline = next(row for row in card.rows if row.party.name == "Cloudline")
    assert cloudline.rating is not None
    assert all(value is not None for value in cloudline.components.values())
    assert cloudline.escalations == 2
    assert cloudline.incidents["p1"] == 1
    assert cloudline.score is not None
    assert 0 < cloudline.score < 100
    assert PartyRating.objects.for_org(org).filter(party__name="Cloudline", quarter=quarter).count() == 5
