"""Insights: one alignment index, its weekly snapshots, and the board report.

The **alignment index** (0-100) combines named components that the apps provide
(``tandem.core.insights``): each component is the weighted mean of its evidence rows, the index
the weighted mean of the components that have data, by the organisation's **weights**
(``InsightSettings.weights``; a component not named there keeps its default weight, one set to 0
is left out). A **snapshot** keeps one week's index, its components and the rows that cost it
points, so the trend and "what moved it this week" survive later changes.

A **board report** is a PDF for a period, in English or Dutch, rendered by a task and kept; the
organisation may have it e-mailed monthly to chosen people (``ReportRecipient``).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, OrgScopedModel
from tandem.core.tenancy import TenantManager

MAX_WEIGHT = 100
# Rows kept per snapshot (those that cost the most points): enough for "what moved it".
SNAPSHOT_ROWS = 500


class InsightSettings(models.Model):
    """One organisation's choices for the index and the monthly report."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    # {component key: weight 0..MAX_WEIGHT}; a key not named keeps the component's default weight.
    weights = models.JSONField(default=dict, blank=True)
    monthly_report = models.BooleanField(
        _("e-mail the board report monthly"),
        default=False,
        help_text=_(
            "On the first day of each month, the report of the month before goes to the people chosen."
        ),
    )
    # The first day of the month whose report was last e-mailed (the task's idempotence).
    last_monthly_report = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"insight settings of {self.organization_id}"


class IndexSnapshot(OrgScopedModel):
    """The organisation's index in one week (``week`` is that week's Monday).

    ``components``: {key: {"label", "score" (None: no data), "weight", "contribution", "missing"}};
    ``rows``: the evidence rows that cost points, most first, at most ``SNAPSHOT_ROWS``:
    [{"component", "key", "label", "url", "detail", "points", "loss", "initiative_id"}];
    ``initiatives``: {initiative id (text): that initiative's index}.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    taken_at = models.DateTimeField(default=timezone.now)
    index = models.FloatField(null=True, blank=True)
    components = models.JSONField(default=dict)
    rows = models.JSONField(default=list)
    rows_truncated = models.BooleanField(default=False)
    initiatives = models.JSONField(default=dict)

    objects = TenantManager["IndexSnapshot"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar[list[str]] = ["-week"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organization", "week"], name="insights_one_snapshot_per_week"),
        ]

    def __str__(self) -> str:
        return f"index {self.index} in the week of {self.week}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ReportLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    DUTCH = "nl", _("Dutch")


class BoardReport(OrgScopedModel):
    """A board report of ``period_start``..``period_end`` in ``language``; ``pdf`` is filled by the
    rendering task. ``requested_by`` is empty for the monthly report."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(
        _("language"), max_length=8, choices=ReportLanguage.choices, default=ReportLanguage.ENGLISH
    )
    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_monthly = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["BoardReport"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"board report {self.period_start}..{self.period_end} ({self.language})"


class ReportRecipient(OrgScopedModel):
    """A member who receives the monthly board report (in their own language)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ReportRecipient"]()  # type: ignore[misc]

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["organization", "membership"], name="insights_one_recipient_row"),
        ]

    def __str__(self) -> str:
        return f"report recipient {self.membership_id}"
