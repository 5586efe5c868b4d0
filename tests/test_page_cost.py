"""Page cost: the pages people open most run as many queries at 30 initiatives as at 3, and a
repeated read of unchanged data runs no more queries than the first."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import cache
from tandem.core.models import Membership
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative, KeyResult
from tests.conftest import Objects, Personas, seed_objects

Page = Callable[[Objects, str], str]
PAGES: dict[str, Page] = {
    "org home": lambda o, slug: reverse("core:org_home", kwargs={"org_slug": slug}),
    "portfolio": lambda o, slug: reverse("strategy:portfolio", kwargs={"org_slug": slug}),
    "portfolio, filtered": lambda o, slug: (
        reverse("strategy:portfolio", kwargs={"org_slug": slug}) + "?missing=shared&sort=-signals"
    ),
    "why-check list": lambda o, slug: reverse("whycheck:list", kwargs={"org_slug": slug}),
    "initiative page": lambda o, slug: reverse(
        "strategy:initiative_detail", kwargs={"org_slug": slug, "initiative_id": o["initiative_id"]()}
    ),
    "survey results": lambda o, slug: reverse(
        "surveys:detail", kwargs={"org_slug": slug, "campaign_id": o["campaign_id"]()}
    ),
    "initiatives API": lambda o, slug: f"/api/v1/orgs/{slug}/initiatives?limit=50",
}


def _grow(owner: Membership, key_result: KeyResult, count: int) -> None:
    """``count`` more initiatives, each with a measure, a key-result link and both co-leads."""
    for n in range(count):
        initiative = strategy.initiative_create(
            actor=owner,
            title=f"Initiative {n}",
            business_outcome="Faster claims.",
            business_co_lead=owner,
        )
        strategy.success_measure_add(actor=owner, initiative=initiative, name=f"Measure {n}", target=n + 1)
        strategy.key_result_link_add(actor=owner, initiative=initiative, key_result=key_result)


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def _counts(personas: Personas, objects: Objects, initiatives: int, page: str) -> tuple[int, int]:
    """Grow Acme to ``initiatives``; the page's queries, cold (nothing cached) and warm (again)."""
    owner = personas.owner
    key_result = KeyResult.objects.for_org(personas.org).get()
    _grow(owner, key_result, initiatives - Initiative.objects.for_org(personas.org).count())
    client = Client()
    client.force_login(owner.user)
    client.get(reverse("core:org_home", kwargs={"org_slug": personas.org.slug}))  # the session settles
    path = PAGES[page](objects, personas.org.slug)
    cache.clear()
    cold = _queries(client, path)
    return cold, _queries(client, path)


@pytest.fixture
def objects(personas: Personas) -> Objects:
    return seed_objects(personas.owner, "Acme")


@pytest.mark.parametrize("page", PAGES)
def test_a_page_runs_as_many_queries_at_30_initiatives_as_at_3(
    personas: Personas, objects: Objects, page: str
) -> None:
    at_3 = _counts(personas, objects, 3, page)
    at_30 = _counts(personas, objects, 30, page)
    assert at_30 == at_3


@pytest.mark.parametrize("page", PAGES)
def test_reading_unchanged_data_again_runs_no_more_queries(
    personas: Personas, objects: Objects, page: str
) -> None:
    cold, warm = _counts(personas, objects, 3, page)
    assert warm <= cold


def test_a_cached_page_shows_every_write_at_once(
    personas: Personas, client_for: Callable[..., Client]
) -> None:
    """The portfolio is drawn once per version of the data: an initiative's new title, and a
    co-lead's new name (a change outside the organisation's own rows), show on the next read."""
    from tandem.core import services as core

    objects = seed_objects(personas.owner, "Acme")
    client = client_for("member")
    url = reverse("strategy:portfolio", kwargs={"org_slug": "acme"})
    assert "Acme moonshot" in client.get(url).content.decode()
    initiative = Initiative.objects.for_org(personas.org).get(pk=objects["initiative_id"]())
    api = "/api/v1/orgs/acme/initiatives?limit=50"
    assert [row["title"] for row in client.get(api).json()["items"]] == ["Acme moonshot"]
    strategy.initiative_update(actor=personas.owner, initiative=initiative, title="Renamed moonshot")
    assert "Renamed moonshot" in client.get(url).content.decode()
    assert [row["title"] for row in client.get(api).json()["items"]] == ["Renamed moonshot"]
    assert initiative.it_co_lead_id is not None
    lead = Membership.objects.for_org(personas.org).get(pk=initiative.it_co_lead_id)
    core.user_update_profile(user=lead.user, name="Zora Renamed")
    assert "Zora Renamed" in client.get(url).content.decode()
