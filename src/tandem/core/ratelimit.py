"""Limits on the public doors opened by a secret link (survey responses, end-user feedback):
attempts per minute per key (the link) and per address.

Counted in memory, per server process, in one-minute windows: the check costs no database write,
so the limit never slows down the honest rush after an e-mail. With several server processes the
effective limit is that many times higher, which is fine for its purpose: to stop a script
hammering one link or flooding from one address, not to meter honest use.

A key names its door before a colon (``link:…`` for surveys, ``feedback:…`` for end-user
feedback); the address is counted per door too, so one door's crowd never spends another's limit.
"""

from __future__ import annotations

import threading
import time

from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

from tandem.core.errors import TandemError

# The catalogue's words, translated where they are shown (``RateLimited.said``).
KEY_MESSAGE = gettext_noop("Too many attempts with this link. Wait a minute and try again.")
ADDRESS_MESSAGE = gettext_noop("Too many responses from your network right now. Wait a minute and try again.")
# Seconds to wait, for the Retry-After header: the longest a one-minute window can still run.
RETRY_AFTER = 60


class RateLimited(TandemError):
    """Too many attempts. Its ``message`` is the catalogue's English words, translated where it is
    shown (``said``): the page's language is known only once the link is, and the limit is
    counted before the link is looked up."""

    status = 429
    code = "rate_limited"

    def said(self) -> str:
        return gettext(self.message)


_lock = threading.Lock()
_window = 0
_counts: dict[str, int] = {}


def _hit(key: str, limit: int) -> bool:
    """Count one hit on ``key``; False when over ``limit`` in the current minute."""
    global _window  # the module is the store
    now = int(time.monotonic() // 60)
    with _lock:
        if now != _window:
            _window = now
            _counts.clear()
        count = _counts.get(key, 0) + 1
        _counts[key] = count
    return count <= limit


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def check(
    request: HttpRequest,
    *,
    key: str,
    per_key: int,
    per_address: int,
    key_message: str = KEY_MESSAGE,
    address_message: str = ADDRESS_MESSAGE,
) -> None:
    """Count one attempt on ``key`` (``door:secret digest``) and from the request's address;
    raise ``RateLimited`` (429: answer it with a Retry-After header) when either passes its limit
    this minute. The messages are catalogue words (``gettext_noop``), translated by ``said``."""
    if not _hit(key, per_key):
        raise RateLimited(key_message)
    door, colon, _secret = key.partition(":")
    door = door if colon else ""
    if not _hit(f"addr:{door}:{client_address(request)}", per_address):
        raise RateLimited(address_message)


def reset() -> None:
    """Forget every count (tests)."""
    with _lock:
        _counts.clear()
