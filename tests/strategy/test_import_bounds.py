"""A small upload cannot make the import read without end: every row read counts, blank or not.

An XLSX of a few kilobytes can hold hundreds of thousands of empty ``<row/>`` elements (or one row
numbered a million, which the reader pads with empty rows), and a CSV file can be nothing but line
breaks. Blank rows are skipped for the import's own row limit, so they must be bounded separately.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tandem.strategy import spreadsheets
from tandem.strategy.spreadsheets import SpreadsheetError
from tests.conftest import Personas

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c></row>'


def workbook(rows: str, dimension: str = "") -> bytes:
    """A hand-made XLSX whose only sheet holds ``rows`` (sheetData XML) after a Title header."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{HEADER_ROW}{rows}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows the import pulled from the file, blank ones included."""
    counted = [0]
    file_rows = spreadsheets._file_rows

    def counting(content: bytes) -> Iterator[Sequence[Any]]:
        for row in file_rows(content):
            counted[0] += 1
            yield row

    monkeypatch.setattr(spreadsheets, "_file_rows", counting)
    return counted


def refused(personas: Personas, content: bytes) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        spreadsheets.spreadsheet_import(
            actor=personas.business_lead, kind="initiatives", content=content, commit=False
        )
    return caught.value.message


def test_a_tiny_workbook_of_empty_rows_is_refused_after_a_bounded_number_of_rows(
    personas: Personas, rows_read: list[int]
) -> None:
    content = workbook("<row/>" * 300_000)
    assert len(content) < 20_000  # a few kilobytes on the wire, 1.8 MB unpacked
    message = refused(personas, content)
    assert "empty ones" in message
    assert rows_read[0] <= spreadsheets.MAX_ROWS_READ + 1


def test_one_row_numbered_a_million_is_not_padded_out_row_by_row(
    personas: Personas, rows_read: list[int]
) -> None:
    message = refused(personas, workbook('<row r="1000000"><c r="A1000000"><v>1</v></c></row>'))
    assert "empty ones" in message
    assert rows_read[0] <= spreadsheets.MAX_ROWS_READ + 1


def test_a_sheet_that_says_it_is_larger_than_the_bound_is_refused_before_its_rows_are_read(
    personas: Personas, rows_read: list[int]
) -> None:
    message = refused(personas, workbook("<row/>" * 10, dimension="A1:C1048576"))
    assert "1,048,576 rows" in message
    assert rows_read[0] == 0


def test_a_tiny_workbook_with_a_row_of_a_million_cells_is_refused_before_it_is_parsed(
    personas: Personas, rows_read: list[int]
) -> None:
    content = workbook("<row>" + "<c/>" * (spreadsheets.MAX_MARKUP + 1) + "</row>")
    assert len(content) < 20_000
    message = refused(personas, content)
    assert "too large once unpacked" in message
    assert rows_read[0] == 0


def test_a_csv_file_of_line_breaks_is_refused_after_a_bounded_number_of_rows(
    personas: Personas, rows_read: list[int]
) -> None:
    message = refused(personas, b"Title\n" + b"\n" * 1_000_000)
    assert "empty ones" in message
    assert rows_read[0] <= spreadsheets.MAX_ROWS_READ + 1


def test_the_import_page_answers_a_workbook_of_empty_rows_with_a_clear_message(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    content = workbook("<row/>" * 300_000)
    response = client_for("owner").post(
        "/o/acme/import/", {"kind": "initiatives", "file": SimpleUploadedFile("plan.xlsx", content)}
    )
    assert response.status_code == 422
    assert "Delete the empty rows" in response.content.decode()
