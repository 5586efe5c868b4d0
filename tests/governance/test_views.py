"""Governance pages: the party list and page, the RACI editor (whole-form save and the htmx cell
save with the rules' verdict), the printable view and the export, and what a partner sees."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tandem.governance import services
from tandem.governance.models import Party, RaciAssignment
from tests.conftest import Personas
from tests.governance.conftest import Matrix, Parties

ClientFor = Callable[[str], Client]


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


def url(m: Matrix, tail: str = "") -> str:
    return f"/o/acme/initiatives/{m.initiative.pk}/raci/{tail}"


def test_the_party_list_counts_and_warns_of_a_notice_date(
    personas: Personas, parties: Parties, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    services.contract_add(
        actor=personas.owner,
        party=parties.other_vendor,
        title="Support",
        starts_on="2020-01-01",
        ends_on=(today + timedelta(days=400)).isoformat(),
        notice_days="30",
        alert_days="30",
    )
    page = text(client_for("viewer").get("/o/acme/parties/"))
    assert "Cloudline" in page
    assert "Integra" in page
    assert "Platform team" in page
    assert "Globex Vendor" not in page
    assert "Notice dates coming up" not in page  # the notice date is far away
    services.contract_add(
        actor=personas.owner,
        party=parties.other_vendor,
        title="Licences",
        starts_on="2020-01-01",
        ends_on=(today + timedelta(days=100)).isoformat(),
        notice_days="90",
        alert_days="30",
    )
    page = text(client_for("viewer").get("/o/acme/parties/"))
    assert "Notice dates coming up" in page
    assert "Licences" in page


def test_a_party_is_created_through_the_form_and_bad_input_comes_back_with_a_422(
    personas: Personas, client_for: ClientFor
) -> None:
    client = client_for("it_lead")
    refused = client.post(
        "/o/acme/parties/new/", {"name": "Finance team", "kind": "internal", "description": "Books"}
    )
    assert refused.status_code == 422
    assert "Say whether this internal team is on the business or the IT side." in text(refused)
    assert "Books" in text(refused)
    done = client.post(
        "/o/acme/parties/new/", {"name": "Finance team", "kind": "internal", "side": "business"}
    )
    assert done.status_code == 302
    assert Party.objects.for_org(personas.org).get(name="Finance team").side == "business"


def test_the_whole_matrix_saves_from_the_form(
    personas: Personas, matrix: Matrix, client_for: ClientFor
) -> None:
    first = matrix.activities[0]
    data = {
        f"cell-{first.pk}-{matrix.vendor.pk}": "R",
        f"cell-{first.pk}-{matrix.business_lead.pk}": "A",
        f"cell-{first.pk}-{matrix.other_vendor.pk}": "",
    }
    response = client_for("business_lead").post(url(matrix, "save/"), data)
    assert response.status_code == 302
    letters = dict(
        RaciAssignment.objects.for_org(personas.org).filter(activity=first).values_list("column_id", "letter")
    )
    assert letters == {matrix.vendor.pk: "R", matrix.business_lead.pk: "A"}
    page = text(client_for("business_lead").get(url(matrix)))
    assert "“Requirements” has nobody" not in page
    assert "“Design” has nobody accountable (A): give it exactly one." in page


def test_an_htmx_cell_change_saves_and_answers_with_the_rules_verdict(
    personas: Personas, matrix: Matrix, client_for: ClientFor
) -> None:
    first = matrix.activities[0]
    response = client_for("owner").post(
        url(matrix, "save/"), {f"cell-{first.pk}-{matrix.vendor.pk}": "a"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    fragment = text(response)
    assert fragment.startswith('<div id="raci-problems"')
    assert "“Requirements” has nobody responsible (R): give it at least one." in fragment
    bad = client_for("owner").post(
        url(matrix, "save/"), {f"cell-{first.pk}-{matrix.vendor.pk}": "Z"}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 422
    assert "Enter R, A, C or I" in text(bad)
    assert RaciAssignment.objects.for_org(personas.org).get(activity=first).letter == "A"


def test_the_editor_is_a_grid_of_labelled_choices(matrix: Matrix, client_for: ClientFor) -> None:
    page = text(client_for("owner").get(url(matrix)))
    first = matrix.activities[0]
    assert f'name="cell-{first.pk}-{matrix.vendor.pk}" aria-label="Requirements — Cloudline"' in page
    assert page.count('<select name="cell-') == len(matrix.activities) * 3


def test_activities_and_columns_are_added_renamed_moved_and_removed(
    personas: Personas, matrix: Matrix, client_for: ClientFor
) -> None:
    client = client_for("owner")
    assert client.post(url(matrix, "activities/"), {"name": "Training"}).status_code == 302
    again = client.post(url(matrix, "activities/"), {"name": "training"})
    assert again.status_code == 422
    assert "already has the activity" in text(again)
    second = matrix.activities[1]
    client.post(url(matrix, f"activities/{second.pk}/"), {"do": "up"})
    names = [a.name for a in type(second).objects.for_org(personas.org).filter(initiative=matrix.initiative)]
    assert names[:2] == ["Design", "Requirements"]
    client.post(url(matrix, f"activities/{second.pk}/"), {"name": "Solution design"})
    client.post(url(matrix, f"activities/{matrix.activities[0].pk}/"), {"do": "remove"})
    names = [a.name for a in type(second).objects.for_org(personas.org).filter(initiative=matrix.initiative)]
    assert names[0] == "Solution design"
    assert "Requirements" not in names


def test_the_print_view_and_the_export_hold_the_same_cells(
    matrix: Matrix, client_for: ClientFor, personas: Personas
) -> None:
    first = matrix.activities[0]
    services.cells_set(
        actor=personas.owner, initiative=matrix.initiative, cells={(first.pk, matrix.vendor.pk): "R"}
    )
    printed = text(client_for("viewer").get(url(matrix, "print/")))
    assert "Requirements" in printed
    assert "<strong>R</strong>" in printed
    exported = client_for("viewer").get(url(matrix, "export.csv"))
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["Activity", "Cloudline", "Integra", personas.business_lead.user.display_name]
    assert rows[1][:2] == ["Requirements", "R"]
    xlsx = client_for("viewer").get(url(matrix, "export.xlsx"))
    assert xlsx.status_code == 200
    assert client_for("viewer").get(url(matrix, "export.pdf")).status_code == 404


def test_a_partner_sees_only_their_party_and_its_column(
    personas: Personas, matrix: Matrix, parties: Parties, client_for: ClientFor
) -> None:
    first = matrix.activities[0]
    services.cells_set(
        actor=personas.owner,
        initiative=matrix.initiative,
        cells={(first.pk, matrix.vendor.pk): "R", (first.pk, matrix.other_vendor.pk): "A"},
    )
    client = client_for("partner")
    listing = text(client.get("/o/acme/parties/"))
    assert "Cloudline" in listing
    assert "Integra" not in listing
    assert "Platform team" not in listing
    page = text(client.get(url(matrix)))
    assert "Cloudline" in page
    assert "Integra" not in page
    assert personas.business_lead.user.display_name not in page
    assert page.count("<select") == len(matrix.activities)  # their own column only
    assert f'name="cell-{first.pk}-{matrix.vendor.pk}"' in page
    rows = list(csv.reader(io.StringIO(client.get(url(matrix, "export.csv")).content.decode("utf-8-sig"))))
    assert rows[0] == ["Activity", "Cloudline"]
    assert all(len(row) == 2 for row in rows)
    assert client.get(f"/o/acme/parties/{parties.other_vendor.pk}/").status_code == 404
    services.column_remove(actor=personas.owner, column=matrix.vendor)
    assert client.get(url(matrix)).status_code == 404


def test_a_partner_updates_their_own_assignments_and_nothing_else(
    personas: Personas, matrix: Matrix, client_for: ClientFor
) -> None:
    first, second = matrix.activities[:2]
    client = client_for("partner")
    saved = client.post(url(matrix, "save/"), {f"cell-{second.pk}-{matrix.vendor.pk}": "C"})
    assert saved.status_code == 302
    own = RaciAssignment.objects.for_org(personas.org).get(activity=second, column=matrix.vendor)
    assert own.letter == "C"
    other = client.post(url(matrix, "save/"), {f"cell-{first.pk}-{matrix.other_vendor.pk}": "A"})
    assert other.status_code == 404
    lead = client.post(url(matrix, "save/"), {f"cell-{first.pk}-{matrix.business_lead.pk}": "A"})
    assert lead.status_code == 404
    assert not RaciAssignment.objects.for_org(personas.org).filter(activity=first).exists()
    assert client.post(url(matrix, "activities/"), {"name": "Training"}).status_code == 404
