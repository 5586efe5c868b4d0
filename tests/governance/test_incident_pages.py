"""The pages of incidents, the party scorecard and the business side's ratings: what they show,
how they refuse, and that reading them writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.governance import scorecard, selectors, services
from tandem.governance.models import (
    Incident,
    IncidentStatus,
    PartyRating,
    PartyRatingReceipt,
    Service,
)
from tests.conftest import Personas
from tests.governance.conftest import Matrix, Parties

INC = "/o/acme/incidents/"
Clients = Callable[[str], Client]


@pytest.fixture
def service(personas: Personas, parties: Parties) -> Service:
    """ERP hosting by the vendor: P1 acknowledged within 1 working hour and resolved within 8; the
    vendor is called first (2 working hours), then the IT lead."""
    svc = services.service_create(actor=personas.owner, party=parties.vendor, name="ERP hosting")
    services.service_level_set(
        actor=personas.owner, service=svc, priority="p1", acknowledge_hours=1, resolve_hours=8
    )
    services.escalation_level_add(actor=personas.owner, service=svc, party=parties.vendor, respond_hours=2)
    services.escalation_level_add(
        actor=personas.owner, service=svc, membership=personas.it_lead, respond_hours=4
    )
    return svc


@pytest.fixture
def incident(personas: Personas, service: Service) -> Incident:
    return services.incident_raise(actor=personas.member, title="ERP down", priority="p1", service=service)


def section(html: str, name: str) -> str:
    """The text of the page's ``<section id=name>``."""
    match = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    assert match, f"no section {name}"
    return match.group(0)


def page(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


# --- Raising -------------------------------------------------------------------------------------


def test_raising_an_incident_without_a_title_shows_the_error_and_saves_nothing(
    client_for: Clients, service: Service
) -> None:
    response = client_for("member").post(INC + "new/", {"title": "", "priority": "p1", "service": service.pk})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Incident.objects.unscoped().exists()


def test_raising_an_incident_about_nothing_names_the_service_field(
    client_for: Clients, service: Service
) -> None:
    response = client_for("member").post(INC + "new/", {"title": "Slow", "priority": "p2"})
    assert response.status_code == 422
    assert "Say which service or initiative this is about." in response.content.decode()
    assert not Incident.objects.unscoped().exists()


def test_an_incident_raised_about_a_service_goes_to_its_party(
    client_for: Clients, personas: Personas, parties: Parties, service: Service
) -> None:
    response = client_for("member").post(
        INC + "new/", {"title": "ERP slow", "priority": "p2", "service": service.pk, "description": "Slow."}
    )
    incident = Incident.objects.for_org(personas.org).get()
    assert response.status_code == 302
    assert response["Location"] == f"{INC}{incident.pk}/"
    assert incident.party == parties.vendor
    assert incident.raised_by == personas.member


def test_the_form_picks_the_service_named_in_the_address(client_for: Clients, service: Service) -> None:
    html = page(client_for("member"), f"{INC}new/?service={service.pk}")
    assert f'<option value="{service.pk}" selected>ERP hosting</option>' in html


def test_a_partner_may_not_raise_an_incident_for_another_party(
    client_for: Clients, parties: Parties, service: Service
) -> None:
    response = client_for("partner").post(
        INC + "new/",
        {"title": "Down", "priority": "p1", "service": service.pk, "party": parties.other_vendor.pk},
    )
    assert response.status_code == 422  # not one of the partner's parties: not a choice
    assert not Incident.objects.unscoped().exists()


# --- The incident page and its steps -------------------------------------------------------------


def test_the_page_shows_the_escalation_level_and_when_it_must_respond(
    client_for: Clients, incident: Incident
) -> None:
    html = page(client_for("member"), f"{INC}{incident.pk}/")
    escalation = section(html, "escalation")
    assert "Level 1 of 2" in escalation
    assert "Cloudline must respond by" in escalation
    assert "Agreed (working hours)" in section(html, "service-level")


def test_the_timeline_and_each_partys_clock_show_after_a_hand_over(
    client_for: Clients, personas: Personas, parties: Parties, incident: Incident
) -> None:
    services.incident_pause(actor=personas.partner, incident=incident, reason="Waiting for the logs")
    services.incident_hand_over(
        actor=personas.it_lead, incident=incident, party=parties.it_team, note="The database is ours."
    )
    services.incident_acknowledge(actor=personas.it_lead, incident=incident)
    html = page(client_for("member"), f"{INC}{incident.pk}/")
    clocks = section(html, "clocks")
    assert "Cloudline" in clocks
    assert "Platform team" in clocks
    assert "Waiting for the logs" in clocks  # the pause, with its reason, on the vendor's clock
    timeline = section(html, "timeline")
    for words in (
        "Raised",
        "Paused",
        "Handed over",
        "to Platform team",
        "The database is ours.",
        "Acknowledged",
    ):
        assert words in timeline
    assert personas.it_lead.user.display_name in timeline


def test_an_automatic_escalation_is_shown_as_tandems(
    client_for: Clients, personas: Personas, incident: Incident
) -> None:
    assert incident.escalation_due_at is not None
    services.incidents_escalate_due(now=incident.escalation_due_at + timedelta(minutes=1))
    html = page(client_for("member"), f"{INC}{incident.pk}/")
    assert "Tandem (automatic)" in section(html, "timeline")
    assert "Level 2 of 2" in section(html, "escalation")
    assert f"{personas.it_lead.user.display_name} must respond by" in section(html, "escalation")


def test_acknowledging_twice_shows_the_conflict_not_an_error(client_for: Clients, incident: Incident) -> None:
    client = client_for("partner")
    assert client.post(f"{INC}{incident.pk}/acknowledge/").status_code == 302
    response = client.post(f"{INC}{incident.pk}/acknowledge/")
    assert response.status_code == 409
    assert "This incident is already acknowledged." in response.content.decode()


def test_resuming_an_incident_that_is_not_paused_shows_the_conflict(
    client_for: Clients, incident: Incident
) -> None:
    response = client_for("it_lead").post(f"{INC}{incident.pk}/resume/")
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert Incident.objects.unscoped().get().status == IncidentStatus.OPEN


def test_pausing_a_resolved_incident_shows_the_conflict(
    client_for: Clients, personas: Personas, incident: Incident
) -> None:
    services.incident_resolve(actor=personas.partner, incident=incident, resolution="Restarted.")
    response = client_for("partner").post(f"{INC}{incident.pk}/pause/", {"reason": "Later"})
    assert response.status_code == 409
    assert "This incident is resolved; reopen it first." in response.content.decode()


def test_a_hand_over_without_a_note_is_refused_and_changes_nothing(
    client_for: Clients, parties: Parties, incident: Incident
) -> None:
    response = client_for("it_lead").post(f"{INC}{incident.pk}/hand-over/", {"party": parties.it_team.pk})
    assert response.status_code == 422
    assert Incident.objects.unscoped().get().party == parties.vendor


def test_steps_are_offered_only_to_who_may_take_them(client_for: Clients, incident: Incident) -> None:
    assert "Acknowledge</button>" in page(client_for("partner"), f"{INC}{incident.pk}/")
    member = page(client_for("member"), f"{INC}{incident.pk}/")
    assert "Acknowledge</button>" not in member
    assert "Add note</button>" in member
    viewer = page(client_for("viewer"), f"{INC}{incident.pk}/")
    assert "Add note</button>" not in viewer


def test_a_partner_hands_over_only_to_internal_teams_and_former_holders(
    client_for: Clients, parties: Parties, incident: Incident
) -> None:
    steps = section(page(client_for("partner"), f"{INC}{incident.pk}/"), "steps")
    assert "Platform team" in steps
    assert "Integra" not in steps
    response = client_for("partner").post(
        f"{INC}{incident.pk}/hand-over/", {"party": parties.other_vendor.pk, "note": "Theirs."}
    )
    assert response.status_code == 422


def test_a_note_lands_on_the_timeline(client_for: Clients, incident: Incident) -> None:
    response = client_for("member").post(f"{INC}{incident.pk}/notes/", {"note": "Users cannot log in."})
    assert response.status_code == 302
    assert "Users cannot log in." in section(page(client_for("member"), f"{INC}{incident.pk}/"), "timeline")


def test_the_review_waits_for_the_resolution_then_shows_on_the_page(
    client_for: Clients, personas: Personas, incident: Incident
) -> None:
    client = client_for("it_lead")
    data = {"summary": "A full disk.", "lessons": "Alert on disk space.", "actions": "Add the alert."}
    response = client.post(f"{INC}{incident.pk}/review/", data)
    assert response.status_code == 409
    assert "Write the review once the incident is resolved." in response.content.decode()
    services.incident_resolve(actor=personas.it_lead, incident=incident, resolution="Cleaned up.")
    assert client.post(f"{INC}{incident.pk}/review/", data).status_code == 302
    review = section(page(client, f"{INC}{incident.pk}/"), "review")
    assert "Alert on disk space." in review
    assert "A full disk." in page(client, f"{INC}{incident.pk}/review/")  # the form, filled in again


# --- The list ------------------------------------------------------------------------------------


def test_the_partner_sees_only_their_own_partys_incidents(
    client_for: Clients, personas: Personas, parties: Parties, service: Service
) -> None:
    other = services.service_create(actor=personas.owner, party=parties.other_vendor, name="Claims")
    mine = services.incident_raise(actor=personas.owner, title="ERP slow", priority="p2", service=service)
    theirs = services.incident_raise(actor=personas.owner, title="Claims stuck", priority="p2", service=other)
    client = client_for("partner")
    html = page(client, INC)
    assert "ERP slow" in html
    assert "Claims stuck" not in html
    assert "Integra" not in html  # not even as a filter choice
    page(client, f"{INC}{mine.pk}/")
    page(client, f"{INC}{theirs.pk}/", status=404)


def test_the_list_shows_open_incidents_first_and_filters(
    client_for: Clients, personas: Personas, service: Service
) -> None:
    services.incident_raise(actor=personas.owner, title="ERP slow", priority="p3", service=service)
    done = services.incident_raise(actor=personas.owner, title="ERP down", priority="p1", service=service)
    services.incident_resolve(actor=personas.owner, incident=done, resolution="Restarted.")
    client = client_for("member")
    default = page(client, INC)
    assert "ERP slow" in default
    assert "ERP down" not in default
    assert "ERP down" in page(client, INC + "?status=all")
    resolved = page(client, INC + "?status=resolved")
    assert "ERP down" in resolved
    assert "ERP slow" not in resolved
    assert "ERP slow" not in page(client, INC + "?severity=p1")
    assert "ERP slow" in page(client, INC + "?status=waiting")
    assert "ERP slow" not in page(client, INC + "?status=acknowledged")
    assert "ERP slow" not in page(client, INC + "?held=1w")  # raised just now
    assert "ERP slow" in page(client, INC + "?severity=nonsense&page=99")  # ignored, never a 500


def test_an_empty_list_says_how_to_start(client_for: Clients, parties: Parties) -> None:
    html = page(client_for("member"), INC)
    assert "No open incidents." in html
    assert "Raise an incident" in html
    assert "Raise an incident" not in page(client_for("viewer"), INC)


# --- The scorecard -------------------------------------------------------------------------------


def _rate(party_id: int, quarter: date, *scores: int) -> None:
    from tandem.governance.models import Party

    party = Party.objects.unscoped().get(pk=party_id)
    PartyRating.objects.bulk_create(
        PartyRating(organization_id=party.organization_id, party=party, quarter=quarter, score=s)
        for s in scores
    )


def test_the_scorecard_shows_the_parties_and_hides_ratings_below_the_threshold(
    client_for: Clients, parties: Parties, matrix: Matrix
) -> None:
    closed = scorecard.previous_quarter(selectors.default_quarter())  # its rating window has closed
    _rate(parties.vendor.pk, closed, 5, 5, 4, 4, 5)
    _rate(parties.other_vendor.pk, closed, 1, 2)
    html = page(client_for("member"), f"/o/acme/scorecard/?quarter={scorecard.quarter_label(closed)}")
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", html, re.S)
    assert "Cloudline" in rows[0]  # the best score first
    cloudline = next(row for row in rows if "Cloudline" in row)
    integra = next(row for row in rows if "Integra" in row)
    assert "4.6" in cloudline
    assert "Fewer than 5 ratings: not shown." in integra
    assert "Platform team" in html
    assert "How the score is made" in html


def test_the_scorecard_hides_ratings_while_they_still_come_in(client_for: Clients, parties: Parties) -> None:
    current = scorecard.quarter_of(timezone.localdate())
    _rate(parties.vendor.pk, current, 5, 5, 5, 5, 5)
    html = page(client_for("member"), f"/o/acme/scorecard/?quarter={scorecard.quarter_label(current)}")
    assert "Ratings are still coming in." in html
    assert "5.0" not in html


def test_an_unreadable_quarter_shows_the_last_one_ended(client_for: Clients, parties: Parties) -> None:
    html = page(client_for("member"), "/o/acme/scorecard/?quarter=someday")
    assert "That quarter could not be read" in html
    assert scorecard.quarter_label(selectors.default_quarter()) in html


def test_a_partner_sees_only_their_own_party_on_the_scorecard(client_for: Clients, parties: Parties) -> None:
    html = page(client_for("partner"), "/o/acme/scorecard/")
    assert "Cloudline" in html
    assert "Integra" not in html


def test_the_scorecard_exports_the_same_columns(client_for: Clients, parties: Parties) -> None:
    client = client_for("member")
    response = client.get("/o/acme/scorecard/export.csv?quarter=2026-Q2")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2026-Q2.csv"'
    header, *lines = response.content.decode("utf-8-sig").splitlines()
    assert header.startswith("Party,Score (0–100),Service levels met (%)")
    assert sorted(line.split(",")[0] for line in lines) == ["Cloudline", "Integra", "Platform team"]
    xlsx = client.get("/o/acme/scorecard/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert client.get("/o/acme/scorecard/export.pdf").status_code == 404


# --- Ratings -------------------------------------------------------------------------------------


def test_a_business_co_lead_rates_the_parties_of_their_initiatives_once(
    client_for: Clients, personas: Personas, parties: Parties, matrix: Matrix
) -> None:
    client = client_for("business_lead")
    html = page(client, "/o/acme/parties/ratings/")
    assert "Rate Cloudline" in html
    assert "Rate Integra" in html
    assert "Platform team" not in html  # no column in the matrix of the initiative they co-lead
    response = client.post("/o/acme/parties/ratings/", {"party": parties.vendor.pk, "score": "4"})
    assert response.status_code == 302
    assert PartyRatingReceipt.objects.unscoped().filter(membership=personas.business_lead).count() == 1
    html = page(client, "/o/acme/parties/ratings/")
    assert "Rate Cloudline" not in html
    assert "You rated this party" in html
    again = client.post("/o/acme/parties/ratings/", {"party": parties.vendor.pk, "score": "2"})
    assert again.status_code == 409
    assert "You have already rated Cloudline for this quarter." in again.content.decode()
    assert list(PartyRating.objects.unscoped().values_list("score", flat=True)) == [4]


def test_a_rating_out_of_range_is_refused(client_for: Clients, parties: Parties, matrix: Matrix) -> None:
    response = client_for("business_lead").post(
        "/o/acme/parties/ratings/", {"party": parties.vendor.pk, "score": "9"}
    )
    assert response.status_code == 422
    assert not PartyRating.objects.unscoped().exists()


def test_someone_who_co_leads_nothing_reads_why_there_is_nothing_to_rate(
    client_for: Clients, parties: Parties, matrix: Matrix
) -> None:
    client = client_for("member")
    assert "nothing for you to rate" in page(client, "/o/acme/parties/ratings/")
    assert (
        client.post("/o/acme/parties/ratings/", {"party": parties.vendor.pk, "score": "4"}).status_code == 404
    )


# --- Reads write nothing -------------------------------------------------------------------------


def test_reading_the_pages_writes_nothing(
    client_for: Clients, personas: Personas, parties: Parties, matrix: Matrix, incident: Incident
) -> None:
    services.incident_resolve(actor=personas.it_lead, incident=incident, resolution="Restarted.")
    client = client_for("business_lead")
    paths = [
        INC,
        INC + "?status=all&held=4h",
        INC + "new/",
        f"{INC}{incident.pk}/",
        f"{INC}{incident.pk}/review/",
        "/o/acme/scorecard/",
        "/o/acme/scorecard/export.xlsx",
        "/o/acme/parties/ratings/",
    ]
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if re.match(r"^\s*(INSERT|UPDATE|DELETE)\b", q["sql"], re.I) and "django_session" not in q["sql"]
        ]
        assert not writes, (path, writes)
