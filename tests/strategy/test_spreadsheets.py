"""Spreadsheet import (dry run, then all or nothing) and the portfolio export."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tandem.core.models import AuditEvent, Department
from tandem.strategy import selectors, services, spreadsheets
from tandem.strategy.models import Initiative, KeyResult, Objective, ObjectiveStatus, Stage
from tandem.strategy.spreadsheets import ImportReport, SpreadsheetError
from tests.conftest import Personas

# openpyxl reads Excel dates as naive datetimes.
EXCEL_DATE = datetime(2026, 5, 4)  # noqa: DTZ001
EXCEL_END_OF_Q1 = datetime(2027, 3, 31)  # noqa: DTZ001
HEADERS = ["Title*", "Business co-lead (e-mail)", "IT co-lead (e-mail)", "Target date", "Key results"]


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dry_run(personas: Personas, content: bytes, kind: str = "initiatives") -> ImportReport:
    return spreadsheets.spreadsheet_import(
        actor=personas.business_lead, kind=kind, content=content, commit=False
    )


def problems(report: ImportReport) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in report.errors}


def upload(client: Client, content: bytes, kind: str = "initiatives", name: str = "plan.csv") -> Any:
    return client.post("/o/acme/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


# --- Dry run and row errors -------------------------------------------------------------------


def test_a_dry_run_saves_nothing_and_names_each_bad_row_and_column(
    personas: Personas, key_result: KeyResult
) -> None:
    content = csv_bytes(
        [
            HEADERS,
            ["Claims portal", "bizlead@acme.test", "ITLEAD@acme.test", "2026-12-31", "Net promoter score"],
            [],
            ["Bad e-mail", "not-an-address", "", "", ""],
            ["Wrong side", "itlead@acme.test", "", "", ""],
            ["Unknown key result", "", "", "", "Churn rate"],
            ["Bad date", "", "", "31-02-2026", ""],
            ["", "bizlead@acme.test", "", "", ""],
            ["Stranger", "nobody@acme.test", "", "", ""],
        ]
    )
    before = (Initiative.objects.for_org(personas.org).count(), AuditEvent.objects.unscoped().count())
    report = dry_run(personas, content)
    assert problems(report) == {
        (4, "Business co-lead (e-mail)"),
        (5, "Business co-lead (e-mail)"),
        (6, "Key results"),
        (7, "Target date"),
        (8, "Title*"),
        (9, "Business co-lead (e-mail)"),
    }
    assert [row.action for row in report.rows][:1] == ["create"]
    assert not report.rows[0].errors
    assert report.skipped == 1
    assert "on the IT side" in report.rows[2].errors[0].message
    assert before == (Initiative.objects.for_org(personas.org).count(), AuditEvent.objects.unscoped().count())


def test_a_title_shared_by_two_existing_initiatives_is_ambiguous(personas: Personas) -> None:
    for _ in range(2):
        services.initiative_create(actor=personas.owner, title="Data platform")
    report = dry_run(personas, csv_bytes([["Title"], ["data platform"]]))
    assert problems(report) == {(2, "Title")}
    assert "2 initiatives are already called" in report.errors[0].message


def test_the_same_title_twice_in_the_file_is_an_error_on_the_second_row(personas: Personas) -> None:
    report = dry_run(personas, csv_bytes([["Title"], ["Portal"], ["PORTAL"]]))
    assert problems(report) == {(3, "Title")}
    assert "row 2" in report.errors[0].message


def test_a_key_result_metric_shared_by_two_objectives_needs_its_objective(
    personas: Personas, objective: Objective, key_result: KeyResult
) -> None:
    other = services.objective_create(
        actor=personas.owner,
        title="Grow online sales",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 3, 31),
    )
    services.key_result_create(
        actor=personas.owner, objective=other, metric="Net promoter score", baseline=1, target=2
    )
    report = dry_run(
        personas,
        csv_bytes(
            [["Title", "Key results"], ["A", "net promoter score"], ["B", "Win back customer trust / NPS; "]]
        ),
    )
    assert problems(report) == {(2, "Key results"), (3, "Key results")}
    assert "Objective title / metric" in report.rows[0].errors[0].message
    report = dry_run(
        personas, csv_bytes([["Title", "Key results"], ["A", "Win back customer trust / Net promoter score"]])
    )
    assert report.errors == []


def test_a_siloed_objective_may_not_be_imported_as_active(personas: Personas) -> None:
    content = csv_bytes(
        [
            ["Title", "Period", "Business owner", "IT owner", "Status"],
            ["Shared", "Q1 2027", "bizlead@acme.test", "itlead@acme.test", "Active"],
            ["Siloed", "Q1 2027", "bizlead@acme.test", "", "active"],
            ["Draft silo", "2027 Q2", "", "itlead@acme.test", ""],
            ["No period", "", "", "", ""],
            ["Odd status", "Q1 2027", "", "", "ongoing"],
        ]
    )
    report = dry_run(personas, content, kind="objectives")
    assert problems(report) == {(3, "Status"), (5, "Period"), (6, "Status")}
    assert "siloed" in report.rows[1].errors[0].message
    assert Objective.objects.for_org(personas.org).count() == 0


def test_a_file_without_a_title_column_is_refused_as_a_whole(personas: Personas) -> None:
    with pytest.raises(SpreadsheetError, match="no Title column"):
        dry_run(personas, csv_bytes([["Name", "Budget"], ["Portal", "1"]]))


def test_unknown_columns_are_listed_as_a_warning(personas: Personas) -> None:
    report = dry_run(personas, csv_bytes([["Title", "Colour", "Stage"], ["Portal", "blue", "idea"]]))
    assert report.errors == []
    assert report.warnings == ["These columns are not imported and were ignored: Colour, Stage."]


def test_headers_match_whatever_their_case_and_decoration(personas: Personas) -> None:
    report = dry_run(
        personas,
        csv_bytes(
            [
                ["TITLE", "it co-lead", "Business Co-Lead E-mail"],
                ["P", "itlead@acme.test", "bizlead@acme.test"],
            ]
        ),
    )
    assert report.errors == []
    assert report.warnings == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("31-12-2026", date(2026, 12, 31)),
        ("1/2/2027", date(2027, 2, 1)),
        (EXCEL_DATE, date(2026, 5, 4)),
    ],
)
def test_dates_are_read_in_iso_day_first_and_excel_forms(text: Any, expected: date) -> None:
    assert spreadsheets.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,250,000.50", "1250000.50"),
        ("1.250.000,50", "1250000.50"),
        ("1 250", "1250"),
        ("12,5", "12.5"),
        (7, "7"),
    ],
)
def test_numbers_are_read_with_either_decimal_mark(text: Any, expected: str) -> None:
    assert spreadsheets.parse_number(text) == Decimal(expected)


# --- Commit: all or nothing -------------------------------------------------------------------


def full_initiative_file(personas: Personas) -> bytes:
    headers = [c.header for c in spreadsheets.INITIATIVE_COLUMNS]
    values = {
        "title": "Self-service claims",
        "summary": "Customers file claims online.",
        "business_outcome": "Claims settled in a day.",
        "business_co_lead": "bizlead@acme.test",
        "it_co_lead": "itlead@acme.test",
        "sponsor": "owner@acme.test",
        "budget_amount": "250,000",
        "budget_currency": "eur",
        "start_date": "01-10-2026",
        "target_date": "2027-03-31",
        "departments": "sales, it",
        "end_user_input_who": "12 customers",
        "end_user_input_when": "2026-09-12",
        "end_user_input_summary": "They want photo uploads.",
        "measure_name": "Claims settled within a day",
        "measure_baseline": "5",
        "measure_target": "60",
        "measure_unit": "%",
        "measure_by_date": "2027-06-30",
        "key_results": "Net promoter score",
    }
    return csv_bytes([headers, [values.get(c.key, "") for c in spreadsheets.INITIATIVE_COLUMNS]])


def test_a_commit_creates_every_row_through_the_services(personas: Personas, key_result: KeyResult) -> None:
    report = spreadsheets.spreadsheet_import(
        actor=personas.owner, kind="initiatives", content=full_initiative_file(personas), commit=True
    )
    assert report.committed
    assert report.errors == []
    initiative = Initiative.objects.for_org(personas.org).get(title="Self-service claims")
    assert initiative.stage == Stage.IDEA
    assert initiative.it_involved_stage == Stage.IDEA
    assert initiative.budget_amount == Decimal("250000.00")
    assert initiative.budget_currency == "EUR"
    assert initiative.start_date == date(2026, 10, 1)
    assert sorted(d.name for d in initiative.departments.all()) == ["IT", "Sales"]
    assert initiative.success_measures.get().target == 60
    assert initiative.key_result_links.get().key_result == key_result
    assert selectors.approval_missing(initiative) == []
    actions = set(AuditEvent.objects.for_org(personas.org).values_list("action", flat=True))
    assert {
        "initiative.created",
        "initiative.measure_added",
        "initiative.linked",
        "strategy.imported",
    } <= actions


def test_a_commit_with_one_bad_row_saves_nothing(personas: Personas) -> None:
    content = csv_bytes(
        [["Title", "IT co-lead"], ["Good one", "itlead@acme.test"], ["Bad one", "bizlead@acme.test"]]
    )
    report = spreadsheets.spreadsheet_import(
        actor=personas.owner, kind="initiatives", content=content, commit=True
    )
    assert not report.committed
    assert problems(report) == {(3, "IT co-lead")}
    assert Initiative.objects.for_org(personas.org).count() == 0


def test_a_row_with_an_existing_title_updates_it_and_blank_cells_keep_values(
    personas: Personas, ready_initiative: Initiative
) -> None:
    content = csv_bytes(
        [["Title", "Summary", "Business co-lead"], ["self-service claims portal", "Now with photos", ""]]
    )
    report = spreadsheets.spreadsheet_import(
        actor=personas.owner, kind="initiatives", content=content, commit=True
    )
    assert report.committed
    assert report.updated == 1
    assert report.created == 0
    ready_initiative.refresh_from_db()
    assert ready_initiative.title == "Self-service claims portal"
    assert ready_initiative.summary == "Now with photos"
    assert ready_initiative.business_co_lead == personas.business_lead
    assert AuditEvent.objects.for_org(personas.org).filter(action="initiative.updated").exists()


def test_objectives_are_imported_with_quarters_and_explicit_dates(personas: Personas) -> None:
    content = csv_bytes(
        [
            ["Title", "Period start", "Period end", "Period", "Business owner", "IT owner", "Status"],
            ["Faster claims", "", "", "Q1 2027", "bizlead@acme.test", "itlead@acme.test", "active"],
            ["Cheaper IT", "2027-01-01", "30-06-2027", "", "", "itlead@acme.test", ""],
        ]
    )
    report = spreadsheets.spreadsheet_import(
        actor=personas.owner, kind="objectives", content=content, commit=True
    )
    assert report.committed
    shared = Objective.objects.for_org(personas.org).get(title="Faster claims")
    assert (shared.period_start, shared.period_end, shared.status) == (
        date(2027, 1, 1),
        date(2027, 3, 31),
        ObjectiveStatus.ACTIVE,
    )
    assert Objective.objects.for_org(personas.org).get(title="Cheaper IT").period_end == date(2027, 6, 30)


# --- Formats ----------------------------------------------------------------------------------


def test_a_utf8_file_with_a_bom_and_a_windows_1252_file_both_read(personas: Personas) -> None:
    rows = [["Title", "Summary"], ["Café portal", "Budget in €"]]
    for content in (csv_bytes(rows, "utf-8-sig"), csv_bytes(rows, "cp1252")):
        report = dry_run(personas, content)
        assert report.errors == []
        assert report.rows[0].cells == ["Café portal", "Budget in €"]


def test_a_semicolon_separated_csv_reads(personas: Personas) -> None:
    report = dry_run(personas, b"Title;Summary\r\nPortal;Online claims\r\n")
    assert report.rows[0].cells == ["Portal", "Online claims"]


def test_xlsx_rows_keep_the_sheet_row_numbers_and_real_dates(personas: Personas) -> None:
    content = xlsx_bytes([["Title", "Target date"], ["A", date(2026, 12, 31)], [], ["B", "not a date"]])
    report = dry_run(personas, content)
    assert problems(report) == {(4, "Target date")}
    assert report.rows[0].cells == ["A", "2026-12-31"]


def test_the_portfolio_exported_as_xlsx_imports_back(
    personas: Personas, ready_initiative: Initiative, client_for: Callable[[str], Client]
) -> None:
    services.initiative_update(
        actor=personas.owner,
        initiative=ready_initiative,
        target_date=date(2027, 3, 31),
        budget_amount=Decimal("125000"),
        sponsor=personas.owner,
        departments=list(Department.objects.for_org(personas.org)),
    )
    exported = client_for("viewer").get("/o/acme/portfolio/export.xlsx").content
    again = dry_run(personas, exported)
    assert again.errors == []
    assert [row.action for row in again.rows] == ["update"]
    book = openpyxl.load_workbook(io.BytesIO(exported))
    assert book.active["F2"].value == EXCEL_END_OF_Q1
    book.active["A2"] = "Claims portal, phase 2"
    out = io.BytesIO()
    book.save(out)
    report = spreadsheets.spreadsheet_import(
        actor=personas.owner, kind="initiatives", content=out.getvalue(), commit=True
    )
    assert report.committed
    assert report.created == 1
    copy = Initiative.objects.for_org(personas.org).get(title="Claims portal, phase 2")
    assert (copy.business_co_lead, copy.it_co_lead, copy.sponsor) == (
        personas.business_lead,
        personas.it_lead,
        personas.owner,
    )
    assert (copy.target_date, copy.budget_amount, copy.departments.count()) == (
        date(2027, 3, 31),
        Decimal("125000.00"),
        2,
    )


def test_a_dutch_export_imports_back_under_an_english_interface(
    personas: Personas, ready_initiative: Initiative, client_for: Callable[[str], Client]
) -> None:
    services.initiative_update(
        actor=personas.owner, initiative=ready_initiative, target_date=date(2027, 3, 31)
    )
    exported = client_for("viewer").get("/o/acme/portfolio/export.xlsx", HTTP_ACCEPT_LANGUAGE="nl").content
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    assert [cell.value for cell in sheet[1]][:3] == ["Titel", "Fase", "Co-lead business (e-mailadres)"]
    with translation.override("nl"):
        assert sheet["B2"].value == str(Stage(ready_initiative.stage).label) != Stage(ready_initiative.stage)
    again = dry_run(personas, exported)  # the tests' interface is English
    assert again.errors == []
    assert [row.action for row in again.rows] == ["update"]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_template_in_either_language_imports_under_the_other(personas: Personas, language: str) -> None:
    with translation.override(language):
        headers = next(
            csv.reader(io.StringIO(spreadsheets.import_template("initiatives").decode("utf-8-sig")))
        )
    assert (headers[0] == "Titel*") is (language == "nl")
    other = "en" if language == "nl" else "nl"
    row = {0: "Klantportaal", 4: personas.business_lead.user.email, 10: "31-12-2027"}
    with translation.override(other):
        report = dry_run(personas, csv_bytes([headers, [row.get(i, "") for i in range(len(headers))]]))
    assert report.errors == []
    assert report.warnings == []
    assert [row.action for row in report.rows] == ["create"]


def test_no_header_means_two_columns_in_any_pair_of_languages() -> None:
    for columns in spreadsheets.COLUMNS.values():
        keys = {c.key for c in columns}
        known = spreadsheets.known_headers(columns)
        assert set(known.values()) == keys
        for language in ("en", "nl"):
            with translation.override(language):
                assert len({spreadsheets.normalise_header(str(c.header)) for c in columns}) == len(columns)
                assert all(known[spreadsheets.normalise_header(str(c.header))] == c.key for c in columns)


def test_objectives_read_statuses_and_quarters_written_in_dutch(personas: Personas) -> None:
    business, it = personas.business_lead.user.email, personas.it_lead.user.email
    rows = [
        ["Titel", "Periode", "Status", "Eigenaar business (e-mailadres)", "Eigenaar IT"],
        ["Klanten terugwinnen", "K2 2027", "Concept", "", ""],
        ["Sneller", "Q3 2027", "actief", business, it],
    ]
    report = spreadsheets.spreadsheet_import(
        actor=personas.owner, kind="objectives", content=csv_bytes(rows), commit=True
    )
    assert report.committed, report.errors
    saved = Objective.objects.for_org(personas.org).order_by("title")
    assert [(o.title, o.period_start, o.status) for o in saved] == [
        ("Klanten terugwinnen", date(2027, 4, 1), ObjectiveStatus.DRAFT),
        ("Sneller", date(2027, 7, 1), ObjectiveStatus.ACTIVE),
    ]
    with translation.override("nl"):
        report = dry_run(
            personas, csv_bytes([["Titel", "Periode", "Status"], ["X", "K1 2027", "lopend"]]), "objectives"
        )
    assert "gebruik een van deze: concept, actief, behaald, gemist, geannuleerd" in report.errors[0].message


def test_import_messages_in_dutch_name_what_the_file_holds(personas: Personas) -> None:
    for _ in range(2):
        services.objective_create(
            actor=personas.owner,
            title="Klanten terugwinnen",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 3, 31),
        )
    with translation.override("nl"):
        report = dry_run(
            personas, csv_bytes([["Titel", "Periode"], ["klanten terugwinnen", "Q1 2027"]]), kind="objectives"
        )
    assert [error.column for error in report.errors] == ["Titel"]
    assert "Er zijn al 2 doelstellingen met de naam" in report.errors[0].message


def test_exported_cells_that_would_run_as_formulas_are_escaped_and_read_back(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    services.initiative_create(actor=personas.owner, title='=HYPERLINK("http://evil.test","x")')
    services.initiative_create(actor=personas.owner, title="@SUM(A1)", summary="")
    response = client_for("member").get("/o/acme/portfolio/export.csv?sort=title")
    body = response.content.decode("utf-8-sig")
    titles = [row[0] for row in csv.reader(io.StringIO(body))][1:]
    assert titles == ['\'=HYPERLINK("http://evil.test","x")', "'@SUM(A1)"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(client_for("member").get("/o/acme/portfolio/export.xlsx").content)
    ).active
    assert {sheet["A2"].data_type, sheet["A3"].data_type} == {"s"}
    assert dry_run(personas, body.encode()).rows[0].title == '=HYPERLINK("http://evil.test","x")'


def test_the_export_honours_the_portfolio_filters_and_names_the_file(
    personas: Personas, ready_initiative: Initiative, client_for: Callable[[str], Client]
) -> None:
    services.initiative_create(actor=personas.owner, title="Still an idea")
    response = client_for("business_lead").get("/o/acme/portfolio/export.csv?stage=proposed&missing=bogus")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="acme-portfolio-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Self-service claims portal"]
    assert rows[1][9:15] == ["yes", "yes", "yes", "yes", "yes", "yes"]
    assert rows[1][15] == ""
    idea = (
        client_for("business_lead").get("/o/acme/portfolio/export.csv?stage=idea").content.decode("utf-8-sig")
    )
    assert "business outcome; success measure with a target" in idea


def test_the_export_runs_the_same_number_of_queries_whatever_the_number_of_initiatives(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("owner")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/o/acme/portfolio/export.xlsx").status_code == 200
        return len(captured)

    queries()  # the first request of a session also writes the session
    services.initiative_create(actor=personas.owner, title="One", departments=[])
    few = queries()
    for n in range(5):
        services.initiative_create(
            actor=personas.owner, title=f"More {n}", sponsor=personas.owner, it_co_lead=personas.it_lead
        )
    assert queries() == few


def test_filters_from_query_keeps_only_valid_values() -> None:
    query = QueryDict("stage=approved&department=12&sponsor_side=partner&missing=shared&q=+portal+&sort=drop")
    filters = spreadsheets.filters_from_query(query)
    assert (filters.stage, filters.department, filters.sponsor_side) == ("approved", 12, "")
    assert (filters.missing, filters.q, filters.sort) == ("shared", "portal", "updated")
    assert spreadsheets.filters_from_query(QueryDict("department=١٢&stage=nope")).department is None
    # The export follows the page's objective filter; 0 means "serving no objective".
    assert spreadsheets.filters_from_query(QueryDict("objective=7")).objective == 7
    assert spreadsheets.filters_from_query(QueryDict("objective=0")).objective == 0
    assert spreadsheets.filters_from_query(QueryDict("objective=x")).objective is None


# --- The pages: upload, preview, commit -------------------------------------------------------


def test_a_lead_previews_then_commits_an_import(
    personas: Personas, client_for: Callable[[str], Client], key_result: KeyResult
) -> None:
    client = client_for("it_lead")
    response = upload(client, full_initiative_file(personas))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Import 1 row" in body
    assert "Self-service claims" in body
    assert Initiative.objects.for_org(personas.org).count() == 0
    response = client.post("/o/acme/import/", {"step": "commit", "digest": response.context["digest"]})
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/portfolio/"
    assert Initiative.objects.for_org(personas.org).filter(title="Self-service claims").exists()
    assert "tandem_import" not in client.session


def test_the_preview_lists_row_errors_and_offers_no_import_button(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = upload(client_for("owner"), csv_bytes([["Title", "Sponsor"], ["A", "ghost@acme.test"]]))
    body = response.content.decode()
    assert "No active member of this organisation has the e-mail ghost@acme.test." in body
    assert "Import 1 row" not in body


def test_a_row_that_fails_at_commit_time_saves_nothing_and_shows_why(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("business_lead")
    content = csv_bytes([["Title", "IT co-lead"], ["First", ""], ["Second", "itlead@acme.test"]])
    digest = upload(client, content).context["digest"]
    personas.it_lead.is_active = False
    personas.it_lead.save()
    response = client.post("/o/acme/import/", {"step": "commit", "digest": digest})
    assert response.status_code == 422
    assert (
        "No active member of this organisation has the e-mail itlead@acme.test." in response.content.decode()
    )
    assert Initiative.objects.for_org(personas.org).count() == 0


def test_a_commit_without_a_matching_preview_is_refused(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("owner")
    upload(client, csv_bytes([["Title"], ["A"]]))
    response = client.post("/o/acme/import/", {"step": "commit", "digest": "0" * 64}, follow=True)
    assert "no longer available" in response.content.decode()
    assert Initiative.objects.for_org(personas.org).count() == 0


def test_objectives_commit_leads_to_the_objectives_page(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("owner")
    preview = upload(
        client, csv_bytes([["Title", "Period"], ["Faster claims", "Q3 2027"]]), kind="objectives"
    )
    response = client.post("/o/acme/import/", {"step": "commit", "digest": preview.context["digest"]})
    assert response["Location"] == "/o/acme/objectives/"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"x" * (2 * 1024 * 1024 + 1), "big.csv", "larger than 2 MB"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "not a CSV or XLSX file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.xls", "Old Excel (.xls)"),
        (b"PK\x03\x04garbage", "broken.xlsx", "cannot be opened"),
        (b"Title\r\nA\x81B\r\n", "odd.csv", "save the CSV file as UTF-8"),
        (b"Title\n" + b"Row\n" * 1001, "long.csv", "more than 1,000 rows"),
    ],
)
def test_a_file_that_cannot_be_imported_gets_a_clear_message(
    personas: Personas, client_for: Callable[[str], Client], content: bytes, name: str, message: str
) -> None:
    response = upload(client_for("owner"), content, name=name)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_the_row_limit_counts_rows_with_content_only() -> None:
    blank_lines = b"\n" * 50
    sheet = spreadsheets.sheet_read(b"Title\n" + b"Row\n" * spreadsheets.MAX_ROWS + blank_lines)
    assert len(sheet.rows) == spreadsheets.MAX_ROWS
    assert sheet.skipped == 0


def test_a_zip_that_is_not_a_workbook_gets_a_clear_message(personas: Personas) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(SpreadsheetError, match="could not be read as an XLSX"):
        dry_run(personas, out.getvalue())


def test_the_templates_hold_the_headers_of_each_kind(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    response = client_for("owner").get("/o/acme/import/?template=objectives")
    assert response["Content-Disposition"] == 'attachment; filename="tandem-objectives-template.csv"'
    headers = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert headers[:3] == ["Title*", "Description", "Period start*"]
    assert client_for("owner").get("/o/acme/import/?template=people").status_code == 404


# --- Permissions ------------------------------------------------------------------------------

PLANNERS = {"owner", "admin", "business_lead", "it_lead"}
READERS = PLANNERS | {"member", "viewer"}


@pytest.mark.parametrize(
    "persona", ["owner", "admin", "business_lead", "it_lead", "member", "viewer", "partner", "outsider"]
)
def test_only_planners_may_import(
    personas: Personas, client_for: Callable[[str], Client], persona: str
) -> None:
    client = client_for(persona)
    expected = 200 if persona in PLANNERS else 404
    assert client.get("/o/acme/import/").status_code == expected
    response = upload(client, csv_bytes([["Title"], ["Sneaky"]]))
    assert response.status_code == expected
    assert Initiative.objects.for_org(personas.org).count() == 0


@pytest.mark.parametrize("persona", ["owner", "member", "viewer", "partner", "outsider"])
def test_every_reader_but_no_partner_or_outsider_may_export(
    personas: Personas, client_for: Callable[[str], Client], persona: str
) -> None:
    expected = 200 if persona in READERS else 404
    for fmt in ("csv", "xlsx"):
        assert client_for(persona).get(f"/o/acme/portfolio/export.{fmt}").status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    assert client_for("anonymous").get("/o/acme/import/").status_code == 302
    assert client_for("anonymous").get("/o/acme/portfolio/export.csv").status_code == 302


def test_an_unknown_export_format_is_not_found(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    assert client_for("owner").get("/o/acme/portfolio/export.pdf").status_code == 404
