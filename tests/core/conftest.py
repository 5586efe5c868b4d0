"""Helpers of the core tests that start a fresh ``tandem`` process, as a new shell or a service
manager would: an environment without any Tandem setting, and the command run in it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


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
