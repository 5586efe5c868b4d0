"""The command line speaks the terminal's language: ``LANG=nl_NL.UTF-8 tandem ...`` gives the help,
the lines and the refusals in Dutch, ``LANG=C.UTF-8`` in English, and a long-running command
(``serve``, ``worker``) does its work in the installation's language, whatever the terminal says.

The Dutch expectations are the catalogue's translations (docs/glossary-nl.md)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, load_command_class
from django.utils import translation

from tandem.core.language import terminal_language
from tandem.whycheck import scoring
from tests.core.conftest import bare_env, run_tandem

DUTCH = "nl_NL.UTF-8"
ENGLISH = "C.UTF-8"
# The variables that outrank LANG: a test sets the terminal's language through LANG alone.
STRONGER_THAN_LANG = ("LANGUAGE", "LC_ALL", "LC_MESSAGES")

Terminal = Callable[[str], None]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Set the terminal's locale (``LANG``), as a shell started in it would have it."""

    def use(lang: str) -> None:
        for variable in STRONGER_THAN_LANG:
            monkeypatch.delenv(variable, raising=False)
        monkeypatch.setenv("LANG", lang)
        monkeypatch.setenv("COLUMNS", "1000")  # argparse wraps no help line, so phrases stay whole

    return use


def refusal(*args: str, **options: Any) -> str:
    """The message of the CommandError that ``tandem args`` ends with."""
    with pytest.raises(CommandError) as refused:
        call_command(*args, **options)
    return str(refused.value)


def help_text(app: str, name: str) -> str:
    """``tandem <name> --help`` as one line of words."""
    parser = load_command_class(app, name).create_parser("tandem", name)
    return " ".join(parser.format_help().split())


def terminal_env(lang: str) -> dict[str, str]:
    """A new shell's environment (no Tandem setting) in the locale ``lang``, wide enough for any help line."""
    env = bare_env(LANG=lang, COLUMNS="1000")
    return {key: value for key, value in env.items() if key not in STRONGER_THAN_LANG}


# --- Which language the terminal asks for -----------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "nl_BE.UTF-8"}, "nl"),
        ({"LANG": "nl"}, "nl"),
        ({"LANGUAGE": "nl:en", "LANG": "en_US.UTF-8"}, "nl"),
        ({"LANGUAGE": "de:nl", "LANG": "en_US.UTF-8"}, "nl"),
        ({"LC_ALL": "nl_NL.UTF-8", "LANG": "en_GB.UTF-8"}, "nl"),
        ({"LC_MESSAGES": "nl_NL@euro", "LANG": "en_GB.UTF-8"}, "nl"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANGUAGE": "en", "LANG": "nl_NL.UTF-8"}, "en"),
    ],
    ids=[
        "LANG",
        "flemish",
        "bare-code",
        "LANGUAGE-wins",
        "LANGUAGE-list",
        "LC_ALL-wins",
        "LC_MESSAGES-modifier",
        "english",
        "english-first",
    ],
)
def test_the_terminal_language_is_the_first_locale_tandem_speaks(
    environ: dict[str, str], language: str
) -> None:
    assert terminal_language(environ) == language


@pytest.mark.parametrize(
    "environ",
    [{}, {"LANG": "C.UTF-8"}, {"LANG": "C"}, {"LC_ALL": "POSIX"}, {"LANG": "de_DE.UTF-8"}, {"LANG": "xx_YY"}],
    ids=["nothing", "C.UTF-8", "C", "POSIX", "german", "unknown"],
)
def test_a_terminal_without_a_language_tandem_speaks_gets_the_installation_default(
    environ: dict[str, str],
) -> None:
    assert terminal_language(environ) == settings.LANGUAGE_CODE == "en"


# --- Refusals and lines -----------------------------------------------------------------------------


def test_a_refusal_of_the_demo_is_in_the_terminal_language(terminal: Terminal) -> None:
    terminal(DUTCH)
    assert refusal("demo", language="xx") == "de demo bestaat in en, nl, niet in 'xx'"
    terminal(ENGLISH)
    assert refusal("demo", language="xx") == "the demo speaks en, nl, not 'xx'"


@pytest.mark.django_db
def test_a_refusal_of_token_is_in_the_terminal_language(terminal: Terminal) -> None:
    terminal(DUTCH)
    dutch = refusal("token", "list", "--email", "nobody@example.com")
    assert dutch == "Er is geen account met het e-mailadres nobody@example.com."
    terminal(ENGLISH)
    english = refusal("token", "list", "--email", "nobody@example.com")
    assert english == "No account with the e-mail address nobody@example.com."


@pytest.mark.django_db
def test_a_backup_refusal_from_the_backup_module_is_in_the_terminal_language(
    terminal: Terminal, tmp_path: Path
) -> None:
    existing = tmp_path / "tandem.backup"
    existing.write_bytes(b"yesterday's backup")
    terminal(DUTCH)
    assert (
        refusal("backup", str(existing)) == f"{existing} bestaat al; gebruik --force om het te overschrijven."
    )
    terminal(ENGLISH)
    assert refusal("backup", str(existing)) == f"{existing} already exists; use --force to overwrite it."


@pytest.mark.django_db
def test_the_lines_of_org_are_in_the_terminal_language(terminal: Terminal) -> None:
    out = io.StringIO()
    terminal(DUTCH)
    call_command("org", "create", "--name", "Acme", "--owner", "eva@acme.test", stdout=out, no_color=True)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Acme aangemaakt op /o/acme/ met eva@acme.test als eigenaar."
    assert lines[1].startswith("Tijdelijk wachtwoord voor eva@acme.test: ")
    assert lines[1].endswith(" (wijzig het na het inloggen).")
    out = io.StringIO()
    terminal(ENGLISH)
    call_command("org", "create", "--name", "Beta", "--owner", "eva@acme.test", stdout=out, no_color=True)
    assert out.getvalue() == "Created Beta at /o/beta/ with owner eva@acme.test.\n"


# --- Help -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "name", "dutch", "english"),
    [
        (
            "tandem.core",
            "backup",
            "Een consistente kopie van de database",
            "Write a consistent copy of the database",
        ),
        (
            "tandem.core",
            "demo",
            "De demo-organisatie aanmaken (eenmalig)",
            "Create the demo organisation (once)",
        ),
        (
            "tandem.core",
            "org",
            "Een organisatie aanmaken met de eerste eigenaar.",
            "Create an organisation with",
        ),
        ("tandem.core", "restore", "Een back-up van `tandem backup` in een lege", "Load a backup made by"),
        ("tandem.core", "serve", "Tandem draaien met gunicorn", "Serve Tandem with gunicorn"),
        (
            "tandem.core",
            "token",
            "API-tokens aanmaken, tonen of intrekken.",
            "Create, list or revoke API tokens.",
        ),
        ("tandem.core", "upgrade", "De installatie bijwerken:", "Bring the installation up to date:"),
        ("tandem.core", "worker", "Achtergrondtaken uitvoeren", "Run background tasks"),
        (
            "tandem.whycheck",
            "whycheck",
            "Waaromcheck-scorer voor JSON-regels",
            "Why-check scorer on JSON lines",
        ),
    ],
)
def test_the_help_of_every_command_is_in_the_terminal_language(
    terminal: Terminal, app: str, name: str, dutch: str, english: str
) -> None:
    terminal(DUTCH)
    assert dutch in help_text(app, name)
    terminal(ENGLISH)
    assert english in help_text(app, name)


def test_the_help_of_the_options_is_in_the_terminal_language(terminal: Terminal) -> None:
    terminal(DUTCH)
    token = help_text("tandem.core", "token")
    assert "Een token aanmaken en tonen (het wordt maar één keer getoond)." in token
    assert "Een token intrekken aan de hand van zijn id." in token
    assert "De taal van de demo: en, nl (TANDEM_DEMO_LANGUAGE, anders en)." in help_text(
        "tandem.core", "demo"
    )
    terminal(ENGLISH)
    assert "Create a token and print it (shown once)." in help_text("tandem.core", "token")


# --- Long-running commands work in the installation's language ----------------------------------------


def test_the_worker_works_in_the_installation_language_on_a_dutch_terminal(
    terminal: Terminal, monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    """(The database: when it starts, the worker looks for incidents to escalate.)"""
    seen: list[str | None] = []
    monkeypatch.setattr(
        "tandem.core.management.commands.worker.call_command",
        lambda *args, **options: seen.append(translation.get_language()),
    )
    terminal(DUTCH)
    translation.activate("nl")  # as `tandem worker` leaves it after writing its help in Dutch
    call_command("worker", batch=True, verbosity=0)
    assert seen == [settings.LANGUAGE_CODE]


def test_serve_speaks_dutch_but_serves_in_the_installation_language(
    terminal: Terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gunicorn.app.base import BaseApplication

    serving: list[str | None] = []
    monkeypatch.setattr(BaseApplication, "run", lambda self: serving.append(translation.get_language()))
    monkeypatch.setattr("tandem.core.management.commands.serve.call_command", lambda *args, **options: None)
    out, err = io.StringIO(), io.StringIO()
    terminal(DUTCH)
    call_command("serve", "--no-with-worker", "--port", "8123", stdout=out, stderr=err)
    assert out.getvalue() == "Tandem draait op http://127.0.0.1:8123/ (Ctrl+C om te stoppen)\n"
    assert err.getvalue().startswith(
        "Let op: e-mail (uitnodigingen, links naar vragenlijsten, wachtwoordherstel)"
    )
    assert serving == [settings.LANGUAGE_CODE]


# --- tandem whycheck compare: its own minimal settings, Tandem's catalogue ----------------------------


def test_an_unreadable_answer_is_said_in_the_active_language_and_written_in_english() -> None:
    with pytest.raises(scoring.InputError) as refused:
        scoring.answer_from_dict({"why": "x", "measures": [{"name": "a", "target": "lots"}]}, "business")
    assert str(refused.value) == "business.measures: the target of 'a' must be a number"
    with translation.override("nl"):
        assert refused.value.said() == "business.measures: de doelwaarde van 'a' moet een getal zijn"
        assert str(refused.value) == "business.measures: the target of 'a' must be a number"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            DUTCH,
            [
                "regel 1: geen geldige JSON (Expecting value in kolom 1)",
                "regel 2: business.measures: de doelwaarde van 'a' moet een getal zijn",
                "CommandError: Vergelijken mislukt voor 2 van de 2 regels.",
            ],
        ),
        (
            ENGLISH,
            [
                "line 1: not valid JSON (Expecting value at column 1)",
                "line 2: business.measures: the target of 'a' must be a number",
                "CommandError: 2 of 2 lines could not be compared.",
            ],
        ),
    ],
    ids=["dutch", "english"],
)
def test_whycheck_compare_speaks_the_terminal_language_on_its_minimal_settings(
    tmp_path: Path, lang: str, said: list[str]
) -> None:
    source = tmp_path / "pairs.jsonl"
    bad_measure = {"id": 7, "business": {"why": "x", "measures": [{"name": "a", "target": "lots"}]}, "it": {}}
    source.write_text("not json\n" + json.dumps(bad_measure) + "\n", encoding="utf-8")
    done = run_tandem(
        "whycheck",
        "compare",
        "--input",
        str(source),
        "--engine",
        "lexical",
        env_vars=terminal_env(lang),
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == said
    # The JSON lines are for programs: the same words in every language.
    errors = [json.loads(line)["error"] for line in done.stdout.splitlines()]
    assert errors == [
        "not valid JSON (Expecting value at column 1)",
        "business.measures: the target of 'a' must be a number",
    ]


def test_whycheck_help_is_in_the_terminal_language_on_its_minimal_settings(tmp_path: Path) -> None:
    dutch = run_tandem("whycheck", "compare", "--help", env_vars=terminal_env(DUTCH), cwd=tmp_path)
    assert dutch.returncode == 0, dutch.stderr
    assert 'JSON-lines-bestand, of "-" voor standaardinvoer' in dutch.stdout
    english = run_tandem("whycheck", "compare", "--help", env_vars=terminal_env(ENGLISH), cwd=tmp_path)
    assert 'JSON-lines file, or "-" for standard input' in english.stdout
