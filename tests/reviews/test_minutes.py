"""The minutes of a review in HTML, Markdown and PDF: the same facts in each, user text that stays
text, the PDF read back with pypdf, and a fixed number of queries however long the review."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from tandem.core import pdf as core_pdf
from tandem.core.models import Membership
from tandem.reviews.minutes import Minutes, minutes_for, render_html, render_markdown, render_pdf
from tandem.reviews.models import (
    ActionItem,
    AgendaItem,
    Decision,
    DecisionConfirmation,
    Review,
    ReviewSeries,
    ReviewStatus,
    Win,
)
from tests.conftest import Personas

NON_ASCII = "Café – “launch” €5"
MARKUP = ("<b>x</b>", "[a](http://evil)", "# h")
# Monday 12 January 2026, 09:00 in Amsterdam (08:00 UTC, winter time).
HELD_AT = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)


@dataclass
class Held:
    review: Review
    carried: ActionItem
    raised: ActionItem


def _name(member: Membership, name: str) -> None:
    member.user.name = name
    member.user.save(update_fields=["name"])


def _review(series: ReviewSeries, at: datetime = HELD_AT, **fields: object) -> Review:
    values: dict[str, object] = {
        "organization": series.organization,
        "series": series,
        "scheduled_at": at,
        "status": ReviewStatus.CLOSED,
        "agenda_since": at - timedelta(days=7),
        "started_at": at,
        "closed_at": at + timedelta(minutes=55),
    }
    values.update(fields)
    return Review.objects.create(**values)


def _item(review: Review, position: int, title: str, **fields: object) -> AgendaItem:
    return AgendaItem.objects.create(
        organization=review.organization, review=review, position=position, title=title, **fields
    )


def _decision(review: Review, title: str, sides: dict[Membership, str], *, confirmed: bool) -> Decision:
    decision = Decision.objects.create(
        organization=review.organization,
        review=review,
        title=title,
        rationale="The vendor cannot staff it before March.",
        options_considered="Pause; push on; swap vendor.",
        confirmed_at=review.closed_at if confirmed else None,
    )
    for member, side in sides.items():
        DecisionConfirmation.objects.create(
            organization=review.organization, decision=decision, membership=member, side=side
        )
    return decision


@pytest.fixture
def held(personas: Personas, series: ReviewSeries) -> Held:
    """A closed review: both co-leads and the owner present (the admin absent), an agenda of a
    generated item, one added by hand with a non-ASCII title, a carried-over action and a dropped
    item; two decisions (one confirmed by both sides, one by the business only), an action, a win."""
    _name(personas.owner, "Olga Owner")
    _name(personas.admin, "Adam Admin")
    _name(personas.business_lead, "Bea Business")
    _name(personas.it_lead, "Ivo Infra")
    org = personas.org
    review = _review(series, notes="A calm meeting.\nBudgets next week.")
    review.present.set([personas.owner, personas.business_lead, personas.it_lead])
    carried = ActionItem.objects.create(
        organization=org,
        title="Draft the vendor exit plan",
        owner=personas.it_lead,
        due_on=date(2026, 1, 9),
        created_at=datetime(2025, 12, 22, 10, 0, tzinfo=UTC),
    )
    _item(
        review,
        0,
        carried.title,
        source="reviews",
        kind="action",
        key=f"reviews:action:{carried.pk}",
        action=carried,
    )
    _item(
        review,
        1,
        "Claims portal",
        source="delivery",
        kind="slipped",
        key="delivery:slipped:deliverable:1",
        detail="Two weeks past its date.",
        url="/o/acme/delivery/deliverables/1/",
        minutes=10,
        notes="The vendor is short of people.",
    )
    _item(review, 2, NON_ASCII, minutes=5)
    _item(
        review,
        3,
        "Office move",
        dropped_at=review.closed_at,
        dropped_by=personas.owner,
        drop_reason="Postponed to next month",
    )
    _decision(
        review,
        "Pause the claims portal rollout",
        {personas.business_lead: "business", personas.it_lead: "it"},
        confirmed=True,
    )
    _decision(review, "Hire a second tester", {personas.business_lead: "business"}, confirmed=False)
    raised = ActionItem.objects.create(
        organization=org,
        review=review,
        title="Ask the vendor for a staffing plan",
        owner=personas.it_lead,
        due_on=date(2026, 1, 19),
        created_at=HELD_AT + timedelta(minutes=50),
    )
    win = Win.objects.create(organization=org, review=review, title="Claims settled within a day")
    win.thanked.set([personas.business_lead, personas.it_lead])
    return Held(review, carried, raised)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    """Text with every run of white space made one space: PDF lines break where the page does."""
    return " ".join(text.split())


def _html_text(markup: str) -> str:
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


FACTS = (
    "Weekly business–IT review",  # the series
    "12 Jan 2026 09:00",  # its wall-clock time, not 08:00 UTC
    "Europe/Amsterdam",
    "Bea Business",
    "Ivo Infra",
    "Adam Admin",  # absent
    "Claims portal",
    "Deliverable slipped",  # the kind's label
    "10 minutes",
    "The vendor is short of people.",
    NON_ASCII,
    "Office move",
    "Postponed to next month",
    "Pause the claims portal rollout",
    "confirmed by both sides",
    "Hire a second tester",
    "confirmed by the business only",
    "The vendor cannot staff it before March.",
    "Ask the vendor for a staffing plan",
    "19 Jan 2026",
    "Draft the vendor exit plan",
    "21 days",  # raised on 22 December, carried over to 12 January
    "Claims settled within a day",
    "Budgets next week.",
)


def test_minutes_name_who_was_there_per_side_and_who_was_absent(personas: Personas, held: Held) -> None:
    minutes = minutes_for(held.review)
    assert minutes.present_business == [personas.business_lead, personas.owner]
    assert minutes.present_it == [personas.it_lead]
    assert minutes.absent == [personas.admin]
    assert minutes.present_other == []


def test_minutes_keep_the_agenda_order_and_set_dropped_items_apart(held: Held) -> None:
    minutes = minutes_for(held.review)
    assert [item.title for item in minutes.items] == [
        "Draft the vendor exit plan",
        "Claims portal",
        NON_ASCII,
    ]
    assert [(item.title, item.drop_reason) for item in minutes.dropped] == [
        ("Office move", "Postponed to next month")
    ]
    assert [row.kind for row in minutes.agenda_rows] == [
        "Carried-over action",
        "Deliverable slipped",
        "Added by hand",
    ]


def test_an_open_action_on_the_agenda_is_carried_over_with_its_age_and_a_new_one_is_raised(
    held: Held,
) -> None:
    minutes = minutes_for(held.review)
    assert minutes.actions == [held.raised]
    assert [(row.action, row.age_days) for row in minutes.carried_rows] == [(held.carried, 21)]


def test_a_carried_over_action_done_since_is_no_longer_carried(held: Held) -> None:
    held.carried.status = "done"
    held.carried.save(update_fields=["status"])
    assert minutes_for(held.review).carried == []


def test_a_decision_says_which_sides_confirmed_it(held: Held) -> None:
    statuses = {row.decision.title: row.status for row in minutes_for(held.review).decision_rows}
    assert statuses == {
        "Pause the claims portal rollout": "confirmed by both sides",
        "Hire a second tester": "confirmed by the business only",
    }


def test_a_decision_confirmed_by_it_alone_says_so(personas: Personas, series: ReviewSeries) -> None:
    review = _review(series)
    _decision(review, "Move to the new cloud", {personas.it_lead: "it"}, confirmed=False)
    [row] = minutes_for(review).decision_rows
    assert row.status == "confirmed by IT only"


def _count_queries(review: Review) -> int:
    fresh = Review.objects.for_org(review.organization).get(pk=review.pk)
    with CaptureQueriesContext(connection) as queries:
        minutes = minutes_for(fresh)
        render_html(minutes)
        render_markdown(minutes)
    return len(queries.captured_queries)


def test_minutes_are_read_in_the_same_few_queries_however_long_the_review(
    personas: Personas, series: ReviewSeries, held: Held
) -> None:
    small = _count_queries(held.review)
    for n in range(10):
        _item(held.review, 10 + n, f"Extra item {n}", minutes=5)
        action = ActionItem.objects.create(
            organization=personas.org,
            review=held.review,
            title=f"Extra action {n}",
            owner=personas.member,
            due_on=date(2026, 2, 1),
        )
        _item(held.review, 30 + n, f"Carried {n}", kind="action", action=action)
        win = Win.objects.create(organization=personas.org, review=held.review, title=f"Extra win {n}")
        win.thanked.set([personas.member, personas.owner])
        _decision(held.review, f"Extra decision {n}", {personas.it_lead: "it"}, confirmed=False)
    assert _count_queries(held.review) == small <= 10


def test_the_pdf_renders_and_its_text_holds_the_facts(held: Held) -> None:
    data = render_pdf(minutes_for(held.review))
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    assert reader.metadata is not None
    assert reader.metadata.title == "Minutes: Weekly business–IT review"
    text = _flat(_pdf_text(data))
    assert "Minutes: Weekly business–IT review" in text
    for fact in FACTS:
        assert fact in text, fact
    assert re.search(r"Page 1 of \d+", text)


def test_a_long_review_spans_pages_numbered_in_the_footer(series: ReviewSeries) -> None:
    review = _review(series)
    for n in range(60):
        _item(
            review, n, f"Agenda item number {n}", detail="Something that changed since last week.", minutes=5
        )
    reader = PdfReader(io.BytesIO(render_pdf(minutes_for(review))))
    pages = len(reader.pages)
    assert pages > 1
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {pages}" in _flat(page.extract_text())
    assert "Agenda item number 59" in _flat(_pdf_text(render_pdf(minutes_for(review))))


def test_the_same_minutes_give_the_same_pdf(held: Held) -> None:
    minutes = minutes_for(held.review)
    assert render_pdf(minutes) == render_pdf(minutes)


def test_markdown_and_html_carry_the_same_facts(held: Held) -> None:
    minutes = minutes_for(held.review)
    markdown = _flat(render_markdown(minutes))
    page = _html_text(render_html(minutes))
    for fact in FACTS:
        assert fact in markdown, fact
        assert fact in page, fact


def test_the_html_fragment_has_no_script_and_no_style_attribute(held: Held) -> None:
    page = render_html(minutes_for(held.review))
    assert "<script" not in page
    assert "style=" not in page  # the minutes page's content security policy would refuse it


def test_an_item_from_a_source_links_to_it_in_html_and_markdown(held: Held) -> None:
    minutes = minutes_for(held.review)
    address = "http://127.0.0.1:8000/o/acme/delivery/deliverables/1/"
    assert f'href="{address}"' in render_html(minutes)
    assert f"(<{address}>)" in render_markdown(minutes)


def test_a_source_url_that_is_not_a_path_of_the_site_is_not_linked(series: ReviewSeries) -> None:
    review = _review(series)
    _item(review, 0, "Odd link", url="javascript:alert(1)")
    _item(review, 1, "Other site", url="//evil.test/x")
    minutes = minutes_for(review)
    assert "href" not in render_html(minutes)
    assert "evil" not in render_markdown(minutes)
    assert "javascript" not in render_markdown(minutes)


@pytest.fixture
def marked_up(personas: Personas, series: ReviewSeries) -> Minutes:
    """A review whose every piece of user text is written in mark-up."""
    review = _review(series, notes="\n".join(MARKUP))
    for n, text in enumerate(MARKUP):
        _item(review, n, text, detail=text, notes=text)
    _item(review, 9, "Dropped", dropped_at=review.closed_at, drop_reason=MARKUP[1])
    Decision.objects.create(
        organization=personas.org,
        review=review,
        title=MARKUP[0],
        rationale=MARKUP[1],
        options_considered=MARKUP[2],
    )
    ActionItem.objects.create(
        organization=personas.org,
        review=review,
        title=MARKUP[1],
        owner=personas.member,
        due_on=date(2026, 1, 19),
    )
    Win.objects.create(organization=personas.org, review=review, title=MARKUP[2], detail=MARKUP[0])
    return minutes_for(review)


def test_user_markup_stays_text_in_html(marked_up: Minutes) -> None:
    page = render_html(marked_up)
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert 'href="http://evil"' not in page
    assert "<script" not in page


def test_user_markup_stays_text_in_markdown(marked_up: Minutes) -> None:
    text = render_markdown(marked_up)
    assert "[a](http://evil)" not in text
    assert "<b>" not in text
    assert not re.search(r"^\s*(?:[-*+]\s+|\d+\.\s+)?#+ h", text, re.MULTILINE)
    assert r"\[a\](http://evil)" in text
    assert r"\<b\>x\</b\>" in text
    assert r"\# h" in text


def test_user_markup_renders_as_literal_text_through_a_markdown_engine(marked_up: Minutes) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    page = markdown_it.MarkdownIt("commonmark").render(render_markdown(marked_up))
    assert "http://evil" not in re.findall(r'href="([^"]*)"', page)
    assert "<b>" not in page
    assert not re.search(r"<h\d>\s*h\s*</h\d>", page)
    assert "[a](http://evil)" in html.unescape(page)
    assert "<b>x</b>" in html.unescape(page)


def test_user_markup_stays_text_in_the_pdf(marked_up: Minutes) -> None:
    text = _flat(_pdf_text(render_pdf(marked_up)))
    for markup in MARKUP:
        assert markup in text, markup


def test_a_dropped_item_shows_with_its_reason_in_every_format(held: Held) -> None:
    minutes = minutes_for(held.review)
    for text in (
        _html_text(render_html(minutes)),
        _flat(render_markdown(minutes)),
        _flat(_pdf_text(render_pdf(minutes))),
    ):
        assert "Dropped items" in text
        assert "Office move" in text
        assert "Reason: Postponed to next month" in text


def test_an_empty_review_still_renders_in_every_format(series: ReviewSeries) -> None:
    minutes = minutes_for(_review(series))
    assert "None." in render_markdown(minutes)
    assert "None." in render_html(minutes)
    assert "None." in _pdf_text(render_pdf(minutes))


def test_the_minutes_render_in_the_language_asked_for(held: Held) -> None:
    minutes = minutes_for(held.review)
    with translation.override("nl"):
        page, text, data = render_html(minutes), render_markdown(minutes), render_pdf(minutes)
    assert data.startswith(b"%PDF")
    for rendered in (_html_text(page), _flat(text), _flat(_pdf_text(data))):
        assert "Weekly business–IT review" in rendered
        assert "Pause the claims portal rollout" in rendered
        assert "12 jan 2026 09:00" in rendered.lower()  # Dutch writes month names in lower case
    assert PdfReader(io.BytesIO(data)).pdf_header.startswith("%PDF")
    with translation.override("en"):
        assert render_markdown(minutes).startswith("# Minutes: Weekly business–IT review")


def test_the_fonts_are_registered_once(held: Held) -> None:
    minutes = minutes_for(held.review)
    render_pdf(minutes)
    render_pdf(minutes)
    assert core_pdf.register_fonts.cache_info().misses <= 1
