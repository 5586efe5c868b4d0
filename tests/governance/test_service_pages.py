"""The pages of services: the list, the form, a service's page with its service levels, measures,
twelve months of measurements and compliance, the import of measurements from a spreadsheet, and
the escalation paths of services and initiatives."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from tandem.governance import selectors, services
from tandem.governance.models import (
    EscalationLevel,
    Measurement,
    Service,
    ServiceLevel,
    ServiceMetric,
)
from tandem.strategy.models import KeyResult
from tests.conftest import Personas
from tests.governance.conftest import Matrix, Parties

ClientFor = Callable[[str], Client]
S = "/o/acme/services/"


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def hosting(personas: Personas, parties: Parties) -> Service:
    """The partner's vendor's service, with an availability target, a level and a measure."""
    service = services.service_create(
        actor=personas.owner, party=parties.vendor, name="ERP hosting", availability_target="99.5"
    )
    services.service_level_set(
        actor=personas.owner, service=service, priority="p1", acknowledge_hours=1, resolve_hours="7.5"
    )
    services.metric_add(actor=personas.owner, service=service, name="Batch on time", target=98, unit="%")
    return service


def _metric(service: Service) -> ServiceMetric:
    return ServiceMetric.objects.for_org(service.organization).get(service=service)


def _measurements(service: Service) -> list[tuple[str, str, str]]:
    rows = Measurement.objects.for_org(service.organization).filter(service=service).select_related("metric")
    return sorted(
        (f"{m.period:%Y-%m}", m.metric.name if m.metric else "availability", f"{m.value:f}") for m in rows
    )


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


# --- The list -----------------------------------------------------------------------------------


def test_the_service_list_shows_each_service_with_its_party_target_levels_and_open_incidents(
    personas: Personas, parties: Parties, hosting: Service, client_for: ClientFor
) -> None:
    services.service_create(actor=personas.owner, party=parties.other_vendor, name="Claims integration")
    services.incident_raise(actor=personas.owner, title="Slow", priority="p2", service=hosting)
    page = text(client_for("viewer").get(S))
    assert "ERP hosting" in page
    assert "Cloudline" in page
    assert "99.5%" in page
    assert "Claims integration" in page
    assert '<span class="badge badge-warn">1</span>' in page
    assert 'aria-current="page">Services</a>' in page
    assert "Add a service" not in page  # a viewer manages nothing


def test_a_partner_lists_only_the_services_of_the_party_they_work_for(
    personas: Personas, parties: Parties, hosting: Service, client_for: ClientFor
) -> None:
    services.service_create(actor=personas.owner, party=parties.other_vendor, name="Claims integration")
    page = text(client_for("partner").get(S))
    assert "ERP hosting" in page
    assert "Claims integration" not in page


def test_an_empty_service_list_invites_a_lead_to_add_the_first_service(
    personas: Personas, client_for: ClientFor
) -> None:
    lead = text(client_for("it_lead").get(S))
    assert "No services yet." in lead
    assert f'href="{S}new/"' in lead
    member = text(client_for("member").get(S))
    assert "No services yet." in member
    assert f'href="{S}new/"' not in member


def test_the_service_list_is_paginated(
    personas: Personas, parties: Parties, client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "SERVICES_PER_PAGE", 2)
    for name in ("Alpha", "Bravo", "Charlie"):
        services.service_create(actor=personas.owner, party=parties.vendor, name=name)
    first = text(client_for("owner").get(S))
    assert "Alpha" in first
    assert "Charlie" not in first
    assert "Page 1 of 2" in first
    second = text(client_for("owner").get(S + "?page=2"))
    assert "Charlie" in second
    assert "Alpha" not in second


# --- The form -----------------------------------------------------------------------------------


def test_a_service_is_added_with_what_depends_on_it(
    personas: Personas, parties: Parties, matrix: Matrix, key_result: KeyResult, client_for: ClientFor
) -> None:
    response = client_for("business_lead").post(
        S + "new/",
        {
            "name": "Claims portal hosting",
            "party": parties.vendor.pk,
            "availability_target": "99,9",
            "initiatives": [matrix.initiative.pk],
            "key_results": [key_result.pk],
        },
    )
    assert response.status_code == 302
    service = Service.objects.for_org(personas.org).get(name="Claims portal hosting")
    assert response["Location"] == f"{S}{service.pk}/"
    assert str(service.availability_target) == "99.900"
    page = text(client_for("viewer").get(response["Location"]))
    assert "Self-service claims portal" in page
    assert "Net promoter score" in page


def test_a_bad_service_comes_back_with_its_errors_and_saves_nothing(
    personas: Personas, parties: Parties, hosting: Service, client_for: ClientFor
) -> None:
    client = client_for("owner")
    duplicate = client.post(S + "new/", {"name": "erp HOSTING", "party": parties.other_vendor.pk})
    assert duplicate.status_code == 422
    assert "There is already a service called “erp HOSTING”." in text(duplicate)
    too_high = client.post(
        S + "new/", {"name": "Payroll", "party": parties.other_vendor.pk, "availability_target": "101"}
    )
    assert too_high.status_code == 422
    assert "Enter a number from 0 to 100." in text(too_high)
    no_party = client.post(S + "new/", {"name": "Payroll"})
    assert no_party.status_code == 422
    assert Service.objects.for_org(personas.org).count() == 1


def test_editing_a_service_shows_its_values_and_saves_the_changes(
    personas: Personas, parties: Parties, hosting: Service, client_for: ClientFor
) -> None:
    client = client_for("admin")
    form = text(client.get(f"{S}{hosting.pk}/edit/"))
    assert 'value="ERP hosting"' in form
    assert 'value="99.5"' in form  # as typed, not 99.500
    response = client.post(
        f"{S}{hosting.pk}/edit/",
        {"name": "ERP hosting (EU)", "party": parties.vendor.pk, "availability_target": "99.5"},
    )
    assert response.status_code == 302
    hosting.refresh_from_db()
    assert hosting.name == "ERP hosting (EU)"
    assert hosting.is_active is False  # the box was not ticked


def test_a_service_whose_party_went_inactive_can_still_be_renamed(
    personas: Personas, parties: Parties, hosting: Service, client_for: ClientFor
) -> None:
    services.party_update(actor=personas.owner, party=parties.vendor, is_active=False)
    response = client_for("owner").post(
        f"{S}{hosting.pk}/edit/",
        {
            "name": "Old ERP hosting",
            "party": parties.vendor.pk,
            "availability_target": "99.5",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    hosting.refresh_from_db()
    assert hosting.name == "Old ERP hosting"
    moved = client_for("owner").post(
        f"{S}{hosting.pk}/edit/", {"name": "Old ERP hosting", "party": parties.it_team.pk, "is_active": "on"}
    )
    assert moved.status_code == 302
    back = client_for("owner").post(
        f"{S}{hosting.pk}/edit/", {"name": "Old ERP hosting", "party": parties.vendor.pk, "is_active": "on"}
    )
    assert back.status_code == 422  # an inactive party takes on no service
    hosting.refresh_from_db()
    assert hosting.party_id == parties.it_team.pk


# --- The service's page -------------------------------------------------------------------------


def test_the_service_page_shows_levels_measures_months_path_and_incidents(
    personas: Personas, hosting: Service, client_for: ClientFor
) -> None:
    owner = personas.owner
    services.measurement_record(actor=owner, service=hosting, period="2026-03", value="99.95")
    services.measurement_record(
        actor=owner, service=hosting, metric=_metric(hosting), period="2026-03", value=97, note="Upgrade"
    )
    services.escalation_level_add(actor=owner, service=hosting, membership=personas.it_lead, respond_hours=4)
    incident = services.incident_raise(actor=owner, title="ERP slow", priority="p1", service=hosting)
    page = text(client_for("member").get(f"{S}{hosting.pk}/"))
    assert "P1 critical" in page
    assert "7.5" in page  # resolve within 7.5 working hours
    assert "Batch on time" in page
    assert "99.95" in page
    assert "Upgrade" in page
    assert "1/2 (50%)" in page  # availability met, the batch missed
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page  # the compliance trend
    assert personas.it_lead.user.display_name in page
    assert "responds within 4 working hours" in page
    assert f'href="/o/acme/incidents/{incident.pk}/"' in page
    assert "Set a service level" not in page  # a member reads only
    assert "Record a measurement" not in page
    assert "Add a level" not in page


def test_a_lead_sees_the_controls_on_the_service_page(hosting: Service, client_for: ClientFor) -> None:
    page = text(client_for("it_lead").get(f"{S}{hosting.pk}/"))
    for control in ("Set a service level", "Add a measure", "Record a measurement", "Add a level"):
        assert control in page
    assert f'href="{S}{hosting.pk}/measurements/import/"' in page
    assert 'type="month"' in page
    assert '<label for="id_acknowledge_hours">' in page


def test_a_partner_reads_their_own_service_without_controls(
    personas: Personas, parties: Parties, hosting: Service, client_for: ClientFor
) -> None:
    other = services.service_create(actor=personas.owner, party=parties.other_vendor, name="Claims")
    client = client_for("partner")
    page = text(client.get(f"{S}{hosting.pk}/"))
    assert "ERP hosting" in page
    assert "Set a service level" not in page
    assert client.get(f"{S}{other.pk}/").status_code == 404


def test_an_empty_service_page_says_what_is_missing(
    personas: Personas, parties: Parties, client_for: ClientFor
) -> None:
    bare = services.service_create(actor=personas.owner, party=parties.vendor, name="Bare")
    page = text(client_for("viewer").get(f"{S}{bare.pk}/"))
    assert "No service levels agreed yet" in page
    assert "No measures besides availability yet" in page
    assert "Nothing to check yet in these twelve months" in page
    assert "No escalation path yet" in page
    assert "No incidents with this service." in page
    assert "No initiative or key result is linked to this service yet" in page


def test_reading_the_service_pages_writes_nothing(
    personas: Personas, matrix: Matrix, hosting: Service, client_for: ClientFor
) -> None:
    client = client_for("owner")
    client.get(S)  # the session settles
    pages = [
        S,
        f"{S}new/",
        f"{S}{hosting.pk}/",
        f"{S}{hosting.pk}/edit/",
        f"{S}{hosting.pk}/measurements/import/",
        f"/o/acme/initiatives/{matrix.initiative.pk}/escalation/",
    ]
    for path in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if re.match(r"^\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I) and "django_session" not in q["sql"]
        ]
        assert not writes, (path, writes)


# --- Service levels and measures ----------------------------------------------------------------


def test_a_service_level_is_set_and_a_bad_one_comes_back_with_a_422(
    personas: Personas, hosting: Service, client_for: ClientFor
) -> None:
    client = client_for("owner")
    url = f"{S}{hosting.pk}/levels/"
    bad = client.post(url, {"priority": "p2", "acknowledge_hours": "8", "resolve_hours": "4"})
    assert bad.status_code == 422
    assert "Resolving cannot be agreed faster than acknowledging." in text(bad)
    assert '<details class="card" open>' in text(bad)
    assert not ServiceLevel.objects.for_org(personas.org).filter(service=hosting, priority="p2").exists()
    done = client.post(url, {"priority": "p2", "acknowledge_hours": "2", "resolve_hours": "16"})
    assert done.status_code == 302
    assert done["Location"] == f"{S}{hosting.pk}/#levels"
    assert ServiceLevel.objects.for_org(personas.org).get(service=hosting, priority="p2").resolve_hours == 16


def test_a_level_is_removed_only_through_its_own_service(
    personas: Personas, parties: Parties, hosting: Service, client_for: ClientFor
) -> None:
    other = services.service_create(actor=personas.owner, party=parties.other_vendor, name="Claims")
    level = ServiceLevel.objects.for_org(personas.org).get(service=hosting)
    client = client_for("owner")
    assert client.post(f"{S}{other.pk}/levels/{level.pk}/remove/").status_code == 404
    assert ServiceLevel.objects.for_org(personas.org).filter(pk=level.pk).exists()
    assert client.post(f"{S}{hosting.pk}/levels/{level.pk}/remove/").status_code == 302
    assert not ServiceLevel.objects.for_org(personas.org).filter(pk=level.pk).exists()


def test_a_measure_is_added_and_a_bad_target_comes_back_with_a_422(
    personas: Personas, hosting: Service, client_for: ClientFor
) -> None:
    client = client_for("owner")
    url = f"{S}{hosting.pk}/metrics/"
    bad = client.post(url, {"name": "Tickets reopened", "target": "a few", "higher_is_better": "lower"})
    assert bad.status_code == 422
    assert "Enter a number such as 4 or 99.9." in text(bad)
    assert ServiceMetric.objects.for_org(personas.org).filter(service=hosting).count() == 1
    assert (
        client.post(url, {"name": "Tickets reopened", "target": "5", "higher_is_better": "lower"}).status_code
        == 302
    )
    added = ServiceMetric.objects.for_org(personas.org).get(service=hosting, name="Tickets reopened")
    assert added.higher_is_better is False
    assert "at most 5" in text(client.get(f"{S}{hosting.pk}/"))


# --- Measurements -------------------------------------------------------------------------------


def test_a_measurement_is_recorded_and_a_future_month_is_refused(
    personas: Personas, hosting: Service, client_for: ClientFor
) -> None:
    client = client_for("owner")
    url = f"{S}{hosting.pk}/measurements/"
    bad = client.post(url, {"period": "2099-01", "value": "99.9"})
    assert bad.status_code == 422
    assert _measurements(hosting) == []
    done = client.post(url, {"period": "2026-04", "metric": _metric(hosting).pk, "value": "98,5"})
    assert done.status_code == 302
    assert _measurements(hosting) == [("2026-04", "Batch on time", "98.500")]
    measurement = Measurement.objects.for_org(personas.org).get(service=hosting)
    assert client.post(f"{url}{measurement.pk}/remove/").status_code == 302
    assert _measurements(hosting) == []


def test_measurements_are_imported_from_a_csv_file(
    personas: Personas, hosting: Service, client_for: ClientFor
) -> None:
    content = (
        b"Month;Measure;Value;Note\n"
        b"2026-05;availability;99.7;\n"
        b"2026-05;batch on time;96;Late runs\n"
        b"2026-06;;99,9;\n"
    )
    client = client_for("owner")
    response = client.post(f"{S}{hosting.pk}/measurements/import/", {"file": _upload("m.csv", content)})
    assert response.status_code == 302
    assert response["Location"] == f"{S}{hosting.pk}/#measurements"
    assert _measurements(hosting) == [
        ("2026-05", "Batch on time", "96.000"),
        ("2026-05", "availability", "99.700"),
        ("2026-06", "availability", "99.900"),
    ]
    page = text(client.get(response["Location"]))
    assert "3 measurements imported." in page


def test_an_import_with_a_bad_row_saves_nothing_and_names_the_row(
    personas: Personas, hosting: Service, client_for: ClientFor
) -> None:
    content = b"month,measure,value\n2026-05,availability,99.7\n2026-05,tickets,3\n"
    response = client_for("owner").post(
        f"{S}{hosting.pk}/measurements/import/", {"file": _upload("m.csv", content)}
    )
    assert response.status_code == 422
    assert "Row 3: This service has no measure of that name." in text(response)
    assert _measurements(hosting) == []


def test_an_import_without_the_columns_or_a_readable_file_is_refused(
    hosting: Service, client_for: ClientFor
) -> None:
    client = client_for("owner")
    url = f"{S}{hosting.pk}/measurements/import/"
    headless = client.post(url, {"file": _upload("m.csv", b"when,how much\n2026-05,99\n")})
    assert headless.status_code == 422
    assert "The first row must name the columns" in text(headless)
    old_excel = client.post(url, {"file": _upload("m.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 64)})
    assert old_excel.status_code == 422
    assert "Old Excel (.xls) files are not supported" in text(old_excel)
    assert _measurements(hosting) == []


def test_measurements_are_imported_from_an_xlsx_workbook(
    personas: Personas, hosting: Service, client_for: ClientFor
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Month", "Measure", "Value", "Note"])
    sheet.append(["2026-07", "Batch on time", 99, "Good month"])
    sheet.append([date(2026, 8, 1), None, 99.75])  # a real Excel date; no measure is availability
    buffer = io.BytesIO()
    book.save(buffer)
    response = client_for("owner").post(
        f"{S}{hosting.pk}/measurements/import/", {"file": _upload("m.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 302
    assert _measurements(hosting) == [
        ("2026-07", "Batch on time", "99.000"),
        ("2026-08", "availability", "99.750"),
    ]


# --- Escalation paths ---------------------------------------------------------------------------


def test_a_service_escalation_path_is_built_ordered_and_trimmed(
    personas: Personas, parties: Parties, hosting: Service, client_for: ClientFor
) -> None:
    client = client_for("owner")
    url = f"{S}{hosting.pk}/escalation/"
    nobody = client.post(url, {"channel": "email", "respond_hours": "4"})
    assert nobody.status_code == 422
    assert "Choose a party or a person." in text(nobody)
    assert (
        client.post(url, {"party": parties.vendor.pk, "channel": "phone", "respond_hours": "2"}).status_code
        == 302
    )
    assert (
        client.post(
            url, {"membership": personas.it_lead.pk, "channel": "chat", "respond_hours": "4"}
        ).status_code
        == 302
    )
    levels = list(EscalationLevel.objects.for_org(personas.org).filter(path__service=hosting))
    assert [lvl.party_id for lvl in levels] == [parties.vendor.pk, None]
    assert client.post(f"{url}{levels[1].pk}/", {"do": "up"}).status_code == 302
    order = EscalationLevel.objects.for_org(personas.org).filter(path__service=hosting)
    assert [lvl.pk for lvl in order] == [levels[1].pk, levels[0].pk]
    assert client.post(f"{url}{levels[0].pk}/", {"do": "sideways"}).status_code == 400
    assert client.post(f"{url}{levels[0].pk}/", {"do": "remove"}).status_code == 302
    assert [lvl.pk for lvl in order.all()] == [levels[1].pk]


def test_an_initiative_escalation_path_is_read_inside_and_changed_by_its_editors(
    personas: Personas, parties: Parties, matrix: Matrix, client_for: ClientFor
) -> None:
    url = f"/o/acme/initiatives/{matrix.initiative.pk}/escalation/"
    lead = client_for("business_lead")
    refused = lead.post(url, {"party": parties.vendor.pk, "channel": "email", "respond_hours": "0"})
    assert refused.status_code == 422
    assert "Enter a number from 0.25 to 2000." in text(refused)
    added = lead.post(url, {"party": parties.vendor.pk, "channel": "email", "respond_hours": "8"})
    assert added.status_code == 302
    page = text(client_for("member").get(url))
    assert "Cloudline" in page
    assert "responds within 8 working hours" in page
    assert "Add a level" not in page  # the member does not edit this initiative
    assert "Add a level" in text(lead.get(url))
    level = EscalationLevel.objects.for_org(personas.org).get(path__initiative=matrix.initiative)
    assert client_for("member").post(f"{url}{level.pk}/", {"do": "remove"}).status_code == 404
    assert lead.post(f"{url}{level.pk}/", {"do": "remove"}).status_code == 302
    assert not EscalationLevel.objects.for_org(personas.org).filter(pk=level.pk).exists()


def test_the_initiative_page_leads_to_its_escalation_path(matrix: Matrix, client_for: ClientFor) -> None:
    page = text(client_for("member").get(f"/o/acme/initiatives/{matrix.initiative.pk}/"))
    assert f'href="/o/acme/initiatives/{matrix.initiative.pk}/escalation/"' in page


def test_a_ninth_escalation_level_is_refused_on_the_form_with_a_409(
    personas: Personas, parties: Parties, hosting: Service, client_for: ClientFor
) -> None:
    for hours in range(1, 9):
        services.escalation_level_add(
            actor=personas.owner, service=hosting, party=parties.vendor, respond_hours=hours
        )
    response = client_for("owner").post(
        f"{S}{hosting.pk}/escalation/",
        {"party": parties.other_vendor.pk, "channel": "email", "respond_hours": "9"},
    )
    assert response.status_code == 409
    assert "An escalation path has at most 8 levels." in text(response)
    assert EscalationLevel.objects.for_org(personas.org).filter(path__service=hosting).count() == 8
