"""The translation catalogues: every string of Tandem's own has a Dutch translation that is not fuzzy
and keeps the placeholders and markup of its source, the catalogue lists every string the code and
the templates mark, and the compiled catalogue that ships is the one the source says."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tandem"
LOCALE = SRC / "locale"
TRANSLATED = ("nl",)

# %(name)s / %(score).2f / %s / %d, {name} / {0}, and %% (a literal percent sign).
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|\{[^{}\s]*\}"
)
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    context: str | None = None

    @property
    def key(self) -> tuple[str | None, str]:
        return self.context, self.msgid


def read_po(path: Path) -> list[Entry]:  # noqa: C901 (one branch per keyword of the format)
    """The entries of a PO file (obsolete ``#~`` entries and the header left out)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current
        if current.msgid or current.msgstr:
            entries.append(current)
        current = Entry()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            finish()
            target = None
        elif line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            current.context = ast.literal_eval(line[8:])
            target = ("msgctxt", 0)
        elif line.startswith("msgid_plural "):
            current.msgid_plural = ast.literal_eval(line[13:])
            target = ("msgid_plural", 0)
        elif line.startswith("msgid "):
            current.msgid = ast.literal_eval(line[6:])
            target = ("msgid", 0)
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            current.msgstr[index] = ast.literal_eval(line[line.index("]") + 2 :])
            target = ("msgstr", index)
        elif line.startswith("msgstr "):
            current.msgstr[0] = ast.literal_eval(line[7:])
            target = ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            more = ast.literal_eval(line)
            kind, index = target
            if kind == "msgid":
                current.msgid += more
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + more
            elif kind == "msgctxt":
                current.context = (current.context or "") + more
            else:
                current.msgstr[index] += more
    finish()
    return [e for e in entries if e.msgid]


def _catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _tags(text: str) -> list[str]:
    return sorted(TAG.findall(text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_translation_that_keeps_its_placeholders(language: str) -> None:
    entries = read_po(_catalogue(language))
    assert len(entries) > 500, "the catalogue is missing or nearly empty: run `make messages`"
    problems = []
    for entry in entries:
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        for index, translation in sorted(entry.msgstr.items()) or [(0, "")]:
            source = sources[min(index, 1)]
            if "fuzzy" in entry.flags:
                problems.append(f"fuzzy: {entry.msgid!r}")
            elif not translation.strip():
                problems.append(f"not translated: {entry.msgid!r}")
            elif _placeholders(translation) != _placeholders(source) and not (
                # A plural's singular may spell the number out ("één lid") instead of %(count)s.
                index == 0
                and entry.msgid_plural
                and set(_placeholders(translation)) <= set(_placeholders(source))
            ):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {translation!r}")
            elif _tags(translation) != _tags(source):
                problems.append(f"markup differs: {entry.msgid!r} -> {translation!r}")
    assert not problems, f"{len(problems)} problems in {language}:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_one_the_source_says(language: str) -> None:
    compiled = _catalogue(language).with_suffix(".mo")
    with compiled.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_po(_catalogue(language)):
        msgid = entry.msgid if entry.context is None else f"{entry.context}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if catalogue.gettext(msgid) != entry.msgstr.get(0):
                stale.append(entry.msgid)
        elif catalogue.ngettext(msgid, entry.msgid_plural, 1) != entry.msgstr.get(0):
            stale.append(entry.msgid)
    assert not stale, f"{compiled} is out of date ({len(stale)} messages): run `make messages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_the_catalogue_lists_every_message_the_code_marks(tmp_path: Path) -> None:
    # Extract into a copy of the package, the way `make messages` does, and compare.
    copy = tmp_path / "tandem"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "static"))
    (copy / "locale").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tandem.config.settings",
        "TANDEM_DEBUG": "true",
        "TANDEM_SECRET_KEY": "make-messages-needs-no-real-key-only-a-long-enough-one",
    }
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "nl", "--add-location", "file"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = {e.key for e in read_po(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po")}
    for language in TRANSLATED:
        listed = {e.key for e in read_po(_catalogue(language))}
        missing = sorted(m for _context, m in extracted - listed)
        assert not missing, (
            f"{len(missing)} messages are not in the {language} catalogue (run `make messages`):\n"
            + ("\n".join(missing[:40]))
        )
