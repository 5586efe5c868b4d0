"""Delivery services on a real database: the baseline and its moves, deliverables and their
acceptance, change requests and their decisions, end-user feedback, the thresholds and the audit
log every write leaves."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.delivery import selectors, services, tasks
from tandem.delivery.apps import AUDIT_ACTIONS
from tandem.delivery.models import (
    Baseline,
    ChangeRequest,
    Criterion,
    Deliverable,
    DeliverySettings,
    Feedback,
    FeedbackLink,
    Offer,
    PlanChange,
    Replan,
)
from tandem.governance import services as governance
from tandem.governance.models import Party
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tests.conftest import Personas

START, TARGET = date(2026, 1, 5), date(2026, 6, 30)
CRITERIA = ["Customers upload up to ten photos", "Customers see the status of their claim"]


@pytest.fixture
def plan(personas: Personas, ready_initiative: Initiative) -> Initiative:
    """The claims portal committed to: approved with 100,000 from 5 January to 30 June 2026."""
    strategy.initiative_update(
        actor=personas.owner,
        initiative=ready_initiative,
        budget_amount=Decimal(100000),
        start_date=START,
        target_date=TARGET,
    )
    return strategy.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="approved")


@pytest.fixture
def vendor(personas: Personas) -> Party:
    return governance.party_create(actor=personas.owner, name="Cloudline", kind="cloud_provider")


def second_initiative(personas: Personas) -> Initiative:
    return strategy.initiative_create(actor=personas.owner, title="Route planning")


def make(actor: Any, initiative: Initiative, **overrides: Any) -> Deliverable:
    fields: dict[str, Any] = {
        "title": "Photo upload",
        "committed_date": date(2026, 3, 31),
        "criteria": CRITERIA,
    }
    fields.update(overrides)
    return services.deliverable_create(actor=actor, initiative=initiative, **fields)


def offered(personas: Personas, deliverable: Deliverable, day: date = date(2026, 3, 20)) -> Offer:
    return services.deliverable_offer(actor=personas.it_lead, deliverable=deliverable, offered_on=day)


def change(personas: Personas, initiative: Initiative, **overrides: Any) -> ChangeRequest:
    fields: dict[str, Any] = {
        "title": "Add video upload",
        "reason": "Adjusters want to see the damage move.",
        "budget_impact": "15000",
        "schedule_impact_days": 31,
    }
    fields.update(overrides)
    return services.change_request_create(actor=personas.business_lead, initiative=initiative, **fields)


def approve(personas: Personas, request: ChangeRequest) -> ChangeRequest:
    return services.change_request_decide(
        actor=personas.owner, change=request, decision="approved", reason="Worth it"
    )


def refusal(error_type: type[Exception], call: Callable[[], object]) -> Any:
    """The refusal ``call`` raises (asserting its type)."""
    with pytest.raises(error_type) as error:
        call()
    return error.value


def field_of(call: Callable[[], object]) -> str | None:
    """The field a ``ValidationFailed`` raised by ``call`` names."""
    return refusal(ValidationFailed, call).field  # type: ignore[no-any-return]


def last_event_id() -> int:
    last = AuditEvent.objects.unscoped().order_by("-id").first()
    return last.pk if last else 0


def actions_since(event_id: int, prefix: str = "delivery.") -> list[str]:
    return list(
        AuditEvent.objects.unscoped()
        .filter(id__gt=event_id, action__startswith=prefix)
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- The baseline and its moves ----------------------------------------------------------------


def test_approval_takes_the_baseline_and_planning_before_it_is_no_change(plan: Initiative) -> None:
    baseline = Baseline.objects.for_org(plan.organization).get(initiative=plan)
    assert (baseline.budget_amount, baseline.start_date, baseline.target_date) == (
        Decimal("100000.00"),
        START,
        TARGET,
    )
    # the budget and dates were set while the initiative was still proposed: planning, not a move
    assert not PlanChange.objects.for_org(plan.organization).exists()


def test_a_move_of_a_committed_budget_or_target_date_without_a_change_request_is_unexplained(
    personas: Personas, plan: Initiative
) -> None:
    strategy.initiative_update(
        actor=personas.it_lead, initiative=plan, budget_amount=Decimal(120000), target_date=date(2026, 7, 31)
    )
    moves = list(selectors.plan_changes(plan))
    assert [(m.field, m.old_value, m.new_value, m.is_explained) for m in moves] == [
        ("budget", "100000.00", "120000.00", False),
        ("target_date", "2026-06-30", "2026-07-31", False),
    ]
    assert moves[0].actor == personas.it_lead
    strategy.initiative_update(actor=personas.owner, initiative=plan, title="Claims portal")
    assert len(selectors.plan_changes(plan)) == 2  # only budget and target date are the plan
    baseline = Baseline.objects.for_org(plan.organization).get(initiative=plan)
    assert (baseline.budget_amount, baseline.target_date) == (Decimal(100000), TARGET)


def test_an_initiative_still_being_planned_has_no_baseline_and_its_moves_are_no_changes(
    personas: Personas, ready_initiative: Initiative
) -> None:
    strategy.initiative_update(actor=personas.owner, initiative=ready_initiative, budget_amount=Decimal(5))
    make(personas.owner, ready_initiative)  # a deliverable planned before the approval
    change(personas, ready_initiative)
    strategy.initiative_update(actor=personas.owner, initiative=ready_initiative, budget_amount=Decimal(9))
    assert not Baseline.objects.for_org(personas.org).exists()
    assert not PlanChange.objects.for_org(personas.org).exists()
    strategy.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="approved")
    baseline = Baseline.objects.for_org(personas.org).get(initiative=ready_initiative)
    assert baseline.budget_amount == Decimal(9)  # the plan approved, not the one of the first deliverable


@pytest.mark.parametrize("first", ["deliverable", "change request"])
def test_an_initiative_approved_before_delivery_was_tracked_gets_its_baseline_when_first_used(
    personas: Personas, plan: Initiative, first: str
) -> None:
    Baseline.objects.for_org(personas.org).filter(initiative=plan).delete()
    strategy.initiative_update(actor=personas.owner, initiative=plan, budget_amount=Decimal(110000))
    assert not PlanChange.objects.for_org(personas.org).exists()  # no baseline yet: nothing to move from
    if first == "deliverable":
        make(personas.owner, plan)
    else:
        change(personas, plan)
    baseline = Baseline.objects.for_org(personas.org).get(initiative=plan)
    assert (baseline.budget_amount, baseline.start_date, baseline.target_date) == (
        Decimal(110000),
        START,
        TARGET,
    )


def test_a_value_unknown_when_committed_is_filled_in_once_and_moves_after_that(
    personas: Personas, approved: Initiative
) -> None:
    baseline = Baseline.objects.for_org(personas.org).get(initiative=approved)
    assert (baseline.budget_amount, baseline.target_date) == (None, None)
    strategy.initiative_update(
        actor=personas.owner, initiative=approved, budget_amount=Decimal(80000), target_date=TARGET
    )
    baseline.refresh_from_db()
    assert (baseline.budget_amount, baseline.target_date) == (Decimal(80000), TARGET)
    assert not PlanChange.objects.for_org(personas.org).exists()
    strategy.initiative_update(actor=personas.owner, initiative=approved, budget_amount=Decimal(90000))
    assert [(m.field, m.old_value, m.new_value) for m in selectors.plan_changes(approved)] == [
        ("budget", "80000.00", "90000.00")
    ]
    baseline.refresh_from_db()
    assert baseline.budget_amount == Decimal(80000)  # filled once, never moved


def test_an_approved_change_request_moves_the_plan_explained_and_the_baseline_stays(
    personas: Personas, plan: Initiative
) -> None:
    request = approve(personas, change(personas, plan, budget_impact="15000.50", schedule_impact_days=31))
    plan.refresh_from_db()
    assert (plan.budget_amount, plan.target_date) == (Decimal("115000.50"), date(2026, 7, 31))
    moves = list(selectors.plan_changes(plan))
    assert [(m.field, m.old_value, m.new_value) for m in moves] == [
        ("budget", "100000.00", "115000.50"),
        ("target_date", "2026-06-30", "2026-07-31"),
    ]
    assert [m.change_request_id for m in moves] == [request.pk, request.pk]
    assert all(m.is_explained for m in moves)
    baseline = Baseline.objects.for_org(personas.org).get(initiative=plan)
    assert (baseline.budget_amount, baseline.target_date) == (Decimal(100000), TARGET)
    # a rejected or deferred request moves nothing
    for decision in ("rejected", "deferred"):
        services.change_request_decide(
            actor=personas.owner, change=change(personas, plan), decision=decision, reason="Not now"
        )
    plan.refresh_from_db()
    assert (plan.budget_amount, plan.target_date) == (Decimal("115000.50"), date(2026, 7, 31))
    # a later move without a request is unexplained again: the request explains its own moves only
    strategy.initiative_update(actor=personas.owner, initiative=plan, budget_amount=Decimal(1))
    assert [m.is_explained for m in selectors.plan_changes(plan)] == [True, True, False]


def test_a_saving_never_takes_the_budget_below_zero(personas: Personas, plan: Initiative) -> None:
    approve(personas, change(personas, plan, budget_impact="-250000", schedule_impact_days=0))
    plan.refresh_from_db()
    assert plan.budget_amount == Decimal(0)


def test_an_approval_that_would_end_the_initiative_before_it_starts_is_refused_and_nothing_moves(
    personas: Personas, plan: Initiative
) -> None:
    request = change(personas, plan, budget_impact="5000", schedule_impact_days=-200)
    before = last_event_id()
    error = refusal(ValidationFailed, lambda: approve(personas, request))
    assert error.field == "decision"
    assert "target date must not be before the start date" in error.message
    assert (request.status, request.decided_by) == ("open", None)  # the caller's object too
    request.refresh_from_db()
    plan.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_reason) == ("open", None, "")
    assert (plan.budget_amount, plan.target_date) == (Decimal(100000), TARGET)
    assert not PlanChange.objects.for_org(personas.org).exists()
    assert actions_since(before, prefix="") == []
    services.change_request_decide(actor=personas.owner, change=request, decision="rejected", reason="No")
    request.refresh_from_db()
    assert request.status == "rejected"


# --- Deliverables ------------------------------------------------------------------------------


def test_a_deliverable_is_promised_by_its_committed_date_with_its_criteria_once_each(
    personas: Personas, plan: Initiative, vendor: Party
) -> None:
    deliverable = make(
        personas.it_lead,
        plan,
        title="  Photo upload ",
        criteria="Upload photos\n\n  Upload photos \nSee the status\n",
        owner_party=vendor,
        feedback_recipients="Ann@Example.org; bob@example.org\nann@example.org,carl@example.org",
    )
    assert (deliverable.title, deliverable.status) == ("Photo upload", "planned")
    assert deliverable.first_committed_date == deliverable.due_date == date(2026, 3, 31)
    assert [c.text for c in deliverable.criteria.all()] == ["Upload photos", "See the status"]
    assert [c.position for c in deliverable.criteria.all()] == [0, 1]
    assert deliverable.feedback_recipients == "ann@example.org\nbob@example.org\ncarl@example.org"
    assert (deliverable.owner_party, deliverable.created_by) == (vendor, personas.it_lead)


def test_thirty_criteria_are_the_most_after_duplicates_are_dropped(
    personas: Personas, plan: Initiative
) -> None:
    thirty = [f"Criterion {n}" for n in range(30)]
    assert make(personas.owner, plan, criteria=[*thirty, "Criterion 0"]).criteria.count() == 30
    assert field_of(lambda: make(personas.owner, plan, criteria=[*thirty, "Criterion 30"])) == "criteria"
    assert field_of(lambda: make(personas.owner, plan, criteria=["x" * 301])) == "criteria"


def test_a_bad_feedback_recipient_is_refused_by_its_address(personas: Personas, plan: Initiative) -> None:
    error = refusal(
        ValidationFailed,
        lambda: make(personas.owner, plan, feedback_recipients="ann@example.org\nnot-an-address"),
    )
    assert error.field == "feedback_recipients"
    assert "not-an-address" in error.message
    too_many = [f"user{n}@example.org" for n in range(201)]
    assert field_of(lambda: make(personas.owner, plan, feedback_recipients=too_many)) == "feedback_recipients"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"committed_date": None}, "committed_date"),
        ({"committed_date": "31-03-2026"}, "committed_date"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_bad_deliverable_input_names_its_field(
    personas: Personas, plan: Initiative, fields: dict[str, Any], field: str
) -> None:
    assert field_of(lambda: make(personas.owner, plan, **fields)) == field
    assert not Deliverable.objects.for_org(personas.org).exists()


def test_a_deliverable_is_owned_by_a_member_or_a_party_of_this_organisation(
    personas: Personas, plan: Initiative, vendor: Party
) -> None:
    both = {"owner_member": personas.it_lead, "owner_party": vendor}
    assert field_of(lambda: make(personas.owner, plan, **both)) == "owner_party"
    foreign = governance.party_create(actor=personas.outsider, name="Globex Vendor", kind="integrator")
    error = refusal(ValidationFailed, lambda: make(personas.owner, plan, owner_party=foreign))
    assert "organisation" in error.message
    refusal(ValidationFailed, lambda: make(personas.owner, plan, owner_member=personas.outsider))
    # nor for an initiative of another organisation
    theirs = strategy.initiative_create(actor=personas.outsider, title="Theirs")
    refusal(ValidationFailed, lambda: make(personas.owner, theirs))
    Party.objects.for_org(personas.org).filter(pk=vendor.pk).update(is_active=False)
    vendor.refresh_from_db()
    assert field_of(lambda: make(personas.owner, plan, owner_party=vendor)) == "owner_party"
    assert not Deliverable.objects.for_org(personas.org).exists()


def test_naming_another_owner_replaces_the_one_before(
    personas: Personas, plan: Initiative, vendor: Party
) -> None:
    deliverable = make(personas.owner, plan, owner_member=personas.it_lead)
    services.deliverable_update(actor=personas.owner, deliverable=deliverable, owner_party=vendor)
    deliverable.refresh_from_db()
    assert (deliverable.owner_member, deliverable.owner_party) == (None, vendor)
    services.deliverable_update(actor=personas.owner, deliverable=deliverable, owner_member=personas.member)
    deliverable.refresh_from_db()
    assert (deliverable.owner_member, deliverable.owner_party) == (personas.member, None)
    both: dict[str, Any] = {"owner_member": personas.it_lead, "owner_party": vendor}
    assert (
        field_of(lambda: services.deliverable_update(actor=personas.owner, deliverable=deliverable, **both))
        == "owner_party"
    )


def test_criteria_are_replaced_until_the_deliverable_is_offered_and_only_added_to_after(
    personas: Personas, plan: Initiative
) -> None:
    deliverable = make(personas.owner, plan)

    def update(criteria: list[str]) -> list[str]:
        services.deliverable_update(actor=personas.owner, deliverable=deliverable, criteria=criteria)
        return [c.text for c in deliverable.criteria.all()]

    assert update(["Upload photos", "Works on a phone"]) == ["Upload photos", "Works on a phone"]
    offered(personas, deliverable)
    assert update(["Upload photos", "Works on a phone", "Works offline"]) == [
        "Upload photos",
        "Works on a phone",
        "Works offline",
    ]
    for changed in (["Works on a phone", "Upload photos"], ["Upload photos"], ["Upload videos", "x", "y"]):
        with pytest.raises(Conflict) as error:
            update(changed)
        assert error.value.field == "criteria"
    assert [c.position for c in deliverable.criteria.all()] == [0, 1, 2]


def test_a_replan_moves_the_due_date_and_keeps_the_first_commitment_and_who_asked(
    personas: Personas, plan: Initiative
) -> None:
    deliverable = make(personas.owner, plan)
    replan = services.deliverable_replan(
        actor=personas.owner,
        deliverable=deliverable,
        to_date="2026-04-30",
        reason="The vendor's API came late.",
        asked_by=personas.it_lead,
    )
    assert (replan.from_date, replan.to_date, replan.slip_days) == (date(2026, 3, 31), date(2026, 4, 30), 30)
    assert (replan.asked_by, replan.asked_side, replan.recorded_by) == (
        personas.it_lead,
        "it",
        personas.owner,
    )
    assert not replan.is_explained
    deliverable.refresh_from_db()
    assert (deliverable.first_committed_date, deliverable.due_date) == (date(2026, 3, 31), date(2026, 4, 30))
    # the asker is the actor unless named; the side is the asker's unless given
    again = services.deliverable_replan(
        actor=personas.business_lead, deliverable=deliverable, to_date=date(2026, 5, 15), reason="Holidays"
    )
    assert (again.asked_by, again.asked_side) == (personas.business_lead, "business")
    third = services.deliverable_replan(
        actor=personas.owner,
        deliverable=deliverable,
        to_date=date(2026, 5, 1),
        reason="x",
        asked_side="partner",
    )
    assert third.asked_side == "partner"
    assert [r.to_date for r in Replan.objects.for_org(personas.org)] == [
        date(2026, 4, 30),
        date(2026, 5, 15),
        date(2026, 5, 1),
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to_date": date(2026, 3, 31)}, "to_date"),  # the due date already
        ({"to_date": None}, "to_date"),
        ({"to_date": date(2099, 1, 1)}, "to_date"),  # more than five years ahead
        ({"reason": " "}, "reason"),
        ({"asked_side": "vendor"}, "asked_side"),
    ],
)
def test_bad_replans_name_their_field(
    personas: Personas, plan: Initiative, fields: dict[str, Any], field: str
) -> None:
    deliverable = make(personas.owner, plan)
    values: dict[str, Any] = {"to_date": date(2026, 4, 30), "reason": "Late"}
    values.update(fields)
    assert (
        field_of(lambda: services.deliverable_replan(actor=personas.owner, deliverable=deliverable, **values))
        == field
    )
    assert not Replan.objects.for_org(personas.org).exists()


def test_only_an_approved_change_request_of_the_initiative_explains_a_replan(
    personas: Personas, plan: Initiative
) -> None:
    deliverable = make(personas.owner, plan)
    other = second_initiative(personas)
    still_open = change(personas, plan)
    elsewhere = approve(personas, change(personas, other, schedule_impact_days=0, budget_impact=0))
    for request in (still_open, elsewhere):
        with pytest.raises(ValidationFailed) as error:
            services.deliverable_replan(
                actor=personas.owner,
                deliverable=deliverable,
                to_date=date(2026, 4, 30),
                reason="Video upload",
                change_request=request,
            )
        assert error.value.field == "change_request"
    approve(personas, still_open)
    replan = services.deliverable_replan(
        actor=personas.owner,
        deliverable=deliverable,
        to_date=date(2026, 4, 30),
        reason="Video upload",
        change_request=still_open,
    )
    assert replan.is_explained
    assert replan.change_request == still_open


def test_an_accepted_or_cancelled_deliverable_is_not_replanned(personas: Personas, plan: Initiative) -> None:
    accepted, cancelled = make(personas.owner, plan), make(personas.owner, plan, title="Status page")
    offered(personas, accepted)
    services.deliverable_decide(actor=personas.business_lead, deliverable=accepted, decision="accepted")
    services.deliverable_cancel(actor=personas.owner, deliverable=cancelled, reason="Not wanted")
    for deliverable in (accepted, cancelled):
        with pytest.raises(Conflict, match="accepted or cancelled"):
            services.deliverable_replan(
                actor=personas.owner, deliverable=deliverable, to_date=date(2026, 5, 1), reason="Late"
            )


def test_accepting_records_the_offer_date_as_the_delivery_date(personas: Personas, plan: Initiative) -> None:
    deliverable = make(personas.owner, plan)
    offer = offered(personas, deliverable, date(2026, 3, 20))
    assert (offer.number, offer.offered_on, offer.offered_by, offer.decision) == (
        1,
        date(2026, 3, 20),
        personas.it_lead,
        "",
    )
    assert deliverable.status == "offered"
    decided = services.deliverable_decide(
        actor=personas.business_lead, deliverable=deliverable, decision="accepted"
    )
    assert (decided.pk, decided.decision, decided.decided_by) == (
        offer.pk,
        "accepted",
        personas.business_lead,
    )
    assert decided.decided_at is not None
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.delivered_on) == ("accepted", date(2026, 3, 20))
    assert deliverable.is_accepted


def test_an_offer_without_a_date_is_made_today_and_never_in_the_future(
    personas: Personas, plan: Initiative
) -> None:
    deliverable = make(personas.owner, plan)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert (
        field_of(
            lambda: services.deliverable_offer(
                actor=personas.owner, deliverable=deliverable, offered_on=tomorrow
            )
        )
        == "offered_on"
    )
    offer = services.deliverable_offer(actor=personas.owner, deliverable=deliverable)
    assert offer.offered_on == timezone.localdate()


def test_a_new_offer_never_comes_before_the_one_rejected(personas: Personas, plan: Initiative) -> None:
    deliverable = make(personas.owner, plan)
    offered(personas, deliverable, date(2026, 4, 10))
    services.deliverable_decide(
        actor=personas.business_lead,
        deliverable=deliverable,
        decision="rejected",
        rejection_reason="quality",
        remarks="Slow",
    )
    # backdated before the first offer it would read as delivered on time: refused
    assert field_of(lambda: offered(personas, deliverable, date(2026, 3, 30))) == "offered_on"
    assert deliverable.status == "rejected"
    assert offered(personas, deliverable, date(2026, 4, 10)).number == 2  # the same day may do


def test_accepting_with_remarks_needs_the_remarks(personas: Personas, plan: Initiative) -> None:
    deliverable = make(personas.owner, plan)
    offered(personas, deliverable)

    def decide(remarks: str) -> Offer:
        return services.deliverable_decide(
            actor=personas.business_lead,
            deliverable=deliverable,
            decision="accepted_with_remarks",
            remarks=remarks,
        )

    assert field_of(lambda: decide("  ")) == "remarks"
    assert decide("The upload button is hard to find.").remarks == "The upload button is hard to find."
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.delivered_on) == ("accepted_with_remarks", date(2026, 3, 20))


def test_a_rejection_needs_a_reason_what_was_wrong_and_the_failed_criteria_of_this_deliverable(
    personas: Personas, plan: Initiative
) -> None:
    deliverable = make(personas.owner, plan)
    other = make(personas.owner, plan, title="Status page", criteria=["Shows the status"])
    offered(personas, deliverable)
    mine = list(deliverable.criteria.all())
    foreign = other.criteria.get()

    def reject(**fields: Any) -> Offer:
        values: dict[str, Any] = {
            "rejection_reason": "criteria_not_met",
            "remarks": "Photos over 5 MB fail.",
            "failed_criteria": [mine[0].pk],
        }
        values.update(fields)
        return services.deliverable_decide(
            actor=personas.business_lead, deliverable=deliverable, decision="rejected", **values
        )

    assert field_of(lambda: reject(rejection_reason="")) == "rejection_reason"
    assert field_of(lambda: reject(rejection_reason="bad vibes")) == "rejection_reason"
    assert field_of(lambda: reject(remarks="")) == "remarks"
    assert field_of(lambda: reject(failed_criteria=[])) == "failed_criteria"
    assert field_of(lambda: reject(failed_criteria=[foreign.pk])) == "failed_criteria"
    assert field_of(lambda: reject(failed_criteria=[mine[0].pk, foreign.pk])) == "failed_criteria"
    assert field_of(lambda: reject(failed_criteria=["one"])) == "failed_criteria"
    deliverable.refresh_from_db()
    assert deliverable.status == "offered"  # nothing was decided by the refusals
    first = reject(failed_criteria=[str(mine[0].pk)])
    assert (first.decision, first.rejection_reason) == ("rejected", "criteria_not_met")
    assert list(first.failed_criteria.all()) == [mine[0]]
    assert (deliverable.status, deliverable.delivered_on) == ("rejected", None)
    # reworked and offered again: the second offer, and the first stays as it was
    second = offered(personas, deliverable, date(2026, 4, 7))
    assert second.number == 2
    services.deliverable_decide(actor=personas.business_lead, deliverable=deliverable, decision="accepted")
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.delivered_on) == ("accepted", date(2026, 4, 7))
    assert [(o.number, o.decision) for o in Offer.objects.for_org(personas.org)] == [
        (1, "rejected"),
        (2, "accepted"),
    ]


def test_another_reason_needs_no_criteria_but_may_name_them(personas: Personas, plan: Initiative) -> None:
    deliverable = make(personas.owner, plan)
    offered(personas, deliverable)
    offer = services.deliverable_decide(
        actor=personas.business_lead,
        deliverable=deliverable,
        decision="rejected",
        rejection_reason="quality",
        remarks="Slow.",
    )
    assert (offer.rejection_reason, list(offer.failed_criteria.all())) == ("quality", [])


def test_only_an_offered_deliverable_is_decided_on_and_only_a_planned_or_rejected_one_offered(
    personas: Personas, plan: Initiative
) -> None:
    deliverable = make(personas.owner, plan)

    def decide(decision: str = "accepted") -> Offer:
        return services.deliverable_decide(
            actor=personas.business_lead, deliverable=deliverable, decision=decision
        )

    refusal(Conflict, decide)  # planned: nothing to decide on
    offered(personas, deliverable)
    refusal(Conflict, lambda: offered(personas, deliverable))  # offered already
    assert field_of(lambda: decide("maybe")) == "decision"
    decide()
    refusal(Conflict, decide)  # decided already
    refusal(Conflict, lambda: offered(personas, deliverable))
    assert Offer.objects.for_org(personas.org).count() == 1


def test_cancelling_needs_a_reason_and_ends_the_deliverable(personas: Personas, plan: Initiative) -> None:
    deliverable = make(personas.owner, plan)
    assert (
        field_of(
            lambda: services.deliverable_cancel(actor=personas.owner, deliverable=deliverable, reason="")
        )
        == "reason"
    )
    services.deliverable_cancel(actor=personas.owner, deliverable=deliverable, reason="No longer wanted")
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.is_open) == ("cancelled", False)
    refusal(
        Conflict,
        lambda: services.deliverable_cancel(actor=personas.owner, deliverable=deliverable, reason="x"),
    )
    refusal(Conflict, lambda: offered(personas, deliverable))


# --- The feedback link to the end users after acceptance ---------------------------------------


def run_worker() -> None:
    call_command("worker", batch=True, verbosity=0)


@pytest.mark.django_db(transaction=True)  # the worker runs the job as it would in production
def test_acceptance_sends_the_feedback_link_to_each_end_user_once(
    personas: Personas, plan: Initiative
) -> None:
    from django_tasks_db.models import DBTaskResult

    deliverable = make(personas.owner, plan, feedback_recipients="ann@example.org\nbob@example.org")
    offered(personas, deliverable)
    services.deliverable_decide(actor=personas.business_lead, deliverable=deliverable, decision="accepted")
    jobs = DBTaskResult.objects.filter(task_path__endswith="send_feedback_requests")
    assert [job.args_kwargs["kwargs"] for job in jobs] == [{"deliverable_id": deliverable.pk}]
    assert mail.outbox == []  # sent by the worker, after the decision committed
    run_worker()
    link = FeedbackLink.objects.for_org(personas.org).get(deliverable=deliverable)
    url = f"/feedback/{selectors.link_token(link)}/"
    assert sorted(message.to[0] for message in mail.outbox) == ["ann@example.org", "bob@example.org"]
    assert all(len(message.to) == 1 and url in message.body for message in mail.outbox)
    assert all("Photo upload" in message.subject for message in mail.outbox)
    deliverable.refresh_from_db()
    assert deliverable.feedback_requested_count == 2
    assert deliverable.feedback_requested_at is not None
    assert tasks.send_feedback_requests.call(deliverable_id=deliverable.pk) == 0  # once only
    assert len(mail.outbox) == 2


def test_no_feedback_link_is_sent_without_recipients_or_acceptance(
    personas: Personas, plan: Initiative, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    silent = make(personas.owner, plan)
    rejected = make(personas.owner, plan, title="Status page", feedback_recipients="ann@example.org")
    offered(personas, silent)
    offered(personas, rejected)
    with django_capture_on_commit_callbacks(execute=True):
        services.deliverable_decide(actor=personas.business_lead, deliverable=silent, decision="accepted")
        services.deliverable_decide(
            actor=personas.business_lead,
            deliverable=rejected,
            decision="rejected",
            rejection_reason="quality",
            remarks="Slow",
        )
    assert not DBTaskResult.objects.filter(task_path__endswith="send_feedback_requests").exists()
    assert tasks.send_feedback_requests.call(deliverable_id=rejected.pk) == 0  # not accepted: nothing
    assert mail.outbox == []


# --- Change requests ---------------------------------------------------------------------------


def test_a_change_request_is_on_the_side_of_who_asked_with_its_impact(
    personas: Personas, plan: Initiative
) -> None:
    mine = change(personas, plan, budget_impact="1234.5", schedule_impact_days="-3")
    assert (mine.requested_by, mine.requested_side, mine.status) == (
        personas.business_lead,
        "business",
        "open",
    )
    assert (mine.budget_impact, mine.schedule_impact_days) == (Decimal("1234.50"), -3)
    theirs = change(
        personas, plan, requested_by=personas.it_lead, budget_impact=None, schedule_impact_days=""
    )
    assert (theirs.requested_by, theirs.requested_side) == (personas.it_lead, "it")
    assert (theirs.budget_impact, theirs.schedule_impact_days) == (Decimal(0), 0)
    deliverable = make(personas.owner, plan)
    about = change(personas, plan, deliverable=deliverable, requested_by=personas.partner)
    assert (about.deliverable, about.requested_side) == (deliverable, "partner")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"budget_impact": "a lot"}, "budget_impact"),
        ({"budget_impact": "1e13"}, "budget_impact"),
        ({"budget_impact": "-1000000000000"}, "budget_impact"),
        ({"budget_impact": "NaN"}, "budget_impact"),
        ({"budget_impact": "Infinity"}, "budget_impact"),
        ({"schedule_impact_days": "1.5"}, "schedule_impact_days"),
        ({"schedule_impact_days": "two weeks"}, "schedule_impact_days"),
        ({"schedule_impact_days": 3661}, "schedule_impact_days"),
        ({"schedule_impact_days": -3661}, "schedule_impact_days"),
        ({"title": ""}, "title"),
        ({"reason": " "}, "reason"),
    ],
)
def test_bad_change_request_input_names_its_field(
    personas: Personas, plan: Initiative, fields: dict[str, Any], field: str
) -> None:
    assert field_of(lambda: change(personas, plan, **fields)) == field
    assert not ChangeRequest.objects.for_org(personas.org).exists()


def test_a_change_request_is_about_a_deliverable_of_its_own_initiative(
    personas: Personas, plan: Initiative
) -> None:
    other = second_initiative(personas)
    deliverable = make(personas.owner, other)
    assert field_of(lambda: change(personas, plan, deliverable=deliverable)) == "deliverable"
    refusal(ValidationFailed, lambda: change(personas, plan, requested_by=personas.outsider))


def test_a_decision_needs_a_reason_and_a_deferred_request_is_decided_later_but_only_once(
    personas: Personas, plan: Initiative
) -> None:
    request = change(personas, plan, budget_impact=0, schedule_impact_days=0)

    def decide(decision: str, reason: str = "Because") -> ChangeRequest:
        return services.change_request_decide(
            actor=personas.owner, change=request, decision=decision, reason=reason
        )

    for decision in ("approved", "rejected", "deferred"):
        with pytest.raises(ValidationFailed) as error:
            decide(decision, reason=" ")
        assert error.value.field == "reason"
    assert field_of(lambda: decide("open")) == "decision"
    assert field_of(lambda: decide("maybe")) == "decision"
    assert decide("deferred", "After the summer").status == "deferred"
    refusal(Conflict, lambda: decide("deferred"))
    decided = decide("rejected", "Too expensive")
    assert (decided.status, decided.decided_by, decided.decision_reason) == (
        "rejected",
        personas.owner,
        "Too expensive",
    )
    for decision in ("approved", "rejected", "deferred"):
        with pytest.raises(Conflict):
            decide(decision)
    request.refresh_from_db()
    assert request.status == "rejected"


# --- End-user feedback -------------------------------------------------------------------------


def test_opening_a_feedback_link_twice_gives_the_same_link(personas: Personas, plan: Initiative) -> None:
    deliverable = make(personas.owner, plan)
    before = last_event_id()
    link = services.feedback_link_open(actor=personas.owner, initiative=plan, deliverable=deliverable)
    again = services.feedback_link_open(actor=personas.owner, initiative=plan, deliverable=deliverable)
    whole = services.feedback_link_open(actor=personas.owner, initiative=plan)
    assert again.pk == link.pk != whole.pk
    assert (link.deliverable, whole.deliverable, link.is_open) == (deliverable, None, True)
    assert actions_since(before) == ["delivery.feedback_link_opened"] * 2
    elsewhere = make(personas.owner, second_initiative(personas))
    assert (
        field_of(
            lambda: services.feedback_link_open(actor=personas.owner, initiative=plan, deliverable=elsewhere)
        )
        == "deliverable"
    )


def test_the_database_holds_only_the_digest_of_a_feedback_link_s_secret(
    personas: Personas, plan: Initiative
) -> None:
    link = services.feedback_link_open(actor=personas.owner, initiative=plan)
    token = selectors.link_token(link)
    assert len(token) == 32
    stored = FeedbackLink.objects.for_org(personas.org).filter(pk=link.pk).values().get()
    assert not any(token in str(value) for value in stored.values())
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    found = selectors.feedback_link_for_token(token)
    assert found is not None
    assert found.pk == link.pk
    assert selectors.feedback_link_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert selectors.feedback_link_for_token("") is None
    assert selectors.feedback_link_for_token("x" * 65) is None


def test_feedback_keeps_the_rating_comment_chosen_name_and_day_and_nothing_else(
    personas: Personas, plan: Initiative
) -> None:
    deliverable = make(personas.owner, plan)
    link = services.feedback_link_open(actor=personas.owner, initiative=plan, deliverable=deliverable)
    personas.org.refresh_from_db()
    version = personas.org.data_version
    before = last_event_id()
    feedback = services.feedback_submit(
        token=selectors.link_token(link), rating="4", comment=" Quick to use. ", name="Ann"
    )
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.comment, feedback.name) == (4, "Quick to use.", "Ann")
    assert feedback.submitted_on == timezone.localdate()
    assert (feedback.initiative, feedback.deliverable, feedback.link) == (plan, deliverable, link)
    # the day, never the time: no column can order the answers by when they came
    assert not any(isinstance(f, models.DateTimeField | models.TimeField) for f in Feedback._meta.fields)
    assert actions_since(before, prefix="") == []  # anonymous: not in the audit log
    personas.org.refresh_from_db()
    # No queue behind the organisation's row: the pages that show feedback follow its own version
    # (test_dashboard_pages: the dashboard shows a rating at once).
    assert personas.org.data_version == version
    assert selectors.feedback_version(personas.org) == (timezone.localdate(), 1)
    anonymous = services.feedback_submit(token=selectors.link_token(link), rating=5)
    assert (anonymous.comment, anonymous.name) == ("", "")


@pytest.mark.parametrize("rating", [0, 6, "x", "", None, "4.5", -1])
def test_a_rating_is_a_whole_number_from_1_to_5(personas: Personas, plan: Initiative, rating: Any) -> None:
    link = services.feedback_link_open(actor=personas.owner, initiative=plan)
    assert (
        field_of(lambda: services.feedback_submit(token=selectors.link_token(link), rating=rating))
        == "rating"
    )
    assert not Feedback.objects.for_org(personas.org).exists()


def test_a_closed_link_refuses_feedback_until_it_is_opened_again(
    personas: Personas, plan: Initiative
) -> None:
    link = services.feedback_link_open(actor=personas.owner, initiative=plan)
    token = selectors.link_token(link)
    before = last_event_id()
    services.feedback_link_close(actor=personas.owner, link=link)
    services.feedback_link_close(actor=personas.owner, link=link)  # closed already: nothing more
    error = refusal(Conflict, lambda: services.feedback_submit(token=token, rating=3))
    assert error.code == "closed"
    reopened = services.feedback_link_open(actor=personas.owner, initiative=plan)
    assert (reopened.pk, reopened.is_open, selectors.link_token(reopened)) == (link.pk, True, token)
    assert actions_since(before) == ["delivery.feedback_link_closed", "delivery.feedback_link_opened"]
    assert services.feedback_submit(token=token, rating=3).rating == 3
    unknown = refusal(ValidationFailed, lambda: services.feedback_submit(token="nope", rating=3))
    assert unknown.code == "not_found"


# --- Thresholds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"on_time_min": 101}, "on_time_min"),
        ({"first_time_right_min": -1}, "first_time_right_min"),
        ({"scope_creep_max": 1001}, "scope_creep_max"),
        ({"unexplained_max": "a few"}, "unexplained_max"),
        ({"feedback_quiet_days": 366}, "feedback_quiet_days"),
        ({"on_time_min": 80, "colour": "red"}, "colour"),
    ],
)
def test_thresholds_out_of_bounds_or_unknown_are_refused(
    personas: Personas, values: dict[str, Any], field: str
) -> None:
    assert field_of(lambda: services.settings_update(actor=personas.owner, **values)) == field
    assert not DeliverySettings.objects.for_org(personas.org).exists()
    assert selectors.delivery_settings(personas.org).on_time_min == 70


def test_changed_thresholds_are_kept_and_audited_with_the_changes_only(personas: Personas) -> None:
    before = last_event_id()
    settings = services.settings_update(
        actor=personas.admin, on_time_min="80", first_time_right_min=70, feedback_quiet_days=0
    )
    assert (settings.on_time_min, settings.first_time_right_min, settings.feedback_quiet_days) == (80, 70, 0)
    stored = selectors.delivery_settings(personas.org)
    assert (stored.pk, stored.on_time_min, stored.scope_creep_max) == (settings.pk, 80, 20)
    event = AuditEvent.objects.unscoped().get(id__gt=before)
    assert event.action == "delivery.settings_changed"
    assert event.data == {"on_time_min": [70, 80], "feedback_quiet_days": [14, 0]}
    services.settings_update(actor=personas.admin, on_time_min=80)  # no change: no audit entry
    services.settings_update(
        actor=personas.admin, on_time_min=100, scope_creep_max=1000, unexplained_max=1000
    )
    assert actions_since(before) == ["delivery.settings_changed"] * 2
    assert DeliverySettings.objects.for_org(personas.org).count() == 1


# --- The audit log -----------------------------------------------------------------------------


def test_every_write_leaves_one_audit_event_named_in_the_app(
    personas: Personas, plan: Initiative, django_capture_on_commit_callbacks: Any
) -> None:
    seen: list[str] = []

    def one(expected: str, call: Callable[[], Any]) -> Any:
        before = last_event_id()
        result = call()
        assert actions_since(before) == [expected]
        event = AuditEvent.objects.unscoped().get(id__gt=before, action=expected)
        assert event.organization == personas.org
        seen.append(expected)
        return result

    owner, lead = personas.owner, personas.business_lead
    d: Deliverable = one("delivery.deliverable_created", lambda: make(owner, plan))
    one(
        "delivery.deliverable_updated",
        lambda: services.deliverable_update(actor=owner, deliverable=d, title="X"),
    )
    one(
        "delivery.deliverable_replanned",
        lambda: services.deliverable_replan(actor=owner, deliverable=d, to_date="2026-04-01", reason="Late"),
    )
    one("delivery.deliverable_offered", lambda: offered(personas, d))
    one(
        "delivery.deliverable_rejected",
        lambda: services.deliverable_decide(
            actor=lead, deliverable=d, decision="rejected", rejection_reason="quality", remarks="Slow"
        ),
    )
    offered(personas, d, date(2026, 4, 1))
    one(
        "delivery.deliverable_accepted",
        lambda: services.deliverable_decide(actor=lead, deliverable=d, decision="accepted"),
    )
    spare = make(owner, plan, title="Spare")
    one(
        "delivery.deliverable_cancelled",
        lambda: services.deliverable_cancel(actor=owner, deliverable=spare, reason="Not needed"),
    )
    request: ChangeRequest = one("delivery.change_requested", lambda: change(personas, plan))
    before = last_event_id()
    one("delivery.change_decided", lambda: approve(personas, request))
    assert actions_since(before, prefix="initiative.") == ["initiative.updated"]  # the plan it moved
    link: FeedbackLink = one(
        "delivery.feedback_link_opened", lambda: services.feedback_link_open(actor=owner, initiative=plan)
    )
    one("delivery.feedback_link_closed", lambda: services.feedback_link_close(actor=owner, link=link))
    one("delivery.settings_changed", lambda: services.settings_update(actor=owner, unexplained_max=2))
    assert sorted(seen) == sorted(AUDIT_ACTIONS)
    # refusals write nothing
    before = last_event_id()
    refusal(Conflict, lambda: services.deliverable_cancel(actor=owner, deliverable=spare, reason="x"))
    refusal(ValidationFailed, lambda: make(owner, plan, title=""))
    assert actions_since(before, prefix="") == []


def test_criteria_of_other_deliverables_are_left_alone_when_one_s_are_replaced(
    personas: Personas, plan: Initiative
) -> None:
    first, second = make(personas.owner, plan), make(personas.owner, plan, title="Status page")
    services.deliverable_update(actor=personas.owner, deliverable=first, criteria=["Only this"])
    assert [c.text for c in Criterion.objects.for_org(personas.org).filter(deliverable=second)] == CRITERIA
