"""View decorators that put the access gate in front of every organisation page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tandem.core.access import membership_get_for_user
from tandem.core.errors import MfaRequired

View = Callable[..., HttpResponse]


def org_view(*, admin: bool = False, owner: bool = False) -> Callable[[View], View]:
    """Load ``request.membership`` and ``request.org`` through the gate, or answer 404.

    Anonymous visitors are sent to sign in (for every slug alike, so nothing is revealed).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                membership = membership_get_for_user(
                    user=request.user, org_slug=org_slug, admin=admin, owner=owner, request=request
                )
            except MfaRequired as error:
                messages.warning(request, error.message)
                return redirect("mfa_activate_totp")
            request.membership = membership  # type: ignore[attr-defined]
            request.org = membership.organization  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
