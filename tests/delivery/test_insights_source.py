"""The delivery app's component of the alignment index (on time against the first commitment,
first time right) and its "what needs me" approvals."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tandem.delivery import insights
from tandem.delivery.models import ChangeRequest, Deliverable, DeliverableStatus, Offer
from tandem.strategy.models import Initiative, Stage
from tests.conftest import Personas

TODAY = timezone.localdate()


def initiative(p: Personas, stage: str = Stage.IN_DELIVERY) -> Initiative:
    return Initiative.objects.create(
        organization=p.org,
        title="Claims in a day",
        stage=stage,
        business_co_lead=p.business_lead,
        it_co_lead=p.it_lead,
        sponsor=p.owner,
    )


def deliverable(
    p: Personas,
    item: Initiative,
    title: str,
    *,
    first: date,
    status: str = DeliverableStatus.PLANNED,
    delivered: date | None = None,
    decisions: tuple[str, ...] = (),
    offered: date | None = None,
) -> Deliverable:
    made = Deliverable.objects.create(
        organization=p.org,
        initiative=item,
        title=title,
        first_committed_date=first,
        due_date=first,
        status=status,
        delivered_on=delivered,
    )
    for number, decision in enumerate(decisions, start=1):
        Offer.objects.create(
            organization=p.org,
            deliverable=made,
            number=number,
            offered_on=offered or delivered or first,
            decision=decision,
        )
    return made


def rows(p: Personas) -> dict[str, float]:
    [component] = insights.index_components(p.org, timezone.now())
    return {row.key: row.points for row in component.evidence}


def test_an_on_time_first_time_right_delivery_scores_full_and_a_late_reworked_one_nothing(
    personas: Personas,
) -> None:
    p = personas
    item = initiative(p)
    good = deliverable(
        p,
        item,
        "Portal",
        first=TODAY - timedelta(days=10),
        status="accepted",
        delivered=TODAY - timedelta(days=12),
        decisions=("accepted",),
    )
    bad = deliverable(
        p,
        item,
        "Claims engine",
        first=TODAY - timedelta(days=40),
        status="accepted_with_remarks",
        delivered=TODAY - timedelta(days=5),
        decisions=("rejected", "accepted_with_remarks"),
    )

    found = rows(p)

    assert found == {
        f"deliverable:{good.pk}:on_time": 100,
        f"deliverable:{good.pk}:first_time_right": 100,
        f"deliverable:{bad.pk}:on_time": 0,
        f"deliverable:{bad.pk}:first_time_right": 0,
    }


def test_an_offer_in_rework_past_its_date_counts_and_one_awaiting_its_first_decision_does_not(
    personas: Personas,
) -> None:
    p = personas
    item = initiative(p)
    rework = deliverable(
        p,
        item,
        "Reports",
        first=TODAY - timedelta(days=3),
        status="rejected",
        decisions=("rejected",),
        offered=TODAY - timedelta(days=4),
    )
    waiting = deliverable(p, item, "Mobile app", first=TODAY + timedelta(days=5), status="offered")
    Offer.objects.create(organization=p.org, deliverable=waiting, number=1, offered_on=TODAY)

    found = rows(p)

    assert found == {f"deliverable:{rework.pk}:on_time": 0, f"deliverable:{rework.pk}:first_time_right": 0}


def test_old_cancelled_and_never_offered_deliverables_are_left_out(personas: Personas) -> None:
    p = personas
    item = initiative(p)
    deliverable(
        p,
        item,
        "Long ago",
        first=TODAY - timedelta(days=400),
        status="accepted",
        delivered=TODAY - timedelta(days=200),
        decisions=("accepted",),
    )
    deliverable(p, item, "Dropped", first=TODAY - timedelta(days=30), status="cancelled")
    deliverable(p, item, "Planned", first=TODAY - timedelta(days=30))

    [component] = insights.index_components(p.org, timezone.now())

    assert component.score is None
    assert component.missing


def test_the_business_co_lead_is_asked_to_accept_an_offer_and_the_leads_to_decide_changes(
    personas: Personas,
) -> None:
    p = personas
    item = initiative(p)
    offered = deliverable(p, item, "Portal", first=TODAY + timedelta(days=3), status="offered")
    change = ChangeRequest.objects.create(
        organization=p.org,
        initiative=item,
        title="Add a chat",
        reason="Customers ask",
        requested_side="business",
    )

    mine = insights.needs_me(p.business_lead, TODAY)

    assert [(i.kind, i.title) for i in mine] == [("approval", "Portal"), ("approval", "Add a chat")]
    assert mine[0].url.endswith(f"/deliverables/{offered.pk}/")
    assert mine[1].url.endswith(f"/changes/{change.pk}/")
    assert [i.title for i in insights.needs_me(p.it_lead, TODAY)] == ["Add a chat"]
    assert insights.needs_me(p.member, TODAY) == []
    assert insights.needs_me(p.partner, TODAY) == []
