"""Secret links opened without an account (survey links, end-user feedback links).

A link's secret is an HMAC of its stored nonce under the secret key, so it is never stored and can
be shown again; only its SHA-256 digest is stored, to find the link by the secret it arrives with."""

from __future__ import annotations

import base64
import hashlib

from django.utils.crypto import salted_hmac


def link_secret(salt: str, nonce: str) -> str:
    """The URL-safe secret of the link with ``nonce`` (32 characters)."""
    digest = salted_hmac(salt, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def secret_digest(secret: str) -> str:
    """The digest under which a secret finds its link."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
