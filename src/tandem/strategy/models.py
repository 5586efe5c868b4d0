"""Shared objectives, key results and check-ins; outcome-first initiatives and their stages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.language import phrased
from tandem.core.models import Department, Membership, Organization, OrgScopedModel, Side
from tandem.core.numbers import number
from tandem.core.tenancy import TenantManager
from tandem.strategy.progress import Direction, key_result_progress

STALE_AFTER_DAYS = 14


class ObjectiveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Objective(OrgScopedModel):
    """A goal for a period, owned together by one business owner and one IT owner.

    Without both (or with two owners of one side) it is *siloed*: it may exist as a draft only.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    business_owner = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business owner"),
    )
    it_owner = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("IT owner"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ObjectiveStatus.choices, default=ObjectiveStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Objective"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-period_start", "title"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="strategy_objective_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_siloed(self) -> bool:
        """True unless a business-side member and an IT-side member own it together."""
        return not (
            self.business_owner is not None
            and self.it_owner is not None
            and self.business_owner.side == Side.BUSINESS
            and self.it_owner.side == Side.IT
        )

    @property
    def period_label(self) -> str:
        start, end = self.period_start, self.period_end
        quarter = (start.month - 1) // 3 + 1
        if start == quarter_bounds(start.year, quarter)[0] and end == quarter_bounds(start.year, quarter)[1]:
            return f"Q{quarter} {start.year}"
        return f"{start:%d %b %Y} – {end:%d %b %Y}"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    start = date(year, 3 * (quarter - 1) + 1, 1)
    next_start = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, next_start - timedelta(days=1)


class KeyResult(OrgScopedModel):
    """A measurable result under an objective: from a baseline to a target by a due date."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    metric = models.CharField(_("metric"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=[
            (Direction.INCREASE, _("Increase")),
            (Direction.DECREASE, _("Decrease")),
            (Direction.WITHIN, _("Stay within a band")),
        ],
        default=Direction.INCREASE,
    )
    baseline = models.FloatField(_("baseline"))
    target = models.FloatField(_("target"))
    band_min = models.FloatField(_("band minimum"), null=True, blank=True)
    band_max = models.FloatField(_("band maximum"), null=True, blank=True)
    current = models.FloatField(_("current value"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager["KeyResult"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["objective", "id"]

    def __str__(self) -> str:
        return self.metric

    @property
    def progress(self) -> float:
        """Share of the way from baseline to target, in [0, 1]."""
        return key_result_progress(
            direction=self.direction,
            baseline=self.baseline,
            target=self.target,
            current=self.current,
            band_min=self.band_min,
            band_max=self.band_max,
        )

    @property
    def is_stale(self) -> bool:
        """No check-in for 14 days (counted from creation when there was none yet)."""
        since = self.last_check_in_at or self.created_at
        return since is not None and timezone.now() - since > timedelta(days=STALE_AFTER_DAYS)


class CheckIn(OrgScopedModel):
    """A dated reading of a key result with the author's confidence (0-10) of reaching it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.FloatField(_("value"))
    confidence = models.PositiveSmallIntegerField(_("confidence (0-10)"))
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager["CheckIn"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(confidence__lte=10), name="strategy_checkin_confidence_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value}"


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    IN_DELIVERY = "in_delivery", _("In delivery")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STAGES = (Stage.IDEA, Stage.PROPOSED, Stage.APPROVED, Stage.IN_DELIVERY, Stage.DELIVERED)
STAGE_ORDER = [Stage.IDEA, Stage.PROPOSED, Stage.APPROVED, Stage.IN_DELIVERY, Stage.DELIVERED, Stage.CLOSED]


class TransitionCause(models.TextChoices):
    PERSON = "", _("A person")
    WHY_CHECK = "why_check", _("The why check")


class Outcome(models.TextChoices):
    YES = "yes", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NO = "no", _("Not achieved")


class Initiative(OrgScopedModel):
    """A piece of work that starts from a business outcome and is co-led by both sides."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    business_outcome = models.TextField(
        _("business outcome"),
        blank=True,
        help_text=_("Why are we doing this? The change the business needs."),
    )
    definition_of_success = models.TextField(_("definition of success"), blank=True)
    business_co_lead = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business co-lead"),
    )
    it_co_lead = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("IT co-lead"),
    )
    sponsor = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sponsor"),
    )
    budget_amount = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("departments served")
    )
    end_user_input_who = models.CharField(_("who was asked"), max_length=200, blank=True)
    end_user_input_when = models.DateField(_("when"), null=True, blank=True)
    end_user_input_summary = models.TextField(_("what they said"), blank=True)
    end_user_input_waiver = models.TextField(
        _("why nobody was asked"),
        blank=True,
        help_text=_("Only when asking end users is impossible or pointless."),
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.IDEA, db_index=True
    )
    paused_from = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    it_involved_stage = models.CharField(
        _("IT involved from"),
        max_length=16,
        choices=Stage.choices,
        blank=True,
        help_text=_("The stage the initiative was in when an IT co-lead was first named."),
    )
    outcome_achieved = models.CharField(
        _("outcome achieved"), max_length=8, choices=Outcome.choices, blank=True
    )
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Initiative"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-updated_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["organization", "stage"]),
            # The portfolio's default order: the first page without sorting every initiative.
            models.Index(fields=["organization", "-updated_at", "-id"], name="strategy_initiative_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_end_user_input(self) -> bool:
        recorded = bool(self.end_user_input_who.strip() and self.end_user_input_summary.strip())
        return recorded or bool(self.end_user_input_waiver.strip())

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def is_overdue(self) -> bool:
        return bool(self.target_date and self.is_open and self.target_date < timezone.localdate())

    @property
    def budget(self) -> str:
        if self.budget_amount is None:
            return ""
        return f"{self.budget_currency} {number(self.budget_amount.quantize(Decimal('1')))}"


class SuccessMeasure(OrgScopedModel):
    """How the initiative's success is measured: a named value from a baseline to a target."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="success_measures")
    name = models.CharField(_("measure"), max_length=200)
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    by_date = models.DateField(_("by"), null=True, blank=True)
    key_result = models.ForeignKey(
        KeyResult,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("key result"),
    )

    objects = TenantManager["SuccessMeasure"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return self.name


class KeyResultLink(OrgScopedModel):
    """An initiative's expected contribution to a key result."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="key_result_links")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="initiative_links")
    contribution = models.CharField(_("expected contribution"), max_length=300, blank=True)

    objects = TenantManager["KeyResultLink"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["initiative", "key_result"], name="strategy_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} → {self.key_result}"


class Transition(OrgScopedModel):
    """One stage change of an initiative: the timeline and its audit (who, when, why)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    reason = models.TextField(blank=True)
    # When Tandem wrote the reason (the why check), ``reason`` holds catalogue words with
    # placeholders and these their values, so each reader gets it in their own language.
    reason_params = models.JSONField(default=dict, blank=True)
    # What made the move when it was not a person's own choice (the why check pausing the work),
    # so the app that caused a pause recognises it without reading the reason.
    cause = models.CharField(max_length=16, choices=TransitionCause.choices, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Transition"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"

    @property
    def reason_text(self) -> str:
        """The reason in the active language when Tandem wrote it; as typed when a person did."""
        return phrased(self.reason, self.reason_params)
