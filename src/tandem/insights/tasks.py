"""Background work of the insights app (placeholder until built)."""

from __future__ import annotations


def worker_started() -> None:
    return None
