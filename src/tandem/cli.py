"""The ``tandem`` command: Django's management commands with Tandem's settings.

Two things happen before Django loads those settings:

- ``tandem whycheck ...`` runs with minimal settings of its own (no secret key, no database, no data
  directory): scoring answer pairs reads nothing of an installation, so it works in any folder.
- In the folder where ``make run`` (or ``tandem demo`` in demo mode) set up the local demo, the marker
  ``var/local.env`` it left switches the demo mode on again, so that ``tandem token create`` and the
  other commands work in a new shell without ``TANDEM_DEMO=true``. See :func:`local_marker_apply`.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

# The marker the local demo leaves in its data directory (written by `tandem demo`, tandem.core.demo).
LOCAL_MARKER = "local.env"
# All a marker may set: it switches the local demo on, nothing else (no key, no database, no hosts).
LOCAL_MARKER_KEYS = frozenset({"TANDEM_DEMO"})
# An explicit choice of mode in the environment always wins: the marker is not even read.
_MODE_VARIABLES = ("TANDEM_DEMO", "TANDEM_DEBUG")


def local_marker_path(cwd: Path | None = None) -> Path | None:
    """The marker that applies to a process started in ``cwd``, or None when none may apply.

    Only the default data directory, ``var/`` of the folder Tandem starts in, is looked at; a
    ``TANDEM_DATA_DIR`` naming any other directory (as every real installation does) turns the
    marker off, and so does ``TANDEM_DEMO`` or ``TANDEM_DEBUG`` set to any value.
    """
    if any(name in os.environ for name in _MODE_VARIABLES):
        return None
    default_dir = ((cwd or Path.cwd()) / "var").resolve()
    chosen = os.environ.get("TANDEM_DATA_DIR")
    if chosen and Path(chosen).expanduser().resolve() != default_dir:
        return None
    return default_dir / LOCAL_MARKER


def local_marker_read(path: Path) -> dict[str, str]:
    """The variables a marker sets; empty when there is no marker or it cannot be trusted.

    A marker is trusted only when it is a regular file (not a link) of this account that no other
    account may change: another user must not be able to switch someone's installation to demo mode.
    """
    try:
        info = path.lstat()
    except OSError:
        return {}
    getuid = getattr(os, "getuid", None)  # not on Windows, where file modes say little
    if (
        not stat.S_ISREG(info.st_mode)
        or (getuid is not None and info.st_uid != getuid())
        or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    ):
        sys.stderr.write(
            f"Tandem ignores {path}: it must be a file of your own that no other account can change.\n"
        )
        return {}
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        sys.stderr.write(f"Tandem ignores {path}: {error}\n")
        return {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or name not in LOCAL_MARKER_KEYS:
            sys.stderr.write(f"Tandem ignores line {number} of {path}: only TANDEM_DEMO=... belongs there.\n")
            continue
        values[name] = value.strip()
    return values


def local_marker_apply(cwd: Path | None = None) -> None:
    """Switch the local demo on for this process when the folder's ``var/`` holds its marker.

    Variables already in the environment are never overridden.
    """
    path = local_marker_path(cwd)
    if path is None:
        return
    for name, value in local_marker_read(path).items():
        os.environ.setdefault(name, value)


def main() -> None:
    if sys.argv[1:2] == ["whycheck"]:
        # Scoring answer pairs needs neither a secret key nor a database: it runs on minimal
        # settings configured by the command itself, before Tandem's settings could demand a key
        # (production mode) or create a data directory.
        from tandem.whycheck.management.commands.whycheck import run_without_settings

        run_without_settings(sys.argv)
        return
    local_marker_apply()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A configuration mistake is the operator's to fix: the message, not a traceback.
        sys.stderr.write(f"Tandem cannot start: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
