"""Domain errors. One base class whose ``status`` is the one mapping from a refused request to its
HTTP status: the HTML views answer a form error or a message with it, the API answers JSON with it,
so the same refusal has the same status on both. A user never sees a 500 for bad input."""

from __future__ import annotations

from typing import Any

from django.http import Http404


class TandemError(Exception):
    """A rule of the domain refused the request; ``message`` is shown to the user as is."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        self.extra = extra or {}


class ValidationFailed(TandemError):
    """Input broke a rule; ``field`` names the field at fault when there is one."""

    status = 422
    code = "invalid"


class Conflict(TandemError):
    """The request clashes with the current state (a duplicate, the last owner, ...)."""

    status = 409
    code = "conflict"


class MfaRequired(TandemError):
    """The organisation requires multi-factor authentication and the person has none yet."""

    status = 403
    code = "mfa_required"


class NotFound(Http404):
    """Missing or not yours: the two look the same, so existence is never confirmed.

    ``why`` and ``org`` are for the audit log only; the person sees a plain 404."""

    def __init__(self, why: str = "", *, org: Any = None) -> None:
        super().__init__(why)
        self.why = why
        self.org = org
