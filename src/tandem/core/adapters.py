"""How django-allauth fits Tandem: invitation-only sign-up and an audited sign-in."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from tandem.core.audit import audit_record

PENDING_INVITATION = "tandem_invitation"


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Sign-up only through an invitation link; every sign-in attempt lands in the audit log."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(request.session.get(PENDING_INVITATION))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        token = request.session.get(PENDING_INVITATION)
        if token:
            return reverse("core:invitation", args=[token])
        return str(super().get_signup_redirect_url(request))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except Exception:
            audit_record(
                action="signin.throttled",
                summary=str(credentials.get("email", ""))[:200],
                request=request,
            )
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        audit_record(
            action="signin.failed",
            summary=str(credentials.get("email", ""))[:200],
            request=request,
        )

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        audit_record(action="signin.succeeded", actor=user, summary=user.email, request=request)

    def logout(self, request: HttpRequest) -> None:
        user = request.user
        if user.is_authenticated:
            audit_record(action="signout", actor=user, summary=user.email, request=request)
        super().logout(request)
