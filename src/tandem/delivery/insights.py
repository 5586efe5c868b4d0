"""The delivery app's part of the alignment index, the home page and the getting-started checklist
(``tandem.core.insights``).

The ``delivery`` component ("delivery honesty") has two rows per deliverable offered or accepted
in the last ``WINDOW_DAYS`` days, by the definitions of ``metrics`` ("Delivery figures"):

- *on time*: accepted on or before its first committed date 100, after it 0 (a re-plan never makes
  a late delivery on time); not accepted yet: 0 once the first committed date has passed, no row
  before;
- *first time right*: accepted at its first offer 100; rejected at least once 0; no row while the
  first offer awaits its decision.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.access import Need, meets
from tandem.core.insights import Component, Evidence, NeedItem, SetupStep
from tandem.core.models import Membership, Organization, Role, Side
from tandem.delivery.models import (
    ACCEPTED_STATUSES,
    ChangeRequest,
    ChangeStatus,
    Deliverable,
    DeliverableStatus,
    Offer,
)
from tandem.strategy.insights import id_url
from tandem.strategy.models import Stage

WEIGHT = 10
WINDOW_DAYS = 180
_ACCEPTED = frozenset(str(status.value) for status in ACCEPTED_STATUSES)


def _deliverables(org: Organization, since: date, today: date) -> QuerySet[Deliverable]:
    """The deliverables offered or accepted from ``since`` to ``today``."""
    offered = Offer.objects.unscoped().filter(
        deliverable=OuterRef("pk"), offered_on__gte=since, offered_on__lte=today
    )
    return (
        Deliverable.objects.for_org(org)
        .exclude(status=DeliverableStatus.CANCELLED)
        .exclude(initiative__stage=Stage.CANCELLED)
        .filter(Q(delivered_on__gte=since, delivered_on__lte=today) | Q(Exists(offered)))
    )


def _decisions(org: Organization, deliverables: QuerySet[Deliverable]) -> dict[int, list[str]]:
    """The decisions on each deliverable's offers, in their order (one query)."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        Offer.objects.for_org(org)
        .filter(deliverable_id__in=deliverables.values("id"))
        .exclude(decision="")
        .order_by("deliverable_id", "number")
        .values_list("deliverable_id", "decision")
    )
    for deliverable_id, decision in rows:
        found[deliverable_id].append(decision)
    return found


def _on_time(first: date, delivered: date | None, accepted: bool, today: date) -> tuple[float, str] | None:
    """The on-time row's points and reason; None while it is not late and not accepted yet."""
    if accepted and delivered is not None:
        slip = (delivered - first).days
        if slip <= 0:
            return 100.0, _("Accepted on time against its first committed date.")
        words = ngettext(
            "Accepted %(days)s day after its first committed date.",
            "Accepted %(days)s days after its first committed date.",
            slip,
        )
        return 0.0, words % {"days": slip}
    if today > first:
        late = (today - first).days
        words = ngettext(
            "Not accepted yet, %(days)s day after its first committed date.",
            "Not accepted yet, %(days)s days after its first committed date.",
            late,
        )
        return 0.0, words % {"days": late}
    return None


def _first_time_right(decisions: list[str], accepted: bool) -> tuple[float, str] | None:
    """The first-time-right row's points and reason; None while the first offer awaits a decision."""
    rejected = sum(1 for decision in decisions if decision not in _ACCEPTED)
    if not rejected:
        return (100.0, _("Accepted at its first offer.")) if accepted else None
    if not accepted:
        return 0.0, _("Rejected at its offer: in rework.")
    words = ngettext("Accepted after %(n)s rejection.", "Accepted after %(n)s rejections.", rejected)
    return 0.0, words % {"n": rejected}


def index_components(org: Organization, now: datetime) -> list[Component]:
    """The delivery component (two queries)."""
    today = timezone.localtime(now).date()
    chosen = _deliverables(org, today - timedelta(days=WINDOW_DAYS), today)
    rows = chosen.order_by("initiative__title", "first_committed_date", "id").values_list(
        "id", "title", "initiative_id", "status", "first_committed_date", "delivered_on"
    )
    decisions = _decisions(org, chosen)
    url = id_url("delivery:deliverable", org, "deliverable_id")
    evidence = []
    for pk, title, initiative_id, status, first, delivered in rows:
        accepted = status in _ACCEPTED
        checks = (
            ("on_time", _on_time(first, delivered, accepted, today)),
            ("first_time_right", _first_time_right(decisions.get(pk, []), accepted)),
        )
        for name, found in checks:
            if found is not None:
                points, detail = found
                evidence.append(
                    Evidence(
                        key=f"deliverable:{pk}:{name}",
                        label=title,
                        points=points,
                        url=url(pk),
                        detail=detail,
                        initiative_id=initiative_id,
                    )
                )
    return [
        Component(
            key="delivery",
            label=_("Delivery honesty"),
            help=_(
                "Whether what IT promised arrived as promised, over the deliverables offered or accepted "
                "in the last 180 days: accepted by the first committed date (a re-plan does not reset "
                "it), and accepted at the first offer."
            ),
            default_weight=WEIGHT,
            evidence=tuple(evidence),
            missing="" if evidence else _("No deliverable was offered or accepted in the last 180 days."),
        )
    ]


def needs_me(membership: Membership, today: date) -> list[NeedItem]:
    """Deliverables offered for the person's acceptance (the business co-lead, or without one a
    business-side owner or admin) and open change requests on initiatives they co-lead or sponsor."""
    if membership.role in (Role.PARTNER, Role.VIEWER) or membership.side == Side.PARTNER:
        return []
    org = membership.organization
    mine = Q(initiative__business_co_lead=membership)
    if membership.side == Side.BUSINESS and meets(membership, Need.ADMIN):
        mine |= Q(initiative__business_co_lead__isnull=True)
    offers = (
        Deliverable.objects.for_org(org)
        .filter(mine, status=DeliverableStatus.OFFERED)
        .order_by("due_date", "id")
        .values_list("id", "title", "due_date")
    )
    deliverable_url = id_url("delivery:deliverable", org, "deliverable_id")
    items = [
        NeedItem(
            kind="approval", title=title, action=_("Accept or reject the delivery"), url=deliverable_url(pk)
        )
        for pk, title, _due in offers
    ]
    leads = (
        Q(initiative__business_co_lead=membership)
        | Q(initiative__it_co_lead=membership)
        | Q(initiative__sponsor=membership)
    )
    changes = (
        ChangeRequest.objects.for_org(org)
        .filter(leads, status=ChangeStatus.OPEN)
        .order_by("created_at", "id")
        .values_list("id", "title")
    )
    change_url = id_url("delivery:change", org, "change_id")
    items += [
        NeedItem(kind="approval", title=title, action=_("Decide on the change request"), url=change_url(pk))
        for pk, title in changes
    ]
    return items


def setup_steps(org: Organization) -> list[SetupStep]:
    return []
