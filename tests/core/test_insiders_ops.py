"""Insider findings on operations: e-mail links in the log, API tokens outliving a password, and a
database readable by every account of the machine. Each test performs the attack the way an
insider would, through the pages, the API or a fresh `tandem` process."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from tandem.core import checks, services
from tandem.core.models import AuditEvent, Membership
from tests.conftest import Personas
from tests.core.conftest import clean_env, run_tandem
from tests.factories import PASSWORD, MembershipFactory

ALLOWED_HOST = "tandem.example.com"
NEW_PASSWORD = "a brand new long passphrase"


# --- A fresh `tandem` process ----------------------------------------------------------------------


environment = clean_env


def production(data_dir: Path, **variables: str) -> dict[str, str]:
    return environment(
        data_dir,
        TANDEM_DEBUG="false",
        TANDEM_SECRET_KEY=secrets.token_urlsafe(64),
        TANDEM_ALLOWED_HOSTS=ALLOWED_HOST,
        **variables,
    )


def tandem(*args: str, env_vars: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The usual umask: the files would be world-readable if Tandem left their mode to it.
    return run_tandem(*args, env_vars=env_vars, cwd=cwd, preexec_fn=lambda: os.umask(0o022))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- L1: production does not write e-mail links to the log unless told to ---------------------------


@pytest.mark.own_database
def test_production_refuses_to_start_when_nobody_chose_an_email_backend(tmp_path: Path) -> None:
    done = tandem("check", env_vars=production(tmp_path / "data"), cwd=tmp_path)
    assert done.returncode != 0
    assert "Tandem cannot start" in done.stderr
    assert "TANDEM_EMAIL_BACKEND=smtp" in done.stderr
    assert "TANDEM_EMAIL_HOST" in done.stderr
    assert "TANDEM_EMAIL_BACKEND=console" in done.stderr


@pytest.mark.own_database
@pytest.mark.parametrize("backend", ["console", "file"])
def test_production_starts_with_an_explicit_console_or_file_backend_and_the_deploy_check_warns(
    tmp_path: Path, backend: str
) -> None:
    env_vars = production(tmp_path / "data", TANDEM_EMAIL_BACKEND=backend)
    done = tandem("check", "--deploy", env_vars=env_vars, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tandem.W001" in done.stdout + done.stderr
    strict = tandem("check", "--deploy", "--fail-level", "WARNING", env_vars=env_vars, cwd=tmp_path)
    assert strict.returncode != 0


@pytest.mark.own_database
def test_production_with_smtp_passes_the_deploy_check_without_a_mail_warning(tmp_path: Path) -> None:
    env_vars = production(
        tmp_path / "data", TANDEM_EMAIL_BACKEND="smtp", TANDEM_EMAIL_HOST="mail.example.com"
    )
    done = tandem("check", "--deploy", "--fail-level", "WARNING", env_vars=env_vars, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.own_database
@pytest.mark.parametrize("mode_variable", ["TANDEM_DEMO", "TANDEM_DEBUG"])
def test_the_demo_and_debug_modes_still_write_email_to_the_console_by_default(
    tmp_path: Path, mode_variable: str
) -> None:
    code = "from django.conf import settings; print('BACKEND', settings.MAILERS['default']['BACKEND'])"
    env_vars = environment(tmp_path / "data", **{mode_variable: "true"})
    done = tandem("shell", "--no-imports", "-c", code, env_vars=env_vars, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BACKEND django.core.mail.backends.console.EmailBackend" in done.stdout


@override_settings(
    DEBUG=False,
    DEMO=False,
    EMAIL_BACKEND_CHOSEN=False,
    MAILERS={"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}},
)
def test_the_start_up_refusal_names_both_ways_out() -> None:
    with pytest.raises(
        ImproperlyConfigured, match=r"TANDEM_EMAIL_BACKEND=smtp.*TANDEM_EMAIL_BACKEND=console"
    ):
        checks.refuse_unchosen_mail_backend()


# --- L2: a password reset or change ends the API tokens too ----------------------------------------

MEMBERS_API = "/api/v1/orgs/acme/members"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def api_with_token(membership: Membership) -> Client:
    _, raw = services.api_token_create(membership=membership, name="backup script")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def reset_password_through_the_pages(email: str) -> Client:
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": email}).status_code == 302
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", str(mail.outbox[-1].body))
    assert link, mail.outbox[-1].body
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def test_a_password_reset_revokes_the_api_tokens_made_with_the_old_password(personas: Personas) -> None:
    stolen = api_with_token(personas.admin)
    assert stolen.get(MEMBERS_API).status_code == 200

    reset_password_through_the_pages(personas.admin.user.email)

    assert stolen.get(MEMBERS_API).status_code == 401


def test_a_password_change_revokes_the_api_tokens_and_says_so_on_the_page(personas: Personas) -> None:
    stolen = api_with_token(personas.admin)
    assert stolen.get(MEMBERS_API).status_code == 200
    browser = Client()
    browser.force_login(personas.admin.user)

    response = browser.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.status_code == 200
    assert "API token was revoked" in response.content.decode()
    assert stolen.get(MEMBERS_API).status_code == 401


def test_revoking_on_a_password_reset_is_audited_once_per_organisation(personas: Personas) -> None:
    user = personas.admin.user
    elsewhere = MembershipFactory.create(organization=personas.other_org, user=user)
    api_with_token(personas.admin)
    api_with_token(personas.admin)
    api_with_token(elsewhere)

    reset_password_through_the_pages(user.email)

    events = AuditEvent.objects.unscoped().filter(action="api_token.revoked", actor=user)
    assert sorted((e.organization_id, len(e.data["tokens"])) for e in events) == sorted(
        [(personas.org.pk, 2), (personas.other_org.pk, 1)]
    )
    assert {e.data["reason"] for e in events} == {"password_reset"}
    assert not user.api_tokens.filter(revoked_at=None).exists()


def test_a_password_change_leaves_other_peoples_tokens_working(personas: Personas) -> None:
    colleague = api_with_token(personas.owner)
    browser = Client()
    browser.force_login(personas.admin.user)

    browser.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert colleague.get(MEMBERS_API).status_code == 200


# --- L3: the database and its directory are readable by Tandem's account only ----------------------

SQLITE_MODES = """
import os, stat
from pathlib import Path
from django.db import connection
from tandem.core.models import Organization
Organization.objects.count()  # an open connection: SQLite keeps the WAL and SHM files meanwhile
name = connection.settings_dict["NAME"]
for suffix in ("", "-wal", "-shm"):
    path = Path(str(name) + suffix)
    print("MODE", suffix or "db", oct(stat.S_IMODE(path.stat().st_mode)) if path.exists() else "absent")
"""


def sqlite_modes(output: str) -> dict[str, str]:
    return dict(line.split()[1:3] for line in output.splitlines() if line.startswith("MODE "))


@pytest.mark.own_database
@pytest.mark.slow
def test_a_fresh_installation_keeps_its_data_dir_and_database_files_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env_vars = production(data_dir, TANDEM_EMAIL_BACKEND="smtp")
    migrated = tandem("migrate", "--verbosity", "0", env_vars=env_vars, cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    assert mode(data_dir) == 0o700
    assert mode(data_dir / "tandem.sqlite3") == 0o600
    opened = tandem("shell", "--no-imports", "-c", SQLITE_MODES, env_vars=env_vars, cwd=tmp_path)
    assert opened.returncode == 0, opened.stdout + opened.stderr
    assert sqlite_modes(opened.stdout) == {"db": "0o600", "-wal": "0o600", "-shm": "0o600"}


@pytest.mark.own_database
@pytest.mark.slow
def test_a_data_dir_the_operator_made_keeps_its_mode_but_the_database_files_are_tightened(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    data_dir.chmod(0o750)
    env_vars = production(data_dir, TANDEM_EMAIL_BACKEND="smtp")
    migrated = tandem("migrate", "--verbosity", "0", env_vars=env_vars, cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    assert mode(data_dir) == 0o750
    assert mode(data_dir / "tandem.sqlite3") == 0o600


@pytest.mark.own_database
@pytest.mark.slow
def test_a_world_readable_database_from_an_older_version_is_tightened_on_the_next_start(
    tmp_path: Path, migrated_installation: Path
) -> None:
    data_dir = tmp_path / "data"
    env_vars = production(data_dir, TANDEM_EMAIL_BACKEND="smtp")
    data_dir.mkdir(mode=0o700)
    database = data_dir / "tandem.sqlite3"
    shutil.copyfile(migrated_installation / "var" / "tandem.sqlite3", database)  # a migrated database
    database.chmod(0o644)

    opened = tandem("shell", "--no-imports", "-c", SQLITE_MODES, env_vars=env_vars, cwd=tmp_path)

    assert opened.returncode == 0, opened.stdout + opened.stderr
    assert sqlite_modes(opened.stdout) == {"db": "0o600", "-wal": "0o600", "-shm": "0o600"}
