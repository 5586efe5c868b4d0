"""Strategy services against a real database: objectives, key results, initiatives, the gate."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.strategy import selectors, services
from tandem.strategy.gate import BASE_GATE_CODES, signals_of
from tandem.strategy.models import Initiative, KeyResult, Objective, ObjectiveStatus, Stage, Transition
from tandem.strategy.services import GateRefused
from tests.conftest import Personas


def test_an_objective_owned_by_one_side_is_siloed_and_may_only_be_a_draft(personas: Personas) -> None:
    kwargs: dict[str, Any] = {
        "title": "Cut IT costs",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 3, 31),
    }
    draft = services.objective_create(actor=personas.owner, it_owner=personas.it_lead, **kwargs)
    assert draft.is_siloed
    assert draft.status == ObjectiveStatus.DRAFT
    with pytest.raises(ValidationFailed) as error:
        services.objective_update(actor=personas.owner, objective=draft, status=ObjectiveStatus.ACTIVE)
    assert error.value.field == "status"
    same_side = services.objective_create(
        actor=personas.owner, business_owner=personas.it_lead, it_owner=personas.admin, **kwargs
    )
    assert same_side.is_siloed


def test_a_shared_objective_can_be_activated(objective: Objective) -> None:
    assert not objective.is_siloed
    assert objective.status == ObjectiveStatus.ACTIVE
    assert objective.period_label == "Q4 2026"


def test_an_objective_period_must_not_end_before_it_starts(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.objective_create(
            actor=personas.owner, title="X", period_start=date(2026, 5, 1), period_end=date(2026, 4, 1)
        )
    assert error.value.field == "period_end"


def test_an_owner_from_another_organisation_is_refused(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.objective_create(
            actor=personas.owner,
            title="X",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 2, 1),
            business_owner=personas.outsider,
        )
    assert error.value.field == "business_owner"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"direction": "increase", "baseline": 10, "target": 5}, "target"),
        ({"direction": "decrease", "baseline": 10, "target": 15}, "target"),
        ({"direction": "within", "baseline": 10, "target": 10}, "band_min"),
        ({"direction": "within", "baseline": 10, "target": 10, "band_min": 9, "band_max": 8}, "band_max"),
        ({"direction": "sideways", "baseline": 1, "target": 2}, "direction"),
        ({"baseline": "lots", "target": 2}, "baseline"),
        ({"baseline": float("nan"), "target": 2}, "baseline"),
    ],
)
def test_key_result_rules(personas: Personas, objective: Objective, data: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationFailed) as error:
        services.key_result_create(actor=personas.owner, objective=objective, metric="M", **data)
    assert error.value.field == field


def test_a_check_in_sets_the_current_value_and_clears_staleness(
    personas: Personas, key_result: KeyResult
) -> None:
    KeyResult.objects.for_org(personas.org).filter(pk=key_result.pk).update(
        created_at=timezone.now() - timedelta(days=20)
    )
    key_result.refresh_from_db()
    assert key_result.is_stale
    services.check_in_create(
        actor=personas.member, key_result=key_result, value=21, confidence=7, note="Survey in"
    )
    key_result.refresh_from_db()
    assert key_result.current == 21
    assert key_result.progress == pytest.approx(0.5)
    assert not key_result.is_stale


def test_an_older_check_in_does_not_override_the_current_value(
    personas: Personas, key_result: KeyResult
) -> None:
    services.check_in_create(actor=personas.member, key_result=key_result, value=25, confidence=7)
    services.check_in_create(
        actor=personas.member,
        key_result=key_result,
        value=14,
        confidence=5,
        at=timezone.now() - timedelta(days=30),
    )
    key_result.refresh_from_db()
    assert key_result.current == 25


@pytest.mark.parametrize("confidence", [-1, 11, "high", None])
def test_confidence_is_zero_to_ten(personas: Personas, key_result: KeyResult, confidence: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.check_in_create(actor=personas.member, key_result=key_result, value=1, confidence=confidence)


def test_co_leads_must_come_from_their_side(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.initiative_create(actor=personas.member, title="X", business_co_lead=personas.it_lead)
    assert error.value.field == "business_co_lead"
    with pytest.raises(ValidationFailed) as error:
        services.initiative_create(actor=personas.member, title="X", it_co_lead=personas.business_lead)
    assert error.value.field == "it_co_lead"


def test_the_stage_at_which_it_joined_is_recorded_once(personas: Personas) -> None:
    initiative = services.initiative_create(actor=personas.member, title="Late IT")
    for stage in ("proposed",):
        services.initiative_transition(actor=personas.owner, initiative=initiative, to=stage)
    services.initiative_update(actor=personas.owner, initiative=initiative, it_co_lead=personas.it_lead)
    assert initiative.it_involved_stage == Stage.PROPOSED
    services.initiative_update(actor=personas.owner, initiative=initiative, it_co_lead=None)
    services.initiative_update(actor=personas.owner, initiative=initiative, it_co_lead=personas.admin)
    assert initiative.it_involved_stage == Stage.PROPOSED


def test_an_empty_initiative_is_refused_with_every_missing_element_named(personas: Personas) -> None:
    initiative = services.initiative_create(actor=personas.member, title="Vague idea")
    services.initiative_transition(actor=personas.owner, initiative=initiative, to="proposed")
    with pytest.raises(GateRefused) as error:
        services.initiative_transition(actor=personas.owner, initiative=initiative, to="approved")
    assert error.value.extra["missing"] == list(BASE_GATE_CODES)
    assert error.value.status == 422
    initiative.refresh_from_db()
    assert initiative.stage == Stage.PROPOSED


def test_a_complete_initiative_passes_the_gate(personas: Personas, ready_initiative: Initiative) -> None:
    services.initiative_transition(
        actor=personas.owner, initiative=ready_initiative, to="approved", reason="Go"
    )
    assert ready_initiative.stage == Stage.APPROVED
    timeline = list(Transition.objects.for_org(personas.org).filter(initiative=ready_initiative))
    assert [t.to_stage for t in timeline] == ["idea", "proposed", "approved"]
    assert timeline[-1].actor == personas.owner.user
    assert timeline[-1].reason == "Go"
    event = AuditEvent.objects.for_org(personas.org).filter(action="initiative.transition").first()
    assert event is not None
    assert event.data["to"] == "approved"


@pytest.mark.parametrize(
    ("breakage", "code"),
    [
        ({"business_outcome": "  "}, "business_outcome"),
        ({"business_co_lead": None}, "business_co_lead"),
        ({"it_co_lead": None}, "it_co_lead"),
        ({"end_user_input_summary": ""}, "end_user_input"),
    ],
)
def test_each_gate_element_is_named_when_missing(
    personas: Personas,
    ready_initiative: Initiative,
    breakage: dict[str, Any],
    code: str,
) -> None:
    services.initiative_update(actor=personas.owner, initiative=ready_initiative, **breakage)
    with pytest.raises(GateRefused) as error:
        services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="approved")
    assert error.value.extra["missing"] == [code]


def test_a_measure_without_target_does_not_count(personas: Personas, ready_initiative: Initiative) -> None:
    for measure in ready_initiative.success_measures.all():
        services.success_measure_remove(actor=personas.owner, measure=measure)
    services.success_measure_add(actor=personas.owner, initiative=ready_initiative, name="Happier customers")
    with pytest.raises(GateRefused) as error:
        services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="approved")
    assert error.value.extra["missing"] == ["success_measure"]


def test_a_link_to_a_siloed_objective_does_not_count(
    personas: Personas, ready_initiative: Initiative, objective: Objective
) -> None:
    services.objective_update(actor=personas.owner, objective=objective, status="draft", it_owner=None)
    with pytest.raises(GateRefused) as error:
        services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="approved")
    assert error.value.extra["missing"] == ["shared_key_result"]


def test_a_waiver_counts_as_end_user_input(personas: Personas, ready_initiative: Initiative) -> None:
    services.initiative_update(
        actor=personas.owner,
        initiative=ready_initiative,
        end_user_input_who="",
        end_user_input_summary="",
        end_user_input_waiver="Regulatory change: the end users are not affected.",
    )
    services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="approved")


def test_stages_follow_the_lifecycle(personas: Personas, ready_initiative: Initiative) -> None:
    with pytest.raises(Conflict):
        services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="delivered")
    for stage in ("approved", "in_delivery", "delivered"):
        services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to=stage)
    with pytest.raises(ValidationFailed) as error:
        services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="closed")
    assert error.value.field == "outcome_achieved"
    services.initiative_transition(
        actor=personas.owner,
        initiative=ready_initiative,
        to="closed",
        outcome_achieved="partly",
        lessons_learned="Involve the call centre sooner.",
    )
    assert ready_initiative.outcome_achieved == "partly"
    with pytest.raises(Conflict):
        services.initiative_transition(
            actor=personas.owner, initiative=ready_initiative, to="paused", reason="x"
        )


def test_pause_needs_a_reason_and_resumes_where_it_was(
    personas: Personas, ready_initiative: Initiative
) -> None:
    with pytest.raises(ValidationFailed):
        services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="paused")
    services.initiative_transition(
        actor=personas.owner, initiative=ready_initiative, to="paused", reason="Budget freeze"
    )
    assert selectors.allowed_transitions(ready_initiative) == ["proposed", "cancelled"]
    services.initiative_transition(
        actor=personas.owner, initiative=ready_initiative, to="proposed", reason="Thawed"
    )
    assert ready_initiative.stage == Stage.PROPOSED


def test_unknown_stages_are_refused(personas: Personas, ready_initiative: Initiative) -> None:
    with pytest.raises(ValidationFailed):
        services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="shipped")


def test_signals_are_computed_in_one_query(
    personas: Personas, ready_initiative: Initiative, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    services.initiative_create(actor=personas.member, title="Empty")
    with django_assert_num_queries(2):  # the rows, and the departments prefetch
        rows = list(selectors.initiative_portfolio(personas.org))
    signals = {i.title: signals_of(i).as_dict() for i in rows}
    assert signals["Self-service claims portal"] == {
        "outcome": True,
        "measurable": True,
        "co_led": True,
        "shared": True,
        "end_users": True,
        "it_early": True,
    }
    assert not any(signals["Empty"].values())


def test_portfolio_filters_by_missing_signal_and_counts(
    personas: Personas, ready_initiative: Initiative
) -> None:
    services.initiative_create(actor=personas.member, title="Empty")
    missing = selectors.PortfolioFilters(missing="shared")
    assert [i.title for i in selectors.initiative_portfolio(personas.org, missing)] == ["Empty"]
    summary = selectors.portfolio_summary(personas.org)
    assert summary.total == 2
    assert summary.missing["shared"] == 1
    assert summary.by_stage == {"idea": 1, "proposed": 1}


def test_the_objective_tree_lists_orphans_and_unsupported_key_results(
    personas: Personas, ready_initiative: Initiative, objective: Objective
) -> None:
    lonely = services.key_result_create(
        actor=personas.owner, objective=objective, metric="Churn", baseline=9, target=5, direction="decrease"
    )
    orphan = services.initiative_create(actor=personas.member, title="Orphan")
    tree = selectors.objective_tree(personas.org)
    [node] = tree.objectives
    assert next(tk.initiatives for tk in node.key_results) == [ready_initiative]
    assert tree.orphan_initiatives == [orphan]
    assert tree.unsupported_key_results == [lonely]


def test_null_characters_in_text_are_refused(personas: Personas) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.initiative_create(actor=personas.member, title="Bad\x00title")
    assert error.value.field == "title"
