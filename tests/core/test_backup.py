"""`tandem backup` and `tandem restore`: consistent copies under load, faithful round trips, clear refusals.

The round trips run the real CLI in subprocesses, each with its own TANDEM_DATA_DIR, and compare
every table's row count and a checksum of its rows between the original and the restored database.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from tandem.core.backup import PGDUMP_MAGIC, SQLITE_MAGIC, backup_file_kind, database_backup, tables_with_rows
from tandem.core.models import User
from tests.core.conftest import copy_installation
from tests.factories import UserFactory

DEMO_PASSWORD = "backup-test-demo-password"
POSTGRES_URL = os.environ.get("TANDEM_TEST_DATABASE_URL", "")
# The writer's ledger: every transaction adds one batch to both tables and drops the oldest one.
BATCH_ROWS = 50
BATCHES_KEPT = 20
Fingerprint = dict[str, tuple[int, str]]


def tandem(data_dir: Path, *args: str, database_url: str = "", expect_failure: bool = False) -> str:
    """Run the real `tandem` CLI on its own data directory; returns stdout (stderr when it is to fail)."""
    # Nothing of the test run's own configuration (tests.settings, its database) may leak in.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TANDEM_", "DJANGO_"))}
    env |= {"TANDEM_DATA_DIR": str(data_dir), "TANDEM_DEMO": "true", "TANDEM_DEMO_PASSWORD": DEMO_PASSWORD}
    if database_url:
        env["TANDEM_DATABASE_URL"] = database_url
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tandem.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )
    if expect_failure:
        assert result.returncode != 0, result.stdout
        return result.stderr
    assert result.returncode == 0, result.stderr
    return result.stdout


def sqlite_connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that can neither change the file nor create it."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def sqlite_fingerprint(path: Path) -> Fingerprint:
    """Row count and sha256 of the rows, ordered by all columns (primary key first), of every table."""
    with closing(sqlite_connect_readonly(path)) as db:
        tables = [
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        fingerprint = {}
        for table in tables:
            columns = ", ".join(f'"{row[1]}"' for row in db.execute(f'PRAGMA table_info("{table}")'))
            digest = hashlib.sha256()
            count = 0
            # Table and column names come from sqlite_master itself.
            for row in db.execute(f'SELECT * FROM "{table}" ORDER BY {columns}'):  # noqa: S608
                digest.update(repr(row).encode())
                count += 1
            fingerprint[table] = (count, digest.hexdigest())
        schema = sorted(db.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
        fingerprint["<schema>"] = (len(schema), hashlib.sha256(repr(schema).encode()).hexdigest())
    return fingerprint


def postgres_fingerprint(url: str) -> Fingerprint:
    """Row count and sha256 of the rows, in the order of their text form, of every table in public."""
    fingerprint = {}
    with psycopg.connect(url) as db:
        tables = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in sorted(tables):
            query = sql.SQL(
                "SELECT count(*), encode(sha256(convert_to("
                "coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''), 'UTF8')), 'hex') FROM {} AS t"
            ).format(sql.Identifier(table))
            row = db.execute(query).fetchone()
            assert row is not None
            fingerprint[table] = (row[0], row[1])
    return fingerprint


def assert_holds_the_demo(fingerprint: Fingerprint) -> None:
    """Fail when the tables the demo fills are empty, which would make a comparison meaningless."""
    for table in (
        "core_organization",
        "core_user",
        "core_membership",
        "core_department",
        "django_migrations",
    ):
        assert fingerprint[table][0] > 0, f"{table} is empty: the demo data never made it into the comparison"


# --- SQLite through the CLI ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, demo_installation: Path) -> Path:
    """A data directory with a migrated SQLite database holding the demo organisation (a copy of the
    one `tandem upgrade` and `tandem demo` made for ``demo_installation``)."""
    return copy_installation(demo_installation, tmp_path_factory.mktemp("original")) / "var"


@pytest.fixture(scope="module")
def demo_backup(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of ``demo_dir`` made with `tandem backup`."""
    backup = tmp_path_factory.mktemp("backups") / "tandem.backup"
    output = tandem(demo_dir, "backup", str(backup))
    assert f"Wrote {backup} (" in output
    return backup


@pytest.fixture(scope="module")
def restored_dir(demo_backup: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh data directory (no database yet) into which ``demo_backup`` was restored."""
    data_dir = tmp_path_factory.mktemp("restored")
    assert not (data_dir / "tandem.sqlite3").exists()
    tandem(data_dir, "restore", str(demo_backup))
    return data_dir


@pytest.mark.own_database
@pytest.mark.slow
def test_restored_sqlite_backup_matches_the_original_in_every_table(
    demo_dir: Path, restored_dir: Path
) -> None:
    original = sqlite_fingerprint(demo_dir / "tandem.sqlite3")
    restored = sqlite_fingerprint(restored_dir / "tandem.sqlite3")
    assert_holds_the_demo(original)
    assert restored == original


@pytest.mark.own_database
@pytest.mark.slow
def test_restore_cli_refuses_a_database_that_holds_rows(demo_backup: Path, restored_dir: Path) -> None:
    before = sqlite_fingerprint(restored_dir / "tandem.sqlite3")
    stderr = tandem(restored_dir, "restore", str(demo_backup), expect_failure=True)
    assert "CommandError: The database is not empty (" in stderr
    assert "hold rows). Restore only into a new, empty database" in stderr
    assert "Traceback" not in stderr
    assert sqlite_fingerprint(restored_dir / "tandem.sqlite3") == before


def write_ledger(path: Path, stop: threading.Event, commits: list[int], errors: list[Exception]) -> None:
    """Commit one batch to both ledger tables (dropping the oldest batch) per transaction until stopped."""
    try:
        with closing(sqlite3.connect(path, timeout=20, isolation_level=None)) as db:
            batch = 0
            while not stop.is_set():
                rows = [(batch, seq, os.urandom(400)) for seq in range(BATCH_ROWS)]
                db.execute("BEGIN IMMEDIATE")
                for table in ("probe_debit", "probe_credit"):
                    db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", rows)  # noqa: S608
                    db.execute(f"DELETE FROM {table} WHERE batch = ?", (batch - BATCHES_KEPT,))  # noqa: S608
                db.execute("COMMIT")
                batch += 1
                commits.append(batch)
    except Exception as error:
        # An exception in a thread is otherwise lost: the test asserts this list is empty.
        errors.append(error)


def assert_consistent_snapshot(path: Path, untouched: Fingerprint) -> int:
    """Fail unless the copy is intact and holds whole ledger transactions only; returns its last batch."""
    with closing(sqlite_connect_readonly(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        debit = db.execute("SELECT batch, seq, payload FROM probe_debit ORDER BY batch, seq").fetchall()
        credit = db.execute("SELECT batch, seq, payload FROM probe_credit ORDER BY batch, seq").fetchall()
        per_batch = db.execute("SELECT DISTINCT count(*) FROM probe_debit GROUP BY batch").fetchall()
    assert debit == credit, "the two tables of one transaction disagree: a torn copy"
    assert per_batch in ([], [(BATCH_ROWS,)]), "a half-written transaction made it into the copy"
    copied = sqlite_fingerprint(path)
    assert {table: copied[table] for table in untouched} == untouched
    return int(debit[-1][0]) if debit else -1


@pytest.mark.own_database
@pytest.mark.slow
def test_backup_taken_while_rows_are_written_is_a_consistent_snapshot(demo_dir: Path, tmp_path: Path) -> None:
    live_dir = tmp_path / "live"
    live_dir.mkdir()
    live = live_dir / "tandem.sqlite3"
    with (
        closing(sqlite_connect_readonly(demo_dir / "tandem.sqlite3")) as demo,
        closing(sqlite3.connect(live)) as db,
    ):
        demo.backup(db)
        db.execute("PRAGMA journal_mode=WAL")
        for table in ("probe_debit", "probe_credit"):
            db.execute(
                f"CREATE TABLE {table} (batch INTEGER, seq INTEGER, payload BLOB, PRIMARY KEY (batch, seq))"
            )
        db.commit()
    untouched = {
        table: value
        for table, value in sqlite_fingerprint(live).items()
        if not table.startswith(("probe_", "<"))
    }
    stop, commits, errors = threading.Event(), list[int](), list[Exception]()
    writer = threading.Thread(target=write_ledger, args=(live, stop, commits, errors), daemon=True)
    writer.start()
    live_settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(live)}
    copies = []
    try:
        while len(commits) < BATCHES_KEPT:
            stop.wait(0.01)
        copies.append(tmp_path / "cli.backup")
        tandem(live_dir, "backup", str(copies[-1]))
        for number in range(10):
            copies.append(tmp_path / f"api-{number}.backup")
            database_backup(settings_dict=live_settings, dest=copies[-1])
        commits_during_copies = len(commits)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert errors == []
    last_batches = [assert_consistent_snapshot(copy, untouched) for copy in copies]
    # The copies were really taken under load: the writer kept committing between them.
    assert len(set(last_batches)) > len(copies) // 2
    assert commits_during_copies > BATCHES_KEPT + len(copies)


# --- PostgreSQL through the CLI ---------------------------------------------------------------------


@pytest.fixture
def scratch_postgres_urls() -> Iterator[tuple[str, str]]:
    """URLs of two new, empty PostgreSQL databases, dropped again afterwards."""
    names = [f"tandem_backup_{secrets.token_hex(4)}_{side}" for side in ("a", "b")]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        for name in names:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            base = urlsplit(POSTGRES_URL)
            first, second = (urlunsplit(base._replace(path=f"/{name}")) for name in names)
            yield first, second
        finally:
            for name in names:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.own_database
@pytest.mark.slow
@pytest.mark.skipif(
    not POSTGRES_URL.startswith(("postgres://", "postgresql://")),
    reason="set TANDEM_TEST_DATABASE_URL=postgres://USER@HOST:5432/DB to run the PostgreSQL round trip",
)
def test_restored_postgresql_backup_matches_the_original_in_every_table(
    scratch_postgres_urls: tuple[str, str], tmp_path: Path
) -> None:
    original_url, target_url = scratch_postgres_urls
    backup = tmp_path / "tandem.dump"
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The target is migrated but empty, as after `tandem upgrade` on a new server.
        migrated = pool.submit(tandem, tmp_path / "b", "migrate", "--verbosity", "0", database_url=target_url)
        tandem(tmp_path / "a", "upgrade", "--verbosity", "0", database_url=original_url)
        tandem(tmp_path / "a", "demo", database_url=original_url)
        tandem(tmp_path / "a", "backup", str(backup), database_url=original_url)
        migrated.result()
    # A table the backup knows nothing of, as when the new server runs a newer version.
    with psycopg.connect(target_url, autocommit=True) as db:
        db.execute("CREATE TABLE core_from_a_newer_version (id integer)")
    tandem(tmp_path / "b", "restore", str(backup), database_url=target_url)
    original = postgres_fingerprint(original_url)
    assert_holds_the_demo(original)
    assert postgres_fingerprint(target_url) == original


# --- In-process: refusals and the emptiness rule (on the test database, SQLite or PostgreSQL) ----------


@pytest.mark.django_db
def test_a_migrated_database_without_data_counts_as_empty() -> None:
    assert tables_with_rows(connection) == []


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_rows(tmp_path: Path) -> None:
    user = UserFactory.create()
    backup = tmp_path / "tandem.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"The database is not empty \(.*core_user"):
        call_command("restore", str(backup))
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_backup_refuses_to_overwrite_an_existing_file_without_force(tmp_path: Path) -> None:
    existing = tmp_path / "tandem.backup"
    existing.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match=r"already exists; use --force to overwrite it"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"yesterday's backup"
    assert [path.name for path in tmp_path.iterdir()] == ["tandem.backup"]


@pytest.mark.django_db
def test_backup_with_force_replaces_the_file_with_one_only_its_owner_can_read(tmp_path: Path) -> None:
    existing = tmp_path / "tandem.backup"
    existing.write_bytes(b"yesterday's backup")
    existing.chmod(0o644)
    output = io.StringIO()
    call_command("backup", str(existing), "--force", stdout=output)
    assert output.getvalue().startswith(f"Wrote {existing} (")
    assert backup_file_kind(existing) == ("sqlite" if connection.vendor == "sqlite" else "postgresql")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_backup_into_a_missing_directory_fails_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"The directory .*nowhere does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "tandem.backup"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"does not exist"),
        (
            b"name,email\nOlivia,owner@example.com\n",
            r"is neither a SQLite database nor a PostgreSQL custom-format dump",
        ),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_usable_backup(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    source = tmp_path / "tandem.backup"
    if content is not None:
        source.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(source))


@pytest.mark.django_db
def test_restore_refuses_a_backup_made_for_the_other_kind_of_database(tmp_path: Path) -> None:
    source = tmp_path / "tandem.backup"
    source.write_bytes((PGDUMP_MAGIC if connection.vendor == "sqlite" else SQLITE_MAGIC) + b"\x00" * 64)
    with pytest.raises(CommandError, match=r"backup, but this installation uses"):
        call_command("restore", str(source))


@pytest.mark.django_db
def test_restore_refuses_a_damaged_backup(tmp_path: Path) -> None:
    backup = tmp_path / "tandem.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    with pytest.raises(
        CommandError,
        match=r"cannot be read as a SQLite database|fails SQLite's integrity check|pg_restore failed",
    ):
        call_command("restore", str(backup))
