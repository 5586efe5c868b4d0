"""Walk the URL configuration, for the tests that must cover every route."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    converters: tuple[str, ...]


def _walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        else:
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            converters = tuple(getattr(entry.pattern, "converters", {}).keys())
            regex_groups = tuple(entry.pattern.regex.groupindex.keys())
            yield Route(prefix + str(entry.pattern), name, converters or regex_groups)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", ""))


def all_url_names() -> set[str]:
    return {route.name for route in all_routes()}
