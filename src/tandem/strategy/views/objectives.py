"""Objective, key-result and check-in pages (to be written)."""

from django.http import HttpRequest, HttpResponse

from tandem.core.decorators import org_view


@org_view()
def objective_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("objective_list")


@org_view()
def objective_tree(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("objective_tree")


@org_view()
def objective_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("objective_create")


@org_view()
def objective_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("objective_detail")


@org_view()
def objective_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("objective_edit")


@org_view()
def key_result_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("key_result_create")


@org_view()
def key_result_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("key_result_detail")


@org_view()
def key_result_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("key_result_edit")
