"""Reads of the delivery app: lists, the facts behind the figures, the figures per initiative,
party, department and organisation, the planned-vs-actual timeline, alerts and end-user feedback.
Nothing here writes: an initiative without a baseline yet reads its current plan as its baseline."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from tandem.core.links import link_secret, secret_digest
from tandem.core.models import Organization
from tandem.delivery import metrics
from tandem.delivery.models import (
    ACCEPTED_STATUSES,
    Baseline,
    ChangeRequest,
    ChangeStatus,
    Deliverable,
    DeliverableStatus,
    DeliverySettings,
    Feedback,
    FeedbackLink,
    Offer,
    PlanChange,
    Replan,
)
from tandem.governance.models import Party
from tandem.strategy.models import Initiative

TOKEN_SALT = "tandem.delivery.feedback"  # noqa: S105 (a salt, not a secret)
GOOD_RATING = 4  # a rating this high or higher is a win the weekly review celebrates


def _of(initiative: Initiative) -> dict[str, int]:
    """The scope of an initiative's rows, by ids: its organisation needs no loading."""
    return {"organization_id": initiative.organization_id, "initiative_id": initiative.pk}


# --- Feedback links ----------------------------------------------------------------------------


def link_token(link: FeedbackLink) -> str:
    """The secret of a feedback link (never stored)."""
    return link_secret(TOKEN_SALT, link.nonce)


def token_hash(token: str) -> str:
    return secret_digest(token)


def feedback_link_of(initiative: Initiative, deliverable: Deliverable | None) -> FeedbackLink | None:
    links = FeedbackLink.objects.unscoped().filter(**_of(initiative))
    if deliverable is None:
        return links.filter(deliverable__isnull=True).first()
    return links.filter(deliverable=deliverable).first()


# What the public door reads of a link: its own columns, and the titles its page names.
LINK_COLUMNS = ("id", "organization_id", "initiative_id", "deliverable_id", "is_open")
LINK_TITLES = ("initiative__id", "initiative__title", "deliverable__id", "deliverable__title")


def feedback_link_for_token(token: str) -> FeedbackLink | None:
    """The link a public secret opens, with what its page names (the organisation's name and
    language, the initiative's and the deliverable's titles); ``None`` for an unknown secret."""
    if not token or len(token) > 64:
        return None
    return (
        FeedbackLink.objects.unscoped()
        .select_related("organization", "initiative", "deliverable")
        .only(*LINK_COLUMNS, "organization__name", "organization__language", *LINK_TITLES)
        .filter(token_hash=token_hash(token))
        .first()
    )


@dataclass(frozen=True)
class LinkToRate:
    """What storing one rating through a feedback link needs of it."""

    pk: int
    organization_id: int
    initiative_id: int
    deliverable_id: int | None
    is_open: bool


# The public door's one read, written in SQL like the survey door's (``surveys.selectors``): a
# rating costs its insert and this, not the composing of a query through the ORM.
_LINK_TO_RATE = """
    SELECT id, organization_id, initiative_id, deliverable_id, is_open
    FROM delivery_feedbacklink WHERE token_hash = %s
"""


def link_to_rate(token: str) -> LinkToRate | None:
    """The link a public secret opens, with only what a rating through it needs, in one query
    of its own table; ``None`` for an unknown secret."""
    if not token or len(token) > 64:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_LINK_TO_RATE, [token_hash(token)])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, org_id, initiative_id, deliverable_id, is_open = row
    return LinkToRate(pk, org_id, initiative_id, deliverable_id, bool(is_open))


# Counted on the organisation's index of the feedback table alone; read on every page that shows
# feedback, so written in SQL rather than composed each time.
_FEEDBACK_TAKEN = "SELECT COUNT(*) FROM delivery_feedback WHERE organization_id = %s"


def feedback_version(org: Organization) -> tuple[date, int]:
    """What every end-user rating changes, read without writing: today, and how many ratings the
    organisation holds.

    Ratings do not bump the organisation's data version (``core.cache.org_changed``): that one
    row, updated by every end user, would line up every rating behind one lock. A cached page or
    figure that shows feedback, or what it makes of it (the deliverables no end user rated since
    delivery), is keyed on this as well. Only a rating adds a row (removing one goes with a
    write that bumps the data version), so the count rises with every rating as it commits, in
    every process; the day is in it because what is quiet depends on the day."""
    with connection.cursor() as cursor:
        cursor.execute(_FEEDBACK_TAKEN, [org.pk])
        (count,) = cursor.fetchone()
    return timezone.localdate(), int(count)


# --- Settings ----------------------------------------------------------------------------------


def delivery_settings(org: Organization) -> DeliverySettings:
    """The organisation's thresholds; the defaults (unsaved) when it never changed them."""
    found = DeliverySettings.objects.for_org(org).filter(organization=org).first()
    return found or DeliverySettings(organization=org)


def thresholds(org: Organization) -> metrics.Thresholds:
    return _thresholds_of(delivery_settings(org))


def _thresholds_of(s: DeliverySettings) -> metrics.Thresholds:
    return metrics.Thresholds(
        on_time_min=s.on_time_min,
        first_time_right_min=s.first_time_right_min,
        scope_creep_max=s.scope_creep_max,
        unexplained_max=s.unexplained_max,
    )


# --- Lists -------------------------------------------------------------------------------------


def deliverable_list(org: Organization) -> QuerySet[Deliverable]:
    return (
        Deliverable.objects.for_org(org)
        .select_related("initiative", "owner_member__user", "owner_party")
        .order_by("due_date", "id")
    )


def deliverable_detail(org: Organization, pk: int) -> Deliverable | None:
    return (
        deliverable_list(org)
        .prefetch_related(  # type: ignore[type-var]
            "criteria",
            Prefetch(
                "offers",
                queryset=Offer.objects.unscoped()
                .select_related("offered_by__user", "decided_by__user")
                .prefetch_related("failed_criteria")
                .order_by("number"),
            ),
            Prefetch(
                "replans",
                queryset=Replan.objects.unscoped()
                .select_related("asked_by__user", "change_request")
                .order_by("created_at", "id"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def change_request_list(org: Organization, *, status: str = "") -> QuerySet[ChangeRequest]:
    qs = ChangeRequest.objects.for_org(org).select_related(
        "initiative", "deliverable", "requested_by__user", "decided_by__user"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


# What a table of change requests shows (``_change_table.html``) and their figures need.
CHANGE_ROW_COLUMNS = (
    *("id", "organization_id", "initiative_id", "deliverable_id", "requested_by_id", "decided_by_id"),
    *("title", "requested_side", "budget_impact", "schedule_impact_days", "status", "created_at"),
    *("initiative__id", "initiative__title", "initiative__budget_currency"),
    *("deliverable__id", "deliverable__title"),
    *("requested_by__id", "requested_by__user__id", "requested_by__user__name", "requested_by__user__email"),
    *("decided_by__id", "decided_by__user__id", "decided_by__user__name", "decided_by__user__email"),
)


def change_rows(changes: QuerySet[ChangeRequest]) -> QuerySet[ChangeRequest]:
    """``changes`` (of ``change_request_list``) with only the columns a table of them shows."""
    return changes.only(*CHANGE_ROW_COLUMNS)


def approved_changes(initiative: Initiative) -> QuerySet[ChangeRequest]:
    """The approved change requests of an initiative: what may explain a re-plan."""
    return ChangeRequest.objects.for_org(initiative.organization).filter(
        initiative=initiative, status=ChangeStatus.APPROVED
    )


def plan_changes(initiative: Initiative) -> QuerySet[PlanChange]:
    return (
        PlanChange.objects.unscoped()
        .filter(**_of(initiative))
        .select_related("change_request", "actor__user")
    )


# --- Facts -------------------------------------------------------------------------------------


# What the facts need of a deliverable's row: its id, status, first committed date and delivery.
FactRow = tuple[int, str, date, date | None]
# An offer as the facts need it: its number, the decision on it and the reason of a rejection.
OfferFact = tuple[int, str, str]
# The accepted statuses and decisions as the plain strings rows hold (a set: thousands of lookups).
_ACCEPTED = frozenset(str(status.value) for status in ACCEPTED_STATUSES)


def _fact(
    status: str, first: date, delivered: date | None, offers: Sequence[OfferFact], replans: tuple[int, int]
) -> metrics.DeliverableFacts:
    """One deliverable's facts: ``offers`` in their order, ``replans`` (all, unexplained)."""
    accepted_at = 0
    reasons: tuple[str, ...] = ()
    if offers:
        accepted_at = next((n for n, decision, _ in offers if decision in _ACCEPTED), 0)
        reasons = tuple(reason for _, decision, reason in offers if decision == "rejected")
    return metrics.DeliverableFacts(
        first_committed=first,
        accepted_on=delivered if status in _ACCEPTED else None,
        offers_until_accepted=accepted_at,
        rejection_reasons=reasons,
        replans=replans[0],
        unexplained_replans=replans[1],
    )


def _facts_of(org_id: int, rows: Iterable[FactRow], **scope: Any) -> dict[int, metrics.DeliverableFacts]:
    """The facts of deliverables' rows (cancelled ones left out) by id, in two queries whatever
    their number: the organisation's decided offers and re-plans, narrowed by ``scope``."""
    chosen = [row for row in rows if row[1] != DeliverableStatus.CANCELLED]
    if not chosen:
        return {}
    offers: dict[int, list[OfferFact]] = defaultdict(list)
    for deliverable_id, number, decision, reason in (
        Offer.objects.unscoped()
        .filter(organization_id=org_id, **scope)
        .exclude(decision="")  # an offer awaiting its decision tells nothing yet
        .order_by("number")
        .values_list("deliverable_id", "number", "decision", "rejection_reason")
    ):
        offers[deliverable_id].append((number, decision, reason))
    replans: dict[int, tuple[int, int]] = {
        deliverable_id: (n, unexplained)
        for deliverable_id, n, unexplained in Replan.objects.unscoped()
        .filter(organization_id=org_id, **scope)
        .order_by()
        .values("deliverable_id")
        .annotate(n=Count("id"), unexplained=Count("id", filter=Q(change_request__isnull=True)))
        .values_list("deliverable_id", "n", "unexplained")
    }
    return {
        pk: _fact(status, first, delivered, offers.get(pk, ()), replans.get(pk, (0, 0)))
        for pk, status, first, delivered in chosen
    }


def deliverable_facts(deliverables: Iterable[Deliverable]) -> list[metrics.DeliverableFacts]:
    """The facts of deliverables (cancelled ones left out), in three queries whatever their number."""
    chosen = [d for d in deliverables if d.status != DeliverableStatus.CANCELLED]
    if not chosen:
        return []
    rows = [(d.pk, d.status, d.first_committed_date, d.delivered_on) for d in chosen]
    facts = _facts_of(chosen[0].organization_id, rows, deliverable_id__in=[d.pk for d in chosen])
    return [facts[d.pk] for d in chosen]


def change_facts(changes: Iterable[ChangeRequest]) -> list[metrics.ChangeFacts]:
    return [
        metrics.ChangeFacts(
            side=c.requested_side,
            status=c.status,
            budget_impact=c.budget_impact,
            schedule_days=c.schedule_impact_days,
        )
        for c in changes
    ]


# A plan as the facts need it: the budget, target date and start date (an initiative's current
# plan or its baseline's), and for a baseline the moment it was taken.
PlanRow = tuple[Decimal | None, date | None, date | None]
BaselineRow = tuple[Decimal | None, date | None, date | None, datetime]
BASELINE_COLUMNS = ("budget_amount", "target_date", "start_date", "taken_at")


def _plan_fact(current: PlanRow, baseline: BaselineRow | None, unexplained: int) -> metrics.PlanFacts:
    budget, target, start = current
    if baseline is None:
        return metrics.PlanFacts(budget, budget, target, target, start, unexplained)
    original_budget, original_target, original_start, taken_at = baseline
    return metrics.PlanFacts(
        original_budget=original_budget,
        current_budget=budget,
        original_target=original_target,
        current_target=target,
        start=start or original_start or taken_at.date(),
        unexplained_moves=unexplained,
    )


def plan_facts(initiatives: Sequence[Initiative]) -> list[metrics.PlanFacts]:
    """Each initiative's baseline against its current plan (its current plan when it has none)."""
    if not initiatives:
        return []
    org_id = initiatives[0].organization_id
    ids = [i.pk for i in initiatives]
    baselines: dict[int, BaselineRow] = {
        pk: (budget, target, start, taken)
        for pk, budget, target, start, taken in Baseline.objects.unscoped()
        .filter(organization_id=org_id, initiative_id__in=ids)
        .values_list("initiative_id", *BASELINE_COLUMNS)
    }
    unexplained = dict(
        PlanChange.objects.unscoped()
        .filter(organization_id=org_id, initiative_id__in=ids, change_request__isnull=True)
        .order_by()
        .values("initiative_id")
        .annotate(n=Count("id"))
        .values_list("initiative_id", "n")
    )
    return [
        _plan_fact(
            (i.budget_amount, i.target_date, i.start_date), baselines.get(i.pk), unexplained.get(i.pk, 0)
        )
        for i in initiatives
    ]


# --- Figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """The figures of one initiative, party or department, with its alerts."""

    key: object
    label: str
    figures: metrics.Figures
    breaches: list[metrics.Breach]


def initiative_figures(initiative: Initiative) -> metrics.Figures:
    org = initiative.organization
    return metrics.figures(
        deliverable_facts(Deliverable.objects.for_org(org).filter(initiative=initiative)),
        change_facts(ChangeRequest.objects.for_org(org).filter(initiative=initiative)),
        plan_facts([initiative]),
    )


@dataclass(frozen=True)
class Dashboard:
    """The organisation's delivery figures and their breakdowns."""

    organization: metrics.Figures
    organization_breaches: list[metrics.Breach]
    initiatives: list[Row]
    parties: list[Row]
    departments: list[Row]
    trend: list[tuple[date, float | None, float | None, int]]
    quiet: list[Deliverable]
    # What the alerts were measured against.
    thresholds: metrics.Thresholds = dataclasses.field(default_factory=metrics.Thresholds)


def dashboard(
    org: Organization, *, today: date | None = None, party_ids: set[int] | None = None
) -> Dashboard:
    """Every figure of the organisation at once: a dozen queries whatever its size, each reading
    only the columns the figures need (no model is built but the quiet deliverables).

    ``party_ids`` limits it to the deliverables of those parties (a partner's view): then the
    organisation-wide rows, initiatives and departments are left out."""
    today = today or timezone.localdate()
    settings = delivery_settings(org)
    limits = _thresholds_of(settings)
    # The unexplained-changes limit is per initiative: the initiatives' rows say which; summed
    # rows (a party, a department, the organisation) are held to the other thresholds only.
    summed = dataclasses.replace(limits, unexplained_max=10**9)
    deliverables = Deliverable.objects.for_org(org).order_by()
    scope: dict[str, Any] = {}
    if party_ids is not None:
        deliverables = deliverables.filter(owner_party_id__in=party_ids)
        scope = {"deliverable__owner_party_id__in": party_ids}
    rows = list(
        deliverables.values_list(
            "pk", "status", "first_committed_date", "delivered_on", "initiative_id", "owner_party_id"
        )
    )
    facts = _facts_of(org.pk, [row[:4] for row in rows], **scope)
    by_party: dict[int, list[metrics.DeliverableFacts]] = defaultdict(list)
    by_initiative: dict[int, list[metrics.DeliverableFacts]] = defaultdict(list)
    for pk, _status, _first, _delivered, initiative_id, party_id in rows:
        if pk in facts:
            by_initiative[initiative_id].append(facts[pk])
            if party_id:
                by_party[party_id].append(facts[pk])
    parties = _party_rows(org, by_party, summed)
    trend = metrics.monthly(list(facts.values()), _months(today, 12))
    if party_ids is not None:
        return Dashboard(metrics.figures(list(facts.values())), [], [], parties, [], trend, [], limits)
    changes: dict[int, list[metrics.ChangeFacts]] = defaultdict(list)
    for initiative_id, side, status, budget, days in (
        ChangeRequest.objects.for_org(org)
        .order_by()
        .values_list("initiative_id", "requested_side", "status", "budget_impact", "schedule_impact_days")
    ):
        changes[initiative_id].append(metrics.ChangeFacts(side, status, budget, days))
    plans = _plans(org, {row[4] for row in rows} | set(changes))
    rows_of = []
    for pk, (title, plan) in plans.items():
        f = metrics.figures(by_initiative.get(pk, []), changes.get(pk, []), [plan])
        rows_of.append(Row(pk, title, f, metrics.breaches(f, limits)))
    whole = metrics.figures(
        list(facts.values()), [x for xs in changes.values() for x in xs], [p for _, p in plans.values()]
    )
    return Dashboard(
        organization=whole,
        organization_breaches=metrics.breaches(whole, summed),
        initiatives=rows_of,
        parties=parties,
        departments=_department_rows(org, plans, by_initiative, changes, summed),
        trend=trend,
        quiet=_quiet(org, settings.feedback_quiet_days, today),
        thresholds=limits,
    )


def _party_rows(
    org: Organization, by_party: dict[int, list[metrics.DeliverableFacts]], limits: metrics.Thresholds
) -> list[Row]:
    """A row per party that owns deliverables, by name; the names in one small query."""
    names = dict(Party.objects.for_org(org).filter(pk__in=list(by_party)).values_list("pk", "name"))
    return [
        Row(pk, names.get(pk, ""), f := metrics.figures(by_party[pk]), metrics.breaches(f, limits))
        for pk in sorted(by_party, key=lambda pk: names.get(pk, "").lower())
    ]


def _plans(org: Organization, ids: set[int]) -> dict[int, tuple[str, metrics.PlanFacts]]:
    """The title and plan facts of each initiative that has deliverables, change requests or a
    baseline (``ids`` holds those of the first two), by title: three queries, of a few columns."""
    baselines: dict[int, BaselineRow] = {
        pk: (budget, target, start, taken)
        for pk, budget, target, start, taken in Baseline.objects.for_org(org)
        .order_by()
        .values_list("initiative_id", *BASELINE_COLUMNS)
    }
    ids = ids | set(baselines)
    unexplained = dict(
        PlanChange.objects.for_org(org)
        .filter(change_request__isnull=True)
        .order_by()
        .values("initiative_id")
        .annotate(n=Count("id"))
        .values_list("initiative_id", "n")
    )
    # Every initiative's few columns, kept when in ``ids``: no list of ids sent to the database.
    return {
        pk: (title, _plan_fact((budget, target, start), baselines.get(pk), unexplained.get(pk, 0)))
        for pk, title, budget, target, start in Initiative.objects.for_org(org)
        .order_by("title", "id")
        .values_list("pk", "title", "budget_amount", "target_date", "start_date")
        if pk in ids
    }


def _department_rows(
    org: Organization,
    plans: dict[int, tuple[str, metrics.PlanFacts]],
    by_initiative: dict[int, list[metrics.DeliverableFacts]],
    changes: dict[int, list[metrics.ChangeFacts]],
    limits: metrics.Thresholds,
) -> list[Row]:
    """A row per department the initiatives of ``plans`` serve, by name: one query."""
    served: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for initiative_id, department_id, name in Initiative.departments.through.objects.filter(
        initiative__organization=org
    ).values_list("initiative_id", "department_id", "department__name"):
        if initiative_id in plans:
            served[department_id].append(initiative_id)
            names[department_id] = name
    rows = []
    for pk in sorted(served, key=lambda pk: names[pk].lower()):
        members = served[pk]
        f = metrics.figures(
            [x for i in members for x in by_initiative.get(i, [])],
            [x for i in members for x in changes.get(i, [])],
            [plans[i][1] for i in members],
        )
        rows.append(Row(pk, names[pk], f, metrics.breaches(f, limits)))
    return rows


def _months(today: date, n: int) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(n):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return months[::-1]


# --- Timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    """One deliverable on the planned-vs-actual chart."""

    deliverable: Deliverable
    first_committed: date
    replans: list[Replan]
    due: date
    delivered: date | None
    rejected_offers: list[date]

    @property
    def slip_days(self) -> int | None:
        return (self.delivered - self.first_committed).days if self.delivered else None


def timeline(initiative: Initiative) -> list[TimelineRow]:
    """The deliverables of an initiative, each with its first commitment, re-plans and delivery
    (and all its offers, ``deliverable.offers``): three queries."""
    deliverables = (
        Deliverable.objects.unscoped()
        .filter(**_of(initiative))
        .select_related("owner_member__user", "owner_party")
        .prefetch_related(  # type: ignore[type-var]
            Prefetch("replans", queryset=Replan.objects.unscoped().order_by("created_at", "id")),
            Prefetch("offers", queryset=Offer.objects.unscoped().order_by("number")),
        )
    )
    return [
        TimelineRow(
            deliverable=d,
            first_committed=d.first_committed_date,
            replans=list(d.replans.all()),
            due=d.due_date,
            delivered=d.delivered_on if d.is_accepted else None,
            rejected_offers=[o.offered_on for o in d.offers.all() if o.decision == "rejected"],
        )
        for d in deliverables
    ]


@dataclass(frozen=True)
class InitiativeDelivery:
    """What an initiative's delivery tab shows of its plan and deliverables, read once."""

    plan: metrics.PlanFacts
    moves: list[PlanChange]
    timeline: list[TimelineRow]
    figures: metrics.Figures


def initiative_delivery(initiative: Initiative, changes: Iterable[ChangeRequest]) -> InitiativeDelivery:
    """The baseline against the current plan, every move of it, the timeline and the figures
    (those ``initiative_figures`` tells) of an initiative whose change requests are ``changes``:
    five queries, the figures drawn from the rows the tab shows."""
    rows = timeline(initiative)
    moves = list(plan_changes(initiative))
    baseline = Baseline.objects.unscoped().filter(**_of(initiative)).values_list(*BASELINE_COLUMNS).first()
    current = (initiative.budget_amount, initiative.target_date, initiative.start_date)
    plan = _plan_fact(current, baseline, sum(1 for m in moves if not m.is_explained))
    facts = [
        _fact(
            d.status,
            d.first_committed_date,
            d.delivered_on,
            [(o.number, o.decision, o.rejection_reason) for o in d.offers.all()],
            (len(row.replans), sum(1 for r in row.replans if not r.is_explained)),
        )
        for row in rows
        if (d := row.deliverable).status != DeliverableStatus.CANCELLED
    ]
    figures = metrics.figures(facts, change_facts(changes), [plan])
    return InitiativeDelivery(plan, moves, rows, figures)


# --- Feedback ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    mean: float | None
    asked: int
    response_rate: float | None
    trend: list[tuple[date, float | None, int]]


def feedback_summary(
    org: Organization,
    *,
    initiative: Initiative | None = None,
    deliverable: Deliverable | None = None,
    today: date | None = None,
) -> FeedbackSummary:
    """How many end users answered, their mean rating, the response rate of those asked by
    e-mail, and the mean per month over the last twelve months: three queries."""
    qs = Feedback.objects.for_org(org).order_by()
    asked_qs = Deliverable.objects.for_org(org).order_by()
    if deliverable is not None:
        qs = qs.filter(deliverable=deliverable)
        asked_qs = asked_qs.filter(pk=deliverable.pk)
    elif initiative is not None:
        qs = qs.filter(initiative=initiative)
        asked_qs = asked_qs.filter(initiative=initiative)
    agg = qs.aggregate(
        n=Count("id"),
        mean=Avg("rating"),
        by_mail=Count("id", filter=Q(deliverable__feedback_requested_count__gt=0)),
    )
    asked = asked_qs.aggregate(asked=Sum("feedback_requested_count"))["asked"] or 0
    months = _months(today or timezone.localdate(), 12)
    per_month: dict[date, list[int]] = {m: [] for m in months}
    for day, rating in qs.filter(submitted_on__gte=months[0]).values_list("submitted_on", "rating"):
        per_month.setdefault(day.replace(day=1), []).append(rating)
    return FeedbackSummary(
        count=agg["n"] or 0,
        mean=float(agg["mean"]) if agg["mean"] is not None else None,
        asked=asked,
        response_rate=min(agg["by_mail"] / asked, 1.0) if asked else None,
        trend=[(m, sum(r) / len(r) if r else None, len(r)) for m in months for r in [per_month[m]]],
    )


def feedback_list(
    org: Organization, *, initiative: Initiative | None = None, deliverable: Deliverable | None = None
) -> QuerySet[Feedback]:
    qs = Feedback.objects.for_org(org).select_related("deliverable")
    if deliverable is not None:
        return qs.filter(deliverable=deliverable)
    if initiative is not None:
        return qs.filter(initiative=initiative)
    return qs


def quiet_deliverables(org: Organization, *, today: date | None = None) -> list[Deliverable]:
    """Deliverables accepted more than the organisation's quiet period ago without any end-user
    feedback since: "no end-user feedback since delivery", those accepted longest ago first.

    Each carries what a list of them shows, no more: its title, initiative, delivery date and
    ``initiative_title``."""
    days = delivery_settings(org).feedback_quiet_days
    return _quiet(org, days, today or timezone.localdate())


def _quiet(org: Organization, days: int, today: date) -> list[Deliverable]:
    # The subquery follows the outer deliverable (already scoped to ``org``): scoping it again
    # would steer the database to the organisation's index of every rating.
    rated = Feedback.objects.unscoped().filter(deliverable_id=OuterRef("pk"))
    return list(
        Deliverable.objects.for_org(org)
        .filter(status__in=ACCEPTED_STATUSES, delivered_on__lt=today - timedelta(days=days))
        .filter(~Exists(rated))
        .annotate(initiative_title=F("initiative__title"))
        .only("id", "organization_id", "initiative_id", "title", "status", "delivered_on")
        .order_by("delivered_on", "id")
    )


# --- For the weekly review ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """Something that changed in delivery since a moment, for the weekly review's agenda.

    ``kind``: ``slipped`` (a re-plan), ``rejected``, ``unexplained`` (a plan move or re-plan
    without an approved change request), ``awaiting_decision`` (an open change request),
    ``alert`` (a figure past its threshold), ``quiet`` (no end-user feedback since delivery);
    wins: ``accepted``, ``good_feedback``."""

    kind: str
    initiative_id: int
    title: str
    at: datetime | date
    target: ChangeRequest | Deliverable | PlanChange | None = None
    is_win: bool = False


def review_items(org: Organization, since: datetime, *, today: date | None = None) -> list[ReviewItem]:
    """What the weekly review should discuss from delivery since ``since`` (the last review)."""
    items: list[ReviewItem] = []
    for r in Replan.objects.for_org(org).filter(created_at__gte=since).select_related("deliverable"):
        kind = "slipped" if r.is_explained else "unexplained"
        items.append(
            ReviewItem(kind, r.deliverable.initiative_id, r.deliverable.title, r.created_at, r.deliverable)
        )
    for p in (
        PlanChange.objects.for_org(org)
        .filter(created_at__gte=since, change_request__isnull=True)
        .select_related("initiative")
    ):
        items.append(ReviewItem("unexplained", p.initiative_id, p.initiative.title, p.created_at, p))
    for o in Offer.objects.for_org(org).filter(decided_at__gte=since).select_related("deliverable"):
        win = o.decision in ACCEPTED_STATUSES
        items.append(
            ReviewItem(
                "accepted" if win else "rejected",
                o.deliverable.initiative_id,
                o.deliverable.title,
                o.decided_at or since,
                o.deliverable,
                is_win=win,
            )
        )
    for c in ChangeRequest.objects.for_org(org).filter(status=ChangeStatus.OPEN).select_related("initiative"):
        items.append(ReviewItem("awaiting_decision", c.initiative_id, c.title, c.created_at, c))
    board = dashboard(org, today=today)
    for row in board.initiatives:
        if row.breaches:
            items.append(ReviewItem("alert", int(str(row.key)), row.label, since))
    for d in board.quiet:
        items.append(ReviewItem("quiet", d.initiative_id, d.title, d.delivered_on or since, d))
    since_day = timezone.localtime(since).date() if timezone.is_aware(since) else since.date()
    good = (
        Feedback.objects.for_org(org)
        .filter(submitted_on__gte=since_day, rating__gte=GOOD_RATING)
        .values("initiative_id", "initiative__title")
        .annotate(n=Count("id"))
    )
    for g in good:
        items.append(
            ReviewItem("good_feedback", g["initiative_id"], g["initiative__title"], since_day, is_win=True)
        )
    return items
