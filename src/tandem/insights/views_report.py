"""HTML views of the board report (placeholder until built)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


report_list = report_settings = report = report_pdf = _todo
