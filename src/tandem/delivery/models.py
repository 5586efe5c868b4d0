"""Delivery honesty: what was promised, when, what came and whether the business accepted it.

An initiative's **baseline** is its budget and target date when it was committed to (approved);
approved **change requests** move the current budget and date and every move is kept as a
**plan change**, so a move without an approved request behind it shows as *unexplained*.
A **deliverable** keeps its first committed date, every **re-plan** with its reason and who asked,
and every **offer** to the business with the business co-lead's decision: accepted, accepted with
remarks, or rejected with a reason and the criteria that failed. End users give **feedback**
through a link without an account.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, OrgScopedModel, Side
from tandem.core.tenancy import TenantManager
from tandem.governance.models import Party
from tandem.strategy.models import Initiative

MAX_CRITERIA = 30
MAX_RECIPIENTS = 200


class Baseline(OrgScopedModel):
    """An initiative's plan when it was committed to: the yardstick of variance and scope creep.

    Taken when the initiative is approved (or, for one approved before delivery was tracked, at
    its first deliverable or change request); a value still unknown then is filled in once, the
    first time the plan names it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.OneToOneField(Initiative, on_delete=models.CASCADE, related_name="delivery_baseline")
    budget_amount = models.DecimalField(
        _("original budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("original target date"), null=True, blank=True)
    taken_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Baseline"]()  # type: ignore[misc]

    def __str__(self) -> str:
        return f"baseline of {self.initiative_id}"


class PlanField(models.TextChoices):
    BUDGET = "budget", _("Budget")
    TARGET_DATE = "target_date", _("Target date")


class PlanChange(OrgScopedModel):
    """One move of an initiative's budget or target date after its baseline.

    ``change_request`` is the approved request that explains it; without one it is unexplained."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="plan_changes")
    field = models.CharField(max_length=16, choices=PlanField.choices)
    old_value = models.CharField(max_length=40, blank=True)
    new_value = models.CharField(max_length=40, blank=True)
    change_request = models.ForeignKey(
        "ChangeRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_changes"
    )
    actor = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager["PlanChange"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"

    @property
    def is_explained(self) -> bool:
        return self.change_request_id is not None


class DeliverableStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OFFERED = "offered", _("Offered for acceptance")
    ACCEPTED = "accepted", _("Accepted")
    ACCEPTED_WITH_REMARKS = "accepted_with_remarks", _("Accepted with remarks")
    REJECTED = "rejected", _("Rejected: in rework")
    CANCELLED = "cancelled", _("Cancelled")


ACCEPTED_STATUSES = (DeliverableStatus.ACCEPTED, DeliverableStatus.ACCEPTED_WITH_REMARKS)


class Deliverable(OrgScopedModel):
    """A result an initiative promises the business, by a first committed date."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="deliverables")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    owner_member = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    owner_party = models.ForeignKey(
        Party,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliverables",
        verbose_name=_("owning party"),
    )
    first_committed_date = models.DateField(
        _("first committed date"),
        help_text=_("The date first promised. It never changes; re-plans move the due date."),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=24, choices=DeliverableStatus.choices, default=DeliverableStatus.PLANNED
    )
    delivered_on = models.DateField(
        _("delivered on"), null=True, blank=True, help_text=_("The date of the offer the business accepted.")
    )
    feedback_recipients = models.TextField(
        _("end users to ask for feedback"),
        blank=True,
        max_length=20000,
        help_text=_(
            "E-mail addresses, one per line: they receive the feedback link when the deliverable is accepted."
        ),
    )
    feedback_requested_at = models.DateTimeField(null=True, blank=True)
    feedback_requested_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Deliverable"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["first_committed_date", "id"]
        indexes: ClassVar = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_accepted(self) -> bool:
        return self.status in ACCEPTED_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status not in (*ACCEPTED_STATUSES, DeliverableStatus.CANCELLED)


class Criterion(OrgScopedModel):
    """One acceptance criterion of a deliverable: a line of its checklist."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField(_("criterion"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    objects = TenantManager["Criterion"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Replan(OrgScopedModel):
    """A move of a deliverable's due date, with its reason and who asked for it.

    Explained when an approved change request of the initiative is behind it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="replans")
    from_date = models.DateField()
    to_date = models.DateField()
    reason = models.TextField(_("reason"), max_length=2000)
    asked_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_side = models.CharField(_("asked by side"), max_length=16, choices=Side.choices)
    change_request = models.ForeignKey(
        "ChangeRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="replans"
    )
    recorded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager["Replan"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_date} → {self.to_date}"

    @property
    def slip_days(self) -> int:
        return (self.to_date - self.from_date).days

    @property
    def is_explained(self) -> bool:
        return self.change_request_id is not None


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    ACCEPTED_WITH_REMARKS = "accepted_with_remarks", _("Accepted with remarks")
    REJECTED = "rejected", _("Rejected")


class RejectionReason(models.TextChoices):
    NOT_WHAT_WE_EXPECTED = "not_what_we_expected", _("Not what we expected")
    CRITERIA_NOT_MET = "criteria_not_met", _("Acceptance criteria not met")
    QUALITY = "quality", _("Quality not good enough")
    INCOMPLETE = "incomplete", _("Incomplete")
    NOT_USABLE = "not_usable", _("End users cannot work with it")
    OTHER = "other", _("Other")


class Offer(OrgScopedModel):
    """One time a deliverable was offered to the business, and the business co-lead's decision.

    A rejected deliverable is reworked and offered again: every offer stays, so the history shows
    how often it took."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="offers")
    number = models.PositiveSmallIntegerField()
    offered_on = models.DateField(_("offered on"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    offered_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    rejection_reason = models.CharField(max_length=24, choices=RejectionReason.choices, blank=True)
    remarks = models.TextField(_("remarks or reason"), blank=True, max_length=5000)
    failed_criteria = models.ManyToManyField(Criterion, blank=True, related_name="+")
    decided_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["Offer"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["deliverable", "number"], name="delivery_offer_number_unique"),
        ]

    def __str__(self) -> str:
        return f"offer {self.number} of {self.deliverable_id}"


class ChangeStatus(models.TextChoices):
    OPEN = "open", _("Awaiting a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred")


class ChangeRequest(OrgScopedModel):
    """A wish to change an initiative's scope, with its estimated cost, and the decision on it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="change_requests")
    deliverable = models.ForeignKey(
        Deliverable,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("deliverable"),
    )
    title = models.CharField(_("what should change"), max_length=200)
    reason = models.TextField(_("why"), max_length=5000)
    requested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("asked by")
    )
    requested_side = models.CharField(_("side that asked"), max_length=16, choices=Side.choices)
    budget_impact = models.DecimalField(
        _("budget impact"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("The estimated extra cost; negative when the change saves money."),
    )
    schedule_impact_days = models.IntegerField(
        _("schedule impact (days)"),
        default=0,
        help_text=_("How many days later the initiative ends; negative when earlier."),
    )
    scope_impact = models.TextField(_("scope impact"), blank=True, max_length=5000)
    status = models.CharField(
        _("status"), max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True, max_length=5000)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager["ChangeRequest"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.title


class FeedbackLink(OrgScopedModel):
    """A link end users open without an account to rate a deliverable or an initiative.

    Its secret is derived from ``nonce`` under the secret key, never stored; only its digest
    (``token_hash``) is, to find the link."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="feedback_links")
    deliverable = models.OneToOneField(
        Deliverable, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback_link"
    )
    nonce = models.CharField(max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["FeedbackLink"]()  # type: ignore[misc]

    class Meta:
        constraints: ClassVar = [
            # One link for the initiative as a whole; one per deliverable (the OneToOne).
            models.UniqueConstraint(
                fields=["initiative"],
                condition=models.Q(deliverable__isnull=True),
                name="delivery_feedback_link_one_per_initiative",
            ),
        ]

    def __str__(self) -> str:
        return f"feedback link of {self.deliverable_id or self.initiative_id}"


class Feedback(OrgScopedModel):
    """One end user's rating (1–5) and comment. Anonymous unless they chose to give a name: no
    account, no address, no time of day and a random key, so the rows' order tells nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(FeedbackLink, on_delete=models.CASCADE, related_name="feedback")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, null=True, related_name="+")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=3000)
    name = models.CharField(max_length=120, blank=True)
    submitted_on = models.DateField(db_index=True)

    objects = TenantManager["Feedback"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-submitted_on", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="delivery_feedback_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"feedback on {self.initiative_id}"


class DeliverySettings(OrgScopedModel):
    """An organisation's alert thresholds for delivery. A figure past its threshold is an alert
    on the delivery dashboard and an item of the weekly review."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="delivery_settings"
    )
    on_time_min = models.PositiveSmallIntegerField(
        _("on-time rate at least (%)"), default=70, help_text=_("Against the first committed date.")
    )
    first_time_right_min = models.PositiveSmallIntegerField(
        _("first-time-right rate at least (%)"), default=70
    )
    scope_creep_max = models.PositiveSmallIntegerField(
        _("approved change budget at most (percentage of the original budget)"), default=20
    )
    unexplained_max = models.PositiveSmallIntegerField(
        _("unexplained changes at most"),
        default=0,
        help_text=_(
            "Re-plans and budget or date changes without an approved change request, per initiative."
        ),
    )
    feedback_quiet_days = models.PositiveSmallIntegerField(
        _("flag no end-user feedback after (days)"), default=14
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["DeliverySettings"]()  # type: ignore[misc]

    def __str__(self) -> str:
        return f"delivery settings of {self.organization_id}"
