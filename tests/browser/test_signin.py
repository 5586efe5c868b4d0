"""Signing in to the demo organisation and finding one's way around, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.models import Invitation, Organization
from tests.browser.conftest import ORG_NAME, PHONE, SeedDemo, open_nav, sign_in

pytestmark = pytest.mark.browser

MEMBERS_PATH = re.compile(r"/o/demo/members/$")


@pytest.fixture
def demo(seeded_demo: SeedDemo) -> Organization:
    return seeded_demo()


def test_owner_signs_in_and_sees_the_members_of_both_sides(
    page: Page, live_server: LiveServer, demo: Organization, artifacts: Path
) -> None:
    sign_in(page, live_server.url)

    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(page).to_have_title(re.compile(ORG_NAME))

    open_nav(page, "Members")
    expect(page).to_have_url(MEMBERS_PATH)
    expect(page.get_by_role("heading", name="Members", level=1)).to_be_visible()
    nav_link = page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Members")
    expect(nav_link).to_have_attribute("aria-current", "page")

    members = page.get_by_role("table", name="Members of the organisation")
    expect(members.get_by_role("row")).to_have_count(1 + 10)  # the header and the ten demo people
    for name, side in [
        ("Olivia Brandt", "Business"),
        ("Ahmed Haddad", "IT"),
        ("Ivan Petrov", "IT"),
        ("Bea de Vries", "Business"),
        ("Pat Quinn", "Partner"),
    ]:
        row = members.get_by_role("row").filter(has_text=name)
        expect(row).to_have_count(1)
        expect(row.locator(".badge")).to_have_text(side)
    expect(members.locator(".badge.side-business")).to_have_count(6)
    expect(members.locator(".badge.side-it")).to_have_count(3)
    expect(members.locator(".badge.side-partner")).to_have_count(1)

    page.screenshot(path=artifacts / "members.png", full_page=True)


def test_wrong_password_shows_an_error_and_stays_on_the_sign_in_page(
    page: Page, live_server: LiveServer, demo: Organization
) -> None:
    sign_in(page, live_server.url, password="not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(
        page.get_by_text(re.compile("email address and/or password you specified are not correct"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    expect(page.get_by_role("navigation", name="Organisation")).to_have_count(0)
    # Nothing was signed in: the home page still sends us to the sign-in form.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_owner_invites_someone_from_the_members_page(
    page: Page, live_server: LiveServer, demo: Organization
) -> None:
    sign_in(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    open_nav(page, "Members")

    page.get_by_label("E-mail address").fill("new.architect@example.com")
    page.get_by_label("Role").select_option(label="Lead")
    page.get_by_label("Side").select_option(label="IT")
    page.get_by_label("Department").select_option(label="IT")
    page.get_by_label("Job title").fill("Solution Architect")
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_url(MEMBERS_PATH)
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to new.architect@example.com.")
    pending = page.get_by_role("row").filter(has_text="new.architect@example.com")
    expect(pending).to_have_count(1)
    expect(pending.get_by_role("button", name="Withdraw")).to_be_visible()

    invitation = Invitation.objects.for_org(demo).get(email="new.architect@example.com")
    assert (invitation.role, invitation.side, invitation.title) == ("lead", "it", "Solution Architect")
    assert invitation.department is not None
    assert invitation.department.name == "IT"


@pytest.mark.parametrize("viewport", [PHONE])
def test_org_home_on_a_phone(
    page: Page, live_server: LiveServer, demo: Organization, artifacts: Path
) -> None:
    sign_in(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)

    # Nothing sticks out sideways on a narrow screen.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0, f"the page scrolls sideways by {overflow}px at 390px wide"
    page.screenshot(path=artifacts / "home-phone.png", full_page=True)


@pytest.mark.parametrize("viewport", [PHONE])
def test_members_page_fits_a_phone(page: Page, live_server: LiveServer, demo: Organization) -> None:
    sign_in(page, live_server.url)
    open_nav(page, "Members")
    expect(page.get_by_role("heading", name="Members", level=1)).to_be_visible()

    # The wide table may scroll inside its frame, but the page itself must not.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0, f"the members page scrolls sideways by {overflow}px at 390px wide"


def test_pages_raise_no_content_security_policy_violations(
    page: Page, live_server: LiveServer, demo: Organization, console_problems: list[str]
) -> None:
    # The browser's own report, collected in addition to the console messages.
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    violations: list[str] = []

    def collect() -> None:
        violations.extend(page.evaluate("window.__csp || []"))

    response = page.goto(live_server.url + "/accounts/login/")
    # Without the header there is nothing to violate and the test would prove nothing.
    assert response is not None
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    collect()
    sign_in(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    collect()
    for label in ["Members", "Reviews", "Alignment", "Settings", "Home"]:
        open_nav(page, label)
        expect(
            page.get_by_role("navigation", name="Organisation").get_by_role("link", name=label)
        ).to_have_attribute("aria-current", "page")
        page.wait_for_load_state("load")
        collect()
    # The audit log is reached from the settings page; Settings stays the current section there.
    open_nav(page, "Settings")
    page.get_by_role("main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(
        page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Settings")
    ).to_have_attribute("aria-current", "page")
    collect()

    # htmx runs under the policy too: the inline edit form loads into the members table.
    open_nav(page, "Members")
    page.get_by_role("link", name="Edit Ahmed Haddad").click()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    expect(page).to_have_url(MEMBERS_PATH)  # swapped in place, not a navigation
    collect()

    csp = [problem for problem in console_problems if "Content Security Policy" in problem]
    assert csp == [], csp
    assert violations == [], violations
    assert [p for p in console_problems if p.startswith("pageerror")] == []
