"""The organisation navigation, assembled from the apps: each app's AppConfig may declare
``tandem_nav = [(url_name, label, audience, position[, sections]), ...]``, audience being "all", "internal"
(not partners) or "admin"; links are sorted by position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import import_string

from tandem.core.access import Need, meets


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


AUDIENCE = {"all": Need.MEMBER, "internal": Need.READER, "admin": Need.ADMIN}


def _visible(audience: str, membership: Any) -> bool:
    return meets(membership, AUDIENCE[audience])


def nav_items(*, membership: Any, path: str) -> list[NavItem]:
    """Links for the organisation pages the member may open; the longest match is current.

    An entry may name extra path sections it owns (``("initiatives/", "import/")``): pages under
    them highlight that entry too.
    """
    org_root = f"/o/{membership.organization.slug}/"
    entries: list[tuple[int, str, str, tuple[str, ...]]] = []
    for config in apps.get_app_configs():
        for url_name, label, audience, position, *extra in getattr(config, "tandem_nav", []):
            if not _visible(audience, membership):
                continue
            url = reverse(url_name, kwargs={"org_slug": membership.organization.slug})
            prefixes = (url, *(org_root + section for section in (extra[0] if extra else ())))
            entries.append((position, str(label), url, prefixes))
    entries.sort(key=lambda e: e[0])
    matches = [
        (len(prefix), url)
        for _, _, url, prefixes in entries
        for prefix in prefixes
        if path.startswith(prefix)
    ]
    best = max(matches, default=(0, ""))[1]
    return [NavItem(label=label, url=url, current=url == best) for _, label, url, _ in entries]


def nav_for_request(request: Any) -> list[NavItem]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    return nav_items(membership=membership, path=request.path)


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: dict[str, Any]


def home_panels(membership: Any) -> list[HomePanel]:
    """Panels the apps add to the organisation home: each AppConfig may name a function
    ``tandem_home_panel = "tandem.app.selectors.home_panel"`` returning (template, context) or None."""
    panels = []
    for config in apps.get_app_configs():
        path = getattr(config, "tandem_home_panel", "")
        if not path:
            continue
        result = import_string(path)(membership)
        if result is not None:
            panels.append(HomePanel(*result))
    return panels


def app_hooks(attribute: str) -> list[Any]:
    """The functions the apps name in ``attribute`` of their AppConfig (a dotted path), e.g.
    ``tandem_org_created``: an app reacts to another's change without that app importing it."""
    return [
        import_string(path) for config in apps.get_app_configs() if (path := getattr(config, attribute, ""))
    ]


def app_templates(attribute: str) -> list[str]:
    """Templates the apps add to another app's page, e.g. ``tandem_initiative_sections`` on the
    initiative page: the page includes them without importing those apps."""
    return [name for config in apps.get_app_configs() for name in getattr(config, attribute, [])]
