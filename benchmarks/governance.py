"""Governance at scale: a generated organisation of 200 parties and 2,000 initiatives for `make bench`.

``prepare`` (a scenario's hook, run before the server starts) generates the organisation with
``governance_data.py generate`` in the benchmark's installation, owned by the demo owner so the
signed-in clients can open it, runs ANALYZE and learns the first initiative's id (the RACI page's
address names it). ``query_report`` counts, in-process, the queries of the party scorecard and of a
RACI matrix at demo size and at that size, each computed (page cache cold) and kept (warm): the
computed count must not grow with the number of parties, incidents or initiatives.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import portfolio
from server import OWNER_EMAIL, BenchError

if TYPE_CHECKING:
    from scenarios import Scenario
    from server import BenchEnvironment

SCRIPT = Path(__file__).resolve().parent / "governance_data.py"
DEMO, LARGE = "demo", "bench-gov"
PARTIES, INITIATIVES, INCIDENTS = 200, 2_000, 1_500
COUNTED = (DEMO, LARGE)
SCORECARD = "/o/{slug}/scorecard/"
RACI = "/o/{slug}/initiatives/{initiative}/raci/"
# The pages as the load scenarios request them ({gov_initiative} is known once prepared).
SCORECARD_LARGE = SCORECARD.format(slug=LARGE)
RACI_LARGE = RACI.format(slug=LARGE, initiative="{gov_initiative}")
PAGES = {"scorecard": SCORECARD, "raci": RACI}


@dataclass
class _Prepared:
    ids: dict[str, int | None] = field(default_factory=dict)
    generated: str = ""
    seconds: float = 0.0


# Per installation (data directory): several scenarios share one preparation.
_prepared: dict[Path, _Prepared] = {}


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _script(env: BenchEnvironment, *args: str) -> str:
    """Run ``governance_data.py ARGS`` with the installation's environment; fail loudly."""
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env.env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(
            f"`governance_data.py {' '.join(args)}` failed:\n{completed.stdout}{completed.stderr}"
        )
    return completed.stdout


def prepare(env: BenchEnvironment) -> None:
    """Generate the organisation once per installation."""
    if env.data_dir in _prepared:
        return
    prepared = _Prepared()
    began = time.perf_counter()
    prepared.generated = _script(
        env,
        "generate",
        "--slug",
        LARGE,
        "--parties",
        str(PARTIES),
        "--initiatives",
        str(INITIATIVES),
        "--incidents",
        str(INCIDENTS),
        "--owner",
        OWNER_EMAIL,
    ).strip()
    _progress(prepared.generated)
    prepared.ids = json.loads(_script(env, "analyze", "--slug", LARGE).strip().splitlines()[-1])
    prepared.seconds = time.perf_counter() - began
    _prepared[env.data_dir] = prepared


def ids(env: BenchEnvironment) -> dict[str, int | None]:
    """The ids the scenarios' addresses name (empty before ``prepare``)."""
    prepared = _prepared.get(env.data_dir)
    return dict(prepared.ids) if prepared else {}


def query_report(env: BenchEnvironment, scenarios: list[Scenario]) -> list[str]:
    """Queries per request of the scorecard and a RACI matrix, at demo size and at 200 parties,
    when a governance scenario is among those run."""
    if not any(s.prepare is prepare for s in scenarios):
        return []
    prepare(env)
    args = ["queries", "--owner", OWNER_EMAIL]
    for slug in COUNTED:
        args += ["--org", slug]
    for key, template in PAGES.items():
        args += ["--page", f"{key}={template}"]
    _progress("counting the queries of the scorecard and the RACI matrix in-process...")
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for line in _script(env, *args).splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            rows[(row["key"], row["org"])] = row
            # The load table shows the count of a computed page (the first one of each process).
            portfolio.QUERIES[row["path"]] = row["cold"]["queries"]

    lines = [
        "Queries of the governance pages, counted in-process with Django's test client: computed (the",
        "page cache cold, after a warm-up of the same view) and kept (the same request again, served",
        "from the page cache); ms is that one request in-process, not under load:",
        "",
        *_table(rows),
    ]
    prepared = _prepared[env.data_dir]
    lines += [
        "",
        f"data      {prepared.generated}; ANALYZE run afterwards (prepared in {prepared.seconds:.1f} s)",
        "note      the scorecard and the matrix are kept in each server process's page cache: under "
        "load most requests are served from it, the first one per process computes the page",
    ]
    return lines


def _cell(row: dict[str, Any] | None, state: str) -> str:
    if row is None:
        return "-"
    found = row[state]
    status = "" if found["status"] == 200 else f" (HTTP {found['status']})"
    return f"{found['queries']} queries, {found['ms']:.0f} ms{status}"


def _table(rows: dict[tuple[str, str], dict[str, Any]]) -> list[str]:
    """One line per page: computed and kept, per organisation, and whether the count grows."""
    sizes = {
        slug: f"{row['parties']:,} parties, {row['initiatives']:,} initiatives"
        for (_key, slug), row in rows.items()
    }
    states = ("cold", "warm")
    header = (
        "request",
        *(
            f"{sizes.get(slug, slug)}: {'computed' if s == 'cold' else 'kept'}"
            for slug in COUNTED
            for s in states
        ),
        "",
    )
    table = [header]
    for key, template in PAGES.items():
        found = [rows.get((key, slug)) for slug in COUNTED]
        counts = [row["cold"]["queries"] if row else None for row in found]
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
