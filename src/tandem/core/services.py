"""Writes of the core app. Each service validates the cross-row rules, runs in one transaction,
records the audit event and schedules side effects after commit."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record
from tandem.core.cache import org_changed
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.models import (
    ApiToken,
    Department,
    Invitation,
    Membership,
    Organization,
    Role,
    Side,
    User,
    hash_token,
)
from tandem.core.navigation import app_hooks
from tandem.core.validation import clean_text

INVITATION_SALT = "tandem.invitation"
API_TOKEN_PREFIX = "tdm_"  # noqa: S105 (a public marker, not a secret)


def _clean_email(email: str, *, field: str = "email") -> str:
    email = clean_text(email, field=field, max_length=254).lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(_("Enter a valid e-mail address."), field=field) from None
    return email


def _check_choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise ValidationFailed(_("Choose one of: %(allowed)s.") % {"allowed": allowed}, field=field)
    return value


class Unchanged:
    """Marks an optional argument that was not given (``None`` means "clear it")."""


UNCHANGED = Unchanged()


# --- Organisations -----------------------------------------------------------------------------


def organization_create(
    *, name: str, slug: str = "", owner: User, owner_side: str = Side.BUSINESS
) -> Organization:
    """A new organisation with ``owner`` as its first owner, and whatever each app gives a new
    organisation (an AppConfig's ``tandem_org_created`` hook, e.g. the shipped survey templates)."""
    name = clean_text(name, field="name", max_length=120)
    if not name:
        raise ValidationFailed(_("Give the organisation a name."), field="name")
    slug = slugify(slug or name)[:50]
    if not slug:
        raise ValidationFailed(_("Choose a short name of letters and digits."), field="slug")
    _check_choice(owner_side, Side, "side")
    with transaction.atomic():
        if Organization.objects.filter(slug=slug).exists():
            raise Conflict(_("The short name “%(slug)s” is taken.") % {"slug": slug}, field="slug")
        org = Organization.objects.create(name=name, slug=slug)
        membership = Membership.objects.create(organization=org, user=owner, role=Role.OWNER, side=owner_side)
        audit_record(action="org.created", actor=owner, organization=org, target=org, summary=name)
        audit_record(
            action="membership.created",
            actor=owner,
            organization=org,
            target=membership,
            summary=owner.email,
            data={"role": Role.OWNER, "side": owner_side},
        )
        for hook in app_hooks("tandem_org_created"):  # what each app gives a new organisation
            hook(org)
    return org


def organization_update(
    *,
    org: Organization,
    actor: Membership,
    name: str,
    require_mfa: bool,
    language: str | None = None,
    request: HttpRequest | None = None,
) -> Organization:
    """Rename the organisation or set its default language (admins), or change its MFA
    requirement (owners only). ``language`` None leaves the default language as it is."""
    name = clean_text(name, field="name", max_length=120)
    if not name:
        raise ValidationFailed(_("Give the organisation a name."), field="name")
    if require_mfa != org.require_mfa and not actor.is_owner:
        raise ValidationFailed(_("Only an owner can change the MFA requirement."), field="require_mfa")
    language = org.language if language is None else checked_language(language)
    changes: dict[str, list[Any]] = {}
    if name != org.name:
        changes["name"] = [org.name, name]
    if require_mfa != org.require_mfa:
        changes["require_mfa"] = [org.require_mfa, require_mfa]
    if language != org.language:
        changes["language"] = [org.language, language]
    if not changes:
        return org
    with transaction.atomic():
        org.name = name
        org.require_mfa = require_mfa
        org.language = language
        org.save(update_fields=["name", "require_mfa", "language"])
        audit_record(
            action="org.updated",
            actor=actor.user,
            organization=org,
            target=org,
            data=changes,
            request=request,
        )
    return org


# --- Departments -------------------------------------------------------------------------------


def department_create(*, org: Organization, actor: Membership, name: str) -> Department:
    """A new department; names are unique within the organisation, ignoring case."""
    name = clean_text(name, field="name", max_length=120)
    if not name:
        raise ValidationFailed(_("Give the department a name."), field="name")
    if Department.objects.for_org(org).filter(name__iexact=name).exists():
        raise Conflict(_("There is already a department called “%(name)s”.") % {"name": name}, field="name")
    with transaction.atomic():
        department = Department.objects.create(organization=org, name=name)
        audit_record(
            action="department.created", actor=actor.user, organization=org, target=department, summary=name
        )
    return department


def department_resolve(
    *, org: Organization, name: str | None, field: str = "department"
) -> Department | None:
    """The department called ``name`` (ignoring case), ``None`` for an empty name."""
    name = clean_text(name, field=field, max_length=120)
    if not name:
        return None
    department = Department.objects.for_org(org).filter(name__iexact=name.strip()).first()
    if department is None:
        raise ValidationFailed(
            _("No department called “%(name)s”; create it first.") % {"name": name.strip()}, field=field
        )
    return department


# --- Memberships ---------------------------------------------------------------------------------


def _active_owner_count(org: Organization) -> int:
    return Membership.objects.for_org(org).filter(role=Role.OWNER, is_active=True).count()


def _check_role_change(*, actor: Membership, target_role: str, new_role: str) -> None:
    if Role.OWNER in (target_role, new_role) and not actor.is_owner:
        raise ValidationFailed(_("Only an owner can grant or take away the owner role."), field="role")


def membership_update(
    *,
    actor: Membership,
    member: Membership,
    role: str | None = None,
    side: str | None = None,
    department: Department | Unchanged | None = UNCHANGED,
    title: str | None = None,
    is_active: bool | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    """Change a member's role, side, department, title or active state (owners and admins).

    Only owners touch the owner role, and an organisation always keeps one active owner.
    """
    if title is not None:
        title = clean_text(title, field="title", max_length=120)
    changes = _membership_changes(
        actor=actor,
        member=member,
        role=role,
        side=side,
        department=department,
        title=title,
        is_active=is_active,
    )
    if not changes:
        return member
    with transaction.atomic():
        losing_owner = (
            member.role == Role.OWNER
            and member.is_active
            and (("role" in changes and role != Role.OWNER) or ("is_active" in changes and not is_active))
        )
        if losing_owner and _active_owner_count(member.organization) <= 1:
            raise Conflict(
                _("An organisation needs at least one active owner. Make someone else owner first."),
                field="role" if "role" in changes else "is_active",
            )
        values = {
            "role": role,
            "side": side,
            "department": department,
            "title": title,
            "is_active": is_active,
        }
        for field in changes:
            setattr(member, field, values[field])
        member.save()
        audit_record(
            action=_membership_action(changes, is_active=is_active),
            actor=actor.user,
            organization=member.organization,
            target=member,
            summary=member.user.email,
            data=changes,
            request=request,
        )
    return member


def _membership_changes(
    *,
    actor: Membership,
    member: Membership,
    role: str | None,
    side: str | None,
    department: Department | Unchanged | None,
    title: str | None,
    is_active: bool | None,
) -> dict[str, list[Any]]:
    """The fields that change, as [old, new] for the audit record; checks each new value."""
    changes: dict[str, list[Any]] = {}
    if role is not None and role != member.role:
        _check_choice(role, Role, "role")
        _check_role_change(actor=actor, target_role=member.role, new_role=role)
        changes["role"] = [member.role, role]
    if side is not None and side != member.side:
        _check_choice(side, Side, "side")
        changes["side"] = [member.side, side]
    if not isinstance(department, Unchanged) and department != member.department:
        old = member.department.name if member.department else None
        changes["department"] = [old, department.name if department else None]
    if title is not None and title != member.title:
        changes["title"] = [member.title, title]
    if is_active is not None and is_active != member.is_active:
        if member.role == Role.OWNER and not actor.is_owner:
            raise ValidationFailed(_("Only an owner can deactivate an owner."), field="is_active")
        changes["is_active"] = [member.is_active, is_active]
    return changes


def _membership_action(changes: dict[str, list[Any]], *, is_active: bool | None) -> str:
    if list(changes) == ["is_active"]:
        return "membership.reactivated" if is_active else "membership.deactivated"
    return "membership.role_changed" if "role" in changes else "membership.updated"


# --- Invitations -----------------------------------------------------------------------------------


def link_base_url(request: HttpRequest | None) -> str:
    """Where links in e-mails point: the address the person acting used (the worker that sends the
    e-mail has no request to ask), or ``TANDEM_SITE_URL`` without a request."""
    return request.build_absolute_uri("/").rstrip("/") if request is not None else settings.SITE_URL


def invitation_token(invitation: Invitation) -> str:
    """The secret part of an invitation link (signed; nothing secret is stored)."""
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT, compress=True)


def invitation_create(
    *,
    actor: Membership,
    email: str,
    role: str = Role.MEMBER,
    side: str,
    department: Department | None = None,
    title: str = "",
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite ``email`` to the actor's organisation and e-mail the link (by a background task).

    A pending invitation to the same address is replaced, so only the newest link works.
    """
    from tandem.core.tasks import send_invitation_email  # tasks import services

    org = actor.organization
    email = _clean_email(email)
    _check_choice(role, Role, "role")
    _check_choice(side, Side, "side")
    if role == Role.OWNER and not actor.is_owner:
        raise ValidationFailed(_("Only an owner can invite another owner."), field="role")
    if Membership.objects.for_org(org).filter(user__email__iexact=email, is_active=True).exists():
        raise Conflict(_("%(email)s is already a member.") % {"email": email}, field="email")
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.for_org(org).filter(email__iexact=email, accepted_at=None, revoked_at=None).update(
            revoked_at=now
        )
        invitation = Invitation.objects.create(
            organization=org,
            email=email,
            role=role,
            side=side,
            department=department,
            title=clean_text(title, field="title", max_length=120),
            nonce=secrets.token_urlsafe(16),
            invited_by=actor.user,
            expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
        )
        audit_record(
            action="invitation.created",
            actor=actor.user,
            organization=org,
            target=invitation,
            summary=email,
            data={"role": role, "side": side},
            request=request,
        )
        base_url = link_base_url(request)
        transaction.on_commit(
            lambda: send_invitation_email.enqueue(invitation_id=invitation.pk, base_url=base_url)
        )
    return invitation


def invitation_revoke(
    *, actor: Membership, invitation: Invitation, request: HttpRequest | None = None
) -> None:
    """Withdraw a pending invitation; its link stops working."""
    if invitation.accepted_at or invitation.revoked_at:
        raise Conflict(_("This invitation is no longer pending."))
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action="invitation.revoked",
            actor=actor.user,
            organization=invitation.organization,
            target=invitation,
            summary=invitation.email,
            request=request,
        )


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation behind a link; ``NotFound`` when forged, replaced, used or expired."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT)
        invitation_id, nonce = int(payload["i"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound() from None
    # Looked up across organisations on purpose: the signed link is the credential.
    invitation = (
        Invitation.objects.unscoped()
        .select_related("organization", "department", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce) or not invitation.is_pending:
        raise NotFound()
    return invitation


def invitation_accept(
    *, invitation: Invitation, user: User, request: HttpRequest | None = None
) -> Membership:
    """Join the organisation; the person must own the invited address (a verified e-mail)."""
    from allauth.account.models import EmailAddress  # app registry

    owns_address = EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()
    if not owns_address:
        raise ValidationFailed(
            _("This invitation is for %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    org = invitation.organization
    with transaction.atomic():
        membership = Membership.objects.for_org(org).filter(user=user).first()
        if membership is None:
            membership = Membership(organization=org, user=user)
        membership.role = invitation.role
        membership.side = invitation.side
        membership.department = invitation.department
        membership.title = invitation.title or membership.title
        membership.is_active = True
        membership.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            action="membership.created",
            actor=user,
            organization=org,
            target=membership,
            summary=user.email,
            data={"role": membership.role, "side": membership.side, "invitation": invitation.pk},
            request=request,
        )
    return membership


# --- People --------------------------------------------------------------------------------------


def user_create(*, email: str, name: str = "", password: str | None = None, verified: bool = True) -> User:
    """A new account with a verified primary e-mail address (for the CLI and the demo)."""
    from allauth.account.models import EmailAddress  # app registry

    email = _clean_email(email)
    with transaction.atomic():
        try:
            user = User.objects.create_user(
                email=email, password=password, name=clean_text(name, field="name", max_length=150)
            )
        except IntegrityError:
            raise Conflict(_("%(email)s already has an account.") % {"email": email}, field="email") from None
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def user_update_profile(*, user: User, name: str, language: str | None = None) -> User:
    """Change the person's display name and, when given, their language ("" follows the
    organisation's default, then the browser); every organisation that shows the name sees the
    change (its data version moves, so no page keeps the old name)."""
    name = clean_text(name, field="name", max_length=150)
    language = user.language if language is None else checked_language(language)
    with transaction.atomic():
        user.name, user.language = name, language
        user.save(update_fields=["name", "language"])
        for org_id in Membership.objects.for_user(user).values_list("organization_id", flat=True):
            org_changed(org_id)
    return user


def user_set_language(*, user: User, language: str) -> User:
    """The person's own choice of language (the menu's switcher): pages and e-mails to them use it."""
    user.language = checked_language(language)
    user.save(update_fields=["language"])
    return user


def checked_language(language: str, *, field: str = "language") -> str:
    """A language Tandem ships ("" for none chosen), or ValidationFailed naming the choices."""
    language = (language or "").strip()
    if language and language not in dict(settings.LANGUAGES):
        choices = ", ".join(code for code, _name in settings.LANGUAGES)
        raise ValidationFailed(
            _("Choose one of the languages Tandem speaks: %(choices)s.") % {"choices": choices}, field=field
        )
    return language


# --- API tokens ------------------------------------------------------------------------------------


def api_token_create(*, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for the member in their organisation; the clear token is returned once."""
    name = clean_text(name, field="name", max_length=80) or _("API token")
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            organization=membership.organization,
            user=membership.user,
            name=name,
            prefix=raw[:10],
            token_hash=hash_token(raw),
        )
        audit_record(
            action="api_token.created",
            actor=membership.user,
            organization=membership.organization,
            target=token,
            summary=name,
        )
    return token, raw


def api_token_revoke(*, user: User, token: ApiToken) -> None:
    """Revoke a token; requests that carry it fail from now on."""
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="api_token.revoked",
            actor=user,
            organization=token.organization,
            target=token,
            summary=token.name,
        )


def api_token_revoke_all_for_user(*, user: User, reason: str, request: HttpRequest | None = None) -> int:
    """Revoke every live token of ``user`` in every organisation (after a password reset or change:
    whoever learnt the old password may have made one); one audit record per organisation.
    Returns how many tokens were revoked."""
    now = timezone.now()
    with transaction.atomic():
        # The user's own related manager is scoped to them; tokens span their organisations.
        live = list(user.api_tokens.filter(revoked_at=None).select_related("organization"))
        if not live:
            return 0
        user.api_tokens.filter(pk__in=[token.pk for token in live]).update(revoked_at=now)
        by_org: dict[int, list[ApiToken]] = {}
        for token in live:
            by_org.setdefault(token.organization_id, []).append(token)
        for tokens in by_org.values():
            audit_record(
                action="api_token.revoked",
                actor=user,
                organization=tokens[0].organization,
                summary=", ".join(token.name for token in tokens),
                data={"reason": reason, "tokens": [token.prefix for token in tokens]},
                request=request,
            )
    return len(live)
