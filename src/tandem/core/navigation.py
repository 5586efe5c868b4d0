"""The organisation navigation, assembled from the apps: each app's AppConfig may declare
``tandem_nav = [(url_name, label, admin_only), ...]`` and its links appear in order."""

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


def nav_items(*, org_slug: str, is_admin: bool, path: str) -> list[NavItem]:
    """Links for the organisation pages the member may open; the longest match is current."""
    items: list[tuple[str, str]] = []
    for config in apps.get_app_configs():
        for url_name, label, admin_only in getattr(config, "tandem_nav", []):
            if admin_only and not is_admin:
                continue
            items.append((str(label), reverse(url_name, kwargs={"org_slug": org_slug})))
    best = max((url for _, url in items if path.startswith(url)), key=len, default="")
    return [NavItem(label=label, url=url, current=url == best) for label, url in items]


def nav_for_request(request: Any) -> list[NavItem]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    return nav_items(org_slug=membership.organization.slug, is_admin=membership.is_admin, path=request.path)
