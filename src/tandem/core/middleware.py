"""Request-wide policies: session timeouts, the audit of every refusal, a friendly answer when
SQLite is busy, and Tandem's own pages for a wrong method or an overlong address."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from tandem.core.access import audit_refusal
from tandem.core.language import ORG_VIEW, follows_organisation_language, organisations_language, use_language

STARTED = "tandem_started"
SEEN = "tandem_seen"
# Refresh the idle timer at most once a minute, so reading pages does not write the session
# table on every request.
_REFRESH_EVERY = 60


class SessionTimeoutMiddleware:
    """Signs a person out after TANDEM_SESSION_IDLE_MINUTES without a request, and in any case
    TANDEM_SESSION_MAX_HOURS after they signed in (ASVS 3.3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(STARTED)
            seen = request.session.get(SEEN, now)
            if started is None:
                request.session[STARTED] = now
                request.session[SEEN] = now
            elif (
                now - started > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - seen > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has expired.")}, status=401)
                return redirect_to_login(request.get_full_path())
            elif now - seen > _REFRESH_EVERY:
                request.session[SEEN] = now
        return self.get_response(request)


class PreferredLanguageMiddleware:
    """A signed-in person's own choice of language (profile or the menu's switcher) beats the
    language cookie and the browser's Accept-Language, which ``LocaleMiddleware`` chose from. When
    they chose nothing, their organisations' default comes next (on an organisation's own pages,
    that organisation's: ``org_view``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "") if request.user.is_authenticated else ""
        if language:
            use_language(request, language)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], *args: Any) -> None:
        """Outside an organisation's pages (which apply their own default), a person who chose
        nothing gets their organisations' default when they agree (one query, only here)."""
        if getattr(view, ORG_VIEW, False) or not request.user.is_authenticated:
            return
        if not getattr(request.user, "language", "") and follows_organisation_language(request):
            language = organisations_language(request.user)
            if language:
                use_language(request, language)


class RefusalAuditMiddleware:
    """Writes every 404 a page raised for a signed-in person to the audit log, wherever in the
    code it was raised (the gate, an app's access rule, a missing row): missing and forbidden
    look the same to the person, and both are on record."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, Http404):
            audit_refusal(request, exception)


class DatabaseBusyMiddleware:
    """Turns a lock timeout into a 503 with Retry-After instead of a server error.

    With WAL, immediate transactions and a busy timeout this should not happen; if the
    database is overloaded anyway, the person is told to retry and nothing half-written stays.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError) or "locked" not in str(exception):
            return None
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": _("The server is busy. Please retry in a moment.")}, status=503
            )
        else:
            response = HttpResponse(render_to_string("503.html", request=request), status=503)
        response["Retry-After"] = "2"
        return response


# No Tandem page needs a longer query string; gunicorn itself refuses request lines past 8190
# bytes (see `tandem serve`), so this answers the long ones that reach Django with a page.
MAX_QUERY_STRING = 4096


class ErrorPagesMiddleware:
    """Answers with Tandem's own page where Django has none: 405 for an address that does not take
    the request's method (typically a reload of an address that only takes a form's POST), with a
    link to the page it belongs to, and 414 for a query string longer than any page uses. Under
    ``/api/`` every answer is JSON: an error the API itself did not answer (an unknown address, a
    method the address does not take) gets the API's error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return api_error(self.get_response(request))
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return render(request, "414.html", {"back": request.path, "limit": MAX_QUERY_STRING}, status=414)
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            allowed = response["Allow"]
            page = render(request, "405.html", {"back": way_back(request, allowed)}, status=405)
            page["Allow"] = allowed
            return page
        return response


def api_error(response: HttpResponse) -> HttpResponse:
    """``response`` as the API answers an error: ``{"detail": …}`` in JSON, with its status and its
    ``Allow`` and ``Retry-After`` headers; any other answer as it is."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith("application/json"):
        return response
    answer = JsonResponse({"detail": response.reason_phrase}, status=response.status_code)
    for header in ("Allow", "Retry-After"):
        if header in response:
            answer[header] = response[header]
    return answer


def way_back(request: HttpRequest, allowed: str) -> str:
    """The page a refused request belongs to: the address itself when it takes a GET, the address
    without its last part when that is a page (``…/why-checks/5/answer/`` → ``…/why-checks/5/``),
    else the home page."""
    if "GET" in allowed.replace(" ", "").split(","):
        return request.path
    parent = request.path.rstrip("/").rsplit("/", 1)[0] + "/"
    try:
        resolve(parent)
    except Resolver404:
        return reverse("core:home")
    return parent
