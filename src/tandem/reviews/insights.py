"""The reviews app's part of the alignment index, the home page and the getting-started checklist
(``tandem.core.insights``).

The ``habit`` component reads the habit score of the organisation-wide review series
(``habit.habit_for_org``): one row per part of the habit that has data (reviews held, both sides
present, actions done on time, key results checked in on time), with that part's mean over the
score's window as its points. No series, or a series that has not met yet, gives no data.
"""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.insights import Component, Evidence, NeedItem, SetupStep
from tandem.core.models import Membership, Organization
from tandem.reviews import habit
from tandem.reviews.models import ActionItem, ActionStatus, ReviewSeries
from tandem.strategy.insights import id_url

WEIGHT = 10
PARTS = (
    (habit.HELD, gettext_lazy("Reviews held"), gettext_lazy("The weekly review took place as planned.")),
    (
        habit.BOTH_SIDES,
        gettext_lazy("Both sides at the table"),
        gettext_lazy("The business and IT were both present at the review."),
    ),
    (
        habit.ACTIONS,
        gettext_lazy("Actions done on time"),
        gettext_lazy("Actions agreed at the review were done by their due date."),
    ),
    (
        habit.CHECK_INS,
        gettext_lazy("Key results checked in"),
        gettext_lazy("Key results had a check-in in the two weeks before each review."),
    ),
)


def index_components(org: Organization, now: datetime) -> list[Component]:
    """The habit component (a fixed number of queries: the habit score's own)."""
    score = habit.habit_for_org(org, now=now)
    evidence: list[Evidence] = []
    if score is None:
        missing = _("There is no weekly review series for the whole organisation yet.")
    else:
        missing = _("The weekly review series has not met yet.")
        url = reverse("reviews:habit", kwargs={"org_slug": org.slug})
        for name, label, detail in PARTS:
            value = getattr(score, name)
            if value is not None:
                evidence.append(
                    Evidence(
                        key=f"habit:{name}",
                        label=str(label),
                        points=100.0 * value,
                        url=url,
                        detail=str(detail),
                    )
                )
    return [
        Component(
            key="habit",
            label=_("Review habit"),
            help=_(
                "Whether the organisation-wide weekly review still works as a habit over its last twelve "
                "meetings: held, with both sides present, actions done on time and key results checked in."
            ),
            default_weight=WEIGHT,
            evidence=tuple(evidence),
            missing="" if evidence else missing,
        )
    ]


def needs_me(membership: Membership, today: date) -> list[NeedItem]:
    """The person's open action items, the earliest due first."""
    org = membership.organization
    rows = (
        ActionItem.objects.for_org(org)
        .filter(owner=membership, status=ActionStatus.OPEN)
        .order_by("due_on", "id")
        .values_list("id", "title", "due_on")
    )
    url = id_url("reviews:action", org, "action_id")
    return [
        NeedItem(kind="action", title=title, action=_("Finish this action"), url=url(pk), due_on=due_on)
        for pk, title, due_on in rows
    ]


def setup_steps(org: Organization) -> list[SetupStep]:
    """A weekly review series (60)."""
    return [
        SetupStep(
            key="review_series",
            label=_("Plan a weekly review of the business and IT together"),
            done=ReviewSeries.objects.for_org(org).filter(is_active=True).exists(),
            url=reverse("reviews:list", kwargs={"org_slug": org.slug}),
            order=60,
        )
    ]
