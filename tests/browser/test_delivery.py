"""Delivery in a real browser, as the people who use it walk it. The business co-lead of *Live
shipment tracking for customers* rejects the deliverable offered to her (a first try without saying
what was wrong keeps what she chose) and the offer history shows why; she approves the open change
request and the delivery tab shows the current plan moved while the baseline stays, as does the
owner's approval of a deferred request that moves the target date. An end user on a phone, without
an account, rates a deliverable through its feedback link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import formats, translation
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.demo import OWNER_EMAIL, demo_seed
from tandem.core.models import Membership, Organization, Role
from tandem.core.numbers import number
from tandem.delivery import demo as delivery_demo
from tandem.delivery import selectors, services
from tandem.delivery.models import (
    Baseline,
    ChangeRequest,
    ChangeStatus,
    Deliverable,
    DeliverableStatus,
    Feedback,
    RejectionReason,
)
from tandem.strategy import demo as strategy_demo
from tandem.strategy.models import Initiative
from tests.browser.conftest import PASSWORD, PHONE, TIMEOUT_MS, open_nav, sign_in

pytestmark = pytest.mark.browser

TRACKING = strategy_demo.INITIATIVES[delivery_demo.TRACKING].title  # Live shipment tracking…
ROUTES = strategy_demo.INITIATIVES[delivery_demo.ROUTES].title  # Dynamic route optimisation
# The business co-lead of the tracking initiative: Mia Jansen, a member on the business side.
BUSINESS_CO_LEAD = "analyst@example.com"
OFFERED = next(d for d in delivery_demo.DELIVERABLES if d.key == "driver_text")  # awaits her decision
RATED = next(d for d in delivery_demo.DELIVERABLES if d.key == "notifications")  # accepted, rated
OPEN_CHANGE = next(c for c in delivery_demo.CHANGES if c.key == "ingress")  # awaiting a decision
DEFERRED_CHANGE = next(c for c in delivery_demo.CHANGES if c.key == "antwerp")  # deferred by the owner
WRONG = "The text came 50 minutes early on half of the Venlo test deliveries."
REFUSED = (
    "console.error: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
)
COMMENT = "The e-mail came in Dutch this time, and the window was right."


@pytest.fixture
def demo(transactional_db: None) -> Organization:
    org, created = demo_seed(password=PASSWORD)
    assert created
    return org


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


def shown_money(amount: Decimal) -> str:
    """An amount as the plan table shows it: EUR 438,000."""
    with translation.override("en"):
        return f"EUR {number(amount)}"


def plan_row(page: Page, label: str) -> Locator:
    """A row (Budget, Target date) of the delivery tab's baseline-and-current-plan table."""
    plan = page.get_by_role("region", name="Baseline and current plan")
    return plan.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label, exact=True))


def open_delivery_tab(page: Page, initiative: str) -> None:
    """From the portfolio to an initiative's delivery tab, through the delivery dashboard."""
    open_nav(page, "Portfolio")
    page.get_by_role("link", name="Delivery", exact=True).click()
    expect(page.get_by_role("heading", name="Delivery", level=1)).to_be_visible()
    per_initiative = page.get_by_role("region", name="Per initiative")
    per_initiative.get_by_role("link", name=initiative, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delivery: {initiative}")


def test_the_business_co_lead_rejects_an_offered_deliverable_and_the_history_says_why(
    demo: Organization, page: Page, live_server: LiveServer, console_problems: list[str], artifacts: Path
) -> None:
    criterion = OFFERED.criteria[0]  # "The text arrives 25 to 35 minutes before the driver does"
    sign_in(page, live_server.url, email=BUSINESS_CO_LEAD)
    open_delivery_tab(page, TRACKING)
    deliverables = page.get_by_role("region", name="Deliverables")
    offered_row = deliverables.get_by_role("row").filter(has_text=OFFERED.title)
    expect(offered_row).to_contain_text("Offered for acceptance")
    page.screenshot(path=artifacts / "delivery-tab.png", full_page=True)

    deliverables.get_by_role("link", name=OFFERED.title, exact=True).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(OFFERED.title)
    expect(heading).to_contain_text("Offered for acceptance")
    offers = page.get_by_role("region", name="Offers to the business")
    expect(offers).to_contain_text("Awaiting a decision")

    # She rejects it but forgets to say what was wrong: the error, and nothing she chose is lost.
    steps = page.get_by_role("region", name="Next step")
    steps.get_by_label("Reject", exact=True).check()
    steps.get_by_label("Reason for a rejection").select_option(label="Not what we expected")
    steps.get_by_label(criterion).check()
    steps.get_by_role("button", name="Record the decision").click()
    steps = page.get_by_role("region", name="Next step")
    expect(steps.get_by_text("Say what was wrong, so it can be reworked.")).to_be_visible()
    expect(steps.get_by_label("Reject", exact=True)).to_be_checked()
    expect(steps.get_by_label("Reason for a rejection")).to_have_value(RejectionReason.NOT_WHAT_WE_EXPECTED)
    expect(steps.get_by_label(criterion)).to_be_checked()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Offered for acceptance")  # nothing decided

    steps.get_by_label("Remarks, or what was wrong").fill(WRONG)
    steps.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Decision recorded.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rejected: in rework")
    expect(page.get_by_role("region", name="Next step").get_by_label("Reject", exact=True)).to_have_count(0)

    # The offer history: the rejection, its reason, what was wrong and the criterion not met.
    offer = page.get_by_role("region", name="Offers to the business").get_by_role("row").nth(1)
    expect(offer).to_contain_text("Rejected")
    expect(offer).to_contain_text("Not what we expected")
    expect(offer).to_contain_text(WRONG)
    expect(offer).to_contain_text("Criteria not met:")
    expect(offer.get_by_role("listitem")).to_have_text([criterion])
    expect(offer).to_contain_text("Mia Jansen")
    criteria = page.get_by_role("region", name="Acceptance criteria")
    expect(criteria.get_by_role("listitem").filter(has_text=criterion)).to_contain_text(
        "not met at the last offer"
    )
    expect(criteria.get_by_text("not met at the last offer")).to_have_count(1)

    deliverable = Deliverable.objects.for_org(demo).get(title=OFFERED.title)
    assert deliverable.status == DeliverableStatus.REJECTED
    # The refused first try answered 422 (the page with the error), which Chromium logs as a failed
    # load; that one is expected, nothing else is.
    assert console_problems == [REFUSED]


def test_approved_change_requests_move_the_current_plan_and_leave_the_baseline(
    demo: Organization,
    page: Page,
    browser: Browser,
    contexts: list[BrowserContext],
    live_server: LiveServer,
    console_problems: list[str],
) -> None:
    tracking = Initiative.objects.for_org(demo).get(title=TRACKING)
    baseline = Baseline.objects.for_org(demo).get(initiative=tracking)
    change = ChangeRequest.objects.for_org(demo).get(title=OPEN_CHANGE.title)
    assert change.status == ChangeStatus.OPEN
    assert tracking.budget_amount is not None
    assert tracking.target_date is not None
    assert baseline.budget_amount is not None
    assert baseline.target_date is not None
    new_budget = tracking.budget_amount + change.budget_impact
    new_target = tracking.target_date + timedelta(days=change.schedule_impact_days)

    # The business co-lead opens the open request from the initiative's delivery tab and approves it.
    sign_in(page, live_server.url, email=BUSINESS_CO_LEAD)
    open_delivery_tab(page, TRACKING)
    expect(plan_row(page, "Budget").get_by_role("cell").nth(1)).to_have_text(
        shown_money(tracking.budget_amount)
    )
    changes = page.get_by_role("region", name="Change requests")
    changes.get_by_role("link", name=OPEN_CHANGE.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN_CHANGE.title)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Awaiting a decision")
    decision = page.get_by_role("region", name="Decision")
    decision.get_by_label("Approve", exact=True).check()
    decision.get_by_label("Reason for the decision").fill(
        "Agreed: the peak is not the moment to share nodes."
    )
    decision.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Approved: the initiative's current budget")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approved")
    decision = page.get_by_role("region", name="Decision")
    expect(decision).to_contain_text("by Mia Jansen")
    expect(decision.get_by_role("row").filter(has_text="Budget")).to_contain_text(shown_money(new_budget))

    decision.get_by_role("link", name="See the baseline and the current plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delivery: {TRACKING}")
    budget, target = (
        plan_row(page, "Budget").get_by_role("cell"),
        plan_row(page, "Target date").get_by_role("cell"),
    )
    expect(budget.nth(0)).to_have_text(shown_money(baseline.budget_amount))  # the baseline stays
    expect(budget.nth(1)).to_have_text(shown_money(new_budget))  # moved by EUR 18,000
    expect(target.nth(0)).to_have_text(shown_date(baseline.target_date))
    expect(target.nth(1)).to_have_text(shown_date(new_target))  # no schedule impact: the same day
    moves = page.get_by_role("region", name="Baseline and current plan").get_by_role("row")
    expect(moves.filter(has_text=OPEN_CHANGE.title)).to_contain_text(shown_money(new_budget))
    assert console_problems == []

    # The request the owner deferred moves the target date too: the owner, sponsor and business
    # co-lead of Dynamic route optimisation, approves it now.
    routes = Initiative.objects.for_org(demo).get(title=ROUTES)
    routes_baseline = Baseline.objects.for_org(demo).get(initiative=routes)
    deferred = ChangeRequest.objects.for_org(demo).get(title=DEFERRED_CHANGE.title)
    assert deferred.status == ChangeStatus.DEFERRED
    assert deferred.schedule_impact_days
    assert routes.budget_amount is not None
    assert routes.target_date is not None
    assert routes_baseline.budget_amount is not None
    assert routes_baseline.target_date is not None
    routes_budget = routes.budget_amount + deferred.budget_impact
    routes_target = routes.target_date + timedelta(days=deferred.schedule_impact_days)

    context = browser.new_context(viewport=page.viewport_size, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    contexts.append(context)
    owner = watched(context.new_page(), console_problems)
    sign_in(owner, live_server.url, email=OWNER_EMAIL)
    open_delivery_tab(owner, ROUTES)
    owner.get_by_role("region", name="Change requests").get_by_role(
        "link", name=DEFERRED_CHANGE.title, exact=True
    ).click()
    decision = owner.get_by_role("region", name="Decision")
    expect(decision).to_contain_text("Deferred before: approve or reject it now.")
    expect(decision.get_by_label("Defer", exact=True)).to_have_count(0)
    decision.get_by_label("Approve", exact=True).check()
    decision.get_by_label("Reason for the decision").fill("The Venlo pilot is ahead of plan: Antwerp joins.")
    decision.get_by_role("button", name="Record the decision").click()
    expect(owner.get_by_role("heading", level=1)).to_contain_text("Approved")
    owner.get_by_role("region", name="Decision").get_by_role(
        "link", name="See the baseline and the current plan"
    ).click()
    budget, target = (
        plan_row(owner, "Budget").get_by_role("cell"),
        plan_row(owner, "Target date").get_by_role("cell"),
    )
    expect(budget.nth(0)).to_have_text(shown_money(routes_baseline.budget_amount))
    expect(budget.nth(1)).to_have_text(shown_money(routes_budget))
    expect(target.nth(0)).to_have_text(shown_date(routes_baseline.target_date))
    expect(target.nth(1)).to_have_text(shown_date(routes_target))  # 30 days later
    assert routes_target != routes_baseline.target_date
    assert console_problems == []


def test_an_end_user_rates_a_deliverable_on_a_phone_without_an_account(
    demo: Organization,
    browser: Browser,
    contexts: list[BrowserContext],
    live_server: LiveServer,
    console_problems: list[str],
    artifacts: Path,
) -> None:
    owner = Membership.objects.for_org(demo).get(role=Role.OWNER)
    tracking = Initiative.objects.for_org(demo).get(title=TRACKING)
    deliverable = Deliverable.objects.for_org(demo).get(title=RATED.title)
    link = services.feedback_link_open(actor=owner, initiative=tracking, deliverable=deliverable)
    token = selectors.link_token(link)
    before = Feedback.objects.for_org(demo).count()

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    contexts.append(context)
    phone = watched(context.new_page(), console_problems)
    phone.goto(f"{live_server.url}/feedback/{token}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"How is “{RATED.title}” working for you?")
    expect(phone.get_by_role("note", name="Your privacy")).to_contain_text("No account needed.")
    expect(phone.get_by_role("navigation", name="Organisation")).to_have_count(0)

    rating = phone.get_by_role("group", name=re.compile("How well does it work for you"))
    labels = rating.locator("label")
    expect(labels).to_have_count(5)
    for i in range(5):
        box = labels.nth(i).bounding_box()
        assert box is not None
        assert box["width"] >= 40, f"rating {i + 1} is a {box} target"
        assert box["height"] >= 40, f"rating {i + 1} is a {box} target"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the feedback page scrolls sideways on a phone"
    )

    rating.get_by_label("4 · Good").tap()
    expect(rating.get_by_label("4 · Good")).to_be_checked()
    phone.get_by_label("What works, and what should be better?").fill(COMMENT)
    expect(phone.get_by_label("Your name (optional)")).to_have_value("")
    phone.screenshot(path=artifacts / "delivery-feedback-phone.png", full_page=True)
    phone.get_by_role("button", name="Send my feedback").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(phone.get_by_text(f"Your feedback on “{RATED.title}” has reached {demo.name}.")).to_be_visible()

    assert Feedback.objects.for_org(demo).count() == before + 1
    given = Feedback.objects.for_org(demo).get(link=link, comment=COMMENT)
    assert (given.rating, given.name, given.comment, given.deliverable_id) == (4, "", COMMENT, deliverable.pk)
    assert console_problems == []
