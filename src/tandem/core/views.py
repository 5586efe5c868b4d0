"""HTML views of the core app: thin; the gate loads, a service writes, a template renders."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject as lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import access, selectors, services
from tandem.core.access import Need, OrgRequest
from tandem.core.adapters import PENDING_INVITATION
from tandem.core.cache import app_versions, page_cached
from tandem.core.decorators import org_view
from tandem.core.errors import TandemError
from tandem.core.forms import (
    ApiTokenForm,
    DepartmentForm,
    InviteForm,
    LanguageForm,
    MemberForm,
    OrganizationSettingsForm,
    ProfileForm,
    form_error_from,
    form_submit,
    posted,
    render_form,
)
from tandem.core.insights import NEED_KINDS, NeedItem, SetupStep
from tandem.core.language import use_language
from tandem.core.models import Invitation, Membership, Organization, User
from tandem.core.navigation import HomePanel, app_hooks, home_panels

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
def org_home(request: OrgRequest) -> HttpResponse:
    """What needs the member (from every app), the organisation's alignment and the apps' panels
    (internal members), and the getting-started checklist (owners and admins, until it is done)."""
    org, membership = request.org, request.membership
    if request.session.get(LAST_ORG) != org.slug:  # write the session only when it changes
        request.session[LAST_ORG] = org.slug
    versions = app_versions(org)  # the panels show survey answers, which leave the data version
    counts = lazy(lambda: selectors.member_counts_for_org(org))
    context = {  # lazy: the page is drawn once per version of the organisation's data
        "counts": counts,
        "needs": lazy(lambda: _needs_of(membership)),
        "checklist": lazy(lambda: _checklist(membership, counts) if membership.is_admin else None),
        "pending_invitations": lazy(lambda: selectors.invitation_list_pending(org).count()),
        "panels": lazy(lambda: _panels_in_order(home_panels(membership))),
        "today": timezone.localdate(),
        "versions": versions,
    }
    return page_cached(request, lambda: render(request, "core/org_home.html", context), versions)


@dataclass(frozen=True)
class NeedGroup:
    """One kind of thing waiting for the member (answers, check-ins, ...), overdue first."""

    kind: str
    title: str
    items: list[NeedItem]
    overdue: int


def _need_titles() -> dict[str, str]:
    return {
        "answer": _("Answers due"),
        "check_in": _("Check-ins due"),
        "action": _("Your actions"),
        "approval": _("Waiting for your decision"),
    }


def _needs_of(membership: Membership) -> list[NeedGroup]:
    """Every app's items waiting for ``membership`` (``tandem_needs_me``), grouped by kind in
    ``NEED_KINDS`` order; in a group the overdue ones first, then by due date (undated last)."""
    today = timezone.localdate()
    found: list[NeedItem] = [
        item for source in app_hooks("tandem_needs_me") for item in source(membership, today)
    ]
    titles = _need_titles()
    groups = []
    for kind in (*NEED_KINDS, *sorted({i.kind for i in found} - set(NEED_KINDS))):
        items = sorted(
            (i for i in found if i.kind == kind),
            key=lambda i: (not i.is_overdue(today), i.due_on is None, i.due_on or today, str(i.title)),
        )
        if items:
            overdue = sum(1 for i in items if i.is_overdue(today))
            groups.append(NeedGroup(kind, titles.get(kind, kind), items, overdue))
    return groups


def _checklist(membership: Membership, counts: Any) -> list[SetupStep] | None:
    """The getting-started steps, core's and every app's (``tandem_getting_started``), in order;
    ``None`` once every step is done."""
    org = membership.organization
    slug = org.slug
    steps = [
        SetupStep(
            key="departments",
            label=_("Add your departments"),
            done=selectors.department_list_for_org(org).exists(),
            url=reverse("core:departments", kwargs={"org_slug": slug}),
            order=10,
        ),
        SetupStep(
            key="both_sides",
            label=_("Invite business and IT leads"),
            done=bool(counts["business"] and counts["it"]),
            url=reverse("core:members", kwargs={"org_slug": slug}) + "#invite",
            order=20,
        ),
        *(step for source in app_hooks("tandem_getting_started") for step in source(org)),
    ]
    steps.sort(key=lambda step: (step.order, str(step.label)))
    return None if all(step.done for step in steps) else steps


def _panels_in_order(panels: list[HomePanel]) -> list[HomePanel]:
    """The alignment panel first (it sums up the others), then the apps' own in their order."""
    return sorted(panels, key=lambda panel: not panel.template.startswith("insights/"))


def _admin_posts(request: OrgRequest) -> None:
    """Pages every internal member reads whose form only owners and admins may post."""
    if request.method == "POST":
        access.require(request.membership, Need.ADMIN)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def members(request: OrgRequest) -> HttpResponse:
    """Every internal member sees who is who; owners and admins also invite."""
    membership, org = request.membership, request.org
    _admin_posts(request)
    form = InviteForm(posted(request), org=org)
    invite = partial(services.invitation_create, actor=membership, request=request)
    done = form_submit(request, form, invite, to=_url("core:members", org), message=_invited)
    page = Paginator(selectors.membership_list_for_org(org), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form,
        "invitations": selectors.invitation_list_pending(org) if membership.is_admin else [],
        "invitation_days": settings.INVITATION_TTL_DAYS,
    }
    return done or render_form(request, "core/members.html", context, form)


def _url(name: str, org: Organization) -> str:
    return reverse(name, kwargs={"org_slug": org.slug})


def _invited(invitation: Invitation) -> str:
    return _("Invitation sent to %(email)s.") % {"email": invitation.email}


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def member_edit(request: OrgRequest, member_id: int) -> HttpResponse:
    """Change role, side, department or title; deactivate or reactivate."""
    actor = request.membership
    member = access.member_get_for_admin(admin=actor, member_id=member_id)
    initial = {
        "role": member.role,
        "side": member.side,
        "department": member.department,
        "title": member.title,
    }
    toggle = request.POST.get("action") in ("deactivate", "reactivate")  # buttons with no fields
    form = MemberForm(None if toggle else posted(request), initial=initial, org=actor.organization)
    update = partial(services.membership_update, actor=actor, member=member, request=request)
    if toggle:
        update = partial(update, is_active=request.POST["action"] == "reactivate")
    message = (
        _("Membership updated.") if toggle else _("Saved %(name)s.") % {"name": member.user.display_name}
    )
    to = _url("core:members", actor.organization)
    done = form_submit(request, form, update, to=to, message=message, fields=not toggle)
    template = "core/_member_form.html" if request.htmx else "core/member_edit.html"
    return done or render_form(request, template, {"member": member, "form": form}, form)


@org_view(Need.ADMIN)
@require_POST
def invitation_revoke(request: OrgRequest, invitation_id: int) -> HttpResponse:
    actor = request.membership
    invitation = access.invitation_get_for_admin(admin=actor, invitation_id=invitation_id)
    try:
        services.invitation_revoke(actor=actor, invitation=invitation, request=request)
        messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    except TandemError as error:
        messages.error(request, error.message)
    return redirect("core:members", org_slug=actor.organization.slug)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def departments(request: OrgRequest) -> HttpResponse:
    membership, org = request.membership, request.org
    _admin_posts(request)
    form = DepartmentForm(posted(request))
    create = partial(services.department_create, org=org, actor=membership)
    done = form_submit(
        request, form, create, to=_url("core:departments", org), message=_("Department added.")
    )
    context = {"departments": selectors.department_list_for_org(org), "form": form}
    return done or render_form(request, "core/departments.html", context, form)


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def org_settings(request: OrgRequest) -> HttpResponse:
    membership, org = request.membership, request.org
    form = OrganizationSettingsForm(
        posted(request), initial={"name": org.name, "require_mfa": org.require_mfa, "language": org.language}
    )
    form.fields["require_mfa"].disabled = not membership.is_owner
    update = partial(services.organization_update, org=org, actor=membership, request=request)
    done = form_submit(request, form, update, to=_url("core:org_settings", org), message=_("Settings saved."))
    return done or render_form(request, "core/org_settings.html", {"form": form}, form)


@org_view(Need.ADMIN)
@require_GET
def audit_log(request: OrgRequest) -> HttpResponse:
    action = request.GET.get("action", "")[:64]
    events = selectors.audit_list_for_org(request.org, action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
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
        from allauth.account.adapter import get_adapter

        # Signing up through the link proves the address: allauth skips the verification mail.
        request.session[PENDING_INVITATION] = token
        get_adapter(request).stash_verified_email(request, invitation.email)
        context["has_account"] = User.objects.filter(email__iexact=invitation.email).exists()
    return render(request, "core/invitation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = ProfileForm(posted(request), initial={"name": user.name, "language": user.language})
    update = partial(services.user_update_profile, user=user)
    done = form_submit(request, form, update, to=reverse("core:profile"), message=_("Profile saved."))
    context = {
        "form": form,
        "memberships": selectors.memberships_for_user(user),
        "signins": selectors.signin_events_for_user(user)[:10],
    }
    return done or render_form(request, "core/profile.html", context, form)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The menu's language switcher: a signed-in person's choice is kept in their profile, and the
    cookie carries it for everyone else (the sign-in page, a survey link). Back to the page it was
    used on, when that is an address of this site."""
    form = LanguageForm(request.POST)
    back = form.data.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("core:home") if request.user.is_authenticated else reverse("account_login")
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages Tandem speaks."))
        return redirect(back)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    use_language(request, language)
    response = redirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    memberships = {m.organization.slug: m for m in selectors.memberships_for_user(request.user)}
    choices = [(slug, m.organization.name) for slug, m in memberships.items()]
    form = ApiTokenForm(posted(request), org_choices=choices)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            membership = access.org_member(request, form.cleaned_data["organization"])
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
    return render_form(request, "core/api_tokens.html", context, form)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access.api_token_get_for_user(user=request.user, token_id=token_id)
    services.api_token_revoke(user=cast(User, request.user), token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("core:api_tokens")


@require_GET
def bench_floor(request: HttpRequest) -> JsonResponse:
    """A bare view running one query: the framework floor for `make bench` (off by default)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM core_organization")
        (count,) = cursor.fetchone()
    return JsonResponse({"organizations": count, "debug": settings.DEBUG})


@csrf_exempt
@require_POST
def bench_insert(request: HttpRequest) -> JsonResponse:
    """A bare view inserting one row: the floor of the survey intake for `make bench` (off by default).

    The benchmark creates the ``bench_insert`` table in its throwaway database; no migration has it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_insert (body) VALUES (%s)", [request.body.decode("utf-8", "replace")]
        )
    return JsonResponse({"stored": True}, status=201)
