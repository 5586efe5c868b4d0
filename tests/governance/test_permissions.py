"""The permission matrix of governance: every page, every persona, the status.

Internal members read every party and matrix; owners, admins and leads manage parties, contracts,
contributions and the RACI template; whoever may edit an initiative edits its matrix. The partner
persona is a contact of one vendor (Cloudline): it reads that party and the matrices in which it
has a column, and nothing else. Other tenants get 404 everywhere; anonymous visitors are sent to
sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from tandem.core import cache
from tandem.governance import services
from tandem.governance.models import Contribution
from tandem.strategy.models import Objective
from tests.conftest import ADMINS, INTERNAL, MEMBERS, PERSONAS, Personas
from tests.governance.conftest import Matrix, Parties
from tests.url_walk import all_url_names

pytestmark = pytest.mark.permission_matrix

LEADS = ADMINS | {"business_lead", "it_lead"}
EDITORS = LEADS  # of the matrix's initiative: its co-leads are the two leads


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    allowed: set[str]
    ok: int = 200
    data: dict[str, Any] | None = None
    api: bool = False


@pytest.fixture
def world(personas: Personas, parties: Parties, matrix: Matrix, objective: Objective) -> dict[str, int]:
    contract = services.contract_add(
        actor=personas.owner, party=parties.other_vendor, title="Frame", starts_on="2026-01-01"
    )
    contact = services.contact_add(
        actor=personas.owner, party=parties.other_vendor, email="desk@integra.example"
    )
    contribution: Contribution = services.contribution_set(
        actor=personas.owner, party=parties.other_vendor, objective=objective, contribution="Builds it."
    )
    return {
        "vendor": parties.vendor.pk,
        "other": parties.other_vendor.pk,
        "contract": contract.pk,
        "contact": contact.pk,
        "contribution": contribution.pk,
        "objective": objective.pk,
        "initiative": matrix.initiative.pk,
        "activity": matrix.activities[0].pk,
        "column": matrix.other_vendor.pk,
        "vendor_column": matrix.vendor.pk,
        "team": parties.it_team.pk,
        "closing_day": services.closing_day_add(
            actor=personas.owner, day="2026-12-24", name="Christmas Eve"
        ).pk,
        **_services_and_incidents(personas, parties, matrix),
    }


def _services_and_incidents(personas: Personas, parties: Parties, matrix: Matrix) -> dict[str, int]:
    """A service of the partner's vendor and one of the other vendor (with a level, a measure, a
    measurement and an escalation level), an escalation level of the matrix's initiative, and
    incidents: one the vendor holds, one the other vendor holds, one the vendor resolved."""
    owner = personas.owner
    service = services.service_create(
        actor=owner, party=parties.vendor, name="ERP hosting", availability_target=99.5
    )
    other = services.service_create(actor=owner, party=parties.other_vendor, name="Claims integration")
    level = services.service_level_set(
        actor=owner, service=other, priority="p2", acknowledge_hours=2, resolve_hours=16
    )
    metric = services.metric_add(actor=owner, service=other, name="Batch on time", target=98, unit="%")
    measurement = services.measurement_record(
        actor=owner, service=other, metric=metric, period="2026-01", value=97
    )
    escalation = services.escalation_level_add(
        actor=owner, service=other, membership=personas.it_lead, respond_hours=4
    )
    initiative_level = services.escalation_level_add(
        actor=owner, initiative=matrix.initiative, membership=personas.it_lead, respond_hours=4
    )
    mine = services.incident_raise(actor=owner, title="ERP slow", priority="p2", service=service)
    theirs = services.incident_raise(actor=owner, title="Claims stuck", priority="p2", service=other)
    done = services.incident_raise(actor=owner, title="ERP down", priority="p1", service=service)
    services.incident_resolve(actor=owner, incident=done, resolution="Restarted")
    return {
        "service": service.pk,
        "other_service": other.pk,
        "level": level.pk,
        "metric": metric.pk,
        "measurement": measurement.pk,
        "escalation_level": escalation.pk,
        "initiative_level": initiative_level.pk,
        "incident": mine.pk,
        "other_incident": theirs.pk,
        "resolved_incident": done.pk,
    }


P = "/o/acme/parties/"
M = "/o/acme/initiatives/{initiative}/raci/"
MATRIX = [
    Row("governance:parties", "get", P, MEMBERS),
    Row("governance:party_new", "get", P + "new/", LEADS),
    Row("governance:party_new", "post", P + "new/", LEADS, 302, {"name": "Newco", "kind": "consultancy"}),
    Row("governance:party", "get", P + "{vendor}/", MEMBERS),
    Row("governance:party", "get", P + "{other}/", INTERNAL),
    Row("governance:party_edit", "get", P + "{other}/edit/", LEADS),
    Row(
        "governance:party_edit",
        "post",
        P + "{other}/edit/",
        LEADS,
        302,
        {"name": "Integra BV", "kind": "integrator"},
    ),
    Row(
        "governance:contact_add", "post", P + "{other}/contacts/", LEADS, 302, {"email": "pm@integra.example"}
    ),
    Row("governance:contact_remove", "post", P + "{other}/contacts/{contact}/remove/", LEADS, 302),
    Row(
        "governance:contract_add",
        "post",
        P + "{other}/contracts/",
        LEADS,
        302,
        {
            "title": "Support",
            "starts_on": "2026-02-01",
            "notice_days": "30",
            "alert_days": "10",
            "renewal": "tacit",
        },
    ),
    Row("governance:contract_edit", "get", P + "{other}/contracts/{contract}/edit/", LEADS),
    Row(
        "governance:contract_edit",
        "post",
        P + "{other}/contracts/{contract}/edit/",
        LEADS,
        302,
        {
            "title": "Frame 2",
            "starts_on": "2026-01-01",
            "notice_days": "90",
            "alert_days": "30",
            "renewal": "explicit",
        },
    ),
    Row("governance:contract_remove", "post", P + "{other}/contracts/{contract}/remove/", LEADS, 302),
    Row(
        "governance:contribution_set",
        "post",
        P + "{other}/contributions/",
        LEADS,
        302,
        {"objective": "{objective}", "contribution": "Integrates the claims system."},
    ),
    Row(
        "governance:contribution_remove",
        "post",
        P + "{other}/contributions/{contribution}/remove/",
        LEADS,
        302,
    ),
    Row("governance:template", "get", "/o/acme/raci/template/", LEADS),
    Row("governance:template", "post", "/o/acme/raci/template/", LEADS, 302, {"names": "Plan\nBuild\nRun"}),
    Row("governance:calendar", "get", "/o/acme/work-calendar/", ADMINS),
    Row(
        "governance:calendar",
        "post",
        "/o/acme/work-calendar/",
        ADMINS,
        302,
        {"day": "2026-12-31", "name": "New Year's Eve"},
    ),
    Row(
        "governance:closing_day_remove",
        "post",
        "/o/acme/work-calendar/closing-days/{closing_day}/remove/",
        ADMINS,
        302,
    ),
    Row("governance:matrix", "get", M, MEMBERS),
    Row("governance:matrix_print", "get", M + "print/", MEMBERS),
    Row("governance:matrix_export", "get", M + "export.csv", MEMBERS),
    Row("governance:matrix_save", "post", M + "save/", EDITORS, 302, {"cell-{activity}-{column}": "R"}),
    # A partner fills in their own party's column (their own assignments), and only that.
    Row(
        "governance:matrix_save",
        "post",
        M + "save/",
        EDITORS | {"partner"},
        302,
        {"cell-{activity}-{vendor_column}": "C"},
    ),
    Row("governance:matrix_start", "post", M + "start/", EDITORS, 409),
    Row("governance:activity_add", "post", M + "activities/", EDITORS, 302, {"name": "Training"}),
    Row("governance:activity_change", "post", M + "activities/{activity}/", EDITORS, 302, {"do": "down"}),
    Row("governance:column_add", "post", M + "columns/", EDITORS, 302, {"party": "{team}"}),
    Row("governance:column_remove", "post", M + "columns/{column}/remove/", EDITORS, 302),
]
S = "/o/acme/services/"
INC = "/o/acme/incidents/"
# Pages of services, their levels, measures and measurements, and escalation paths.
OS = S + "{other_service}/"
E = "/o/acme/initiatives/{initiative}/escalation/"
SERVICE_PAGES: list[Row] = [
    Row("governance:services", "get", S, MEMBERS),
    Row("governance:service_new", "get", S + "new/", LEADS),
    Row("governance:service_new", "post", S + "new/", LEADS, 302, {"name": "Payroll", "party": "{other}"}),
    Row("governance:service", "get", S + "{service}/", MEMBERS),  # the partner's own vendor's service
    Row("governance:service", "get", OS, INTERNAL),  # another party's: a 404 for the partner
    Row("governance:service_edit", "get", S + "{service}/edit/", LEADS),
    Row("governance:service_edit", "get", OS + "edit/", LEADS),
    Row(
        "governance:service_edit",
        "post",
        OS + "edit/",
        LEADS,
        302,
        {"name": "Claims link", "party": "{other}", "is_active": "on"},
    ),
    Row(
        "governance:service_level_set",
        "post",
        OS + "levels/",
        LEADS,
        302,
        {"priority": "p1", "acknowledge_hours": "1", "resolve_hours": "8"},
    ),
    Row("governance:service_level_remove", "post", OS + "levels/{level}/remove/", LEADS, 302),
    Row(
        "governance:metric_add",
        "post",
        OS + "metrics/",
        LEADS,
        302,
        {"name": "Tickets reopened", "target": "5", "higher_is_better": "lower"},
    ),
    Row("governance:metric_remove", "post", OS + "metrics/{metric}/remove/", LEADS, 302),
    Row(
        "governance:measurement_add",
        "post",
        OS + "measurements/",
        LEADS,
        302,
        {"period": "2026-02", "metric": "{metric}", "value": "99"},
    ),
    Row("governance:measurements_import", "get", OS + "measurements/import/", LEADS),
    # Without a file: the gate lets leads through to the form, which asks for one.
    Row("governance:measurements_import", "post", OS + "measurements/import/", LEADS, 422),
    Row("governance:measurement_remove", "post", OS + "measurements/{measurement}/remove/", LEADS, 302),
    Row(
        "governance:service_escalation_add",
        "post",
        OS + "escalation/",
        LEADS,
        302,
        {"party": "{other}", "channel": "phone", "respond_hours": "2"},
    ),
    Row(
        "governance:service_escalation_change",
        "post",
        OS + "escalation/{escalation_level}/",
        LEADS,
        302,
        {"do": "down"},
    ),
    Row("governance:initiative_escalation", "get", E, INTERNAL),
    Row(
        "governance:initiative_escalation",
        "post",
        E,
        EDITORS,
        302,
        {"party": "{other}", "channel": "email", "respond_hours": "8"},
    ),
    Row(
        "governance:initiative_escalation_change",
        "post",
        E + "{initiative_level}/",
        EDITORS,
        302,
        {"do": "remove"},
    ),
]
# Pages of incidents, the scorecard and the ratings.
INCIDENT_PAGES: list[Row] = [
    # Any member but a viewer raises and notes; the leads and the vendor's contact (the partner)
    # work the vendor's incidents; the partner never sees the other vendor's.
    Row("governance:incidents", "get", INC, MEMBERS),
    Row("governance:incidents", "get", INC + "?status=all&severity=p2&held=1w", MEMBERS),
    Row("governance:incident_new", "get", INC + "new/?service={service}", MEMBERS - {"viewer"}),
    Row(
        "governance:incident_new",
        "post",
        INC + "new/",
        MEMBERS - {"viewer"},
        302,
        {"title": "ERP slow again", "priority": "p3", "service": "{service}"},
    ),
    Row("governance:incident", "get", INC + "{incident}/", MEMBERS),
    Row("governance:incident", "get", INC + "{other_incident}/", INTERNAL),
    Row("governance:incident", "get", INC + "{resolved_incident}/", MEMBERS),
    Row("governance:incident_acknowledge", "post", INC + "{incident}/acknowledge/", LEADS | {"partner"}, 302),
    Row("governance:incident_acknowledge", "post", INC + "{other_incident}/acknowledge/", LEADS, 302),
    Row(
        "governance:incident_hand_over",
        "post",
        INC + "{incident}/hand-over/",
        LEADS | {"partner"},
        302,
        {"party": "{team}", "note": "The platform team runs the database."},
    ),
    Row(
        "governance:incident_pause",
        "post",
        INC + "{incident}/pause/",
        LEADS | {"partner"},
        302,
        {"reason": "Waiting"},
    ),
    # Not paused: a conflict, shown on the incident page.
    Row("governance:incident_resume", "post", INC + "{incident}/resume/", LEADS | {"partner"}, 409),
    Row(
        "governance:incident_resolve",
        "post",
        INC + "{incident}/resolve/",
        LEADS | {"partner"},
        302,
        {"resolution": "Restarted."},
    ),
    Row(
        "governance:incident_reopen",
        "post",
        INC + "{resolved_incident}/reopen/",
        LEADS | {"partner"},
        302,
        {"reason": "Down again"},
    ),
    Row(
        "governance:incident_note",
        "post",
        INC + "{incident}/notes/",
        MEMBERS - {"viewer"},
        302,
        {"note": "Tried."},
    ),
    Row(
        "governance:incident_note",
        "post",
        INC + "{other_incident}/notes/",
        INTERNAL - {"viewer"},
        302,
        {"note": "Tried."},
    ),
    Row("governance:incident_review", "get", INC + "{resolved_incident}/review/", LEADS | {"partner"}),
    Row(
        "governance:incident_review",
        "post",
        INC + "{resolved_incident}/review/",
        LEADS | {"partner"},
        302,
        {"summary": "A full disk.", "lessons": "Alert on disk space."},
    ),
    Row("governance:scorecard", "get", "/o/acme/scorecard/", MEMBERS),
    Row("governance:scorecard", "get", "/o/acme/scorecard/?quarter=2026-Q1", MEMBERS),
    Row("governance:scorecard", "get", "/o/acme/scorecard/?quarter=nonsense", MEMBERS),
    Row("governance:scorecard_export", "get", "/o/acme/scorecard/export.csv", MEMBERS),
    Row("governance:scorecard_export", "get", "/o/acme/scorecard/export.xlsx?quarter=2026-Q1", MEMBERS),
    Row("governance:scorecard_export", "get", "/o/acme/scorecard/export.pdf", set()),
    Row("governance:ratings", "get", P + "ratings/", MEMBERS),
    # Only a business co-lead has parties to rate: the business lead co-leads the matrix's initiative.
    Row(
        "governance:ratings",
        "post",
        P + "ratings/",
        {"business_lead"},
        302,
        {"party": "{vendor}", "score": "4"},
    ),
]
MATRIX += SERVICE_PAGES + INCIDENT_PAGES
A = "/api/v1/orgs/acme/parties/"
AM = "/api/v1/orgs/acme/initiatives/{initiative}/raci"
MATRIX += [
    Row("api:governance_party_list", "get", A[:-1], MEMBERS, api=True),
    Row(
        "api:governance_party_create",
        "post",
        A[:-1],
        LEADS,
        201,
        {"name": "Newco", "kind": "consultancy"},
        api=True,
    ),
    Row("api:governance_party_detail", "get", A + "{vendor}", MEMBERS, api=True),
    Row("api:governance_party_detail", "get", A + "{other}", INTERNAL, api=True),
    Row(
        "api:governance_party_update",
        "patch",
        A + "{other}",
        LEADS,
        data={"description": "Integrates."},
        api=True,
    ),
    Row(
        "api:governance_contact_add",
        "post",
        A + "{other}/contacts",
        LEADS,
        201,
        {"email": "pm@integra.example"},
        api=True,
    ),
    Row("api:governance_contact_remove", "delete", A + "{other}/contacts/{contact}", LEADS, 204, api=True),
    Row(
        "api:governance_contract_add",
        "post",
        A + "{other}/contracts",
        LEADS,
        201,
        {"title": "T", "starts_on": "2026-02-01"},
        api=True,
    ),
    Row(
        "api:governance_contract_update",
        "patch",
        A + "{other}/contracts/{contract}",
        LEADS,
        data={"notice_days": 60},
        api=True,
    ),
    Row("api:governance_contract_remove", "delete", A + "{other}/contracts/{contract}", LEADS, 204, api=True),
    Row(
        "api:governance_contribution_set",
        "put",
        A + "{other}/contributions/{objective}",
        LEADS,
        data={"contribution": "Integrates the claims system."},
        api=True,
    ),
    Row(
        "api:governance_contribution_remove",
        "delete",
        A + "{other}/contributions/{objective}",
        LEADS,
        204,
        api=True,
    ),
    Row("api:governance_template_get", "get", "/api/v1/orgs/acme/raci-template", LEADS, api=True),
    Row(
        "api:governance_template_put",
        "put",
        "/api/v1/orgs/acme/raci-template",
        LEADS,
        data={"activities": ["Plan"]},
        api=True,
    ),
    Row("api:governance_calendar_get", "get", "/api/v1/orgs/acme/work-calendar", ADMINS, api=True),
    Row(
        "api:governance_calendar_put",
        "put",
        "/api/v1/orgs/acme/work-calendar",
        ADMINS,
        data={
            "time_zone": "Europe/Amsterdam",
            "weekdays": [0, 1, 2, 3],
            "day_start": "08:00",
            "day_end": "16:00",
        },
        api=True,
    ),
    Row("api:governance_matrix_get", "get", AM, MEMBERS, api=True),
    Row("api:governance_matrix_start", "post", AM + "/start", EDITORS, 409, api=True),
    Row(
        "api:governance_matrix_cells",
        "put",
        AM + "/cells",
        EDITORS,
        data={"cells": [{"activity_id": "{activity}", "column_id": "{column}", "letter": "R"}]},
        api=True,
    ),
    # A partner sets their own party's column (their own assignments), and only that.
    Row(
        "api:governance_matrix_cells",
        "put",
        AM + "/cells",
        EDITORS | {"partner"},
        data={"cells": [{"activity_id": "{activity}", "column_id": "{vendor_column}", "letter": "C"}]},
        api=True,
    ),
    Row(
        "api:governance_activity_add",
        "post",
        AM + "/activities",
        EDITORS,
        201,
        {"name": "Training"},
        api=True,
    ),
    Row(
        "api:governance_activity_rename",
        "patch",
        AM + "/activities/{activity}",
        EDITORS,
        data={"name": "Intake"},
        api=True,
    ),
    Row("api:governance_activity_remove", "delete", AM + "/activities/{activity}", EDITORS, api=True),
    Row("api:governance_column_add", "post", AM + "/columns", EDITORS, 201, {"party_id": "{team}"}, api=True),
    Row("api:governance_column_remove", "delete", AM + "/columns/{column}", EDITORS, api=True),
]
AS = "/api/v1/orgs/acme/services"
AI = "/api/v1/orgs/acme/incidents"
# The API of services, escalation paths, incidents, the scorecard and ratings.
WORKERS = LEADS | {"partner"}  # the partner is a contact of Cloudline, which holds "incident"
RAISERS = MEMBERS - {"viewer"}
SERVICE_API: list[Row] = [
    Row("api:governance_service_list", "get", AS, MEMBERS, api=True),
    Row(
        "api:governance_service_create",
        "post",
        AS,
        LEADS,
        201,
        {"name": "Data lake", "party_id": "{other}", "availability_target": 99.9},
        api=True,
    ),
    Row("api:governance_service_detail", "get", AS + "/{service}", MEMBERS, api=True),
    Row("api:governance_service_detail", "get", AS + "/{other_service}", INTERNAL, api=True),
    Row(
        "api:governance_service_update",
        "patch",
        AS + "/{other_service}",
        LEADS,
        data={"description": "Claims in and out."},
        api=True,
    ),
    Row(
        "api:governance_service_level_set",
        "put",
        AS + "/{other_service}/levels",
        LEADS,
        data={"priority": "p1", "acknowledge_hours": 1, "resolve_hours": 8},
        api=True,
    ),
    Row(
        "api:governance_service_level_remove",
        "delete",
        AS + "/{other_service}/levels/{level}",
        LEADS,
        204,
        api=True,
    ),
    Row(
        "api:governance_metric_add",
        "post",
        AS + "/{other_service}/metrics",
        LEADS,
        201,
        {"name": "Tickets reopened", "target": 5, "higher_is_better": False},
        api=True,
    ),
    Row(
        "api:governance_metric_remove",
        "delete",
        AS + "/{other_service}/metrics/{metric}",
        LEADS,
        204,
        api=True,
    ),
    Row("api:governance_measurement_list", "get", AS + "/{service}/measurements", MEMBERS, api=True),
    Row("api:governance_measurement_list", "get", AS + "/{other_service}/measurements", INTERNAL, api=True),
    Row(
        "api:governance_measurement_record",
        "post",
        AS + "/{other_service}/measurements",
        LEADS,
        201,
        {"month": "2026-02", "metric_id": "{metric}", "value": 99},
        api=True,
    ),
    Row(
        "api:governance_measurement_remove",
        "delete",
        AS + "/{other_service}/measurements/{measurement}",
        LEADS,
        204,
        api=True,
    ),
    Row("api:governance_service_compliance", "get", AS + "/{service}/compliance", MEMBERS, api=True),
    Row("api:governance_service_compliance", "get", AS + "/{other_service}/compliance", INTERNAL, api=True),
    Row("api:governance_service_path_get", "get", AS + "/{service}/escalation-path", MEMBERS, api=True),
    Row(
        "api:governance_service_path_get", "get", AS + "/{other_service}/escalation-path", INTERNAL, api=True
    ),
    Row(
        "api:governance_service_path_add",
        "post",
        AS + "/{other_service}/escalation-path/levels",
        LEADS,
        201,
        {"party_id": "{team}", "channel": "phone", "respond_hours": 2},
        api=True,
    ),
    Row(
        "api:governance_service_path_remove",
        "delete",
        AS + "/{other_service}/escalation-path/levels/{escalation_level}",
        LEADS,
        api=True,
    ),
    Row(
        "api:governance_service_path_move",
        "post",
        AS + "/{other_service}/escalation-path/levels/{escalation_level}/move",
        LEADS,
        data={"offset": -1},
        api=True,
    ),
    Row(
        "api:governance_initiative_path_get",
        "get",
        "/api/v1/orgs/acme/initiatives/{initiative}/escalation-path",
        INTERNAL,
        api=True,
    ),
    Row(
        "api:governance_initiative_path_add",
        "post",
        "/api/v1/orgs/acme/initiatives/{initiative}/escalation-path/levels",
        EDITORS,
        201,
        {"party_id": "{vendor}", "respond_hours": 8},
        api=True,
    ),
    Row(
        "api:governance_initiative_path_remove",
        "delete",
        "/api/v1/orgs/acme/initiatives/{initiative}/escalation-path/levels/{initiative_level}",
        EDITORS,
        api=True,
    ),
    Row(
        "api:governance_initiative_path_move",
        "post",
        "/api/v1/orgs/acme/initiatives/{initiative}/escalation-path/levels/{initiative_level}/move",
        EDITORS,
        data={"offset": 1},
        api=True,
    ),
    Row("api:governance_incident_list", "get", AI, MEMBERS, api=True),
    Row(
        "api:governance_incident_raise",
        "post",
        AI,
        RAISERS,
        201,
        {"title": "Batch late", "priority": "p3", "service_id": "{service}"},
        api=True,
    ),
    Row("api:governance_incident_detail", "get", AI + "/{incident}", MEMBERS, api=True),
    Row("api:governance_incident_detail", "get", AI + "/{other_incident}", INTERNAL, api=True),
    Row("api:governance_incident_acknowledge", "post", AI + "/{incident}/acknowledge", WORKERS, api=True),
    Row("api:governance_incident_acknowledge", "post", AI + "/{other_incident}/acknowledge", LEADS, api=True),
    Row(
        "api:governance_incident_hand_over",
        "post",
        AI + "/{incident}/hand-over",
        WORKERS,
        data={"party_id": "{team}", "note": "A database problem."},
        api=True,
    ),
    Row(
        "api:governance_incident_pause",
        "post",
        AI + "/{incident}/pause",
        WORKERS,
        data={"reason": "Waiting for the reporter."},
        api=True,
    ),
    Row("api:governance_incident_resume", "post", AI + "/{incident}/resume", WORKERS, 409, api=True),
    Row(
        "api:governance_incident_resolve",
        "post",
        AI + "/{incident}/resolve",
        WORKERS,
        data={"resolution": "Added an index."},
        api=True,
    ),
    Row(
        "api:governance_incident_reopen",
        "post",
        AI + "/{resolved_incident}/reopen",
        WORKERS,
        data={"reason": "Down again."},
        api=True,
    ),
    Row(
        "api:governance_incident_note",
        "post",
        AI + "/{incident}/notes",
        RAISERS,
        201,
        {"note": "Tried a restart."},
        api=True,
    ),
    Row(
        "api:governance_incident_note",
        "post",
        AI + "/{other_incident}/notes",
        RAISERS - {"partner"},
        201,
        {"note": "Tried a restart."},
        api=True,
    ),
    Row("api:governance_incident_review_get", "get", AI + "/{resolved_incident}/review", MEMBERS, api=True),
    Row(
        "api:governance_incident_review_put",
        "put",
        AI + "/{resolved_incident}/review",
        WORKERS,
        data={"summary": "A full disk.", "lessons": "Alert on disk space."},
        api=True,
    ),
    Row(
        "api:governance_incident_review_put",
        "put",
        AI + "/{incident}/review",
        WORKERS,
        409,
        {"summary": "Too early.", "lessons": "None yet."},
        api=True,
    ),
    Row("api:governance_scorecard", "get", "/api/v1/orgs/acme/scorecard", MEMBERS, api=True),
    Row("api:governance_rating_list", "get", "/api/v1/orgs/acme/party-ratings", MEMBERS, api=True),
    # Only the business co-lead of the matrix's initiative has parties to rate.
    Row(
        "api:governance_party_rate",
        "post",
        "/api/v1/orgs/acme/party-ratings",
        {"business_lead"},
        201,
        {"party_id": "{vendor}", "score": 4},
        api=True,
    ),
]
MATRIX += SERVICE_API
NAMES = {row.name for row in MATRIX}
API_NAMES = {row.name for row in MATRIX if row.api}


def expected(row: Row, persona: str) -> int:
    if persona == "anonymous":
        return 401 if row.api else 302
    return row.ok if persona in row.allowed else 404


def _fill(value: Any, ids: dict[str, int]) -> Any:
    """Placeholders in a body: "{activity}" becomes that id (a number, as the API wants it)."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method}-{r.name}-{r.path.rsplit('/', 2)[-2]}")
def test_governance_permission_matrix(
    world: dict[str, int], client_for: Callable[[str], Client], row: Row
) -> None:
    """Every persona in turn against one world: each request runs in a savepoint rolled back after
    it (and the page cache is emptied), so each persona meets the world as it was built — the same
    as a fresh world per persona, built once per row instead of nine times."""
    path = row.path.format(**world)
    answers = {}
    for persona in PERSONAS:
        with transaction.atomic():
            client = client_for(persona)
            if row.api:
                data = _fill(row.data or {}, world)
                response = getattr(client, row.method)(path, data=data, content_type="application/json")
            else:
                data = {k.format(**world): str(_fill(v, world)) for k, v in (row.data or {}).items()}
                response = getattr(client, row.method)(path, data)
            answers[persona] = (response.status_code, response.content[:300])
            transaction.set_rollback(True)
        cache.clear()
    wrong = {p: a for p, a in answers.items() if a[0] != expected(row, p)}
    assert not wrong, (path, wrong)


def test_the_matrix_covers_every_governance_url() -> None:
    from tandem.config.api import api

    names = {n for n in all_url_names() if n.startswith("governance:")}
    governance_api = {
        f"api:{operation.operation_id or view.__name__}"
        for path_view in api._routers
        for _prefix, router in [path_view]
        if router.tags == ["governance"]
        for path_operation in router.path_operations.values()
        for operation in path_operation.operations
        for view in [operation.view_func]
    }
    assert names | governance_api == NAMES
    assert governance_api == API_NAMES
