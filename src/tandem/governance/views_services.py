"""Pages of services, their service levels and measurements, and escalation paths (being built)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def services(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def service_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def service(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def service_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def service_level_set(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def service_level_remove(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def metric_add(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def metric_remove(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def measurement_add(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def measurements_import(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def measurement_remove(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def service_escalation_add(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def service_escalation_change(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def initiative_escalation(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def initiative_escalation_change(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
