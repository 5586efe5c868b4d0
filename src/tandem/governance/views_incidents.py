"""Pages of incidents, the party scorecard and the business side's ratings (being built)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def incidents(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_acknowledge(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_hand_over(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_pause(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_resume(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_resolve(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_reopen(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_note(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def incident_review(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def scorecard(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def scorecard_export(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def ratings(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
