"""Issue 5's acceptance test in a real browser: someone opens their personal survey link without an
account, answers every question and is thanked; once the campaign closes, the admin signs in and
reads the results, with the business and IT side by side and the gap between them in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.models import Membership, Role, Side
from tandem.surveys import ratelimit, services
from tandem.surveys.models import Campaign, SurveyResponse, SurveyTemplate
from tests.browser.conftest import DESKTOP, PHONE, TIMEOUT_MS, sign_in
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.browser

OWNER_EMAIL = "owner@acme.test"
CSP_LISTENER = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)
NOTE = "Ask us before the solution is chosen."
BUSINESS_NOTE = "Tell us what is possible, not only what is not."


@pytest.fixture
def owner(transactional_db: None) -> Membership:
    org = OrganizationFactory.create(name="Acme Insurance", slug="acme")
    owner: Membership = MembershipFactory.create(
        organization=org, role=Role.OWNER, side=Side.BUSINESS, user__email=OWNER_EMAIL
    )
    services.settings_update(actor=owner, threshold=3)
    ratelimit.reset()
    return owner


@pytest.fixture
def campaign_and_link(owner: Membership) -> tuple[Campaign, str]:
    """A partnership pulse with four business and three IT responses in; the fourth IT person's
    link is left for the browser."""
    services.templates_install(owner.organization)
    template = SurveyTemplate.objects.for_org(owner.organization).get(key="partnership")
    today = timezone.localdate()
    recipients = [services.Recipient(f"biz{i}@acme.test", Side.BUSINESS) for i in range(4)]
    recipients += [services.Recipient(f"it{i}@acme.test", Side.IT) for i in range(4)]
    campaign = services.campaign_create(
        actor=owner,
        template=template,
        title="Spring partnership pulse",
        opens_on=today,
        closes_on=today + timedelta(days=14),
        audience="emails",
        recipients=recipients,
        send_email=False,
    )
    links = services.invitations_create(
        actor=owner, campaign=campaign, recipients=recipients, send_email=False
    )
    questions = list(template.questions.all())
    kept = ""
    for link, token, _delivery in links:
        assert token is not None  # handed out: shown this once
        if link.email == "it3@acme.test":
            kept = token
            continue
        value = 4 if link.side == Side.BUSINESS else 2
        answers: dict[str, object] = {q.field_name: value for q in questions if q.kind == "likert"}
        answers |= {
            q.field_name: NOTE if link.side == Side.IT else BUSINESS_NOTE
            for q in questions
            if q.kind == "text"
        }
        services.response_submit(token=token, answers=answers)
    return campaign, kept


def new_page(
    browser: Browser, contexts: list[BrowserContext], problems: list[str], viewport: ViewportSize
) -> Page:
    context = browser.new_context(viewport=viewport, locale="en-GB")
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


def test_a_person_answers_through_their_link_and_the_admin_reads_the_gap(
    browser: Browser,
    live_server: LiveServer,
    owner: Membership,
    campaign_and_link: tuple[Campaign, str],
    contexts: list[BrowserContext],
    artifacts: Path,
) -> None:
    campaign, token = campaign_and_link
    problems: list[str] = []

    # The respondent, on a phone, with no account.
    respondent = new_page(browser, contexts, problems, PHONE)
    respondent.goto(f"{live_server.url}/s/{token}/")
    expect(respondent.get_by_role("heading", level=1)).to_have_text("Spring partnership pulse")
    expect(respondent.get_by_role("note", name="Your anonymity")).to_contain_text(
        "groups of at least 3 people"
    )
    expect(respondent.get_by_role("navigation", name="Organisation")).to_have_count(0)
    questions = respondent.locator("fieldset.question")
    count = questions.count()
    assert count == campaign.template.questions.count()
    for i in range(count):
        fieldset = questions.nth(i)
        if fieldset.locator("textarea").count():
            fieldset.locator("textarea").fill(NOTE)
        else:
            fieldset.get_by_label("2 · Disagree").check()
    respondent.screenshot(path=artifacts / "survey-questionnaire.png", full_page=True)
    respondent.get_by_role("button", name="Send my answers").click()
    expect(respondent.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert SurveyResponse.objects.for_org(owner.organization).filter(campaign=campaign).count() == 8

    # The link works once.
    respondent.goto(f"{live_server.url}/s/{token}/")
    expect(respondent.get_by_text("already been used")).to_be_visible()

    # The campaign closes; the admin reads the results.
    services.campaign_close(actor=owner, campaign=campaign)
    admin = new_page(browser, contexts, problems, DESKTOP)
    sign_in(admin, live_server.url, email=OWNER_EMAIL, password=PASSWORD)
    expect(admin).to_have_url(re.compile(r"/o/acme/$"))
    admin.get_by_role("navigation", name="Organisation").get_by_role("link", name="Surveys").click()
    closed = admin.locator("section", has=admin.get_by_role("heading", name="Closed"))
    closed.get_by_role("link", name=re.compile("Results")).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Spring partnership pulse")
    gaps = admin.locator("#gaps")
    expect(gaps).to_contain_text("IT rates this 2.0 lower than the business (large difference, p = ")
    first = admin.get_by_role("article").first
    expect(first).to_contain_text("8 answers, mean 3.0.")
    by_group = first.get_by_role("table")
    expect(by_group.get_by_role("row", name=re.compile(r"^Business"))).to_contain_text("4.0")
    expect(by_group.get_by_role("row", name=re.compile(r"^IT"))).to_contain_text("2.0")
    expect(admin.get_by_text(NOTE).first).to_be_visible()
    expect(admin.get_by_text(BUSINESS_NOTE).first).to_be_visible()
    expect(admin.get_by_text("Grouping answers by meaning…")).to_be_visible()
    expect(admin.get_by_role("img", name=re.compile("Distribution of answers")).first).to_be_visible()
    admin.screenshot(path=artifacts / "survey-results.png", full_page=True)

    violations = [v for page in (respondent, admin) for v in page.evaluate("window.__csp || []")]
    assert violations == [], violations
    assert [p for p in problems if "Content Security Policy" in p or p.startswith("pageerror")] == []
