"""A throwaway Tandem installation and its production server, for the benchmark.

`BenchEnvironment` makes a temporary data directory (SQLite) or a scratch PostgreSQL database,
runs ``tandem upgrade`` and ``tandem demo`` in it, and removes everything afterwards: the
developer's own ``TANDEM_*`` settings and data are never used. `Server` runs ``tandem serve``
(gunicorn) with production settings on 127.0.0.1, and `sign_in` gets a real session from it by
signing in through the login form like a browser.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from types import TracebackType

from loadgen import HOST

DEMO_SLUG = "demo"
OWNER_EMAIL = "owner@example.com"
SESSION_COOKIE = "tandem_session"
CSRF_COOKIE = "tandem_csrf"
_POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}


class BenchError(RuntimeError):
    """The benchmark could not be set up or run; the message says why."""


def _tandem_command(*args: str) -> list[str]:
    """``tandem ARGS`` with the interpreter running the benchmark (the project's virtualenv)."""
    return [sys.executable, "-m", "tandem.cli", *args]


class BenchEnvironment:
    """A temporary installation: its own data directory, database, secret key and demo data."""

    def __init__(self, database_url: str | None) -> None:
        self.requested_database_url = database_url
        self.database_url: str | None = None
        self.scratch_database: str | None = None
        self.data_dir = Path()
        self.demo_password = secrets.token_urlsafe(18)
        self.env: dict[str, str] = {}

    def __enter__(self) -> BenchEnvironment:
        self.data_dir = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
        try:
            if self.requested_database_url:
                self.database_url = self._create_scratch_database(self.requested_database_url)
            self.env = self._environment()
            self.manage("upgrade", "--verbosity", "0")
            self.manage("demo")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Drop the scratch database (if any) and remove the data directory."""
        if self.scratch_database and self.requested_database_url:
            self._drop_scratch_database(self.requested_database_url, self.scratch_database)
            self.scratch_database = None
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _environment(self) -> dict[str, str]:
        """The process environment without the developer's Tandem settings, plus production ones."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("TANDEM_") and key != "DJANGO_SETTINGS_MODULE"
        }
        env.update(
            {
                "TANDEM_DATA_DIR": str(self.data_dir),
                "TANDEM_SECRET_KEY": secrets.token_urlsafe(64),
                "TANDEM_ALLOWED_HOSTS": HOST,
                # Plain HTTP on loopback; otherwise production mode redirects to https.
                "TANDEM_HTTPS": "false",
                "TANDEM_ACCESS_LOG": "false",
                "TANDEM_LOG_LEVEL": "WARNING",
                "TANDEM_BENCH_FLOOR": "true",
                "TANDEM_DEMO_PASSWORD": self.demo_password,
                # Nothing is e-mailed during a measurement; production mode wants the choice said.
                "TANDEM_EMAIL_BACKEND": "console",
            }
        )
        if self.database_url:
            env["TANDEM_DATABASE_URL"] = self.database_url
        return env

    def manage(self, *args: str, timeout: float = 600) -> str:
        """Run ``tandem ARGS`` in this installation and return its output; fail loudly."""
        completed = subprocess.run(
            _tandem_command(*args),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode != 0:
            raise BenchError(f"`tandem {' '.join(args)}` failed:\n{completed.stdout}{completed.stderr}")
        return completed.stdout

    def database_description(self) -> str:
        """Engine and version of the database the server uses."""
        if not self.database_url:
            return f"SQLite {sqlite3.sqlite_version} (temporary file, WAL)"
        import psycopg  # only needed for PostgreSQL runs

        with psycopg.connect(self.database_url) as connection:
            row = connection.execute("SHOW server_version").fetchone()
        version = row[0] if row else "?"
        parts = urllib.parse.urlsplit(self.database_url)
        return f"PostgreSQL {version} at {parts.hostname}:{parts.port or 5432} (scratch database {self.scratch_database})"

    def _create_scratch_database(self, url: str) -> str:
        """Create an empty database next to the one ``url`` names; return its URL."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in _POSTGRES_SCHEMES:
            raise BenchError(
                f"--database-url must be a PostgreSQL URL (postgres://...), not {parts.scheme}://"
            )
        import psycopg
        from psycopg import sql

        name = f"tandem_bench_{secrets.token_hex(4)}"
        try:
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as error:
            raise BenchError(f"cannot create a scratch database through {_redacted(url)}: {error}") from None
        self.scratch_database = name
        return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))

    @staticmethod
    def _drop_scratch_database(url: str, name: str) -> None:
        """Drop the scratch database, closing any connection still open to it."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _redacted(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """``tandem serve`` (gunicorn, gthread) on 127.0.0.1 in its own process group."""

    def __init__(self, environment: BenchEnvironment, *, workers: int, threads: int) -> None:
        self.environment = environment
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.log_path = environment.data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def start(self, ready_timeout: float = 60) -> None:
        """Start the server and wait until ``/healthz`` answers 200."""
        command = _tandem_command(
            "serve",
            *("--host", HOST, "--port", str(self.port)),
            *("--workers", str(self.workers), "--threads", str(self.threads)),
            "--no-with-worker",
        )
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                env=self.environment.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"the server exited with status {self.process.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _, _ = request(self.port, "GET", "/healthz", timeout=2)
                if status == 200:
                    return
            time.sleep(0.2)
        raise BenchError(
            f"the server did not answer /healthz within {ready_timeout:.0f} s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """Stop gunicorn gracefully; kill its process group if it does not stop in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the server wrote."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by the server's processes (gunicorn master and workers); Linux only."""
        if self.process is None or not Path("/proc/self/stat").exists():
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            # After the command name: state, ppid, pgrp, ... utime is field 14 and stime field 15.
            if int(fields[2]) == self.process.pid:
                total += int(fields[11]) + int(fields[12])
        return total / ticks


def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request to 127.0.0.1:port on a fresh connection: status, headers and body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


class _CsrfTokenParser(HTMLParser):
    """Finds the value of the ``csrfmiddlewaretoken`` hidden input."""

    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrfmiddlewaretoken" and self.token is None:
            self.token = values.get("value")


def _cookies(headers: http.client.HTTPMessage) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the login form like a browser; return the ``Cookie`` header of the session."""
    login = "/accounts/login/"
    status, headers, body = request(port, "GET", login)
    if status != 200:
        raise BenchError(f"GET {login} answered {status}")
    csrf_cookie = _cookies(headers).get(CSRF_COOKIE)
    parser = _CsrfTokenParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    if not csrf_cookie or not parser.token:
        raise BenchError(f"GET {login} gave no CSRF cookie ({CSRF_COOKIE}) or no csrfmiddlewaretoken input")
    origin = f"http://{HOST}:{port}"
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": parser.token, "login": email, "password": password})
    status, headers, _ = request(
        port,
        "POST",
        login,
        body=form.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{CSRF_COOKIE}={csrf_cookie}",
            "Origin": origin,
            "Referer": f"{origin}{login}",
        },
    )
    session = _cookies(headers).get(SESSION_COOKIE)
    if status != 302 or not session or (headers.get("Location") or "").startswith(login):
        raise BenchError(f"signing in as {email} failed: POST {login} answered {status}")
    cookie = f"{CSRF_COOKIE}={csrf_cookie}; {SESSION_COOKIE}={session}"
    page = f"/o/{DEMO_SLUG}/"
    status, _, _ = request(port, "GET", page, headers={"Cookie": cookie})
    if status != 200:
        raise BenchError(f"signed in, but GET {page} answered {status}")
    return cookie
