"""The portfolio at scale: generated organisations of 100 and 10,000 initiatives for `make bench`.

``prepare`` (a scenario's hook, run before the server starts) generates both organisations with
``portfolio_data.py generate`` in the benchmark's installation, owned by the demo owner so the
signed-in clients can open them, and creates one API token per organisation with
``tandem token create``. ``query_report`` counts, in-process, the queries of each measured
request at both sizes and returns the lines that show them side by side: a constant count is
what the portfolio page and the list API promise, whatever the number of initiatives.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from server import OWNER_EMAIL, BenchError

if TYPE_CHECKING:
    from scenarios import Scenario
    from server import BenchEnvironment

SCRIPT = Path(__file__).resolve().parent / "portfolio_data.py"
DEMO, SMALL, LARGE = "demo", "bench-100", "bench-10k"
SIZES = {SMALL: 100, LARGE: 10_000}
# Organisations the query counts compare: the demo's own data, then the generated sizes.
COUNTED = (DEMO, SMALL, LARGE)
HOME = "/o/{slug}/"
WHY_CHECKS = "/o/{slug}/why-checks/"
INITIATIVE = "/o/{slug}/initiatives/{initiative}/"
SURVEY = "/o/{slug}/surveys/{campaign}/"
PORTFOLIO = "/o/{slug}/portfolio/"
PORTFOLIO_FILTERED = "/o/{slug}/portfolio/?missing=shared&sort=-signals"
API_LIST = "/api/v1/orgs/{slug}/initiatives?limit=50"
# Which of the measured requests go through the API (bearer token) rather than a session.
API_PATHS = {API_LIST}


@dataclass
class _Prepared:
    tokens: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The first initiative and survey of the large organisation, named in its pages' addresses.
    ids: dict[str, int | None] = field(default_factory=dict)


# Per installation (data directory): several scenarios share one preparation.
_prepared: dict[Path, _Prepared] = {}


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _script(env: BenchEnvironment, *args: str, extra_env: dict[str, str] | None = None) -> str:
    """Run ``portfolio_data.py ARGS`` with the installation's environment; fail loudly."""
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={**env.env, **(extra_env or {})},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(
            f"`portfolio_data.py {' '.join(args)}` failed:\n{completed.stdout}{completed.stderr}"
        )
    return completed.stdout


def prepare(env: BenchEnvironment) -> None:
    """Generate the organisations and their tokens once per installation."""
    if env.data_dir in _prepared:
        return
    prepared = _Prepared()
    for slug, size in SIZES.items():
        _progress(
            _script(
                env, "generate", "--slug", slug, "--initiatives", str(size), "--owner", OWNER_EMAIL
            ).strip()
        )
    for slug in COUNTED:
        prepared.tokens[slug] = env.manage(
            "token", "create", "--email", OWNER_EMAIL, "--org", slug, "--name", "benchmark"
        ).strip()
    # Before statistics exist, see how SQLite would run the portfolio; then give it statistics.
    analysed = json.loads(_script(env, "analyze", "--slug", LARGE).strip().splitlines()[-1])
    searches, prepared.ids = analysed["org_index_searches"], analysed["ids"]
    if searches["before_analyze"]:
        prepared.notes.append(
            "warning   without planner statistics SQLite runs the portfolio's signal subqueries through "
            f"organisation-wide indexes ({', '.join(searches['before_analyze'])}): each row then scans all "
            f"of the organisation's rows (minutes per page at {SIZES[LARGE]:,} initiatives); the figures "
            "above were taken after ANALYZE"
        )
    if searches["after_analyze"]:
        prepared.notes.append(
            f"warning   even after ANALYZE, organisation-wide index searches: {', '.join(searches['after_analyze'])}"
        )
    _prepared[env.data_dir] = prepared


def bearer(env: BenchEnvironment) -> tuple[tuple[str, str], ...]:
    """The ``Authorization`` header of the large organisation's token (after ``prepare``)."""
    prepared = _prepared.get(env.data_dir)
    if prepared is None:
        raise BenchError("the portfolio data was not prepared before its API scenario ran")
    return (("Authorization", f"Bearer {prepared.tokens[LARGE]}"),)


def demo_bearer(env: BenchEnvironment) -> tuple[tuple[str, str], ...]:
    """The ``Authorization`` header of the demo organisation's token (after ``prepare``)."""
    prepared = _prepared.get(env.data_dir)
    if prepared is None:
        raise BenchError("the tokens were not made before the demo API scenario ran")
    return (("Authorization", f"Bearer {prepared.tokens[DEMO]}"),)


def ids(env: BenchEnvironment) -> dict[str, int | None]:
    """The large organisation's first initiative and campaign (empty before ``prepare``)."""
    prepared = _prepared.get(env.data_dir)
    return dict(prepared.ids) if prepared else {}


# Queries per request of each scenario's path, filled by ``query_report`` for run.py's table.
QUERIES: dict[str, int] = {}
# Requests counted at every size, whether or not a scenario loads them.
COUNTED_TEMPLATES = {
    "home": HOME,
    "portfolio": PORTFOLIO,
    "portfolio_filtered": PORTFOLIO_FILTERED,
    "why_checks": WHY_CHECKS,
    "initiative": INITIATIVE,
    "survey": SURVEY,
    "initiatives_api": API_LIST,
}


def query_report(env: BenchEnvironment, scenarios: list[Scenario]) -> list[str]:  # noqa: C901 (one printed table, built top to bottom)
    """Queries per request at 100 and at 10,000 initiatives, for the selected portfolio scenarios."""
    templates = COUNTED_TEMPLATES
    prepare(env)
    prepared = _prepared[env.data_dir]
    args = ["queries", "--owner", OWNER_EMAIL]
    for slug in COUNTED:
        args += ["--org", slug]
    for key, template in templates.items():
        args += ["--api" if template in API_PATHS else "--page", f"{key}={template}"]
    _progress("counting the queries of the portfolio requests in-process...")
    output = _script(env, *args, extra_env={"BENCH_TOKENS": json.dumps(prepared.tokens)})
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for line in output.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            rows[(row["key"], row["org"])] = row
            QUERIES[row["path"]] = row["queries"]

    def cell(row: dict[str, Any] | None) -> str:
        if row is None:
            return "-"
        status = "" if row["status"] == 200 else f" (HTTP {row['status']})"
        return f"{row['queries']} queries, {row['ms']:.0f} ms{status}"

    sizes = {DEMO: "demo", **{slug: f"{size:,} initiatives" for slug, size in SIZES.items()}}
    header = ("request", *sizes.values(), "")
    table = [header]
    for key, template in templates.items():
        counts = [rows.get((key, slug), {}).get("queries") for slug in COUNTED]
        verdict = "constant" if None not in counts and len(set(counts)) == 1 else "GROWS"
        if any(rows.get((key, slug), {}).get("status") != 200 for slug in COUNTED):
            verdict = "not 200"
        table.append((template, *(cell(rows.get((key, slug))) for slug in COUNTED), verdict))
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = [
        "Queries per request, counted in-process with Django's test client (the second of two identical",
        "requests: sessions and caches warm; ms is that one request in-process, not under load):",
        "",
    ]
    for index, cells in enumerate(table):
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(
        f"data      {', '.join(f'{slug}: {size:,} initiatives' for slug, size in SIZES.items())} generated "
        "(40 objectives, 120 key results, ~1.4 success measures, ~1.6 key-result links and ~2 departments "
        "per initiative, a mix of signals); ANALYZE run afterwards"
    )
    lines.extend(prepared.notes)
    return lines
