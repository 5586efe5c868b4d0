"""Consistent backups of Tandem's database, and restores into an empty one.

SQLite is copied with the online backup API in a single step: one read transaction, so writers
carry on (WAL) and the copy is one snapshot, never a torn file. PostgreSQL goes through pg_dump's
custom format and pg_restore. Problems an operator can fix raise ``BackupError`` with a plain message.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _
from psycopg.conninfo import make_conninfo

Kind = Literal["sqlite", "postgresql"]
KIND_LABELS: dict[Kind, str] = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# migrate fills these by itself, so a migrated database without any data still has rows in them.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
# Passed through PGPASSWORD (or not at all): never on a command line that `ps` shows to everyone.
_SECRET_CONNINFO_KEYS = frozenset(
    {"password", "sslpassword", "oauth_client_secret", "scram_client_key", "scram_server_key"}
)
_BUSY_TIMEOUT_SECONDS = 20.0


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    """What ``database_backup`` wrote."""

    path: Path
    size: int
    tables: int
    seconds: float


def database_kind(settings_dict: Mapping[str, Any]) -> Kind:
    """Which backup format a database's settings call for; raises BackupError for other engines."""
    engine = str(settings_dict["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(
        _("Backups support SQLite and PostgreSQL databases, not %(engine)s.") % {"engine": engine}
    )


def backup_file_kind(path: Path) -> Kind:
    """Which kind of backup the file at ``path`` holds, judged by its first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(_("%(path)s does not exist.") % {"path": path}) from None
    except IsADirectoryError:
        raise BackupError(_("%(path)s is a directory, not a backup file.") % {"path": path}) from None
    except OSError as error:
        raise BackupError(
            _("Cannot read %(path)s: %(reason)s.") % {"path": path, "reason": error.strerror}
        ) from None
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        _(
            "%(path)s is neither a SQLite database nor a PostgreSQL custom-format dump "
            "(pg_dump --format=custom)."
        )
        % {"path": path}
    )


def database_backup(*, settings_dict: Mapping[str, Any], dest: Path, force: bool = False) -> BackupResult:
    """Write a consistent copy of the database to ``dest``: a complete file or none at all.

    Raises BackupError when ``dest`` exists (unless ``force``), cannot be written, or the copy fails.
    """
    started = time.monotonic()
    kind = database_kind(settings_dict)
    dest = _writable_destination(dest, force=force)
    source = sqlite_database_path(settings_dict) if kind == "sqlite" else None
    if source is not None and _same_file(source, dest):
        raise BackupError(
            _("%(path)s is the database itself; write the backup somewhere else.") % {"path": dest}
        )
    partial = _partial_file_beside(dest)
    try:
        if source is not None:
            tables = sqlite_backup(source=source, dest=partial)
        else:
            pg_dump(settings_dict=settings_dict, dest=partial)
            tables = pg_dump_table_count(partial)
        if tables == 0:
            raise BackupError(
                _("The database has no tables yet, so there is nothing to back up; run `tandem upgrade`.")
            )
        # Renaming within one directory is atomic: nobody ever sees half a backup under its name.
        partial.replace(dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _sync_directory(dest.parent)
    return BackupResult(
        path=dest, size=dest.stat().st_size, tables=tables, seconds=time.monotonic() - started
    )


def database_restore(*, connection: BaseDatabaseWrapper, source: Path) -> int:
    """Load the backup at ``source`` into the empty database behind ``connection``; returns its table count.

    Raises BackupError when the file is no backup for this kind of database or the database holds rows.
    """
    kind = database_kind(connection.settings_dict)
    file_kind = backup_file_kind(source)
    if file_kind != kind:
        raise BackupError(
            _("%(path)s is a %(kind)s backup, but this installation uses %(database)s.")
            % {"path": source, "kind": KIND_LABELS[file_kind], "database": KIND_LABELS[kind]}
        )
    if kind == "sqlite":
        target = sqlite_database_path(connection.settings_dict)
        if _same_file(source, target):
            raise BackupError(
                _("%(path)s is the database itself; there is nothing to restore.") % {"path": source}
            )
        tables = sqlite_backup_check(source)
        require_empty(connection)
        # Django's own connection would otherwise hold the file open across the copy.
        connection.close()
        sqlite_restore(source=source, target=target)
    else:
        tables = pg_dump_table_count(source)
        require_empty(connection, drop_tables=True)
        connection.close()
        pg_restore(settings_dict=connection.settings_dict, source=source)
    return tables


def tables_with_rows(connection: BaseDatabaseWrapper) -> list[str]:
    """Tables that hold rows, leaving out what migrate fills by itself and the database cache."""
    ignored = BOOKKEEPING_TABLES | _cache_tables()
    quote_name = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            if name in ignored:
                continue
            # The name comes from the database's own catalogue and is quoted.
            cursor.execute(f"SELECT 1 FROM {quote_name(name)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                found.append(name)
    return found


def require_empty(connection: BaseDatabaseWrapper, *, drop_tables: bool = False) -> None:
    """Raise BackupError unless the database holds no data; with ``drop_tables``, drop its (empty) tables."""
    # Dropping lets a backup from an older version go into a database already migrated to a newer
    # one: pg_restore --clean only removes what the dump knows of, and migrate would then trip over
    # tables it did not create itself.
    quote_name = connection.ops.quote_name
    with transaction.atomic(using=connection.alias):
        names = connection.introspection.table_names()
        listed = ", ".join(quote_name(name) for name in names)
        if drop_tables and names:
            with connection.cursor() as cursor:
                # Nobody may write a row between the check and the drop.
                cursor.execute(f"LOCK TABLE {listed} IN ACCESS EXCLUSIVE MODE")
        full = tables_with_rows(connection)
        if len(full) > 5:
            raise BackupError(
                _(
                    "The database is not empty (%(tables)s and %(more)s more hold rows). Restore only "
                    "into a new, empty database, so that nothing is overwritten by accident."
                )
                % {"tables": ", ".join(full[:5]), "more": len(full) - 5}
            )
        if full:
            raise BackupError(
                _(
                    "The database is not empty (%(tables)s hold rows). Restore only into a new, empty "
                    "database, so that nothing is overwritten by accident."
                )
                % {"tables": ", ".join(full)}
            )
        if drop_tables and names:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {listed} CASCADE")


def sqlite_database_path(settings_dict: Mapping[str, Any]) -> Path:
    """The file of a SQLite database; raises BackupError for an in-memory one."""
    name = str(settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise BackupError(
            _("The database lives in memory (or is a URI); there is no file to back up or restore.")
        )
    return Path(name).absolute()


def sqlite_backup(*, source: Path, dest: Path) -> int:
    """Copy the SQLite database ``source`` into the file ``dest`` in one snapshot; returns its table count."""
    if not source.is_file():
        raise BackupError(
            _("The database file %(path)s does not exist; run `tandem upgrade` first.") % {"path": source}
        )
    try:
        with (
            contextlib.closing(_sqlite_open_readonly(source)) as reader,
            contextlib.closing(sqlite3.connect(dest)) as writer,
        ):
            # pages=-1 copies everything in one step, inside one read transaction: one snapshot.
            reader.backup(writer, pages=-1)
            # A self-contained file, with no -wal beside it that could be lost when it is copied.
            writer.execute("PRAGMA journal_mode=DELETE")
            _require_intact(writer, dest)
            return _sqlite_table_count(writer)
    except sqlite3.Error as error:
        raise BackupError(
            _("Copying %(path)s failed: %(reason)s.") % {"path": source, "reason": error}
        ) from None


def sqlite_backup_check(path: Path) -> int:
    """Raise BackupError unless ``path`` is an intact SQLite backup of a Tandem database; returns its table count."""
    try:
        with contextlib.closing(_sqlite_open_readonly(path)) as reader:
            _require_intact(reader, path)
            if (
                reader.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone()
                is None
            ):
                raise BackupError(
                    _("%(path)s is a SQLite database, but not one of Tandem (it has no migrations table).")
                    % {"path": path}
                )
            return _sqlite_table_count(reader)
    except sqlite3.Error as error:
        raise BackupError(
            _("%(path)s cannot be read as a SQLite database: %(reason)s.") % {"path": path, "reason": error}
        ) from None


def sqlite_restore(*, source: Path, target: Path) -> None:
    """Replace the SQLite database file ``target`` with the contents of the backup ``source``."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            contextlib.closing(_sqlite_open_readonly(source)) as reader,
            contextlib.closing(sqlite3.connect(target, timeout=_BUSY_TIMEOUT_SECONDS)) as writer,
        ):
            # The backup API cannot write into a WAL database of another page size; the target is
            # empty, and Django switches it back to WAL on its next connection.
            writer.execute("PRAGMA journal_mode=DELETE")
            reader.backup(writer, pages=-1)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(
            _("Restoring into %(path)s failed: %(reason)s.") % {"path": target, "reason": error}
        ) from None


def pg_dump(*, settings_dict: Mapping[str, Any], dest: Path) -> None:
    """Dump the PostgreSQL database in pg_dump's custom format to ``dest``."""
    conninfo, env = _pg_connection(settings_dict)
    _run_pg_tool(
        "pg_dump", ["--format=custom", "--no-password", f"--file={dest}", f"--dbname={conninfo}"], env
    )


def pg_restore(*, settings_dict: Mapping[str, Any], source: Path) -> None:
    """Load the custom-format dump ``source`` into the PostgreSQL database, all or nothing."""
    conninfo, env = _pg_connection(settings_dict)
    _run_pg_tool(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            f"--dbname={conninfo}",
            str(source),
        ],
        env,
    )


def pg_dump_table_count(path: Path) -> int:
    """The number of tables in a custom-format dump; raises BackupError when pg_restore cannot read it."""
    listing = _run_pg_tool("pg_restore", ["--list", str(path)], dict(os.environ))
    # Entries read "<id>; <catalog oid> <oid> TABLE <schema> <name> <owner>"; comments start with ";".
    lines = [line for line in listing.splitlines() if ";" in line and not line.startswith(";")]
    entries = (line.split(";", 1)[1].split() for line in lines)
    # "TABLE DATA" entries share the word; the table's own entry has the schema after it.
    return sum(1 for fields in entries if len(fields) > 3 and fields[2] == "TABLE" and fields[3] != "DATA")


def _writable_destination(dest: Path, *, force: bool) -> Path:
    dest = dest.expanduser().absolute()
    if dest.is_dir():
        raise BackupError(
            _("%(path)s is a directory; give the name of the backup file to write.") % {"path": dest}
        )
    if dest.exists() and not force:
        raise BackupError(_("%(path)s already exists; use --force to overwrite it.") % {"path": dest})
    if not dest.parent.is_dir():
        raise BackupError(_("The directory %(path)s does not exist.") % {"path": dest.parent})
    return dest


def _partial_file_beside(dest: Path) -> Path:
    # mkstemp creates the file readable by its owner only: a backup holds password hashes.
    try:
        handle, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    except OSError as error:
        raise BackupError(
            _("Cannot write to %(path)s: %(reason)s.") % {"path": dest.parent, "reason": error.strerror}
        ) from None
    os.close(handle)
    return Path(name)


def _sync_directory(directory: Path) -> None:
    # Makes the rename durable; not every platform or file system allows opening a directory.
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:
        return first.resolve() == second.resolve()


def _cache_tables() -> frozenset[str]:
    caches = settings.CACHES.values()
    return frozenset(str(cache["LOCATION"]) for cache in caches if cache["BACKEND"].endswith("DatabaseCache"))


def _sqlite_open_readonly(path: Path) -> sqlite3.Connection:
    # Read-only, and without creating an empty database when the file is missing.
    uri = f"file:{quote(str(path))}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_SECONDS)


def _require_intact(connection: sqlite3.Connection, path: Path) -> None:
    problems = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise BackupError(
            _("%(path)s fails SQLite's integrity check: %(problems)s.")
            % {"path": path, "problems": "; ".join(problems[:3])}
        )


def _sqlite_table_count(connection: sqlite3.Connection) -> int:
    query = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    )
    return int(connection.execute(query).fetchone()[0])


def _pg_connection(settings_dict: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """A libpq connection string without secrets, and the environment that carries the password."""
    known = {option.keyword.decode() for option in psycopg.pq.Conninfo.get_defaults()}
    options = settings_dict.get("OPTIONS") or {}
    params = {key: str(value) for key, value in options.items() if key in known - _SECRET_CONNINFO_KEYS}
    for key, setting in (("dbname", "NAME"), ("host", "HOST"), ("port", "PORT"), ("user", "USER")):
        if settings_dict.get(setting):
            params[key] = str(settings_dict[setting])
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return make_conninfo(**params), env


def _run_pg_tool(tool: str, arguments: list[str], env: dict[str, str]) -> str:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            _(
                "%(tool)s was not found on PATH: install the PostgreSQL client tools "
                "(of the server's major version or newer)."
            )
            % {"tool": tool}
        )
    result = subprocess.run(  # noqa: S603
        [executable, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.strip()
        if not detail:
            raise BackupError(
                _("%(tool)s failed: exit status %(status)s") % {"tool": tool, "status": result.returncode}
            )
        raise BackupError(_("%(tool)s failed: %(detail)s") % {"tool": tool, "detail": detail})
    return result.stdout
