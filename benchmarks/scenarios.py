"""The pages `make bench` measures, as a list: add a `Scenario` to measure one more.

Every scenario runs against the same server with the same number of concurrent clients, and is
compared with the framework floor (``/bench/floor``: a bare Django view running one query in the
same server), so a ratio shows what a page costs on top of Django itself.

To add a page that needs data (e.g. a portfolio with 10,000 generated initiatives), give it a
``prepare`` hook: it runs once, before the server starts, with the benchmark's environment, and
can call ``env.manage("shell", "-c", ...)`` or a management command to generate the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import delivery_data
import governance
import portfolio

if TYPE_CHECKING:
    from server import BenchEnvironment

FLOOR = "floor"


@dataclass(frozen=True)
class Scenario:
    """One request repeated by every client for the scenario's duration."""

    key: str
    path: str
    title: str
    signed_in: bool = False
    method: str = "GET"
    body: bytes | None = None
    content_type: str | None = None
    # Runs once before the server starts, e.g. to generate data for the page.
    prepare: Callable[[BenchEnvironment], None] | None = None
    # Extra request headers, known once prepared (e.g. a bearer token that `prepare` created).
    headers: Callable[[BenchEnvironment], tuple[tuple[str, str], ...]] | None = None
    # A page kept whole that takes seconds to compute: one client requests it alone until every
    # server process answers it from its page cache, before the warm-up (otherwise the warm-up's
    # clients all compute it at once and the measurement starts behind them). Its computed cost is
    # in the query report.
    prime: bool = False


SCENARIOS: list[Scenario] = [
    Scenario("healthz", "/healthz", "health check: one SELECT 1, no session"),
    Scenario(FLOOR, "/bench/floor", "framework floor: bare view, one query"),
    Scenario("org_home", "/o/demo/", "organisation home, signed in", signed_in=True),
    Scenario(
        "demo_portfolio",
        "/o/demo/portfolio/",
        "portfolio page of the demo organisation, signed in",
        signed_in=True,
    ),
    Scenario(
        "why_checks",
        "/o/demo/why-checks/",
        "why-check list of the demo organisation, signed in",
        signed_in=True,
    ),
    Scenario(
        "survey_results",
        "/o/demo/surveys/1/",
        "a survey's results (the demo's first campaign)",
        signed_in=True,
    ),
    Scenario(
        "initiative", "/o/demo/initiatives/1/", "an initiative's page (the demo's first)", signed_in=True
    ),
    Scenario("parties", "/o/demo/parties/", "party list of the demo organisation, signed in", signed_in=True),
    Scenario(
        "raci",
        "/o/demo/initiatives/1/raci/",
        "the RACI matrix editor of the demo's first initiative (8 activities × 4 columns), signed in",
        signed_in=True,
    ),
    Scenario(
        "demo_api",
        portfolio.API_LIST.format(slug=portfolio.DEMO),
        "initiatives list API of the demo organisation, bearer token",
        prepare=portfolio.prepare,
        headers=portfolio.demo_bearer,
    ),
    Scenario(
        "home_10k",
        portfolio.HOME.format(slug=portfolio.LARGE),
        "organisation home of 10,000 generated initiatives, signed in",
        signed_in=True,
        prepare=portfolio.prepare,
    ),
    Scenario(
        "alignment",
        "/o/demo/alignment/",
        "alignment index page (demo): components, a year of weekly snapshots, what moved, signed in",
        signed_in=True,
    ),
    Scenario(
        "alignment_10k",
        "/o/" + portfolio.LARGE + "/alignment/",
        "alignment index page of 10,000 generated initiatives: every component's rows, signed in",
        signed_in=True,
        prepare=portfolio.prepare,
    ),
    Scenario(
        "alignment_component",
        "/o/demo/alignment/components/whycheck/",
        "one component of the alignment index (demo): every row, costliest first, signed in",
        signed_in=True,
    ),
    Scenario(
        "board_reports",
        "/o/demo/reports/",
        "board reports (demo): the list and the request form, signed in",
        signed_in=True,
    ),
    Scenario(
        "portfolio_grouped",
        "/o/demo/portfolio/?group=objective",
        "portfolio page (demo) grouped by objective with totals, signed in",
        signed_in=True,
    ),
    Scenario(
        "portfolio",
        portfolio.PORTFOLIO.format(slug=portfolio.LARGE),
        "portfolio page, first page, of 10,000 generated initiatives, signed in",
        signed_in=True,
        prepare=portfolio.prepare,
    ),
    Scenario(
        "portfolio_filtered",
        portfolio.PORTFOLIO_FILTERED.format(slug=portfolio.LARGE),
        "portfolio page of 10,000 initiatives: those serving no shared objective, fewest signals first",
        signed_in=True,
        prepare=portfolio.prepare,
    ),
    Scenario(
        "why_checks_10k",
        portfolio.WHY_CHECKS.format(slug=portfolio.LARGE),
        "why-check list of 10,000 generated initiatives, signed in",
        signed_in=True,
        prepare=portfolio.prepare,
    ),
    Scenario(
        "survey_10k",
        portfolio.SURVEY.replace("{slug}", portfolio.LARGE),
        "a survey's results in the 10,000-initiative organisation (its closed partnership survey)",
        signed_in=True,
        prepare=portfolio.prepare,
    ),
    Scenario(
        "initiative_10k",
        portfolio.INITIATIVE.replace("{slug}", portfolio.LARGE),
        "an initiative's page among 10,000 (the first generated)",
        signed_in=True,
        prepare=portfolio.prepare,
    ),
    Scenario(
        "initiatives_api",
        portfolio.API_LIST.format(slug=portfolio.LARGE),
        "initiatives list API, 50 of 10,000, bearer token from `tandem token create`",
        prepare=portfolio.prepare,
        headers=portfolio.bearer,
    ),
    Scenario(
        "scorecard_200",
        governance.SCORECARD_LARGE,
        "party scorecard of the last full quarter: 200 parties, ~210 services, 1,500 incidents, signed in",
        signed_in=True,
        prepare=governance.prepare,
    ),
    Scenario(
        "raci_2k",
        governance.RACI_LARGE,
        "a RACI matrix (8 activities × 3–5 columns) among 2,000 initiatives and 200 parties, signed in",
        signed_in=True,
        prepare=governance.prepare,
    ),
    Scenario(
        "delivery_dashboard",
        delivery_data.DEMO_DASHBOARD,
        "delivery dashboard (demo): figures, alerts, breakdowns and trend of the demo organisation, signed in",
        signed_in=True,
        prepare=delivery_data.prepare_demo,
    ),
    Scenario(
        "delivery_initiative",
        delivery_data.DEMO_INITIATIVE,
        "initiative delivery tab (demo): “Live shipment tracking for customers”, the demo initiative with "
        "the most deliverables, signed in",
        signed_in=True,
        prepare=delivery_data.prepare_demo,
    ),
    Scenario(
        "delivery_changes",
        delivery_data.DEMO_CHANGES,
        "change requests (demo): the list, first page, signed in",
        signed_in=True,
        prepare=delivery_data.prepare_demo,
    ),
    Scenario(
        "reviews_list",
        "/o/demo/reviews/",
        "weekly reviews (demo): the series, its coming review and habit score, signed in",
        signed_in=True,
    ),
    Scenario(
        "reviews_decisions",
        "/o/demo/decisions/",
        "decision log (demo): twelve weeks of decisions with their confirmations, first page, signed in",
        signed_in=True,
    ),
    Scenario(
        "reviews_habit",
        "/o/demo/reviews/habit/",
        "habit page (demo): twelve weeks per series, missed check-ins and overdue actions, signed in",
        signed_in=True,
    ),
    Scenario(
        "delivery_2k",
        delivery_data.LARGE_DASHBOARD,
        "delivery dashboard of 2,000 generated initiatives: ~10,000 deliverables with their re-plans, "
        "offers, change requests and end-user feedback, signed in",
        signed_in=True,
        prepare=delivery_data.prepare,
        prime=True,
    ),
]

# Run once after the scenarios are prepared (before the server starts); each returns lines
# printed under the results, e.g. the queries a page runs, counted in-process.
REPORTS: list[Callable[[BenchEnvironment, list[Scenario]], list[str]]] = [
    portfolio.query_report,
    governance.query_report,
    delivery_data.query_report,
]


def filled(env: BenchEnvironment, path: str) -> str:
    """``path`` with the generated rows it names (``{initiative}``, ``{gov_initiative}``,
    ``{delivery_initiative}``...) filled in; known once the scenarios are prepared."""
    return path.format(**portfolio.ids(env), **governance.ids(env), **delivery_data.ids(env))


def scenario_by_key(key: str) -> Scenario:
    """The scenario called ``key``; raises KeyError with the known keys otherwise."""
    for scenario in SCENARIOS:
        if scenario.key == key:
            return scenario
    raise KeyError(f"unknown scenario {key!r}; known: {', '.join(s.key for s in SCENARIOS)}")
