"""Secrets kept out of the logs: the addresses that carry a token are logged with it masked.

A survey link (``/s/<token>/`` and ``/api/v1/responses/<token>``), an invitation to join
(``/invite/<token>/``), an address check and a password reset (``/accounts/confirm-email/<key>/``,
``/accounts/password/reset/key/<key>/``) each carry their credential in the path. An access log that
keeps it would let whoever reads the log answer in someone's place, and would tie each person to
the moment they answered. Every log line Tandem writes goes through ``scrub``: the request line,
the path, the referring page and any message that quotes an address (``/s/…/``).
"""

from __future__ import annotations

import logging
import re

MASK = "…"

# The path parts that a secret follows, as the URL configuration names them.
_SECRET_AFTER = (
    "s",
    "invite",
    "api/v1/responses",
    "feedback",
    "api/v1/feedback",
    "reviews/feed",
    "accounts/confirm-email",
    "accounts/password/reset/key",
)
_SEPARATOR = r"(?:/|%2f)"
_TOKEN_PATH = re.compile(
    # Where a path starts: the beginning, after a space, quote, "=" or bracket (a request line, a
    # query parameter such as next=), or after a host name (a full address, the Referer).
    r"(?P<head>(?:^|(?<=[\s\"'=(\[])|(?<=//)[^/\s\"']+)"
    + _SEPARATOR
    + "(?:"
    + "|".join(part.replace("/", _SEPARATOR) for part in _SECRET_AFTER)
    + ")"
    + _SEPARATOR
    + r")(?!done(?:/|%2f|$))(?P<secret>[^/?#&\s\"'%]+(?:%(?!2f)[^/?#&\s\"'%]*)*)",
    re.IGNORECASE,
)


def scrub(text: str) -> str:
    """``text`` with the secret of every token-carrying address replaced by ``…``."""
    if "/" not in text and "%2" not in text.lower():
        return text
    return _TOKEN_PATH.sub(lambda m: m["head"] + MASK, text)


class ScrubSecrets(logging.Filter):
    """A logging filter that masks tokens in the formatted message (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the handler's to report, as it would be without us
            return True
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True
