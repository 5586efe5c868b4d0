"""How long the board report takes to render: the demo organisation's, and a 10,000-initiative
organisation's (generated as the portfolio benchmark does).

Sets up a throwaway installation (``server.BenchEnvironment``: temporary data directory, the demo),
then runs itself inside it (``measure``) to generate the big organisation and time, for each
organisation, the content (every section's queries) and the PDF, in English. Prints one line per
organisation and period (the last full month, read from the weekly snapshots; this month to date,
whose index is computed live) and a JSON object per line with the figures. Asserts nothing about
time.

    .venv/bin/python benchmarks/report_render.py [--initiatives 10000] [--pages-to DIR]

``--pages-to DIR`` also writes the demo report's PDF and, when ``pdftoppm`` is installed, its cover
and perception-gap pages as PNG (``04-report-cover.png``, ``05-report-gap.png``) for review.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIG_SLUG = "bench-report"


def last_full_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def measure(slug: str, *, language: str = "en", to_date: bool = False) -> tuple[dict[str, object], bytes]:
    """Time the report of organisation ``slug`` for the last full month, or with ``to_date`` for
    this month up to today (its index is then computed live, not read from a snapshot)."""
    from django.utils import timezone, translation

    from tandem.core.models import Organization
    from tandem.insights import pdf, report_data

    org = Organization.objects.get(slug=slug)
    today = timezone.localdate()
    start, end = (today.replace(day=1), today) if to_date else last_full_month(today)
    with translation.override(language):
        started = time.perf_counter()
        content = report_data.report_content(org, start, end)
        gathered = time.perf_counter()
        rendered = pdf.render_pdf(content.cover, content.sections)
        finished = time.perf_counter()
    figures: dict[str, object] = {
        "organisation": slug,
        "language": language,
        "period": f"{start}..{end}",
        "content_s": round(gathered - started, 3),
        "pdf_s": round(finished - gathered, 3),
        "total_s": round(finished - started, 3),
        "pages": rendered.pages,
        "bytes": len(rendered.pdf),
    }
    return figures, rendered.pdf


def inside(initiatives: int, pages_to: str) -> int:
    """Run within the installation: generate the big organisation, time both reports."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    import django

    django.setup()
    sys.path.insert(0, str(HERE))
    import portfolio_data
    from server import OWNER_EMAIL

    started = time.perf_counter()
    portfolio_data.generate(slug=BIG_SLUG, initiatives=initiatives, owner_email=OWNER_EMAIL)
    print(f"generated {initiatives:,} initiatives in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    for slug in ("demo", BIG_SLUG):
        for to_date in (False, True):
            figures, body = measure(slug, to_date=to_date)
            print(json.dumps(figures))
            if slug == "demo" and pages_to and not to_date:
                save_pages(body, Path(pages_to))
            elif slug == BIG_SLUG and pages_to and to_date:
                (Path(pages_to) / "board-report-big.pdf").write_bytes(body)
    if pages_to:
        figures, body = measure("demo", language="nl")
        print(json.dumps(figures))
        (Path(pages_to) / "board-report-demo-nl.pdf").write_bytes(body)
    return 0


def save_pages(body: bytes, folder: Path) -> None:
    """The PDF, and its cover and perception-gap pages as PNG when ``pdftoppm`` is there."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "board-report-demo.pdf"
    target.write_bytes(body)
    tool = shutil.which("pdftoppm")
    if tool is None:
        print("pdftoppm not found: PDF kept, no PNG pages", file=sys.stderr)
        return
    gap_page = page_with(body, "How business and IT see each other") or 2
    for page, name in ((1, "04-report-cover"), (gap_page, "05-report-gap")):
        args = [tool, "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile"]
        subprocess.run([*args, str(target), str(folder / name)], check=True)


def page_with(body: bytes, words: str) -> int | None:
    """The first page (from 1) whose text holds ``words``."""
    import io

    from pypdf import PdfReader

    for number, page in enumerate(PdfReader(io.BytesIO(body)).pages, start=1):
        if words in (page.extract_text() or ""):
            return number
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--pages-to", default="", help="write the demo report and two of its pages here")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        return inside(args.initiatives, args.pages_to)
    sys.path.insert(0, str(HERE))
    from server import BenchEnvironment

    with BenchEnvironment(None) as environment:
        command = [sys.executable, __file__, "--inside", "--initiatives", str(args.initiatives)]
        if args.pages_to:
            command += ["--pages-to", str(Path(args.pages_to).resolve())]
        completed = subprocess.run(command, env=environment.env, capture_output=True, text=True, check=False)
        sys.stderr.write(completed.stderr)
        if completed.returncode != 0:
            return completed.returncode
        for line in completed.stdout.splitlines():
            if not line.startswith("{"):
                continue
            f = json.loads(line)
            print(
                f"board report of {f['organisation']}, {f['period']} ({f['language']}): {f['total_s']} s "
                f"(content {f['content_s']} s, PDF {f['pdf_s']} s), {f['pages']} pages"
            )
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
