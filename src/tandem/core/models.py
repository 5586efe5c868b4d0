"""Core domain: people, organisations (the tenants), memberships, departments, invitations,
API tokens and the audit log. No business rules of the domain apps live here."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.language import phrased
from tandem.core.tenancy import TenantManager, TenantQuerySet


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address; acts inside organisations through memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    # The person's own choice of language; "" follows the organisation's default, then the browser.
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Organization(models.Model):
    """A tenant: every domain row belongs to exactly one organisation."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    require_mfa = models.BooleanField(
        _("require multi-factor authentication"),
        default=False,
        help_text=_("Members must set up an authenticator app before they can open this organisation."),
    )
    # The language of members who chose none; "" follows each browser's Accept-Language.
    language = models.CharField(
        _("default language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped in the transaction of every write to the organisation's data (``core.cache``): the
    # figures cached under one value are never shown once a write has committed.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class OrgScopedModel(models.Model):
    """Base of every organisation-scoped row; its default manager refuses unscoped queries."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    objects = TenantManager["OrgScopedModel"]()

    class Meta:
        abstract = True


class Department(OrgScopedModel):
    """A department of an organisation (Sales, Finance, Infrastructure, ...)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=120)

    objects = TenantManager["Department"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint("organization", Lower("name"), name="core_department_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    LEAD = "lead", _("Lead")
    MEMBER = "member", _("Member")
    PARTNER = "partner", _("Partner")
    VIEWER = "viewer", _("Viewer")


class Side(models.TextChoices):
    BUSINESS = "business", _("Business")
    IT = "it", _("IT")
    PARTNER = "partner", _("Partner")


class MembershipQuerySet(TenantQuerySet["Membership"]):
    def for_user(self, user: Any) -> MembershipQuerySet:
        """The memberships of one person across organisations (the organisation switcher)."""
        return self.filter(user=user)._mark_scoped()

    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True)


class MembershipManager(TenantManager["Membership"]):
    def get_queryset(self) -> MembershipQuerySet:
        qs = MembershipQuerySet(model=self.model, using=self._db)
        if getattr(self, "instance", None) is not None:
            qs._tenant_scoped = True
        return qs

    def for_user(self, user: Any) -> MembershipQuerySet:
        return self.get_queryset().for_user(user)


class Membership(OrgScopedModel):
    """A person's place in an organisation: a role (what they may do) and a side (whose view)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    title = models.CharField(_("job title"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[MembershipManager] = MembershipManager()

    class Meta:
        ordering: ClassVar = ["user__name", "user__email"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organization", "user"], name="core_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"

    @property
    def is_admin(self) -> bool:
        """Owners and admins manage members, invitations and settings."""
        return self.role in (Role.OWNER, Role.ADMIN)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


def hash_token(token: str) -> str:
    """Tokens (invitations, API) are stored as SHA-256 digests, never in clear."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Invitation(OrgScopedModel):
    """An e-mailed invitation to join an organisation with a given role and side."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    # The link carries a signed (invitation id, nonce); nothing secret is stored. A new nonce
    # (on resend) invalidates earlier links.
    nonce = models.CharField(max_length=32)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["Invitation"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ApiToken(OrgScopedModel):
    """A bearer token for scripts: acts as its user, inside one organisation only."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["ApiToken"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(models.Model):
    """An append-only record of who did what, when and from where.

    ``organization`` is empty for account events that belong to no organisation (sign-ins).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    # When Tandem wrote the summary in words ("%(people)s people invited"), its values: the summary
    # then reads in each reader's language (``summary_text``); a title or an address is stored as is.
    summary_params = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager["AuditEvent"]()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def summary_text(self) -> str:
        """The summary in the reader's language when Tandem wrote it in words; as stored otherwise."""
        return phrased(self.summary, self.summary_params) if self.summary_params else self.summary

    @property
    def action_label(self) -> str:
        """What happened, in the reader's language ("Survey created"); the code when no app names it."""
        from tandem.core.audit import action_label  # the audit module reads these models

        return action_label(self.action)
