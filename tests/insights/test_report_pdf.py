"""The board report rendered from the demo: its pages, the index figure and the widest perception
gap in its text, in English and in Dutch; and the same PDF for the same content."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from tandem.core import report as r
from tandem.insights import pdf, report_data, selectors, services_report
from tandem.insights.models import BoardReport, ReportStatus
from tandem.surveys import report as surveys_report
from tandem.surveys import selectors as survey_selectors
from tests.conftest import SeededDemo


def text_of(body: bytes) -> str:
    """The PDF's text with every run of white space made one space (table cells wrap)."""
    reader = PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def period() -> tuple[date, date]:
    return services_report.last_full_month(timezone.localdate())


@pytest.fixture(scope="module")
def rendered(demo_module: SeededDemo, django_db_blocker: object) -> dict[str, BoardReport]:
    """The demo's report of last month in English and in Dutch, rendered once for the module."""
    start, end = period()
    reports = {}
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        for language in ("en", "nl"):
            report = BoardReport.objects.create(
                organization=demo_module.org, period_start=start, period_end=end, language=language
            )
            reports[language] = services_report.report_render(report)
    return reports


def top_gap_label(org: object) -> str:
    _start, end = period()
    campaign = surveys_report.latest_closed(org, end)  # type: ignore[arg-type]
    assert campaign is not None, "the demo has a closed survey"
    gaps = surveys_report.top_gaps(survey_selectors.campaign_results(campaign))
    assert gaps, "the demo's survey shows business and IT"
    return gaps[0][0].label


def test_the_demo_report_is_ready_with_its_pages_counted(rendered: dict[str, BoardReport], db: None) -> None:
    report = rendered["en"]
    assert report.status == ReportStatus.READY, report.error
    assert report.pdf is not None
    assert len(PdfReader(io.BytesIO(bytes(report.pdf))).pages) == report.pages
    assert report.pages is not None
    assert report.pages >= 4


def test_the_english_report_shows_the_index_figure_and_the_widest_gap(
    rendered: dict[str, BoardReport], demo_module: SeededDemo, db: None
) -> None:
    text = text_of(bytes(rendered["en"].pdf or b""))
    index = selectors.index_now(demo_module.org).index
    assert index is not None
    assert f"{r.number(index)} Alignment index out of 100" in text
    assert top_gap_label(demo_module.org) in text
    assert "How business and IT see each other" in text
    assert "Misaligned and paused initiatives" in text
    assert "Northwind Logistics" in text


def test_the_dutch_report_is_written_in_dutch(
    rendered: dict[str, BoardReport], demo_module: SeededDemo, db: None
) -> None:
    body = bytes(rendered["nl"].pdf or b"")
    reader = PdfReader(io.BytesIO(body))
    assert reader.root_object["/Lang"] == "nl"
    text = text_of(body)
    start, end = period()
    with translation.override("nl"):
        dutch_period = f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"
        gap = top_gap_label(demo_module.org)
        index = selectors.index_now(demo_module.org).index
        assert index is not None
        figure = r.number(index)
    assert dutch_period in text  # Dutch month names and order: "1 november 2026"
    assert figure in text
    assert gap in text
    # The report's own words, not only its figures, are Dutch.
    assert "De afstemmingsindex" in text
    assert "The alignment index" not in text


def test_the_same_content_gives_the_same_pdf(demo_module: SeededDemo, db: None) -> None:
    start, end = period()
    now = timezone.now()
    with translation.override("en"):
        content = report_data.report_content(demo_module.org, start, end, now=now)
        first = pdf.render_pdf(content.cover, content.sections)
        second = pdf.render_pdf(content.cover, content.sections)
    assert first.pdf == second.pdf
    assert first.pages == second.pages


def test_a_title_cannot_add_markup_to_the_report() -> None:
    section = r.ReportSection(
        key="x", title="<b>bold</b> & <font size=40>big</font>", blocks=(r.Text("a <br/> b"),)
    )
    cover = pdf.Cover(title="T", organisation="O <i>", period="P", language="en", generated="G")
    text = text_of(pdf.render_pdf(cover, [section]).pdf)
    assert "<b>bold</b> & <font size=40>big</font>" in text
    assert "a <br/> b" in text
