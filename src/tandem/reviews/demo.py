"""The weekly review in the demo organisation: twelve weeks of Northwind's business–IT review.

The series meets on the next working day's weekday at 09:30 in Amsterdam, so the coming review is
one or two days away whenever the demo is made; its agenda is generated from the other apps' demo
data through ``tandem.reviews.services``. Before it, twelve weekly reviews were held with decisions
(two confirmed by the business only), action items (most done on time, some late, two still open
and overdue), wins with the people thanked, and a habit that slipped for three weeks — one review
cancelled for the quarter-end close, one held without IT, one not held at all — and recovered; the
owners were alerted when it slipped, and the alert closed when it recovered.

The past rows are written as they were at their moment (the services refuse due dates in the
past); the words are in ``demo_nl`` for the Dutch demo.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.core.demo import demo_content
from tandem.core.links import link_secret, secret_digest
from tandem.core.models import Membership, Organization, Side
from tandem.reviews import habit, services
from tandem.reviews.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Decision,
    DecisionConfirmation,
    HabitAlert,
    Review,
    ReviewSeries,
    ReviewStatus,
    Win,
)
from tandem.strategy.models import Initiative

ZONE = "Europe/Amsterdam"
START = time(9, 30)
SERIES_SALT = "tandem.reviews.series_feed"
ATTENDEES = ("owner", "it_admin", "business_lead", "it_lead", "finance_lead", "it_member")
# The initiatives, by their index in tandem.strategy.demo.INITIATIVES.
TRACKING, ROUTES, ONBOARDING, RETURNS, DOCKS, CHATBOT = 0, 1, 2, 3, 4, 5


@dataclass(frozen=True)
class ItemSpec:
    kind: str
    title: str
    minutes: int | None = None
    notes: str = ""
    initiative: int | None = None
    dropped: str = ""  # the reason, when the item was dropped


@dataclass(frozen=True)
class DecisionSpec:
    title: str
    rationale: str
    options: str = ""
    initiative: int | None = None
    sides: tuple[str, ...] = ("business", "it")  # who confirmed, recorder's side first
    revisit_weeks: int | None = None


@dataclass(frozen=True)
class ActionSpec:
    title: str
    owner: str
    due_days: int  # after the review
    done_days: int | None = None  # after the review; None: still open
    initiative: int | None = None


@dataclass(frozen=True)
class WinSpec:
    title: str
    detail: str = ""
    thanked: tuple[str, ...] = ()
    initiative: int | None = None


@dataclass(frozen=True)
class ReviewSpec:
    weeks_ago: int
    cancelled: str = ""  # the reason, for a cancelled review
    held: bool = True
    absent_side: str = ""  # "it": held without IT
    notes: str = ""
    items: tuple[ItemSpec, ...] = ()
    decisions: tuple[DecisionSpec, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    wins: tuple[WinSpec, ...] = field(default_factory=tuple)


SERIES_NAME = "Weekly business–IT review"

REVIEWS = (
    ReviewSpec(
        12,
        notes="First review in Tandem: we agreed to keep it to one hour and to start from the agenda.",
        items=(
            ItemSpec(
                "why_misaligned",
                "Customer service chatbot",
                15,
                "The two co-leads tell different stories.",
                CHATBOT,
            ),
            ItemSpec("stage_changed", "Live shipment tracking for customers", 5, "", TRACKING),
            ItemSpec("", "How we run this review from now on", 10),
        ),
        decisions=(
            DecisionSpec(
                "Hold the business–IT review every week, not every quarter",
                "Problems reach us months late in the quarterly steering group; a weekly hour keeps them small.",
                "Quarterly steering group as before; a fortnightly review; a weekly review.",
            ),
        ),
        actions=(
            ActionSpec(
                "Write down the chatbot's business outcome with both co-leads", "business_lead", 7, 6, CHATBOT
            ),
            ActionSpec("Invite Finance to the review", "owner", 7, 2),
        ),
    ),
    ReviewSpec(
        11,
        items=(
            ItemSpec("slipped", "Carrier API integration", 10, "Cloudline needs two more weeks.", TRACKING),
            ItemSpec("awaiting_decision", "Add a chat window", 10, "", TRACKING),
            ItemSpec("sla_breach", "Cloudline hosting", 10, "Response time missed twice this month."),
        ),
        decisions=(
            DecisionSpec(
                "Approve the extra carrier feed for live tracking",
                "Without the second carrier half of the parcels show no arrival time.",
                "Wait for the next release; approve now with the budget from the change request.",
                TRACKING,
                revisit_weeks=8,
            ),
        ),
        actions=(
            ActionSpec("Agree a recovery plan with Cloudline", "it_lead", 7, 5),
            ActionSpec(
                "Check the tracking budget after the change request", "finance_lead", 14, 10, TRACKING
            ),
        ),
        wins=(
            WinSpec(
                "Contract signing live in the onboarding portal",
                "Web shops sign online; the first three did so on day one.",
                ("it_member", "business_member"),
                ONBOARDING,
            ),
        ),
    ),
    ReviewSpec(
        10,
        items=(
            ItemSpec("action", "Agree a recovery plan with Cloudline", 5),
            ItemSpec(
                "rejected",
                "Label test with live printers",
                15,
                "Not what we expected: labels print without the return address.",
                ONBOARDING,
            ),
            ItemSpec("no_check_in", "On-time delivery rate", 5),
        ),
        actions=(
            ActionSpec("Rework the label test with the warehouse team", "it_member", 14, 12, ONBOARDING),
        ),
    ),
    ReviewSpec(
        9,
        items=(
            ItemSpec("why_needs_discussion", "Dock appointment scheduling", 15, "", DOCKS),
            ItemSpec("survey_published", "Business–IT temperature, spring", 15),
            ItemSpec(
                "",
                "Holiday cover in the IT service desk",
                5,
                dropped="Handled in the service desk's own meeting.",
            ),
        ),
        decisions=(
            DecisionSpec(
                "Pause the chatbot until both co-leads agree on its purpose",
                "The why check shows two different stories; building now would serve one side's KPI.",
                "Go on and fix it later; pause and realign first.",
                CHATBOT,
                sides=("it",),
            ),
        ),
        actions=(ActionSpec("Share the survey's widest gaps with the management team", "owner", 7, 7),),
    ),
    ReviewSpec(
        8,
        items=(
            ItemSpec(
                "accepted", "Label test with live printers", 5, "Accepted at its second offer.", ONBOARDING
            ),
            ItemSpec(
                "escalation",
                "Route planning data feed",
                15,
                "RouteWise did not answer within the agreed time.",
            ),
        ),
        actions=(
            ActionSpec("Book a joint session with RouteWise about the data feed", "it_lead", 7, 11, ROUTES),
        ),
        wins=(
            WinSpec(
                "Label test accepted",
                "The warehouse reworked it in two weeks: labels now carry the return address.",
                ("it_member",),
                ONBOARDING,
            ),
        ),
    ),
    ReviewSpec(
        7, cancelled="Quarter-end close: nobody from Finance or the business side was free.", held=False
    ),
    ReviewSpec(
        6,
        absent_side="it",
        notes="IT could not join (release weekend); we only went through the open actions.",
        items=(ItemSpec("action", "Book a joint session with RouteWise about the data feed", 10),),
        decisions=(
            DecisionSpec(
                "Move the returns label launch to after the peak season",
                "The warehouses cannot take a new process in November.",
                "Launch now; launch in January.",
                RETURNS,
                sides=("business",),
                revisit_weeks=6,
            ),
        ),
        actions=(
            ActionSpec("Tell the web shops the new returns launch date", "business_member", 7, 12, RETURNS),
        ),
    ),
    ReviewSpec(5, held=False),
    ReviewSpec(
        4,
        notes="Back on track: both sides agreed the review is the first thing in the diary, not the first thing to move.",
        items=(
            ItemSpec("", "Why did we skip three weeks?", 15),
            ItemSpec(
                "unexplained",
                "Dynamic route optimisation",
                10,
                "Budget raised after approval without a change request.",
                ROUTES,
            ),
            ItemSpec("action", "Tell the web shops the new returns launch date", 5),
        ),
        decisions=(
            DecisionSpec(
                "A review is moved, never cancelled: if the day does not work, we meet the next working day",
                "Three weeks without a review let the route budget move without anybody deciding on it.",
                "Keep the fixed day; allow moving to the next working day; a shorter review instead.",
            ),
            DecisionSpec(
                "Every budget change goes through a change request",
                "The unexplained raise of the route budget surprised Finance.",
                "",
                ROUTES,
            ),
        ),
        actions=(
            ActionSpec("File the change request behind the route budget raise", "it_lead", 7, 6, ROUTES),
            ActionSpec("Put the review in everyone's calendar through the feed", "it_admin", 3, 1),
        ),
    ),
    ReviewSpec(
        3,
        items=(
            ItemSpec(
                "realigned", "Customer service chatbot", 5, "Both co-leads now tell the same why.", CHATBOT
            ),
            ItemSpec("incident_open", "Tracking page down for an hour", 10, "", TRACKING),
        ),
        actions=(
            ActionSpec(
                "Write the post-incident review of the tracking outage", "it_lead", 10, None, TRACKING
            ),
            ActionSpec(
                "Ask the customer panel about the tracking notifications", "business_lead", 14, 9, TRACKING
            ),
        ),
        wins=(
            WinSpec(
                "The chatbot's co-leads realigned",
                "One why, one measure: fewer routine calls, checked on the same dashboard.",
                ("business_lead", "it_lead"),
                CHATBOT,
            ),
        ),
    ),
    ReviewSpec(
        2,
        items=(
            ItemSpec("action", "Write the post-incident review of the tracking outage", 5),
            ItemSpec("confidence_falling", "Parcels delivered in the promised window", 10),
            ItemSpec(
                "good_feedback",
                "Live shipment tracking for customers",
                5,
                "Recipients rate the tracking page 4.5 of 5.",
                TRACKING,
            ),
        ),
        decisions=(
            DecisionSpec(
                "Add a second carrier feed before extending tracking to Belgium",
                "Belgian parcels go mostly through the second carrier.",
                "Extend now and add the feed later; add the feed first.",
                TRACKING,
                revisit_weeks=10,
            ),
        ),
        actions=(ActionSpec("Estimate the Belgian carrier feed", "it_member", 10, None, TRACKING),),
        wins=(
            WinSpec(
                "Recipients love the tracking page",
                "4.5 out of 5 from 40 recipients.",
                ("it_member", "it_lead"),
                TRACKING,
            ),
        ),
    ),
    ReviewSpec(
        1,
        items=(
            ItemSpec("action", "Estimate the Belgian carrier feed", 5),
            ItemSpec("awaiting_decision", "Route planning pilot in Venlo", 15, "", ROUTES),
        ),
        actions=(
            ActionSpec("Prepare the route planning pilot's go/no-go", "business_lead", 12, None, ROUTES),
        ),
    ),
)


def seed(*, org: Organization, people: dict[str, Membership], language: str = "en") -> None:
    """Give the demo organisation its weekly review and twelve weeks of history, in ``language``;
    an organisation that has a review series already is left as it is."""
    if ReviewSeries.objects.for_org(org).exists():
        return
    content = demo_content(__name__, language)
    strategy = demo_content("tandem.strategy.demo", language)
    titles = {i.title: i for i in Initiative.objects.for_org(org)}
    initiatives = {n: titles.get(spec.title) for n, spec in enumerate(strategy.INITIATIVES)}
    series = _series(org, people, content.SERIES_NAME)
    slots = _past_slots(series)
    for spec in content.REVIEWS:
        _review(series, people, initiatives, slots[spec.weeks_ago], spec)
    _alert(series, slots)
    services.review_prepare(actor=people["owner"], series=series)


def _series(org: Organization, people: dict[str, Membership], name: str) -> ReviewSeries:
    today = timezone.localdate()
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    nonce = secrets.token_hex(16)
    series = ReviewSeries.objects.create(
        organization=org,
        name=name,
        weekday=day.weekday(),
        start_time=START,
        time_zone=ZONE,
        starts_on=day - timedelta(weeks=13),
        feed_nonce=nonce,
        feed_digest=secret_digest(link_secret(SERIES_SALT, nonce)),
        created_by=people["owner"],
    )
    series.attendees.set([people[key] for key in ATTENDEES])
    ReviewSeries.objects.for_org(org).filter(pk=series.pk).update(
        created_at=_at(series.starts_on, time(8, 0))
    )
    return series


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=ZoneInfo(ZONE))


def _past_slots(series: ReviewSeries) -> dict[int, datetime]:
    """The series' past meetings by how many weeks ago they were (1 to 12)."""
    next_day = series.starts_on + timedelta(weeks=13)
    return {k: _at(next_day - timedelta(weeks=k), START) for k in range(1, 13)}


def _review(
    series: ReviewSeries,
    people: dict[str, Membership],
    initiatives: dict[int, Initiative | None],
    at: datetime,
    spec: ReviewSpec,
) -> None:
    if not spec.held and not spec.cancelled:
        return  # not held, not even planned: the week the habit slipped furthest
    org = series.organization
    review = Review.objects.create(
        organization=org,
        series=series,
        scheduled_at=at,
        agenda_since=at - timedelta(weeks=1),
        agenda_built_at=at - timedelta(days=1),
        created_at=at - timedelta(days=1),
    )
    if spec.cancelled:
        review.status = ReviewStatus.CANCELLED
        review.cancel_reason = spec.cancelled
        review.save(update_fields=["status", "cancel_reason"])
        return
    present = [people[k] for k in ATTENDEES if people[k].side != spec.absent_side]
    review.status = ReviewStatus.CLOSED
    review.started_at = at + timedelta(minutes=2)
    review.closed_at = at + timedelta(minutes=55)
    review.closed_by = people["owner"]
    review.minutes_sent_at = review.closed_at + timedelta(minutes=1)
    review.notes = spec.notes
    review.save()
    review.present.set(present)
    actions = {a.title: a for a in ActionItem.objects.for_org(org)}
    for position, item in enumerate(spec.items):
        AgendaItem.objects.create(
            organization=org,
            review=review,
            source="" if item.kind in ("", "action") else "demo",
            kind=item.kind,
            key=f"demo:{spec.weeks_ago}:{position}" if item.kind else "",
            title=item.title,
            detail=item.notes,
            initiative=initiatives.get(item.initiative) if item.initiative is not None else None,
            action=actions.get(item.title) if item.kind == "action" else None,
            is_win=item.kind in ("accepted", "good_feedback", "realigned", "kr_reached"),
            position=position,
            minutes=item.minutes,
            dropped_at=review.started_at if item.dropped else None,
            dropped_by=people["owner"] if item.dropped else None,
            drop_reason=item.dropped,
            added_by=people["owner"] if not item.kind else None,
            created_at=at - timedelta(days=1),
        )
    for d in spec.decisions:
        _decision(review, people, initiatives, d)
    for a in spec.actions:
        due = at.date() + timedelta(days=a.due_days)
        done = review.closed_at + timedelta(days=a.done_days) if a.done_days is not None else None
        ActionItem.objects.create(
            organization=org,
            review=review,
            initiative=initiatives.get(a.initiative) if a.initiative is not None else None,
            title=a.title,
            owner=people[a.owner],
            due_on=due,
            status=ActionStatus.DONE if done else ActionStatus.OPEN,
            done_at=done,
            created_by=people["owner"],
            created_at=review.closed_at,
        )
    for w in spec.wins:
        win = Win.objects.create(
            organization=org,
            review=review,
            initiative=initiatives.get(w.initiative) if w.initiative is not None else None,
            title=w.title,
            detail=w.detail,
            thanks_sent_at=review.closed_at if w.thanked else None,
            created_by=people["business_lead"],
            created_at=review.closed_at,
        )
        win.thanked.set([people[k] for k in w.thanked])


def _decision(
    review: Review,
    people: dict[str, Membership],
    initiatives: dict[int, Initiative | None],
    spec: DecisionSpec,
) -> None:
    org = review.organization
    at = review.closed_at or review.scheduled_at
    who = {"business": people["owner"], "it": people["it_admin"]}
    decision = Decision.objects.create(
        organization=org,
        review=review,
        title=spec.title,
        rationale=spec.rationale,
        options_considered=spec.options,
        initiative=initiatives.get(spec.initiative) if spec.initiative is not None else None,
        revisit_on=at.date() + timedelta(weeks=spec.revisit_weeks) if spec.revisit_weeks else None,
        recorded_by=who[spec.sides[0]],
        confirmed_at=at + timedelta(hours=2) if {Side.BUSINESS, Side.IT} <= set(spec.sides) else None,
        created_at=at - timedelta(minutes=10),
    )
    for n, side in enumerate(spec.sides):
        DecisionConfirmation.objects.create(
            organization=org,
            decision=decision,
            membership=who[side],
            side=side,
            confirmed_at=at + timedelta(hours=2 * n) - timedelta(minutes=10 * (1 - n)),
        )


def _alert(series: ReviewSeries, slots: dict[int, datetime]) -> None:
    """The owners were told when the habit slipped (the day after the week not held at all), and
    the alert closed once it had recovered."""
    raised = slots[5] + timedelta(days=1)
    recovered = slots[1] + timedelta(days=1)
    HabitAlert.objects.create(
        organization=series.organization,
        series=series,
        score=habit.habit_for_series(series, now=raised).score or 0,
        raised_at=raised,
        notified_at=raised,
        recovered_at=recovered,
    )
