"""The delivery dashboard, its export and the thresholds page: the figures as people read them,
what a partner sees, and that reading writes nothing."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core import charts as core_charts
from tandem.core.models import Department
from tandem.delivery import charts, selectors, services, views_dashboard
from tandem.delivery.models import Deliverable, DeliverySettings
from tandem.governance import services as governance
from tandem.governance.models import Party
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tests.conftest import MEMBERS, PERSONAS, Personas


@dataclass
class Delivered:
    initiative: Initiative
    vendor: Party  # the partner persona's party
    integrator: Party  # another party, which the partner must not see
    early: Deliverable  # accepted ten days before its first commitment, first time
    late: Deliverable  # accepted twenty days after it, first time


def _accept(personas: Personas, deliverable: Deliverable, on: date) -> None:
    services.deliverable_offer(actor=personas.owner, deliverable=deliverable, offered_on=on)
    services.deliverable_decide(actor=personas.business_lead, deliverable=deliverable, decision="accepted")


@pytest.fixture
def delivered(personas: Personas) -> Delivered:
    """One initiative with two deliverables accepted: one early, one late (on time 50%)."""
    owner, today = personas.owner, timezone.localdate()
    sales = Department.objects.for_org(personas.org).get(name="Sales")
    initiative = strategy.initiative_create(
        actor=owner, title="Claims portal", business_co_lead=personas.business_lead, departments=[sales]
    )
    vendor = governance.party_create(actor=owner, name="Cloudline", kind="cloud_provider")
    governance.contact_add(actor=owner, party=vendor, membership=personas.partner)
    integrator = governance.party_create(actor=owner, name="Integra", kind="integrator")
    committed = today - timedelta(days=30)
    early = services.deliverable_create(
        actor=owner, initiative=initiative, title="Photo upload", committed_date=committed, owner_party=vendor
    )
    late = services.deliverable_create(
        actor=owner,
        initiative=initiative,
        title="Status page",
        committed_date=committed,
        owner_party=integrator,
    )
    _accept(personas, early, committed - timedelta(days=10))
    _accept(personas, late, committed + timedelta(days=20))
    return Delivered(initiative, vendor, integrator, early, late)


def _client(personas: Personas, name: str) -> Client:
    client = Client()
    membership = personas.by_name(name)
    if membership is not None:
        client.force_login(membership.user)
    return client


def _dashboard_url() -> str:
    return reverse("delivery:dashboard", kwargs={"org_slug": "acme"})


def _export_url(fmt: str) -> str:
    return reverse("delivery:export", kwargs={"org_slug": "acme", "fmt": fmt})


def _settings_url() -> str:
    return reverse("delivery:settings", kwargs={"org_slug": "acme"})


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- The dashboard -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_member_opens_the_dashboard_and_nobody_else(
    personas: Personas, delivered: Delivered, persona: str
) -> None:
    response = _client(personas, persona).get(_dashboard_url())
    if persona in MEMBERS:
        assert response.status_code == 200
    elif persona == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 404


def test_the_dashboard_shows_the_hand_checked_figures(personas: Personas, delivered: Delivered) -> None:
    response = _client(personas, "member").get(_dashboard_url())
    headline = {shown.label: shown.value for shown in response.context["headline"]}
    assert headline["On time"] == "50%"  # one of two accepted on or before its first commitment
    assert headline["Mean slip"] == "+5 days"  # (-10 + 20) / 2
    assert headline["First time right"] == "100%"
    text = _text(response)
    assert "Claims portal" in text
    assert "Cloudline" in text
    assert "Integra" in text
    assert reverse("delivery:initiative", args=["acme", delivered.initiative.pk]) in text


def test_a_figure_past_its_threshold_is_named_with_its_value_and_threshold(
    personas: Personas, delivered: Delivered
) -> None:
    text = _text(_client(personas, "member").get(_dashboard_url()))
    assert "On-time rate 50% is below the threshold of 70%" in text


def test_a_figure_without_facts_reads_not_yet_never_zero(personas: Personas) -> None:
    initiative = strategy.initiative_create(actor=personas.owner, title="Route planning")
    services.deliverable_create(
        actor=personas.owner,
        initiative=initiative,
        title="Route optimiser",
        committed_date=timezone.localdate() + timedelta(days=30),
    )
    response = _client(personas, "member").get(_dashboard_url())
    headline = {shown.label: shown.value for shown in response.context["headline"]}
    assert headline["On time"] is None
    assert headline["First time right"] is None
    assert "not yet" in _text(response)


def test_an_organisation_without_deliverables_is_told_where_to_start(personas: Personas) -> None:
    text = _text(_client(personas, "member").get(_dashboard_url()))
    assert "No deliverables yet" in text
    assert "open its delivery tab and add the deliverables" in text


def test_a_partner_sees_their_own_party_only(personas: Personas, delivered: Delivered) -> None:
    response = _client(personas, "partner").get(_dashboard_url())
    text = _text(response)
    assert response.status_code == 200
    assert "Cloudline" in text
    assert "Integra" not in text
    assert "Claims portal" not in text  # no organisation-wide rows, initiatives or departments
    assert [t.key for t in response.context["tables"]] == ["parties"]


def test_the_dashboard_lists_accepted_deliverables_without_end_user_feedback(
    personas: Personas, delivered: Delivered
) -> None:
    text = _text(_client(personas, "member").get(_dashboard_url()))
    # accepted forty days ago, past the default fourteen quiet days, and nobody rated it
    assert reverse("delivery:deliverable", args=["acme", delivered.early.pk]) in text
    # accepted ten days ago: still within the quiet period
    assert reverse("delivery:deliverable", args=["acme", delivered.late.pk]) not in text


def test_the_dashboard_shows_new_end_user_feedback_at_once(personas: Personas, delivered: Delivered) -> None:
    link = services.feedback_link_open(
        actor=personas.owner, initiative=delivered.initiative, deliverable=delivered.early
    )
    early = reverse("delivery:deliverable", args=["acme", delivered.early.pk])
    client = _client(personas, "member")
    assert early in _text(client.get(_dashboard_url()))
    personas.org.refresh_from_db()
    version = personas.org.data_version
    with CaptureQueriesContext(connection) as queries:
        assert early in _text(client.get(_dashboard_url()))  # kept whole: not drawn again
    assert not any("delivery_deliverable" in q["sql"] for q in queries.captured_queries)
    public = reverse("delivery:feedback_public", args=[selectors.link_token(link)])
    assert Client().post(public, {"rating": "4"}).status_code == 200
    personas.org.refresh_from_db()
    assert personas.org.data_version == version  # a rating leaves the data version alone...
    assert early not in _text(client.get(_dashboard_url()))  # ... and shows all the same


def test_a_long_breakdown_shows_the_rows_with_alerts_first_and_the_export_holds_them_all(
    personas: Personas, delivered: Delivered, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_dashboard, "ROWS", 2)
    monkeypatch.setattr(views_dashboard, "QUIET", 1)
    for title in ("A first", "B second"):  # by name before the claims portal, without alerts
        initiative = strategy.initiative_create(actor=personas.owner, title=title)
        services.deliverable_create(
            actor=personas.owner,
            initiative=initiative,
            title=f"{title} part",
            committed_date=timezone.localdate() + timedelta(days=30),
        )
    response = _client(personas, "member").get(_dashboard_url())
    [initiatives] = [t for t in response.context["tables"] if t.key == "initiatives"]
    # the claims portal has an alert (on time 50 %): first, then by name
    assert [(row.label, bool(row.alerts)) for row in initiatives.rows] == [
        ("Claims portal", True),
        ("A first", False),
    ]
    assert initiatives.more == 1
    text = _text(response)
    assert "And 1 more: see the export." in text
    assert "B second" not in text
    names = {row["Name"] for row in _csv_rows(_client(personas, "member").get(_export_url("csv")))}
    assert {"Claims portal", "A first", "B second"} <= names


def test_the_quiet_list_shows_those_accepted_longest_ago_and_how_many_there_are(
    personas: Personas, delivered: Delivered, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_dashboard, "QUIET", 1)
    services.settings_update(actor=personas.owner, feedback_quiet_days=0)  # both are quiet now
    text = _text(_client(personas, "member").get(_dashboard_url()))
    assert "2 deliverables accepted a while ago have had no end-user feedback since." in text
    assert "This is the one accepted longest ago." in text
    assert reverse("delivery:deliverable", args=["acme", delivered.early.pk]) in text  # accepted first
    assert reverse("delivery:deliverable", args=["acme", delivered.late.pk]) not in text


def test_only_admins_see_the_link_to_the_thresholds(personas: Personas, delivered: Delivered) -> None:
    assert _settings_url() in _text(_client(personas, "admin").get(_dashboard_url()))
    assert _settings_url() not in _text(_client(personas, "member").get(_dashboard_url()))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_dashboard_takes_as_many_queries_whatever_the_number_of_initiatives(
    personas: Personas, delivered: Delivered
) -> None:
    client = _client(personas, "member")
    client.get(_dashboard_url())  # the first visit of a session reads a little more
    delivered.late.refresh_from_db()
    services.deliverable_update(actor=personas.owner, deliverable=delivered.late, title="Status page")
    before = _queries(client, _dashboard_url())
    for n in range(3):
        initiative = strategy.initiative_create(actor=personas.owner, title=f"More {n}")
        more = services.deliverable_create(
            actor=personas.owner,
            initiative=initiative,
            title=f"Part {n}",
            committed_date=timezone.localdate() - timedelta(days=20),
            owner_party=delivered.integrator,
        )
        _accept(personas, more, timezone.localdate() - timedelta(days=19))
    assert _queries(client, _dashboard_url()) == before
    assert before <= 25


# --- The export ----------------------------------------------------------------------------------


def _csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_export_has_a_row_per_level_with_every_figure(
    personas: Personas, delivered: Delivered
) -> None:
    response = _client(personas, "member").get(_export_url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = {(row["Level"], row["Name"]): row for row in _csv_rows(response)}
    assert set(rows) == {
        ("organisation", "Acme Insurance"),
        ("initiative", "Claims portal"),
        ("party", "Cloudline"),
        ("party", "Integra"),
        ("department", "Sales"),
    }
    organisation = rows[("organisation", "Acme Insurance")]
    assert organisation["On time (%)"] == "50.0"
    assert organisation["Mean slip (days)"] == "5.0"
    assert organisation["First time right (%)"] == "100.0"
    assert organisation["Accepted"] == "2"
    assert organisation["Scope creep (percentage of the original budget)"] == ""  # no budget: not yet, not 0
    assert rows[("party", "Cloudline")]["Mean slip (days)"] == "-10.0"  # a number: not escaped as a formula


def test_the_xlsx_export_holds_numbers(personas: Personas, delivered: Delivered) -> None:
    response = _client(personas, "member").get(_export_url("xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_name["Claims portal"]["Level"] == "initiative"
    assert by_name["Claims portal"]["On time (%)"] == 50.0
    assert by_name["Cloudline"]["Mean slip (days)"] == -10


def test_a_partner_exports_their_own_party_rows_only(personas: Personas, delivered: Delivered) -> None:
    rows = _csv_rows(_client(personas, "partner").get(_export_url("csv")))
    assert [(row["Level"], row["Name"]) for row in rows] == [("party", "Cloudline")]


def test_an_unknown_export_format_is_not_found(personas: Personas) -> None:
    assert _client(personas, "member").get(_export_url("pdf")).status_code == 404


def test_names_that_look_like_formulas_are_escaped_in_the_export(personas: Personas) -> None:
    initiative = strategy.initiative_create(actor=personas.owner, title="=HYPERLINK(1)")
    services.deliverable_create(
        actor=personas.owner, initiative=initiative, title="x", committed_date=timezone.localdate()
    )
    names = [row["Name"] for row in _csv_rows(_client(personas, "member").get(_export_url("csv")))]
    assert "'=HYPERLINK(1)" in names


# --- The thresholds ------------------------------------------------------------------------------

THRESHOLDS = {
    "on_time_min": "80",
    "first_time_right_min": "75",
    "scope_creep_max": "10",
    "unexplained_max": "1",
    "feedback_quiet_days": "7",
}


def test_an_admin_saves_the_thresholds(personas: Personas) -> None:
    response = _client(personas, "admin").post(_settings_url(), THRESHOLDS)
    assert response.status_code == 302
    assert response["Location"] == _settings_url()
    saved = DeliverySettings.objects.for_org(personas.org).get()
    assert (saved.on_time_min, saved.first_time_right_min, saved.scope_creep_max) == (80, 75, 10)
    assert (saved.unexplained_max, saved.feedback_quiet_days) == (1, 7)


def test_the_dashboard_alerts_follow_the_saved_thresholds(personas: Personas, delivered: Delivered) -> None:
    _client(personas, "admin").post(_settings_url(), {**THRESHOLDS, "on_time_min": "40"})
    text = _text(_client(personas, "member").get(_dashboard_url()))
    assert "On-time rate 50%" not in text


@pytest.mark.parametrize("persona", ["member", "business_lead", "partner", "viewer", "outsider"])
def test_nobody_but_owners_and_admins_opens_the_thresholds(personas: Personas, persona: str) -> None:
    client = _client(personas, persona)
    assert client.get(_settings_url()).status_code == 404
    assert client.post(_settings_url(), THRESHOLDS).status_code == 404
    assert not DeliverySettings.objects.for_org(personas.org).exists()


def test_a_percentage_above_100_is_refused_with_its_message(personas: Personas) -> None:
    response = _client(personas, "owner").post(_settings_url(), {**THRESHOLDS, "on_time_min": "150"})
    assert response.status_code == 422
    assert "less than or equal to 100" in _text(response)
    assert 'value="150"' in _text(response)
    assert not DeliverySettings.objects.for_org(personas.org).exists()


def test_the_thresholds_page_shows_the_current_values_and_their_help(personas: Personas) -> None:
    text = _text(_client(personas, "owner").get(_settings_url()))
    assert 'name="on_time_min"' in text
    assert 'value="70"' in text
    assert "Against the first committed date." in text


# --- Reads never write ---------------------------------------------------------------------------

MAY_WRITE = {"django_session"}


def _written_tables(queries: list[dict[str, str]]) -> set[str]:
    tables = set()
    for query in queries:
        sql = query["sql"].strip()
        if re.match(r"^(INSERT|UPDATE|DELETE|REPLACE)\b", sql, re.I):
            match = re.search(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', sql, re.I)
            tables.add(match.group(1) if match else sql[:60])
    return tables - MAY_WRITE


@pytest.mark.parametrize("persona", ["owner", "member", "partner"])
def test_reading_the_dashboard_and_its_export_writes_nothing(
    personas: Personas, delivered: Delivered, persona: str
) -> None:
    client = _client(personas, persona)
    urls = [_dashboard_url(), _dashboard_url(), _export_url("csv"), _export_url("xlsx")]
    if persona == "owner":
        urls.append(_settings_url())
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not _written_tables(queries.captured_queries), f"GET {url} wrote"


# --- The planned-vs-actual timeline --------------------------------------------------------------


def test_the_timeline_draws_each_deliverable_and_marks_an_unexplained_replan(
    personas: Personas, delivered: Delivered
) -> None:
    open_one = services.deliverable_create(
        actor=personas.owner,
        initiative=delivered.initiative,
        title="Claims API",
        committed_date=timezone.localdate() + timedelta(days=10),
    )
    services.deliverable_replan(
        actor=personas.owner,
        deliverable=open_one,
        to_date=timezone.localdate() + timedelta(days=40),
        reason="The vendor is late",
    )
    rows = selectors.timeline(delivered.initiative)
    chart = charts.timeline_chart(rows)
    html = render_to_string("delivery/_timeline_chart.html", {"rows": rows, "chart": chart})
    assert chart.startswith("<svg")
    assert 'role="img"' in chart
    assert "without an approved change request" in chart  # the re-plan's tooltip
    assert f'fill="{core_charts.WARN}"' in chart  # ... drawn in the warning colour
    assert "<script" not in chart
    assert "style=" not in chart
    assert "<table>" in html
    assert "Photo upload" in html
    assert "Claims API" in html
    assert "unexplained" in html


def test_the_timeline_without_deliverables_says_so(db: None) -> None:
    assert charts.timeline_chart([]) == ""
    html = render_to_string("delivery/_timeline_chart.html", {"rows": [], "chart": charts.timeline_chart([])})
    assert "No deliverables yet." in html
    assert "<svg" not in html
