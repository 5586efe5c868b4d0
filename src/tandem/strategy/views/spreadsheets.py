"""Spreadsheet import and portfolio export (to be written)."""

from django.http import HttpRequest, HttpResponse

from tandem.core.decorators import org_view


@org_view()
def portfolio_export(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("portfolio_export")


@org_view()
def import_upload(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("import_upload")
