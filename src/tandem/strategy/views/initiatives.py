"""Portfolio and initiative pages (to be written)."""

from django.http import HttpRequest, HttpResponse

from tandem.core.decorators import org_view


@org_view()
def portfolio(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("portfolio")


@org_view()
def initiative_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("initiative_create")


@org_view()
def initiative_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("initiative_detail")


@org_view()
def initiative_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("initiative_edit")


@org_view()
def initiative_transition(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("initiative_transition")


@org_view()
def measure_add(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("measure_add")


@org_view()
def measure_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("measure_delete")


@org_view()
def link_add(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("link_add")


@org_view()
def link_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("link_delete")
