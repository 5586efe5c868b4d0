"""Fixtures of the insights tests: hand-made components, and fake sources standing in for the
apps' (``fake_sources``), so that a test of the index engine knows every row that feeds it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from tandem.core import navigation
from tandem.core.insights import Component, Evidence
from tandem.core.models import Organization
from tandem.insights import index as math


def component(key: str, *rows: tuple[Any, ...], missing: str = "") -> Component:
    """A component from ``rows``: (key, points) or (key, points, weight) or (key, points, weight,
    initiative id)."""
    evidence = []
    for row in rows:
        row_key, points, *rest = row
        weight = rest[0] if rest else 1.0
        initiative_id = rest[1] if len(rest) > 1 else None
        evidence.append(
            Evidence(
                key=row_key,
                label=f"{key} {row_key}",
                points=points,
                weight=weight,
                initiative_id=initiative_id,
                detail=f"why {row_key}",
            )
        )
    return Component(
        key=key,
        label=key.title(),
        help=f"help of {key}",
        default_weight=math.DEFAULT_WEIGHTS[key],
        evidence=tuple(evidence),
        missing=missing,
    )


class FakeSources:
    """What the apps' sources answer in a test: ``components`` (a list to change between calls);
    ``calls`` counts the calls."""

    def __init__(self) -> None:
        self.components: list[Component] = []
        self.calls = 0

    def source(self, org: Organization, now: datetime) -> list[Component]:
        self.calls += 1
        return list(self.components)

    def set(self, *components: Component) -> None:
        self.components = list(components)


@pytest.fixture
def fake_sources(monkeypatch: pytest.MonkeyPatch) -> FakeSources:
    """The index's sources replaced by one fake source (see ``FakeSources``)."""
    from tandem.insights import selectors

    fake = FakeSources()
    real: Callable[[str], list[Any]] = navigation.app_hooks

    def hooks(attribute: str) -> list[Any]:
        return [fake.source] if attribute == "tandem_index_source" else real(attribute)

    monkeypatch.setattr(selectors, "app_hooks", hooks)
    return fake
