"""HTML views of the core app: thin; the gate loads, a service writes, a template renders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import access, selectors, services
from tandem.core.adapters import PENDING_INVITATION
from tandem.core.decorators import org_view
from tandem.core.errors import TandemError
from tandem.core.forms import (
    ApiTokenForm,
    DepartmentForm,
    InviteForm,
    MemberForm,
    OrganizationSettingsForm,
    ProfileForm,
    form_error_from,
)
from tandem.core.models import User
from tandem.core.navigation import home_panels

LAST_ORG = "tandem_last_org"


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Open the organisation used last, the only one, or a list to pick from."""
    memberships = list(selectors.memberships_for_user(request.user))
    slugs = [m.organization.slug for m in memberships]
    last = request.session.get(LAST_ORG)
    if last in slugs:
        return redirect("core:org_home", org_slug=last)
    if len(memberships) == 1:
        return redirect("core:org_home", org_slug=slugs[0])
    return render(request, "core/choose_org.html", {"memberships": memberships})


@org_view()
def org_home(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    if request.session.get(LAST_ORG) != org.slug:  # write the session only when it changes
        request.session[LAST_ORG] = org.slug
    context = {
        "counts": selectors.member_counts_for_org(org),
        "departments": selectors.department_list_for_org(org)[:20],
        "pending_invitations": selectors.invitation_list_pending(org).count(),
        "panels": home_panels(request.membership),  # type: ignore[attr-defined]
    }
    return render(request, "core/org_home.html", context)


@org_view()
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    """Every internal member sees who is who; owners and admins also invite."""
    membership = request.membership  # type: ignore[attr-defined]
    access.require_internal(membership=membership, request=request)
    org = membership.organization
    form = InviteForm(request.POST or None, org=org)
    if request.method == "POST":
        access.require_admin(membership=membership, request=request)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    actor=membership, request=request, **form.cleaned_data
                )
            except TandemError as error:
                form_error_from(form, error)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("core:members", org_slug=org.slug)
    page = Paginator(selectors.membership_list_for_org(org), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "invitations": selectors.invitation_list_pending(org) if membership.is_admin else [],
        "invitation_days": settings.INVITATION_TTL_DAYS,
    }
    return render(request, "core/members.html", context, status=422 if form.errors else 200)


@org_view(admin=True)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    """Change role, side, department or title; deactivate or reactivate."""
    actor = request.membership  # type: ignore[attr-defined]
    member = access.member_get_for_admin(admin=actor, member_id=member_id)
    initial = {
        "role": member.role,
        "side": member.side,
        "department": member.department,
        "title": member.title,
    }
    form = MemberForm(request.POST or None, initial=initial, org=actor.organization)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in ("deactivate", "reactivate"):
                services.membership_update(
                    actor=actor, member=member, is_active=action == "reactivate", request=request
                )
                messages.success(request, _("Membership updated."))
                return redirect("core:members", org_slug=actor.organization.slug)
            if form.is_valid():
                services.membership_update(actor=actor, member=member, request=request, **form.cleaned_data)
                messages.success(request, _("Saved %(name)s.") % {"name": member.user.display_name})
                return redirect("core:members", org_slug=actor.organization.slug)
        except TandemError as error:
            form_error_from(form, error)
    template = "core/_member_form.html" if request.htmx else "core/member_edit.html"  # type: ignore[attr-defined]
    return render(request, template, {"member": member, "form": form}, status=422 if form.errors else 200)


@org_view(admin=True)
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    invitation = access.invitation_get_for_admin(admin=actor, invitation_id=invitation_id)
    try:
        services.invitation_revoke(actor=actor, invitation=invitation, request=request)
        messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    except TandemError as error:
        messages.error(request, error.message)
    return redirect("core:members", org_slug=actor.organization.slug)


@org_view()
@require_http_methods(["GET", "POST"])
def departments(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    access.require_internal(membership=membership, request=request)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST":
        access.require_admin(membership=membership, request=request)
        if form.is_valid():
            try:
                services.department_create(org=membership.organization, actor=membership, **form.cleaned_data)
            except TandemError as error:
                form_error_from(form, error)
            else:
                messages.success(request, _("Department added."))
                return redirect("core:departments", org_slug=membership.organization.slug)
    context = {"departments": selectors.department_list_for_org(membership.organization), "form": form}
    return render(request, "core/departments.html", context, status=422 if form.errors else 200)


@org_view(admin=True)
@require_http_methods(["GET", "POST"])
def org_settings(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    org = membership.organization
    form = OrganizationSettingsForm(
        request.POST or None, initial={"name": org.name, "require_mfa": org.require_mfa}
    )
    if not membership.is_owner:
        form.fields["require_mfa"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(org=org, actor=membership, request=request, **form.cleaned_data)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("core:org_settings", org_slug=org.slug)
    return render(request, "core/org_settings.html", {"form": form}, status=422 if form.errors else 200)


@org_view(admin=True)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    org = request.org  # type: ignore[attr-defined]
    action = request.GET.get("action", "")[:64]
    page = Paginator(selectors.audit_list_for_org(org, action=action), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page, "action": action})


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind an invitation link: sign in or create an account, then accept."""
    invitation = services.invitation_from_token(token)
    context: dict[str, Any] = {"invitation": invitation, "token": token}
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user, request=request)
        except TandemError as error:
            context["error"] = error.message
        else:
            request.session.pop(PENDING_INVITATION, None)
            messages.success(request, _("Welcome to %(org)s.") % {"org": membership.organization.name})
            return redirect("core:org_home", org_slug=membership.organization.slug)
    if not request.user.is_authenticated:
        from allauth.account.adapter import get_adapter  # noqa: PLC0415 (app registry)

        # Signing up through the link proves the address: allauth skips the verification mail.
        request.session[PENDING_INVITATION] = token
        get_adapter(request).stash_verified_email(request, invitation.email)
        context["has_account"] = User.objects.filter(email__iexact=invitation.email).exists()
    return render(request, "core/invitation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial={"name": request.user.name})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("core:profile")
    context = {
        "form": form,
        "memberships": selectors.memberships_for_user(request.user),
        "signins": selectors.signin_events_for_user(request.user)[:10],
    }
    return render(request, "core/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    memberships = {m.organization.slug: m for m in selectors.memberships_for_user(request.user)}
    choices = [(slug, m.organization.name) for slug, m in memberships.items()]
    form = ApiTokenForm(request.POST or None, org_choices=choices)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            membership = access.membership_get_for_user(
                user=request.user, org_slug=form.cleaned_data["organization"], request=request
            )
            token, new_token = services.api_token_create(
                membership=membership, name=form.cleaned_data["name"]
            )
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(
                request,
                _("Token “%(name)s” created. Copy it now: it is shown only once.") % {"name": token.name},
            )
            form = ApiTokenForm(org_choices=choices)
    tokens = selectors.api_token_list_for_user(request.user)
    context = {"form": form, "tokens": tokens, "new_token": new_token}
    return render(request, "core/api_tokens.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access.api_token_get_for_user(user=request.user, token_id=token_id)
    services.api_token_revoke(user=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("core:api_tokens")


@require_GET
def bench_floor(request: HttpRequest) -> JsonResponse:
    """A bare view running one query: the framework floor for `make bench` (off by default)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM core_organization")
        (count,) = cursor.fetchone()
    return JsonResponse({"organizations": count, "debug": settings.DEBUG})
