"""Why-check services: rounds, the blind rule, the pause and its lifting, the override, the gate."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.strategy import selectors as strategy_selectors
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative, Stage, Transition, TransitionCause
from tandem.strategy.services import GateRefused
from tandem.whycheck import selectors, services
from tandem.whycheck.models import GateMode, RoundStatus, WhyCheck, WhyCheckSettings
from tests.conftest import Personas
from tests.whycheck.conftest import BUSINESS_ANSWER, IT_ANSWER, deadline_passed


def answer(p: Personas, r: WhyCheck, who: str, data: dict) -> None:  # type: ignore[type-arg]
    services.whycheck_submit_answer(actor=getattr(p, who), why_check=r, **data)


def test_a_round_needs_both_co_leads_and_a_future_deadline(personas: Personas, approved: Initiative) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.whycheck_start(
            actor=personas.owner, initiative=approved, deadline=timezone.localdate() - timedelta(days=1)
        )
    assert error.value.field == "deadline"
    strategy.initiative_update(actor=personas.owner, initiative=approved, it_co_lead=None)
    with pytest.raises(ValidationFailed):
        services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())


def test_only_one_open_round_at_a_time(personas: Personas, round_: WhyCheck) -> None:
    with pytest.raises(Conflict):
        services.whycheck_start(
            actor=personas.owner, initiative=round_.initiative, deadline=timezone.localdate()
        )


def test_only_the_co_leads_answer_and_each_for_their_side(personas: Personas, round_: WhyCheck) -> None:
    with pytest.raises(NotFound):
        answer(personas, round_, "member", BUSINESS_ANSWER)
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    [row] = round_.answers.all()
    assert row.side == "business"
    assert row.author == personas.business_lead


def test_answers_stay_hidden_until_both_are_in(personas: Personas, round_: WhyCheck) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    round_.refresh_from_db()
    it_view = selectors.round_view(round_, personas.it_lead)
    assert it_view.answers == {"it": None}
    assert it_view.answered == {"business": True, "it": False}
    for who in ("owner", "admin", "member", "viewer"):
        assert selectors.round_view(round_, getattr(personas, who)).answers == {}
    business_view = selectors.round_view(round_, personas.business_lead)
    assert business_view.my_answer is not None
    assert business_view.my_answer.why == BUSINESS_ANSWER["why"]
    assert BUSINESS_ANSWER["why"] not in str(
        list(AuditEvent.objects.for_org(personas.org).values_list("summary", "data"))
    )


def test_a_lead_revises_until_the_reveal(personas: Personas, round_: WhyCheck) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    answer(personas, round_, "business_lead", {**BUSINESS_ANSWER, "why": "Revised why."})
    assert round_.answers.get().why == "Revised why."
    answer(personas, round_, "it_lead", IT_ANSWER)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.REVEALED
    assert set(selectors.round_view(round_, personas.viewer).answers) == {"business", "it"}
    with pytest.raises(Conflict):
        answer(personas, round_, "business_lead", BUSINESS_ANSWER)


@pytest.mark.parametrize(
    ("measures", "field"),
    [
        ([], "measures"),
        ([{"name": f"m{i}"} for i in range(6)], "measures"),
        ([{"name": ""}], "measures.0.name"),
        ([{"name": "x", "target": "lots"}], "measures.0.target"),
        ([{"name": "x", "by": "next year"}], "measures.0.by"),
    ],
)
def test_answers_are_validated(personas: Personas, round_: WhyCheck, measures: list, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationFailed) as error:
        services.whycheck_submit_answer(
            actor=personas.business_lead, why_check=round_, why="Because.", measures=measures
        )
    assert error.value.field == field


def test_a_misaligned_verdict_pauses_flags_and_blocks_approval(personas: Personas, round_: WhyCheck) -> None:
    services.whycheck_apply_result(why_check=round_, score=0.2, verdict="misaligned", result={})
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    assert initiative.stage == Stage.PAUSED
    assert round_.flagged_for_review
    assert round_.paused_initiative
    last = initiative.transitions.last()
    assert last is not None
    assert last.reason.startswith("why check: misaligned")
    # Resuming at "approved" passes the gate again, which now names the why check.
    with pytest.raises(GateRefused) as error:
        strategy.initiative_transition(
            actor=personas.owner, initiative=initiative, to="approved", reason="resume"
        )
    assert error.value.extra["missing"] == ["why_check"]


def test_the_gate_only_advises_when_the_organisation_says_so(personas: Personas, round_: WhyCheck) -> None:
    services.whycheck_apply_result(why_check=round_, score=0.2, verdict="misaligned", result={})
    services.settings_update(actor=personas.owner, gate="advisory")
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    strategy.initiative_transition(
        actor=personas.owner, initiative=initiative, to="approved", reason="resume"
    )
    assert initiative.stage == Stage.APPROVED


def new_round(p: Personas, initiative: Initiative) -> WhyCheck:
    return services.whycheck_start(actor=p.owner, initiative=initiative, deadline=timezone.localdate())


def test_an_aligned_round_lifts_the_pause(personas: Personas, round_: WhyCheck) -> None:
    services.whycheck_apply_result(why_check=round_, score=0.2, verdict="misaligned", result={})
    services.whycheck_close(actor=personas.owner, why_check=deadline_passed(round_))
    second = new_round(personas, round_.initiative)
    services.whycheck_apply_result(why_check=second, score=0.9, verdict="aligned", result={})
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    assert initiative.stage == Stage.APPROVED


def test_needs_discussion_lifts_only_when_both_co_leads_record_the_decision(
    personas: Personas, round_: WhyCheck
) -> None:
    services.whycheck_apply_result(why_check=round_, score=0.2, verdict="misaligned", result={})
    services.whycheck_close(actor=personas.owner, why_check=deadline_passed(round_))
    second = new_round(personas, round_.initiative)
    services.whycheck_apply_result(why_check=second, score=0.6, verdict="partial", result={})
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    assert initiative.stage == Stage.PAUSED
    services.whycheck_record_decision(actor=personas.business_lead, why_check=second, note="We target 60 %.")
    initiative.refresh_from_db()
    assert initiative.stage == Stage.PAUSED
    services.whycheck_record_decision(actor=personas.it_lead, why_check=second, note="Agreed, 60 % by June.")
    initiative.refresh_from_db()
    assert initiative.stage == Stage.APPROVED
    with pytest.raises(NotFound):
        services.whycheck_record_decision(actor=personas.member, why_check=second, note="x")


def test_an_admin_override_needs_a_reason_lifts_the_pause_and_is_audited(
    personas: Personas, round_: WhyCheck
) -> None:
    services.whycheck_apply_result(why_check=round_, score=0.2, verdict="misaligned", result={})
    with pytest.raises(NotFound):
        services.whycheck_override(actor=personas.business_lead, why_check=round_, reason="x")
    with pytest.raises(ValidationFailed):
        services.whycheck_override(actor=personas.admin, why_check=round_, reason=" ")
    services.whycheck_override(actor=personas.admin, why_check=round_, reason="Board decision of 12 May.")
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    assert initiative.stage == Stage.APPROVED
    assert AuditEvent.objects.for_org(personas.org).filter(action="why_check.overridden").exists()
    assert strategy_selectors.approval_missing(initiative) == []


def test_a_manual_pause_is_not_lifted_by_a_why_check(personas: Personas, round_: WhyCheck) -> None:
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    strategy.initiative_transition(
        actor=personas.owner, initiative=initiative, to="paused", reason="Budget freeze"
    )
    services.whycheck_apply_result(why_check=round_, score=0.9, verdict="aligned", result={})
    initiative.refresh_from_db()
    assert initiative.stage == Stage.PAUSED


def test_closing_early_reveals_what_is_in(personas: Personas, round_: WhyCheck) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    services.whycheck_close(actor=personas.owner, why_check=deadline_passed(round_))
    view = selectors.round_view(round_, personas.it_lead)
    assert view.answers["business"] is not None
    assert view.answers["it"] is None
    assert not view.can_answer


def test_a_why_check_pause_is_recorded_with_its_cause(personas: Personas, round_: WhyCheck) -> None:
    services.whycheck_apply_result(why_check=round_, score=0.2, verdict="misaligned", result={})
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    last = initiative.transitions.last()
    assert last is not None
    assert last.cause == TransitionCause.WHY_CHECK
    assert strategy_selectors.initiative_paused_by(initiative=initiative, cause=TransitionCause.WHY_CHECK)


def test_a_manual_pause_is_not_lifted_whatever_its_reason_says(personas: Personas, round_: WhyCheck) -> None:
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    strategy.initiative_transition(
        actor=personas.owner,
        initiative=initiative,
        to="paused",
        reason="why check: misaligned, says the board",
    )
    services.whycheck_apply_result(why_check=round_, score=0.9, verdict="aligned", result={})
    initiative.refresh_from_db()
    assert initiative.stage == Stage.PAUSED


def test_reading_the_settings_writes_nothing(personas: Personas) -> None:
    assert selectors.settings_for(org=personas.org).gate == GateMode.REQUIRED
    assert not WhyCheckSettings.objects.filter(organization=personas.org).exists()
    services.settings_update(actor=personas.admin, gate=GateMode.ADVISORY)
    assert selectors.settings_for(org=personas.org).gate == GateMode.ADVISORY


def test_pauses_recorded_before_the_cause_had_a_field_are_recognised(
    personas: Personas, round_: WhyCheck
) -> None:
    from django.apps import apps

    migration = importlib.import_module("tandem.strategy.migrations.0003_transition_cause")
    services.whycheck_apply_result(why_check=round_, score=0.2, verdict="misaligned", result={})
    initiative = Initiative.objects.for_org(personas.org).get(pk=round_.initiative_id)
    Transition.objects.for_org(personas.org).update(cause="")  # as stored before the field existed
    migration.mark_why_check_pauses(apps, None)
    causes = dict(Transition.objects.for_org(personas.org).values_list("to_stage", "cause"))
    assert causes == {"idea": "", "proposed": "", "approved": "", "paused": TransitionCause.WHY_CHECK}
    assert strategy_selectors.initiative_paused_by(initiative=initiative, cause=TransitionCause.WHY_CHECK)


def timeline_reasons(p: Personas, initiative_id: int, language: str) -> list[str]:
    transitions = Transition.objects.for_org(p.org).filter(initiative_id=initiative_id)
    with translation.override(language):
        return [t.reason_text for t in transitions]


def test_the_reasons_the_why_check_writes_read_in_each_readers_language(
    personas: Personas, round_: WhyCheck
) -> None:
    services.whycheck_apply_result(why_check=round_, score=0.3127, verdict="misaligned", result={})
    services.whycheck_override(actor=personas.admin, why_check=round_, reason="Board decision of 12 May.")
    pk = round_.pk
    assert timeline_reasons(personas, round_.initiative_id, "en")[-2:] == [
        f"why check: misaligned (round {pk}, score 0.31)",
        "why check overridden by an admin: Board decision of 12 May.",
    ]
    assert timeline_reasons(personas, round_.initiative_id, "nl")[-2:] == [
        f"waaromcheck: niet op één lijn (ronde {pk}, score 0,31)",
        "oordeel van de waaromcheck overruled door een beheerder: Board decision of 12 May.",
    ]
    # The first step reads "Created" in the reader's language.
    assert timeline_reasons(personas, round_.initiative_id, "nl")[0] == "Aangemaakt"


def test_an_initiative_created_in_dutch_reads_created_in_english(personas: Personas) -> None:
    with translation.override("nl"):
        initiative = strategy.initiative_create(actor=personas.owner, title="Klantportaal")
    assert timeline_reasons(personas, initiative.pk, "en") == ["Created"]


def test_reasons_written_before_they_were_translatable_are_split_into_words_and_values(
    personas: Personas, round_: WhyCheck
) -> None:
    from django.apps import apps

    migration = importlib.import_module("tandem.strategy.migrations.0004_transition_reason_params")
    services.whycheck_apply_result(why_check=round_, score=0.2, verdict="misaligned", result={})
    services.whycheck_override(actor=personas.admin, why_check=round_, reason="Board: go (50 %)")
    transitions = Transition.objects.for_org(personas.org).filter(initiative_id=round_.initiative_id)
    migration.join_reasons(apps, None)  # back to how they were stored: English, values in the text
    assert list(transitions.values_list("reason", "reason_params"))[-2:] == [
        (f"why check: misaligned (round {round_.pk}, score 0.20)", {}),
        ("why check overridden by an admin: Board: go (50 %)", {}),
    ]
    migration.split_reasons(apps, None)
    assert timeline_reasons(personas, round_.initiative_id, "nl")[-2:] == [
        f"waaromcheck: niet op één lijn (ronde {round_.pk}, score 0,2)",
        "oordeel van de waaromcheck overruled door een beheerder: Board: go (50 %)",
    ]
