"""Why-check rounds: both co-leads answer blind; Tandem compares, explains and, when they
disagree, pauses the initiative until they realign."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, OrgScopedModel, Side
from tandem.core.tenancy import TenantManager
from tandem.strategy.models import Initiative


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Waiting for answers")
    REVEALED = "revealed", _("Revealed")
    CLOSED = "closed", _("Closed")
    # The initiative's co-leads changed while the round waited: its answers were deleted unread.
    VOIDED = "voided", _("Voided: the co-leads changed")


class Verdict(models.TextChoices):
    ALIGNED = "aligned", _("Aligned")
    PARTIAL = "partial", _("Needs discussion")
    MISALIGNED = "misaligned", _("Misaligned")


class GateMode(models.TextChoices):
    REQUIRED = "required", _("Required: a misaligned why check blocks approval")
    ADVISORY = "advisory", _("Advisory: a misaligned why check is shown but does not block approval")


class WhyCheckSettings(models.Model):
    """An organisation's why-check settings (one row per organisation, created on first use)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="why_check_settings"
    )
    gate = models.CharField(
        _("approval gate"), max_length=10, choices=GateMode.choices, default=GateMode.REQUIRED
    )

    def __str__(self) -> str:
        return f"{self.organization}: {self.gate}"


class WhyCheck(OrgScopedModel):
    """One round of the why check on an initiative."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="why_checks")
    started_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The comparison, filled by the scoring task after the reveal.
    scored_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    verdict = models.CharField(max_length=12, choices=Verdict.choices, blank=True)
    result: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    # Its effect on the initiative.
    paused_initiative = models.BooleanField(default=False)
    flagged_for_review = models.BooleanField(default=False)
    business_decision_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    business_decision_at = models.DateTimeField(null=True, blank=True)
    it_decision_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    it_decision_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(blank=True)

    objects = TenantManager["WhyCheck"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Why check #{self.pk} on {self.initiative}"

    @property
    def decisions(self) -> list[tuple[str, str]]:
        """The decision note as (side, words) lines: each co-lead's line starts with their side's
        code ("[it] …"), named here in the reader's language; a line without one has no side."""
        lines = []
        for line in self.decision_note.splitlines():
            code, sep, words = line.partition("] ")
            code = code.removeprefix("[")
            if line.startswith("[") and sep and code in Side.values:
                lines.append((str(Side(code).label), words))
            else:
                lines.append(("", line))
        return lines

    @property
    def is_revealed(self) -> bool:
        """Answers are visible to everyone once both are in or the round was closed."""
        return self.status in (RoundStatus.REVEALED, RoundStatus.CLOSED)

    @property
    def deadline_passed(self) -> bool:
        """The day to answer by is over (answers are due by the end of the deadline day)."""
        return self.deadline < timezone.localdate()

    @property
    def decided(self) -> bool:
        """Both co-leads recorded the decision that settles a "needs discussion" verdict."""
        return self.business_decision_at is not None and self.it_decision_at is not None


class WhyAnswer(OrgScopedModel):
    """One co-lead's answer: why we do this, and how we will measure success."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    why_check = models.ForeignKey(WhyCheck, on_delete=models.CASCADE, related_name="answers")
    side = models.CharField(max_length=10, choices=[(Side.BUSINESS, _("Business")), (Side.IT, _("IT"))])
    author = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    why = models.TextField(_("why are we doing this?"))
    measures: models.JSONField[list[dict[str, Any]]] = models.JSONField(_("success measures"), default=list)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["WhyAnswer"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["side"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["why_check", "side"], name="whycheck_one_answer_per_side"),
        ]

    def __str__(self) -> str:
        return f"{self.side} answer to {self.why_check_id}"
