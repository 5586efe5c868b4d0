"""Temperature checks: anonymous surveys of both sides and the gap between their answers.

Anonymity is a property of the schema. ``SurveyLink`` knows who was invited and whether they
answered, nothing more: no time of answering, no pointer to the response. ``SurveyResponse`` knows
only the side, the department and the date: no person, no link, no token, no address, no user
agent, no time of day, and its key is a random UUID, so not even the order of the rows follows
the order of answering. The token itself is never stored: the link keeps a random nonce, the token
is an HMAC of it under the secret key, and a SHA-256 digest of the token finds the link.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Department, Membership, Organization, OrgScopedModel, Side
from tandem.core.tenancy import TenantManager

MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
MAX_REMINDERS = 3


class SurveySettings(models.Model):
    """An organisation's survey settings (one row per organisation, created on first use)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="survey_settings"
    )
    threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(MIN_THRESHOLD), MaxValueValidator(50)],
        help_text=_(
            "No result is shown for a group with fewer responses than this (at least 3), "
            "nor anything from which such a group could be worked out."
        ),
    )

    def __str__(self) -> str:
        return f"{self.organization}: {self.threshold}"


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agreement, 1 to 5")
    SCORE = "score", _("Score, 0 to 10")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


NUMERIC_KINDS = (QuestionKind.LIKERT, QuestionKind.SCORE)
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
SCALES: dict[str, tuple[int, ...]] = {
    QuestionKind.LIKERT: (1, 2, 3, 4, 5),
    QuestionKind.SCORE: tuple(range(11)),
}


class SurveyTemplate(OrgScopedModel):
    """A questionnaire. Shipped templates (``builtin``) are read-only; admins copy and edit them or
    build their own. A template that a campaign has used is frozen so results stay comparable."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40, blank=True, help_text="The shipped template this row is.")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    builtin = models.BooleanField(default=False)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["SurveyTemplate"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-builtin", "name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organization", "key"], condition=~Q(key=""), name="surveys_template_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Question(OrgScopedModel):
    """One question of a template, in order. ``criterion`` groups the attributes of a maturity
    assessment: a criterion's level is the mean of its attributes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    criterion = models.CharField(_("criterion"), max_length=80, blank=True)
    choices: models.JSONField[list[str]] = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    objects = TenantManager["Question"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["template", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def scale(self) -> tuple[int, ...] | None:
        return SCALES.get(self.kind)

    @property
    def field_name(self) -> str:
        """The key of this question's answer in forms and JSON bodies."""
        return f"q{self.pk}"


class AudienceKind(models.TextChoices):
    ALL = "all", _("All members")
    DEPARTMENT = "department", _("A department")
    SIDE = "side", _("A side")
    EMAILS = "emails", _("A list of e-mail addresses")


class CampaignStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


def campaign_status(*, day: date, opens_on: date, closes_on: date, closed_early: bool) -> str:
    """A campaign's status on ``day``: closed once closed early or past its closing date,
    scheduled before its opening date, open in between."""
    if closed_early or day > closes_on:
        return CampaignStatus.CLOSED
    if day < opens_on:
        return CampaignStatus.SCHEDULED
    return CampaignStatus.OPEN


class Campaign(OrgScopedModel):
    """One run of a template for an audience between two dates."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.RESTRICT, related_name="campaigns")
    title = models.CharField(_("title"), max_length=160)
    audience = models.CharField(
        _("audience"), max_length=12, choices=AudienceKind.choices, default=AudienceKind.ALL
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    side = models.CharField(_("side"), max_length=16, choices=Side.choices, blank=True)
    # The language of its e-mails and of its page for a respondent whose browser asks for no
    # language Tandem speaks ("" for a campaign made before campaigns had one: the organisation's).
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Set when closed before its date.")
    # The anonymity threshold its results are shown at: the organisation's when the campaign was
    # created, following a settings change until the campaign closes, then fixed for good. Two
    # looks at one campaign under two thresholds would differ by the people only one of them hides.
    threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(MIN_THRESHOLD), MaxValueValidator(50)],
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager["Campaign"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-opens_on", "-pk"]
        indexes: ClassVar = [models.Index(fields=["organization", "template", "opens_on"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="surveys_campaign_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status_on(self, day: date) -> str:
        return campaign_status(
            day=day, opens_on=self.opens_on, closes_on=self.closes_on, closed_early=self.closed_at is not None
        )

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == CampaignStatus.CLOSED


class SurveyLink(OrgScopedModel):
    """A personal link to a campaign: who it is for and whether it has been used. It holds no
    trace of the answer and no time of answering."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("e-mail address"))
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the response will carry: the respondent's side and department when invited.
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered = models.BooleanField(default=False)
    sent_count = models.PositiveSmallIntegerField(
        default=0, help_text="E-mails sent: the link, then reminders."
    )
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager["SurveyLink"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["email", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["campaign", "email"], name="surveys_link_email_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.campaign})"

    @property
    def reminders_sent(self) -> int:
        return max(0, self.sent_count - 1)


class SurveyResponse(OrgScopedModel):
    """An anonymous response: side, department, date and the answers, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # Found through the (campaign, side) index below: a second index on the campaign alone would
    # only add to the cost of every answer.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses", db_index=False)
    side = models.CharField(max_length=16, choices=Side.choices)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_on = models.DateField()
    # {"<question id>": value}: an int for likert/score, a string for single choice, a list of
    # strings for multiple choice, a string for free text. Unanswered optional questions are absent.
    answers: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)

    objects = TenantManager["SurveyResponse"]()  # type: ignore[misc]

    class Meta:
        # Never ordered by anything that follows the order of answering.
        ordering: ClassVar = ["side", "id"]
        indexes: ClassVar = [models.Index(fields=["campaign", "side"])]

    def __str__(self) -> str:
        return f"response to {self.campaign_id}"


class TextAnalysis(OrgScopedModel):
    """The grouping by meaning of one free-text question of a closed campaign, computed by a task
    (the embedding model loads in the worker, never in a web request)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="text_analyses")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    # The inputs it was computed from; a different threshold or response count makes it stale.
    threshold = models.PositiveSmallIntegerField()
    responses = models.PositiveIntegerField()
    computed_at = models.DateTimeField(null=True, blank=True)
    result: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)

    objects = TenantManager["TextAnalysis"]()  # type: ignore[misc]

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["campaign", "question"], name="surveys_text_analysis_unique"),
        ]

    def __str__(self) -> str:
        return f"text analysis {self.campaign_id}/{self.question_id}"
