"""`make bench`: measure Tandem's production server under load and print the figures.

Sets up a throwaway installation (temporary SQLite, or a scratch PostgreSQL database with
``--database-url``), starts ``tandem serve`` with production settings on 127.0.0.1, signs in
through the login form (one session per client), and for every scenario in
``scenarios.SCENARIOS`` runs N concurrent keep-alive clients for a fixed time after a warm-up,
in rounds that interleave the scenarios. It prints requests, requests/s, p50, p99, non-2xx
responses and the ratios against the framework floor (``/bench/floor``, a bare Django view running
one query in the same server). It asserts nothing about time: the exit status is non-zero only
when the benchmark could not run or a page answered something other than 2xx.

A page kept whole that takes seconds to compute (``Scenario.prime``) is first requested by one
client alone until every server process answers it from its page cache; otherwise the warm-up's
clients would all compute it at once and the measurement would start behind them. Its computed
cost is in the query report under the table.

    .venv/bin/python benchmarks/run.py [--clients 16] [--duration 10] [--rounds 5] [--workers 2] [--threads 4]
                                       [--database-url postgres://USER@HOST:5432/DB] [--only KEY,...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import portfolio
from loadgen import HOST, LoadPlan, LoadResult, LoadSample, RequestSpec, run_load, summarize
from scenarios import FLOOR, REPORTS, SCENARIOS, Scenario, filled, scenario_by_key
from server import OWNER_EMAIL, BenchEnvironment, BenchError, Server, sign_in
from server import request as http_request

REPO = Path(__file__).resolve().parent.parent
# How long priming a page (``Scenario.prime``) may take before the run goes on without it.
PRIME_SECONDS = 180.0
# A primed page's answer this many times faster than its slowest is one from the page cache.
CACHED_SPEED_UP = 4


@dataclass(frozen=True)
class Measurement:
    """One scenario's client-side figures and the CPU the server and the generator used meanwhile."""

    scenario: Scenario
    load: LoadResult
    server_cpu_seconds: float | None
    primed: str = ""


def cpu_cores() -> int:
    """Cores this process may run on (the server and the load generator share them)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; every figure has a default that `make bench` uses."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument(
        "--client-processes",
        type=int,
        default=0,
        help="load-generator processes the clients are spread over (default: one per core)",
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds measured per scenario (default 10)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="interleaved rounds the duration is split into, so every page sees the same "
        "background load (default 5)",
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="unmeasured seconds before each scenario (default 2)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="PostgreSQL server to run on (env BENCH_DATABASE_URL): a scratch database is created "
        "there and dropped afterwards; default: a temporary SQLite file",
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated scenarios to run (the floor always runs); known: {', '.join(s.key for s in SCENARIOS)}",
    )
    args = parser.parse_args(argv)
    for name in ("clients", "workers", "threads", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 < args.duration <= 3600 or not 0 <= args.warmup <= 600:
        parser.error("--duration must be in (0, 3600] seconds and --warmup in [0, 600]")
    if args.client_processes < 0:
        parser.error("--client-processes must be 0 (one per core) or more")
    return args


def selected_scenarios(only: str) -> list[Scenario]:
    """The scenarios to run, in list order; the floor is always among them."""
    if not only:
        return list(SCENARIOS)
    try:
        keys = {scenario_by_key(key.strip()).key for key in only.split(",") if key.strip()} | {FLOOR}
    except KeyError as error:
        raise BenchError(str(error.args[0])) from None
    return [scenario for scenario in SCENARIOS if scenario.key in keys]


def git_revision() -> str:
    """The checked-out commit, marked when the working tree has changes."""
    try:
        completed = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return completed.stdout.strip() or "unknown"


def print_header(title: str, *, cores: int, load_before: float) -> None:
    """The lines every benchmark report starts with: what ran, when, on what machine and software."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"{title}, {now}, commit {git_revision()}")
    print(
        f"machine   {cores} CPU cores ({cpu_model()}), {platform.system()} {platform.release()}, "
        f"load average {load_before:.2f} before the run"
    )
    print(
        f"software  Python {platform.python_version()}, Django {importlib.metadata.version('Django')}, "
        f"gunicorn {importlib.metadata.version('gunicorn')}"
    )


def cpu_model() -> str:
    """The processor's model name when the platform tells it."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def scenario_plan(
    scenario: Scenario,
    server: Server,
    cookies: list[str],
    args: argparse.Namespace,
    processes: int,
    duration: float,
) -> LoadPlan:
    """The load for one run of ``scenario``; signed-in clients each use their own session."""
    headers: list[tuple[str, str]] = [("User-Agent", "tandem-bench")]
    if scenario.content_type:
        headers.append(("Content-Type", scenario.content_type))
    if scenario.headers is not None:
        headers.extend(scenario.headers(server.environment))
    return LoadPlan(
        port=server.port,
        request=RequestSpec(scenario.method, scenario.path, tuple(headers), scenario.body),
        clients=args.clients,
        processes=processes,
        duration=duration,
        per_client_headers=tuple((("Cookie", cookie),) for cookie in cookies) if scenario.signed_in else (),
    )


def prime(scenario: Scenario, server: Server, cookies: list[str]) -> str:
    """Request ``scenario``'s page alone, on a fresh connection each time (so each server process
    gets its turn), until 3 answers per process in a row come from the page cache; say what it took.

    An answer from the cache is one ``CACHED_SPEED_UP`` times faster than the slowest so far; the
    others computed the page. A page that is never kept stops after ``PRIME_SECONDS``."""
    headers = {"User-Agent": "tandem-bench"}
    if scenario.content_type:
        headers["Content-Type"] = scenario.content_type
    if scenario.headers is not None:
        headers.update(scenario.headers(server.environment))
    if scenario.signed_in and cookies:
        headers["Cookie"] = cookies[0]
    needed = 3 * server.workers
    computed: list[float] = []
    kept: list[float] = []
    deadline = time.monotonic() + PRIME_SECONDS
    while len(kept) < needed and time.monotonic() < deadline:
        began = time.perf_counter()
        status, _, _ = http_request(
            server.port, scenario.method, scenario.path, headers=headers, body=scenario.body, timeout=120
        )
        took = time.perf_counter() - began
        if not 200 <= status < 300:
            raise BenchError(f"priming {scenario.path}: it answered {status}")
        if computed and took * CACHED_SPEED_UP < max(computed):
            kept.append(took)
        else:
            computed.append(took)
            kept.clear()
    said = ", ".join(f"{seconds:.1f} s" for seconds in computed)
    if len(kept) < needed:
        return (
            f"primed: not kept within {PRIME_SECONDS:.0f} s: {len(computed)} answers alone took {said} "
            "(the measured figures include computing the page)"
        )
    return (
        f"primed: computed {len(computed)} times by one request alone ({said}), then {len(kept)} answers "
        f"in a row from the page cache (at most {1000 * max(kept):.0f} ms), before the warm-up"
    )


def measure(
    scenarios: list[Scenario],
    server: Server,
    cookies: list[str],
    args: argparse.Namespace,
    processes: int,
    progress: Callable[[str], None],
) -> list[Measurement]:
    """Warm every scenario up once, then measure them in interleaved rounds.

    Interleaving (floor, page, floor, page, ...) exposes every scenario to the same background
    load on a shared machine, which keeps the ratios honest when the absolute figures drift.
    """
    slice_seconds = args.duration / args.rounds
    samples: dict[str, list[LoadSample]] = {scenario.key: [] for scenario in scenarios}
    server_cpu: dict[str, float | None] = dict.fromkeys(samples, 0.0)
    primed: dict[str, str] = {}
    for round_number in range(1, args.rounds + 1):
        for scenario in scenarios:
            if round_number == 1 and scenario.prime:
                progress(f"{scenario.path}: priming, one request at a time")
                primed[scenario.key] = prime(scenario, server, cookies)
                progress(f"{scenario.path}: {primed[scenario.key]}")
            if round_number == 1 and args.warmup > 0:
                progress(f"{scenario.path}: {args.warmup:g} s warm-up")
                run_load(scenario_plan(scenario, server, cookies, args, processes, args.warmup))
            progress(f"{scenario.path}: round {round_number}/{args.rounds}, {slice_seconds:g} s measured")
            before = server.cpu_seconds()
            samples[scenario.key].append(
                run_load(scenario_plan(scenario, server, cookies, args, processes, slice_seconds))
            )
            after = server.cpu_seconds()
            used = server_cpu[scenario.key]
            server_cpu[scenario.key] = (
                used + after - before
                if used is not None and before is not None and after is not None
                else None
            )
    return [
        Measurement(
            scenario, summarize(samples[scenario.key]), server_cpu[scenario.key], primed.get(scenario.key, "")
        )
        for scenario in scenarios
    ]


def sign_in_sessions(port: int, password: str, count: int) -> list[str]:
    """``count`` sessions of the demo owner, each from its own sign-in (a few at a time: hashing is slow)."""
    with ThreadPoolExecutor(max_workers=min(count, 4)) as pool:
        return list(pool.map(lambda _: sign_in(port, OWNER_EMAIL, password), range(count)))


def _ratio(value: float, floor: float) -> str:
    if not floor or math.isnan(value) or math.isnan(floor):
        return "-"
    return f"{value / floor:.2f}x"


def _cpu_percent(seconds: float | None, elapsed: float) -> str:
    if seconds is None or elapsed <= 0:
        return "-"
    return f"{100 * seconds / elapsed:.0f}%"


def report(measurements: list[Measurement]) -> list[str]:
    """The results table and the notes that go with it."""
    floor = next(m.load for m in measurements if m.scenario.key == FLOOR)
    columns = (
        "page",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "non-2xx",
        "errors",
        "p50/floor",
        "p99/floor",
        "req/s/floor",
        "queries",
        "server CPU",
        "client CPU",
    )
    rows = [columns]
    for m in measurements:
        load = m.load
        rows.append(
            (
                m.scenario.path,
                f"{load.requests:,}",
                f"{load.requests_per_second:,.1f}"
                if load.requests_per_second < 10
                else f"{load.requests_per_second:,.0f}",
                f"{load.p50_ms:.1f}",
                f"{load.p99_ms:.1f}",
                f"{load.non_2xx:,}",
                f"{sum(load.errors.values()):,}",
                _ratio(load.p50_ms, floor.p50_ms),
                _ratio(load.p99_ms, floor.p99_ms),
                _ratio(load.requests_per_second, floor.requests_per_second),
                str(portfolio.QUERIES.get(m.scenario.path, "-")),
                _cpu_percent(m.server_cpu_seconds, load.window),
                _cpu_percent(load.generator_cpu_seconds, load.window),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines.append("")
    for m in measurements:
        lines.append(f"  {m.scenario.path:<{widths[0]}}  {m.scenario.title}")
        if m.primed:
            lines.append(f"  {'':<{widths[0]}}  {m.primed}")
        problems = {
            str(status): count for status, count in sorted(m.load.statuses.items()) if not 200 <= status < 300
        }
        problems.update(m.load.errors)
        if problems:
            lines.append(
                f"  {'':<{widths[0]}}  ! not 2xx: {', '.join(f'{k} x{v}' for k, v in problems.items())}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:  # noqa: C901 (the run in the order it happens: set up, measure, tear down, print)
    """Set up, measure every scenario, tear down and print; see the module docstring."""
    args = parse_args(argv)
    cores = cpu_cores()
    processes = args.client_processes or min(cores, args.clients)

    def progress(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    try:
        scenarios = selected_scenarios(args.only)
        progress("setting up a throwaway installation (upgrade, demo data)...")
        with BenchEnvironment(args.database_url) as environment:
            for scenario in scenarios:
                if scenario.prepare is not None:
                    progress(f"preparing {scenario.key}...")
                    scenario.prepare(environment)
            # Addresses naming generated rows ({initiative}, {campaign}) are known once prepared.
            scenarios = [
                replace(s, path=filled(environment, s.path)) if "{" in s.path else s for s in scenarios
            ]
            notes = [line for hook in REPORTS for line in hook(environment, scenarios)]
            database = environment.database_description()
            with Server(environment, workers=args.workers, threads=args.threads) as server:
                cookies: list[str] = []
                if any(scenario.signed_in for scenario in scenarios):
                    progress(
                        f"server up on port {server.port}; signing in {args.clients} sessions as {OWNER_EMAIL}..."
                    )
                    cookies = sign_in_sessions(server.port, environment.demo_password, args.clients)
                measurements = measure(scenarios, server, cookies, args, processes, progress)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2

    print_header("Tandem benchmark", cores=cores, load_before=load_before)
    print(
        f"server    tandem serve: gunicorn gthread, {args.workers} workers x {args.threads} threads, "
        f"production settings (DEBUG off) over plain HTTP on {HOST}, access log off"
    )
    print(f"database  {database}")
    print(
        f"load      {args.clients} concurrent keep-alive clients in {processes} processes, closed loop, "
        f"{args.duration:g} s measured per page ({args.rounds} interleaved rounds) after {args.warmup:g} s "
        f"warm-up; signed-in pages: "
        f"one session per client, each from a sign-in through the login form"
    )
    print(
        f"note      the server, the clients (and anything else running) share the same {cores} cores: "
        f"CPU columns are % of one core (max {100 * cores}%), the database server's own CPU is not "
        f"included; compare the ratios, not the absolute figures, across machines"
    )
    if load_before > cores / 2:
        print(
            f"warning   the machine was busy before the run (load average {load_before:.2f} on {cores} cores): "
            "expect noisy figures; run again on a quiet machine to compare"
        )
    print()
    for line in report(measurements):
        print(line)
    print()
    print(
        "p50/floor: how many times the framework floor's median latency a page takes (1.00x = no overhead)."
    )
    print("req/s/floor: the share of the floor's throughput a page reaches.")
    print("queries: per request, counted in-process before the load (see the table below).")
    if notes:
        print()
        for line in notes:
            print(line)
    failed = sum(m.load.non_2xx + sum(m.load.errors.values()) for m in measurements)
    if failed:
        print(
            f"\n{failed:,} requests were not answered 2xx: the figures above do not measure the pages alone."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
