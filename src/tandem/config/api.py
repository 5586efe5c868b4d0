"""The JSON API root at /api/v1/: authentication, error shapes and the apps' routers."""

from __future__ import annotations

import json
from typing import Any, cast

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from tandem.core.access import OrgRequest, audit_refusal
from tandem.core.cache import keep_answer
from tandem.core.errors import TandemError
from tandem.core.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer tdm_…``: the token's person, inside the token's organisation only."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.unscoped()  # the token itself names its organisation
            .select_related("user", "organization")
            .filter(token_hash=hash_token(token), revoked_at=None, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.unscoped().filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # read back by access.org_member
        return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _number(text: str) -> float | int:
    """A JSON number with a fraction or exponent: ``9.0`` and ``9e0`` are the integer 9, as JSON
    Schema counts them (``type: integer``), so an integer field takes them; ``9.5`` stays a float."""
    value = float(text)
    return int(value) if value.is_integer() else value


class StrictJsonParser(Parser):
    """Request bodies are JSON as the standard writes it: ``NaN`` and ``Infinity``, which Python
    would read, are a 400 like any other unparsable body. A whole number is an integer however it
    is written (``9``, ``9.0``, ``9e0``)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body, parse_constant=_no_constant, parse_float=_number)


class TandemAPI(NinjaAPI):
    def create_response(self, request: HttpRequest, data: Any, **kwargs: Any) -> HttpResponse:
        response = super().create_response(request, data, **kwargs)
        if getattr(request, "keep_answer", False):  # set by core.api.kept_read
            keep_answer(cast(OrgRequest, request), response)
        return response


api = TandemAPI(
    title="Tandem API",
    version="1",
    description=(
        "Tandem's JSON API. Authenticate with `Authorization: Bearer <token>` "
        "(create a token with `tandem token create` or on your profile page) or with the browser session."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    docs_url="/docs",
    parser=StrictJsonParser(),
)
# What a 422 from the request's shape (not from a rule of the domain) says.
INVALID_FIELDS = gettext_lazy("The request has invalid fields.")
# Pydantic's refusals in the reader's language, by their type; the values come from the error's
# context ("Keep it under 200 characters."). A type not listed keeps pydantic's English words.
CSRF_REFUSED = gettext_noop(
    "The CSRF check failed: with a signed-in session, send the X-CSRFToken header; or use a bearer token."
)
_NUMBER = gettext_lazy("Enter a number.")
_WHOLE = gettext_lazy("Enter a whole number.")
_DATE = gettext_lazy("Enter a date such as 2026-12-31.")
_DATETIME = gettext_lazy("Enter a date and time such as 2026-12-31T09:00:00Z.")
_CHOICE = gettext_lazy("Choose one of %(expected)s.")
_OBJECT = gettext_lazy("Send a JSON object.")
PYDANTIC_MESSAGES: dict[str, Promise] = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("No such field: check its name against the API reference."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_long": gettext_lazy("Keep it to %(max_length)s characters or fewer."),
    "string_too_short": gettext_lazy("Enter at least %(min_length)s characters."),
    "int_type": _WHOLE,
    "int_parsing": _WHOLE,
    "int_from_float": _WHOLE,
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "finite_number": gettext_lazy("Enter a finite number."),
    "greater_than": gettext_lazy("Enter a number greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter a number of at least %(ge)s."),
    "less_than": gettext_lazy("Enter a number less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter a number of at most %(le)s."),
    "decimal_max_places": gettext_lazy("Use at most %(decimal_places)s decimals."),
    "decimal_max_digits": gettext_lazy("Use at most %(max_digits)s digits."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "literal_error": _CHOICE,
    "enum": _CHOICE,
    "list_type": gettext_lazy("Send a list."),
    "too_long": gettext_lazy("Send at most %(max_length)s items."),
    "too_short": gettext_lazy("Send at least %(min_length)s items."),
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "uuid_parsing": gettext_lazy("Enter a valid identifier."),
}
# The fields of ninja's own parameter locations, which are not part of a field's name.
_LOCATIONS = ("body", "payload", "query", "path", "filters")


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(TandemError)
def on_domain_error(request: HttpRequest, exc: TandemError) -> HttpResponse:
    """The refusal's status and message; a 422 always names the fields at fault (``body`` when
    the rule concerns the request as a whole), other refusals when they concern one field."""
    body: dict[str, Any] = {"detail": exc.message, **exc.extra}
    if "errors" not in body and (exc.field or exc.status == 422):
        body["errors"] = [{"field": exc.field or "body", "message": exc.message}]
    return _error(request, exc.status, body)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """Missing or not yours, the same answer; every one is audited (``audit_refusal``)."""
    audit_refusal(request, exc)
    return _error(request, 404, {"detail": _("Not Found")})


def _message(item: dict[str, Any]) -> str:
    """One refusal of pydantic in the reader's language. A validator of ours (``value_error``)
    already speaks it: its words without pydantic's "Value error, " in front."""
    kind, message = str(item.get("type", "")), str(item.get("msg", ""))
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    template = PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return message or _("This value is not valid.")
    try:
        return str(template) % {key: str(value) for key, value in (item.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return message or str(template)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", []) if part not in _LOCATIONS]
        errors.append({"field": ".".join(loc) or "body", "message": _message(item)})
    return _error(request, 422, {"detail": str(INVALID_FIELDS), "errors": errors})


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, {"detail": _("Authentication required: a bearer token or a signed-in session.")}
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403 and str(exc.message).startswith("CSRF"):  # ninja's session check
        return _error(request, 403, {"detail": _(CSRF_REFUSED)})
    return _error(request, exc.status_code, {"detail": str(exc.message)})


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body past ``DATA_UPLOAD_MAX_MEMORY_SIZE``: the client's mistake, answered, not logged."""
    return _error(request, 413, {"detail": _("The request body is too large.")})


def _register_routers() -> None:
    from tandem.core.api import router as core_router
    from tandem.delivery.api import public_router as feedback_door
    from tandem.delivery.api import router as delivery_router
    from tandem.governance.api import router as governance_router
    from tandem.insights.api import router as insights_router
    from tandem.insights.api_reports import router as reports_router
    from tandem.reviews.api import router as reviews_router
    from tandem.strategy.api import router as strategy_router
    from tandem.surveys.api import public_router as survey_door
    from tandem.surveys.api import router as surveys_router
    from tandem.whycheck.api import router as whycheck_router

    api.add_router("", survey_door)  # matched first: see surveys.api.public_router
    api.add_router("", feedback_door)  # likewise: see delivery.api.public_router
    api.add_router("", core_router)
    api.add_router("", strategy_router)
    api.add_router("", whycheck_router)
    api.add_router("", surveys_router)
    api.add_router("", governance_router)
    api.add_router("", delivery_router)
    api.add_router("", reviews_router)
    api.add_router("", insights_router)
    api.add_router("", reports_router)


_register_routers()
