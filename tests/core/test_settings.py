"""Settings: every TANDEM_* variable is documented, the env readers fail loudly, and the three
modes (production, local demo, debug) start the way docs/configuration.md says they do."""

from __future__ import annotations

import ast
import functools
import json
import re
import secrets
import shutil
import stat
import string
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tandem.config import env
from tests.core.conftest import clean_env, run_tandem

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"
NAME = re.compile(r"TANDEM_[A-Z0-9_]+")
# A documented variable is a table row: | `TANDEM_X` | type | default | what it does |
DOC_ROW = re.compile(r"^\|\s*`(TANDEM_[A-Z0-9_]+)`\s*\|(.*)\|\s*$")
ENV_READERS = {"env_str", "env_bool", "env_int", "env_list", "env_path", "env_secret", "env_choice"}
TEXT_SUFFIXES = {".py", ".html", ".txt", ".md", ".toml", ".cfg", ".ini", ".sh", ".json", ".yml", ".yaml", ""}


# --- Every variable is documented ----------------------------------------------------------------


def _source_files() -> list[Path]:
    """Where variables are read: the package, the Makefile, CI, the test settings, benchmarks."""
    files = [p for p in SRC.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    files += [p for p in (ROOT / "benchmarks").rglob("*.py") if p.is_file()]
    for extra in ("Makefile", ".ci/run", "tests/settings.py", "tests/conftest.py"):
        if (ROOT / extra).is_file():
            files.append(ROOT / extra)
    return [p for p in files if "__pycache__" not in p.parts]


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


@functools.cache  # the source does not change during a test run: scanned once per process
def _env_reader_calls() -> tuple[tuple[Path, ast.Call], ...]:
    """Every call of a ``tandem.config.env`` reader in the package, with its file."""
    calls = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Call) and _called_name(node) in ENV_READERS:
                calls.append((path, node))
    return tuple(calls)


def _literal_name(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


@functools.cache  # as ``_env_reader_calls``
def variables_in_code() -> frozenset[str]:
    """Every TANDEM_* name written anywhere we look, plus NAME_FILE for each secret."""
    names: set[str] = set()
    for path in _source_files():
        names.update(NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    for _, call in _env_reader_calls():
        name = _literal_name(call)
        if name and _called_name(call) == "env_secret":
            names.add(f"{name}_FILE")
    return frozenset(names)


def documented_rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in CONFIGURATION_DOC.read_text(encoding="utf-8").splitlines():
        match = DOC_ROW.match(line.strip())
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def test_the_scan_finds_the_variables_we_know_about() -> None:
    # Guards the scan itself: if it silently found nothing, the next test could not fail.
    found = variables_in_code()
    assert {
        "TANDEM_SECRET_KEY",
        "TANDEM_SECRET_KEY_FILE",
        "TANDEM_EMAIL_PASSWORD_FILE",
        "TANDEM_DEMO_PASSWORD_FILE",
        "TANDEM_DATABASE_URL",
        "TANDEM_PORT",
        "TANDEM_TEST_DATABASE_URL",
    } <= found


def test_every_tandem_variable_in_the_code_is_documented_in_configuration_md() -> None:
    missing = sorted(variables_in_code() - set(documented_rows()))
    assert not missing, (
        f"Undocumented environment variables: {', '.join(missing)}. Add a row "
        "| `NAME` | type | default | what it does | to docs/configuration.md."
    )


def test_every_documented_variable_has_a_type_a_default_and_a_description() -> None:
    incomplete = sorted(
        name for name, cells in documented_rows().items() if len(cells) < 3 or not all(cells[:3])
    )
    assert not incomplete, f"Rows without type, default or description: {', '.join(incomplete)}"


def test_configuration_md_documents_no_variable_the_code_no_longer_reads() -> None:
    stale = sorted(set(documented_rows()) - variables_in_code())
    assert not stale, f"docs/configuration.md lists variables nothing reads: {', '.join(stale)}"


def test_every_env_reader_call_names_its_variable_literally() -> None:
    # A computed name (f"TANDEM_{x}") would hide a variable from the documentation check.
    bad = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, call in _env_reader_calls()
        if not (_literal_name(call) or "").startswith("TANDEM_")
    ]
    assert not bad, f"env_* called without a literal TANDEM_* name at: {', '.join(bad)}"


# --- The env readers fail loudly -----------------------------------------------------------------

VAR = "TANDEM_EXAMPLE_SETTING"


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on", " true "])
def test_env_bool_reads_true_spellings(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)
    assert env.env_bool(VAR, False) is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "off"])
def test_env_bool_reads_false_spellings(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)
    assert env.env_bool(VAR, True) is False


def test_env_bool_uses_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VAR, raising=False)
    assert env.env_bool(VAR, True) is True
    assert env.env_bool(VAR, False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "y"])
def test_env_bool_rejects_anything_else_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=VAR):
        env.env_bool(VAR, False)


def test_env_int_reads_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, " 42 ")
    assert env.env_int(VAR, 7) == 42


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_env_int_uses_the_default_when_unset_or_blank(
    monkeypatch: pytest.MonkeyPatch, raw: str | None
) -> None:
    if raw is None:
        monkeypatch.delenv(VAR, raising=False)
    else:
        monkeypatch.setenv(VAR, raw)
    assert env.env_int(VAR, 7) == 7


@pytest.mark.parametrize("raw", ["forty", "4.5", "1e3", "12abc"])
def test_env_int_rejects_a_non_number_naming_the_variable(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}.*not a whole number"):
        env.env_int(VAR, 7)


def test_env_int_rejects_a_value_below_the_minimum_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(VAR, "0")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}.*minimum of 1"):
        env.env_int(VAR, 7, minimum=1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, " a.example.com, ,b.example.com ,")
    assert env.env_list(VAR) == ["a.example.com", "b.example.com"]


def test_env_list_default_is_a_fresh_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VAR, raising=False)
    default = ["x"]
    value = env.env_list(VAR, default)
    value.append("y")
    assert default == ["x"]


def test_env_choice_is_case_insensitive_and_rejects_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "SMTP")
    assert env.env_choice(VAR, "console", ("console", "smtp")) == "smtp"
    monkeypatch.setenv(VAR, "carrier-pigeon")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}.*console, smtp"):
        env.env_choice(VAR, "console", ("console", "smtp"))


def test_env_path_makes_a_relative_path_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(VAR, "data")
    assert env.env_path(VAR, Path("/unused")) == (tmp_path / "data").resolve()


def test_env_secret_reads_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "s3cret")
    monkeypatch.delenv(f"{VAR}_FILE", raising=False)
    assert env.env_secret(VAR) == "s3cret"


def test_env_secret_reads_the_file_named_by_name_file_without_trailing_newline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.delenv(VAR, raising=False)
    monkeypatch.setenv(f"{VAR}_FILE", str(secret_file))
    assert env.env_secret(VAR) == "from-a-file"


def test_env_secret_refuses_both_the_variable_and_its_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file", encoding="utf-8")
    monkeypatch.setenv(VAR, "direct")
    monkeypatch.setenv(f"{VAR}_FILE", str(secret_file))
    with pytest.raises(ImproperlyConfigured, match=f"{VAR} or {VAR}_FILE, not both"):
        env.env_secret(VAR)


def test_env_secret_names_an_unreadable_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(VAR, raising=False)
    monkeypatch.setenv(f"{VAR}_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}_FILE.*cannot be read"):
        env.env_secret(VAR)


def test_env_secret_falls_back_to_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VAR, raising=False)
    monkeypatch.delenv(f"{VAR}_FILE", raising=False)
    assert env.env_secret(VAR, "fallback") == "fallback"


# --- The modes, as a fresh `tandem` process starts them --------------------------------------------

ALLOWED_HOST = "tandem.example.com"


def random_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(60))


tandem = run_tandem


def shell_json(code: str, *, env_vars: dict[str, str], cwd: Path) -> dict[str, object]:
    """Run ``code`` in `tandem shell`; it prints one JSON line prefixed with RESULT."""
    done = tandem("shell", "--no-imports", "-c", code, env_vars=env_vars, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stdout + done.stderr
    result: dict[str, object] = json.loads(lines[-1].removeprefix("RESULT "))
    return result


def production_env(data_dir: Path, **variables: str) -> dict[str, str]:
    return clean_env(
        data_dir,
        TANDEM_DEBUG="false",
        TANDEM_SECRET_KEY=random_secret_key(),
        TANDEM_ALLOWED_HOSTS=ALLOWED_HOST,
        TANDEM_EMAIL_BACKEND="smtp",
        TANDEM_EMAIL_HOST="mail.example.com",
        **variables,
    )


@pytest.mark.own_database
def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    done = tandem("check", env_vars=clean_env(tmp_path / "data"), cwd=tmp_path)
    assert done.returncode != 0
    assert "TANDEM_SECRET_KEY" in done.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


@pytest.mark.own_database
def test_production_mode_refuses_a_short_secret_key(tmp_path: Path) -> None:
    env_vars = clean_env(tmp_path / "data", TANDEM_SECRET_KEY="too-short")
    done = tandem("check", env_vars=env_vars, cwd=tmp_path)
    assert done.returncode != 0
    assert "TANDEM_SECRET_KEY must be at least 50 characters" in done.stderr


@pytest.mark.own_database
def test_production_mode_reads_the_secret_key_from_secret_key_file(tmp_path: Path) -> None:
    key = random_secret_key()
    key_file = tmp_path / "secret_key"
    key_file.write_text(key + "\n", encoding="utf-8")
    env_vars = clean_env(
        tmp_path / "data",
        TANDEM_SECRET_KEY_FILE=str(key_file),
        TANDEM_ALLOWED_HOSTS=ALLOWED_HOST,
        TANDEM_EMAIL_BACKEND="smtp",
    )
    code = 'import json; from django.conf import settings; print("RESULT", json.dumps({"key": settings.SECRET_KEY}))'
    assert shell_json(code, env_vars=env_vars, cwd=tmp_path) == {"key": key}


@pytest.mark.own_database
def test_production_mode_refuses_both_secret_key_and_secret_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text(random_secret_key(), encoding="utf-8")
    env_vars = production_env(tmp_path / "data", TANDEM_SECRET_KEY_FILE=str(key_file))
    done = tandem("check", env_vars=env_vars, cwd=tmp_path)
    assert done.returncode != 0
    assert "TANDEM_SECRET_KEY or TANDEM_SECRET_KEY_FILE, not both" in done.stderr


@pytest.mark.own_database
def test_check_deploy_passes_with_debug_off_a_secret_key_allowed_hosts_and_smtp(tmp_path: Path) -> None:
    done = tandem(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_vars=production_env(tmp_path / "data"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.own_database
@pytest.mark.parametrize("mode", ["TANDEM_DEMO", "TANDEM_DEBUG"])
def test_the_demo_and_debug_modes_generate_a_secret_key_under_the_data_dir_and_reuse_it(
    tmp_path: Path, mode: str
) -> None:
    data_dir = tmp_path / "data"
    env_vars = clean_env(data_dir, **{mode: "true"})
    code = 'import json; from django.conf import settings; print("RESULT", json.dumps({"key": settings.SECRET_KEY}))'
    first = shell_json(code, env_vars=env_vars, cwd=tmp_path)["key"]
    key_file = data_dir / "secret_key"
    assert key_file.read_text(encoding="utf-8").strip() == first
    assert len(str(first)) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = shell_json(code, env_vars=env_vars, cwd=tmp_path)["key"]
    assert second == first


@pytest.mark.own_database
def test_the_demo_serves_plain_http_on_loopback(tmp_path: Path) -> None:
    code = (
        "import json; from django.conf import settings; print('RESULT', json.dumps({"
        "'session': settings.SESSION_COOKIE_NAME, 'secure': settings.SESSION_COOKIE_SECURE, "
        "'hosts': settings.ALLOWED_HOSTS, 'hsts': settings.SECURE_HSTS_SECONDS}))"
    )
    result = shell_json(code, env_vars=clean_env(tmp_path / "data", TANDEM_DEMO="true"), cwd=tmp_path)
    assert result == {
        "session": "tandem_session",
        "secure": False,
        "hosts": ["127.0.0.1", "localhost", "[::1]"],
        "hsts": 0,
    }


PRODUCTION_PROBE = f"""
import json
from django.conf import settings
from django.test import Client
from tandem.core.services import user_create

user_create(email="probe@example.com", password="a long probe password 42")
client = Client(HTTP_HOST="{ALLOWED_HOST}")
page = client.get("/accounts/login/", secure=True)
signed_in = client.post(
    "/accounts/login/",
    {{"login": "probe@example.com", "password": "a long probe password 42"}},
    secure=True,
    HTTP_X_CSRFTOKEN=page.cookies[settings.CSRF_COOKIE_NAME].value,
)
plain = Client(HTTP_HOST="{ALLOWED_HOST}").get("/accounts/login/")
cookies = {{**page.cookies, **signed_in.cookies}}
print("RESULT", json.dumps({{
    "session_cookie_name": settings.SESSION_COOKIE_NAME,
    "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    "cookies": {{name: {{"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "path": c["path"]}}
                for name, c in cookies.items()}},
    "page_status": page.status_code,
    "signed_in_status": signed_in.status_code,
    "csp": page.headers.get("Content-Security-Policy", ""),
    "hsts": page.headers.get("Strict-Transport-Security", ""),
    "plain_http": [plain.status_code, plain.headers.get("Location", "")],
}}))
"""


@pytest.mark.own_database
@pytest.mark.slow
def test_production_mode_sends_host_prefixed_secure_cookies_hsts_and_a_strict_csp(
    tmp_path: Path, migrated_installation: Path
) -> None:
    # The database and static files of an installation already upgraded once: the upgrade in
    # production mode then has little left to do.
    shutil.copytree(
        migrated_installation / "var", tmp_path / "data", ignore=shutil.ignore_patterns("secret_key")
    )
    env_vars = production_env(tmp_path / "data")
    upgraded = tandem("upgrade", "--verbosity", "0", env_vars=env_vars, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr

    result = shell_json(PRODUCTION_PROBE, env_vars=env_vars, cwd=tmp_path)

    assert result["session_cookie_name"] == "__Host-tandem_session"
    assert result["csrf_cookie_name"] == "__Host-tandem_csrf"
    assert result["page_status"] == 200
    assert result["signed_in_status"] == 302, "the probe account could not sign in"
    cookies = result["cookies"]
    assert isinstance(cookies, dict)
    host_cookie = {"secure": True, "httponly": True, "path": "/"}
    assert cookies["__Host-tandem_session"] == host_cookie
    assert cookies["__Host-tandem_csrf"] == host_cookie
    assert all(cookie["secure"] and cookie["httponly"] for cookie in cookies.values()), cookies
    directives = {part.strip() for part in str(result["csp"]).split(";")}
    assert {"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} <= directives
    assert str(result["hsts"]).startswith("max-age=31536000")
    assert result["plain_http"] == [301, f"https://{ALLOWED_HOST}/accounts/login/"]
