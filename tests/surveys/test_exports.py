"""CSV and XLSX of a campaign's results: one row per item and group, the comparison of IT and the
business on the "Everyone" row, and nothing but "suppressed" for a hidden group."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from tandem.surveys import exports, selectors
from tandem.surveys.models import Campaign
from tests.surveys.conftest import ORG, ClientFor


@pytest.fixture
def campaign(request: pytest.FixtureRequest) -> Campaign:
    """The closed partnership pulse of the view tests (four business, four IT, two partners)."""
    found: Campaign = request.getfixturevalue("closed")
    return found


def rows_of_csv(client: Client, campaign: Campaign, language: str = "en") -> list[dict[str, str]]:
    response = client.get(f"{ORG}{campaign.pk}/export.csv", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="survey-{campaign.pk}-results.csv"' in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_a_row_per_item_and_group_with_the_gap_on_the_everyone_row(
    client_for: ClientFor, campaign: Campaign
) -> None:
    rows = rows_of_csv(client_for("viewer"), campaign)
    first = campaign.template.questions.first()
    assert first is not None
    mine = [r for r in rows if r["Key"] == first.field_name]
    assert [r["Group"] for r in mine] == ["Everyone", "Business", "IT", "Partner"]
    assert [r["Group type"] for r in mine] == ["everyone", "side", "side", "side"]
    everyone, business, it, _partner = mine
    assert (everyone["Responses"], everyone["Mean"], everyone["Status"]) == ("8", "3.0", "shown")
    assert everyone["Gap IT minus business"] == "-2.0"
    assert everyone["Difference"] == "large difference"
    assert 0 < float(everyone["p-value"]) < 0.05
    assert (business["Mean"], it["Mean"]) == ("4.0", "2.0")
    assert business["Distribution"] == "1: 0; 2: 0; 3: 0; 4: 4; 5: 0"


def test_a_suppressed_group_has_no_figure_in_the_csv(client_for: ClientFor, campaign: Campaign) -> None:
    rows = rows_of_csv(client_for("viewer"), campaign)
    partner = [r for r in rows if r["Group"] == "Partner"]
    assert partner, "the partner side answered, so it has rows"
    figures = [
        str(h)
        for h in exports.HEADERS
        if str(h) not in ("Key", "Kind", "Item", "Group type", "Group", "Status")
    ]
    for row in partner:
        assert row["Status"] == "suppressed"
        assert all(row[h] == "" for h in figures), row


def test_the_xlsx_holds_the_same_rows(client_for: ClientFor, campaign: Campaign) -> None:
    response = client_for("viewer").get(f"{ORG}{campaign.pk}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == exports.HEADERS
    expected = exports.results_rows(selectors.campaign_results(campaign))
    assert len(values) == 1 + len(expected)
    suppressed = [row for row in values[1:] if row[5] == "suppressed"]
    assert suppressed
    assert all(all(cell in (None, "") for cell in row[6:]) for row in suppressed)


def test_free_text_is_counted_but_never_exported(client_for: ClientFor, campaign: Campaign) -> None:
    content = client_for("viewer").get(f"{ORG}{campaign.pk}/export.csv").content.decode("utf-8-sig")
    assert "Involve us earlier." not in content
    text_question = campaign.template.questions.get(kind="text")
    row = next(r for r in csv.DictReader(io.StringIO(content)) if r["Key"] == text_question.field_name)
    assert row["Responses"] == "8"


def test_a_dutch_reader_gets_the_file_in_dutch_with_the_same_figures(
    client_for: ClientFor, campaign: Campaign
) -> None:
    client = client_for("viewer")
    english, dutch = rows_of_csv(client, campaign), rows_of_csv(client, campaign, "nl")
    with translation.override("nl"):
        group_type, difference = gettext("Group type"), gettext("Difference")
    assert list(dutch[0])[:7] == ["Sleutel", "Soort", "Onderdeel", group_type, "Groep", "Status", "Reacties"]
    assert [row["Sleutel"] for row in dutch] == [row["Key"] for row in english]
    everyone = next(r for r in dutch if r["Groep"] == "Iedereen")
    assert (everyone["Status"], everyone[difference]) == ("getoond", "groot verschil")
    assert {r["Status"] for r in dutch if r["Groep"] == "Partner"} == {"verborgen"}
    assert [r["Gemiddelde"] for r in dutch] == [r["Mean"] for r in english]
