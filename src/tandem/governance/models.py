"""The parties an organisation works with (internal teams and external suppliers), their contacts,
contracts and contributions to shared objectives; and who does what per initiative (RACI)."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, OrgScopedModel, Side
from tandem.core.tenancy import TenantManager
from tandem.strategy.models import Initiative, KeyResult, Objective


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


# --- Services and their service levels --------------------------------------------------------


class Priority(models.TextChoices):
    """An incident's severity, which picks the service level that applies to it."""

    CRITICAL = "p1", _("P1 critical")
    HIGH = "p2", _("P2 high")
    MEDIUM = "p3", _("P3 medium")
    LOW = "p4", _("P4 low")


class Service(OrgScopedModel):
    """A service a party runs for the organisation ("ERP hosting" by a cloud provider), and the
    initiatives and key results that depend on it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    availability_target = models.DecimalField(
        _("availability target (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("The share of the agreed service time the service must be up, such as 99.9."),
    )
    initiatives = models.ManyToManyField(Initiative, blank=True, related_name="services")
    key_results = models.ManyToManyField(KeyResult, blank=True, related_name="services")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager["Service"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = [Lower("name"), "id"]
        constraints: ClassVar = [
            models.UniqueConstraint("organization", Lower("name"), name="governance_service_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceLevel(OrgScopedModel):
    """The agreed response to an incident of one priority: acknowledged within so many working
    hours, resolved within so many (counted on the organisation's working calendar)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="levels")
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    acknowledge_hours = models.DecimalField(
        _("acknowledge within (working hours)"), max_digits=6, decimal_places=2
    )
    resolve_hours = models.DecimalField(_("resolve within (working hours)"), max_digits=7, decimal_places=2)

    objects = TenantManager["ServiceLevel"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["priority"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["service", "priority"], name="governance_level_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.priority}"


class ServiceMetric(OrgScopedModel):
    """A measure of a service agreed on top of availability ("batch jobs on time", "tickets
    reopened"), with its target and which way is better."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(_("name"), max_length=120)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=3)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)

    objects = TenantManager["ServiceMetric"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint("service", Lower("name"), name="governance_metric_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def met(self, value: Decimal) -> bool:
        return value >= self.target if self.higher_is_better else value <= self.target


class Measurement(OrgScopedModel):
    """A measured value of a service for one month: its availability (``metric`` empty) or one of
    its own metrics."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="measurements")
    metric = models.ForeignKey(
        ServiceMetric, on_delete=models.CASCADE, null=True, blank=True, related_name="measurements"
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month measured."))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = TenantManager["Measurement"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["period", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["service", "metric", "period"], name="governance_measurement_unique"
            ),
            models.UniqueConstraint(
                fields=["service", "period"],
                condition=models.Q(metric__isnull=True),
                name="governance_availability_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.period:%Y-%m}: {self.value}"


# --- Escalation paths -------------------------------------------------------------------------


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    MEETING = "meeting", _("Meeting")


class EscalationPath(OrgScopedModel):
    """Who to turn to, in order, when an incident of a service or an initiative gets no response."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="escalation_path"
    )
    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, null=True, blank=True, related_name="escalation_path"
    )

    objects = TenantManager["EscalationPath"]()  # type: ignore[misc]

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=True, initiative__isnull=False)
                | models.Q(service__isnull=False, initiative__isnull=True),
                name="governance_path_service_or_initiative",
            ),
        ]

    def __str__(self) -> str:
        return f"escalation of {self.service or self.initiative}"


class EscalationLevel(OrgScopedModel):
    """One step of an escalation path: who (a member or a party's contacts), through which channel,
    and within how many working hours they must respond before the next step is called."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    path = models.ForeignKey(EscalationPath, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveIntegerField(default=0)
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="escalation_levels"
    )
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, null=True, blank=True, related_name="escalation_levels"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    respond_hours = models.DecimalField(_("respond within (working hours)"), max_digits=6, decimal_places=2)

    objects = TenantManager["EscalationLevel"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(party__isnull=True, membership__isnull=False)
                | models.Q(party__isnull=False, membership__isnull=True),
                name="governance_level_party_or_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position + 1}. {self.party or self.membership}"


# --- Incidents --------------------------------------------------------------------------------


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Being worked on")
    PAUSED = "paused", _("Paused")
    RESOLVED = "resolved", _("Resolved")


class Incident(OrgScopedModel):
    """Something that went wrong with a service or an initiative, held by one party at a time.

    Each party's clock is kept apart (``IncidentSegment``), so an incident that bounced between two
    parties shows how long each of them held it; the escalation level and when it must respond are
    kept here for the periodic task that escalates.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"), blank=True, max_length=5000)
    priority = models.CharField(_("severity"), max_length=2, choices=Priority.choices)
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents"
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents"
    )
    party = models.ForeignKey(
        Party, on_delete=models.RESTRICT, related_name="incidents", verbose_name=_("held by")
    )
    status = models.CharField(max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    raised_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True, max_length=5000)
    # The escalation step reached (0 = the first level of the path, or none without a path) and the
    # moment it must respond by; empty while nobody is waited for (acknowledged, paused, resolved).
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalation_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Working seconds the current level had left when the incident was paused (its clock stops too).
    escalation_left = models.PositiveIntegerField(null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(default=0)

    objects = TenantManager["Incident"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-raised_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.RESOLVED


class SegmentKind(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")


class IncidentSegment(OrgScopedModel):
    """A stretch of time one party held an incident: running (its clock counts) or paused for a
    stated reason (waiting for the reporter, a planned change window). Together a party's running
    segments are its own clock on the incident."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="segments")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="incident_segments")
    kind = models.CharField(max_length=8, choices=SegmentKind.choices, default=SegmentKind.RUNNING)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # When the party acknowledged the incident during this stretch (the first time only).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = TenantManager["IncidentSegment"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.party_id} {self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class IncidentEventKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    HANDED_OVER = "handed_over", _("Handed over")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    NOTE = "note", _("Note")
    REVIEWED = "reviewed", _("Review written")


class IncidentEvent(OrgScopedModel):
    """One step of an incident's timeline: who did what, when, for which party, and why."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=14, choices=IncidentEventKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)

    objects = TenantManager["IncidentEvent"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class IncidentReview(OrgScopedModel):
    """The post-incident review: what happened, why, and the lessons (the weekly review picks it up)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="review")
    summary = models.TextField(_("what happened and why"), max_length=5000)
    lessons = models.TextField(_("lessons"), max_length=5000)
    actions = models.TextField(_("follow-up actions"), blank=True, max_length=5000)
    written_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    written_at = models.DateTimeField()

    objects = TenantManager["IncidentReview"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-written_at"]

    def __str__(self) -> str:
        return f"review of {self.incident_id}"


# --- How the business side rates a party ------------------------------------------------------


class PartyRating(OrgScopedModel):
    """A business co-lead's rating (1–5) of a party for a quarter. Anonymous by its schema, like a
    survey response: no person, no time, and a random key, so not even the order of the rows tells
    who rated; ``PartyRatingReceipt`` knows only who has rated, never what."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="ratings")
    quarter = models.DateField(help_text="The first day of the quarter rated.")
    score = models.PositiveSmallIntegerField()

    objects = TenantManager["PartyRating"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["party", "quarter", "id"]  # never anything that follows the order of rating
        indexes: ClassVar = [models.Index(fields=["party", "quarter"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="governance_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"rating of {self.party_id}"


class PartyRatingReceipt(OrgScopedModel):
    """That a member rated a party for a quarter (so they rate once), and nothing more."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    quarter = models.DateField()
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    objects = TenantManager["PartyRatingReceipt"]()  # type: ignore[misc]

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["party", "quarter", "membership"], name="governance_rating_receipt_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} rated {self.party_id}"
