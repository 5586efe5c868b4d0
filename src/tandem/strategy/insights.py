"""The strategy app's part of the alignment index, the home page and the getting-started checklist
(``tandem.core.insights``).

Three components, each over the organisation's *active* initiatives (``ACTIVE_STAGES``: proposed,
approved, in delivery, delivered and paused; ideas are not held to the gate yet, closed and
cancelled work no longer counts):

- ``gate``: the share of the approval gate's elements an initiative meets;
- ``coleads``: 100 with an active co-lead of each side, 50 with one, 0 with none;
- ``objectives``: 100 when the initiative serves a shared objective, 50 when it serves only
  objectives one side owns, 0 when it serves none; and every open objective owned by one side
  only counts 0 ("a siloed objective lowers it").

Each is one query whatever the number of initiatives (``selectors.initiative_annotated`` computes
the gate in the database), plus one for the siloed objectives.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.insights import Component, Evidence, NeedItem, SetupStep
from tandem.core.models import Membership, Organization, Side
from tandem.strategy.gate import GATE_CODES, GATE_MESSAGES, gate_missing
from tandem.strategy.models import (
    STALE_AFTER_DAYS,
    Initiative,
    KeyResult,
    KeyResultLink,
    Objective,
    ObjectiveStatus,
    Stage,
)
from tandem.strategy.selectors import SHARED_OBJECTIVE, initiative_annotated

# The stages in which an initiative counts for the index: past the idea, not yet closed or cancelled.
ACTIVE_STAGES: tuple[str, ...] = (
    Stage.PROPOSED,
    Stage.APPROVED,
    Stage.IN_DELIVERY,
    Stage.DELIVERED,
    Stage.PAUSED,
)
# Objectives still in play: a siloed one may exist only as a draft, so drafts count too.
OPEN_OBJECTIVE_STATUSES = (ObjectiveStatus.DRAFT, ObjectiveStatus.ACTIVE)

WEIGHTS = {"gate": 15, "coleads": 10, "objectives": 15}


def id_url(name: str, org: Organization, argument: str) -> Callable[[int], str]:
    """The address of one object by its id, reversed once: thousands of rows cost no reverse each."""
    marker = 918273645
    pattern = reverse(name, kwargs={"org_slug": org.slug, argument: marker})
    head, _marker, tail = pattern.partition(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _active_initiatives(org: Organization) -> list[Any]:
    """The active initiatives with their gate signals, co-leads' sides and links (one query)."""
    flag = BooleanField()
    linked = KeyResultLink.objects.unscoped().filter(initiative=OuterRef("pk"))
    return list(
        initiative_annotated(org)
        .select_related(None)
        .filter(stage__in=ACTIVE_STAGES)
        .annotate(
            lead_business=Case(
                When(
                    business_co_lead__side=Side.BUSINESS, business_co_lead__is_active=True, then=Value(True)
                ),
                default=Value(False),
                output_field=flag,
            ),
            lead_it=Case(
                When(it_co_lead__side=Side.IT, it_co_lead__is_active=True, then=Value(True)),
                default=Value(False),
                output_field=flag,
            ),
            sig_linked=Exists(linked),
        )
        .only("id", "title", "stage", "organization_id")
        .order_by("title", "id")
    )


def _gate(rows: list[Any], url: Callable[[int], str]) -> Component:
    total = len(GATE_CODES)
    # Words translated once, not once per row: thousands of initiatives share a few combinations.
    messages = {code: str(GATE_MESSAGES[code]) for code in GATE_CODES}
    complete, missing_words = _("Every element of the approval gate is in place."), _("Missing: %(what)s")
    details: dict[tuple[str, ...], str] = {}
    evidence = []
    for row in rows:
        missing = tuple(gate_missing(row))
        if missing not in details:
            what = " ".join(messages[code] for code in missing)
            details[missing] = missing_words % {"what": what} if missing else complete
        evidence.append(
            Evidence(
                key=f"initiative:{row.pk}",
                label=row.title,
                points=100 * (total - len(missing)) / total,
                url=url(row.pk),
                detail=details[missing],
                initiative_id=row.pk,
            )
        )
    return Component(
        key="gate",
        label=_("Outcome first"),
        help=_(
            "How complete the active initiatives are against the approval gate: a business outcome, "
            "measures of success, a co-lead from each side, a link to a shared objective, end-user "
            "input and, where required, an agreeing why check."
        ),
        default_weight=WEIGHTS["gate"],
        evidence=tuple(evidence),
        missing="" if evidence else _("There are no active initiatives yet."),
    )


def _coleads(rows: list[Any], url: Callable[[int], str]) -> Component:
    outcomes = {
        (True, True): (100.0, _("Co-led by the business and IT.")),
        (True, False): (50.0, _("No IT co-lead: IT is not leading this together with the business.")),
        (False, True): (50.0, _("No business co-lead: the business is not leading this together with IT.")),
        (False, False): (0.0, _("No co-lead from either side.")),
    }
    evidence = []
    for row in rows:
        points, detail = outcomes[(bool(row.lead_business), bool(row.lead_it))]
        evidence.append(
            Evidence(
                key=f"initiative:{row.pk}",
                label=row.title,
                points=points,
                url=url(row.pk),
                detail=detail,
                initiative_id=row.pk,
            )
        )
    return Component(
        key="coleads",
        label=_("Co-leadership"),
        help=_(
            "Whether each active initiative is led by an active co-lead from the business and one from "
            "IT: full marks with both, half with one, none without."
        ),
        default_weight=WEIGHTS["coleads"],
        evidence=tuple(evidence),
        missing="" if evidence else _("There are no active initiatives yet."),
    )


def _objectives(org: Organization, rows: list[Any], url: Callable[[int], str]) -> Component:
    shared_words = (100.0, _("Serves an objective owned by the business and IT together."))
    linked_words = (50.0, _("Serves only objectives that one side owns."))
    none_words = (0.0, _("Serves no objective: link it to a key result."))
    evidence = []
    for row in rows:
        points, detail = shared_words if row.sig_shared else linked_words if row.sig_linked else none_words
        evidence.append(
            Evidence(
                key=f"initiative:{row.pk}",
                label=row.title,
                points=points,
                url=url(row.pk),
                detail=detail,
                initiative_id=row.pk,
            )
        )
    objective_url = id_url("strategy:objective_detail", org, "objective_id")
    siloed = (
        Objective.objects.for_org(org)
        .filter(status__in=OPEN_OBJECTIVE_STATUSES)
        .exclude(SHARED_OBJECTIVE)
        .order_by("title", "id")
        .values_list("id", "title")
    )
    siloed_words = _("Owned by one side only: name an owner from the business and one from IT.")
    for pk, title in siloed:
        evidence.append(
            Evidence(
                key=f"objective:{pk}", label=title, points=0.0, url=objective_url(pk), detail=siloed_words
            )
        )
    return Component(
        key="objectives",
        label=_("Shared objectives"),
        help=_(
            "Whether the active initiatives serve objectives that the business and IT own together. "
            "An initiative serving only one side's objectives counts half; every open objective "
            "owned by one side only counts against the score."
        ),
        default_weight=WEIGHTS["objectives"],
        evidence=tuple(evidence),
        missing="" if evidence else _("There are no active initiatives or open objectives yet."),
    )


def index_components(org: Organization, now: datetime) -> list[Component]:
    """The gate, co-leadership and shared-objective components (two queries in all)."""
    rows = _active_initiatives(org)
    url = id_url("strategy:initiative_detail", org, "initiative_id")
    return [_gate(rows, url), _coleads(rows, url), _objectives(org, rows, url)]


def needs_me(membership: Membership, today: date) -> list[NeedItem]:
    """Check-ins due on the key results of the active objectives the person owns: due once the
    last check-in (or the key result's creation) is ``STALE_AFTER_DAYS`` old."""
    org = membership.organization
    owned = Q(objective__business_owner=membership) | Q(objective__it_owner=membership)
    rows = (
        KeyResult.objects.for_org(org)
        .filter(owned, objective__status=ObjectiveStatus.ACTIVE)
        .annotate(since=Coalesce("last_check_in_at", "created_at"))
        .order_by("since", "id")
        .values_list("id", "metric", "since")
    )
    url = id_url("strategy:key_result_detail", org, "key_result_id")
    items = []
    for pk, metric, since in rows:
        due = timezone.localtime(since + timedelta(days=STALE_AFTER_DAYS)).date()
        if due <= today:
            items.append(
                NeedItem(
                    kind="check_in", title=metric, action=_("Record a check-in"), url=url(pk), due_on=due
                )
            )
    return items


def setup_steps(org: Organization) -> list[SetupStep]:
    """A shared objective (30) and an initiative co-led by both sides (40)."""
    shared = (
        Objective.objects.for_org(org)
        .filter(SHARED_OBJECTIVE)
        .exclude(status=ObjectiveStatus.CANCELLED)
        .exists()
    )
    co_led = (
        Initiative.objects.for_org(org)
        .filter(business_co_lead__side=Side.BUSINESS, it_co_lead__side=Side.IT)
        .exclude(stage=Stage.CANCELLED)
        .exists()
    )
    kwargs = {"org_slug": org.slug}
    return [
        SetupStep(
            key="shared_objective",
            label=_("Agree a shared objective, owned by the business and IT together"),
            done=shared,
            url=reverse("strategy:objectives", kwargs=kwargs),
            order=30,
        ),
        SetupStep(
            key="co_led_initiative",
            label=_("Start an initiative with a business and an IT co-lead"),
            done=co_led,
            url=reverse("strategy:portfolio", kwargs=kwargs),
            order=40,
        ),
    ]
