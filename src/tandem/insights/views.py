"""HTML views of the insights app (placeholder until built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


index = component = initiative = week = weights = _todo
