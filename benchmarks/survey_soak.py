"""The intake soak: a crowd answering a survey at once through the public response API, then a
crowd of end users rating one initiative at once through its public feedback link.

`make bench` runs it after the page benchmark (``run.py``). For each database, a temporary SQLite
file and PostgreSQL when one is at hand (``--database-url``, ``BENCH_DATABASE_URL``, or
``postgres://postgres@127.0.0.1:5432/test`` answering; otherwise it says it skipped), it builds a
throwaway installation (``server.BenchEnvironment``), creates an organisation with one open
"Partnership temperature" campaign and ``--links`` personal links through
``tandem.surveys.services`` (tokens from ``selectors.link_token``), writes each link's
``/api/v1/responses/{token}`` path to a file, and starts ``tandem serve`` (``server.Server``) with the
survey rate limits raised: every request comes from 127.0.0.1, one address. Then ``--clients``
concurrent respondents (``loadgen``, closed loop, keep-alive) each POST a valid JSON body through a
fresh link, one link per request, for ``--duration`` seconds after a short warm-up.

Then, against the same server, the same respondents POST the same body to ``/bench/insert`` for
as long: a bare Django view that inserts one row (the intake's floor, ``TANDEM_BENCH_FLOOR``).

Then the end-user feedback door, against the same server: before it started, an initiative of the
same organisation got a feedback link (``tandem.delivery.services.feedback_link_open``, its token
from ``delivery.selectors.link_token``), and the feedback rate limits were raised as well (one link,
one address). ``--clients`` end users each POST a valid JSON rating (``{"rating": 4, "comment":
..., "name": ""}``) to that one link's ``/api/v1/feedback/{token}`` in a closed loop for
``--duration`` seconds after the same warm-up; afterwards the feedback rows stored for the link are
counted.

It prints, per door, submissions/s, p50 and p99 latency, the non-2xx answers by status, the
accepted (2xx) submissions, the rows stored in the database afterwards and whether the two are
equal (for the survey also the bare insert's rate beside it and the ratio), and the CPU each
request cost the server and the load generator. The exit status is 0 when every submission was
accepted and stored once, 1 on a MISMATCH between accepted and stored (or, for the survey, used
links), a non-2xx answer or too few links, 2 when it could not run.

    .venv/bin/python benchmarks/survey_soak.py [--clients 64] [--duration 60] [--warmup 2] [--links N]
        [--workers 2] [--threads 4] [--database-url postgres://USER@HOST:5432/DB] [--no-postgres]

The ``prepare`` and ``count`` sub-commands (the survey), ``prepare-feedback`` and
``count-feedback`` (the feedback link) run inside an installation (the benchmark calls them with the
installation's environment); they are not meant to be run by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loadgen import HOST, PATHS_EXHAUSTED, LoadPlan, LoadResult, LoadSample, RequestSpec, run_load, summarize
from run import cpu_cores, print_header
from server import OWNER_EMAIL, BenchEnvironment, BenchError, Server, _redacted

SCRIPT = Path(__file__).resolve()
SOAK_SLUG = "survey-soak"
RESPONSE_PATH = "/api/v1/responses/{token}"
FEEDBACK_PATH = "/api/v1/feedback/{token}"
BARE_INSERT = "/bench/insert"
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"
# All load comes from one address: the per-address limit (600 a minute by default) would turn most
# of it into 429s, and the per-link limit never matters for one request per link. The feedback door
# is loaded through one link from one address: both its limits (120 and 30 a minute) are raised.
RATE_LIMITS = {
    "TANDEM_SURVEY_RATE_PER_ADDRESS": "100000000",
    "TANDEM_SURVEY_RATE_PER_LINK": "100000000",
    "TANDEM_FEEDBACK_RATE_PER_ADDRESS": "100000000",
    "TANDEM_FEEDBACK_RATE_PER_LINK": "100000000",
}
# Links made per second of load and client, on top of a floor: a fast machine answers each client in
# a few milliseconds, and a run that runs out of links says so (and fails).
LINKS_FLOOR = 20_000
LINKS_PER_CLIENT_SECOND = 20
TEXT_ANSWER = "Involve IT before the solution is chosen, and agree one list of priorities."
FEEDBACK_BODY = {
    "rating": 4,
    "comment": "The tracking page tells my customers where their parcel is; the export is hard to find.",
    "name": "",
}


def _accepted(*runs: LoadResult | None) -> int:
    """2xx answers over the runs given (the warm-up's and the measured run's both store rows)."""
    return sum(
        count
        for run in runs
        if run is not None
        for status, count in run.statuses.items()
        if 200 <= status < 300
    )


@dataclass(frozen=True)
class FeedbackSoak:
    """The feedback door's run: the measured load, the warm-up's statuses and the rows stored."""

    link: int
    load: LoadResult
    warmup: LoadResult | None
    stored: int
    server_cpu_seconds: float | None

    @property
    def accepted(self) -> int:
        return _accepted(self.load, self.warmup)

    @property
    def consistent(self) -> bool:
        return self.stored == self.accepted

    @property
    def failed(self) -> bool:
        """A MISMATCH, a non-2xx answer (warm-up included) or a request that got no answer."""
        warmup_failed = self.warmup is not None and (self.warmup.non_2xx or sum(self.warmup.errors.values()))
        return (
            not self.consistent
            or bool(self.load.non_2xx or sum(self.load.errors.values()))
            or bool(warmup_failed)
        )


@dataclass(frozen=True)
class SoakResult:
    """One database's run: the measured load, the warm-up's statuses and what the database holds."""

    database: str
    links: int
    prepare_seconds: float
    load: LoadResult
    warmup: LoadResult | None
    stored: int
    answered_links: int
    server_cpu_seconds: float | None
    server_log: str
    bare_insert: LoadResult | None = None
    bare_server_cpu_seconds: float | None = None
    feedback: FeedbackSoak | None = None

    @property
    def accepted(self) -> int:
        """2xx answers over the warm-up and the measured run (both store responses)."""
        return _accepted(self.load, self.warmup)

    @property
    def consistent(self) -> bool:
        return self.stored == self.accepted == self.answered_links

    @property
    def exhausted(self) -> int:
        return self.load.errors.get(PATHS_EXHAUSTED, 0)


# --- Inside the installation ------------------------------------------------------------------------


def prepare(*, links: int, out: Path) -> dict[str, Any]:
    """An organisation with one open partnership campaign and ``links`` personal links; writes the
    links' response paths (``paths.txt``) and a valid body (``body.json``) under ``out``."""
    from django.utils import timezone  # Django is set up by main

    from tandem.core.models import Membership, Side, User
    from tandem.core.services import organization_create
    from tandem.surveys import catalog, selectors, services
    from tandem.surveys.models import AudienceKind, QuestionKind, SurveyTemplate

    owner = User.objects.get(email=OWNER_EMAIL)
    org = organization_create(name="Survey soak", slug=SOAK_SLUG, owner=owner)
    actor = Membership.objects.for_org(org).get(user=owner)
    services.templates_install(org)
    template = SurveyTemplate.objects.for_org(org).get(key=catalog.PARTNERSHIP.key)

    def recipients(start: int, stop: int) -> list[services.Recipient]:
        sides = (Side.BUSINESS, Side.IT)
        return [
            services.Recipient(f"respondent{i:06d}@soak.example", sides[i % 2]) for i in range(start, stop)
        ]

    chunk = services.MAX_RECIPIENTS
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=actor,
        template=template,
        title="Survey soak",
        opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        audience=AudienceKind.EMAILS,
        recipients=recipients(0, min(links, chunk)),
        send_email=False,
    )
    for start in range(chunk, links, chunk):
        services.invitations_create(
            actor=actor,
            campaign=campaign,
            recipients=recipients(start, min(links, start + chunk)),
            send_email=False,
        )
    _bench_insert_table()
    made = list(campaign.links.order_by("pk"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "paths.txt").write_text(
        "".join(RESPONSE_PATH.format(token=selectors.link_token(link)) + "\n" for link in made),
        encoding="utf-8",
    )
    answers = {
        q.field_name: TEXT_ANSWER if q.kind == QuestionKind.TEXT else 4 for q in template.questions.all()
    }
    (out / "body.json").write_text(json.dumps({"answers": answers}), encoding="utf-8")
    return {"campaign": campaign.pk, "links": len(made)}


def _bench_insert_table() -> None:
    """The table the bare insert view (``/bench/insert``) writes to: one row per request."""
    from django.db import connection

    key = (
        "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_insert (id {key}, body TEXT NOT NULL)")


def count(*, campaign_id: int) -> dict[str, int]:
    """The responses a campaign holds and the links marked used."""
    from tandem.surveys.models import SurveyLink, SurveyResponse

    return {
        "stored": SurveyResponse.objects.unscoped().filter(campaign_id=campaign_id).count(),
        "answered_links": SurveyLink.objects.unscoped()
        .filter(campaign_id=campaign_id, answered=True)
        .count(),
    }


def prepare_feedback() -> dict[str, Any]:
    """An initiative in the soak's organisation (made by ``prepare``, or here) with its end-user
    feedback link open; its id and the link's ``/api/v1/feedback/{token}`` path."""
    from tandem.core.models import Membership, Organization, User
    from tandem.core.services import organization_create
    from tandem.delivery import selectors, services
    from tandem.strategy import services as strategy_services

    owner = User.objects.get(email=OWNER_EMAIL)
    org = Organization.objects.filter(slug=SOAK_SLUG).first() or organization_create(
        name="Survey soak", slug=SOAK_SLUG, owner=owner
    )
    actor = Membership.objects.for_org(org).get(user=owner)
    initiative = strategy_services.initiative_create(
        actor=actor,
        title="Live shipment tracking for customers",
        summary="Recipients see where their parcel is; the soak's end users rate it.",
    )
    link = services.feedback_link_open(actor=actor, initiative=initiative)
    return {"link": link.pk, "path": FEEDBACK_PATH.format(token=selectors.link_token(link))}


def count_feedback(*, link_id: int) -> dict[str, int]:
    """The feedback rows a link holds."""
    from tandem.delivery.models import Feedback

    return {"stored": Feedback.objects.unscoped().filter(link_id=link_id).count()}


def _inside(env: BenchEnvironment, *args: str) -> dict[str, Any]:
    """Run a sub-command of this script in the installation; its last output line is JSON."""
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env.env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"`survey_soak.py {' '.join(args)}` failed:\n{completed.stdout}{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


# --- The run ------------------------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(f"survey soak: {message}", file=sys.stderr, flush=True)


def links_needed(args: argparse.Namespace) -> int:
    """``--links``, or enough for the clients at a brisk pace over the warm-up and the run."""
    if args.links:
        return int(args.links)
    seconds = float(args.duration + args.warmup)
    return max(LINKS_FLOOR, math.ceil(int(args.clients) * seconds * LINKS_PER_CLIENT_SECOND))


def _split(paths: Path, warmup_share: int) -> tuple[Path, Path]:
    """The paths for the warm-up (the first ``warmup_share`` lines) and for the measured run."""
    lines = paths.read_text(encoding="utf-8").splitlines(keepends=True)
    warmup, measured = paths.with_name("warmup.txt"), paths.with_name("measured.txt")
    warmup.write_text("".join(lines[:warmup_share]), encoding="utf-8")
    measured.write_text("".join(lines[warmup_share:]), encoding="utf-8")
    return warmup, measured


def _plan(port: int, body: bytes, paths: Path, args: argparse.Namespace, duration: float) -> LoadPlan:
    return LoadPlan(
        port=port,
        request=RequestSpec(
            "POST",
            RESPONSE_PATH,
            (("User-Agent", "tandem-bench"), ("Content-Type", "application/json")),
            body,
        ),
        clients=args.clients,
        processes=args.client_processes or min(cpu_cores(), args.clients),
        duration=duration,
        paths_file=str(paths),
    )


def _bare_plan(port: int, body: bytes, args: argparse.Namespace) -> LoadPlan:
    return LoadPlan(
        port=port,
        request=RequestSpec(
            "POST", BARE_INSERT, (("User-Agent", "tandem-bench"), ("Content-Type", "application/json")), body
        ),
        clients=args.clients,
        processes=args.client_processes or min(cpu_cores(), args.clients),
        duration=args.duration,
    )


def _feedback_plan(port: int, path: str, args: argparse.Namespace, duration: float) -> LoadPlan:
    return LoadPlan(
        port=port,
        request=RequestSpec(
            "POST",
            path,
            (("User-Agent", "tandem-bench"), ("Content-Type", "application/json")),
            json.dumps(FEEDBACK_BODY).encode(),
        ),
        clients=args.clients,
        processes=args.client_processes or min(cpu_cores(), args.clients),
        duration=duration,
    )


def _spent(before: float | None, after: float | None) -> float | None:
    return after - before if before is not None and after is not None else None


def soak(database_url: str | None, args: argparse.Namespace) -> SoakResult:
    """Set up one installation, load it, count what it stored, tear it down."""
    with BenchEnvironment(database_url) as environment:
        out = environment.data_dir / "soak"
        links = links_needed(args)
        _progress(f"creating {links:,} personal links...")
        started = time.perf_counter()
        prepared = _inside(environment, "prepare", "--links", str(links), "--out", str(out))
        prepare_seconds = time.perf_counter() - started
        feedback_link = _inside(environment, "prepare-feedback")
        # Enough links for the warm-up at a generous rate; the rest are for the measured run.
        warmup_share = min(prepared["links"] // 10, math.ceil(args.clients * args.warmup * 50))
        warmup_paths, measured_paths = _split(out / "paths.txt", warmup_share)
        body = (out / "body.json").read_bytes()
        environment.env.update(RATE_LIMITS)
        with Server(environment, workers=args.workers, threads=args.threads) as server:
            warmup: LoadSample | None = None
            if args.warmup > 0:
                _progress(f"server up on port {server.port}; {args.warmup:g} s warm-up")
                warmup = run_load(_plan(server.port, body, warmup_paths, args, args.warmup))
            _progress(f"{args.clients} respondents for {args.duration:g} s...")
            before = server.cpu_seconds()
            sample = run_load(_plan(server.port, body, measured_paths, args, args.duration))
            after = server.cpu_seconds()
            _progress(f"the bare insert view for {args.duration:g} s...")
            bare_before = server.cpu_seconds()
            bare = run_load(_bare_plan(server.port, body, args))
            bare_after = server.cpu_seconds()
            feedback_warmup: LoadSample | None = None
            if args.warmup > 0:
                _progress(f"the feedback door: {args.warmup:g} s warm-up")
                feedback_warmup = run_load(
                    _feedback_plan(server.port, feedback_link["path"], args, args.warmup)
                )
            _progress(f"{args.clients} end users rating one initiative for {args.duration:g} s...")
            feedback_before = server.cpu_seconds()
            feedback = run_load(_feedback_plan(server.port, feedback_link["path"], args, args.duration))
            feedback_after = server.cpu_seconds()
            log = server.log_tail()
        counted = _inside(environment, "count", "--campaign", str(prepared["campaign"]))
        stored_feedback = _inside(environment, "count-feedback", "--link", str(feedback_link["link"]))
        return SoakResult(
            database=environment.database_description(),
            links=prepared["links"],
            prepare_seconds=prepare_seconds,
            load=summarize([sample]),
            # The warm-up's statuses count (its responses are stored too); its exhaustion does not.
            warmup=summarize([warmup]) if warmup is not None else None,
            stored=counted["stored"],
            answered_links=counted["answered_links"],
            server_cpu_seconds=_spent(before, after),
            server_log=log,
            bare_insert=summarize([bare]),
            bare_server_cpu_seconds=_spent(bare_before, bare_after),
            feedback=FeedbackSoak(
                link=feedback_link["link"],
                load=summarize([feedback]),
                warmup=summarize([feedback_warmup]) if feedback_warmup is not None else None,
                stored=stored_feedback["stored"],
                server_cpu_seconds=_spent(feedback_before, feedback_after),
            ),
        )


def postgres_url(args: argparse.Namespace) -> tuple[str | None, str]:
    """The PostgreSQL server to run on, or None and why not."""
    if args.no_postgres:
        return None, "PostgreSQL run skipped (--no-postgres)."
    if args.database_url:
        return str(args.database_url), ""
    try:
        import psycopg

        with psycopg.connect(LOCAL_POSTGRES, connect_timeout=3):
            pass
    except Exception as error:  # any failure means: not available
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return None, (
            "PostgreSQL run skipped: no --database-url, BENCH_DATABASE_URL is not set and "
            f"{LOCAL_POSTGRES} does not answer ({reason})."
        )
    return LOCAL_POSTGRES, ""


def _rate(value: float) -> str:
    return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"


def _per_request(seconds: float | None, load: LoadResult) -> str:
    return f"{1000 * seconds / load.requests:.2f} ms" if seconds is not None and load.requests else "-"


def _cost(r: SoakResult) -> str:
    """Server and load-generator CPU per request, for the intake and for the bare insert."""
    text = (
        f"submission {_per_request(r.server_cpu_seconds, r.load)} server, "
        f"{_per_request(r.load.generator_cpu_seconds, r.load)} clients"
    )
    if r.bare_insert is not None:
        text += (
            f"; bare insert {_per_request(r.bare_server_cpu_seconds, r.bare_insert)} server, "
            f"{_per_request(r.bare_insert.generator_cpu_seconds, r.bare_insert)} clients"
        )
    return text


def report(results: list[SoakResult], args: argparse.Namespace) -> list[str]:
    """The results table and the notes that go with it."""
    columns = (
        "database",
        "submissions",
        "subm/s",
        "p50 ms",
        "p99 ms",
        "non-2xx",
        "errors",
        "accepted",
        "stored",
        "stored = accepted",
        "server CPU",
        "bare insert/s",
        "bare p99 ms",
        "intake/bare",
    )
    rows = [columns]
    for r in results:
        load, bare = r.load, r.bare_insert
        rows.append(
            (
                r.database.split(" (")[0].split(" at ")[0],
                f"{load.requests:,}",
                _rate(load.requests_per_second),
                f"{load.p50_ms:.1f}",
                f"{load.p99_ms:.1f}",
                f"{load.non_2xx:,}",
                f"{sum(load.errors.values()):,}",
                f"{r.accepted:,}",
                f"{r.stored:,}",
                "yes" if r.consistent else "MISMATCH",
                f"{100 * r.server_cpu_seconds / load.window:.0f}%"
                if r.server_cpu_seconds is not None and load.window
                else "-",
                _rate(bare.requests_per_second) if bare else "-",
                f"{bare.p99_ms:.1f}" if bare else "-",
                f"{load.requests_per_second / bare.requests_per_second:.0%}"
                if bare and bare.requests_per_second
                else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    for r in results:
        lines.append(
            f"  {r.database}: {r.links:,} personal links made in {r.prepare_seconds:.0f} s; "
            f"{r.answered_links:,} marked used afterwards"
        )
        lines.append(f"    CPU per request: {_cost(r)}")
        statuses = {s: n for s, n in sorted(r.load.statuses.items()) if not 200 <= s < 300}
        if statuses or r.load.errors:
            problems = [f"{s} x{n}" for s, n in statuses.items()] + [
                f"{k} x{n}" for k, n in r.load.errors.items()
            ]
            lines.append(f"    ! not 2xx or failed: {', '.join(problems)}")
        if r.bare_insert is not None and (r.bare_insert.non_2xx or r.bare_insert.errors):
            lines.append(
                f"    ! the bare insert view failed: {r.bare_insert.statuses} {r.bare_insert.errors}"
            )
        if not r.consistent:
            lines.append(
                f"    !!! MISMATCH: {r.accepted:,} submissions accepted (2xx), {r.stored:,} responses stored, "
                f"{r.answered_links:,} links marked used: every accepted submission must be stored exactly once"
            )
        if r.exhausted:
            lines.append(
                f"    ! {r.exhausted} of {args.clients} respondents ran out of links before the end: "
                "subm/s is understated; run again with more --links"
            )
        if any(status >= 500 for status in statuses):
            lines.append("    server log (last lines):")
            lines.extend(f"      {line}" for line in r.server_log.splitlines())
    return lines


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows of cells as aligned lines: the first column to the left, the others to the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _not_2xx(*runs: LoadResult | None) -> str:
    """The non-2xx answers by status and the failed requests, over the runs given; "none"."""
    statuses: dict[int, int] = {}
    errors: dict[str, int] = {}
    for run in runs:
        if run is None:
            continue
        for status, n in run.statuses.items():
            if not 200 <= status < 300:
                statuses[status] = statuses.get(status, 0) + n
        for error, n in run.errors.items():
            errors[error] = errors.get(error, 0) + n
    problems = [f"{s} x{n}" for s, n in sorted(statuses.items())] + [f"{k} x{n}" for k, n in errors.items()]
    return ", ".join(problems) or "none"


def feedback_report(results: list[SoakResult]) -> list[str]:
    """The feedback door's table and notes (after the survey's)."""
    runs = [(r, r.feedback) for r in results if r.feedback is not None]
    if not runs:
        return []
    rows: list[tuple[str, ...]] = [
        (
            "database",
            "submissions",
            "subm/s",
            "p50 ms",
            "p99 ms",
            "non-2xx",
            "errors",
            "accepted",
            "stored",
            "stored = accepted",
            "server CPU",
        )
    ]
    for r, f in runs:
        load = f.load
        rows.append(
            (
                r.database.split(" (")[0].split(" at ")[0],
                f"{load.requests:,}",
                _rate(load.requests_per_second),
                f"{load.p50_ms:.1f}",
                f"{load.p99_ms:.1f}",
                f"{load.non_2xx:,}",
                f"{sum(load.errors.values()):,}",
                f"{f.accepted:,}",
                f"{f.stored:,}",
                "MATCH" if f.consistent else "MISMATCH",
                f"{100 * f.server_cpu_seconds / load.window:.0f}%"
                if f.server_cpu_seconds is not None and load.window
                else "-",
            )
        )
    lines = _table(rows)
    lines.append("")
    for r, f in runs:
        lines.append(f"  {r.database}: one feedback link (id {f.link}), {f.stored:,} feedback rows stored")
        lines.append(
            f"    CPU per request: submission {_per_request(f.server_cpu_seconds, f.load)} server, "
            f"{_per_request(f.load.generator_cpu_seconds, f.load)} clients"
        )
        lines.append(f"    non-2xx by status: {_not_2xx(f.load)}; in the warm-up: {_not_2xx(f.warmup)}")
        if not f.consistent:
            lines.append(
                f"    !!! MISMATCH: {f.accepted:,} ratings accepted (2xx), {f.stored:,} stored: every "
                "accepted rating must be stored exactly once"
            )
        if any(status >= 500 for run in (f.load, f.warmup) if run is not None for status in run.statuses):
            lines.append("    server log (last lines):")
            lines.extend(f"      {line}" for line in r.server_log.splitlines())
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="action")
    inner = sub.add_parser("prepare", help="(inside an installation) the campaign and its links")
    inner.add_argument("--links", type=int, required=True)
    inner.add_argument("--out", type=Path, required=True)
    counter = sub.add_parser("count", help="(inside an installation) responses stored and links used")
    counter.add_argument("--campaign", type=int, required=True)
    sub.add_parser("prepare-feedback", help="(inside an installation) an initiative and its feedback link")
    feedback_counter = sub.add_parser(
        "count-feedback", help="(inside an installation) feedback rows stored for a link"
    )
    feedback_counter.add_argument("--link", type=int, required=True)
    parser.add_argument(
        "--clients", type=int, default=64, help="concurrent respondents, then end users (default 64)"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured (default 60)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first (default 2)")
    parser.add_argument(
        "--links",
        type=int,
        default=0,
        help=f"personal links to create (default: {LINKS_PER_CLIENT_SECOND} per client and second, "
        f"at least {LINKS_FLOOR:,})",
    )
    parser.add_argument(
        "--client-processes",
        type=int,
        default=0,
        help="load-generator processes the clients are spread over (default: one per core)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="PostgreSQL server for the second run (env BENCH_DATABASE_URL; default: "
        f"{LOCAL_POSTGRES} when it answers): a scratch database is created there and dropped afterwards",
    )
    parser.add_argument("--no-postgres", action="store_true", help="run on SQLite only")
    args = parser.parse_args(argv)
    if args.action is None:
        for name in ("clients", "workers", "threads"):
            if getattr(args, name) < 1:
                parser.error(f"--{name} must be at least 1")
        if not 0 < args.duration <= 3600 or not 0 <= args.warmup <= 600:
            parser.error("--duration must be in (0, 3600] seconds and --warmup in [0, 600]")
        if args.links < 0 or args.client_processes < 0:
            parser.error("--links and --client-processes must be 0 (automatic) or more")
    return args


def _inner(args: argparse.Namespace) -> int:
    """The sub-commands run inside an installation: JSON on the last line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()
    if args.action == "prepare":
        print(json.dumps(prepare(links=args.links, out=args.out)))
    elif args.action == "prepare-feedback":
        print(json.dumps(prepare_feedback()))
    elif args.action == "count-feedback":
        print(json.dumps(count_feedback(link_id=args.link)))
    else:
        print(json.dumps(count(campaign_id=args.campaign)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Soak every available database and print the figures; see the module docstring."""
    args = parse_args(argv)
    if args.action is not None:
        return _inner(args)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    url, skipped = postgres_url(args)
    results: list[SoakResult] = []
    try:
        for database_url in (None, url) if url else (None,):
            _progress(
                f"setting up a throwaway installation on {_redacted(database_url) if database_url else 'SQLite'}..."
            )
            results.append(soak(database_url, args))
    except BenchError as error:
        print(f"survey soak: {error}", file=sys.stderr)
        return 2
    cores = cpu_cores()
    print_header("Tandem survey soak", cores=cores, load_before=load_before)
    print(
        f"server    tandem serve: gunicorn gthread, {args.workers} workers x {args.threads} threads, "
        f"production settings over plain HTTP on {HOST}; survey and feedback rate limits raised "
        f"({', '.join(RATE_LIMITS)}): all load comes from one address"
    )
    processes = args.client_processes or min(cores, args.clients)
    print(
        f"load      {args.clients} concurrent respondents in {processes} processes, closed loop, keep-alive, "
        f"{args.duration:g} s measured after {args.warmup:g} s warm-up; each request POSTs a valid answer "
        f"to every question of the partnership template to {RESPONSE_PATH} with a fresh personal link"
    )
    print(
        "note      accepted and stored count the warm-up too; stored = accepted also checks the links "
        "marked used; the server, the clients and the database share the machine's cores"
    )
    print()
    for line in report(results, args):
        print(line)
    feedback = feedback_report(results)
    if feedback:
        print()
        print(
            f"End-user feedback door: {args.clients} concurrent end users, closed loop, keep-alive, "
            f"{args.duration:g} s measured after {args.warmup:g} s warm-up, each POSTing a valid rating to "
            f"one feedback link's {FEEDBACK_PATH}; accepted and stored count the warm-up too"
        )
        print()
        for line in feedback:
            print(line)
    if skipped:
        print()
        print(skipped)
    failed = any(not r.consistent or r.load.non_2xx or sum(r.load.errors.values()) for r in results) or any(
        r.warmup is not None and r.warmup.non_2xx for r in results
    )
    failed = failed or any(r.feedback is not None and r.feedback.failed for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
