"""The audit trail: one function writes it, so every caller records the same shape."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from tandem.core.cache import org_changed
from tandem.core.models import AuditEvent, Organization


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address; behind N trusted proxies (TANDEM_TRUSTED_PROXY_COUNT) the Nth
    address from the right of X-Forwarded-For, as the sign-in throttle counts it."""
    if request is None:
        return None
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor: Any = None,
    organization: Organization | None = None,
    target: models.Model | None = None,
    summary: str = "",
    summary_params: Mapping[str, object] | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    changes: bool = True,
) -> AuditEvent:
    """Append one event. ``actor`` may be anonymous (failed sign-ins). The record of a change
    (``changes``, not a refusal) bumps the organisation's data version in the same transaction.

    A summary Tandem writes in words is catalogue words (``gettext_noop``) with ``summary_params``
    for its values, so each reader reads it in their own language; a title or an address alone is
    passed as ``summary`` and stays as written.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if organization is not None and changes:
        org_changed(organization)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        organization=organization,
        target_type=target._meta.model_name or "" if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:255],
        summary_params=dict(summary_params or {}),
        data=data or {},
        ip_address=client_ip(request),
    )


@cache
def _action_labels() -> dict[str, Any]:
    """Every app's names of its audit actions (``tandem_audit_actions`` on its AppConfig)."""
    from tandem.core.navigation import app_hooks  # navigation reads access, which writes here

    labels: dict[str, Any] = {}
    for named in app_hooks("tandem_audit_actions"):
        labels.update(named)
    return labels


def action_label(code: str) -> str:
    """What an audit action means, in the reader's language; its code when no app names it."""
    label = _action_labels().get(code)
    return str(label) if label is not None else code
