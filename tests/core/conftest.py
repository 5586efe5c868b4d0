"""Helpers of the core tests that start a fresh ``tandem`` process, as a new shell or a service
manager would: an environment without any Tandem setting, the command run in it, and installations
(`tandem upgrade`, `tandem demo`) made once per test run for the tests to copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import built_once


def bare_env(**variables: str) -> dict[str, str]:
    """This process's environment without any TANDEM_* setting or settings module, plus ``variables``."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TANDEM_") and key != "DJANGO_SETTINGS_MODULE"
    }
    return {**base, **variables}


def clean_env(data_dir: Path, **variables: str) -> dict[str, str]:
    """``bare_env`` with ``TANDEM_DATA_DIR`` set to ``data_dir``."""
    return bare_env(TANDEM_DATA_DIR=str(data_dir), **variables)


def run_tandem(
    *args: str,
    env_vars: dict[str, str],
    cwd: Path,
    timeout: int = 120,
    preexec_fn: Callable[[], object] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``tandem args`` in a fresh process with exactly ``env_vars``."""
    return subprocess.run(  # noqa: S603 (our own interpreter and CLI)
        [sys.executable, "-W", "ignore", "-m", "tandem.cli", *args],
        env=env_vars,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
    )


# --- Installations made once per test run ---------------------------------------------------------------
# `tandem upgrade` and `tandem demo` take many seconds each. The tests that need an installation to
# work on copy one of these instead of making their own (``built_once``: one process of the run
# builds it, and nobody changes it afterwards).


def make_run_env(folder: Path) -> dict[str, str]:
    """The environment of `make run` in ``folder`` (demo mode, data in ``folder/var``), without any
    Django setting of the test run."""
    env_vars = bare_env(TANDEM_DEMO="true", TANDEM_DATA_DIR=str(folder / "var"))
    return {key: value for key, value in env_vars.items() if not key.startswith("DJANGO_")}


@pytest.fixture(scope="session")
def migrated_installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder after `make run`'s first step, `tandem upgrade` in demo mode: ``var/`` holds the
    migrated SQLite database, the collected static files and the generated secret key. Copy it."""

    def build(folder: Path) -> None:
        done = run_tandem(
            "upgrade", "--verbosity", "0", env_vars=make_run_env(folder), cwd=folder, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr

    return built_once(tmp_path_factory, "installation-migrated", build)


@pytest.fixture(scope="session")
def demo_installation(tmp_path_factory: pytest.TempPathFactory, migrated_installation: Path) -> Path:
    """``migrated_installation`` after `make run`'s second step, `tandem demo`: the demo organisation
    in the database, and the local demo marker ``var/local.env`` beside it. Copy it."""

    def build(folder: Path) -> None:
        shutil.copytree(migrated_installation, folder, symlinks=True, dirs_exist_ok=True)
        done = run_tandem("demo", env_vars=make_run_env(folder), cwd=folder, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr

    return built_once(tmp_path_factory, "installation-demo", build)


def copy_installation(installation: Path, folder: Path) -> Path:
    """A copy of ``installation`` (a folder holding ``var/``) in ``folder``, file modes kept; returns ``folder``."""
    shutil.copytree(installation, folder, symlinks=True, dirs_exist_ok=True)
    return folder
