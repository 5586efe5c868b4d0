"""The agenda that writes itself: each source's signals on fixed data, a source that is absent, the
programme filter, and the agenda built from them — refreshed without duplicates, a dropped item
left dropped, open actions carried over with their age until done, and the wins last."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core.agenda import AgendaSignal
from tandem.core.models import Organization
from tandem.delivery import services as delivery_services
from tandem.governance import services as governance_services
from tandem.governance.models import Incident, Service
from tandem.reviews import agenda
from tandem.reviews.models import ActionItem, ActionStatus, AgendaItem, Review, ReviewSeries, ReviewStatus
from tandem.strategy import services as strategy_services
from tandem.strategy.models import Initiative, KeyResult, Objective, ObjectiveStatus
from tandem.surveys import services as survey_services
from tandem.whycheck import services as whycheck_services
from tandem.whycheck.models import WhyCheck
from tests.conftest import Personas, clear_figures
from tests.delivery.conftest import Delivery, delivery
from tests.governance.conftest import Parties, parties
from tests.reviews.conftest import make_series
from tests.surveys.conftest import make_campaign
from tests.whycheck.conftest import BUSINESS_ANSWER, IT_ANSWER, deadline_passed, reveal, scored

__all__ = ["delivery", "parties"]

AMS = ZoneInfo("Europe/Amsterdam")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


def signals_of(
    source: str, org: Organization, since: datetime, now: datetime | None = None
) -> list[AgendaSignal]:
    """One app's signals, through the hook its AppConfig names."""
    return [s for s in agenda.collect(org, since, now or timezone.now()) if s.source == source]


def by_key(signals: list[AgendaSignal]) -> dict[str, AgendaSignal]:
    return {s.key: s for s in signals}


def loose_idea(personas: Personas, title: str = "Loose idea") -> Initiative:
    """A proposed initiative without co-leads, measures or key results: it fails the approval gate."""
    initiative = strategy_services.initiative_create(actor=personas.owner, title=title)
    return strategy_services.initiative_transition(actor=personas.owner, initiative=initiative, to="proposed")


def review_of(series: ReviewSeries, since: datetime, when: datetime | None = None) -> Review:
    return Review.objects.create(
        organization=series.organization,
        series=series,
        scheduled_at=when or timezone.now() + timedelta(days=1),
        agenda_since=since,
    )


def ago(**delta: float) -> datetime:
    return timezone.now() - timedelta(**delta)


# --- The why check ---------------------------------------------------------------------------------


def test_a_round_found_misaligned_is_on_the_agenda_without_its_answers_or_score(
    personas: Personas, round_: WhyCheck
) -> None:
    since = ago(hours=1)
    scored(reveal(personas, round_), "misaligned", 0.27)
    signals = signals_of("whycheck", personas.org, since)
    [signal] = signals
    assert signal.kind == "why_misaligned"
    assert signal.key == f"whycheck:why_misaligned:round:{round_.pk}"
    assert signal.title == "Self-service claims portal"
    assert signal.initiative_id == round_.initiative_id
    assert signal.url == reverse(
        "whycheck:detail", kwargs={"org_slug": personas.org.slug, "why_check_id": round_.pk}
    )
    assert not signal.is_win
    everything = repr(signals)
    for secret in (BUSINESS_ANSWER["why"], IT_ANSWER["why"], "Claims settled", "0.27", "bizlead", "itlead"):
        assert secret not in everything


def test_a_misaligned_round_from_before_still_holding_the_initiative_is_flagged(
    personas: Personas, round_: WhyCheck
) -> None:
    scored(reveal(personas, round_), "misaligned", 0.27)
    since = timezone.now() + timedelta(seconds=1)
    [signal] = signals_of("whycheck", personas.org, since, since + timedelta(days=7))
    assert (signal.kind, signal.key) == ("why_flagged", f"whycheck:why_flagged:round:{round_.pk}")


def test_a_round_that_needs_discussion_stays_until_both_co_leads_decided(
    personas: Personas, round_: WhyCheck
) -> None:
    since = ago(hours=1)
    scored(reveal(personas, round_), "partial", 0.5)
    [signal] = signals_of("whycheck", personas.org, since)
    assert signal.kind == "why_needs_discussion"
    assert signal.key == f"whycheck:why_needs_discussion:round:{round_.pk}"
    for lead in (personas.business_lead, personas.it_lead):
        whycheck_services.whycheck_record_decision(actor=lead, why_check=round_, note="We agreed.")
    assert signals_of("whycheck", personas.org, since) == []


def test_a_round_waiting_for_answers_past_its_deadline_is_overdue(
    personas: Personas, round_: WhyCheck
) -> None:
    assert signals_of("whycheck", personas.org, ago(hours=1)) == []
    deadline_passed(round_)
    [signal] = signals_of("whycheck", personas.org, ago(hours=1))
    assert (signal.kind, signal.key) == ("why_overdue", f"whycheck:why_overdue:round:{round_.pk}")
    assert signal.initiative_id == round_.initiative_id


def test_an_initiative_aligned_again_after_a_misaligned_round_is_a_win(
    personas: Personas, round_: WhyCheck
) -> None:
    scored(reveal(personas, round_), "misaligned", 0.27)
    since = timezone.now()
    again = whycheck_services.whycheck_start(
        actor=personas.business_lead,
        initiative=round_.initiative,
        deadline=timezone.localdate() + timedelta(days=7),
    )
    scored(reveal(personas, again), "aligned", 0.8)
    signals = signals_of("whycheck", personas.org, since, timezone.now() + timedelta(days=1))
    [win] = [s for s in signals if s.is_win]
    assert (win.kind, win.key) == ("realigned", f"whycheck:realigned:round:{again.pk}")
    assert win.initiative_id == round_.initiative_id
    assert [s.kind for s in signals] == ["realigned"]  # the earlier round is superseded: no flag


# --- Strategy --------------------------------------------------------------------------------------


def test_an_initiative_that_fails_the_gate_while_proposed_is_on_the_agenda(
    personas: Personas, ready_initiative: Initiative
) -> None:
    loose = loose_idea(personas)
    signals = by_key(signals_of("strategy", personas.org, ago(hours=1)))
    gate = signals[f"strategy:gate_failed:initiative:{loose.pk}"]
    assert gate.kind == "gate_failed"
    assert gate.title == "Loose idea"
    assert gate.initiative_id == loose.pk
    assert gate.url == reverse(
        "strategy:initiative_detail", kwargs={"org_slug": personas.org.slug, "initiative_id": loose.pk}
    )
    assert f"strategy:gate_failed:initiative:{ready_initiative.pk}" not in signals


def test_a_stage_change_since_the_last_review_is_on_the_agenda(
    personas: Personas, ready_initiative: Initiative
) -> None:
    since = ago(hours=1)
    approved = strategy_services.initiative_transition(
        actor=personas.owner, initiative=ready_initiative, to="approved"
    )
    move = approved.transitions.order_by("-id")[0]
    changed = [s for s in signals_of("strategy", personas.org, since) if s.kind == "stage_changed"]
    assert [s.key for s in changed] == [
        f"strategy:stage_changed:transition:{t.pk}" for t in ready_initiative.transitions.order_by("id")
    ]
    assert changed[-1].key == f"strategy:stage_changed:transition:{move.pk}"
    assert changed[-1].initiative_id == ready_initiative.pk
    assert changed[-1].detail == "Proposed → Approved"
    assert signals_of("strategy", personas.org, timezone.now() + timedelta(seconds=1)) == []


def test_falling_confidence_and_a_target_reached_are_signalled_per_key_result(
    personas: Personas, key_result: KeyResult
) -> None:
    check_in = strategy_services.check_in_create
    check_in(actor=personas.it_lead, key_result=key_result, value=20, confidence=8, at=ago(days=3))
    since = ago(days=1)
    check_in(actor=personas.it_lead, key_result=key_result, value=31, confidence=5, at=ago(hours=1))
    signals = by_key(signals_of("strategy", personas.org, since))
    falling = signals[f"strategy:confidence_falling:key_result:{key_result.pk}"]
    assert (falling.kind, falling.title, falling.detail) == (
        "confidence_falling",
        "Net promoter score",
        "8/10 → 5/10",
    )
    assert falling.objective_id == key_result.objective_id
    assert falling.initiative_id is None
    assert falling.url == reverse(
        "strategy:key_result_detail", kwargs={"org_slug": personas.org.slug, "key_result_id": key_result.pk}
    )
    reached = signals[f"strategy:kr_reached:key_result:{key_result.pk}"]
    assert reached.kind == "kr_reached"
    assert reached.is_win
    # Reached before the period: nothing new to celebrate.
    assert not [s for s in signals_of("strategy", personas.org, ago(minutes=1)) if s.is_win]


def test_a_key_result_to_decrease_reaches_its_target_going_down(
    personas: Personas, objective: Objective
) -> None:
    kr = strategy_services.key_result_create(
        actor=personas.owner,
        objective=objective,
        metric="Days to settle",
        baseline=14,
        target=2,
        direction="decrease",
    )
    since = ago(hours=1)
    strategy_services.check_in_create(actor=personas.it_lead, key_result=kr, value=9, confidence=6)
    assert f"strategy:kr_reached:key_result:{kr.pk}" not in by_key(
        signals_of("strategy", personas.org, since)
    )
    strategy_services.check_in_create(actor=personas.it_lead, key_result=kr, value=2, confidence=9)
    assert f"strategy:kr_reached:key_result:{kr.pk}" in by_key(signals_of("strategy", personas.org, since))


def test_a_key_result_of_an_active_objective_without_a_check_in_for_14_days_is_on_the_agenda(
    personas: Personas, key_result: KeyResult
) -> None:
    now = timezone.now()
    KeyResult.objects.for_org(personas.org).filter(pk=key_result.pk).update(
        created_at=now - timedelta(days=13)
    )
    key = f"strategy:no_check_in:key_result:{key_result.pk}"
    assert key not in by_key(signals_of("strategy", personas.org, now - timedelta(hours=1), now))
    later = now + timedelta(days=2)
    signal = by_key(signals_of("strategy", personas.org, now, later))[key]
    assert (signal.kind, signal.objective_id) == ("no_check_in", key_result.objective_id)
    Objective.objects.for_org(personas.org).update(status=ObjectiveStatus.ACHIEVED)
    assert key not in by_key(signals_of("strategy", personas.org, now, later))


# --- Delivery --------------------------------------------------------------------------------------


def test_delivery_brings_rejections_re_plans_open_changes_and_its_wins(delivery: Delivery) -> None:
    p, org = delivery.personas, delivery.personas.org
    since = ago(hours=1)
    delivery_services.deliverable_decide(
        actor=p.business_lead,
        deliverable=delivery.own_offered,
        decision="rejected",
        rejection_reason="quality",
        remarks="The status never updates.",
    )
    delivery_services.deliverable_decide(
        actor=p.business_lead, deliverable=delivery.theirs_offered, decision="accepted"
    )
    delivery_services.change_request_decide(
        actor=p.owner, change=delivery.own_change, decision="approved", reason="Phones matter."
    )
    future = timezone.localdate() + timedelta(days=60)
    delivery_services.deliverable_replan(
        actor=p.owner,
        deliverable=delivery.own,
        to_date=future,
        reason="Bigger photos.",
        change_request=delivery.own_change,
    )
    delivery_services.deliverable_replan(
        actor=p.owner, deliverable=delivery.theirs, to_date=future, reason="Vendor short of staff."
    )
    signals = by_key(signals_of("delivery", org, since))
    slug = org.slug

    rejected = signals[f"delivery:rejected:deliverable:{delivery.own_offered.pk}"]
    assert (rejected.kind, rejected.title, rejected.detail) == (
        "rejected",
        "Claim status page",
        "The status never updates.",
    )
    assert rejected.initiative_id == delivery.initiative.pk
    assert rejected.url == reverse(
        "delivery:deliverable", kwargs={"org_slug": slug, "deliverable_id": delivery.own_offered.pk}
    )
    slipped = signals[f"delivery:slipped:deliverable:{delivery.own.pk}"]
    assert (slipped.kind, slipped.detail) == ("slipped", "Bigger photos.")
    unexplained = signals[f"delivery:unexplained:deliverable:{delivery.theirs.pk}"]
    assert unexplained.detail == "Vendor short of staff."
    waiting = signals[f"delivery:awaiting_decision:change:{delivery.initiative_change.pk}"]
    assert waiting.url == reverse(
        "delivery:change", kwargs={"org_slug": slug, "change_id": delivery.initiative_change.pk}
    )
    assert f"delivery:awaiting_decision:change:{delivery.own_change.pk}" not in signals  # decided
    accepted = signals[f"delivery:accepted:deliverable:{delivery.theirs_offered.pk}"]
    assert accepted.is_win
    feedback = signals[f"delivery:good_feedback:initiative:{delivery.initiative.pk}"]
    assert feedback.is_win
    assert feedback.url == reverse(
        "delivery:initiative", kwargs={"org_slug": slug, "initiative_id": delivery.initiative.pk}
    )


# --- Governance ------------------------------------------------------------------------------------


@pytest.fixture
def hosting(personas: Personas, parties: Parties) -> Service:
    """P1 acknowledged within 1 and resolved within 8 working hours; P3 within 16 and 80; its
    escalation path calls the vendor (2 h), then the IT lead."""
    svc = governance_services.service_create(
        actor=personas.owner, party=parties.vendor, name="Claims hosting"
    )
    level = governance_services.service_level_set
    level(actor=personas.owner, service=svc, priority="p1", acknowledge_hours=1, resolve_hours=8)
    level(actor=personas.owner, service=svc, priority="p3", acknowledge_hours=16, resolve_hours=80)
    add = governance_services.escalation_level_add
    add(actor=personas.owner, service=svc, party=parties.vendor, respond_hours=2)
    add(actor=personas.owner, service=svc, membership=personas.it_lead, respond_hours=4)
    return svc


def test_governance_brings_breaches_escalations_open_incidents_and_reviews(
    personas: Personas, parties: Parties, hosting: Service, ready_initiative: Initiative
) -> None:
    raise_ = governance_services.incident_raise
    monday = "2026-12-07T"
    breached = raise_(
        actor=personas.member, title="Portal down", priority="p1", service=hosting, now=at(monday + "09:00")
    )
    escalated = raise_(
        actor=personas.member, title="Slow uploads", priority="p3", service=hosting, now=at(monday + "09:00")
    )
    governance_services.incident_acknowledge(
        actor=personas.owner, incident=breached, now=at(monday + "09:30")
    )
    # The P1 was acknowledged in time; the P3 escalated at 11:00, well within its 16 hours.
    breached.refresh_from_db()
    assert [i.pk for i in governance_services.incidents_escalate_due(now=at(monday + "11:00"))] == [
        escalated.pk
    ]
    waiting = raise_(
        actor=personas.member,
        title="Claims form rejects dates",
        priority="p2",
        party=parties.vendor,
        initiative=ready_initiative,
        now=at(monday + "09:15"),
    )
    done = raise_(
        actor=personas.member,
        title="Printer jam",
        priority="p4",
        party=parties.it_team,
        initiative=ready_initiative,
        now=at("2026-12-04T10:00"),
    )
    governance_services.incident_resolve(
        actor=personas.owner, incident=done, resolution="Cleared.", now=at("2026-12-04T11:00")
    )
    governance_services.incident_review_write(
        actor=personas.owner,
        incident=done,
        summary="Paper.",
        lessons="Buy better paper.",
        now=at(monday + "10:00"),
    )
    since, now = at(monday + "00:00"), at("2026-12-08T12:00")
    signals = signals_of("governance", personas.org, since, now)
    kinds = {s.key: s.kind for s in signals}
    assert kinds == {
        f"governance:sla_breach:incident:{breached.pk}": "sla_breach",  # not resolved within 8 hours
        f"governance:escalation:incident:{escalated.pk}": "escalation",
        f"governance:incident_open:incident:{waiting.pk}": "incident_open",
        f"governance:incident_review:incident:{done.pk}": "incident_review",
    }
    open_one = by_key(signals)[f"governance:incident_open:incident:{waiting.pk}"]
    assert open_one.initiative_id == ready_initiative.pk
    assert open_one.url == reverse(
        "governance:incident", kwargs={"org_slug": personas.org.slug, "incident_id": waiting.pk}
    )
    # On Monday at noon the P1 was still within its 8 working hours: only open.
    early = by_key(signals_of("governance", personas.org, since, at(monday + "12:00")))
    assert early[f"governance:incident_open:incident:{breached.pk}"].kind == "incident_open"


def test_an_incident_resolved_before_the_period_is_not_on_the_agenda(
    personas: Personas, parties: Parties, ready_initiative: Initiative
) -> None:
    incident: Incident = governance_services.incident_raise(
        actor=personas.member,
        title="Old outage",
        priority="p2",
        party=parties.vendor,
        initiative=ready_initiative,
        now=at("2026-11-02T10:00"),
    )
    governance_services.incident_resolve(
        actor=personas.owner, incident=incident, resolution="Fixed.", now=at("2026-11-02T12:00")
    )
    assert signals_of("governance", personas.org, at("2026-12-07T00:00"), at("2026-12-08T00:00")) == []


# --- Surveys ---------------------------------------------------------------------------------------


def test_a_survey_closed_since_the_last_review_is_on_the_agenda_by_title_only(personas: Personas) -> None:
    since = ago(hours=1)
    campaign = make_campaign(personas.owner, title="Autumn pulse")
    assert signals_of("surveys", personas.org, since) == []
    survey_services.campaign_close(actor=personas.owner, campaign=campaign)
    [signal] = signals_of("surveys", personas.org, since)
    assert signal.kind == "survey_published"
    assert signal.key == f"surveys:survey_published:campaign:{campaign.pk}"
    assert signal.title == "Autumn pulse"
    assert (signal.detail, signal.initiative_id, signal.objective_id) == ("", None, None)
    assert signal.url == reverse(
        "surveys:detail", kwargs={"org_slug": personas.org.slug, "campaign_id": campaign.pk}
    )


def test_a_survey_that_reached_its_closing_date_is_published_the_day_after(personas: Personas) -> None:
    today = timezone.localdate()
    campaign = make_campaign(personas.owner, title="Summer pulse", days=3)
    closes = datetime.combine(
        today + timedelta(days=4), datetime.min.time(), tzinfo=timezone.get_current_timezone()
    )
    assert signals_of("surveys", personas.org, closes - timedelta(days=7), closes - timedelta(hours=1)) == []
    [signal] = signals_of("surveys", personas.org, closes - timedelta(days=7), closes + timedelta(hours=1))
    assert (signal.key, signal.at) == (f"surveys:survey_published:campaign:{campaign.pk}", closes)


# --- Collecting: an absent source, the programme ------------------------------------------------------


def test_a_source_that_is_absent_leaves_the_others(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    since = ago(hours=1)
    survey_services.campaign_close(actor=personas.owner, campaign=make_campaign(personas.owner))
    loose_idea(personas)
    assert {s.source for s in agenda.collect(personas.org, since, timezone.now())} == {"strategy", "surveys"}
    monkeypatch.setattr(apps.get_app_config("surveys"), "tandem_agenda_source", "")
    monkeypatch.setattr(apps.get_app_config("delivery"), "tandem_agenda_source", "")
    assert {s.source for s in agenda.collect(personas.org, since, timezone.now())} == {"strategy"}
    series = make_series(personas)
    review = review_of(series, since)
    items = agenda.build(review)
    assert {i.source for i in items} == {"strategy"}


def test_a_programme_keeps_what_is_about_its_objective_and_the_initiatives_serving_it(
    personas: Personas, ready_initiative: Initiative, key_result: KeyResult, objective: Objective
) -> None:
    since = ago(hours=1)
    loose = loose_idea(personas)
    other = strategy_services.objective_create(
        actor=personas.owner,
        title="Lower costs",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        business_owner=personas.business_lead,
        it_owner=personas.it_lead,
        status=ObjectiveStatus.ACTIVE,
    )
    theirs = strategy_services.key_result_create(
        actor=personas.owner, objective=other, metric="Cost", baseline=10, target=20
    )
    for kr in (key_result, theirs):
        strategy_services.check_in_create(
            actor=personas.it_lead, key_result=kr, value=11, confidence=7, at=ago(days=3)
        )
        strategy_services.check_in_create(actor=personas.it_lead, key_result=kr, value=11, confidence=3)
    survey_services.campaign_close(actor=personas.owner, campaign=make_campaign(personas.owner))
    now = timezone.now()
    everything = agenda.collect(personas.org, since, now)
    programme = agenda.collect(personas.org, since, now, objective=objective)
    assert {s.source for s in everything} == {"strategy", "surveys"}
    assert {(s.kind, s.initiative_id or s.objective_id) for s in programme} == {
        ("stage_changed", ready_initiative.pk),
        ("confidence_falling", objective.pk),
    }
    assert loose.pk in {s.initiative_id for s in everything}
    assert other.pk in {s.objective_id for s in everything}


def _more_of_everything(personas: Personas, parties: Parties, objective: Objective, n: int) -> None:
    """``n`` more of each thing a source reports on: proposed initiatives failing the gate, key
    results losing confidence, open incidents and published surveys."""
    for i in range(n):
        idea = loose_idea(personas, f"Idea {n}-{i}")
        kr = strategy_services.key_result_create(
            actor=personas.owner, objective=objective, metric=f"Metric {n}-{i}", baseline=0, target=10
        )
        strategy_services.check_in_create(
            actor=personas.it_lead, key_result=kr, value=1, confidence=8, at=ago(days=3)
        )
        strategy_services.check_in_create(actor=personas.it_lead, key_result=kr, value=2, confidence=4)
        governance_services.incident_raise(
            actor=personas.member,
            title=f"Incident {n}-{i}",
            priority="p3",
            party=parties.vendor,
            initiative=idea,
        )
        campaign = make_campaign(personas.owner, title=f"Pulse {n}-{i}")
        survey_services.campaign_close(actor=personas.owner, campaign=campaign)


def test_collecting_costs_the_same_queries_for_more_rows(
    personas: Personas, parties: Parties, objective: Objective
) -> None:
    since = ago(hours=1)

    def queries() -> tuple[int, int]:
        clear_figures()
        with CaptureQueriesContext(connection) as captured:
            found = agenda.collect(personas.org, since, timezone.now())
        return len(captured), len(found)

    _more_of_everything(personas, parties, objective, 1)
    few, signals_few = queries()
    _more_of_everything(personas, parties, objective, 3)
    many, signals_many = queries()
    assert signals_many > signals_few
    assert many == few


# --- Building the agenda ------------------------------------------------------------------------------


def test_building_twice_adds_nothing_new(
    personas: Personas, series: ReviewSeries, ready_initiative: Initiative
) -> None:
    since = ago(hours=1)
    loose_idea(personas)
    review = review_of(series, since)
    first = agenda.build(review)
    assert {i.kind for i in first} == {"gate_failed", "stage_changed"}
    assert [i.position for i in first] == list(range(len(first)))
    assert review.agenda_built_at is not None
    assert agenda.build(review) == []
    assert AgendaItem.objects.for_org(personas.org).filter(review=review).count() == len(first)
    # Something new since: only that is added, after the items already there.
    later = loose_idea(personas, "Later idea")
    [added] = [i for i in agenda.build(review) if i.kind == "gate_failed"]
    assert added.initiative_id == later.pk
    assert added.position > max(i.position for i in first)


def test_a_dropped_item_is_not_added_again(personas: Personas, series: ReviewSeries) -> None:
    since = ago(hours=1)
    loose = loose_idea(personas)
    review = review_of(series, since)
    agenda.build(review)
    item = AgendaItem.objects.for_org(personas.org).get(review=review, kind="gate_failed")
    item.dropped_at, item.dropped_by, item.drop_reason = timezone.now(), personas.owner, "Discussed by mail."
    item.save()
    assert agenda.build(review) == []
    [still] = AgendaItem.objects.for_org(personas.org).filter(
        review=review, key=f"strategy:gate_failed:initiative:{loose.pk}"
    )
    assert still.is_dropped


def test_an_open_action_carries_over_with_its_age_until_it_is_done(
    personas: Personas, series: ReviewSeries
) -> None:
    earlier = review_of(series, ago(days=14), ago(days=7))
    Review.objects.for_org(personas.org).filter(pk=earlier.pk).update(
        status=ReviewStatus.CLOSED, closed_at=ago(days=7)
    )
    action = ActionItem.objects.create(
        organization=personas.org,
        review=earlier,
        title="Send the vendor the photo specifications",
        owner=personas.it_lead,
        due_on=timezone.localdate() - timedelta(days=1),
        created_by=personas.business_lead,
        created_at=ago(days=5),
    )
    review = review_of(series, ago(days=7))
    raised_here = ActionItem.objects.create(
        organization=personas.org,
        review=review,
        title="Raised today",
        owner=personas.owner,
        due_on=timezone.localdate(),
    )
    items = agenda.build(review)
    carried = items[0]
    assert (carried.source, carried.kind, carried.key) == ("reviews", "action", f"reviews:action:{action.pk}")
    assert carried.action == action
    assert carried.title == "Send the vendor the photo specifications"
    assert agenda.action_age_days(action, timezone.localdate()) == 5
    assert raised_here.pk not in {i.action_id for i in items}
    assert agenda.KIND_LABELS["action"] == "Carried-over action"

    ActionItem.objects.for_org(personas.org).filter(pk=action.pk).update(
        status=ActionStatus.DONE, done_at=timezone.now()
    )
    following = review_of(series, timezone.now(), timezone.now() + timedelta(days=8))
    carried_next = {i.action_id for i in agenda.build(following) if i.kind == "action"}
    assert carried_next == {raised_here.pk}


def test_a_programme_carries_over_the_actions_of_its_initiatives_and_its_own_series(
    personas: Personas, objective: Objective, ready_initiative: Initiative
) -> None:
    programme = make_series(personas, objective=objective, name="Claims programme")
    loose = loose_idea(personas)
    make = ActionItem.objects.create
    served = make(
        organization=personas.org,
        initiative=ready_initiative,
        title="Served",
        owner=personas.owner,
        due_on=date(2026, 12, 1),
    )
    elsewhere = make(
        organization=personas.org,
        initiative=loose,
        title="Elsewhere",
        owner=personas.owner,
        due_on=date(2026, 12, 1),
    )
    earlier = review_of(programme, ago(days=14), ago(days=7))
    own = make(
        organization=personas.org,
        review=earlier,
        title="Own series",
        owner=personas.owner,
        due_on=date(2026, 12, 1),
    )
    items = agenda.build(review_of(programme, ago(days=7)))
    carried = {i.action_id for i in items if i.kind == "action"}
    assert carried == {served.pk, own.pk}
    assert elsewhere.pk not in carried


def test_carried_over_actions_come_first_and_wins_last(
    personas: Personas, series: ReviewSeries, key_result: KeyResult
) -> None:
    since = ago(days=1)
    loose_idea(personas)
    strategy_services.check_in_create(actor=personas.it_lead, key_result=key_result, value=30, confidence=9)
    action = ActionItem.objects.create(
        organization=personas.org,
        title="Book the room",
        owner=personas.owner,
        due_on=date(2026, 12, 1),
        created_at=ago(days=3),
    )
    items = agenda.build(review_of(series, since))
    assert items[0].action_id == action.pk
    wins = [i.is_win for i in items]
    assert wins == sorted(wins)  # every problem before every win
    assert items[-1].kind == "kr_reached"
    assert [i.position for i in items] == list(range(len(items)))


def test_every_kind_a_source_gives_has_a_label(personas: Personas) -> None:
    kinds = {
        "why_misaligned", "why_needs_discussion", "why_overdue", "why_flagged", "realigned",
        "gate_failed", "stage_changed", "confidence_falling", "no_check_in", "kr_reached",
        "slipped", "rejected", "unexplained", "awaiting_decision", "alert", "quiet", "accepted", "good_feedback",
        "sla_breach", "escalation", "incident_open", "incident_review", "survey_published", "action", "",
    }  # fmt: skip
    assert kinds <= agenda.KIND_LABELS.keys()
    assert str(agenda.kind_label("gate_failed")) == "Fails the approval gate"
    assert agenda.kind_label("from_a_newer_source") == "from_a_newer_source"
