"""A readable portfolio: whole titles, each initiative's budget in its currency and its key-result
progress, groups by objective or by stage with their totals, and a timeline of start and target
dates; the queries do not grow with the number of initiatives."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tandem.core import cache
from tandem.strategy import charts, services
from tandem.strategy.models import Initiative, KeyResult, Objective, ObjectiveStatus, Stage
from tandem.strategy.selectors import PortfolioFilters, portfolio_groups, portfolio_totals
from tandem.strategy.templatetags.strategy_tags import money
from tests.conftest import Personas

ClientFor = Callable[[str], Client]
URL = "/o/acme/portfolio/"
LONG_TITLE = (
    "Replace the claims intake with one self-service portal that customers, brokers and claims "
    "handlers share, so that a simple claim is settled within a day"
)


def body(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


def objective_of(personas: Personas, title: str) -> Objective:
    return services.objective_create(
        actor=personas.owner,
        title=title,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        business_owner=personas.business_lead,
        it_owner=personas.it_lead,
        status=ObjectiveStatus.ACTIVE,
    )


def key_result_at(personas: Personas, objective: Objective, metric: str, value: float) -> KeyResult:
    """A key result from 0 to 100 checked in at ``value`` (so its progress is value/100)."""
    kr = services.key_result_create(
        actor=personas.owner, objective=objective, metric=metric, baseline=0, target=100
    )
    services.check_in_create(actor=personas.owner, key_result=kr, value=value, confidence=7)
    return kr


def initiative(personas: Personas, title: str, *serves: KeyResult, **fields: Any) -> Initiative:
    made = services.initiative_create(actor=personas.owner, title=title, **fields)
    for kr in serves:
        services.key_result_link_add(actor=personas.owner, initiative=made, key_result=kr)
    return made


def to_stage(personas: Personas, made: Initiative, stage: str) -> None:
    services.initiative_transition(actor=personas.owner, initiative=made, to=stage)


@pytest.fixture
def world(personas: Personas) -> dict[str, Any]:
    """Trust (KR at 40%) and Speed (KR at 100%); a portal serving trust (EUR 1,000), an app serving
    both (USD 500.50, proposed), and an intranet serving nothing with no budget and no dates."""
    trust, speed = objective_of(personas, "Win back trust"), objective_of(personas, "Move faster")
    nps = key_result_at(personas, trust, "Net promoter score", 40)
    lead_time = key_result_at(personas, speed, "Lead time", 100)
    today = timezone.localdate()
    portal = initiative(
        personas,
        LONG_TITLE,
        nps,
        budget_amount=Decimal(1000),
        start_date=today - timedelta(days=60),
        target_date=today + timedelta(days=120),
    )
    app = initiative(
        personas,
        "Mobile app",
        nps,
        lead_time,
        budget_amount=Decimal("500.50"),
        budget_currency="USD",
        target_date=today + timedelta(days=30),
    )
    to_stage(personas, app, Stage.PROPOSED)
    intranet = initiative(personas, "Replace the intranet")
    return {"trust": trust, "speed": speed, "portal": portal, "app": app, "intranet": intranet}


# --- Rows ---------------------------------------------------------------------------------------


def test_a_row_shows_the_whole_title_its_budget_in_its_currency_and_key_result_progress(
    world: dict[str, Any], client_for: ClientFor
) -> None:
    page = body(client_for("viewer").get(URL))
    assert LONG_TITLE in page  # whole, in a cell that wraps instead of squeezing it
    assert re.search(r'<td class="portfolio-title"><a [^>]*><strong>' + re.escape(LONG_TITLE), page)
    assert "€1,000" in page
    assert "$500.50" in page
    assert re.search(r'<meter class="portfolio-meter" min="0" max="100" value="40"', page)
    assert "70%" in page  # the app: the mean of 40% and 100%
    assert "of 2 key results" in page
    assert "serves no key result" in page  # the intranet


def test_the_totals_sum_budgets_per_currency_and_average_key_result_progress(
    personas: Personas, world: dict[str, Any], client_for: ClientFor
) -> None:
    totals = portfolio_totals(personas.org)
    assert (totals.count, totals.without_budget, totals.with_progress) == (3, 1, 2)
    assert totals.budgets == (("EUR", Decimal("1000.00")), ("USD", Decimal("500.50")))
    assert totals.progress == pytest.approx((0.4 + 0.7) / 2)
    page = body(client_for("member").get(URL))
    assert "(1 initiative has no budget)" in page
    assert "55%" in page


def test_money_is_written_as_each_language_writes_it() -> None:
    assert money(Decimal("1250000.00"), "EUR") == "€1,250,000"
    assert money(Decimal("1250.5"), "usd") == "$1,250.50"
    assert money(Decimal(900), "CHF") == "CHF\u00a0900"
    assert money(None, "EUR") == "—"
    with translation.override("nl"):
        assert money(Decimal("1250.5"), "EUR") == "€\u00a01.250,50"


# --- Groups -------------------------------------------------------------------------------------


def test_grouped_by_stage_each_stage_has_its_initiatives_and_totals(
    personas: Personas, world: dict[str, Any]
) -> None:
    groups = portfolio_groups(personas.org, PortfolioFilters(sort="title"), by="stage")
    assert [g.key for g in groups] == [Stage.IDEA, Stage.PROPOSED]
    idea, proposed = groups
    assert [r.initiative.title for r in idea.rows] == [LONG_TITLE, "Replace the intranet"]
    assert idea.totals.budgets == (("EUR", Decimal("1000.00")),)
    assert idea.totals.progress == pytest.approx(0.4)
    assert proposed.totals.count == 1
    assert proposed.totals.progress == pytest.approx(0.7)


def test_grouped_by_objective_an_initiative_is_under_each_objective_it_serves_and_the_rest_apart(
    personas: Personas, world: dict[str, Any], client_for: ClientFor
) -> None:
    groups = portfolio_groups(personas.org, PortfolioFilters(sort="title"), by="objective")
    titles = {g.label: [r.initiative.title for r in g.rows] for g in groups}
    assert titles == {
        "Move faster": ["Mobile app"],
        "Win back trust": ["Mobile app", LONG_TITLE],
        "Serves no objective": ["Replace the intranet"],
    }
    assert groups[-1].key == 0
    trust = next(g for g in groups if g.label == "Win back trust")
    assert trust.totals.budgets == (("EUR", Decimal("1000.00")), ("USD", Decimal("500.50")))
    page = body(client_for("member").get(URL, {"group": "objective"}))
    headings = re.findall(r'<h2 id="portfolio-group-\d+">([^<]+)', page)
    assert [h.strip() for h in headings] == ["Move faster", "Win back trust", "Serves no objective"]


def test_a_big_group_shows_its_first_rows_and_links_to_the_whole_group(
    personas: Personas, client_for: ClientFor
) -> None:
    for n in range(12):
        initiative(personas, f"Initiative {n:02}")
    page = body(client_for("member").get(URL, {"group": "stage", "sort": "title"}))
    assert "Initiative 09" in page
    assert "Initiative 10" not in page
    assert "Show all 12 initiatives of this group" in page
    assert "?sort=title&amp;stage=idea" in page
    whole = body(client_for("member").get(URL, {"sort": "title", "stage": "idea"}))
    assert "Initiative 11" in whole


def test_the_objective_filter_lists_one_objectives_initiatives_or_those_serving_none(
    personas: Personas, world: dict[str, Any], client_for: ClientFor
) -> None:
    client = client_for("member")
    speed = body(client.get(URL, {"objective": world["speed"].pk}))
    assert "Mobile app" in speed
    assert LONG_TITLE not in speed
    none = body(client.get(URL, {"objective": 0}))
    assert "Replace the intranet" in none
    assert "Mobile app" not in none


def test_another_organisations_objective_and_bad_choices_are_named_and_ignored(
    personas: Personas, world: dict[str, Any], client_for: ClientFor
) -> None:
    theirs = services.objective_create(
        actor=personas.outsider,
        title="Globex plan",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
    )
    response = client_for("member").get(URL, {"objective": str(theirs.pk), "group": "tree", "view": "pie"})
    page = body(response)
    assert response.status_code == 200
    assert "Globex plan" not in page
    assert page.count("Select a valid choice") == 3
    assert "Mobile app" in page  # unfiltered, one list
    assert "Replace the intranet" in page


# --- The timeline -------------------------------------------------------------------------------


def test_the_timeline_draws_dated_initiatives_on_one_scale_and_lists_the_undated_apart(
    personas: Personas, world: dict[str, Any], client_for: ClientFor
) -> None:
    page = body(client_for("member").get(URL, {"view": "timeline", "group": "stage"}))
    assert page.count('<svg class="portfolio-axis"') == 2  # one per group, the same scale
    assert page.count('<svg class="portfolio-bar"') == 2
    assert page.count("<rect ") == 1  # the portal: start to target
    assert page.count("<circle ") == 1  # the app: a target date only
    assert ">today</text>" in page
    undated = re.findall(r'<div class="portfolio-undated">(.*?)</div>', page, re.DOTALL)
    assert len(undated) == 1
    assert "Replace the intranet" in undated[0]
    assert "Mobile app" not in undated[0]


def test_the_timeline_scale_runs_from_month_to_month_with_today_inside() -> None:
    today = date(2026, 5, 20)
    scale = charts.timeline_scale([date(2026, 2, 10), None, date(2026, 9, 3)], today=today)
    assert (scale.start, scale.end) == (date(2026, 1, 1), date(2026, 11, 1))  # every other month
    assert [label for _share, label in scale.ticks] == [
        "Jan 2026",
        "Mar 2026",
        "May 2026",
        "Jul 2026",
        "Sep 2026",
    ]
    assert 0 < scale.share(today) < 1
    assert scale.share(date(2030, 1, 1)) == 1.0
    years = charts.timeline_scale([date(2020, 1, 1), date(2030, 1, 1)], today=today)
    assert len(years.ticks) <= charts.MAX_TICKS
    assert years.start.month == 1


# --- Cost ---------------------------------------------------------------------------------------


def _queries(client: Client, query: dict[str, str]) -> int:
    cache.clear()  # the page is cached per version of the data: count a cold read
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(captured)


def _grow(personas: Personas, krs: list[KeyResult], to: int) -> None:
    today = timezone.localdate()
    for n in range(Initiative.objects.for_org(personas.org).count(), to):
        initiative(
            personas,
            f"Grown {n}",
            krs[n % len(krs)],
            budget_amount=Decimal(n * 100),
            budget_currency=("EUR", "USD")[n % 2],
            start_date=today,
            target_date=today + timedelta(days=n + 1),
        )


VIEWS = [{}, {"group": "objective"}, {"group": "stage", "view": "timeline"}, {"view": "timeline"}]


def test_the_portfolio_runs_as_many_queries_for_50_initiatives_as_for_5(
    personas: Personas, client_for: ClientFor
) -> None:
    krs = [
        key_result_at(personas, objective_of(personas, f"Objective {n}"), f"Result {n}", 10 * n)
        for n in range(3)
    ]
    client = client_for("member")
    client.get("/o/acme/")  # the session settles
    _grow(personas, krs, 5)
    at_5 = [_queries(client, query) for query in VIEWS]
    _grow(personas, krs, 50)
    at_50 = [_queries(client, query) for query in VIEWS]
    assert at_50 == at_5


def test_the_api_gives_each_initiatives_key_result_progress(
    personas: Personas, world: dict[str, Any], client_for: ClientFor
) -> None:
    items = client_for("member").get("/api/v1/orgs/acme/initiatives?sort=title").json()["items"]
    progress = {item["title"]: item["key_result_progress"] for item in items}
    assert progress == {LONG_TITLE: 0.4, "Mobile app": 0.7, "Replace the intranet": None}
    assert items[0]["budget"] == {"amount": "500.50", "currency": "USD"}
