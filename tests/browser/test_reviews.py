"""The weekly review in a real browser, as the people who hold it walk it. The demo owner (business)
opens Reviews from the top navigation, the *Weekly business–IT review* series and its coming
review, whose agenda wrote itself: items linked to where they happened and the open actions
carried over. She records a decision, which waits for IT; the CIO, signed in beside her, confirms it
from the decision log, and it is confirmed by both sides. She adds an action for the enterprise
architect due in a week and a win thanking a developer, starts and closes the review, and reads the
decision, the action and the win in the minutes, which download as Markdown and as a PDF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.demo import DEMO_SLUG, OWNER_EMAIL
from tandem.core.models import Organization
from tandem.reviews import demo as reviews_demo
from tandem.reviews import selectors
from tandem.reviews.models import ActionItem, AgendaItem, Decision, Review, ReviewSeries, ReviewStatus, Win
from tests.browser.conftest import TIMEOUT_MS, SeedDemo, open_nav, sign_in

pytestmark = pytest.mark.browser

SERIES = reviews_demo.SERIES_NAME  # Weekly business–IT review
IT_ADMIN = "cio@example.com"  # Ahmed Haddad, the CIO: IT side
DECISION = "Pilot route planning in Venlo before rolling it out to every depot"
RATIONALE = "Venlo has the most varied routes: if it works there, it works everywhere."
ACTION = "Write the Venlo pilot's success criteria with the depot manager"
ACTION_OWNER = "Ivan Petrov"  # the enterprise architect, IT side
WIN = "Venlo drivers back on time"
THANKED = "Tom Bakker"  # the developer, IT side
BOTH = "confirmed by both sides"  # reviews/_decision_status.html
BUSINESS_ONLY = "confirmed by the business only"


@pytest.fixture
def demo(seeded_demo: SeedDemo) -> Organization:
    return seeded_demo()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def watched(page: Page, problems: list[str]) -> Page:
    """``page`` with its console errors and warnings (CSP violations among them) and uncaught
    errors added to ``problems``."""
    page.on(
        "console",
        lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    return page


def shown_date(day: date) -> str:
    """A date as the English pages show it: 22 Mar 2027."""
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


def field(scope: Page | Locator, label: str) -> Locator:
    """A form field by its label, which the forms end with a colon ("Due date:")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def test_a_weekly_review_from_its_generated_agenda_to_the_minutes(
    demo: Organization,
    page: Page,
    browser: Browser,
    contexts: list[BrowserContext],
    live_server: LiveServer,
    console_problems: list[str],
) -> None:
    series = ReviewSeries.objects.for_org(demo).get(name=SERIES)
    coming = selectors.current_review(series)
    assert coming is not None
    assert coming.status == ReviewStatus.PLANNED
    kept = AgendaItem.objects.for_org(demo).filter(review=coming, dropped_at__isnull=True)
    items = list(kept.order_by("position", "id"))
    linked = [i for i in items if i.url.startswith("/")]
    carried = [i for i in items if i.action_id is not None]
    assert linked, "the coming review's generated agenda links none of its items to a source"
    assert carried, "the coming review's generated agenda carries no open action over"
    review_path = f"/o/{DEMO_SLUG}/reviews/{coming.pk}/"
    due = timezone.localdate() + timedelta(days=7)

    # The owner (business) finds the coming review from the top navigation.
    sign_in(page, live_server.url, email=OWNER_EMAIL)
    open_nav(page, "Reviews")
    expect(page.get_by_role("heading", name="Weekly review", level=1)).to_be_visible()
    page.get_by_role("region", name="Review series").get_by_role("link", name=SERIES, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SERIES)
    page.get_by_role("region", name="Review to work on").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(re.escape(review_path) + "$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(SERIES)
    expect(heading).to_contain_text("Planned")

    # Its agenda wrote itself: items linked to where they happened, and the actions carried over.
    agenda = page.get_by_role("region", name="Agenda")
    sources = agenda.get_by_role("link").filter(has_not_text="Celebrate it")  # not a win's button
    expect(sources).to_have_count(len(linked))
    shown = sources.evaluate_all("links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])")
    assert shown == [[i.title, i.url] for i in linked]
    for item in carried:
        row = agenda.get_by_role("listitem").filter(has_text=item.title)
        expect(row).to_contain_text("Carried-over action")
        expect(row).to_contain_text(re.compile(r"carried over, \d+ days?"))
    carried_table = page.get_by_role("region", name="Action items").get_by_role("row")
    expect(carried_table.filter(has_text=carried[0].title)).to_contain_text("carried over,")

    # She records a decision from the review page: it is confirmed for her side only.
    decisions = page.get_by_role("region", name="Decisions")
    decisions.locator("summary", has_text="Record a decision").click()  # open the step
    field(decisions, "Decision").fill(DECISION)
    field(decisions, "Rationale").fill(RATIONALE)
    decisions.get_by_role("button", name="Record and confirm for my side").click()
    expect(page.get_by_role("status")).to_contain_text("Decision recorded and confirmed for your side.")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(DECISION)
    expect(heading).to_contain_text(BUSINESS_ONLY)
    expect(heading).not_to_contain_text(BOTH)
    confirmed_by = page.get_by_role("region", name="Confirmed by")
    expect(confirmed_by.get_by_role("listitem").filter(has_text="Business")).to_contain_text("Olivia Brandt")
    expect(confirmed_by.get_by_role("listitem").filter(has_text="IT")).to_contain_text("waiting")
    # The business side has confirmed: she cannot confirm it for IT.
    expect(page.get_by_role("button", name=re.compile("^Confirm for my side"))).to_have_count(0)
    decision = Decision.objects.for_org(demo).get(title=DECISION)
    assert decision.review_id == coming.pk
    assert decision.confirmed_at is None

    # The CIO, in a browser of his own, confirms it for IT from the decision log.
    context = browser.new_context(viewport=page.viewport_size, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    contexts.append(context)
    cio = watched(context.new_page(), console_problems)
    sign_in(cio, live_server.url, email=IT_ADMIN)
    open_nav(cio, "Reviews")
    cio.get_by_role("navigation", name="Weekly review").get_by_role("link", name="Decision log").click()
    cio.get_by_role("link", name=DECISION, exact=True).click()
    expect(cio.get_by_role("heading", level=1)).to_contain_text(BUSINESS_ONLY)
    cio.get_by_role("region", name="Confirmed by").get_by_role(
        "button", name=re.compile(rf"^Confirm for my side\s*: {re.escape(DECISION)}$")
    ).click()
    confirmed = "Confirmed: both sides have now confirmed this decision."
    expect(cio.get_by_role("status")).to_contain_text(confirmed)
    expect(cio.get_by_role("heading", level=1)).to_contain_text(BOTH)
    confirmed_by = cio.get_by_role("region", name="Confirmed by")
    expect(confirmed_by.get_by_role("listitem").filter(has_text="IT")).to_contain_text("Ahmed Haddad")
    expect(confirmed_by.get_by_role("button")).to_have_count(0)
    decision.refresh_from_db()
    assert decision.confirmed_at is not None

    # Back in the review, the owner sees it confirmed by both sides.
    page.goto(live_server.url + review_path)
    decisions = page.get_by_role("region", name="Decisions")
    expect(decisions.get_by_role("heading", name=re.compile(re.escape(DECISION)))).to_contain_text(BOTH)

    # An action for the architect, due in a week.
    actions = page.get_by_role("region", name="Action items")
    actions.locator("summary", has_text="Add an action").click()
    field(actions, "Action").fill(ACTION)
    field(actions, "Owner").select_option(label=f"{ACTION_OWNER} (IT)")
    field(actions, "Due date").fill(due.isoformat())
    actions.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("status")).to_contain_text("Action added.")
    expect(page).to_have_url(re.compile(re.escape(review_path) + "$"))
    raised = page.get_by_role("region", name="Action items").get_by_role("row").filter(has_text=ACTION)
    expect(raised).to_contain_text(ACTION_OWNER)
    expect(raised).to_contain_text(shown_date(due))

    # A win, thanking the developer.
    wins = page.get_by_role("region", name="Wins")
    wins.locator("summary", has_text="Celebrate a win").click()
    field(wins, "Win").fill(WIN)
    wins.get_by_label(f"{THANKED} (IT)", exact=True).check()
    wins.get_by_role("button", name="Celebrate it").click()
    expect(page.get_by_role("status")).to_contain_text("Win recorded.")
    celebrated = page.get_by_role("region", name="Wins").get_by_role("listitem").filter(has_text=WIN)
    expect(celebrated).to_contain_text(f"thanks to {THANKED}")

    # Start the review, then close it.
    page.get_by_role("button", name="Start the review").click()
    expect(page.get_by_role("status")).to_contain_text("The review has started.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("In progress")
    expect(page.get_by_role("button", name="Start the review")).to_have_count(0)
    closing = page.get_by_role("region", name="Close the review")
    field(closing, "Notes for the minutes").fill("Venlo first, then every depot.")
    closing.get_by_role("button", name="Close and send the minutes").click()
    expect(page.get_by_role("status")).to_contain_text("Review closed.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    coming.refresh_from_db()
    assert coming.status == ReviewStatus.CLOSED

    # The minutes: the decision, the action and the win.
    page.get_by_role("link", name="Read the minutes").click()
    expect(page.get_by_role("heading", name="Minutes", level=1)).to_be_visible()
    minutes = page.get_by_role("article")
    expect(minutes.get_by_role("heading", name=DECISION, level=4)).to_be_visible()
    expect(minutes.get_by_text(BOTH, exact=True)).to_be_visible()
    expect(minutes.get_by_text(RATIONALE)).to_be_visible()
    action_row = minutes.get_by_role("row").filter(has_text=ACTION)
    expect(action_row.get_by_role("cell")).to_have_text([ACTION, ACTION_OWNER, shown_date(due)])
    win = minutes.get_by_role("listitem").filter(has_text=WIN)
    expect(win).to_contain_text(f"thanks to {THANKED}")

    # The downloads: Markdown and PDF.
    markdown = page.get_by_role("link", name="Download as Markdown")
    pdf = page.get_by_role("link", name="Download as PDF")
    expect(markdown).to_have_attribute("href", f"{review_path}minutes.md")
    expect(pdf).to_have_attribute("href", f"{review_path}minutes.pdf")
    answer = page.request.get(f"{live_server.url}{review_path}minutes.md")
    assert answer.ok
    assert answer.headers["content-type"].startswith("text/markdown")
    text = answer.text()
    assert DECISION in text
    assert ACTION in text
    assert WIN in text
    answer = page.request.get(f"{live_server.url}{review_path}minutes.pdf")
    assert answer.ok
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")

    action = ActionItem.objects.for_org(demo).get(title=ACTION)
    assert (action.review_id, action.owner.user.name, action.due_on) == (coming.pk, ACTION_OWNER, due)
    assert list(Win.objects.for_org(demo).get(title=WIN).thanked.values_list("user__name", flat=True)) == [
        THANKED
    ]
    assert Review.objects.for_org(demo).get(pk=coming.pk).closed_by is not None
    assert console_problems == []
