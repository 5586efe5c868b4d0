"""Browser fixtures: the system Chromium driven by Playwright's sync API against a live server.

No browser is ever downloaded: the tests use Debian's ``chromium`` and skip when it is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from playwright import sync_api
from playwright.sync_api import Page, expect

from tandem.core.demo import DEMO_SLUG, OWNER_EMAIL, demo_seed
from tandem.core.models import Organization

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
DESKTOP: sync_api.ViewportSize = {"width": 1280, "height": 900}
PHONE: sync_api.ViewportSize = {"width": 390, "height": 844}
# Short enough that a broken page fails fast, long enough for a loaded shared machine.
TIMEOUT_MS = 15_000
# The demo organisation as ``demo_seed`` makes it, with this password for every demo person.
PASSWORD = "browser-test-demo-password"
ORG_NAME = "Northwind Logistics"


def sign_in(page: Page, base_url: str, *, email: str = OWNER_EMAIL, password: str = PASSWORD) -> None:
    """Open the site and sign in through the form it redirects to."""
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def open_nav(page: Page, label: str) -> None:
    """Follow a link of the organisation navigation; on a phone, open the menu it folds into first."""
    menu = page.get_by_role("button", name="Menu", exact=True)
    if menu.is_visible():
        menu.click()
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name=label, exact=True).click()


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@pytest.fixture(scope="package")
def browser() -> Iterator[sync_api.Browser]:
    """One Chromium for all the browser tests.

    While Playwright's sync API is started, its asyncio loop counts as running in this thread, and
    Django refuses ORM calls (ours, and pytest-django's flush) from such a thread unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set; it is safe here, the loop only drives the browser. Package
    scope (rather than session) stops the loop and unsets the variable when the browser tests are
    done: otherwise every later test would run with it, and subprocesses would inherit it
    (``check --deploy`` then fails with async.E001).
    """
    executable = chromium_path()
    if executable is None:
        pytest.skip("No chromium executable on PATH or at /usr/bin/chromium: browser tests skipped.")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_api.sync_playwright().start()
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
        finally:
            playwright.stop()


@pytest.fixture
def viewport() -> sync_api.ViewportSize:
    """The window size; a test picks another with ``@pytest.mark.parametrize("viewport", [PHONE])``."""
    return DESKTOP


@pytest.fixture
def context(browser: sync_api.Browser, viewport: sync_api.ViewportSize) -> Iterator[sync_api.BrowserContext]:
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def console_problems() -> list[str]:
    """Console errors and uncaught page errors seen by ``page``; a test asserts on it."""
    return []


@pytest.fixture
def page(context: sync_api.BrowserContext, console_problems: list[str]) -> sync_api.Page:
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            console_problems.append(f"console.{message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: console_problems.append(f"pageerror: {error}"))
    return page


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- The demo organisation, seeded once per language and copied back for every test ------------------

SeedDemo = Callable[..., Organization]


@pytest.fixture(scope="session")
def demo_snapshots() -> dict[str, Path]:
    """Copies of the SQLite test database just after ``demo_seed``, one per demo language."""
    return {}


@pytest.fixture
def seeded_demo(
    transactional_db: None, demo_snapshots: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> SeedDemo:
    """``seeded_demo(language="en")``: the demo organisation, as ``demo_seed`` makes it (every demo
    person's password is ``PASSWORD``), committed for the live server to serve.

    Seeding takes seconds and the live server's tests flush the database after each test, so the
    first test in a process seeds and copies the whole SQLite database aside (the backup API); the
    later ones copy it back, byte for byte the database that first test saw. On PostgreSQL every
    test seeds."""

    def seed(language: str = "en") -> Organization:
        snapshot = demo_snapshots.get(language)
        if connection.vendor != "sqlite" or snapshot is None:
            org, created = demo_seed(password=PASSWORD, language=language)
            assert created
            if connection.vendor == "sqlite":
                connection.ensure_connection()
                snapshot = tmp_path_factory.mktemp("demo-snapshot") / f"demo-{language}.sqlite3"
                with closing(sqlite3.connect(snapshot)) as copy:
                    connection.connection.backup(copy)
                demo_snapshots[language] = snapshot
            return org
        connection.ensure_connection()
        with closing(sqlite3.connect(snapshot)) as copy:
            copy.backup(connection.connection)
        ContentType.objects.clear_cache()  # the copy's content types may have other ids
        return Organization.objects.get(slug=DEMO_SLUG)

    return seed
