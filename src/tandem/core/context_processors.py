"""Template context every page needs: the current organisation, its navigation and the switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.core.cache import CSRF_PLACEHOLDER
from tandem.core.navigation import nav_for_request
from tandem.core.selectors import memberships_for_user


def tandem(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    context: dict[str, Any] = {
        "membership": membership,
        "current_org": membership.organization if membership else None,
        "nav": nav_for_request(request),
    }
    if getattr(request, "csrf_placeholder", False):
        # A page kept whole (tandem.core.cache.page_cached) carries a placeholder in its forms,
        # replaced by each request's own token when it is answered.
        context["csrf_token"] = CSRF_PLACEHOLDER
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        # Read by the access gate already on organisation pages; elsewhere lazy, evaluated only
        # when the navigation renders it.
        mine = getattr(request, "my_memberships", None)
        context["my_memberships"] = memberships_for_user(request.user) if mine is None else mine
    return context
