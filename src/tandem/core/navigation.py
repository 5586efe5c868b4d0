"""The organisation navigation, assembled from the apps: each app's AppConfig may declare
``tandem_nav = [(url_name, label, audience, position), ...]``, audience being "all", "internal"
(not partners) or "admin"; links are sorted by position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def _visible(audience: str, membership: Any) -> bool:
    if audience == "admin":
        return bool(membership.is_admin)
    if audience == "internal":
        return bool(membership.role != "partner")
    return True


def nav_items(*, membership: Any, path: str) -> list[NavItem]:
    """Links for the organisation pages the member may open; the longest match is current."""
    entries: list[tuple[int, str, str]] = []
    for config in apps.get_app_configs():
        for url_name, label, audience, position in getattr(config, "tandem_nav", []):
            if not _visible(audience, membership):
                continue
            entries.append(
                (position, str(label), reverse(url_name, kwargs={"org_slug": membership.organization.slug}))
            )
    items = [(label, url) for _, label, url in sorted(entries, key=lambda e: e[0])]
    best = max((url for _, url in items if path.startswith(url)), key=len, default="")
    return [NavItem(label=label, url=url, current=url == best) for label, url in items]


def nav_for_request(request: Any) -> list[NavItem]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    return nav_items(membership=membership, path=request.path)
