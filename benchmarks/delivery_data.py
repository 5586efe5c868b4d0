"""Delivery at scale for `make bench`: the delivery pages of the demo, and a generated organisation
of 2,000 initiatives with ~10,000 deliverables.

Imported by ``scenarios.py`` (the benchmark's side): ``prepare_demo`` (a scenario's hook, run before
the server starts) learns the demo initiative with the most deliverables, whose delivery tab a
scenario loads; ``prepare`` does that too and generates the large organisation with this script's
``generate`` in the benchmark's installation, owned by the demo owner so the signed-in clients can
open it, then runs ANALYZE. ``query_report`` counts, in-process, the queries of the delivery
dashboard, an initiative's delivery tab and the change requests at demo size and (when generated)
at 2,000 initiatives: the count must not grow with the number of initiatives or deliverables.

Run as a script, with a Tandem installation's environment (the benchmark passes its ``TANDEM_*``
variables), never with the developer's own data:

    python benchmarks/delivery_data.py generate --slug bench-delivery --initiatives 2000 \\
        --deliverables 10000 --owner owner@example.com
    python benchmarks/delivery_data.py ids --org demo --org bench-delivery [--analyze]
    python benchmarks/delivery_data.py queries --org demo --org bench-delivery --owner owner@example.com \\
        --page dashboard=/o/{slug}/delivery/ --page initiative=/o/{slug}/initiatives/{initiative}/delivery/

``generate`` first makes the portfolio (``portfolio_data.generate``: objectives, key results,
initiatives, people), then, in one transaction of bulk inserts, the delivery of it: parties that own
deliverables, a baseline for every committed initiative, change requests of both sides (approved,
rejected, deferred, open) with the plan changes their approvals made and a few unexplained moves,
the deliverables (their number spread at random over the committed initiatives) with acceptance
criteria, re-plans (explained or not), offers with the business's decisions (accepted, with
remarks, rejected for a reason, awaited), and end-user feedback links with their ratings. The rows
are benchmark data, not a replay of the services. It does nothing when the organisation has
deliverables; the same slug and sizes always give the same data.

``ids`` prints, per organisation, its initiative with the most deliverables (the tab's address
names it). ``queries`` requests each path in-process with Django's test client, signed in as the
owner: once after a warm-up of the same view at another address (templates loaded, the page cache
cold: the page is computed) and once more (a page kept whole is then served from the page cache),
and prints one JSON object per line with the queries and milliseconds of both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import portfolio
from server import OWNER_EMAIL, BenchError

if TYPE_CHECKING:
    from scenarios import Scenario
    from server import BenchEnvironment

SCRIPT = Path(__file__).resolve()
DEMO, LARGE = "demo", "bench-delivery"
INITIATIVES, DELIVERABLES, PARTIES = 2_000, 10_000, 60
DASHBOARD = "/o/{slug}/delivery/"
INITIATIVE = "/o/{slug}/initiatives/{initiative}/delivery/"
CHANGES = "/o/{slug}/changes/"
PAGES = {"dashboard": DASHBOARD, "initiative": INITIATIVE, "changes": CHANGES}
# The pages as the load scenarios request them ({delivery_initiative} is known once prepared).
DEMO_DASHBOARD = DASHBOARD.format(slug=DEMO)
DEMO_INITIATIVE = INITIATIVE.format(slug=DEMO, initiative="{delivery_initiative}")
DEMO_CHANGES = CHANGES.format(slug=DEMO)
LARGE_DASHBOARD = DASHBOARD.format(slug=LARGE)
# Stages of an initiative that has been committed to: it has a baseline and delivers.
COMMITTED = ("approved", "in_delivery", "delivered", "closed")
BATCH = 1000


# --- The benchmark's side ------------------------------------------------------------------------


@dataclass
class _Prepared:
    ids: dict[str, int | None] = field(default_factory=dict)
    demo: dict[str, Any] = field(default_factory=dict)
    large: dict[str, Any] = field(default_factory=dict)
    generated: str = ""
    seconds: float = 0.0


# Per installation (data directory): several scenarios share one preparation.
_prepared: dict[Path, _Prepared] = {}


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _script(env: BenchEnvironment, *args: str) -> str:
    """Run ``delivery_data.py ARGS`` with the installation's environment; fail loudly."""
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env.env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"`delivery_data.py {' '.join(args)}` failed:\n{completed.stdout}{completed.stderr}")
    return completed.stdout


def _ids(env: BenchEnvironment, *args: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(_script(env, "ids", *args).strip().splitlines()[-1])
    return found


def prepare_demo(env: BenchEnvironment) -> None:
    """Learn the demo initiative with the most deliverables, once per installation."""
    if env.data_dir in _prepared:
        return
    prepared = _Prepared()
    prepared.demo = _ids(env, "--org", DEMO)[DEMO]
    prepared.ids["delivery_initiative"] = prepared.demo["initiative"]
    _prepared[env.data_dir] = prepared


def prepare(env: BenchEnvironment) -> None:
    """The demo's ids, and the large organisation generated once per installation."""
    prepare_demo(env)
    prepared = _prepared[env.data_dir]
    if prepared.large:
        return
    began = time.perf_counter()
    prepared.generated = _script(
        env,
        "generate",
        *("--slug", LARGE, "--initiatives", str(INITIATIVES)),
        *("--deliverables", str(DELIVERABLES), "--parties", str(PARTIES)),
        *("--owner", OWNER_EMAIL),
    ).strip()
    _progress(prepared.generated)
    prepared.large = _ids(env, "--org", LARGE, "--analyze")[LARGE]
    prepared.ids["delivery_2k_initiative"] = prepared.large["initiative"]
    prepared.seconds = time.perf_counter() - began


def ids(env: BenchEnvironment) -> dict[str, int | None]:
    """The ids the scenarios' addresses name (empty before a ``prepare``)."""
    prepared = _prepared.get(env.data_dir)
    return dict(prepared.ids) if prepared else {}


def query_report(env: BenchEnvironment, scenarios: list[Scenario]) -> list[str]:
    """Queries per request of the delivery pages, at demo size and (when a scenario generated it)
    at 2,000 initiatives, when a delivery scenario is among those run."""
    if not any(s.prepare in (prepare, prepare_demo) for s in scenarios):
        return []
    prepare_demo(env)
    prepared = _prepared[env.data_dir]
    counted = (DEMO, LARGE) if prepared.large else (DEMO,)
    args = ["queries", "--owner", OWNER_EMAIL]
    for slug in counted:
        args += ["--org", slug]
    for key, template in PAGES.items():
        args += ["--page", f"{key}={template}"]
    _progress("counting the queries of the delivery pages in-process...")
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for line in _script(env, *args).splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            rows[(row["key"], row["org"])] = row
            # The load table shows the count of a computed page (the first one of each process).
            portfolio.QUERIES[row["path"]] = row["cold"]["queries"]
    lines = [
        "Queries of the delivery pages, counted in-process with Django's test client: computed (after a",
        "warm-up of the same view at another address: templates loaded, the page cache cold) and again",
        "(the same request: the dashboard, kept whole per data version, is then served from the page",
        "cache; the other pages are computed again); ms is that one request in-process, not under load:",
        "",
        *_table(rows, counted),
        "",
        f"demo      the tab of “{prepared.demo['title']}” ({prepared.demo['deliverables']} deliverables, "
        "the demo initiative with the most)",
    ]
    if prepared.large:
        lines.append(
            f"data      {prepared.generated}; ANALYZE run afterwards (prepared in {prepared.seconds:.1f} s); "
            f"the tab counted there is that of the initiative with the most deliverables "
            f"({prepared.large['deliverables']})"
        )
    sizes = [
        f"{slug}: {row['cold']['bytes'] / 1024:,.0f} KB"
        for (key, slug), row in rows.items()
        if key == "dashboard"
    ]
    lines.append(f"note      the dashboard's page size: {', '.join(sizes)}")
    return lines


def _cell(row: dict[str, Any] | None, state: str) -> str:
    if row is None:
        return "-"
    found = row[state]
    status = "" if found["status"] == 200 else f" (HTTP {found['status']})"
    return f"{found['queries']} queries, {found['ms']:.0f} ms{status}"


def _table(rows: dict[tuple[str, str], dict[str, Any]], counted: tuple[str, ...]) -> list[str]:
    """One line per page: computed and again, per organisation, and whether the count grows."""
    sizes = {
        slug: f"{row['initiatives']:,} initiatives, {row['deliverables']:,} deliverables"
        for (_key, slug), row in rows.items()
    }
    states = ("cold", "warm")
    header = (
        "request",
        *(
            f"{sizes.get(slug, slug)}: {'computed' if s == 'cold' else 'again'}"
            for slug in counted
            for s in states
        ),
        "",
    )
    table = [header]
    for key, template in PAGES.items():
        found = [rows.get((key, slug)) for slug in counted]
        counts = [row["cold"]["queries"] if row else None for row in found]
        if len(counted) < 2:
            verdict = ""
        else:
            verdict = "constant" if None not in counts and len(set(counts)) == 1 else "GROWS"
        if any(row is None or row["cold"]["status"] != 200 or row["warm"]["status"] != 200 for row in found):
            verdict = "not 200"
        table.append((template, *(_cell(row, state) for row in found for state in states), verdict))
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = []
    for index, cells in enumerate(table):
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


# --- Inside the installation: the generated organisation -------------------------------------------

KINDS = {
    "internal": 15,
    "software_vendor": 25,
    "cloud_provider": 8,
    "integrator": 17,
    "consultancy": 15,
    "managed_services": 15,
    "other": 5,
}
PARTY_NAMES = ["North", "Blue", "Ever", "Bright", "Delta", "Iron", "Clear", "Swift", "Open", "Prime"]
DELIVERABLE_NOUNS = [
    "Pilot with one depot",
    "Data migration",
    "Training for the planners",
    "Customer portal page",
    "Interface to the carrier",
    "Reporting dashboard",
    "Mobile app release",
    "Acceptance test",
    "Cut-over weekend",
    "Process description",
]
CRITERIA = [
    "Works for the ten largest customers",
    "Answers within two seconds",
    "The planners signed off the test script",
    "No manual steps left in the daily run",
    "Reports reconcile with finance",
    "Accessible on a phone",
]
CHANGE_TITLES = [
    "Add the returns flow",
    "Support a second warehouse",
    "Drop the paper fallback",
    "Add English and German",
    "Connect the new carrier",
    "Extra report for the board",
]
COMMENTS = [
    "Much faster than before.",
    "I still need the old screen for exceptions.",
    "Clear, and my customers noticed.",
    "",
    "Hard to find the export button.",
    "",
]
REASONS = ["not_what_we_expected", "criteria_not_met", "quality", "incomplete", "not_usable", "other"]


def generate(*, slug: str, initiatives: int, deliverables: int, parties: int, owner_email: str) -> str:
    """Create organisation ``slug`` with its portfolio and delivery unless it has deliverables."""
    from django.db import transaction

    from portfolio_data import generate as generate_portfolio
    from tandem.core.models import Organization
    from tandem.delivery.models import Deliverable

    started = time.perf_counter()
    made_portfolio = generate_portfolio(slug=slug, initiatives=initiatives, owner_email=owner_email)
    org = Organization.objects.get(slug=slug)
    if Deliverable.objects.for_org(org).exists():
        return f"kept {slug}"
    portfolio_seconds = time.perf_counter() - started
    rng = random.Random(f"{slug}:{initiatives}:{deliverables}:{parties}")
    with transaction.atomic():
        Organization.objects.filter(pk=org.pk).update(
            name=f"Benchmark: {initiatives:,} initiatives, {deliverables:,} deliverables"
        )
        counts = _delivery(org, rng, deliverables=deliverables, parties=parties)
    seconds = time.perf_counter() - started
    made = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    return (
        f"generated {slug} in {seconds:.1f} s: the portfolio in {portfolio_seconds:.1f} s "
        f"({made_portfolio.split(':', 1)[-1].strip()}), then {made} in {seconds - portfolio_seconds:.1f} s"
    )


@dataclass
class _Initiative:
    """One committed initiative's delivery story before it is written."""

    initiative: Any
    taken: datetime  # when its baseline was taken (its approval)
    approved: list[Any] = field(default_factory=list)  # its approved change requests


def _moment(rng: random.Random, after: datetime, before: datetime) -> datetime:
    """A moment between ``after`` and ``before`` (``after`` when the span is empty)."""
    span = (before - after).total_seconds()
    return after + timedelta(seconds=rng.uniform(0, span)) if span > 0 else after


def _delivery(org: Any, rng: random.Random, *, deliverables: int, parties: int) -> dict[str, int]:  # noqa: C901 (bulk data generation, one straight pass per kind of row)
    from django.db.models import Q
    from django.utils import timezone

    from tandem.core.models import Membership, Side
    from tandem.delivery import selectors
    from tandem.delivery.models import (
        Baseline,
        ChangeRequest,
        Criterion,
        Deliverable,
        Feedback,
        FeedbackLink,
        Offer,
        PlanChange,
        Replan,
    )
    from tandem.governance.models import Party
    from tandem.strategy.models import Initiative

    today = timezone.localdate()
    now = timezone.now()
    members = list(Membership.objects.for_org(org).order_by("pk"))
    by_side = {side: [m for m in members if m.side == side] for side in Side.values}
    business, it = by_side[Side.BUSINESS], by_side[Side.IT]
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=parties)
    made_parties = Party.objects.bulk_create(
        [
            Party(
                organization=org,
                name=f"{rng.choice(PARTY_NAMES)} {kind.replace('_', ' ')} {n + 1:03d}",
                kind=kind,
                side=(Side.IT if n % 3 else Side.BUSINESS) if kind == "internal" else Side.PARTNER,
                description="Generated for the benchmark.",
            )
            for n, kind in enumerate(kinds)
        ],
        batch_size=BATCH,
    )

    committed = list(
        Initiative.objects.for_org(org)
        .filter(Q(stage__in=COMMITTED) | Q(stage="paused", paused_from__in=COMMITTED))
        .order_by("pk")
    )
    # Its baseline was taken at its approval: its start, or some weeks ago when it starts later.
    stories = {
        i.pk: _Initiative(
            i,
            min(
                timezone.make_aware(datetime.combine(i.start_date, datetime.min.time())),
                now - timedelta(days=rng.randint(20, 60)),
            ),
        )
        for i in committed
    }

    # Change requests: ~1.4 per committed initiative, from both sides; about half approved.
    changes: list[Any] = []
    for story in stories.values():
        i = story.initiative
        for _n in range(rng.choices((0, 1, 2, 3, 4), weights=(30, 30, 20, 12, 8))[0]):
            side = rng.choices((Side.BUSINESS, Side.IT, Side.PARTNER), weights=(55, 40, 5))[0]
            status = rng.choices(("approved", "rejected", "deferred", "open"), weights=(45, 20, 10, 25))[0]
            created = _moment(rng, story.taken, min(now, story.taken + timedelta(days=300)))
            decided = status != "open"
            changes.append(
                ChangeRequest(
                    organization=org,
                    initiative=i,
                    title=rng.choice(CHANGE_TITLES),
                    reason="Generated for the benchmark.",
                    requested_by=rng.choice(by_side[side] or business),
                    requested_side=side,
                    budget_impact=Decimal(rng.choice((-1, 1, 1, 1, 1)) * rng.randint(2, 120) * 1000),
                    schedule_impact_days=rng.randint(-10, 60),
                    scope_impact="More than first agreed." if rng.random() < 0.5 else "",
                    status=status,
                    decided_by=rng.choice(business) if decided else None,
                    decided_at=_moment(rng, created, now) if decided else None,
                    decision_reason="Generated." if decided else "",
                    created_at=created,
                )
            )
    changes = ChangeRequest.objects.bulk_create(changes, batch_size=BATCH)
    for change in changes:
        if change.status == "approved":
            stories[change.initiative_id].approved.append(change)

    # Baselines and plan moves: approved requests moved budget and date (explained); about one
    # initiative in eight also had its budget moved without one (unexplained).
    baselines: list[Any] = []
    moves: list[Any] = []
    for story in stories.values():
        i = story.initiative
        budget, target = i.budget_amount, i.target_date
        steps: list[tuple[Any, Decimal, int]] = [
            (c, c.budget_impact, c.schedule_impact_days)
            for c in sorted(story.approved, key=lambda c: c.decided_at)
        ]
        if rng.random() < 0.125:
            steps.append((None, Decimal(rng.randint(5, 80) * 1000), 0))
        # Walk back from the current plan to the baseline, then forward again writing each move.
        for _c, extra, days in steps:
            budget -= extra
            target -= timedelta(days=days)
        budget = max(budget, Decimal(1000))
        baselines.append(
            Baseline(
                organization=org,
                initiative=i,
                budget_amount=budget,
                start_date=i.start_date,
                target_date=target,
                taken_at=story.taken,
            )
        )
        for change, extra, days in steps:
            at = change.decided_at if change is not None else _moment(rng, story.taken, now)
            actor = change.decided_by if change is not None else rng.choice(it)
            moves.append(
                PlanChange(
                    organization=org,
                    initiative=i,
                    field="budget",
                    old_value=str(budget),
                    new_value=str(budget + extra),
                    change_request=change,
                    actor=actor,
                    created_at=at,
                )
            )
            budget += extra
            if days:
                moves.append(
                    PlanChange(
                        organization=org,
                        initiative=i,
                        field="target_date",
                        old_value=target.isoformat(),
                        new_value=(target + timedelta(days=days)).isoformat(),
                        change_request=change,
                        actor=actor,
                        created_at=at,
                    )
                )
                target += timedelta(days=days)
    Baseline.objects.bulk_create(baselines, batch_size=BATCH)
    PlanChange.objects.bulk_create(moves, batch_size=BATCH)

    # Deliverables, spread at random over the committed initiatives.
    owners = rng.choices(committed, k=deliverables)
    rows: list[Any] = []
    stories_of: list[_Initiative] = []
    for n, i in enumerate(owners):
        story = stories[i.pk]
        span = max((i.target_date - i.start_date).days, 14)
        first = i.start_date + timedelta(days=rng.randint(7, span))
        stage = i.paused_from if i.stage == "paused" else i.stage
        past = first < today
        if stage in ("delivered", "closed"):
            status = rng.choices(("accepted", "accepted_with_remarks", "cancelled"), weights=(80, 16, 4))[0]
        elif stage == "in_delivery" and past:
            status = rng.choices(
                ("accepted", "accepted_with_remarks", "offered", "rejected", "planned", "cancelled"),
                weights=(50, 10, 10, 8, 19, 3),
            )[0]
        elif past:
            status = rng.choices(("accepted", "planned", "offered"), weights=(40, 50, 10))[0]
        else:
            status = rng.choices(("planned", "offered"), weights=(92, 8))[0]
        roll = rng.random()
        rows.append(
            Deliverable(
                organization=org,
                initiative=i,
                title=f"{rng.choice(DELIVERABLE_NOUNS)} {n + 1}",
                description="Generated for the benchmark.",
                owner_member=rng.choice(it) if roll < 0.55 else None,
                owner_party=rng.choice(made_parties) if 0.55 <= roll < 0.9 else None,
                first_committed_date=first,
                due_date=first,
                status=status,
                created_by=rng.choice(it),
                created_at=story.taken,
            )
        )
        stories_of.append(story)

    # Re-plans (about a quarter of the deliverables), explained by an approved request when the
    # initiative has one and half the time; then offers and the business's decisions.
    replans: list[Any] = []
    offers: list[tuple[int, dict[str, Any]]] = []
    for index, (d, story) in enumerate(zip(rows, stories_of, strict=True)):
        if d.status != "cancelled" and rng.random() < 0.25:
            for _n in range(rng.choice((1, 1, 2))):
                slip = rng.randint(7, 45)
                change = rng.choice(story.approved) if story.approved and rng.random() < 0.5 else None
                asked_side = rng.choice((Side.BUSINESS, Side.IT))
                replans.append(
                    Replan(
                        organization=org,
                        deliverable=d,
                        from_date=d.due_date,
                        to_date=d.due_date + timedelta(days=slip),
                        reason="Generated: waiting for a supplier." if change is None else "Approved change.",
                        asked_by=rng.choice(by_side[asked_side]),
                        asked_side=asked_side,
                        change_request=change,
                        recorded_by=rng.choice(it),
                        created_at=_moment(rng, story.taken, now),
                    )
                )
                d.due_date += timedelta(days=slip)
        if d.status in ("accepted", "accepted_with_remarks", "rejected", "offered"):
            last = min(d.due_date + timedelta(days=rng.randint(-10, 15)), today)
            tries = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
            days = [last - timedelta(days=14 * (tries - 1 - k)) for k in range(tries)]
            for number, day in enumerate(days, start=1):
                final = number == tries
                if not final or d.status == "rejected":
                    decision, reason = "rejected", rng.choice(REASONS)
                elif d.status == "offered":
                    decision, reason = "", ""
                else:
                    decision, reason = d.status, ""
                decided_at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
                    days=rng.randint(1, 5)
                )
                offers.append(
                    (
                        index,
                        {
                            "number": number,
                            "offered_on": day,
                            "note": "Ready for acceptance.",
                            "offered_by": rng.choice(it),
                            "decision": decision,
                            "rejection_reason": reason,
                            "remarks": "Generated." if decision and decision != "accepted" else "",
                            "decided_by": rng.choice(business) if decision else None,
                            "decided_at": min(decided_at, now) if decision else None,
                        },
                    )
                )
            if d.status in ("accepted", "accepted_with_remarks"):
                d.delivered_on = last
    rows = Deliverable.objects.bulk_create(rows, batch_size=BATCH)
    Replan.objects.bulk_create(replans, batch_size=BATCH)
    Offer.objects.bulk_create(
        [Offer(organization=org, deliverable=rows[index], **values) for index, values in offers],
        batch_size=BATCH,
    )
    criteria = [
        Criterion(organization=org, deliverable=d, text=text, position=position)
        for d in rows
        for position, text in enumerate(rng.sample(CRITERIA, rng.randint(0, 4)))
    ]
    Criterion.objects.bulk_create(criteria, batch_size=BATCH)

    # End-user feedback: a link on about a third of the accepted deliverables, and on one
    # delivered initiative in ten as a whole, each with a few ratings since delivery.
    links: list[Any] = []
    for d in rows:
        if d.delivered_on is not None and rng.random() < 0.35:
            links.append(
                FeedbackLink(organization=org, initiative_id=d.initiative_id, deliverable=d, created_at=now)
            )
    for i in committed:
        if i.stage in ("delivered", "closed") and rng.random() < 0.1:
            links.append(FeedbackLink(organization=org, initiative=i, deliverable=None, created_at=now))
    for n, link in enumerate(links):
        link.nonce = f"bench-{n:06d}-{rng.getrandbits(128):032x}"
        link.token_hash = selectors.token_hash(selectors.link_token(link))
    links = FeedbackLink.objects.bulk_create(links, batch_size=BATCH)
    feedback: list[Any] = []
    asked: list[Any] = []
    for link in links:
        since = link.deliverable.delivered_on if link.deliverable is not None else today - timedelta(days=200)
        for _n in range(rng.randint(0, 12)):
            feedback.append(
                Feedback(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    organization=org,
                    link=link,
                    initiative_id=link.initiative_id,
                    deliverable=link.deliverable,
                    rating=rng.choices((1, 2, 3, 4, 5), weights=(5, 10, 20, 35, 30))[0],
                    comment=rng.choice(COMMENTS),
                    name="",
                    submitted_on=min(since + timedelta(days=rng.randint(0, 90)), today),
                )
            )
        if link.deliverable is not None and rng.random() < 0.5:
            link.deliverable.feedback_requested_count = rng.randint(5, 40)
            link.deliverable.feedback_requested_at = now
            asked.append(link.deliverable)
    Feedback.objects.bulk_create(feedback, batch_size=BATCH)
    Deliverable.objects.for_org(org).bulk_update(
        asked, ["feedback_requested_count", "feedback_requested_at"], batch_size=BATCH
    )
    return {
        "parties": len(made_parties),
        "baselines": len(baselines),
        "change requests": len(changes),
        "plan changes": len(moves),
        "deliverables": len(rows),
        "criteria": len(criteria),
        "re-plans": len(replans),
        "offers": len(offers),
        "feedback links": len(links),
        "feedback": len(feedback),
    }


def initiative_ids(slugs: list[str], *, analyze: bool) -> dict[str, dict[str, Any]]:
    """Per organisation: its initiative with the most deliverables (the first such), their number,
    its title, and the organisation's initiatives and deliverables; ANALYZE first if asked."""
    from django.db import connection
    from django.db.models import Count

    from tandem.core.models import Organization
    from tandem.delivery.models import Deliverable
    from tandem.strategy.models import Initiative

    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    found = {}
    for slug in slugs:
        org = Organization.objects.get(slug=slug)
        top = (
            Initiative.objects.for_org(org)
            .annotate(n=Count("deliverables"))
            .order_by("-n", "pk")
            .values("pk", "title", "n")
            .first()
        )
        found[slug] = {
            "initiative": top["pk"] if top else None,
            "title": top["title"] if top else "",
            "deliverables": top["n"] if top else 0,
            "initiatives": Initiative.objects.for_org(org).count(),
            "all_deliverables": Deliverable.objects.for_org(org).count(),
        }
    return found


def count_queries(*, orgs: list[str], owner_email: str, pages: dict[str, str]) -> list[dict[str, Any]]:
    """Per organisation and page: a computed (page cache cold) and a second request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tandem.core.models import User

    host = os.environ.get("TANDEM_ALLOWED_HOSTS", "127.0.0.1").split(",")[0].strip() or "127.0.0.1"
    owner = User.objects.get(email__iexact=owner_email)
    sizes = initiative_ids(orgs, analyze=False)
    results = []
    for slug in orgs:
        client = Client(HTTP_HOST=host, raise_request_exception=False)  # a failing page is a 500 row
        client.force_login(owner)
        for key, template in pages.items():
            path = template.format(slug=slug, initiative=sizes[slug]["initiative"])
            # Warm-up: the same view at another address (a query string it ignores), so templates
            # and the session are loaded but this address's answer is not kept yet.
            client.get(path + "?bench=warm-up")
            row: dict[str, Any] = {
                "key": key,
                "org": slug,
                "initiatives": sizes[slug]["initiatives"],
                "deliverables": sizes[slug]["all_deliverables"],
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
    gen.add_argument("--initiatives", type=int, default=INITIATIVES)
    gen.add_argument("--deliverables", type=int, default=DELIVERABLES)
    gen.add_argument("--parties", type=int, default=PARTIES)
    gen.add_argument("--owner", required=True, help="e-mail of an existing person who becomes its owner")
    found = sub.add_parser("ids", help="print each organisation's initiative with the most deliverables")
    found.add_argument("--org", action="append", required=True)
    found.add_argument("--analyze", action="store_true", help="refresh the planner's statistics first")
    count = sub.add_parser("queries", help="count the queries of pages, in-process")
    count.add_argument("--org", action="append", required=True)
    count.add_argument("--owner", required=True)
    count.add_argument(
        "--page", action="append", default=[], help="KEY=PATH; {slug} and {initiative} filled in"
    )
    args = parser.parse_args(argv)
    if args.action == "generate" and min(args.initiatives, args.deliverables, args.parties) < 1:
        parser.error("--initiatives, --deliverables and --parties must be at least 1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()
    if args.action == "generate":
        print(
            generate(
                slug=args.slug,
                initiatives=args.initiatives,
                deliverables=args.deliverables,
                parties=args.parties,
                owner_email=args.owner,
            )
        )
    elif args.action == "ids":
        print(json.dumps(initiative_ids(args.org, analyze=args.analyze)))
    else:
        for row in count_queries(orgs=args.org, owner_email=args.owner, pages=_pairs(args.page)):
            print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
