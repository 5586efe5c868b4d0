"""The view decorator that puts the access gate in front of every organisation page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tandem.core.access import Need, OrgRequest, org_member
from tandem.core.cache import page_cached
from tandem.core.errors import MfaRequired
from tandem.core.language import ORG_VIEW, follows_organisation_language, use_language

View = Callable[..., HttpResponse]


def org_view(need: Need = Need.MEMBER) -> Callable[[View], View]:
    """Load ``request.membership`` and ``request.org`` through the gate (a role that reaches
    ``need``), or answer 404. Anonymous visitors are sent to sign in (for every slug alike, so
    nothing is revealed)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                org_member(request, org_slug, need=need)
            except MfaRequired as error:
                messages.warning(request, error.message)
                return redirect("mfa_activate_totp")
            org_request = cast(OrgRequest, request)
            if org_request.org.language and follows_organisation_language(request):
                use_language(request, org_request.org.language)
            return view(org_request, *args, **kwargs)

        setattr(wrapper, ORG_VIEW, True)
        return wrapper

    return decorate


def cached_page(view: View) -> View:
    """Keep the page whole under its organisation's data version (``core.cache.page_cached``).

    Goes under ``org_view`` (the gate runs first, on every request) and suits a page that shows
    only its organisation's data as one member sees it, on the day it is drawn; a page that also
    shows something written elsewhere (another organisation's data, the clock) does not qualify.
    """

    @wraps(view)
    def wrapper(request: OrgRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return page_cached(request, lambda: view(request, *args, **kwargs))

    return wrapper
