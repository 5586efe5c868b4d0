"""A year of Northwind's alignment index: this week's snapshot from the live demo data, and the
52 weeks before it, each the live rows with the year's story applied.

The insights app seeds last, so every other app's demo data is in place: this week's snapshot is
taken by ``services.snapshot_take`` from the real sources. The earlier weeks are the same
components with what happened that week written over them (``EPISODES``), so the index dips and
recovers and each week's drill-down rows name the cause:

- a year ago *Self-service onboarding* had no IT co-lead (until week 41 before now), and *Dock
  appointment scheduling* went into delivery with half its gate missing (until week 36);
- there were no why checks before week 34 and no published survey before week 26: those
  components are left out of the index in those weeks, not counted as zero;
- in weeks 30-26 *Lower the cost to serve* was Finance's objective alone (siloed);
- in weeks 22-17 the why check of *Dynamic route optimisation* was misaligned: the biggest dip of
  the year; it was realigned in week 16, late, which costs a little for the next three months;
- in weeks 10-6 *Live shipment tracking* needed discussion, and in weeks 5-4 it was misaligned
  (the why-check demo's rounds), then aligned again;
- in weeks 7-5 the weekly review slipped (the reviews demo: cancelled, held without IT, not held);
- last week *Dock appointment scheduling* lost its IT co-lead, and this week a new one was named:
  what moved the index this week.

The words are in ``demo_nl`` for the Dutch demo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from types import ModuleType

from django.urls import reverse
from django.utils import timezone

from tandem.core.demo import demo_content
from tandem.core.insights import Component, Evidence
from tandem.core.models import Membership, Organization
from tandem.insights import index as math
from tandem.insights import selectors, services
from tandem.insights.models import SNAPSHOT_ROWS, IndexSnapshot
from tandem.strategy.models import Initiative, Objective

HISTORY_WEEKS = 52
# The initiatives, by their index in tandem.strategy.demo.INITIATIVES; the objective, in OBJECTIVES.
TRACKING, ROUTES, ONBOARDING, DOCKS = 0, 1, 2, 4
COST_TO_SERVE = 3
# Live why-check rows (the why-check demo's rounds) reach back this many weeks.
LIVE_WHY_CHECKS = 8


@dataclass(frozen=True)
class Episode:
    """From ``first`` to ``last`` weeks before now (inclusive, ``first >= last``), the row of
    ``component`` about ``initiative`` (or ``objective``) scores ``points`` for the reason named
    ``words`` (an attribute of the demo's words)."""

    first: int
    last: int
    component: str
    points: float
    words: str
    initiative: int | None = None
    objective: int | None = None
    realignment: bool = False

    def active(self, weeks_ago: int) -> bool:
        return self.last <= weeks_ago <= self.first


EPISODES: tuple[Episode, ...] = (
    Episode(52, 41, "coleads", 50, "NO_IT_CO_LEAD", initiative=ONBOARDING),
    Episode(52, 36, "gate", 40, "GATE_HALF_MISSING", initiative=DOCKS),
    Episode(30, 26, "objectives", 0, "SILOED", objective=COST_TO_SERVE),
    Episode(34, 23, "whycheck", 100, "ALIGNED", initiative=ROUTES),
    Episode(22, 17, "whycheck", 0, "MISALIGNED_ROUTES", initiative=ROUTES),
    Episode(16, LIVE_WHY_CHECKS + 1, "whycheck", 100, "REALIGNED", initiative=ROUTES),
    Episode(16, 4, "whycheck", 20, "REALIGNED_LATE", initiative=ROUTES, realignment=True),
    Episode(34, 11, "whycheck", 100, "ALIGNED", initiative=TRACKING),
    Episode(34, LIVE_WHY_CHECKS + 1, "whycheck", 100, "ALIGNED", initiative=ONBOARDING),
    Episode(30, LIVE_WHY_CHECKS + 1, "whycheck", 100, "ALIGNED", initiative=DOCKS),
    Episode(10, 6, "whycheck", 50, "NEEDS_DISCUSSION", initiative=TRACKING),
    Episode(5, 4, "whycheck", 0, "MISALIGNED_TRACKING", initiative=TRACKING),
    # Last week the IT co-lead of dock scheduling moved on; a new one was named this week.
    Episode(1, 1, "coleads", 50, "IT_CO_LEAD_LEFT", initiative=DOCKS),
)
# --- The story's words (Dutch in ``demo_nl``) ------------------------------------------------------

NO_IT_CO_LEAD = "Only a business co-lead: nobody from IT leads it yet."
GATE_HALF_MISSING = (
    "Half the approval gate is missing: no baseline and no target date for its success measure."
)
SILOED = "Owned by Finance alone: IT was not asked to own it with them."
ALIGNED = "Aligned: both co-leads give the same reason why it matters."
MISALIGNED_ROUTES = (
    "Misaligned: the business wants fewer late deliveries, IT wants to replace the planning system."
)
REALIGNED = "Aligned again after the co-leads agreed on fewer late deliveries first."
REALIGNED_LATE = "Realigned 35 days after the misaligned verdict (within 7 days counts in full)."
REALIGNMENT_LABEL = "%(title)s: realignment"
NEEDS_DISCUSSION = "Needs discussion: the same why, different targets and dates."
MISALIGNED_TRACKING = (
    "Misaligned: IT drifted towards rebuilding the event platform; the initiative was paused."
)
HABIT_SLIPPED = "The weekly review slipped: cancelled for the quarter-end close, held without IT, not held."
HABIT_LABEL = "Weekly review held"
IT_CO_LEAD_LEFT = "Only a business co-lead since the IT co-lead moved to another team."
NOT_YET_WHYCHECK = "No why check had closed yet."
NOT_YET_PERCEPTION = "No survey results had been published yet."

# The review habit's slip: weeks before now → the most any habit row scores that week.
HABIT_SLIP = {7: 45.0, 6: 30.0, 5: 20.0}
# Before these weeks, nothing measured the component yet (left out of the index).
FIRST_WEEK = {"whycheck": 34, "perception": 26}


@dataclass(frozen=True)
class Named:
    """What an episode's row is about: its id, label and page."""

    pk: int
    label: str
    url: str


def _things(org: Organization, language: str) -> tuple[dict[int, Named], dict[int, Named]]:
    """The story's initiatives and objectives, by their index in the strategy demo (missing ones
    are left out: their episodes do not happen)."""
    strategy = demo_content("tandem.strategy.demo", language)
    initiatives: dict[int, Named] = {}
    for i in {e.initiative for e in EPISODES if e.initiative is not None}:
        title = strategy.INITIATIVES[i].title
        found = Initiative.objects.for_org(org).filter(title=title).values_list("pk", flat=True).first()
        if found is not None:
            url = reverse("strategy:initiative_detail", kwargs={"org_slug": org.slug, "initiative_id": found})
            initiatives[i] = Named(found, title, url)
    objectives: dict[int, Named] = {}
    for i in {e.objective for e in EPISODES if e.objective is not None}:
        title = strategy.OBJECTIVES[i].title
        found = Objective.objects.for_org(org).filter(title=title).values_list("pk", flat=True).first()
        if found is not None:
            url = reverse("strategy:objective_detail", kwargs={"org_slug": org.slug, "objective_id": found})
            objectives[i] = Named(found, title, url)
    return initiatives, objectives


def _with_row(rows: list[Evidence], key: str, row: Evidence, *, initiative_id: int | None) -> list[Evidence]:
    """``rows`` with ``row`` in place of the one of the same key (or, for an initiative's row, the
    one about that initiative), else added."""
    for i, known in enumerate(rows):
        same_initiative = (
            initiative_id is not None
            and known.initiative_id == initiative_id
            and not known.key.startswith("realignment:")
        )
        if known.key == key or same_initiative:
            return [*rows[:i], replace(known, points=row.points, detail=row.detail), *rows[i + 1 :]]
    return [*rows, row]


def _episode_row(episode: Episode, words: ModuleType, thing: Named) -> tuple[str, Evidence]:
    detail = str(getattr(words, episode.words))
    if episode.objective is not None:
        key = f"objective:{thing.pk}"
        return key, Evidence(key=key, label=thing.label, points=episode.points, url=thing.url, detail=detail)
    if episode.realignment:
        key = f"realignment:demo-{thing.pk}"
        label = str(words.REALIGNMENT_LABEL) % {"title": thing.label}
    else:
        key, label = f"initiative:{thing.pk}", thing.label
    row = Evidence(
        key=key, label=label, points=episode.points, url=thing.url, detail=detail, initiative_id=thing.pk
    )
    return key, row


def _apply_episodes(
    rows: list[Evidence],
    key: str,
    weeks_ago: int,
    words: ModuleType,
    initiatives: dict[int, Named],
    objectives: dict[int, Named],
) -> list[Evidence]:
    """``rows`` of component ``key`` with the episodes of that week written over them."""
    for episode in EPISODES:
        if episode.component != key or not episode.active(weeks_ago):
            continue
        if episode.objective is not None:
            thing = objectives.get(episode.objective)
        else:
            thing = initiatives.get(episode.initiative if episode.initiative is not None else -1)
        if thing is None:
            continue
        row_key, row = _episode_row(episode, words, thing)
        about = None if episode.realignment else row.initiative_id
        rows = _with_row(rows, row_key, row, initiative_id=about)
    return rows


def week_components(
    live: Sequence[Component],
    weeks_ago: int,
    *,
    words: ModuleType,
    initiatives: dict[int, Named],
    objectives: dict[int, Named],
) -> list[Component]:
    """The components as they stood ``weeks_ago`` weeks before now: the live ones with the story."""
    by_key = {c.key: c for c in live}
    for key in {e.component for e in EPISODES}:
        if key not in by_key:
            by_key[key] = Component(
                key=key,
                label=str(math.DEFAULT_LABELS.get(key, key)),
                help="",
                default_weight=math.DEFAULT_WEIGHTS.get(key, 0),
            )
    result: list[Component] = []
    for key, component in by_key.items():
        rows = list(component.evidence)
        if key == "whycheck" and weeks_ago > LIVE_WHY_CHECKS:
            rows = []  # the why-check demo's rounds are recent: earlier, only the story's
        if key == "habit" and weeks_ago in HABIT_SLIP:
            rows = _slipped(rows, HABIT_SLIP[weeks_ago], words)
        rows = _apply_episodes(rows, key, weeks_ago, words, initiatives, objectives)
        missing = component.missing
        if weeks_ago > FIRST_WEEK.get(key, HISTORY_WEEKS + 1):
            rows, missing = [], str(getattr(words, f"NOT_YET_{key.upper()}"))
        result.append(replace(component, evidence=tuple(rows), missing=missing))
    return result


def _slipped(rows: list[Evidence], most: float, words: ModuleType) -> list[Evidence]:
    detail = str(words.HABIT_SLIPPED)
    if not rows:
        label = str(words.HABIT_LABEL)
        return [Evidence(key="habit:demo", label=label, points=most, detail=detail)]
    return [replace(r, points=min(r.points, most), detail=detail) if r.points > most else r for r in rows]


def history(
    org: Organization,
    live: Sequence[Component],
    *,
    now: datetime,
    language: str,
    weeks: int = HISTORY_WEEKS,
) -> list[IndexSnapshot]:
    """The snapshots of the ``weeks`` weeks before this one (not saved)."""
    words = demo_content(__name__, language)
    initiatives, objectives = _things(org, language)
    chosen = selectors.chosen_weights(org)
    this_week = selectors.this_week(now)
    zone = timezone.get_current_timezone()
    snapshots = []
    for weeks_ago in range(weeks, 0, -1):
        week = this_week - timedelta(weeks=weeks_ago)
        components = week_components(
            live, weeks_ago, words=words, initiatives=initiatives, objectives=objectives
        )
        taken_at = timezone.make_aware(datetime.combine(week, time(6, 0)), zone)
        breakdown = math.compute(components, chosen, taken_at=taken_at)
        data = math.to_snapshot_data(breakdown, max_rows=SNAPSHOT_ROWS)
        snapshots.append(IndexSnapshot(organization=org, week=week, taken_at=taken_at, **data))
    return snapshots


def seed(*, org: Organization, people: dict[str, Membership], language: str) -> None:
    """This week's snapshot from the live data, then the year before it (see the module)."""
    now = timezone.now()
    services.snapshot_take(org, now=now)
    live = selectors.collect_components(org, now)
    IndexSnapshot.objects.bulk_create(history(org, live, now=now, language=language))
