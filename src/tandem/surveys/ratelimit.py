"""Limits on the public response door: submissions per minute per link and per address.

The counting lives in ``tandem.core.ratelimit`` (in memory, per server process, one-minute
windows), shared with the end-user feedback door; this module names the survey door's key and
limits (``SURVEY_RATE_PER_LINK``, ``SURVEY_RATE_PER_ADDRESS``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from tandem.core.ratelimit import RateLimited, client_address, reset
from tandem.core.ratelimit import check as _check

__all__ = ["RateLimited", "check", "client_address", "reset"]


def check(request: HttpRequest, token_digest: str) -> None:
    """Raise ``RateLimited`` (429, with Retry-After in the response) when either limit is passed."""
    _check(
        request,
        key="link:" + token_digest,
        per_key=settings.SURVEY_RATE_PER_LINK,
        per_address=settings.SURVEY_RATE_PER_ADDRESS,
    )
