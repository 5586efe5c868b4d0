"""A closed-loop HTTP load generator for loopback: N concurrent keep-alive clients.

Each client is a thread with one persistent ``http.client`` connection that sends a request,
reads the whole response and sends the next one. Clients are spread over several processes so
that the generator is not limited to one core by the GIL. All clients connect first, then start
together; each stops at its deadline or after ``max_requests_per_client`` requests, whichever
comes first, so every loop is bounded in time and in count. With a ``paths_file`` every request
goes to a path of its own (one-time links, say): a client stops early when its share runs out.
Only 127.0.0.1 is ever targeted.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
# How long processes and threads may take to get ready before the run is called off.
_READY_TIMEOUT = 60.0
# Counted in ``errors`` for each client that used up its share of a ``paths_file`` before its deadline.
PATHS_EXHAUSTED = "paths exhausted"


@dataclass(frozen=True)
class RequestSpec:
    """The request every client repeats."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


@dataclass(frozen=True)
class LoadPlan:
    """How hard and how long to load the server on ``127.0.0.1:port``."""

    port: int
    request: RequestSpec
    clients: int
    processes: int
    duration: float
    max_requests_per_client: int = 1_000_000
    timeout: float = 30.0
    # Extra headers for client i: per_client_headers[i % len], e.g. one session cookie per client.
    per_client_headers: tuple[tuple[tuple[str, str], ...], ...] = ()
    # One path per line, each requested once instead of ``request.path``: client i takes lines
    # i, i + clients, i + 2 * clients, ... and stops when they run out.
    paths_file: str | None = None


@dataclass
class _ClientResult:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    in_window: int = 0


@dataclass
class LoadSample:
    """The raw figures of one run (of one generator process, or merged over all of them).

    ``latencies``, ``statuses`` and ``errors`` cover every response, including those that
    arrived after the window closed; ``in_window`` counts the responses that arrived within the
    ``window`` seconds, so requests/s is not skewed by the last slow responses.
    """

    latencies: list[float]
    statuses: Counter[int]
    errors: Counter[str]
    in_window: int
    window: float
    cpu_seconds: float


@dataclass(frozen=True)
class LoadResult:
    """What one or more runs of a scenario measured, from the clients' side."""

    requests: int
    window: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    statuses: dict[int, int]
    errors: dict[str, int]
    generator_cpu_seconds: float


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (NaN when there are none)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def _client(  # noqa: C901 (the hot loop of one load client: a call per request would be measured too)
    plan: LoadPlan,
    index: int,
    start: threading.Barrier,
    result: _ClientResult,
    paths: list[str] | None = None,
) -> None:
    """Client ``index``: connect, wait for the start, then request in a loop until the deadline
    (to ``spec.path``, or to each of ``paths`` in turn until they run out)."""
    spec = plan.request
    next_paths = iter(paths) if paths is not None else None
    headers = {"Host": f"{HOST}:{plan.port}", **dict(spec.headers)}
    if plan.per_client_headers:
        headers.update(plan.per_client_headers[index % len(plan.per_client_headers)])
    first = http.client.HTTPConnection(HOST, plan.port, timeout=plan.timeout)
    conn: http.client.HTTPConnection | None = first
    try:
        first.connect()
    except OSError as error:
        result.errors[f"connect: {type(error).__name__}"] += 1
        conn = None
    try:
        start.wait(timeout=_READY_TIMEOUT)
    except threading.BrokenBarrierError:
        result.errors["start: BrokenBarrierError"] += 1
        return
    began = time.perf_counter()
    deadline = began + plan.duration
    for _ in range(plan.max_requests_per_client):
        path = spec.path if next_paths is None else next(next_paths, None)
        if path is None:
            result.errors[PATHS_EXHAUSTED] += 1
            break
        sent = time.perf_counter()
        if sent >= deadline:
            break
        try:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, plan.port, timeout=plan.timeout)
            conn.request(spec.method, path, body=spec.body, headers=headers)
            response = conn.getresponse()
            response.read()
            received = time.perf_counter()
            result.latencies.append(received - sent)
            result.in_window += received <= deadline
            result.statuses[response.status] += 1
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as error:
            result.errors[type(error).__name__] += 1
            if conn is not None:
                conn.close()
                conn = None
            time.sleep(0.01)  # do not spin when the server is gone
    if conn is not None:
        conn.close()


def _process(plan: LoadPlan, first: int, clients: int, ready: Any, results: Any) -> None:
    """One generator process: clients ``first`` to ``first + clients - 1`` as threads, started
    when every process is ready."""
    client_results = [_ClientResult() for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    lines = Path(plan.paths_file).read_text(encoding="utf-8").split() if plan.paths_file else None
    threads = [
        threading.Thread(
            target=_client,
            args=(
                plan,
                first + offset,
                start,
                result,
                lines[first + offset :: plan.clients] if lines is not None else None,
            ),
            daemon=True,
        )
        for offset, result in enumerate(client_results)
    ]
    for thread in threads:
        thread.start()
    try:
        ready.wait(timeout=_READY_TIMEOUT)
        cpu_before = time.process_time()
        start.wait(timeout=_READY_TIMEOUT)
    except threading.BrokenBarrierError:
        start.abort()
        results.put(LoadSample([], Counter(), Counter({"start: BrokenBarrierError": clients}), 0, 0.0, 0.0))
        return
    for thread in threads:
        thread.join(timeout=plan.duration + plan.timeout + 10)
    cpu_seconds = time.process_time() - cpu_before
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    for result in client_results:
        latencies.extend(result.latencies)
        statuses.update(result.statuses)
        errors.update(result.errors)
    in_window = sum(result.in_window for result in client_results)
    results.put(LoadSample(latencies, statuses, errors, in_window, plan.duration, cpu_seconds))


def run_load(plan: LoadPlan) -> LoadSample:
    """Run ``plan`` and return the merged figures of all clients (see `summarize`)."""
    processes = max(1, min(plan.processes, plan.clients))
    share, extra = divmod(plan.clients, processes)
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(processes + 1)
    results = context.Queue()
    counts = [share + (index < extra) for index in range(processes)]
    workers = [
        context.Process(target=_process, args=(plan, sum(counts[:index]), count, ready, results), daemon=True)
        for index, count in enumerate(counts)
    ]
    for worker in workers:
        worker.start()
    collected: list[LoadSample] = []
    try:
        ready.wait(timeout=_READY_TIMEOUT)
        for _ in workers:
            collected.append(results.get(timeout=plan.duration + plan.timeout + _READY_TIMEOUT))
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)
        results.close()
    return _merge(collected, window=plan.duration)


def _merge(samples: list[LoadSample], *, window: float) -> LoadSample:
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    for sample in samples:
        statuses.update(sample.statuses)
        errors.update(sample.errors)
    latencies = [latency for sample in samples for latency in sample.latencies]
    in_window = sum(sample.in_window for sample in samples)
    return LoadSample(
        latencies, statuses, errors, in_window, window, sum(sample.cpu_seconds for sample in samples)
    )


def summarize(samples: list[LoadSample]) -> LoadResult:
    """Requests/s, percentiles and failures over ``samples`` (e.g. the rounds of one scenario)."""
    merged = _merge(samples, window=sum(sample.window for sample in samples))
    latencies = sorted(merged.latencies)
    return LoadResult(
        requests=len(latencies),
        window=merged.window,
        requests_per_second=merged.in_window / merged.window if merged.window > 0 else 0.0,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        non_2xx=sum(count for status, count in merged.statuses.items() if not 200 <= status < 300),
        statuses=dict(merged.statuses),
        errors=dict(merged.errors),
        generator_cpu_seconds=merged.cpu_seconds,
    )
