"""The parties an organisation works with (internal teams and external suppliers), their contacts,
contracts and contributions to shared objectives; and who does what per initiative (RACI)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import ClassVar

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, OrgScopedModel, Side
from tandem.core.tenancy import TenantManager
from tandem.strategy.models import Initiative, Objective


class PartyKind(models.TextChoices):
    INTERNAL = "internal", _("Internal team")
    SOFTWARE_VENDOR = "software_vendor", _("Software vendor")
    CLOUD_PROVIDER = "cloud_provider", _("Cloud provider")
    INTEGRATOR = "integrator", _("Integrator")
    CONSULTANCY = "consultancy", _("Consultancy")
    MANAGED_SERVICES = "managed_services", _("Managed service provider")
    OTHER = "other", _("Other")


class Party(OrgScopedModel):
    """An internal team or an external party (a vendor, a cloud provider, an integrator...).

    An internal team belongs to one side (business or IT); an external party is on the partner side.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    side = models.CharField(
        _("side"),
        max_length=16,
        choices=Side.choices,
        help_text=_(
            "An internal team is on the business or the IT side; an external party on the partner side."
        ),
    )
    description = models.TextField(_("what they do for us"), blank=True, max_length=2000)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager["Party"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = [Lower("name"), "id"]
        constraints: ClassVar = [
            models.UniqueConstraint("organization", Lower("name"), name="governance_party_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def external(self) -> bool:
        return self.kind != PartyKind.INTERNAL


class PartyContact(OrgScopedModel):
    """A person of a party: a member of the organisation (a partner-side member sees the party's
    work through this link) or an external address without an account."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contacts")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="party_contacts"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    role = models.CharField(_("role at the party"), max_length=120, blank=True)

    objects = TenantManager["PartyContact"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["party", "membership"],
                condition=models.Q(membership__isnull=False),
                name="governance_contact_member_unique",
            ),
            models.UniqueConstraint(
                "party",
                Lower("email"),
                condition=~models.Q(email=""),
                name="governance_contact_email_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(membership__isnull=False) | ~models.Q(email=""),
                name="governance_contact_member_or_email",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email or str(self.membership)


class Renewal(models.TextChoices):
    TACIT = "tacit", _("Renews tacitly unless notice is given")
    EXPLICIT = "explicit", _("Ends unless renewed explicitly")


class Contract(OrgScopedModel):
    """A contract with a party: its term, value and notice period. Tandem warns before the notice
    date, the last day to end (or renegotiate) a contract that would otherwise renew."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contracts")
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    notice_days = models.PositiveIntegerField(_("notice period (days)"), default=90)
    renewal = models.CharField(_("renewal"), max_length=16, choices=Renewal.choices, default=Renewal.EXPLICIT)
    alert_days = models.PositiveIntegerField(_("alert days before the notice date"), default=30)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager["Contract"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-starts_on", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="governance_contract_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def notice_date(self) -> date | None:
        """The last day to give notice: the end minus the notice period (none without an end)."""
        return self.ends_on - timedelta(days=self.notice_days) if self.ends_on else None

    def in_force(self, on: date | None = None) -> bool:
        """Whether the contract holds on ``on`` (today): started, and not ended — one that renews
        tacitly holds past its end date."""
        day = on or timezone.localdate()
        if day < self.starts_on:
            return False
        return self.ends_on is None or day <= self.ends_on or self.renewal == Renewal.TACIT

    def notice_alert(self, on: date | None = None) -> bool:
        """Whether the notice date is near (within ``alert_days``) and not yet past."""
        notice = self.notice_date
        if notice is None:
            return False
        day = on or timezone.localdate()
        return notice - timedelta(days=self.alert_days) <= day <= notice


class Contribution(OrgScopedModel):
    """A shared objective a party contributes to, and how, in a sentence."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contributions")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="party_contributions")
    contribution = models.CharField(_("contribution"), max_length=300)

    objects = TenantManager["Contribution"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["party", "objective"], name="governance_contribution_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.party} → {self.objective}"


class RaciLetter(models.TextChoices):
    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")


class TemplateActivity(OrgScopedModel):
    """A row of the organisation's starting RACI template: each new matrix begins with these."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("activity"), max_length=120)
    position = models.PositiveIntegerField(default=0)

    objects = TenantManager["TemplateActivity"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="governance_template_activity_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RaciActivity(OrgScopedModel):
    """A row of an initiative's RACI matrix."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="raci_activities")
    name = models.CharField(_("activity"), max_length=120)
    position = models.PositiveIntegerField(default=0)

    objects = TenantManager["RaciActivity"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint("initiative", Lower("name"), name="governance_activity_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RaciColumn(OrgScopedModel):
    """A column of an initiative's RACI matrix: a party or a person of the organisation."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="raci_columns")
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, null=True, blank=True, related_name="raci_columns"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="raci_columns"
    )
    position = models.PositiveIntegerField(default=0)

    objects = TenantManager["RaciColumn"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(party__isnull=True, membership__isnull=False)
                | models.Q(party__isnull=False, membership__isnull=True),
                name="governance_column_party_or_member",
            ),
            models.UniqueConstraint(
                fields=["initiative", "party"],
                condition=models.Q(party__isnull=False),
                name="governance_column_party_unique",
            ),
            models.UniqueConstraint(
                fields=["initiative", "membership"],
                condition=models.Q(membership__isnull=False),
                name="governance_column_member_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.party or self.membership)

    @property
    def key(self) -> str:
        """The column's key in the rules (``tandem.governance.raci``) and the editor's cell names."""
        return f"party:{self.party_id}" if self.party_id else f"member:{self.membership_id}"


class RaciAssignment(OrgScopedModel):
    """One cell of a RACI matrix: what a column does for an activity."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(RaciActivity, on_delete=models.CASCADE, related_name="assignments")
    column = models.ForeignKey(RaciColumn, on_delete=models.CASCADE, related_name="assignments")
    letter = models.CharField(_("role"), max_length=1, choices=RaciLetter.choices)

    objects = TenantManager["RaciAssignment"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["activity", "column"], name="governance_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.column} {self.letter}"


class WorkCalendarSettings(models.Model):
    """An organisation's working calendar (one row per organisation, created on first change):
    what "respond within 4 working hours" counts. ``tandem.governance.calendar`` computes with it."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="work_calendar")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    weekdays = models.CharField(
        _("working days"), max_length=13, default="0,1,2,3,4", help_text=_("Monday is 0, Sunday 6.")
    )
    day_start = models.TimeField(_("working day starts"), default=time(9, 0))
    day_end = models.TimeField(_("working day ends"), default=time(17, 0))
    country = models.CharField(_("public holidays of"), max_length=2, blank=True, default="NL")
    subdivision = models.CharField(_("region"), max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.organization}: {self.country or '—'} {self.day_start}–{self.day_end}"


class ClosingDay(OrgScopedModel):
    """A day the organisation is closed on top of the public holidays (a bridge day, the week
    between Christmas and New Year)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    name = models.CharField(_("name"), max_length=120, blank=True)

    objects = TenantManager["ClosingDay"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["day"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organization", "day"], name="governance_closing_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}".strip()
