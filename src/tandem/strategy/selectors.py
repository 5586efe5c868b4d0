"""Reads of the strategy app: the portfolio with its alignment signals, the objective tree.

Every list is one query (plus one per prefetched relation), whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length, Trim
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.cache import org_cached
from tandem.core.models import Organization, Side
from tandem.strategy.gate import EXTRA_GATE_ELEMENTS, gate_missing, signals_of
from tandem.strategy.models import (
    OPEN_STAGES,
    STALE_AFTER_DAYS,
    CheckIn,
    Initiative,
    KeyResult,
    KeyResultLink,
    Objective,
    Stage,
    SuccessMeasure,
    Transition,
)
from tandem.strategy.progress import key_result_progress

SHARED_OBJECTIVE = Q(business_owner__side=Side.BUSINESS, it_owner__side=Side.IT)


def _filled(name: str) -> Q:
    return Q(**{f"{name}__gt": 0})


def initiative_annotated(org: Organization) -> QuerySet[Initiative]:
    """Initiatives of ``org`` with their alignment signals computed by the database."""
    # The subqueries follow the outer initiative (already scoped to ``org``). Filtering them on the
    # organisation too would steer SQLite to the organisation index and scan every row per initiative.
    measurable = SuccessMeasure.objects.unscoped().filter(initiative=OuterRef("pk"), target__isnull=False)
    shared = KeyResultLink.objects.unscoped().filter(
        initiative=OuterRef("pk"),
        key_result__objective__business_owner__side=Side.BUSINESS,
        key_result__objective__it_owner__side=Side.IT,
    )
    flag = BooleanField()
    extra: dict[str, Any] = {}
    for element in EXTRA_GATE_ELEMENTS:
        extra.update(element.annotate(org))
    return (
        Initiative.objects.for_org(org)
        .select_related("business_co_lead__user", "it_co_lead__user", "sponsor__user")
        .annotate(
            len_outcome=Length(Trim("business_outcome")),
            len_who=Length(Trim("end_user_input_who")),
            len_said=Length(Trim("end_user_input_summary")),
            len_waiver=Length(Trim("end_user_input_waiver")),
        )
        .annotate(
            sig_outcome=Case(
                When(_filled("len_outcome"), then=Value(True)), default=Value(False), output_field=flag
            ),
            sig_measurable=Exists(measurable),
            sig_business_lead=Case(
                When(business_co_lead__side=Side.BUSINESS, then=Value(True)),
                default=Value(False),
                output_field=flag,
            ),
            sig_it_lead=Case(
                When(it_co_lead__side=Side.IT, then=Value(True)), default=Value(False), output_field=flag
            ),
            sig_shared=Exists(shared),
            sig_end_users=Case(
                When((_filled("len_who") & _filled("len_said")) | _filled("len_waiver"), then=Value(True)),
                default=Value(False),
                output_field=flag,
            ),
            sig_it_early=Case(
                When(it_involved_stage__in=[Stage.IDEA, Stage.PROPOSED], then=Value(True)),
                default=Value(False),
                output_field=flag,
            ),
        )
        .annotate(**extra)
    )


SIGNAL_FIELDS = {
    "outcome": Q(sig_outcome=True),
    "measurable": Q(sig_measurable=True),
    "co_led": Q(sig_business_lead=True, sig_it_lead=True),
    "shared": Q(sig_shared=True),
    "end_users": Q(sig_end_users=True),
    "it_early": Q(sig_it_early=True),
}
SORTS: dict[str, tuple[Any, ...]] = {
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "stage": ("stage_rank", "title"),
    "-stage": ("-stage_rank", "title"),
    "target_date": (F("target_date").asc(nulls_last=True), "id"),
    "-target_date": (F("target_date").desc(nulls_last=True), "id"),
    "updated": ("-updated_at", "-id"),
    "signals": ("signal_count", "title"),
    "-signals": ("-signal_count", "title"),
}


@dataclass
class PortfolioFilters:
    stage: str = ""
    department: int | None = None
    sponsor_side: str = ""
    missing: str = ""
    q: str = ""
    sort: str = "updated"
    objective: int | None = None  # initiatives serving a key result of it; 0: those serving none


def initiative_portfolio(org: Organization, filters: PortfolioFilters | None = None) -> QuerySet[Initiative]:
    """The filtered, sorted portfolio; each row carries its signals (see ``signals_of``)."""
    filters = filters or PortfolioFilters()
    qs = initiative_annotated(org)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.department:
        qs = qs.filter(departments__id=filters.department)
    if filters.sponsor_side:
        qs = qs.filter(sponsor__side=filters.sponsor_side)
    if filters.missing in SIGNAL_FIELDS:
        qs = qs.exclude(SIGNAL_FIELDS[filters.missing])
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    if filters.objective is not None:
        qs = _serving(qs, filters.objective)
    stage_rank = Case(*[When(stage=s, then=Value(i)) for i, s in enumerate(Stage.values)], default=Value(99))
    signal_count = sum(
        (Case(When(cond, then=Value(1)), default=Value(0)) for cond in SIGNAL_FIELDS.values()),
        start=Value(0),
    )
    qs = qs.annotate(stage_rank=stage_rank, signal_count=signal_count)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["updated"])).prefetch_related("departments")


def _serving(qs: QuerySet[Initiative], objective: int) -> QuerySet[Initiative]:
    """Initiatives linked to a key result of ``objective``; with 0, those linked to none."""
    links = KeyResultLink.objects.unscoped().filter(initiative=OuterRef("pk"))  # see initiative_annotated
    if objective == 0:
        return qs.exclude(Exists(links))
    return qs.filter(Exists(links.filter(key_result__objective_id=objective)))


@dataclass
class PortfolioSummary:
    total: int
    missing: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)


def portfolio_summary(org: Organization) -> PortfolioSummary:
    """Counts for the summary line: how many initiatives lack each signal, and per stage (2 queries,
    none while the organisation's data is unchanged)."""
    return org_cached(org, "strategy.portfolio_summary", lambda: _portfolio_summary(org))


def _portfolio_summary(org: Organization) -> PortfolioSummary:
    qs = initiative_annotated(org)
    aggregates = {key: Count("id", filter=~cond) for key, cond in SIGNAL_FIELDS.items()}
    counts = qs.aggregate(total=Count("id"), **aggregates)
    by_stage = dict(
        Initiative.objects.for_org(org).values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
    )
    return PortfolioSummary(
        total=int(counts.pop("total")), missing={k: int(v) for k, v in counts.items()}, by_stage=by_stage
    )


def initiative_detail(org: Organization, pk: int) -> Initiative | None:
    """One initiative with signals, measures, links, departments and timeline prefetched."""
    qs: QuerySet[Initiative] = initiative_annotated(org).filter(pk=pk)
    return qs.prefetch_related(  # type: ignore[type-var]
        "departments",
        Prefetch(
            "success_measures", queryset=SuccessMeasure.objects.for_org(org).select_related("key_result")
        ),
        Prefetch(
            "key_result_links",
            queryset=KeyResultLink.objects.for_org(org).select_related(
                "key_result__objective__business_owner", "key_result__objective__it_owner"
            ),
        ),
        Prefetch("transitions", queryset=Transition.objects.for_org(org).select_related("actor")),
    ).first()


def objective_list(org: Organization, *, status: str = "") -> QuerySet[Objective]:
    """Objectives with owners and key results (three queries in all)."""
    qs = Objective.objects.for_org(org).select_related("business_owner__user", "it_owner__user")
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(Prefetch("key_results", queryset=KeyResult.objects.for_org(org)))


def objective_choices(org: Organization) -> QuerySet[Objective]:
    """The organisation's objectives, titles only: for filters and pickers (one query)."""
    return Objective.objects.for_org(org).only("pk", "title")


def key_result_list(org: Organization, *, objective_id: int | None = None) -> QuerySet[KeyResult]:
    qs = KeyResult.objects.for_org(org).select_related("objective")
    if objective_id:
        qs = qs.filter(objective_id=objective_id)
    return qs


def check_in_list(org: Organization, *, key_result_id: int | None = None) -> QuerySet[CheckIn]:
    qs = CheckIn.objects.for_org(org).select_related("author__user", "key_result")
    if key_result_id:
        qs = qs.filter(key_result_id=key_result_id)
    return qs


@dataclass
class TreeKeyResult:
    key_result: KeyResult
    initiatives: list[Initiative]


@dataclass
class TreeObjective:
    objective: Objective
    key_results: list[TreeKeyResult]


@dataclass
class ObjectiveTree:
    objectives: list[TreeObjective]
    orphan_initiatives: list[Initiative]
    unsupported_key_results: list[KeyResult]


def objective_tree(org: Organization) -> ObjectiveTree:
    """Objectives → key results → contributing initiatives, plus the orphans on both ends."""
    objectives = list(objective_list(org))
    links = list(
        KeyResultLink.objects.for_org(org)
        .select_related("initiative")
        .exclude(initiative__stage=Stage.CANCELLED)
    )
    by_kr: dict[int, list[Initiative]] = {}
    linked: set[int] = set()
    for link in links:
        by_kr.setdefault(link.key_result_id, []).append(link.initiative)
        linked.add(link.initiative_id)
    tree = [
        TreeObjective(o, [TreeKeyResult(kr, by_kr.get(kr.pk, [])) for kr in o.key_results.all()])
        for o in objectives
    ]
    orphans = list(
        Initiative.objects.for_org(org)
        .exclude(pk__in=linked)
        .exclude(stage__in=[Stage.CANCELLED, Stage.CLOSED])
        .order_by("title")
    )
    unsupported = [tk.key_result for to in tree for tk in to.key_results if not tk.initiatives]
    return ObjectiveTree(tree, orphans, unsupported)


def signal_rows(initiatives: list[Initiative]) -> list[tuple[Initiative, dict[str, bool]]]:
    """Pairs of initiative and its signals, for templates."""
    return [(i, signals_of(i).as_dict()) for i in initiatives]


# --- The portfolio's budgets, key-result progress, groups and totals ------------------------------
#
# Every figure below comes from a fixed number of queries, whatever the number of initiatives: the
# filtered portfolio's ids, stages and budgets in one, the organisation's key-result links (with
# what progress needs of their key results) in one, and the rows shown in one (plus departments).

GROUPINGS = ("objective", "stage")
GROUP_CAP = 10  # initiatives shown per group; "show all" lists the whole group
NO_OBJECTIVE = 0  # the objective filter's value for initiatives that serve no key result

_LINK_FIELDS = (
    "initiative_id",
    "key_result_id",
    "key_result__objective_id",
    "key_result__direction",
    "key_result__baseline",
    "key_result__target",
    "key_result__current",
    "key_result__band_min",
    "key_result__band_max",
)


@dataclass(frozen=True)
class Served:
    """What an initiative serves: its key results' mean progress (in [0, 1]) and their objectives."""

    progress: float
    key_results: int
    objectives: tuple[int, ...]


def served_by(org: Organization, initiative_ids: Iterable[int] | None = None) -> dict[int, Served]:
    """Per initiative (of ``initiative_ids``, or all) that serves a key result: the mean progress of
    the distinct key results it is linked to and their objectives, in link order (one query)."""
    links = KeyResultLink.objects.for_org(org)
    if initiative_ids is not None:
        links = links.filter(initiative_id__in=list(initiative_ids))
    progress: dict[int, dict[int, float]] = {}
    objectives: dict[int, dict[int, None]] = {}
    for pk, kr, objective, direction, baseline, target, current, low, high in links.order_by(
        "id"
    ).values_list(*_LINK_FIELDS):
        progress.setdefault(pk, {})[kr] = key_result_progress(
            direction=direction,
            baseline=baseline,
            target=target,
            current=current,
            band_min=low,
            band_max=high,
        )
        objectives.setdefault(pk, {})[objective] = None
    return {
        pk: Served(sum(shares.values()) / len(shares), len(shares), tuple(objectives[pk]))
        for pk, shares in progress.items()
    }


@dataclass(frozen=True)
class PortfolioTotals:
    """Figures of a set of initiatives: how many, their budgets summed per currency (ordered by
    currency), how many have none, and the mean key-result progress of those that serve one."""

    count: int = 0
    budgets: tuple[tuple[str, Decimal], ...] = ()
    without_budget: int = 0
    progress: float | None = None
    with_progress: int = 0


@dataclass(frozen=True)
class _Fact:
    pk: int
    stage: str
    budget: Decimal | None
    currency: str


def _totals(facts: Iterable[_Fact], served: dict[int, Served]) -> PortfolioTotals:
    budgets: dict[str, Decimal] = {}
    count = without_budget = 0
    shares: list[float] = []
    for fact in facts:
        count += 1
        if fact.budget is None:
            without_budget += 1
        else:
            budgets[fact.currency] = budgets.get(fact.currency, Decimal(0)) + fact.budget
        if fact.pk in served:
            shares.append(served[fact.pk].progress)
    return PortfolioTotals(
        count=count,
        budgets=tuple(sorted(budgets.items())),
        without_budget=without_budget,
        progress=sum(shares) / len(shares) if shares else None,
        with_progress=len(shares),
    )


def _facts(org: Organization, filters: PortfolioFilters) -> list[_Fact]:
    """The filtered portfolio in its order, only what totals and grouping need (one query)."""
    rows = (
        initiative_portfolio(org, filters)
        .prefetch_related(None)
        .values_list("pk", "stage", "budget_amount", "budget_currency")
    )
    return [_Fact(*row) for row in rows]


def portfolio_totals(org: Organization, filters: PortfolioFilters | None = None) -> PortfolioTotals:
    """The totals of the whole filtered portfolio (two queries)."""
    facts = _facts(org, filters or PortfolioFilters())
    return _totals(facts, served_by(org))


@dataclass(frozen=True)
class PortfolioRow:
    """One initiative as the portfolio shows it: its signals and what it serves (None: no key result)."""

    initiative: Initiative
    flags: dict[str, bool]
    served: Served | None

    @property
    def progress(self) -> float | None:
        return self.served.progress if self.served else None


def portfolio_rows(org: Organization, initiatives: list[Initiative]) -> list[PortfolioRow]:
    """The rows of a page of the portfolio (one query for their key-result progress)."""
    served = served_by(org, [i.pk for i in initiatives])
    return [PortfolioRow(i, signals_of(i).as_dict(), served.get(i.pk)) for i in initiatives]


@dataclass(frozen=True)
class PortfolioGroup:
    """Initiatives of one stage or serving one objective (``key``: the stage, the objective's id or
    0 for none): the totals of the whole group, and its first ``GROUP_CAP`` rows in the list's order."""

    key: str | int
    label: str
    note: str
    totals: PortfolioTotals
    rows: list[PortfolioRow]

    @property
    def hidden(self) -> int:
        """How many initiatives of the group are not shown here."""
        return self.totals.count - len(self.rows)


def portfolio_groups(
    org: Organization, filters: PortfolioFilters, *, by: str, cap: int = GROUP_CAP
) -> list[PortfolioGroup]:
    """The filtered portfolio grouped ``by`` "stage" (in stage order) or "objective" (in the
    objectives' order, then those serving none; an initiative serving two objectives is in both),
    with totals per group; queries do not grow with the number of initiatives."""
    facts = _facts(org, filters)
    served = served_by(org)
    members: dict[str | int, list[_Fact]] = {}
    for fact in facts:
        keys: Iterable[str | int] = (
            [fact.stage] if by == "stage" else (served[fact.pk].objectives if fact.pk in served else [0])
        )
        for key in keys:
            members.setdefault(key, []).append(fact)
    heads = _group_heads(org, by, members)
    shown = {fact.pk for key, _label, _note in heads for fact in members[key][:cap]}
    loaded = {i.pk: i for i in initiative_annotated(org).filter(pk__in=shown).prefetch_related("departments")}
    groups = []
    for key, label, note in heads:
        rows = [
            PortfolioRow(loaded[f.pk], signals_of(loaded[f.pk]).as_dict(), served.get(f.pk))
            for f in members[key][:cap]
        ]
        groups.append(PortfolioGroup(key, label, note, _totals(members[key], served), rows))
    return groups


def _group_heads(
    org: Organization, by: str, members: dict[str | int, Any]
) -> list[tuple[str | int, str, str]]:
    """Each group's key, title and a note (an objective's period), in display order."""
    if by == "stage":
        return [(value, str(label), "") for value, label in Stage.choices if value in members]
    objectives = (
        Objective.objects.for_org(org)
        .filter(pk__in=[k for k in members if k])
        .only("pk", "title", "period_start", "period_end")
    )
    heads: list[tuple[str | int, str, str]] = [(o.pk, o.title, o.period_label) for o in objectives]
    if NO_OBJECTIVE in members:
        heads.append((NO_OBJECTIVE, str(_("Serves no objective")), ""))
    return heads


def home_panel(membership: Any) -> tuple[str, dict[str, Any]] | None:
    """The organisation home's strategy panel: the portfolio's gaps at a glance (not for partners)."""
    if membership.role == "partner":
        return None
    figures = org_cached(
        membership.organization, "strategy.home_panel", lambda: _home_figures(membership.organization)
    )
    # A key result turns stale with the clock, not with a write: counted now, from cached dates.
    stale_before = timezone.now() - timedelta(days=STALE_AFTER_DAYS)
    stale = sum(1 for since in figures["checked_since"] if since is not None and since < stale_before)
    return "strategy/_home_panel.html", {**figures, "stale": stale}


def _home_figures(org: Organization) -> dict[str, Any]:
    objectives = list(objective_list(org).exclude(status__in=["achieved", "missed", "cancelled"]))
    key_results = [kr for o in objectives for kr in o.key_results.all()]
    return {
        "summary": portfolio_summary(org),
        "objectives": len(objectives),
        "siloed": sum(1 for o in objectives if o.is_siloed),
        "checked_since": tuple(kr.last_check_in_at or kr.created_at for kr in key_results),
        "key_results": len(key_results),
    }


# --- Stages and the approval gate ------------------------------------------------------------------

FORWARD: dict[str, set[str]] = {
    Stage.IDEA: {Stage.PROPOSED},
    Stage.PROPOSED: {Stage.APPROVED, Stage.IDEA},
    Stage.APPROVED: {Stage.IN_DELIVERY, Stage.PROPOSED},
    Stage.IN_DELIVERY: {Stage.DELIVERED},
    Stage.DELIVERED: {Stage.CLOSED, Stage.IN_DELIVERY},
}


def allowed_transitions(initiative: Initiative) -> list[str]:
    """The stages the initiative may move to now, in display order."""
    stage = initiative.stage
    if stage == Stage.PAUSED:
        targets = {initiative.paused_from or Stage.IDEA, Stage.CANCELLED}
    elif stage in OPEN_STAGES:
        targets = FORWARD[stage] | {Stage.PAUSED, Stage.CANCELLED}
    else:
        targets = set()
    return [s for s in Stage.values if s in targets]


def approval_missing(initiative: Initiative) -> list[str]:
    """What the approval gate still needs (codes), read fresh from the database."""
    return gate_missing(initiative_annotated(initiative.organization).get(pk=initiative.pk))


def initiative_list_open(*, org: Organization) -> QuerySet[Initiative]:
    """The initiatives not closed or cancelled (paused ones included), by title: for pickers."""
    return (
        Initiative.objects.for_org(org)
        .exclude(stage__in=(Stage.CLOSED, Stage.CANCELLED))
        .order_by("title")
        .only("pk", "title")
    )


def initiative_paused_by(*, initiative: Initiative, cause: str) -> bool:
    """Whether the initiative is paused by a move with ``cause`` (a ``TransitionCause``): only
    while that pause is its latest move."""
    if initiative.stage != Stage.PAUSED:
        return False
    last = (
        Transition.objects.for_org(initiative.organization)
        .filter(initiative=initiative)
        .order_by("-created_at", "-id")
        .first()
    )
    return last is not None and last.to_stage == Stage.PAUSED and last.cause == cause
