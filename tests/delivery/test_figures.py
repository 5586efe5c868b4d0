"""The delivery figures as the selectors read them from the database, against values computed by
hand on one fixed organisation, edges included: nothing delivered yet, everything rejected, an
early delivery (negative slip), and a change request approved and then a re-plan without one.

The organisation (Acme; dates in 2026, "today" is 15 June, the last review was on 8 June):

Claims portal (Sales): 100,000 from 5 Jan to 30 Jun (176 days). Change requests: CR1 from the
business, +15,000 and +31 days, approved (budget 115,000, target 31 Jul, two explained moves);
CR2 from IT, +5,000, still open; CR3 from the partner, +2,000, rejected.

    deliverable     owner          committed  re-plans                          offers                    slip
    Photo upload    Cloudline      31 Mar     -                                 27 Mar accepted            -4
    Status page     Cloudline      15 Apr     -                                 10 Apr rejected            +5
                                                                                (criteria not met),
                                                                                20 Apr accepted
    Claim chat      Platform team  15 May     → 1 Jun (CR1), → 10 Jun (none)    5 Jun accepted w. remarks +21
    Archive export  -              30 Jun     → 15 Jul (CR1)                    -                          -
    Fax intake      Cloudline      1 Feb      cancelled: in no figure

Route planning (IT): 50,000 from 1 Feb to 30 Sep (241 days); the target moved to 31 Oct without a
change request (unexplained); CR4 from the business, +10,000, deferred. Everything rejected:

    Route engine    Cloudline      30 Apr     -     28 Apr rejected (quality), 10 May rejected (not usable)
    Driver app      Platform team  31 May     -     20 May rejected (incomplete)

Data warehouse (Sales): no budget, 1 Mar to 31 Dec (305 days); nothing delivered yet:

    Warehouse load  -              31 Aug     -     -

End-user feedback: Status page asked 4 people and got 5 (2 May) and 3 (20 May); Photo upload
asked 3 people and got nothing (quiet since 27 Mar); the claims portal's own link got 4 (10 Jun),
route planning's 2 (12 Jun), the data warehouse's 5 (10 Jan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.models import Department, Membership
from tandem.delivery import metrics, selectors, services
from tandem.delivery.models import (
    ChangeRequest,
    Deliverable,
    Feedback,
    Offer,
    PlanChange,
    Replan,
)
from tandem.governance import services as governance
from tandem.governance.models import Party
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative, Stage
from tests.conftest import Personas

TODAY = date(2026, 6, 15)
SINCE = datetime(2026, 6, 8, tzinfo=UTC)  # the last weekly review
RECENT = datetime(2026, 6, 10, 12, tzinfo=UTC)  # after it
OLD = datetime(2026, 5, 1, 12, tzinfo=UTC)  # before it


@dataclass
class World:
    claims: Initiative
    routes: Initiative
    warehouse: Initiative
    cloudline: Party
    platform: Party
    sales: Department
    it: Department
    photo: Deliverable
    status: Deliverable
    chat: Deliverable
    archive: Deliverable
    fax: Deliverable
    engine: Deliverable
    driver: Deliverable
    load: Deliverable
    cr_open: ChangeRequest


def committed(owner: Membership, title: str, departments: list[Department], **plan: Any) -> Initiative:
    """An initiative approved with ``plan`` (the approval gate is strategy's and tested there):
    its baseline taken as the approval takes it."""
    initiative = strategy.initiative_create(actor=owner, title=title, departments=departments, **plan)
    Initiative.objects.for_org(owner.organization).filter(pk=initiative.pk).update(stage=Stage.APPROVED)
    initiative.refresh_from_db()
    services.baseline_take(initiative)
    return initiative


def deliverable(
    personas: Personas, initiative: Initiative, title: str, committed_on: date, party: Party | None = None
) -> Deliverable:
    return services.deliverable_create(
        actor=personas.owner,
        initiative=initiative,
        title=title,
        committed_date=committed_on,
        owner_party=party,
        criteria=[f"{title} works", f"{title} is documented"],
    )


def offer(personas: Personas, d: Deliverable, day: date, decision: str, reason: str = "") -> Offer:
    services.deliverable_offer(actor=personas.it_lead, deliverable=d, offered_on=day)
    failed = [d.criteria.all()[0].pk] if reason == "criteria_not_met" else []
    return services.deliverable_decide(
        actor=personas.business_lead,
        deliverable=d,
        decision=decision,
        remarks="Noted" if decision != "accepted" else "",
        rejection_reason=reason,
        failed_criteria=failed,
    )


def replan(personas: Personas, d: Deliverable, to: date, change: ChangeRequest | None = None) -> Replan:
    return services.deliverable_replan(
        actor=personas.owner, deliverable=d, to_date=to, reason="Moved", change_request=change
    )


def change_request(
    personas: Personas, asker: Membership, initiative: Initiative, budget: int, days: int, decision: str = ""
) -> ChangeRequest:
    request = services.change_request_create(
        actor=personas.member,
        initiative=initiative,
        title=f"Change of {budget}",
        reason="Needed",
        budget_impact=budget,
        schedule_impact_days=days,
        requested_by=asker,
    )
    if decision:
        services.change_request_decide(
            actor=personas.owner, change=request, decision=decision, reason="Decided"
        )
    return request


def rate(personas: Personas, initiative: Initiative, d: Deliverable | None, rating: int, day: date) -> None:
    link = services.feedback_link_open(actor=personas.owner, initiative=initiative, deliverable=d)
    feedback = services.feedback_submit(token=selectors.link_token(link), rating=rating)
    Feedback.objects.for_org(personas.org).filter(pk=feedback.pk).update(submitted_on=day)


@pytest.fixture
def world(personas: Personas) -> World:
    owner, org = personas.owner, personas.org
    sales = Department.objects.for_org(org).get(name="Sales")
    it = Department.objects.for_org(org).get(name="IT")
    cloudline = governance.party_create(actor=owner, name="Cloudline", kind="cloud_provider")
    platform = governance.party_create(actor=owner, name="Platform team", kind="internal", side="it")

    claims = committed(
        owner,
        "Claims portal",
        [sales],
        budget_amount=100000,
        start_date=date(2026, 1, 5),
        target_date=date(2026, 6, 30),
    )
    routes = committed(
        owner,
        "Route planning",
        [it],
        budget_amount=50000,
        start_date=date(2026, 2, 1),
        target_date=date(2026, 9, 30),
    )
    warehouse = committed(
        owner, "Data warehouse", [sales], start_date=date(2026, 3, 1), target_date=date(2026, 12, 31)
    )

    photo = deliverable(personas, claims, "Photo upload", date(2026, 3, 31), cloudline)
    status = deliverable(personas, claims, "Status page", date(2026, 4, 15), cloudline)
    chat = deliverable(personas, claims, "Claim chat", date(2026, 5, 15), platform)
    archive = deliverable(personas, claims, "Archive export", date(2026, 6, 30))
    fax = deliverable(personas, claims, "Fax intake", date(2026, 2, 1), cloudline)
    services.deliverable_cancel(actor=owner, deliverable=fax, reason="No one faxes")
    cr1 = change_request(personas, personas.business_lead, claims, 15000, 31, "approved")
    cr_open = change_request(personas, personas.it_lead, claims, 5000, 0)
    change_request(personas, personas.partner, claims, 2000, 0, "rejected")
    offer(personas, photo, date(2026, 3, 27), "accepted")
    offer(personas, status, date(2026, 4, 10), "rejected", "criteria_not_met")
    offer(personas, status, date(2026, 4, 20), "accepted")
    first_slip = replan(personas, chat, date(2026, 6, 1), cr1)
    replan(personas, chat, date(2026, 6, 10))  # the approved request is no excuse for this one
    replan(personas, archive, date(2026, 7, 15), cr1)
    offer(personas, chat, date(2026, 6, 5), "accepted_with_remarks")

    strategy.initiative_update(actor=owner, initiative=routes, target_date=date(2026, 10, 31))
    change_request(personas, personas.business_lead, routes, 10000, 0, "deferred")
    engine = deliverable(personas, routes, "Route engine", date(2026, 4, 30), cloudline)
    driver = deliverable(personas, routes, "Driver app", date(2026, 5, 31), platform)
    offer(personas, engine, date(2026, 4, 28), "rejected", "quality")
    offer(personas, engine, date(2026, 5, 10), "rejected", "not_usable")
    offer(personas, driver, date(2026, 5, 20), "rejected", "incomplete")

    load = deliverable(personas, warehouse, "Warehouse load", date(2026, 8, 31))

    services.feedback_requests_sent(deliverable=photo, count=3)
    services.feedback_requests_sent(deliverable=status, count=4)
    rate(personas, claims, status, 5, date(2026, 5, 2))
    rate(personas, claims, status, 3, date(2026, 5, 20))
    rate(personas, claims, None, 4, date(2026, 6, 10))
    rate(personas, routes, None, 2, date(2026, 6, 12))
    rate(personas, warehouse, None, 5, date(2026, 1, 10))

    # Every event happened after the last review but for the photo upload's acceptance and the
    # chat's first (explained) re-plan.
    for model in (Replan, PlanChange, ChangeRequest):
        model.objects.for_org(org).update(created_at=RECENT)
    Offer.objects.for_org(org).update(decided_at=RECENT)
    Offer.objects.for_org(org).filter(deliverable=photo).update(decided_at=OLD)
    Replan.objects.for_org(org).filter(pk=first_slip.pk).update(created_at=OLD)
    for i in (claims, routes, warehouse):
        i.refresh_from_db()
    return World(
        claims,
        routes,
        warehouse,
        cloudline,
        platform,
        sales,
        it,
        photo,
        status,
        chat,
        archive,
        fax,
        engine,
        driver,
        load,
        cr_open,
    )


def test_the_data_is_as_the_story_tells(world: World) -> None:
    assert (world.claims.budget_amount, world.claims.target_date) == (Decimal(115000), date(2026, 7, 31))
    assert world.routes.target_date == date(2026, 10, 31)
    assert [
        (c.requested_side, c.status)
        for c in ChangeRequest.objects.for_org(world.claims.organization).order_by("pk")
    ] == [
        ("business", "approved"),
        ("it", "open"),
        ("partner", "rejected"),
        ("business", "deferred"),
    ]
    assert [
        (m.initiative_id, m.field, m.is_explained)
        for m in PlanChange.objects.for_org(world.claims.organization).order_by("pk")
    ] == [
        (world.claims.pk, "budget", True),
        (world.claims.pk, "target_date", True),
        (world.routes.pk, "target_date", False),
    ]


# --- One initiative ----------------------------------------------------------------------------


def test_the_claims_portal_delivered_early_late_and_after_a_rejection(world: World) -> None:
    f = selectors.initiative_figures(world.claims)
    # Photo upload, Status page, Claim chat, Archive export; the cancelled fax intake counts nowhere
    assert (f.deliverables, f.accepted) == (4, 3)
    # slips -4, +5, +21: only the early photo upload was on time against its first commitment
    assert f.on_time_rate == pytest.approx(1 / 3)
    assert f.mean_slip_days == pytest.approx((-4 + 5 + 21) / 3)  # 7.33
    # photo upload and claim chat at their first offer; the status page at its second
    assert f.first_time_right_rate == pytest.approx(2 / 3)
    assert f.rejections == {"criteria_not_met": 1}
    assert f.rejected_offers == 1
    # three re-plans, of which the chat's second without a change request: one unexplained change
    assert (f.replans, f.unexplained_changes) == (3, 1)
    # CR1's 15,000 approved on an original 100,000
    assert f.approved_change_budget == Decimal(15000)
    assert f.original_budget == Decimal(100000)
    assert f.scope_creep_index == pytest.approx(0.15)
    assert (f.budget_variance, f.budget_variance_pct) == (Decimal(15000), pytest.approx(15.0))
    # the target moved 31 days on a plan of 176 days (5 Jan - 30 Jun)
    assert f.schedule_variance_days == 31
    assert f.schedule_growth_pct == pytest.approx(31 / 176 * 100)  # 17.6 %
    assert f.change_requests_by_side == {"business": 1, "it": 1, "partner": 1}


def test_route_planning_delivered_nothing_and_every_offer_was_rejected(world: World) -> None:
    f = selectors.initiative_figures(world.routes)
    assert (f.deliverables, f.accepted) == (2, 0)
    # nothing accepted: no rate yet, not zero
    assert (f.on_time_rate, f.mean_slip_days, f.first_time_right_rate) == (None, None, None)
    # three rejected offers, one reason each: most frequent first, then by name
    assert list(f.rejections.items()) == [("incomplete", 1), ("not_usable", 1), ("quality", 1)]
    assert f.rejected_offers == 3
    # the target moved from 30 Sep to 31 Oct without a change request; the deferred CR4 approves nothing
    assert (f.replans, f.unexplained_changes) == (0, 1)
    assert (f.scope_creep_index, f.approved_change_budget) == (0.0, Decimal(0))
    assert (f.budget_variance, f.budget_variance_pct) == (Decimal(0), 0.0)
    assert f.schedule_variance_days == 31
    assert f.schedule_growth_pct == pytest.approx(31 / 241 * 100)  # 12.9 %
    assert f.change_requests_by_side == {"business": 1}


def test_the_data_warehouse_has_nothing_to_show_yet(world: World) -> None:
    f = selectors.initiative_figures(world.warehouse)
    assert (f.deliverables, f.accepted, f.rejected_offers, f.replans, f.unexplained_changes) == (
        1,
        0,
        0,
        0,
        0,
    )
    assert (f.on_time_rate, f.mean_slip_days, f.first_time_right_rate) == (None, None, None)
    # no budget: nothing to creep against and no variance, but the dates have not moved
    assert (f.original_budget, f.scope_creep_index, f.budget_variance, f.budget_variance_pct) == (
        None,
        None,
        None,
        None,
    )
    assert (f.schedule_variance_days, f.schedule_growth_pct) == (0, 0.0)
    assert f.change_requests_by_side == {}


# --- The dashboard -----------------------------------------------------------------------------


def test_the_organisation_s_figures_add_up_its_initiatives(world: World) -> None:
    board = selectors.dashboard(world.claims.organization, today=TODAY)
    f = board.organization
    assert (f.deliverables, f.accepted) == (7, 3)
    assert f.on_time_rate == pytest.approx(1 / 3)
    assert f.mean_slip_days == pytest.approx(22 / 3)
    assert f.first_time_right_rate == pytest.approx(2 / 3)
    assert list(f.rejections.items()) == [
        ("criteria_not_met", 1),
        ("incomplete", 1),
        ("not_usable", 1),
        ("quality", 1),
    ]
    # 15,000 approved on 150,000 budgeted (the data warehouse has no budget)
    assert (f.original_budget, f.approved_change_budget) == (Decimal(150000), Decimal(15000))
    assert f.scope_creep_index == pytest.approx(0.10)
    assert (f.budget_variance, f.budget_variance_pct) == (Decimal(15000), pytest.approx(10.0))
    # 31 + 31 + 0 days on plans of 176 + 241 + 305 days
    assert f.schedule_variance_days == 62
    assert f.schedule_growth_pct == pytest.approx(62 / 722 * 100)  # 8.6 %
    assert (f.replans, f.unexplained_changes) == (3, 2)  # the chat's re-plan, route planning's move
    assert f.change_requests_by_side == {"business": 2, "it": 1, "partner": 1}
    # on time 33.3 % and first time right 66.7 % are under 70 %; scope creep 10 % is within 20 %;
    # unexplained changes are a per-initiative threshold, never the organisation's
    assert [(b.code, b.value, b.limit) for b in board.organization_breaches] == [
        ("on_time", 33.3, 70),
        ("first_time_right", 66.7, 70),
    ]


def test_each_initiative_has_its_row_with_its_alerts(world: World) -> None:
    board = selectors.dashboard(world.claims.organization, today=TODAY)
    assert [(r.key, r.label) for r in board.initiatives] == [
        (world.claims.pk, "Claims portal"),
        (world.warehouse.pk, "Data warehouse"),
        (world.routes.pk, "Route planning"),
    ]
    claims, warehouse, routes = board.initiatives
    assert claims.figures == selectors.initiative_figures(world.claims)
    assert routes.figures == selectors.initiative_figures(world.routes)
    assert warehouse.figures == selectors.initiative_figures(world.warehouse)
    assert [(b.code, b.value, b.limit) for b in claims.breaches] == [
        ("on_time", 33.3, 70),
        ("first_time_right", 66.7, 70),
        ("unexplained", 1, 0),  # scope creep 15 % is within 20 %
    ]
    assert [(b.code, b.value, b.limit) for b in routes.breaches] == [("unexplained", 1, 0)]
    assert warehouse.breaches == []  # nothing to measure is no alert


def test_each_party_has_the_figures_of_the_deliverables_it_owns(world: World) -> None:
    board = selectors.dashboard(world.claims.organization, today=TODAY)
    assert [(r.key, r.label) for r in board.parties] == [
        (world.cloudline.pk, "Cloudline"),
        (world.platform.pk, "Platform team"),
    ]
    cloudline, platform = board.parties
    # Cloudline: photo upload (-4, first time), status page (+5, second offer), route engine (rejected
    # twice); its cancelled fax intake counts nowhere
    f = cloudline.figures
    assert (f.deliverables, f.accepted, f.on_time_rate, f.first_time_right_rate) == (3, 2, 0.5, 0.5)
    assert f.mean_slip_days == pytest.approx(0.5)
    assert f.rejections == {"criteria_not_met": 1, "not_usable": 1, "quality": 1}
    assert (f.replans, f.unexplained_changes, f.original_budget, f.scope_creep_index) == (0, 0, None, None)
    assert [(b.code, b.value) for b in cloudline.breaches] == [("on_time", 50.0), ("first_time_right", 50.0)]
    # Platform team: claim chat (+21, first offer, one unexplained re-plan), driver app (rejected)
    f = platform.figures
    assert (f.deliverables, f.accepted, f.on_time_rate, f.first_time_right_rate) == (2, 1, 0.0, 1.0)
    assert f.mean_slip_days == 21
    assert f.rejections == {"incomplete": 1}
    assert (f.replans, f.unexplained_changes) == (2, 1)
    # the unexplained-changes limit is per initiative: a party's row is not held to it
    assert [(b.code, b.value) for b in platform.breaches] == [("on_time", 0.0)]


def test_each_department_has_the_figures_of_the_initiatives_serving_it(world: World) -> None:
    board = selectors.dashboard(world.claims.organization, today=TODAY)
    assert [(r.key, r.label) for r in board.departments] == [(world.it.pk, "IT"), (world.sales.pk, "Sales")]
    it, sales = board.departments
    assert it.figures == selectors.initiative_figures(world.routes)
    # Sales: the claims portal and the data warehouse together
    f = sales.figures
    assert (f.deliverables, f.accepted, f.unexplained_changes) == (5, 3, 1)
    assert f.on_time_rate == pytest.approx(1 / 3)
    assert (f.original_budget, f.scope_creep_index) == (Decimal(100000), pytest.approx(0.15))
    assert f.schedule_variance_days == 31
    assert f.schedule_growth_pct == pytest.approx(31 / (176 + 305) * 100)  # 6.4 %
    assert f.change_requests_by_side == {"business": 1, "it": 1, "partner": 1}
    # per initiative, not per department: the claims portal's own row carries that alert
    assert [b.code for b in sales.breaches] == ["on_time", "first_time_right"]


def test_the_organisation_s_thresholds_decide_the_alerts(personas: Personas, world: World) -> None:
    services.settings_update(
        actor=personas.owner, on_time_min=30, first_time_right_min=60, scope_creep_max=10, unexplained_max=1
    )
    board = selectors.dashboard(world.claims.organization, today=TODAY)
    # the claims portal: on time 33.3 % ≥ 30, first time right 66.7 % ≥ 60, one unexplained change ≤ 1,
    # but scope creep 15 % > 10 %
    assert [(b.code, b.value, b.limit) for r in board.initiatives for b in r.breaches] == [
        ("scope_creep", 15.0, 10)
    ]
    # the organisation's scope creep is exactly 10 %: at the threshold is no alert
    assert board.organization_breaches == []


def test_the_monthly_trend_counts_each_acceptance_in_its_month(world: World) -> None:
    trend = selectors.dashboard(world.claims.organization, today=TODAY).trend
    # the twelve months up to June 2026
    months = [date(2025, m, 1) for m in range(7, 13)] + [date(2026, m, 1) for m in range(1, 7)]
    assert [month for month, *_ in trend] == months
    by_month = {month: rest for month, *rest in trend}
    assert by_month[date(2026, 3, 1)] == [1.0, 1.0, 1]  # photo upload: early, first offer
    assert by_month[date(2026, 4, 1)] == [0.0, 0.0, 1]  # status page: late, second offer
    assert by_month[date(2026, 6, 1)] == [0.0, 1.0, 1]  # claim chat: late, first offer
    quiet = [month for month, rest in by_month.items() if rest == [None, None, 0]]
    assert len(quiet) == 9


def test_a_partner_s_dashboard_holds_only_its_parties_deliverables(world: World) -> None:
    board = selectors.dashboard(world.claims.organization, today=TODAY, party_ids={world.cloudline.pk})
    assert [r.label for r in board.parties] == ["Cloudline"]
    assert board.organization == board.parties[0].figures
    assert (board.initiatives, board.departments, board.organization_breaches, board.quiet) == (
        [],
        [],
        [],
        [],
    )
    assert sum(n for *_, n in board.trend) == 2  # the photo upload in March, the status page in April


# --- End-user feedback -------------------------------------------------------------------------


def test_a_deliverable_accepted_long_ago_without_feedback_is_quiet(personas: Personas, world: World) -> None:
    org = world.claims.organization
    # 14 days before 15 June is 1 June: the photo upload (27 Mar) and the status page (20 Apr) were
    # accepted before; the claim chat (5 Jun) not. The status page has feedback.
    assert selectors.quiet_deliverables(org, today=TODAY) == [world.photo]
    assert selectors.dashboard(org, today=TODAY).quiet == [world.photo]
    # the claim chat on 19 June is exactly 14 days old, not more: not quiet yet; on 20 June it is
    assert selectors.quiet_deliverables(org, today=date(2026, 6, 19)) == [world.photo]
    assert selectors.quiet_deliverables(org, today=date(2026, 6, 20)) == [world.photo, world.chat]
    assert selectors.quiet_deliverables(org, today=date(2026, 4, 9)) == []  # 26 Mar: none yet
    rate(personas, world.claims, world.photo, 3, TODAY)
    assert selectors.quiet_deliverables(org, today=TODAY) == []
    services.settings_update(actor=personas.owner, feedback_quiet_days=0)
    assert selectors.quiet_deliverables(org, today=TODAY) == [world.chat]


def test_the_feedback_summary_counts_answers_mean_and_response_rate(world: World) -> None:
    org = world.claims.organization
    everything = selectors.feedback_summary(org, today=TODAY)
    # 5, 3, 4, 2, 5; asked by e-mail: 3 for the photo upload and 4 for the status page, of whom
    # two answered through the status page's link
    assert (everything.count, everything.mean, everything.asked) == (5, pytest.approx(3.8), 7)
    assert everything.response_rate == pytest.approx(2 / 7)
    claims = selectors.feedback_summary(org, initiative=world.claims, today=TODAY)
    assert (claims.count, claims.mean, claims.asked, claims.response_rate) == (
        3,
        4.0,
        7,
        pytest.approx(2 / 7),
    )
    status = selectors.feedback_summary(org, deliverable=world.status, today=TODAY)
    assert (status.count, status.mean, status.asked, status.response_rate) == (2, 4.0, 4, 0.5)
    photo = selectors.feedback_summary(org, deliverable=world.photo, today=TODAY)
    assert (photo.count, photo.mean, photo.asked, photo.response_rate) == (0, None, 3, 0.0)
    routes = selectors.feedback_summary(org, initiative=world.routes, today=TODAY)
    assert (routes.count, routes.mean, routes.asked, routes.response_rate) == (1, 2.0, 0, None)
    by_month = {month: (mean, n) for month, mean, n in everything.trend}
    assert len(by_month) == 12
    assert by_month[date(2026, 1, 1)] == (5.0, 1)
    assert by_month[date(2026, 5, 1)] == (4.0, 2)  # 5 and 3
    assert by_month[date(2026, 6, 1)] == (3.0, 2)  # 4 and 2
    assert by_month[date(2026, 2, 1)] == (None, 0)


# --- The timeline ------------------------------------------------------------------------------


def test_the_timeline_shows_each_deliverable_s_commitment_replans_and_delivery(world: World) -> None:
    rows = selectors.timeline(world.claims)
    assert [r.deliverable.title for r in rows] == [
        "Fax intake",
        "Photo upload",
        "Status page",
        "Claim chat",
        "Archive export",
    ]
    fax, photo, status, chat, archive = rows
    assert (fax.delivered, fax.slip_days, fax.deliverable.status) == (None, None, "cancelled")
    assert (photo.first_committed, photo.due, photo.delivered, photo.slip_days) == (
        date(2026, 3, 31),
        date(2026, 3, 31),
        date(2026, 3, 27),
        -4,
    )
    assert (photo.replans, photo.rejected_offers) == ([], [])
    assert (status.delivered, status.slip_days, status.rejected_offers) == (
        date(2026, 4, 20),
        5,
        [date(2026, 4, 10)],
    )
    assert [(r.from_date, r.to_date, r.is_explained) for r in chat.replans] == [
        (date(2026, 5, 15), date(2026, 6, 1), True),
        (date(2026, 6, 1), date(2026, 6, 10), False),
    ]
    assert (chat.first_committed, chat.due, chat.delivered, chat.slip_days) == (
        date(2026, 5, 15),
        date(2026, 6, 10),
        date(2026, 6, 5),
        21,  # against the first commitment, whatever the re-plans
    )
    assert (archive.due, archive.delivered, archive.slip_days) == (date(2026, 7, 15), None, None)


# --- The weekly review -------------------------------------------------------------------------


def review(world: World, since: datetime) -> list[tuple[str, int, str, bool]]:
    items = selectors.review_items(world.claims.organization, since, today=TODAY)
    return sorted((i.kind, i.initiative_id, i.title, i.is_win) for i in items)


def test_the_review_lists_what_happened_since_the_last_one(world: World) -> None:
    claims, routes = world.claims.pk, world.routes.pk
    assert review(world, SINCE) == sorted(
        [
            # the archive export's re-plan explained by CR1; the chat's first one was before the review
            ("slipped", claims, "Archive export", False),
            ("unexplained", claims, "Claim chat", False),  # its second re-plan, without a request
            ("unexplained", routes, "Route planning", False),  # the target moved without a request
            # decisions since: the photo upload's acceptance was before the review
            ("rejected", claims, "Status page", False),
            ("accepted", claims, "Status page", True),
            ("accepted", claims, "Claim chat", True),
            ("rejected", routes, "Route engine", False),
            ("rejected", routes, "Route engine", False),
            ("rejected", routes, "Driver app", False),
            ("awaiting_decision", claims, "Change of 5000", False),  # CR2, still open
            ("alert", claims, "Claims portal", False),
            ("alert", routes, "Route planning", False),
            ("quiet", claims, "Photo upload", False),
            # ratings of 4 or 5 since 8 June: the claims portal's 4 of 10 June (the data warehouse's
            # 5 was in January; route planning's 2 is no win)
            ("good_feedback", claims, "Claims portal", True),
        ]
    )


def test_the_review_leaves_out_what_came_before_it(world: World) -> None:
    later = datetime(2026, 6, 20, tzinfo=UTC)
    claims, routes = world.claims.pk, world.routes.pk
    # nothing happened after 20 June; what is still true is still on the agenda
    assert review(world, later) == sorted(
        [
            ("awaiting_decision", claims, "Change of 5000", False),
            ("alert", claims, "Claims portal", False),
            ("alert", routes, "Route planning", False),
            ("quiet", claims, "Photo upload", False),
        ]
    )
    earlier = set(review(world, datetime(2026, 4, 1, tzinfo=UTC)))
    assert ("slipped", claims, "Claim chat", False) in earlier
    assert ("accepted", claims, "Photo upload", True) in earlier


# --- Cost --------------------------------------------------------------------------------------


def test_the_dashboard_costs_the_same_queries_for_5_or_25_deliverables(personas: Personas) -> None:
    owner = personas.owner
    sales = Department.objects.for_org(personas.org).get(name="Sales")
    it = Department.objects.for_org(personas.org).get(name="IT")
    parties = [
        governance.party_create(actor=owner, name="Cloudline", kind="cloud_provider"),
        governance.party_create(actor=owner, name="Integra", kind="integrator"),
    ]
    initiatives = [
        committed(
            owner,
            "Claims portal",
            [sales],
            budget_amount=100000,
            start_date=date(2026, 1, 5),
            target_date=date(2026, 6, 30),
        ),
        committed(
            owner,
            "Route planning",
            [sales, it],
            budget_amount=50000,
            start_date=date(2026, 2, 1),
            target_date=date(2026, 9, 30),
        ),
    ]
    change_request(personas, personas.business_lead, initiatives[0], 1000, 5, "approved")

    def add(n: int) -> None:
        start = Deliverable.objects.for_org(personas.org).count()
        for k in range(start, start + n):
            d = deliverable(
                personas, initiatives[k % 2], f"Deliverable {k}", date(2026, 3, 1), parties[k % 2]
            )
            if k % 3:
                replan(personas, d, date(2026, 3, 15))
            offer(personas, d, date(2026, 3, 10), "rejected", "quality")
            offer(personas, d, date(2026, 3, 20), "accepted")

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            board = selectors.dashboard(personas.org, today=TODAY)
        assert len(board.parties) == 2
        return len(queries)

    add(5)
    few = cost()
    add(20)
    assert Deliverable.objects.for_org(personas.org).count() == 25
    assert cost() == few
    assert few <= 15
    assert selectors.dashboard(personas.org, today=TODAY).organization.accepted == 25


def test_metrics_and_selectors_tell_the_same_number(world: World) -> None:
    facts = selectors.deliverable_facts(Deliverable.objects.for_org(world.claims.organization).all())
    assert len(facts) == 7  # the cancelled fax intake left out
    assert metrics.figures(facts).accepted == 3
