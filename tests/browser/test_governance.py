"""Governance in a real browser. The RACI matrix with the keyboard alone: the demo owner opens the
invalid matrix of *Dynamic route optimisation*, reads the rule violations, moves through the cells
with Tab and types letters to fix them; each change saves at once and the named violations go away.
An incident, raised by a member, handed over by a lead and acknowledged by the partner."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.models import Organization
from tandem.governance import demo as governance_demo
from tandem.governance.models import RaciActivity, Service
from tandem.strategy import demo as strategy_demo
from tandem.strategy.models import Initiative
from tests.browser.conftest import DESKTOP, TIMEOUT_MS, SeedDemo, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(seeded_demo: SeedDemo) -> Organization:
    return seeded_demo()


def test_an_owner_fixes_an_invalid_matrix_with_the_keyboard(
    demo: Organization, page: Page, live_server: LiveServer, console_problems: list[str]
) -> None:
    routes = Initiative.objects.for_org(demo).get(title=strategy_demo.INITIATIVES[1].title)
    requirements, _design, build = list(RaciActivity.objects.for_org(demo).filter(initiative=routes))[:3]
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/o/demo/initiatives/{routes.pk}/raci/")
    problems = page.locator("#raci-problems")
    expect(problems).to_contain_text("“Requirements” has nobody responsible (R)")
    expect(problems).to_contain_text("“Build” has 2 accountable (A)")

    # Requirements: the IT admin (second column) does the work. Focus the row's first cell, Tab
    # to the second and type R.
    page.get_by_label(f"{requirements.name} — Olivia Brandt").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label(f"{requirements.name} — Ahmed Haddad")).to_be_focused()
    page.keyboard.type("R")
    expect(problems).not_to_contain_text("“Requirements” has nobody responsible (R)")

    # Build: Bridgework (the fourth column) is responsible, not accountable: type R over its A.
    bridgework = page.get_by_label(f"{build.name} — Bridgework Integrators")
    bridgework.focus()
    page.keyboard.type("R")
    expect(problems).not_to_contain_text("“Build” has 2 accountable (A)")
    expect(problems).to_contain_text("The matrix is valid, with these warnings")
    expect(problems).to_contain_text("Bridgework Integrators is responsible for")

    page.reload()  # saved, not only shown
    expect(page.get_by_label(f"{build.name} — Bridgework Integrators")).to_have_value("R")
    assert console_problems == []


def test_an_incident_goes_from_a_member_through_a_lead_to_the_partner_who_acknowledges_it(
    demo: Organization, browser: Browser, live_server: LiveServer
) -> None:
    """A business member raises an incident about RouteWise's route-planning engine; the IT lead
    hands it over to Cloudline; Cloudline's account manager (the partner) acknowledges it, and the
    page shows the acknowledgement and both parties' clocks."""
    routing = next(spec for spec in governance_demo.SERVICES if spec.key == "routing")
    service = Service.objects.for_org(demo).get(name=routing.name)
    problems: list[str] = []

    with _signed_in(browser, live_server, "analyst@example.com", problems) as member:
        member.goto(f"{live_server.url}/o/demo/incidents/new/?service={service.pk}")
        expect(member.get_by_label("Service")).to_have_value(str(service.pk))
        member.get_by_label("Title").fill("Morning routes missing for the Venlo depot")
        member.get_by_label("Severity").select_option(label="P2 high")
        member.get_by_role("button", name="Raise the incident").click()
        expect(
            member.get_by_role("heading", name="Morning routes missing for the Venlo depot")
        ).to_be_visible()
        incident_url = member.url

    with _signed_in(browser, live_server, "architect@example.com", problems) as lead:
        lead.goto(incident_url)
        lead.locator("summary", has_text="Hand over").click()  # open the step
        lead.get_by_label("Hand over to").select_option(label="Cloudline")
        lead.get_by_label("Why").fill("The engine runs fine; the plans never reach Cloudline's storage.")
        lead.get_by_role("button", name="Hand over").click()
        expect(lead.locator("ul.messages")).to_contain_text("Handed over")

    with _signed_in(browser, live_server, "partner@cloudline.example", problems) as partner:
        partner.goto(incident_url)
        partner.get_by_role("button", name="Acknowledge").click()
        expect(partner.locator("ul.messages")).to_contain_text("Acknowledged")
        clocks = partner.locator("#clocks tbody tr")
        expect(clocks).to_have_count(2)
        expect(clocks.nth(0)).to_contain_text("RouteWise")
        expect(clocks.nth(1)).to_contain_text("Cloudline")
        expect(clocks.nth(1)).to_contain_text("after")  # acknowledged, after so many working hours
        expect(partner.locator("#timeline")).to_contain_text("Acknowledged")
        expect(partner.locator("#timeline")).to_contain_text("Pat Quinn")
    assert problems == []


@contextmanager
def _signed_in(browser: Browser, live_server: LiveServer, email: str, problems: list[str]) -> Iterator[Page]:
    """A page of a fresh browser context (its own cookies) signed in as ``email``."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type in ("error", "warning") else None,
    )
    try:
        sign_in(page, live_server.url, email=email)
        yield page
    finally:
        context.close()
