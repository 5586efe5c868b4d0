"""Issue 4's acceptance test in a real browser: the two demo co-leads answer a why check blind, each in
their own browser, and both see the verdict and the explanation after the second answer.

The comparison runs through the real pipeline: the answer enqueues the scoring task, and the worker
(``call_command("worker", batch=True)``, in this process, against the live server's database) runs
the scorer with the default embedding engine, as in production.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.models import Membership, Organization
from tandem.strategy.models import Initiative, Stage
from tandem.whycheck import services
from tandem.whycheck.models import RoundStatus, WhyCheck
from tests.browser.conftest import DESKTOP, TIMEOUT_MS, SeedDemo, sign_in

pytestmark = pytest.mark.browser

BUSINESS_EMAIL = "sales.lead@example.com"  # Bea de Vries, Head of Sales
IT_EMAIL = "architect@example.com"  # Ivan Petrov, Enterprise Architect
BUSINESS_WHY = (
    "Sales reps should steer on margin instead of volume: when they see every week what each signed "
    "deal earns them, they stop discounting to close."
)
IT_WHY = (
    "Give sales reps a weekly statement of the commission each signed contract earns, so that they "
    "steer on margin rather than on volume."
)
# A form's #anchor survives the redirect after it.
ROUND_PATH = re.compile(r"/o/demo/why-checks/\d+/(#[\w-]+)?$")
VERDICTS = re.compile(r"^(Aligned|Needs discussion|Misaligned)$")
CSP_LISTENER = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.fixture
def demo(seeded_demo: SeedDemo) -> Organization:
    return seeded_demo()


@pytest.fixture
def initiative(demo: Organization) -> Initiative:
    """An open demo initiative co-led by Bea (business) and Ivan (IT), with no round waiting."""
    found = (
        Initiative.objects.for_org(demo)
        .filter(business_co_lead__user__email=BUSINESS_EMAIL, it_co_lead__user__email=IT_EMAIL)
        .exclude(stage__in=[Stage.CLOSED, Stage.CANCELLED])
        .order_by("pk")
        .first()
    )
    assert found is not None, "the demo has no open initiative co-led by Bea de Vries and Ivan Petrov"
    owner = Membership.objects.for_org(demo).get(role="owner")
    for waiting in WhyCheck.objects.for_org(demo).filter(initiative=found, status=RoundStatus.OPEN):
        services.whycheck_close(actor=owner, why_check=waiting)
    return found


def new_page(browser: Browser, contexts: list[BrowserContext], problems: list[str]) -> Page:
    """A page in a browser context of its own: its own cookies, so its own person."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    contexts.append(context)
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    page.on(
        "console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    return page


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def fill_answer(page: Page, why: str, measure: tuple[str, str, str, str]) -> None:
    form = page.locator("#your-answer")
    form.get_by_label("Why are we doing this?").fill(why)
    name, target, unit, by = measure
    first = form.get_by_role("group", name="Measure 1", exact=True)
    first.get_by_label("Name").fill(name)
    first.get_by_label("Target").fill(target)
    first.get_by_label("Unit").fill(unit)
    first.get_by_label("By").fill(by)
    form.get_by_role("button", name="Save my answer").click()


def expect_verdict_and_explanation(page: Page) -> None:
    outcome = page.locator("#comparison")
    expect(outcome.get_by_text("scoring…")).to_have_count(0)
    expect(outcome.locator(".badge").first).to_have_text(VERDICTS)
    expect(outcome).to_contain_text(re.compile(r"Agreement score \d\.\d\d"))
    expect(outcome).to_contain_text(re.compile(r"\(agreement \d\.\d\d\)\."))  # the explanation
    expect(outcome.get_by_role("heading", name="Shared measures")).to_be_visible()
    expect(outcome.get_by_role("table").filter(has_text="Average margin on new contracts")).to_be_visible()
    answers = page.locator("#answers")
    expect(answers.get_by_role("article")).to_have_count(2)  # side by side: business | IT
    expect(answers.get_by_role("article").nth(0)).to_contain_text(BUSINESS_WHY)
    expect(answers.get_by_role("article").nth(1)).to_contain_text(IT_WHY)


def test_the_co_leads_answer_blind_and_both_see_the_verdict_and_explanation(
    browser: Browser,
    live_server: LiveServer,
    initiative: Initiative,
    contexts: list[BrowserContext],
    artifacts: Path,
) -> None:
    problems: list[str] = []
    bea = new_page(browser, contexts, problems)
    ivan = new_page(browser, contexts, problems)
    sign_in(bea, live_server.url, email=BUSINESS_EMAIL)
    expect(bea).to_have_url(re.compile(r"/o/demo/$"))
    sign_in(ivan, live_server.url, email=IT_EMAIL)
    expect(ivan).to_have_url(re.compile(r"/o/demo/$"))

    # Bea starts a round on her initiative, with the default deadline a week ahead.
    bea.get_by_role("navigation", name="Organisation").get_by_role("link", name="Why checks").click()
    bea.get_by_label("Initiative").select_option(label=initiative.title)
    bea.get_by_role("button", name="Open its why checks").click()
    expect(bea.get_by_role("heading", level=1)).to_contain_text(initiative.title)
    bea.get_by_role("button", name="Start the why check").click()
    expect(bea).to_have_url(ROUND_PATH)
    expect(bea.get_by_role("status")).to_contain_text("both co-leads are asked to answer by")
    expect(bea.get_by_text("Why are we doing this, and how will we measure success?")).to_be_visible()

    # She answers; her answer stays hers.
    fill_answer(bea, BUSINESS_WHY, ("Average margin on new contracts", "11", "%", "2027-06-30"))
    expect(bea.get_by_role("status")).to_contain_text("Your answer is saved. It stays hidden")
    round_url = bea.url.split("#")[0]

    # Ivan finds the round waiting for him; he sees that Bea answered, never what.
    ivan.get_by_role("navigation", name="Organisation").get_by_role("link", name="Why checks").click()
    waiting = ivan.locator("section", has=ivan.get_by_role("heading", name="Waiting for your answer"))
    waiting.get_by_role("link", name=initiative.title).click()
    expect(ivan).to_have_url(ROUND_PATH)
    assert ivan.url == round_url
    expect(ivan.locator("#answers")).to_contain_text("answered")
    expect(ivan.get_by_text(BUSINESS_WHY)).to_have_count(0)
    ivan.screenshot(path=artifacts / "why-check-blind.png", full_page=True)
    assert "steer on margin instead of volume: when they see" not in ivan.content()

    fill_answer(ivan, IT_WHY, ("Average margin on new contracts", "11", "%", "2027-06-30"))
    expect(ivan.locator("ul.messages")).to_contain_text("Both answers are in")
    expect(ivan.locator("#comparison")).to_contain_text("scoring…")
    expect(ivan.locator("#answers").get_by_role("article")).to_have_count(2)

    # The comparison runs in the worker, never in a request.
    call_command("worker", batch=True, verbosity=0)
    for page in (ivan, bea):
        page.goto(round_url)
        expect_verdict_and_explanation(page)
    bea.screenshot(path=artifacts / "why-check-revealed.png", full_page=True)

    # The initiative's history shows the round with its score on the chart.
    bea.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=initiative.title).click()
    expect(bea.get_by_role("img", name="Agreement score over time")).to_be_visible()
    bea.screenshot(path=artifacts / "why-check-history.png", full_page=True)

    violations = [v for page in (bea, ivan) for v in page.evaluate("window.__csp || []")]
    assert violations == [], violations
    assert [p for p in problems if "Content Security Policy" in p or p.startswith("pageerror")] == []
