"""``tandem whycheck compare``: score answer pairs from JSON lines, without a database.

Each input line is ``{"id": ..., "business": {"why": "...", "measures": [...]}, "it": {...}}`` (extra
keys such as "label" are ignored); each output line is ``{"id", "score", "verdict", "explanation"}``
or, for a line that cannot be read, ``{"id", "error"}`` with a message on stderr and exit status 1
at the end. Nothing here touches the ORM, so the command runs where no database exists.

The ``tandem`` command starts it through :func:`run_without_settings`, on minimal settings of its own
instead of Tandem's: those would demand a secret key in production mode and create a data directory,
neither of which scoring needs. Under Tandem's settings (``call_command``, the test suite) it runs as
any other command.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tandem.config.env import env_str
from tandem.core.management.base import TandemCommand
from tandem.whycheck import scoring

BATCH = 32  # pairs embedded together: batching is several times faster than one by one


@dataclass(frozen=True)
class Row:
    number: int  # line number in the input, from 1
    id: object
    pair: tuple[scoring.Answer, scoring.Answer] | None
    error: scoring.InputError | None = None


def run_without_settings(argv: list[str]) -> None:
    """Run ``tandem whycheck ...`` (``argv`` as the ``tandem`` command got it) on minimal settings.

    Tandem's settings module is not loaded: no secret key is asked for, no data directory or database
    is created or opened (``DATABASES`` is empty, so any use of the ORM fails loudly). The one setting
    the command reads, the embedding engine, comes from the same variables as in
    ``tandem.config.settings`` (``TEXT_EMBEDDER``); ``--engine`` overrides it. The languages and the
    catalogue are Tandem's, so the command speaks the terminal's language as the others do.
    """
    import django

    if not settings.configured:
        settings.configure(
            TEXT_EMBEDDER=env_str("TANDEM_TEXT_EMBEDDER", env_str("TANDEM_WHYCHECK_EMBEDDER", "default")),
            INSTALLED_APPS=[],
            DATABASES={},
            USE_TZ=True,
            USE_I18N=True,
            LANGUAGE_CODE="en",
            LANGUAGES=[("en", "English"), ("nl", "Dutch")],
            LOCALE_PATHS=[Path(__file__).resolve().parents[3] / "locale"],
        )
    django.setup()
    Command().run_from_argv(argv)


class Command(TandemCommand):
    requires_system_checks = ()

    help = gettext_lazy("Why-check scorer on JSON lines (no database needed).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        compare = sub.add_parser(
            "compare",
            help=_(
                'Compare answer pairs: one JSON object per line in, one JSON line per pair out ("-" = stdin).'
            ),
        )
        compare.add_argument("--input", required=True, help=_('JSON-lines file, or "-" for standard input'))
        compare.add_argument(
            "--engine",
            default=None,
            help=_(
                "Embedding engine: default, use, e5, lexical or combined (TANDEM_TEXT_EMBEDDER by default)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tandem.text.embedding import ENGINE_NAMES, get_embedder  # loads numpy only when used

        engine = options["engine"] or settings.TEXT_EMBEDDER
        # tandem.text knows no Django and refuses in English only: an unknown engine is refused here.
        if engine.strip().lower() not in ("", "default", *ENGINE_NAMES):
            raise CommandError(
                _("Unknown embedding engine “%(engine)s”: choose one of %(choices)s.")
                % {"engine": engine, "choices": ", ".join(("default", *ENGINE_NAMES))}
            )
        try:
            embedder = get_embedder(engine)
        except ValueError as error:
            raise CommandError(str(error)) from None
        total = failed = 0
        try:
            with _open(options["input"]) as stream:
                for chunk in _chunks(_rows(stream), BATCH):
                    for row, line in self._compare(chunk, embedder):
                        total += 1
                        if row.error is not None:
                            failed += 1
                            said = {"number": row.number, "problem": row.error.said()}
                            sys.stderr.write(_("line %(number)s: %(problem)s") % said + "\n")
                        self.stdout.write(json.dumps(line, ensure_ascii=False))
                    self.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`... | head`): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        except OSError as error:
            raise CommandError(
                _("cannot read %(file)s: %(reason)s")
                % {"file": options["input"], "reason": error.strerror or error}
            ) from None
        if failed:
            raise CommandError(
                _("%(failed)s of %(total)s lines could not be compared.")
                % {"failed": failed, "total": total},
                returncode=1,
            )

    def _compare(self, chunk: list[Row], embedder: Any) -> Iterator[tuple[Row, dict[str, object]]]:
        good = [(row.number, row.pair) for row in chunk if row.pair is not None]
        results: dict[int, scoring.Comparison | scoring.InputError] = {}
        try:
            compared = scoring.compare_many([pair for _, pair in good], embedder=embedder)
            results = dict(zip((number for number, _ in good), compared, strict=True))
        except Exception:  # one bad pair must not sink the batch: retry one by one
            for number, pair in good:
                try:
                    results[number] = scoring.compare(*pair, embedder=embedder)
                except Exception as error:  # reported on the line, never a traceback
                    results[number] = scoring.InputError(
                        gettext_noop("could not be compared: %(error)s"),
                        error=f"{type(error).__name__}: {error}",
                    )
        for row in chunk:
            outcome = results[row.number] if row.error is None else row.error
            if isinstance(outcome, scoring.Comparison):
                yield (
                    row,
                    {
                        "id": row.id,
                        "score": round(outcome.score, 4),
                        "verdict": outcome.verdict,
                        "explanation": outcome.explanation,
                    },
                )
            else:
                yield Row(row.number, row.id, None, outcome), {"id": row.id, "error": str(outcome)}


def _open(name: str) -> AbstractContextManager[IO[bytes]]:
    if name == "-":
        return nullcontext(sys.stdin.buffer)  # standard input stays open after the block
    return Path(name).open("rb")


def _rows(stream: IO[bytes]) -> Iterator[Row]:
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield Row(number, None, None, scoring.InputError(gettext_noop("not UTF-8 text")))
            continue
        if not text.strip():
            continue
        yield _parse(number, text)


def _parse(number: int, text: str) -> Row:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problem = scoring.InputError(
            gettext_noop("not valid JSON (%(problem)s at column %(column)s)"),
            problem=error.msg,
            column=error.colno,
        )
        return Row(number, None, None, problem)
    if not isinstance(data, dict):
        return Row(number, None, None, scoring.InputError(gettext_noop("each line must be a JSON object")))
    identifier = data.get("id")
    try:
        business = scoring.answer_from_dict(data.get("business"), "business")
        it = scoring.answer_from_dict(data.get("it"), "it")
    except scoring.InputError as error:
        return Row(number, identifier, None, error)
    return Row(number, identifier, (business, it))


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
