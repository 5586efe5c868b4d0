"""The organisation home's insights panels (placeholder until built)."""

from __future__ import annotations

from typing import Any


def home_panel(membership: Any) -> tuple[str, dict[str, Any]] | None:
    return None
