"""Signal receivers of the core app, connected in ``CoreConfig.ready``. Each one hands over to a
service (or guards a file) and holds no business rule of its own."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.utils.translation import ngettext

# The database file and the files SQLite keeps beside it (WAL mode, and the rollback journal).
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def sqlite_files_private(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Make the SQLite database and its WAL/SHM files readable by this account only (0600).

    SQLite creates the database with the process umask (usually 0644). A process-wide umask of 077
    set by the ``tandem`` command would miss gunicorn or another WSGI server loading Tandem directly,
    and would also make collected static files unreadable for a web server serving them. Tightening
    the files on every new connection covers every entry point; SQLite then creates later -wal and
    -shm files with the database file's own mode, whatever the umask. Files owned by another account
    (an operator's shared setup) are left alone.
    """
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in SQLITE_COMPANIONS:
        _make_private(Path(name + suffix))


def _make_private(path: Path) -> None:
    with contextlib.suppress(OSError):  # absent (no WAL yet) or vanished between stat and chmod
        info = path.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            path.chmod(stat.S_IMODE(info.st_mode) & 0o700)


def api_tokens_revoked_on_password_change(
    sender: Any, request: HttpRequest, user: Any, signal: Any, **kwargs: Any
) -> None:
    """After a password reset, change or set (django-allauth), revoke the user's API tokens and say so.

    Signing in again is not enough to end a stolen password's use when a token made with it lives on:
    browser sessions end with the password, so must tokens."""
    from allauth.account import signals

    from tandem.core import services  # the app registry is ready when a signal fires

    reason = {signals.password_reset: "password_reset", signals.password_set: "password_set"}.get(
        signal, "password_changed"
    )
    revoked = services.api_token_revoke_all_for_user(user=user, reason=reason, request=request)
    if revoked:
        message = ngettext(
            "Your API token was revoked because your password changed: create a new one for your scripts.",
            "Your %(count)d API tokens were revoked because your password changed: create new ones for "
            "your scripts.",
            revoked,
        ) % {"count": revoked}
        messages.warning(request, message, fail_silently=True)
