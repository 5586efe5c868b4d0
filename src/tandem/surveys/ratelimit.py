"""Limits on the public response door: submissions per minute per link and per address.

Counted in memory, per server process, in one-minute windows: the check costs no database write,
so the limit never slows down the honest rush after a survey e-mail. With several server
processes the effective limit is that many times higher, which is fine for its purpose: to stop a
script hammering one link or flooding from one address, not to meter honest use.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

from tandem.core.errors import TandemError


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


def check(request: HttpRequest, token_digest: str) -> None:
    """Raise ``RateLimited`` (429, with Retry-After in the response) when either limit is passed."""
    if not _hit("link:" + token_digest, settings.SURVEY_RATE_PER_LINK):
        raise RateLimited(gettext_noop("Too many attempts with this link. Wait a minute and try again."))
    if not _hit("addr:" + client_address(request), settings.SURVEY_RATE_PER_ADDRESS):
        raise RateLimited(
            gettext_noop("Too many responses from your network right now. Wait a minute and try again.")
        )


def reset() -> None:
    """Forget every count (tests)."""
    with _lock:
        _counts.clear()
