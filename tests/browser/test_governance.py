"""The RACI matrix in a real browser, with the keyboard alone: the demo owner opens the invalid
matrix of *Dynamic route optimisation*, reads the rule violations, moves through the cells with Tab
and types letters to fix them; each change saves at once and the named violations go away."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.demo import demo_seed
from tandem.core.models import Organization
from tandem.governance.models import RaciActivity
from tandem.strategy import demo as strategy_demo
from tandem.strategy.models import Initiative
from tests.browser.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None) -> Organization:
    org, created = demo_seed(password=PASSWORD)
    assert created
    return org


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
