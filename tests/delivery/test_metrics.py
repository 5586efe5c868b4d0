"""The delivery figures of ``tandem.delivery.metrics``, each computed by hand from fixed facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.delivery.metrics import (
    Breach,
    ChangeFacts,
    DeliverableFacts,
    PlanFacts,
    Thresholds,
    breaches,
    delivery_figures,
    figures,
    monthly,
    plan_figures,
)

DAY = date(2025, 3, 10)


def accepted(slip: int, offers: int = 1, reasons: tuple[str, ...] = ()) -> DeliverableFacts:
    """A deliverable committed for DAY and accepted ``slip`` days later at offer ``offers``."""
    return DeliverableFacts(DAY, DAY + timedelta(days=slip), offers, reasons)


def test_nothing_delivered_is_not_yet_not_zero() -> None:
    f = figures([DeliverableFacts(DAY)])
    assert (f.deliverables, f.accepted) == (1, 0)
    assert f.on_time_rate is None
    assert f.mean_slip_days is None
    assert f.first_time_right_rate is None
    # no plans at all: no original budget, so nothing to creep against
    assert f.scope_creep_index is None
    assert f.schedule_growth_pct is None
    assert f.original_budget is None
    assert f.budget_variance is None
    assert f.budget_variance_pct is None
    assert f.schedule_variance_days is None
    assert f.unexplained_changes == 0


def test_everything_rejected_counts_every_rejected_offer() -> None:
    twice = DeliverableFacts(DAY, rejection_reasons=("quality", "incomplete"))
    once = DeliverableFacts(DAY, rejection_reasons=("quality",))
    f = figures([twice, once])
    assert f.accepted == 0
    # quality: once per deliverable -> 2; incomplete -> 1
    assert f.rejections == {"quality": 2, "incomplete": 1}
    assert f.rejected_offers == 3  # 2 + 1
    assert (f.on_time_rate, f.mean_slip_days, f.first_time_right_rate) == (None, None, None)


def test_early_delivery_is_on_time_and_pulls_the_mean_slip_down() -> None:
    f = delivery_figures([accepted(+5), accepted(-3), accepted(+10)])
    assert f.on_time_rate == pytest.approx(1 / 3)  # only the -3 is on time -> 1 of 3
    assert f.mean_slip_days == pytest.approx(4.0)  # slips: +5, -3, +10 -> 12 / 3 = 4.0
    late_only = delivery_figures([accepted(+5), accepted(+10)])
    assert late_only.mean_slip_days == pytest.approx(7.5)  # +5, +10 -> 15 / 2 = 7.5


def test_accepted_on_the_committed_day_is_on_time() -> None:
    f = delivery_figures([accepted(0), accepted(+1)])
    assert f.on_time_rate == pytest.approx(0.5)  # slip 0 on time, +1 late -> 1 of 2
    assert f.mean_slip_days == pytest.approx(0.5)  # (0 + 1) / 2


def test_first_time_right_against_accepted_at_the_second_offer() -> None:
    first = accepted(0, offers=1)
    with_remarks = accepted(2, offers=1)  # accepted with remarks at offer 1 is still offer 1
    second = accepted(1, offers=2, reasons=("criteria_not_met",))
    open_one = DeliverableFacts(DAY, rejection_reasons=("quality",))
    f = delivery_figures([first, with_remarks, second, open_one])
    assert (f.deliverables, f.accepted) == (4, 3)
    assert f.first_time_right_rate == pytest.approx(2 / 3)  # offer 1 twice, offer 2 once -> 2 of 3
    assert f.rejections == {"criteria_not_met": 1, "quality": 1}


def test_rejections_most_frequent_first_then_by_code() -> None:
    f = delivery_figures(
        [
            DeliverableFacts(DAY, rejection_reasons=("quality", "other")),
            DeliverableFacts(DAY, rejection_reasons=("other", "incomplete")),
            DeliverableFacts(DAY, rejection_reasons=("quality", "incomplete", "other")),
        ]
    )
    # other 3; incomplete 2 and quality 2 tie -> alphabetical
    assert list(f.rejections.items()) == [("other", 3), ("incomplete", 2), ("quality", 2)]


def test_approved_change_then_a_replan_without_one() -> None:
    plan = PlanFacts(
        original_budget=Decimal(100_000),
        current_budget=Decimal(115_000),
        original_target=date(2025, 6, 30),
        current_target=date(2025, 7, 30),
        start=date(2025, 1, 1),
        unexplained_moves=1,
    )
    changes = [
        ChangeFacts("partner", "deferred", Decimal(20_000)),
        ChangeFacts("business", "approved", Decimal(10_000), schedule_days=30),
        ChangeFacts("it", "rejected", Decimal(50_000)),
        ChangeFacts("business", "open", Decimal(5_000)),
    ]
    replanned = DeliverableFacts(DAY, replans=2, unexplained_replans=1)
    f = figures([replanned], changes, [plan])
    assert f.unexplained_changes == 2  # 1 re-plan + 1 plan move without an approved change
    assert f.replans == 2
    assert f.approved_change_budget == Decimal(10_000)  # only the approved one
    assert f.scope_creep_index == pytest.approx(0.1)  # 10 000 / 100 000
    assert f.change_requests_by_side == {"business": 2, "it": 1, "partner": 1}
    assert f.budget_variance == Decimal(15_000)  # 115 000 - 100 000
    assert f.budget_variance_pct == pytest.approx(15.0)  # 15 000 / 100 000
    assert f.schedule_variance_days == 30  # 30 June -> 30 July
    # Jan 1 -> Jun 30 = 31+28+31+30+31+29 = 180 days; 30 / 180 = 16.67 %
    assert f.schedule_growth_pct == pytest.approx(100 * 30 / 180)


def test_plan_figures_over_several_initiatives_are_sums() -> None:
    plans = [
        # +30 days on 180 (Jan 1 -> Jun 30); budget 100 000 -> 120 000
        PlanFacts(Decimal(100_000), Decimal(120_000), date(2025, 6, 30), date(2025, 7, 30), date(2025, 1, 1)),
        # 10 days earlier, no start: in the variance, not in the growth; budget 50 000 -> 45 000
        PlanFacts(Decimal(50_000), Decimal(45_000), date(2025, 3, 31), date(2025, 3, 21), None),
        # no original budget: left out of the budget sums; +10 days on 90 (Oct 2 -> Dec 31: 29+30+31)
        PlanFacts(None, Decimal(30_000), date(2025, 12, 31), date(2026, 1, 10), date(2025, 10, 2)),
        # original budget 0: left out of the budget sums too
        PlanFacts(Decimal(0), Decimal(20_000), None, None, None, unexplained_moves=2),
    ]
    changes = [
        ChangeFacts("business", "approved", Decimal(30_000)),
        ChangeFacts("it", "approved", Decimal(-7_500)),  # a change that saves money
        ChangeFacts("it", "rejected", Decimal(1_000)),
    ]
    p = plan_figures(plans, changes)
    assert p.approved_change_budget == Decimal(22_500)  # 30 000 - 7 500
    assert p.original_budget == Decimal(150_000)  # 100 000 + 50 000
    assert p.scope_creep_index == pytest.approx(0.15)  # 22 500 / 150 000
    assert p.budget_variance == Decimal(15_000)  # (120 000 + 45 000) - 150 000
    assert p.budget_variance_pct == pytest.approx(10.0)  # 15 000 / 150 000
    assert p.schedule_variance_days == 30  # +30 - 10 + 10
    assert p.schedule_growth_pct == pytest.approx(100 * 40 / 270)  # (30 + 10) / (180 + 90)
    assert p.change_requests_by_side == {"business": 1, "it": 2}
    assert p.unexplained_moves == 2


def test_schedule_growth_needs_a_start_date() -> None:
    moved = PlanFacts(None, None, date(2025, 6, 30), date(2025, 7, 30), None)
    p = plan_figures([moved], [])
    assert p.schedule_growth_pct is None
    assert p.schedule_variance_days == 30  # the move itself still counts
    started = plan_figures([replace(moved, start=date(2025, 5, 31))], [])
    assert started.schedule_growth_pct == pytest.approx(100.0)  # 30 days on May 31 -> Jun 30 = 30


def test_variance_without_dates_and_a_budget_cut() -> None:
    cut = PlanFacts(Decimal(200), Decimal(150), None, None, date(2025, 1, 1))
    p = plan_figures([cut], [ChangeFacts("it", "approved", Decimal(-50))])
    assert p.schedule_variance_days is None
    assert p.schedule_growth_pct is None
    assert p.budget_variance == Decimal(-50)  # 150 - 200
    assert p.budget_variance_pct == pytest.approx(-25.0)  # -50 / 200
    assert p.scope_creep_index == pytest.approx(-0.25)  # -50 / 200
    half_dated = replace(cut, original_target=date(2025, 6, 30))  # no current target
    assert plan_figures([half_dated], []).schedule_variance_days is None


def test_each_breach_with_its_value_and_limit() -> None:
    f = replace(
        figures([]),
        on_time_rate=2 / 3,
        first_time_right_rate=0.6,
        scope_creep_index=0.25,
        unexplained_changes=2,
    )
    assert breaches(f, Thresholds()) == [
        Breach("on_time", 66.7, 70),  # 66.67 % rounded to one decimal
        Breach("first_time_right", 60.0, 70),
        Breach("scope_creep", 25.0, 20),
        Breach("unexplained", 2, 0),
    ]
    assert [b.code for b in breaches(f, Thresholds(on_time_min=60, unexplained_max=2))] == [
        "first_time_right",
        "scope_creep",
    ]


def test_no_breach_without_facts() -> None:
    assert breaches(figures([DeliverableFacts(DAY)]), Thresholds(100, 100, 0, 0)) == []


def test_exactly_at_the_threshold_is_no_breach() -> None:
    # 7 of 10 on time (slip 0) and first time right; 3 late at the second offer -> 70 % each
    deliverables = [accepted(0)] * 7 + [accepted(4, offers=2)] * 3
    plan = PlanFacts(Decimal(100_000), Decimal(120_000), None, None, None)
    approved = [ChangeFacts("business", "approved", Decimal(20_000))]  # 20 000 / 100 000 = 20 %
    f = figures(deliverables, approved, [plan])
    assert breaches(f, Thresholds()) == []
    assert breaches(replace(f, unexplained_changes=1), Thresholds()) == [Breach("unexplained", 1, 0)]
    assert [b.code for b in breaches(f, Thresholds(71, 71, 19, 0))] == [
        "on_time",
        "first_time_right",
        "scope_creep",
    ]


def test_monthly_groups_by_the_month_of_acceptance() -> None:
    jan, feb, mar = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
    deliverables = [
        DeliverableFacts(date(2025, 1, 10), date(2025, 1, 8), 1),  # Jan: on time, first time right
        DeliverableFacts(date(2025, 1, 20), date(2025, 1, 25), 2),  # Jan: late, second offer
        DeliverableFacts(date(2025, 1, 31), date(2025, 2, 3), 1),  # Feb (by acceptance): late, first time
        DeliverableFacts(date(2025, 3, 1), date(2025, 4, 2), 1),  # April: not asked for
        DeliverableFacts(date(2024, 12, 1), date(2024, 12, 31), 1),  # December: not asked for
        DeliverableFacts(date(2025, 3, 1)),  # not accepted
    ]
    assert monthly(deliverables, [jan, feb, mar]) == [
        (jan, 0.5, 0.5, 2),  # 1 of 2 on time, 1 of 2 first time right
        (feb, 0.0, 1.0, 1),
        (mar, None, None, 0),
    ]


DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
FACTS = st.builds(
    DeliverableFacts,
    first_committed=DATES,
    accepted_on=st.none() | DATES,
    offers_until_accepted=st.integers(min_value=0, max_value=5),
    rejection_reasons=st.lists(st.sampled_from(["quality", "incomplete", "other"]), max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(deliverables=st.lists(FACTS, max_size=20))
def test_on_time_rate_is_a_share_of_the_accepted(deliverables: list[DeliverableFacts]) -> None:
    f = delivery_figures(deliverables)
    assert f.accepted == sum(1 for d in deliverables if d.accepted_on is not None)
    assert (f.on_time_rate is None) == (f.accepted == 0)
    if f.on_time_rate is not None:
        assert 0 <= f.on_time_rate <= 1
