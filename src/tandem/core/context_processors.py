"""Template context every page needs: the current organisation, its navigation and the switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.core.navigation import nav_for_request
from tandem.core.selectors import memberships_for_user


def tandem(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    context: dict[str, Any] = {
        "membership": membership,
        "current_org": membership.organization if membership else None,
        "nav": nav_for_request(request),
    }
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        # Lazy: evaluated only when the navigation renders it.
        context["my_memberships"] = memberships_for_user(request.user)
    return context
