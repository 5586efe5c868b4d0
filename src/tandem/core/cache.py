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

import functools
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.signals import request_started
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import get_language

from tandem.core.models import Organization

if TYPE_CHECKING:
    from tandem.core.access import OrgRequest

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


@functools.cache
def _version_sources() -> tuple[Callable[[Organization], Hashable], ...]:
    paths = (getattr(config, "tandem_data_version", "") for config in apps.get_app_configs())
    return tuple(import_string(path) for path in paths if path)


def app_versions(org: Organization) -> tuple[Hashable, ...]:
    """What the apps change in ``org`` without bumping its data version (each app's
    ``AppConfig.tandem_data_version``, e.g. survey answers): a figure that shows such a thing is
    cached under these as well (a ``part`` of ``org_cached``, ``page_cached`` or ``orgcache``)."""
    return tuple(source(org) for source in _version_sources())


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
    """Drop every cached figure and page of this process (tests)."""
    global _answer_bytes
    with _lock:
        _entries.clear()
        _answers.clear()
        _answer_bytes = 0
    forget_writes()


request_started.connect(forget_writes, dispatch_uid="tandem.core.cache.forget_writes")


# --- Whole answers: pages and API reads ---------------------------------------------------------
#
# A page (or an API answer) that shows nothing but its organisation's data, drawn for one member,
# is kept whole under the data version: the next GET of the same address by the same member, in
# the same language, time zone and hour, is answered from memory after the access gate has run
# (what changes with the clock, such as a key result going stale, shows within the hour).
# The forms on a page carry a placeholder in place of the CSRF token, swapped for the request's
# own token on every answer.

# A per-process random marker: it cannot occur in a page by chance or be typed by anyone.
CSRF_PLACEHOLDER = f"tandem-csrf-{secrets.token_hex(16)}"
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
_answers: OrderedDict[Hashable, KeptAnswer] = OrderedDict()
_answer_bytes = 0


@dataclass(frozen=True)
class KeptAnswer:
    content: bytes
    headers: tuple[tuple[str, str], ...]


def page_cached(request: OrgRequest, render: Callable[[], HttpResponse], *parts: Hashable) -> HttpResponse:
    """``render()``'s page, or the same page from this process's memory (see above).

    Only a plain 200 answer to a GET is kept, never one that set a cookie, one drawn while a
    message waited to be shown, or one for an organisation this request has changed.
    """
    if not _may_keep(request) or _messages_waiting(request):
        return _with_token(request, _rendered_with_placeholder(request, render))
    if (kept := kept_answer(request, *parts)) is not None:
        return kept
    response = _rendered_with_placeholder(request, render)
    keep_answer(request, response, *parts)
    return _with_token(request, response)


def kept_answer(request: OrgRequest, *parts: Hashable) -> HttpResponse | None:
    """The answer kept for this request (see above), with the request's own CSRF token; or None."""
    if not _may_keep(request):
        return None
    key = (_answer_key(request), *parts)
    with _lock:
        kept = _answers.get(key)
        if kept is not None:
            _answers.move_to_end(key)
    if kept is None:
        return None
    content = kept.content
    if _PLACEHOLDER in content:
        content = content.replace(_PLACEHOLDER, get_token(request).encode())
    return HttpResponse(content, headers=dict(kept.headers))


def keep_answer(request: OrgRequest, response: HttpResponse, *parts: Hashable) -> None:
    """Keep ``response`` for the next identical request, if it may be kept (see ``page_cached``)."""
    if not (_may_keep(request) and _keepable(request, response)):
        return
    global _answer_bytes
    kept = KeptAnswer(bytes(response.content), tuple(response.headers.items()))
    size = len(kept.content)
    if size > settings.PAGE_CACHE_BYTES // 8:
        return  # one answer may not push out most others
    key = (_answer_key(request), *parts)
    with _lock:
        if key in _answers:
            return
        _answers[key] = kept
        _answer_bytes += size
        while _answer_bytes > settings.PAGE_CACHE_BYTES:
            _, oldest = _answers.popitem(last=False)
            _answer_bytes -= len(oldest.content)


def _may_keep(request: OrgRequest) -> bool:
    return request.method == "GET" and settings.PAGE_CACHE_BYTES > 0 and request.org.pk not in _written()


def _rendered_with_placeholder(request: OrgRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    request.csrf_placeholder = True  # type: ignore[attr-defined]  # read by the context processor
    try:
        return render()
    finally:
        request.csrf_placeholder = False  # type: ignore[attr-defined]


def _with_token(request: OrgRequest, response: HttpResponse) -> HttpResponse:
    if not response.streaming and _PLACEHOLDER in response.content:
        response.content = response.content.replace(_PLACEHOLDER, get_token(request).encode())
    return response


def _answer_key(request: OrgRequest) -> Hashable:
    """What a kept answer may differ by, besides the organisation's data."""
    org, user = request.org, request.user
    mine = getattr(request, "my_memberships", ())
    switcher = tuple((m.organization_id, m.organization.slug, m.organization.name) for m in mine)
    htmx = tuple(request.headers.get(h) for h in ("HX-Request", "HX-Target", "HX-Boosted", "HX-Trigger"))
    return (
        org.pk,
        org.data_version,
        request.membership.pk,
        request.get_full_path(),
        request.headers.get("Accept", ""),
        get_language(),
        timezone.get_current_timezone_name(),
        timezone.localtime().replace(minute=0, second=0, microsecond=0),  # redrawn hourly
        getattr(user, "display_name", ""),
        switcher,
        htmx,
    )


def _messages_waiting(request: OrgRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _keepable(request: OrgRequest, response: HttpResponse) -> bool:
    storage = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not getattr(storage, "added_new", False)
        and getattr(response, "is_rendered", True)
    )
