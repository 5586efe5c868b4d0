"""Issue 16's home page and alignment index in a real browser, on the demo organisation.

The finance director (a business lead) signs in and her home page answers "what needs me?": the
why check she has yet to answer and the key result whose check-in is due, each a link to where it
is done; then the organisation's alignment index with its three biggest causes. She opens the index
page. The partner's home page shows only their own due items: no index and no getting-started
checklist, which the owner does see while a step is open. The survey results open with their
summary and the business-vs-IT diverging bars. Screenshots go to ``tests/artifacts/`` (those in
``docs/review/issue-16/`` were taken from there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.demo import DEMO_SLUG, OWNER_EMAIL
from tandem.core.insights import NeedItem
from tandem.core.models import Department, Membership, Organization
from tandem.core.navigation import app_hooks
from tandem.surveys.models import Campaign
from tests.browser.conftest import SeedDemo, open_nav, sign_in

pytestmark = pytest.mark.browser

BUSINESS_LEAD = "finance.lead@example.com"  # Femke Visser, the finance director: business side, lead
PARTNER = "partner@cloudline.example"  # Pat Quinn of Cloudline


@pytest.fixture
def demo(seeded_demo: SeedDemo) -> Organization:
    return seeded_demo()


@pytest.fixture
def review(artifacts: Path) -> Path:
    return artifacts


def needs_of(org: Organization, email: str) -> list[NeedItem]:
    membership = Membership.objects.for_org(org).get(user__email=email)
    today = timezone.localdate()
    return [item for source in app_hooks("tandem_needs_me") for item in source(membership, today)]


def test_the_home_page_shows_a_business_lead_what_needs_her(
    demo: Organization, page: Page, live_server: LiveServer, console_problems: list[str], review: Path
) -> None:
    due = needs_of(demo, BUSINESS_LEAD)
    why_check = next(i for i in due if i.kind == "answer" and "/why-checks/" in i.url)
    check_in = next(i for i in due if i.kind == "check_in")

    sign_in(page, live_server.url, email=BUSINESS_LEAD)
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.name)
    needs = page.get_by_role("region", name="What needs you")
    answers = needs.get_by_role("list", name="Answers due")
    expect(answers.get_by_role("listitem").filter(has_text=why_check.title)).to_contain_text(why_check.action)
    expect(answers.get_by_role("link", name=why_check.action).first).to_have_attribute("href", why_check.url)
    check_ins = needs.get_by_role("list", name="Check-ins due")
    expect(check_ins.get_by_role("listitem").filter(has_text=check_in.title)).to_be_visible()
    expect(check_ins.get_by_role("link", name=check_in.action).first).to_have_attribute("href", check_in.url)

    # The organisation's index, with the rows that cost it most; no checklist for a lead.
    alignment = page.get_by_role("region", name="Alignment index")
    expect(alignment).to_contain_text(re.compile(r"\d+ / 100"))
    expect(alignment.locator(".insights-causes li")).to_have_count(3)
    expect(alignment.get_by_role("img", name="The alignment index over the weeks")).to_be_visible()
    expect(page.get_by_role("region", name="Getting started")).to_have_count(0)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0, f"the home page scrolls sideways by {overflow}px"
    page.screenshot(path=review / "01-home.png", full_page=True)

    # The whole index, from the top navigation.
    open_nav(page, "Alignment")
    expect(page.get_by_role("heading", name="Alignment index", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="The alignment index over time")).to_be_visible()
    components = page.get_by_role("region", name="Components")
    expect(components.get_by_role("row")).to_have_count(1 + 8 + 1)  # head, eight components, total
    page.screenshot(path=review / "02-alignment.png", full_page=True)

    # A component's rows, costliest first; a week of the history and what moved it.
    components.get_by_role("link", name=re.compile("Why-check", re.I)).first.click()
    expect(page.get_by_role("region", name="Rows").get_by_role("row").nth(1)).to_be_visible()
    page.go_back()
    page.get_by_role("region", name="Week by week").get_by_role("link").nth(3).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week of")
    expect(page.get_by_role("region", name=re.compile("^What moved it"))).to_contain_text("The index moved")
    assert not console_problems, console_problems


def test_a_partner_sees_no_index_and_no_checklist(
    demo: Organization, page: Page, live_server: LiveServer, console_problems: list[str]
) -> None:
    Department.objects.for_org(demo).delete()  # a step of the checklist open again
    sign_in(page, live_server.url, email=OWNER_EMAIL)
    checklist = page.get_by_role("region", name="Getting started")
    expect(checklist.get_by_role("link", name="Add your departments")).to_be_visible()
    page.context.clear_cookies()

    sign_in(page, live_server.url, email=PARTNER)
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.name)
    expect(page.get_by_role("region", name="What needs you")).to_be_visible()
    expect(page.get_by_role("region", name="Getting started")).to_have_count(0)
    expect(page.get_by_role("region", name="Alignment index")).to_have_count(0)
    assert not console_problems, console_problems
    response = page.goto(f"{live_server.url}/o/{DEMO_SLUG}/alignment/")
    assert response is not None
    assert response.status == 404


def test_the_survey_results_open_with_the_summary_and_diverging_bars(
    demo: Organization, page: Page, live_server: LiveServer, console_problems: list[str]
) -> None:
    campaign = Campaign.objects.for_org(demo).filter(closed_at__isnull=False).order_by("-closes_on").first()
    assert campaign is not None, "the demo has no closed survey"
    sign_in(page, live_server.url, email=OWNER_EMAIL)
    page.goto(f"{live_server.url}/o/{DEMO_SLUG}/surveys/{campaign.pk}/")
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_be_visible()
    # The business against IT, question by question: a chart of diverging bars in the summary.
    expect(summary.get_by_role("heading", name="Business and IT, question by question")).to_be_visible()
    expect(summary.get_by_role("img").first).to_be_visible()
    # The summary opens the results: it comes before every other section of them.
    sections = page.locator("main h2").all_inner_texts()
    assert "Summary" in sections, sections
    assert sections.index("Summary") == min(
        i for i, title in enumerate(sections) if title not in ("Results", "Anonymity")
    ), sections
    assert not console_problems, console_problems
