"""The weekly review: a habit, not an event.

A **review series** meets on a weekday at a time in one time zone, every week by default, with
attendees from both sides; it covers the whole organisation or one programme (a shared objective
and the initiatives serving it). Each meeting is a **review** whose **agenda** is generated from
what changed since the previous one (each item linked to its source) and which people extend,
reorder, time-box or drop items from, with a reason. During the review, **decisions** go into a
searchable log and are *confirmed* once one person of each side has confirmed them; **action
items** have one owner and a due date and carry over until done; **wins** are celebrated and the
people to thank are told. The **habit score** says whether the series still meets as it should.

A calendar **feed** (a series' or a person's) is a secret URL: only the SHA-256 digest of its
secret is stored, and revoking it turns a new nonce, so the old URL stops at once.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, OrgScopedModel
from tandem.core.tenancy import TenantManager
from tandem.strategy.models import Initiative, Objective

MAX_ATTENDEES = 100
MAX_AGENDA_ITEMS = 200


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ReviewSeries(OrgScopedModel):
    """A recurring review: every ``interval_weeks`` weeks on ``weekday`` at ``start_time`` in
    ``time_zone``, from ``starts_on``. ``objective`` narrows it to one programme."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    objective = models.ForeignKey(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
        help_text=_("Leave empty for the whole organisation; or pick the shared objective of one programme."),
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices, default=Weekday.MONDAY)
    start_time = models.TimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    interval_weeks = models.PositiveSmallIntegerField(
        _("every (weeks)"), default=1, help_text=_("1 for every week, 2 for every other week.")
    )
    starts_on = models.DateField(_("first review on or after"))
    attendees = models.ManyToManyField(Membership, related_name="review_series", verbose_name=_("attendees"))
    is_active = models.BooleanField(_("active"), default=True)
    feed_nonce = models.CharField(max_length=32)
    feed_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["ReviewSeries"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["name", "id"]
        verbose_name_plural = "review series"

    def __str__(self) -> str:
        return self.name


class PersonalFeed(OrgScopedModel):
    """A member's own calendar feed: every review of every active series they attend."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="review_feed")
    nonce = models.CharField(max_length=32)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["PersonalFeed"]()  # type: ignore[misc]

    def __str__(self) -> str:
        return f"feed of {self.membership_id}"


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Review(OrgScopedModel):
    """One meeting of a series, at ``scheduled_at`` (aware). Its agenda covers what changed from
    ``agenda_since`` (the previous review's close) to when it was built or refreshed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(ReviewSeries, on_delete=models.CASCADE, related_name="reviews")
    scheduled_at = models.DateTimeField(_("scheduled for"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PLANNED
    )
    agenda_since = models.DateTimeField()
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    present = models.ManyToManyField(Membership, related_name="+", verbose_name=_("present"))
    notes = models.TextField(_("notes"), blank=True)
    minutes_sent_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Review"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-scheduled_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["series", "scheduled_at"], name="reviews_one_review_per_slot")
        ]
        indexes: ClassVar = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.series_id} @ {self.scheduled_at:%Y-%m-%d}"


class AgendaItem(OrgScopedModel):
    """One point of a review's agenda. Generated ones carry their ``source`` app, ``kind`` and a
    ``key`` unique in the review (a refresh adds only what is new, and a dropped item stays
    dropped); people add their own (no key). ``url`` links to the source."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    source = models.CharField(max_length=32, blank=True)
    kind = models.CharField(max_length=40, blank=True)
    key = models.CharField(max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    initiative = models.ForeignKey(
        Initiative, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.ForeignKey(
        "ActionItem", on_delete=models.CASCADE, null=True, blank=True, related_name="agenda_items"
    )
    is_win = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    minutes = models.PositiveSmallIntegerField(_("time box (minutes)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    dropped_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    drop_reason = models.CharField(_("reason"), max_length=300, blank=True)
    added_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["AgendaItem"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["review", "key"], condition=~models.Q(key=""), name="reviews_agenda_key_once"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_dropped(self) -> bool:
        return self.dropped_at is not None


class Decision(OrgScopedModel):
    """An entry of the decision log; ``confirmed_at`` is set once one person of each side
    (business and IT) has confirmed it. Recording it confirms it for the recorder's side."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    title = models.CharField(_("decision"), max_length=200)
    rationale = models.TextField(_("rationale"))
    options_considered = models.TextField(_("options considered"), blank=True)
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiative"),
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("objective"),
    )
    revisit_on = models.DateField(
        _("review date"), null=True, blank=True, help_text=_("When to look at this decision again.")
    )
    recorded_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager["Decision"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class DecisionConfirmation(OrgScopedModel):
    """One member's confirmation of a decision, with their side at that moment."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="confirmations")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=16)
    confirmed_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["DecisionConfirmation"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["confirmed_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["decision", "membership"], name="reviews_confirm_once")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} by {self.membership_id}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ActionItem(OrgScopedModel):
    """Something one person will do by a date; it carries over to every later review until done."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiative"),
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        related_name="review_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["ActionItem"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["due_on", "id"]
        indexes: ClassVar = [models.Index(fields=["organization", "status", "due_on"])]

    def __str__(self) -> str:
        return self.title


class Win(OrgScopedModel):
    """A result to celebrate, harvested from an agenda item (``source_key``) or added by hand, and
    the people to thank: they are told by e-mail (``thanks_sent_at``)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="wins")
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiative"),
    )
    title = models.CharField(_("win"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    source_key = models.CharField(max_length=200, blank=True)
    thanked = models.ManyToManyField(Membership, related_name="review_thanks", verbose_name=_("thank"))
    thanks_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Win"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class HabitAlert(OrgScopedModel):
    """A series whose habit slipped: raised once, the owners e-mailed once (``notified_at``), then
    left alone until the score recovers (``recovered_at``)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(ReviewSeries, on_delete=models.CASCADE, related_name="habit_alerts")
    score = models.PositiveSmallIntegerField()
    raised_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["HabitAlert"]()  # type: ignore[misc]

    class Meta:
        ordering: ClassVar = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"habit alert {self.series_id} at {self.raised_at:%Y-%m-%d}"
