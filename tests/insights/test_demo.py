"""The alignment index in the demo: this week's snapshot from the live demo data and a year of
weekly snapshots before it, in which the index dips and recovers for reasons the drill-down names;
and the demo's board report rendered in English and in Dutch (page count, the index figure, the
widest gap, the report's own words in Dutch, the same bytes for the same content).

The demo is seeded once for the module (for both) and rolled back after it."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from tandem.core import report as r
from tandem.insights import demo, demo_nl, pdf, report_data, selectors, services_report
from tandem.insights.models import BoardReport, IndexSnapshot, ReportStatus
from tandem.strategy import demo as strategy_demo
from tandem.surveys import report as surveys_report
from tandem.surveys import selectors as survey_selectors
from tests.conftest import SeededDemo

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def weeks(demo_module: SeededDemo) -> dict[int, IndexSnapshot]:
    """The demo's snapshots by weeks before now (0: this week's)."""
    this_week = selectors.this_week()
    return {
        (this_week - s.week).days // 7: s
        for s in IndexSnapshot.objects.for_org(demo_module.org).order_by("week")
    }


def test_a_year_of_weekly_snapshots(weeks: dict[int, IndexSnapshot]) -> None:
    assert sorted(weeks) == list(range(53))
    assert all(s.week.weekday() == 0 for s in weeks.values())
    assert all(s.index is not None and 0 <= s.index <= 100 for s in weeks.values())
    assert len(selectors.trend(weeks[0].organization)) == 52


def test_this_weeks_snapshot_is_the_live_index(
    demo_module: SeededDemo, weeks: dict[int, IndexSnapshot]
) -> None:
    live = selectors.index_now(demo_module.org)
    assert weeks[0].index == pytest.approx(live.index)


def test_the_index_dips_when_route_optimisation_is_misaligned_and_recovers(
    weeks: dict[int, IndexSnapshot],
) -> None:
    before, dip, after = weeks[23].index, weeks[20].index, weeks[16].index
    assert before is not None
    assert dip is not None
    assert after is not None
    assert dip < before - 2
    assert after > dip + 1  # the late realignment still costs a little
    # The dip week's drill-down names the cause: its costliest row is the misaligned why check.
    cause = selectors.breakdown_of(weeks[20]).rows[0]
    routes = strategy_demo.INITIATIVES[demo.ROUTES].title
    assert (cause.component, cause.label, cause.points) == ("whycheck", routes, 0)
    assert cause.detail == demo.MISALIGNED_ROUTES
    # And what moved it that week says so.
    moved = selectors.week_moves(weeks[20].organization, weeks[22])
    assert moved.delta is not None
    assert moved.delta < -2
    # (A snapshot keeps the rows that cost points: aligned, the row cost nothing the week before.)
    assert (moved.rows[0].label, moved.rows[0].before_points, moved.rows[0].after_points) == (routes, None, 0)


def test_components_without_data_are_left_out_in_the_early_weeks(weeks: dict[int, IndexSnapshot]) -> None:
    early = selectors.breakdown_of(weeks[40])
    whycheck = early.component("whycheck")
    assert whycheck is not None
    assert whycheck.score is None
    assert whycheck.missing == demo.NOT_YET_WHYCHECK
    assert selectors.breakdown_of(weeks[10]).component("whycheck").score is not None  # type: ignore[union-attr]


def test_the_siloed_objective_and_the_slipping_habit_show_in_their_weeks(
    weeks: dict[int, IndexSnapshot],
) -> None:
    siloed = strategy_demo.OBJECTIVES[demo.COST_TO_SERVE].title

    def siloed_rows(snapshot: IndexSnapshot) -> list[dict[str, object]]:
        return [r for r in snapshot.rows if r["component"] == "objectives" and r["detail"] == demo.SILOED]

    assert [r["label"] for r in siloed_rows(weeks[28])] == [siloed]
    assert siloed_rows(weeks[24]) == []
    slipped = [r for r in weeks[6].rows if r["component"] == "habit"]
    assert slipped
    assert all(r["points"] <= demo.HABIT_SLIP[6] for r in slipped)
    assert {r["detail"] for r in slipped} == {demo.HABIT_SLIPPED}


def test_the_dutch_story_has_every_word() -> None:
    def words(module: object) -> set[str]:
        return {name for name, value in vars(module).items() if name.isupper() and isinstance(value, str)}

    assert words(demo_nl) == words(demo)
    assert all(hasattr(demo_nl, e.words) for e in demo.EPISODES)


# --- The demo's board report, rendered in English and in Dutch -----------------------------------


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
