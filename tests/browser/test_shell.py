"""The page shell in a real browser: a one-line top bar on desktops, a menu button on phones, side-by-side
comparisons stacked on phones, and form rows whose fields line up."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.demo import OWNER_EMAIL
from tandem.core.models import Organization
from tandem.whycheck.models import WhyCheck
from tests.browser.conftest import PASSWORD, PHONE, SeedDemo, sign_in

pytestmark = pytest.mark.browser

WIDE: list[ViewportSize] = [
    {"width": 1024, "height": 800},
    {"width": 1280, "height": 900},
    {"width": 1920, "height": 1080},
]
# The top bar's own items: the brand, each navigation link, the organisation and the person menus.
BAR_ITEMS = ".topbar .brand, .topbar nav a, .topbar summary"


@pytest.fixture
def demo(seeded_demo: SeedDemo) -> Organization:
    return seeded_demo()


def tops(page: Page, selector: str) -> list[float]:
    tops: list[float] = page.eval_on_selector_all(
        selector, "(els) => els.map((e) => Math.round(e.getBoundingClientRect().top))"
    )
    return tops


@pytest.mark.parametrize("viewport", WIDE)
def test_the_top_bar_is_one_line_on_a_desktop(
    page: Page, live_server: LiveServer, demo: Organization, viewport: ViewportSize, artifacts: Path
) -> None:
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/o/demo/portfolio/")  # the owner sees every navigation link
    expect(page.get_by_role("navigation", name="Organisation").get_by_role("link")).to_have_count(10)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    item_tops = tops(page, BAR_ITEMS)
    assert max(item_tops) - min(item_tops) <= 4, f"the top bar wraps at {viewport['width']}px: {item_tops}"
    height = page.eval_on_selector(".topbar", "(e) => e.getBoundingClientRect().height")
    assert height < 60, f"the top bar is {height}px high at {viewport['width']}px"
    right = page.eval_on_selector_all(
        BAR_ITEMS, "(els) => Math.max(...els.map((e) => e.getBoundingClientRect().right))"
    )
    assert right <= viewport["width"], f"the top bar runs {right - viewport['width']}px off the screen"
    page.screenshot(path=artifacts / f"topbar-{viewport['width']}.png")


def test_a_table_page_uses_a_wide_screen(page: Page, live_server: LiveServer, demo: Organization) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/o/demo/portfolio/")
    width = page.eval_on_selector("main", "(e) => e.getBoundingClientRect().width")
    assert width > 1400, f"the portfolio is only {width}px wide on a 1920px screen"


@pytest.mark.parametrize("viewport", [PHONE])
def test_on_a_phone_the_navigation_folds_behind_a_menu_button(
    page: Page, live_server: LiveServer, demo: Organization, artifacts: Path
) -> None:
    sign_in(page, live_server.url)
    nav = page.get_by_role("navigation", name="Organisation")
    expect(nav).to_be_hidden()
    height = page.eval_on_selector(".topbar", "(e) => e.getBoundingClientRect().height")
    assert height < 60, f"the closed top bar is {height}px high on a phone"

    page.get_by_role("button", name="Menu", exact=True).click()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Portfolio")).to_be_visible()
    page.screenshot(path=artifacts / "menu-phone.png")
    nav.get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portfolio")
    expect(nav).to_be_hidden()


@pytest.mark.parametrize("viewport", [PHONE])
def test_on_a_phone_the_menu_works_without_javascript(
    browser: Browser, live_server: LiveServer, demo: Organization, viewport: ViewportSize
) -> None:
    context = browser.new_context(viewport=viewport, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill(OWNER_EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        nav = page.get_by_role("navigation", name="Organisation")
        expect(nav).to_be_hidden()
        page.get_by_role("button", name="Menu", exact=True).click()
        expect(nav.get_by_role("link", name="Members")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE])
def test_on_a_phone_the_why_check_answers_stack(
    page: Page, live_server: LiveServer, demo: Organization, artifacts: Path
) -> None:
    revealed = WhyCheck.objects.for_org(demo).exclude(revealed_at=None).order_by("pk").first()
    if revealed is None:
        pytest.skip("the demo has no revealed why check")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/o/demo/why-checks/{revealed.pk}/")
    answers = page.locator("#answers article")
    expect(answers).to_have_count(2)
    first, second = answers.nth(0).bounding_box(), answers.nth(1).bounding_box()
    assert first is not None
    assert second is not None
    assert first["x"] == second["x"], "the two answers sit side by side on a phone"
    assert second["y"] > first["y"] + first["height"] - 1
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    page.screenshot(path=artifacts / "why-check-phone.png", full_page=True)


def test_form_rows_line_up_when_one_field_has_help(
    page: Page, live_server: LiveServer, demo: Organization, artifacts: Path
) -> None:
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/o/demo/initiatives/new/")
    for with_help, without in [("id_sponsor", "id_it_co_lead"), ("id_budget_currency", "id_budget_amount")]:
        a, b = page.locator(f"#{with_help}").bounding_box(), page.locator(f"#{without}").bounding_box()
        assert a is not None
        assert b is not None
        if abs(a["x"] - b["x"]) > 1 and abs(a["y"] - b["y"]) < 200:  # beside each other
            assert abs(a["y"] - b["y"]) <= 1, f"#{with_help} and #{without} do not line up"
    # The help text sits under its field.
    help_box = page.locator("#id_budget_currency_helptext").bounding_box()
    field_box = page.locator("#id_budget_currency").bounding_box()
    assert help_box is not None
    assert field_box is not None
    assert help_box["y"] >= field_box["y"] + field_box["height"] - 1
    page.locator("#id_target_date").fill("2027-03-22")
    expect(page.locator("#id_target_date + .date-echo")).to_have_text("22 Mar 2027")
    page.screenshot(path=artifacts / "initiative-form.png", full_page=True)


def test_a_reloaded_post_only_address_shows_a_page_with_a_way_back(
    page: Page, live_server: LiveServer, demo: Organization
) -> None:
    round_ = WhyCheck.objects.for_org(demo).order_by("pk").first()
    assert round_ is not None
    sign_in(page, live_server.url)
    response = page.goto(f"{live_server.url}/o/demo/why-checks/{round_.pk}/answer/")
    assert response is not None
    assert response.status == 405
    expect(page.get_by_role("heading", level=1)).to_have_text("Nothing to open at this address")
    page.get_by_role("link", name="Go to the page").click()
    expect(page).to_have_url(f"{live_server.url}/o/demo/why-checks/{round_.pk}/")
