"""Benchmark data for governance: a generated organisation of parties and initiatives, and the
queries the scorecard and the RACI matrix pages run.

Runs with a Tandem installation's environment (the benchmark passes its ``TANDEM_*`` variables),
never with the developer's own data:

    python benchmarks/governance_data.py generate --slug bench-gov --parties 200 --initiatives 2000 \\
        --owner owner@example.com
    python benchmarks/governance_data.py analyze --slug bench-gov
    python benchmarks/governance_data.py queries --org demo --org bench-gov --owner owner@example.com \\
        --page scorecard=/o/{slug}/scorecard/ --page raci=/o/{slug}/initiatives/{initiative}/raci/

``generate`` first makes the portfolio (``portfolio_data.generate``: objectives, key results,
initiatives, people), then, in one transaction of bulk inserts, the governance of it: parties of
every kind with contracts and contributions, services for most of them (service levels P1–P3, an
availability target, a measure of their own, an escalation path and the last full quarter's
monthly measurements), a RACI matrix of 8 activities × 3–5 columns on every initiative, that
quarter's incidents with each party's clock segments (some handed over and back, paused or
escalated) and the business side's ratings. It does nothing when the organisation has parties. The
same slug and sizes always give the same data. ``analyze`` refreshes the planner's statistics and
prints the address ids the pages need.

``queries`` requests each path in-process with Django's test client, signed in as the owner: once
after a warm-up of the same page for another quarter (templates loaded, the page cache cold: the
figures are computed) and once more (the page served from the page cache), and prints one JSON
object per line with the queries and milliseconds of both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")

import django

# (kind, share of the parties)
KINDS = {
    "internal": 12,
    "software_vendor": 25,
    "cloud_provider": 8,
    "integrator": 15,
    "consultancy": 17,
    "managed_services": 18,
    "other": 5,
}
NAMES = [
    "North",
    "Blue",
    "Ever",
    "Bright",
    "Delta",
    "Iron",
    "Clear",
    "Swift",
    "Open",
    "Prime",
    "Silver",
    "Core",
]
ENDINGS = {
    "internal": "team",
    "software_vendor": "soft",
    "cloud_provider": "cloud",
    "integrator": "link",
    "consultancy": "partners",
    "managed_services": "ops",
    "other": "works",
}
SERVICE_NOUNS = [
    "hosting",
    "application support",
    "licence and support",
    "network",
    "service desk",
    "platform",
]
# (name, unit, target, higher is better, spread of the values around the target)
METRICS = [
    ("Batch jobs on time", "%", Decimal(98), True, Decimal(3)),
    ("Tickets reopened", "%", Decimal(5), False, Decimal(3)),
    ("Backups completed", "%", Decimal(100), True, Decimal(2)),
    ("Page load time (p95)", "ms", Decimal(800), False, Decimal(300)),
    ("Changes without incident", "%", Decimal(95), True, Decimal(5)),
]
PRIORITY_WEIGHTS = {"p1": 4, "p2": 18, "p3": 53, "p4": 25}
# (acknowledge, resolve) working hours per priority: two kinds of contract
LEVELS = [
    {"p1": (Decimal("0.5"), Decimal(4)), "p2": (Decimal(1), Decimal(8)), "p3": (Decimal(4), Decimal(24))},
    {"p1": (Decimal(1), Decimal(8)), "p2": (Decimal(2), Decimal(16)), "p3": (Decimal(8), Decimal(40))},
]
BATCH = 1000


@dataclass
class _Plan:
    """One incident's story before it is written: its segments and events as plain tuples."""

    segments: list[tuple[int, str, datetime, datetime | None, datetime | None, str]] = field(
        default_factory=list
    )  # (party id, kind, start, end, acknowledged at, reason)
    events: list[tuple[str, datetime, int | None, int | None, str]] = field(
        default_factory=list
    )  # (kind, at, party id, level, note)


def generate(*, slug: str, parties: int, initiatives: int, incidents: int, owner_email: str) -> str:
    """Create organisation ``slug`` with its portfolio and governance unless it has parties."""
    from django.db import transaction

    from portfolio_data import generate as generate_portfolio
    from tandem.core.models import Organization
    from tandem.governance.models import Party

    started = time.perf_counter()
    portfolio = generate_portfolio(slug=slug, initiatives=initiatives, owner_email=owner_email)
    org = Organization.objects.get(slug=slug)
    if Party.objects.for_org(org).exists():
        return f"kept {slug}"
    portfolio_seconds = time.perf_counter() - started
    rng = random.Random(f"{slug}:{parties}:{initiatives}:{incidents}")
    with transaction.atomic():
        Organization.objects.filter(pk=org.pk).update(
            name=f"Benchmark: {parties:,} parties, {initiatives:,} initiatives"
        )
        counts = _governance(org, rng, parties=parties, incidents=incidents)
    seconds = time.perf_counter() - started
    made = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    return (
        f"generated {slug} in {seconds:.1f} s: the portfolio in {portfolio_seconds:.1f} s "
        f"({portfolio.split(':', 1)[-1].strip()}), then {made} in {seconds - portfolio_seconds:.1f} s"
    )


def _governance(org: Any, rng: random.Random, *, parties: int, incidents: int) -> dict[str, int]:  # noqa: C901 (bulk data generation, one straight pass per kind of row)
    from django.utils import timezone

    from tandem.core.models import Membership, Side
    from tandem.governance import scorecard
    from tandem.governance.models import (
        Contract,
        Contribution,
        EscalationLevel,
        EscalationPath,
        Measurement,
        Party,
        PartyRating,
        PartyRatingReceipt,
        Service,
        ServiceLevel,
        ServiceMetric,
    )
    from tandem.strategy.models import Initiative, KeyResult, Objective

    today = timezone.localdate()
    quarter = scorecard.previous_quarter(scorecard.quarter_of(today))
    members = list(Membership.objects.for_org(org).order_by("pk"))
    business = [m for m in members if m.side == Side.BUSINESS]
    it = [m for m in members if m.side == Side.IT]

    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=parties)
    made = Party.objects.bulk_create(
        [
            Party(
                organization=org,
                name=f"{rng.choice(NAMES)}{ENDINGS[kind]} {n + 1:03d}",
                kind=kind,
                side=(Side.IT if n % 3 else Side.BUSINESS) if kind == "internal" else Side.PARTNER,
                description="Generated for the benchmark.",
            )
            for n, kind in enumerate(kinds)
        ],
        batch_size=BATCH,
    )
    external = [p for p in made if p.kind != "internal"]
    internal = [p for p in made if p.kind == "internal"] or made[:1]

    contracts = []
    for party in external:
        start = today - timedelta(days=rng.randint(60, 900))
        contracts.append(
            Contract(
                organization=org,
                party=party,
                title=f"Agreement with {party.name}",
                starts_on=start,
                ends_on=None if rng.random() < 0.2 else start + timedelta(days=rng.choice((365, 730, 1095))),
                value=Decimal(rng.randint(10, 900) * 1000),
                currency="EUR",
                notice_days=rng.choice((30, 60, 90, 180)),
                renewal=rng.choice(("tacit", "explicit")),
            )
        )
    Contract.objects.bulk_create(contracts, batch_size=BATCH)
    shared = list(Objective.objects.for_org(org).filter(business_owner__isnull=False))
    contributions = [
        Contribution(organization=org, party=party, objective=objective, contribution="Generated.")
        for party in made
        if rng.random() < 0.4
        for objective in rng.sample(shared, rng.randint(1, 2))
    ]
    Contribution.objects.bulk_create(contributions, batch_size=BATCH)

    # Services: most external parties run one or two, a few internal teams too.
    services: list[Service] = []
    for party in made:
        if rng.random() < (0.85 if party.kind != "internal" else 0.4):
            for noun in rng.sample(SERVICE_NOUNS, 2 if rng.random() < 0.3 else 1):
                services.append(
                    Service(
                        organization=org,
                        party=party,
                        name=f"{party.name} {noun}",
                        availability_target=rng.choice((Decimal("99"), Decimal("99.5"), Decimal("99.9"))),
                    )
                )
    services = Service.objects.bulk_create(services, batch_size=BATCH)
    levels: list[ServiceLevel] = []
    agreed: dict[tuple[int, str], tuple[Decimal, Decimal]] = {}
    metrics: list[ServiceMetric] = []
    for service in services:
        contract = rng.choice(LEVELS)
        for priority, (acknowledge, resolve) in contract.items():
            levels.append(
                ServiceLevel(
                    organization=org,
                    service=service,
                    priority=priority,
                    acknowledge_hours=acknowledge,
                    resolve_hours=resolve,
                )
            )
            agreed[(service.pk, priority)] = (acknowledge, resolve)
        name, unit, target, higher, _spread = rng.choice(METRICS)
        metrics.append(
            ServiceMetric(
                organization=org,
                service=service,
                name=name,
                unit=unit,
                target=target,
                higher_is_better=higher,
            )
        )
    ServiceLevel.objects.bulk_create(levels, batch_size=BATCH)
    metrics = ServiceMetric.objects.bulk_create(metrics, batch_size=BATCH)
    spreads = {name: spread for name, _u, _t, _h, spread in METRICS}
    measurements = []
    months = [date(quarter.year, quarter.month + n, 1) for n in range(3)]
    for service, metric in zip(services, metrics, strict=True):
        target = service.availability_target or Decimal(99)
        for month in months:
            met = rng.random() < 0.85
            up = (
                target + Decimal(rng.randint(0, 9)) / 100
                if met
                else target - Decimal(rng.randint(5, 80)) / 100
            )
            measurements.append(
                Measurement(organization=org, service=service, period=month, value=min(up, Decimal(100)))
            )
            shift = spreads[metric.name] * Decimal(rng.random()).quantize(Decimal("0.001"))
            better = rng.random() < 0.8
            value = metric.target + shift if better == metric.higher_is_better else metric.target - shift
            if metric.unit == "%":
                value = min(max(value, Decimal(0)), Decimal(100))
            measurements.append(
                Measurement(organization=org, service=service, metric=metric, period=month, value=value)
            )
    Measurement.objects.bulk_create(measurements, batch_size=BATCH)
    initiatives = list(Initiative.objects.for_org(org).order_by("pk").only("pk", "business_co_lead_id"))
    key_results = list(KeyResult.objects.for_org(org).filter(objective__in=shared).only("pk"))
    service_initiatives = Service.initiatives.through
    Service.initiatives.through.objects.bulk_create(
        [
            service_initiatives(service_id=service.pk, initiative_id=initiative.pk)
            for service in services
            for initiative in rng.sample(initiatives, rng.randint(2, 4))
        ],
        batch_size=BATCH,
    )
    service_key_results = Service.key_results.through
    service_key_results.objects.bulk_create(
        [service_key_results(service_id=s.pk, keyresult_id=rng.choice(key_results).pk) for s in services],
        batch_size=BATCH,
    )
    paths = EscalationPath.objects.bulk_create(
        [EscalationPath(organization=org, service=service) for service in services], batch_size=BATCH
    )
    EscalationLevel.objects.bulk_create(
        [
            level
            for path, service in zip(paths, services, strict=True)
            for level in (
                EscalationLevel(
                    organization=org,
                    path=path,
                    position=0,
                    party=service.party,
                    channel="phone",
                    respond_hours=Decimal(1),
                ),
                EscalationLevel(
                    organization=org,
                    path=path,
                    position=1,
                    membership=rng.choice(it),
                    channel="email",
                    respond_hours=Decimal(4),
                ),
            )
        ],
        batch_size=BATCH,
    )

    raci = _matrices(org, rng, initiatives, made)
    written = _incidents(org, rng, quarter, services, agreed, internal, external, incidents)

    ratings, receipts = [], []
    for party in made:
        raters = rng.sample(business, min(len(business), rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 8, 10, 12))))
        for rater in raters:
            score = rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 4, 5, 3))[0]
            ratings.append(PartyRating(organization=org, party=party, quarter=quarter, score=score))
            receipts.append(
                PartyRatingReceipt(organization=org, party=party, quarter=quarter, membership=rater)
            )
    rng.shuffle(ratings)
    PartyRating.objects.bulk_create(ratings, batch_size=BATCH)
    PartyRatingReceipt.objects.bulk_create(receipts, batch_size=BATCH)
    return {
        "parties": len(made),
        "contracts": len(contracts),
        "contributions": len(contributions),
        "services": len(services),
        "service levels": len(levels),
        "measurements": len(measurements),
        **raci,
        **written,
        "ratings": len(ratings),
    }


def _matrices(org: Any, rng: random.Random, initiatives: list[Any], parties: list[Any]) -> dict[str, int]:
    """A RACI matrix on every initiative: the default template's 8 activities, 3–5 columns (parties,
    and on some the business co-lead), one A and one R per activity, C and I here and there."""
    from tandem.governance.models import RaciActivity, RaciAssignment, RaciColumn
    from tandem.governance.services import DEFAULT_ACTIVITIES

    names = [str(name) for name in DEFAULT_ACTIVITIES]
    activities = RaciActivity.objects.bulk_create(
        [
            RaciActivity(organization=org, initiative_id=initiative.pk, name=name, position=position)
            for initiative in initiatives
            for position, name in enumerate(names)
        ],
        batch_size=BATCH,
    )
    columns: list[RaciColumn] = []
    widths = []
    for initiative in initiatives:
        chosen: list[RaciColumn] = [
            RaciColumn(organization=org, initiative_id=initiative.pk, party=party, position=position)
            for position, party in enumerate(rng.sample(parties, min(len(parties), rng.randint(3, 5))))
        ]
        if initiative.business_co_lead_id and rng.random() < 0.3:
            chosen[-1] = RaciColumn(
                organization=org,
                initiative_id=initiative.pk,
                membership_id=initiative.business_co_lead_id,
                position=len(chosen) - 1,
            )
        columns.extend(chosen)
        widths.append(len(chosen))
    columns = RaciColumn.objects.bulk_create(columns, batch_size=BATCH)
    assignments: list[RaciAssignment] = []
    at = 0
    for n, width in enumerate(widths):
        own = columns[at : at + width]
        at += width
        for activity in activities[n * len(names) : (n + 1) * len(names)]:
            accountable, responsible = rng.sample(own, 2) if len(own) > 1 else (own[0], None)
            for column in own:
                if column is accountable:
                    letter = "A"
                elif column is responsible:
                    letter = "R"
                else:
                    letter = rng.choices(("C", "I", ""), weights=(3, 2, 5))[0]
                if letter:
                    assignments.append(
                        RaciAssignment(organization=org, activity=activity, column=column, letter=letter)
                    )
    RaciAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    return {"RACI activities": len(activities), "RACI columns": len(columns), "RACI cells": len(assignments)}


def _working_moments(rng: random.Random, quarter: date, count: int) -> Iterator[datetime]:
    """``count`` moments on the quarter's weekdays between 09:00 and 16:00, Amsterdam time."""
    from zoneinfo import ZoneInfo

    from tandem.governance import scorecard

    zone = ZoneInfo("Europe/Amsterdam")
    last = scorecard.quarter_end(quarter)
    days = [quarter + timedelta(days=n) for n in range((last - quarter).days + 1)]
    weekdays = [day for day in days if day.weekday() < 5]
    for _n in range(count):
        day = rng.choice(weekdays)
        yield datetime(
            day.year, day.month, day.day, rng.randint(9, 15), rng.choice((0, 15, 30, 45)), tzinfo=zone
        )


def _incidents(
    org: Any,
    rng: random.Random,
    quarter: date,
    services: list[Any],
    agreed: dict[tuple[int, str], tuple[Decimal, Decimal]],
    internal: list[Any],
    external: list[Any],
    count: int,
) -> dict[str, int]:
    """The quarter's incidents: held by the service's party, some handed over (and some back),
    paused or escalated; nearly all resolved. Times are wall-clock hours: the scorecard counts
    working time from them as it would from real ones."""
    from django.utils import timezone

    from tandem.governance.models import Incident, IncidentEvent, IncidentSegment

    now = timezone.now()
    rows: list[Incident] = []
    plans: list[_Plan] = []
    for raised in _working_moments(rng, quarter, count):
        service = rng.choice(services)
        priority = rng.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()))[0]
        acknowledge, resolve = agreed.get((service.pk, priority), (Decimal(8), Decimal(80)))
        holder = service.party
        plan = _Plan()
        plan.events.append(("raised", raised, holder.pk, 0, ""))
        delay = timedelta(hours=float(acknowledge) * rng.uniform(0.2, 1.8))
        escalations = 0
        if delay > timedelta(hours=1) and rng.random() < 0.6:  # the first level's hour ran out
            escalations = 1
            plan.events.append(("escalated", raised + timedelta(hours=1), holder.pk, 1, ""))
        acked = raised + delay
        plan.events.append(("acknowledged", acked, holder.pk, None, ""))
        start, current = raised, holder
        roll = rng.random()
        moment = acked
        if roll < 0.12:  # handed over to another party, which acknowledges; some hand it back
            other = rng.choice(internal if holder.kind != "internal" else external)
            moment = acked + timedelta(hours=rng.uniform(0.5, 3))
            plan.segments.append((holder.pk, "running", start, moment, acked, ""))
            plan.events.append(("handed_over", moment, other.pk, None, "Not ours: over to you."))
            other_ack = moment + timedelta(hours=rng.uniform(0.1, 1.5))
            plan.events.append(("acknowledged", other_ack, other.pk, None, ""))
            start, current = moment, other
            if rng.random() < 0.4:
                back = other_ack + timedelta(hours=rng.uniform(0.5, 3))
                plan.segments.append((other.pk, "running", start, back, other_ack, ""))
                plan.events.append(("handed_over", back, holder.pk, None, "The cause is on your side."))
                again = back + timedelta(hours=rng.uniform(0.2, 2.5))
                if again - back > timedelta(hours=1) and rng.random() < 0.7:  # nobody answered in time
                    escalations += 1
                    plan.events.append(("escalated", back + timedelta(hours=1), holder.pk, escalations, ""))
                plan.events.append(("acknowledged", again, holder.pk, None, ""))
                start, current, moment = back, holder, again
            else:
                moment = other_ack
        elif roll < 0.22:  # paused while waiting for the reporter
            pause = acked + timedelta(hours=rng.uniform(0.5, 3))
            resume = pause + timedelta(hours=rng.uniform(2, 30))
            plan.segments.append((holder.pk, "running", start, pause, acked, ""))
            plan.segments.append((holder.pk, "paused", pause, resume, acked, "Waiting for the reporter."))
            plan.events.append(("paused", pause, holder.pk, None, "Waiting for the reporter."))
            plan.events.append(("resumed", resume, holder.pk, None, ""))
            start, moment = resume, resume
        first_ack = min(at for kind, at, _p, _l, _n in plan.events if kind == "acknowledged")
        current_ack = max(
            (at for kind, at, p, _l, _n in plan.events if kind == "acknowledged" and p == current.pk),
            default=None,
        )
        open_still = rng.random() < 0.04
        resolved = None
        if not open_still:
            resolved = min(moment + timedelta(hours=float(resolve) * rng.uniform(0.1, 1.3)), now)
            plan.events.append(("resolved", resolved, current.pk, None, "Fixed."))
        plan.segments.append((current.pk, "running", start, resolved, current_ack, ""))
        rows.append(
            Incident(
                organization=org,
                title=f"Generated incident of {service.name}",
                priority=priority,
                service=service,
                party=current,
                status="acknowledged" if open_still else "resolved",
                raised_at=raised,
                acknowledged_at=first_ack,
                resolved_at=resolved,
                resolution="" if open_still else "Fixed.",
                escalation_level=min(escalations, 1),  # the paths have two levels
                escalations=escalations,
            )
        )
        plans.append(plan)
    rows = Incident.objects.bulk_create(rows, batch_size=BATCH)
    segments = [
        IncidentSegment(
            organization=org,
            incident=incident,
            party_id=party_id,
            kind=kind,
            started_at=started,
            ended_at=ended,
            acknowledged_at=acked,
            reason=reason,
        )
        for incident, plan in zip(rows, plans, strict=True)
        for party_id, kind, started, ended, acked, reason in plan.segments
    ]
    IncidentSegment.objects.bulk_create(segments, batch_size=BATCH)
    events = [
        IncidentEvent(
            organization=org, incident=incident, kind=kind, at=at, party_id=party_id, level=level, note=note
        )
        for incident, plan in zip(rows, plans, strict=True)
        for kind, at, party_id, level, note in plan.events
    ]
    IncidentEvent.objects.bulk_create(events, batch_size=BATCH)
    return {"incidents": len(rows), "incident segments": len(segments), "incident events": len(events)}


def analyze(slug: str) -> dict[str, int | None]:
    """Refresh the planner's statistics; the ids the pages' addresses name."""
    from django.db import connection

    from tandem.core.models import Organization
    from tandem.strategy.models import Initiative

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    org = Organization.objects.get(slug=slug)
    return {
        "gov_initiative": Initiative.objects.for_org(org).order_by("pk").values_list("pk", flat=True).first()
    }


def count_queries(*, orgs: list[str], owner_email: str, pages: dict[str, str]) -> list[dict[str, Any]]:
    """Per organisation and page: a computed (page cache cold) and a kept (page cache warm) request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tandem.core.models import Organization, User
    from tandem.governance import scorecard
    from tandem.governance.models import Party
    from tandem.strategy.models import Initiative

    host = os.environ.get("TANDEM_ALLOWED_HOSTS", "127.0.0.1").split(",")[0].strip() or "127.0.0.1"
    owner = User.objects.get(email__iexact=owner_email)
    other_quarter = scorecard.quarter_label(
        scorecard.previous_quarter(scorecard.previous_quarter(scorecard.quarter_of(timezone.localdate())))
    )
    results = []
    for slug in orgs:
        org = Organization.objects.get(slug=slug)
        first = Initiative.objects.for_org(org).order_by("pk").values_list("pk", flat=True).first()
        client = Client(HTTP_HOST=host, raise_request_exception=False)  # a failing page is a 500 row
        client.force_login(owner)
        for key, template in pages.items():
            path = template.format(slug=slug, initiative=first)
            # Warm-up: the same view for another quarter (or a print view), so templates and the
            # session are loaded but this page's answer is not kept yet.
            client.get(path + f"?quarter={other_quarter}" if "scorecard" in path else path + "print/")
            row: dict[str, Any] = {
                "key": key,
                "org": slug,
                "parties": Party.objects.for_org(org).count(),
                "initiatives": Initiative.objects.for_org(org).count(),
                "path": path,
            }
            for state in ("cold", "warm"):
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    response = client.get(path)
                    elapsed = time.perf_counter() - began
                row[state] = {
                    "status": response.status_code,
                    "queries": len(captured),
                    "ms": round(elapsed * 1000, 1),
                    "bytes": len(response.content),
                }
            results.append(row)
    return results


def _pairs(values: list[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, path = value.partition("=")
        if not sep or not key or not path:
            raise SystemExit(f"--page takes KEY=PATH, not {value!r}")
        pairs[key] = path
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="action", required=True)
    gen = sub.add_parser("generate", help="generate an organisation (once)")
    gen.add_argument("--slug", required=True)
    gen.add_argument("--parties", type=int, default=200)
    gen.add_argument("--initiatives", type=int, default=2000)
    gen.add_argument("--incidents", type=int, default=1500, help="incidents in the last full quarter")
    gen.add_argument("--owner", required=True, help="e-mail of an existing person who becomes its owner")
    stats = sub.add_parser("analyze", help="refresh the planner's statistics; print the ids the pages need")
    stats.add_argument("--slug", required=True)
    count = sub.add_parser("queries", help="count the queries of pages, in-process")
    count.add_argument("--org", action="append", required=True)
    count.add_argument("--owner", required=True)
    count.add_argument(
        "--page", action="append", default=[], help="KEY=PATH; {slug} and {initiative} filled in"
    )
    args = parser.parse_args(argv)
    if args.action == "generate" and (args.parties < 2 or min(args.initiatives, args.incidents) < 1):
        parser.error("--parties must be at least 2, --initiatives and --incidents at least 1")
    django.setup()
    if args.action == "generate":
        print(
            generate(
                slug=args.slug,
                parties=args.parties,
                initiatives=args.initiatives,
                incidents=args.incidents,
                owner_email=args.owner,
            )
        )
    elif args.action == "analyze":
        print(json.dumps(analyze(args.slug)))
    else:
        for row in count_queries(orgs=args.org, owner_email=args.owner, pages=_pairs(args.page)):
            print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
