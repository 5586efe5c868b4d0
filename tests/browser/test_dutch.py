"""Tandem in Dutch in a real browser: a Dutch-speaking person (Chromium in Dutch) signs in to the
Dutch demo and walks the main pages; none of them shows interface text in English, checked against
the English side of the catalogue (user data aside: it is the demo's, written in Dutch)."""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem.core.demo import OWNER_EMAIL
from tandem.core.models import Organization
from tandem.strategy.models import Initiative, KeyResult, Stage
from tandem.surveys.models import Campaign
from tandem.whycheck.models import WhyCheck
from tests.browser.conftest import DESKTOP, PASSWORD, TIMEOUT_MS, SeedDemo

pytestmark = pytest.mark.browser

CATALOGUE = (
    Path(__file__).resolve().parents[2] / "src" / "tandem" / "locale" / "nl" / "LC_MESSAGES" / "django.mo"
)
# Every text node in the page's language and every label the browser offers (title, aria-label,
# placeholder, alt).
TEXTS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    // Text marked as another language (the switcher names each language in itself) is not amiss.
    const marked = parent && parent.closest('[lang]');
    if (marked && marked.lang !== document.documentElement.lang) continue;
    if (parent && !parent.closest('script, style, template') && node.textContent.trim()) {
      found.push(node.textContent.trim().replace(/\\s+/g, ' '));
    }
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) found.push(value.trim());
    }
  }
  return found;
}"""


def english_interface() -> set[str]:
    """The English messages whose Dutch differs, without placeholders: what must not show."""
    with CATALOGUE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {
        msgid.strip()
        for msgid, msgstr in catalogue.items()
        if isinstance(msgid, str) and msgid and msgstr != msgid and "%" not in msgid and len(msgid) > 2
    }


@pytest.fixture
def demo(seeded_demo: SeedDemo) -> Organization:
    return seeded_demo("nl")


@pytest.fixture
def dutch_page(browser: Browser) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        viewport=DESKTOP, locale="nl-NL", extra_http_headers={"Accept-Language": "nl-NL,nl;q=0.9"}
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_dutch_person_walks_the_main_pages_and_reads_no_english(
    demo: Organization, dutch_page: Page, live_server: LiveServer
) -> None:
    base, page = live_server.url, dutch_page
    english = english_interface()
    page.goto(base + "/")
    page.locator("input[name=login]").fill(OWNER_EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/o/demo/")

    initiative = Initiative.objects.for_org(demo).filter(stage=Stage.PROPOSED).order_by("pk").first()
    assert initiative is not None
    Initiative.objects.for_org(demo).filter(pk=initiative.pk).update(business_outcome="")
    key_result = KeyResult.objects.for_org(demo).order_by("pk").first()
    revealed = WhyCheck.objects.for_org(demo).filter(scored_at__isnull=False).order_by("pk").first()
    results = Campaign.objects.for_org(demo).filter(closed_at__isnull=False).order_by("pk").first()
    assert key_result is not None
    assert revealed is not None
    assert results is not None
    pages = {
        "home": "/o/demo/",
        "portfolio": "/o/demo/portfolio/",
        "initiative": f"/o/demo/initiatives/{initiative.pk}/",
        "objectives": "/o/demo/objectives/",
        "key result": f"/o/demo/key-results/{key_result.pk}/",
        "why checks": "/o/demo/why-checks/",
        "revealed round": f"/o/demo/why-checks/{revealed.pk}/",
        "surveys": "/o/demo/surveys/",
        "survey results": f"/o/demo/surveys/{results.pk}/",
        "members": "/o/demo/members/",
        "profile": "/profile/",
    }
    found: dict[str, list[str]] = {}
    for name, path in pages.items():
        page.goto(base + path)
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        found[name] = sorted({t for t in page.evaluate(TEXTS) if t in english})

    # The approval refusal: approving an initiative that misses its business outcome.
    page.goto(base + pages["initiative"])
    page.locator("select[name=transition-to]").select_option("approved")
    page.locator("#stage form button[type=submit]").click()
    expect(page.locator("#refused")).to_be_visible()
    found["approval refusal"] = sorted({t for t in page.evaluate(TEXTS) if t in english})

    assert not {name: texts for name, texts in found.items() if texts}
