"""The interfaces through which apps feed the alignment index and the home page.

An app names its functions on its AppConfig (dotted paths), and the insights app collects them
through ``tandem.core.navigation.app_hooks`` without importing any app, so an app that has not
landed, or names nothing, is simply absent:

- ``tandem_index_source = "tandem.<app>.insights.index_components"``:
  ``index_components(org, now) -> list[Component]``, the app's components of the alignment index;
- ``tandem_needs_me = "tandem.<app>.insights.needs_me"``:
  ``needs_me(membership, today) -> list[NeedItem]``, what waits for this person in the app;
- ``tandem_getting_started = "tandem.<app>.insights.setup_steps"``:
  ``setup_steps(org) -> list[SetupStep]``, the app's steps of the getting-started checklist.

A component is a list of **evidence** rows, each scored 0-100 with a weight inside its
component; the component's score is their weighted mean, so every point of the index traces back
to the rows that cost it. A component without rows has no data: it is left out of the index (and
says why in ``missing``), never counted as zero.

Evidence carries names and links of the organisation's own things and short reasons, never
secret content: no blind answer of a why check, no figure of a survey group below its anonymity
threshold or of a campaign whose results are not out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from tandem.core.models import Membership, Organization


@dataclass(frozen=True)
class Evidence:
    """One row behind a component. ``key`` is stable across weeks ("initiative:12"), so two
    snapshots can say what moved; ``points`` is 0-100 (100 = aligned); ``weight`` is the row's
    share within its component (1 unless a row counts for more)."""

    key: str
    label: str
    points: float
    url: str = ""
    detail: str = ""
    weight: float = 1.0
    initiative_id: int | None = None


@dataclass(frozen=True)
class Component:
    """One named component of the index. ``key`` is one of ``COMPONENT_KEYS``; ``label`` and
    ``help`` are in the reader's language; ``default_weight`` is used until an organisation sets
    its own. ``missing`` says why there is no data when ``evidence`` is empty."""

    key: str
    label: str
    help: str
    default_weight: int
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    missing: str = ""

    @property
    def score(self) -> float | None:
        """The weighted mean of the rows' points; ``None`` (no data) without rows."""
        total = sum(row.weight for row in self.evidence)
        if total <= 0:
            return None
        return sum(row.points * row.weight for row in self.evidence) / total


# The components in display order, and the app that provides each.
COMPONENT_KEYS: tuple[str, ...] = (
    "gate",  # strategy: outcome-first completeness (the approval gate)
    "coleads",  # strategy: co-leadership by both sides
    "whycheck",  # whycheck: latest verdicts and realignment speed
    "objectives",  # strategy: service to shared objectives
    "delivery",  # delivery: on time against the first commitment, first-time right
    "service_levels",  # governance: parties' service levels met
    "perception",  # surveys: the gap between business and IT in the latest published results
    "habit",  # reviews: the weekly review's habit score
)


@dataclass(frozen=True)
class NeedItem:
    """Something waiting for one person. ``kind`` is one of ``NEED_KINDS``; ``title`` names the
    thing (an initiative, a survey, a key result); ``action`` says what to do in the reader's
    language ("Give your answer"); ``due_on`` is when it is due, if it has a date."""

    kind: str
    title: str
    action: str
    url: str
    due_on: date | None = None

    def is_overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today


NEED_KINDS: tuple[str, ...] = (
    "answer",  # a why check or a survey to answer
    "check_in",  # a key result's check-in
    "action",  # an action item of the weekly review
    "approval",  # an offer to accept, a change request or an approval to decide
)


@dataclass(frozen=True)
class SetupStep:
    """One step of the getting-started checklist; ``order`` places it among every app's steps."""

    key: str
    label: str
    done: bool
    url: str = ""
    order: int = 100


IndexSource = Callable[[Organization, datetime], list[Component]]
NeedsSource = Callable[[Membership, date], list[NeedItem]]
SetupSource = Callable[[Organization], list[SetupStep]]
