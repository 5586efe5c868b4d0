"""Benchmark data for the portfolio: a generated organisation, and the queries a request runs.

Runs with a Tandem installation's environment (the benchmark passes its ``TANDEM_*`` variables),
never with the developer's own data:

    python benchmarks/portfolio_data.py generate --slug bench-10k --initiatives 10000 --owner owner@example.com
    python benchmarks/portfolio_data.py analyze --slug bench-10k
    python benchmarks/portfolio_data.py queries --org bench-100 --org bench-10k --owner owner@example.com \\
        --page portfolio=/o/{slug}/portfolio/ --api list=/api/v1/orgs/{slug}/initiatives?limit=50

``generate`` writes an organisation with a realistic mix of alignment signals in a few seconds
(bulk inserts in one transaction; the rows are benchmark data, not a replay of the services) and
does nothing when the organisation exists. The same slug and size always give the same data.
``analyze`` refreshes the planner's statistics (ANALYZE) and says which correlated subqueries of
the portfolio query SQLite runs through an organisation-wide index, before and after.

``queries`` requests each path once in-process with Django's test client (signed in as the owner
for pages, with the bearer token from ``BENCH_TOKENS`` for the API), then counts the queries of
a second, identical request, and prints one JSON object per line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")

import django

DEPARTMENTS = [
    "Sales",
    "Operations",
    "Finance",
    "Customer Service",
    "IT",
    "Procurement",
    "Human Resources",
    "Legal",
    "Marketing",
    "Fleet",
    "Warehousing",
    "Customs",
]
VERBS = [
    "Automate",
    "Replace",
    "Consolidate",
    "Digitise",
    "Modernise",
    "Speed up",
    "Simplify",
    "Integrate",
    "Outsource",
    "Migrate",
    "Standardise",
    "Measure",
]
THINGS = [
    "customer onboarding",
    "route planning",
    "invoice matching",
    "dock scheduling",
    "returns handling",
    "fleet maintenance",
    "customs declarations",
    "supplier portal",
    "warehouse slotting",
    "driver rostering",
    "claims handling",
    "price quotes",
    "shipment tracking",
    "payroll",
    "contract management",
    "data warehouse",
]
OUTCOMES = [
    "Customers get their goods in the promised window more often.",
    "We get paid sooner and chase fewer invoices.",
    "Planners spend their mornings planning instead of fixing yesterday's plan.",
    "Fewer calls to customer service about things customers could see themselves.",
    "Lower cost per shipment without cutting service.",
    "New shippers start shipping within a week.",
]
METRICS = [
    ("On-time delivery rate", "%", "increase", 88.0, 95.0),
    ("Days sales outstanding", "days", "decrease", 52.0, 45.0),
    ("Warehouse utilisation", "%", "within", 91.0, 85.0),
    ("Customer satisfaction", "/5", "increase", 3.9, 4.4),
    ("Cost per shipment", "EUR", "decrease", 14.2, 12.5),
    ("IT run cost share", "%", "within", 3.4, 3.0),
]
# Stage mix of a portfolio that has been running for a few years.
STAGE_WEIGHTS = {
    "idea": 18,
    "proposed": 14,
    "approved": 9,
    "in_delivery": 20,
    "delivered": 9,
    "closed": 20,
    "paused": 5,
    "cancelled": 5,
}
EARLY = ("idea", "proposed")


def generate(*, slug: str, initiatives: int, owner_email: str) -> str:  # noqa: C901 (bulk data generation, one straight pass per kind of row)
    """Create organisation ``slug`` with ``initiatives`` initiatives unless it exists."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from tandem.core.models import Department, Membership, Organization, Role, Side, User
    from tandem.core.services import organization_create
    from tandem.strategy.models import (
        CheckIn,
        Initiative,
        KeyResult,
        KeyResultLink,
        Objective,
        SuccessMeasure,
        Transition,
        quarter_bounds,
    )

    if Organization.objects.filter(slug=slug).exists():
        return f"kept {slug}"
    started = time.perf_counter()
    rng = random.Random(f"{slug}:{initiatives}")
    today = timezone.localdate()
    now = timezone.now()
    quarter = quarter_bounds(today.year, (today.month - 1) // 3 + 1)
    owner = User.objects.get(email__iexact=owner_email)
    batch = 500
    with transaction.atomic():
        org = organization_create(name=f"Benchmark: {initiatives:,} initiatives", slug=slug, owner=owner)
        departments = Department.objects.bulk_create(
            [Department(organization=org, name=name) for name in DEPARTMENTS]
        )
        # People: no usable password (nobody signs in as them), so no hashing cost.
        people_per_side = {Side.BUSINESS: 30, Side.IT: 24, Side.PARTNER: 4}
        unusable = make_password(None)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"{side}{n}@{slug}.bench.invalid",
                    name=f"{side.title()} person {n}",
                    password=unusable,
                )
                for side, count in people_per_side.items()
                for n in range(count)
            ],
            batch_size=batch,
        )
        memberships: list[Membership] = []
        it_department = next(d for d in departments if d.name == "IT")
        index = 0
        for side, count in people_per_side.items():
            for n in range(count):
                role = Role.PARTNER if side == Side.PARTNER else (Role.LEAD if n % 4 == 0 else Role.MEMBER)
                department = None
                if side == Side.IT:
                    department = it_department
                elif side == Side.BUSINESS:
                    department = departments[n % len(departments)]
                memberships.append(
                    Membership(
                        organization=org, user=users[index], role=role, side=side, department=department
                    )
                )
                index += 1
        memberships = Membership.objects.bulk_create(memberships, batch_size=batch)
        business = [m for m in memberships if m.side == Side.BUSINESS]
        it = [m for m in memberships if m.side == Side.IT]
        owner_membership = Membership.objects.for_org(org).get(user=owner)
        business.append(owner_membership)

        # 40 objectives for this quarter, 4 of them siloed drafts owned by IT alone.
        objectives = Objective.objects.bulk_create(
            [
                Objective(
                    organization=org,
                    title=f"Objective {n + 1}: {rng.choice(OUTCOMES)[:-1]}",
                    period_start=quarter[0],
                    period_end=quarter[1],
                    business_owner=None if n % 10 == 9 else rng.choice(business),
                    it_owner=rng.choice(it),
                    status="draft" if n % 10 == 9 else "active",
                )
                for n in range(40)
            ],
            batch_size=batch,
        )
        key_results: list[KeyResult] = []
        for objective in objectives:
            for metric, unit, direction, baseline, target in rng.sample(METRICS, 3):
                band = (min(baseline, target) - 0.5, target + 0.5) if direction == "within" else (None, None)
                current = round(baseline + (target - baseline) * rng.uniform(-0.1, 1.1), 2)
                key_results.append(
                    KeyResult(
                        organization=org,
                        objective=objective,
                        metric=metric,
                        unit=unit,
                        direction=direction,
                        baseline=baseline,
                        target=target,
                        band_min=band[0],
                        band_max=band[1],
                        current=current,
                        due_date=quarter[1],
                        last_check_in_at=now - timedelta(days=rng.choice([1, 2, 5, 8, 20])),
                    )
                )
        key_results = KeyResult.objects.bulk_create(key_results, batch_size=batch)
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    organization=org,
                    key_result=kr,
                    value=round(kr.baseline + (kr.target - kr.baseline) * week / 13, 2),
                    confidence=rng.randint(3, 9),
                    note="",
                    author=kr.objective.it_owner,
                    created_at=now - timedelta(days=7 * (13 - week)),
                )
                for kr in key_results
                for week in range(13)
            ],
            batch_size=batch,
        )
        shared_krs = [kr for kr in key_results if kr.objective.business_owner_id is not None]
        siloed_krs = [kr for kr in key_results if kr.objective.business_owner_id is None]

        stages = rng.choices(list(STAGE_WEIGHTS), weights=list(STAGE_WEIGHTS.values()), k=initiatives)
        rows: list[Initiative] = []
        for n, stage in enumerate(stages):
            early = stage in EARLY
            # Later stages went through the gate, so they mostly have what it asks for.
            likely = 0.7 if early else 0.96
            it_lead = rng.choice(it) if rng.random() < (0.6 if early else 0.97) else None
            it_stage = ""
            if it_lead is not None:
                it_stage = (
                    rng.choice(EARLY)
                    if early or rng.random() < 0.8
                    else rng.choice(("approved", "in_delivery"))
                )
            start = today + timedelta(days=rng.randint(-400, 120))
            asked = rng.random() < likely
            rows.append(
                Initiative(
                    organization=org,
                    title=f"{rng.choice(VERBS)} {rng.choice(THINGS)} #{n + 1}",
                    summary="Generated for the benchmark.",
                    business_outcome=rng.choice(OUTCOMES) if rng.random() < likely + 0.1 else "",
                    definition_of_success="Measured against the linked key results.",
                    business_co_lead=rng.choice(business) if rng.random() < likely + 0.15 else None,
                    it_co_lead=it_lead,
                    sponsor=rng.choice(business if rng.random() < 0.75 else it),
                    budget_amount=Decimal(rng.randint(5, 2000) * 1000),
                    budget_currency="EUR",
                    start_date=start,
                    target_date=start + timedelta(days=rng.randint(30, 540)),
                    end_user_input_who="Users of the current process" if asked else "",
                    end_user_input_when=start - timedelta(days=20) if asked else None,
                    end_user_input_summary="They told us where it hurts." if asked else "",
                    end_user_input_waiver="" if asked or rng.random() < 0.7 else "Back-office change only.",
                    stage=stage,
                    paused_from=rng.choice(("approved", "in_delivery")) if stage == "paused" else "",
                    it_involved_stage=it_stage,
                    outcome_achieved=rng.choice(("yes", "yes", "partly", "no")) if stage == "closed" else "",
                    lessons_learned="Involve the end users earlier." if stage == "closed" else "",
                    created_by=rng.choice(business),
                )
            )
        rows = Initiative.objects.bulk_create(rows, batch_size=batch)

        through = Initiative.departments.through
        department_links: list[Any] = []
        measures: list[SuccessMeasure] = []
        kr_links: list[KeyResultLink] = []
        transitions: list[Transition] = []
        for initiative in rows:
            for department in rng.sample(departments, rng.randint(1, 3)):
                department_links.append(through(initiative_id=initiative.pk, department_id=department.pk))
            early = initiative.stage in EARLY
            for m in range(rng.choices((0, 1, 2, 3), weights=(2 if early else 1, 5, 3, 1))[0]):
                kr = rng.choice(shared_krs) if rng.random() < 0.5 else None
                measures.append(
                    SuccessMeasure(
                        organization=org,
                        initiative=initiative,
                        name=f"Measure {m + 1}",
                        baseline=10.0,
                        target=None if rng.random() < 0.15 else 20.0,
                        unit="%",
                        key_result=kr,
                    )
                )
            # About one in six serves no objective; a few serve only a siloed one.
            roll = rng.random()
            if roll < 0.16:
                linked: list[KeyResult] = []
            elif roll < 0.22:
                linked = [rng.choice(siloed_krs)]
            else:
                linked = rng.sample(shared_krs, rng.randint(1, 3))
            kr_links.extend(
                KeyResultLink(organization=org, initiative=initiative, key_result=kr, contribution="")
                for kr in linked
            )
            transitions.append(
                Transition(
                    organization=org,
                    initiative=initiative,
                    from_stage="",
                    to_stage="idea",
                    reason="Created",
                    actor=owner,
                    created_at=now - timedelta(days=300),
                )
            )
            if initiative.stage != "idea":
                transitions.append(
                    Transition(
                        organization=org,
                        initiative=initiative,
                        from_stage="idea",
                        to_stage=initiative.stage,
                        reason="Generated",
                        actor=owner,
                        created_at=now - timedelta(days=30),
                    )
                )
        through.objects.bulk_create(department_links, batch_size=batch)
        SuccessMeasure.objects.bulk_create(measures, batch_size=batch)
        KeyResultLink.objects.bulk_create(kr_links, batch_size=batch)
        Transition.objects.bulk_create(transitions, batch_size=batch)
    respondents = _closed_survey(org, owner, respondents=max(40, initiatives // 25))
    seconds = time.perf_counter() - started
    return (
        f"generated {slug}: {respondents} survey responses, {len(rows):,} initiatives, {len(objectives)} objectives, {len(key_results)} key "
        f"results, {len(measures):,} success measures, {len(kr_links):,} key-result links, "
        f"{len(department_links):,} department links, {len(transitions):,} transitions in {seconds:.1f} s"
    )


def _closed_survey(org: Any, owner: Any, *, respondents: int) -> int:
    """A closed partnership survey answered through ``respondents`` personal links (both sides,
    the organisation's departments in turn), made through the services as people would."""
    from datetime import timedelta

    from django.utils import timezone

    from tandem.core.models import Department, Membership, Side
    from tandem.surveys import catalog, selectors, services
    from tandem.surveys.models import AudienceKind, QuestionKind, SurveyTemplate

    actor = Membership.objects.for_org(org).get(user=owner)
    template = SurveyTemplate.objects.for_org(org).get(key=catalog.PARTNERSHIP.key)
    departments = list(Department.objects.for_org(org).order_by("pk"))[:4]
    today = timezone.localdate()
    sides = (Side.BUSINESS, Side.IT)
    campaign = services.campaign_create(
        actor=actor,
        template=template,
        title="Partnership temperature",
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=7),
        audience=AudienceKind.EMAILS,
        recipients=[
            services.Recipient(
                f"respondent{i}@bench.example", sides[i % 2], departments[i % len(departments)]
            )
            for i in range(respondents)
        ],
        send_email=False,
    )
    questions = list(template.questions.all())
    for number, link in enumerate(campaign.links.order_by("pk")):
        answers = {
            q.field_name: "Agree one list of priorities." if q.kind == QuestionKind.TEXT else 2 + number % 4
            for q in questions
        }
        services.response_submit(token=selectors.link_token(link), answers=answers)
    services.campaign_close(actor=actor, campaign=campaign)
    return respondents


# A correlated subquery that SQLite answers through an organisation-wide index: every row of the
# portfolio then scans all of the organisation's measures or links (quadratic in its size).
_ORG_INDEX_SEARCH = re.compile(r"SEARCH (\w+) USING (?:COVERING )?INDEX (\w*organization_id\w*)")


def plan_check(slug: str) -> list[str]:
    """The correlated subqueries of the portfolio query that SQLite runs through an
    organisation-wide index (empty on PostgreSQL, or when there are none)."""
    from django.db import connection

    from tandem.core.models import Organization
    from tandem.strategy.selectors import initiative_portfolio

    if connection.vendor != "sqlite":
        return []
    org = Organization.objects.get(slug=slug)
    sql, params = initiative_portfolio(org).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        rows = {int(row[0]): (int(row[1]), str(row[-1])) for row in cursor.fetchall()}

    def correlated(node: int) -> bool:
        parent = rows[node][0]
        while parent in rows:
            if rows[parent][1].startswith("CORRELATED"):
                return True
            parent = rows[parent][0]
        return False

    found = set()
    for node, (_parent, detail) in rows.items():
        match = _ORG_INDEX_SEARCH.search(detail)
        if match and correlated(node):
            found.add(match.group(2))
    return sorted(found)


def analyze() -> None:
    """Refresh the planner's statistics (SQLite and PostgreSQL both understand ANALYZE)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def first_ids(slug: str) -> dict[str, int | None]:
    """The first initiative and survey of ``slug``: what a page's address names."""
    from tandem.core.models import Organization
    from tandem.strategy.models import Initiative
    from tandem.surveys.models import Campaign

    org = Organization.objects.get(slug=slug)
    return {
        "initiative": Initiative.objects.for_org(org).order_by("pk").values_list("pk", flat=True).first(),
        "campaign": Campaign.objects.for_org(org).order_by("pk").values_list("pk", flat=True).first(),
    }


def count_queries(
    *, orgs: list[str], owner_email: str, pages: dict[str, str], apis: dict[str, str], tokens: dict[str, str]
) -> list[dict[str, Any]]:
    """Per organisation and path: status, queries and in-process time of a second, warm request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tandem.core.models import Organization, User
    from tandem.strategy.models import Initiative

    host = os.environ.get("TANDEM_ALLOWED_HOSTS", "127.0.0.1").split(",")[0].strip() or "127.0.0.1"
    owner = User.objects.get(email__iexact=owner_email)
    results = []
    for slug in orgs:
        org = Organization.objects.get(slug=slug)
        size = Initiative.objects.for_org(org).count()
        signed_in = Client(HTTP_HOST=host)
        signed_in.force_login(owner)
        requests: list[tuple[str, str, Client, dict[str, str]]] = [
            (key, path, signed_in, {}) for key, path in pages.items()
        ]
        if apis:
            token = Client(HTTP_HOST=host)
            auth = {"Authorization": f"Bearer {tokens.get(slug, '')}"}
            requests += [(key, path, token, auth) for key, path in apis.items()]
        ids = first_ids(slug)
        for key, template, client, headers in requests:
            path = template.format(slug=slug, **ids)
            client.get(path, headers=headers)  # warm-up: sessions, caches, the token's last use
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(path, headers=headers)
                elapsed = time.perf_counter() - began
            results.append(
                {
                    "key": key,
                    "org": slug,
                    "initiatives": size,
                    "path": path,
                    "status": response.status_code,
                    "queries": len(captured),
                    "ms": round(elapsed * 1000, 1),
                    "bytes": len(response.content),
                }
            )
    return results


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, path = value.partition("=")
        if not sep or not key or not path:
            raise SystemExit(f"{flag} takes KEY=PATH, not {value!r}")
        pairs[key] = path
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="action", required=True)
    gen = sub.add_parser("generate", help="generate an organisation (once)")
    gen.add_argument("--slug", required=True)
    gen.add_argument("--initiatives", type=int, required=True)
    gen.add_argument("--owner", required=True, help="e-mail of an existing person who becomes its owner")
    stats = sub.add_parser(
        "analyze", help="refresh the planner's statistics; report the portfolio's plan before and after"
    )
    stats.add_argument("--slug", required=True, help="the organisation whose portfolio query is checked")
    count = sub.add_parser("queries", help="count the queries of requests, in-process")
    count.add_argument("--org", action="append", required=True)
    count.add_argument("--owner", required=True)
    count.add_argument("--page", action="append", default=[], help="KEY=PATH, signed in; {slug} is replaced")
    count.add_argument("--api", action="append", default=[], help="KEY=PATH, with the org's bearer token")
    args = parser.parse_args(argv)
    django.setup()
    if args.action == "generate":
        if args.initiatives < 1:
            parser.error("--initiatives must be at least 1")
        print(generate(slug=args.slug, initiatives=args.initiatives, owner_email=args.owner))
        return 0
    if args.action == "analyze":
        before = plan_check(args.slug)
        analyze()
        after = plan_check(args.slug)
        ids = first_ids(args.slug)
        print(
            json.dumps({"org_index_searches": {"before_analyze": before, "after_analyze": after}, "ids": ids})
        )
        return 0
    tokens = json.loads(os.environ.get("BENCH_TOKENS") or "{}")
    for row in count_queries(
        orgs=args.org,
        owner_email=args.owner,
        pages=_pairs(args.page, "--page"),
        apis=_pairs(args.api, "--api"),
        tokens=tokens,
    ):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
