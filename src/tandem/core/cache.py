"""Figures computed once per version of an organisation's data, and the version itself.

Every write to an organisation's data bumps ``Organization.data_version`` in the write's own
transaction (``org_changed``; the audit record of a change does it), so the new value becomes
visible together with the new rows. A figure is cached under the version read *before* it was
computed: once a write has committed, every reader that loads the organisation sees a newer
version and computes afresh, in any process. The figures themselves live in this process's
memory (nothing is written on a read); a stale entry is never found again and ages out.

Within the request or thread that made a write, the organisation object in memory still carries
the old version: figures for that organisation are computed afresh until the next request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.signals import request_started
from django.db.models import F

from tandem.core.models import Organization

# Enough for every figure of a few hundred busy organisations; the oldest entries go first.
MAX_ENTRIES = 2048

_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()
_local = threading.local()


def _written() -> set[int]:
    """Organisations this thread changed since its current request started."""
    written: set[int] | None = getattr(_local, "written", None)
    if written is None:
        written = _local.written = set()
    return written


def org_changed(org: Organization | int) -> None:
    """Bump the organisation's data version; call it inside the transaction of the write."""
    pk = org if isinstance(org, int) else org.pk
    Organization.objects.filter(pk=pk).update(data_version=F("data_version") + 1)
    _written().add(pk)


def org_cached[T](org: Organization, name: str, compute: Callable[[], T], *parts: Hashable) -> T:
    """``compute()``, or its value from this process's memory for the same version of ``org``'s
    data, ``name`` and ``parts``. Treat the value as read-only: other requests share it."""
    if org.pk in _written():
        return compute()
    key = (org.pk, org.data_version, name, *parts)
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _entries[key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def forget_writes(**_: Any) -> None:
    """A new request (or a test that reloaded its organisations) trusts the versions it reads."""
    _written().clear()


def clear() -> None:
    """Drop every cached figure of this process (tests)."""
    with _lock:
        _entries.clear()
    forget_writes()


request_started.connect(forget_writes, dispatch_uid="tandem.core.cache.forget_writes")


class CachedRows[M]:
    """A queryset's slices and count, each fetched once per version of ``org``'s data: hand it to
    a paginator (the API's ``Pages``, Django's ``Paginator``) in place of the queryset. The rows
    are shared read-only between requests of this process, with what they prefetched."""

    def __init__(self, org: Organization, name: str, queryset: Any, *parts: Hashable) -> None:
        self.org, self.name, self.queryset, self.parts = org, name, queryset, parts

    def all(self) -> CachedRows[M]:
        return self

    def count(self) -> int:
        count: int = org_cached(self.org, self.name + ":count", self.queryset.count, *self.parts)
        return count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[M]:
        rows: list[M] = org_cached(
            self.org,
            self.name,
            lambda: list(self.queryset[window]),
            *self.parts,
            window.start,
            window.stop,
        )
        return rows
