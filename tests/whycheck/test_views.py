"""Why-check pages: the list, an initiative's history with its chart and start form, a round with
the blind answer form, the reveal side by side, the comparison, its effect, and the settings.
Bad input comes back as 422 with the input kept; nothing is computed in a request."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from tandem.core import cache
from tandem.core.models import AuditEvent
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative, Stage
from tandem.whycheck import services
from tandem.whycheck.models import GateMode, RoundStatus, Verdict, WhyCheck, WhyCheckSettings
from tests.conftest import Personas
from tests.whycheck.conftest import (
    BUSINESS_ANSWER,
    IT_ANSWER,
    RESULT,
    answer,
    answer_post,
    deadline_passed,
    reveal,
    scored,
)

ClientFor = Callable[[str], Client]


def body(response: Any) -> str:
    return str(response.content.decode())


def detail(r: WhyCheck) -> str:
    return f"/o/acme/why-checks/{r.pk}/"


# --- The list --------------------------------------------------------------------------------------


def test_the_list_shows_open_rounds_with_who_answered_and_what_waits_for_me(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    page = body(client_for("it_lead").get("/o/acme/why-checks/"))
    assert "Waiting for your answer" in page
    assert "Self-service claims portal" in page
    assert "Business answered" in page
    assert "IT: waiting" in page
    assert BUSINESS_ANSWER["why"] not in page
    # The business lead has answered: nothing waits for them.
    assert "Waiting for your answer" not in body(client_for("business_lead").get("/o/acme/why-checks/"))


def test_the_list_shows_revealed_rounds_with_their_verdict_and_score(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    scored(reveal(personas, round_), Verdict.PARTIAL, 0.55)
    page = body(client_for("viewer").get("/o/acme/why-checks/"))
    assert re.search(r'class="badge badge-warn">Needs discussion<', page)
    assert "0.55" in page
    assert "No round is waiting for answers." in page


def test_the_list_names_the_gate_mode_and_links_admins_to_the_settings(
    personas: Personas, client_for: ClientFor
) -> None:
    assert "blocks an initiative's approval" in body(client_for("member").get("/o/acme/why-checks/"))
    assert "/o/acme/why-checks/settings/" not in body(client_for("member").get("/o/acme/why-checks/"))
    assert "/o/acme/why-checks/settings/" in body(client_for("admin").get("/o/acme/why-checks/"))


def test_the_list_runs_a_fixed_number_of_queries(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    client = client_for("it_lead")

    def count() -> int:
        cache.clear()  # the queries of drawing the page afresh, not of a cached page
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/o/acme/why-checks/").status_code == 200
        return len(queries)

    first = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    scored(reveal(personas, first), Verdict.ALIGNED, 0.9)
    services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    count()  # the first visit creates the settings row and touches the session
    baseline = count()
    for _ in range(3):
        open_round = WhyCheck.objects.for_org(personas.org).get(status=RoundStatus.OPEN)
        scored(reveal(personas, open_round), Verdict.ALIGNED, 0.9)
        services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    assert count() == baseline


# --- An initiative's rounds ------------------------------------------------------------------------


def test_leads_see_a_start_form_with_a_deadline_a_week_ahead(
    approved: Initiative, client_for: ClientFor
) -> None:
    page = body(client_for("business_lead").get(f"/o/acme/initiatives/{approved.pk}/why-checks/"))
    week = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert f'value="{week}"' in page
    assert "Start the why check" in page
    assert "Start the why check" not in body(
        client_for("member").get(f"/o/acme/initiatives/{approved.pk}/why-checks/")
    )


def test_starting_a_round_opens_it_and_shows_it(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    deadline = (timezone.localdate() + timedelta(days=3)).isoformat()
    client = client_for("it_lead")
    response = client.post(f"/o/acme/initiatives/{approved.pk}/why-checks/", {"start-deadline": deadline})
    round_ = WhyCheck.objects.for_org(personas.org).get()
    assert response.status_code == 302
    assert response["Location"] == detail(round_)
    assert (round_.status, round_.deadline.isoformat(), round_.started_by) == (
        "open",
        deadline,
        personas.it_lead,
    )
    page = body(client.get(response["Location"]))
    assert "Why are we doing this, and how will we measure success?" in page
    assert "both co-leads are asked to answer by" in page


def test_a_past_deadline_is_refused_with_the_input_kept(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for("owner").post(
        f"/o/acme/initiatives/{approved.pk}/why-checks/", {"start-deadline": yesterday}
    )
    assert response.status_code == 422
    page = body(response)
    assert "The deadline cannot be in the past." in page
    assert f'value="{yesterday}"' in page
    assert not WhyCheck.objects.for_org(personas.org).exists()


@pytest.mark.parametrize("value", ["", "not a date", "2026-02-30", "99999-01-01"])
def test_a_bad_deadline_is_a_422_never_a_500(approved: Initiative, client_for: ClientFor, value: str) -> None:
    response = client_for("owner").post(
        f"/o/acme/initiatives/{approved.pk}/why-checks/", {"start-deadline": value}
    )
    assert response.status_code == 422


def test_a_second_open_round_is_refused_on_the_page(round_: WhyCheck, client_for: ClientFor) -> None:
    url = f"/o/acme/initiatives/{round_.initiative_id}/why-checks/"
    client = client_for("owner")
    assert "A round is already waiting for answers" in body(client.get(url))
    response = client.post(url, {"start-deadline": timezone.localdate().isoformat()})
    assert response.status_code == 409  # a conflict: the same status as the API
    assert escape("A why check is already waiting for answers on this initiative.") in body(response)


def test_an_initiative_without_both_co_leads_cannot_start_a_round(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    strategy.initiative_update(actor=personas.owner, initiative=approved, it_co_lead=None)
    response = client_for("owner").post(
        f"/o/acme/initiatives/{approved.pk}/why-checks/", {"start-deadline": timezone.localdate().isoformat()}
    )
    assert response.status_code == 422
    assert "Name a business co-lead and an IT co-lead first" in body(response)


def test_the_history_shows_each_round_and_the_score_over_time(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    first = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    scored(reveal(personas, first), Verdict.MISALIGNED, 0.2)
    second = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    scored(reveal(personas, second), Verdict.ALIGNED, 0.86)
    services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    page = body(client_for("viewer").get(f"/o/acme/initiatives/{approved.pk}/why-checks/"))
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "Agreement score over time" in svg
    assert svg.count("<circle") == 2
    assert 'fill="#b3261e"' in svg
    assert 'fill="#1d7a34"' in svg
    assert "style=" not in svg  # the CSP forbids inline styles
    assert "0.20" in page
    assert "0.86" in page
    assert "Waiting for answers" in page
    assert "paused the initiative" in page


def test_the_history_runs_a_fixed_number_of_queries(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    client = client_for("business_lead")
    url = f"/o/acme/initiatives/{approved.pk}/why-checks/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    scored(reveal(personas, first), Verdict.PARTIAL, 0.5)
    count()
    baseline = count()
    for _ in range(3):
        r = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
        scored(reveal(personas, r), Verdict.PARTIAL, 0.5)
    assert count() == baseline


def test_no_chart_before_a_round_is_scored(round_: WhyCheck, client_for: ClientFor) -> None:
    page = body(client_for("viewer").get(f"/o/acme/initiatives/{round_.initiative_id}/why-checks/"))
    assert "<svg" not in page
    assert "No round has been scored yet." in page


# --- A round: answering blind ---------------------------------------------------------------------


def test_a_co_lead_answers_on_their_own_page(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    client = client_for("business_lead")
    page = body(client.get(detail(round_)))
    assert "Your answer (business)" in page
    assert 'name="m4_name"' in page
    assert 'name="m5_name"' not in page
    response = client.post(f"{detail(round_)}answer/", answer_post(BUSINESS_ANSWER))
    assert response.status_code == 302
    page = body(client.get(response["Location"]))
    assert "Your answer is saved. It stays hidden until your co-lead has answered too" in page
    assert BUSINESS_ANSWER["why"] in page  # their own, in the form, to revise
    assert 'value="Claims settled within one day"' in page
    assert 'value="60"' in page
    assert "Save my revised answer" in page
    assert round_.answers.get().measures == [
        {"name": "Claims settled within one day", "target": 60.0, "unit": "%", "by": "2027-06-30"}
    ]


def test_before_the_reveal_the_other_co_lead_sees_only_that_an_answer_came_in(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    for who in ("it_lead", "owner", "admin", "member", "viewer"):
        page = body(client_for(who).get(detail(round_)))
        assert BUSINESS_ANSWER["why"] not in page, who
        assert "Claims settled within one day" not in page, who
        assert "answered" in page
    it_page = body(client_for("it_lead").get(detail(round_)))
    assert "Your answer (IT)" in it_page
    assert "Your answer (" not in body(client_for("member").get(detail(round_)))


def test_a_lead_revises_until_the_reveal(personas: Personas, round_: WhyCheck, client_for: ClientFor) -> None:
    client = client_for("business_lead")
    client.post(f"{detail(round_)}answer/", answer_post(BUSINESS_ANSWER))
    client.post(f"{detail(round_)}answer/", answer_post({**BUSINESS_ANSWER, "why": "A revised why."}))
    assert round_.answers.get().why == "A revised why."


def test_the_second_answer_reveals_both_side_by_side_and_shows_scoring(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    response = client_for("it_lead").post(f"{detail(round_)}answer/", answer_post(IT_ANSWER))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.REVEALED
    page = body(client_for("viewer").get(detail(round_)))
    assert BUSINESS_ANSWER["why"] in page
    assert IT_ANSWER["why"] in page
    assert page.index(BUSINESS_ANSWER["why"]) < page.index(IT_ANSWER["why"])  # business | IT
    assert "scoring…" in page
    assert 'hx-trigger="every 3s"' in page  # the page polls itself; nothing is computed here
    assert "Your answer (" not in body(client_for("it_lead").get(detail(round_)))


def test_after_scoring_the_page_explains_the_verdict(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    scored(reveal(personas, round_), Verdict.MISALIGNED, 0.31)
    page = body(client_for("member").get(detail(round_)))
    assert "scoring…" not in page
    assert "hx-trigger" not in page
    assert re.search(r'class="badge badge-bad">Misaligned<', page)
    assert "Agreement score 0.31" in page
    assert RESULT["explanation"] in page
    assert "Claims closed the same day" in page  # the shared pair, both names
    assert escape("targets differ: 60 % vs 40 % (33% apart)") in page  # the conflict to settle
    assert "Mainframe transactions retired" in page  # only IT named it
    assert "Only the IT why speaks of: mainframe" in page
    assert "Close to the approved record." in page
    assert "Far from the approved record." in page
    # The bands the verdict (and the drift) were judged with.
    assert "from 0.63 the answers are aligned; from 0.31 up to 0.63 they need discussion" in page
    assert "The misaligned verdict paused the initiative." in page
    assert "flagged for review" in page


def test_a_partial_result_without_details_still_renders(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    services.whycheck_apply_result(
        why_check=reveal(personas, round_), score=0.9, verdict="aligned", result={}
    )
    page = body(client_for("viewer").get(detail(round_)))
    assert re.search(r'class="badge badge-ok">Aligned<', page)
    assert "The co-leads agree on the why" in page


def test_the_decisions_name_each_side_in_the_readers_language(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    scored(reveal(personas, round_), "partial", 0.5)
    services.whycheck_record_decision(actor=personas.business_lead, why_check=round_, note="We target 60 %.")
    services.whycheck_record_decision(actor=personas.it_lead, why_check=round_, note="Agreed, by June.")
    english = body(client_for("viewer").get(detail(round_)))
    assert "<strong>Business:</strong> We target 60 %." in english
    assert "<strong>IT:</strong> Agreed, by June." in english
    assert "[it]" not in english
    dutch = body(client_for("viewer").get(detail(round_), HTTP_ACCEPT_LANGUAGE="nl"))
    assert "<strong>IT:</strong> Agreed, by June." in dutch
    assert "[business]" not in dutch


# --- A round: bad input --------------------------------------------------------------------------


def test_an_answer_without_a_why_is_refused_with_the_input_kept(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    post = answer_post(BUSINESS_ANSWER) | {"why": "  "}
    response = client_for("business_lead").post(f"{detail(round_)}answer/", post)
    assert response.status_code == 422
    assert 'value="Claims settled within one day"' in body(response)
    assert not round_.answers.exists()


def test_an_answer_without_measures_is_refused(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    response = client_for("business_lead").post(f"{detail(round_)}answer/", {"why": "Because."})
    assert response.status_code == 422
    assert "Name at least one success measure." in body(response)
    assert "Because." in body(response)


def test_a_refused_answer_shows_the_round_s_own_address(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    response = client_for("business_lead").post(f"{detail(round_)}answer/", {"why": "Because."})
    assert response.status_code == 422
    assert f'<meta name="tandem-page-url" content="{detail(round_)}">' in body(response)


@pytest.mark.parametrize(
    ("post", "field"),
    [
        ({"m0_name": "Churn", "m0_target": "lots"}, "m0_target"),
        ({"m0_name": "Churn", "m0_by": "next year"}, "m0_by"),
        ({"m0_name": "x" * 201}, "m0_name"),
        ({"m0_name": "Churn", "m0_target": "1e300"}, "m0_target"),
        # Row 3 has a target but no name: the error is shown on row 3, not on the first row.
        ({"m2_target": "5"}, "m2_name"),
    ],
)
def test_a_bad_measure_is_named_next_to_its_field(
    personas: Personas, round_: WhyCheck, client_for: ClientFor, post: dict[str, str], field: str
) -> None:
    response = client_for("it_lead").post(f"{detail(round_)}answer/", {"why": "Because.", **post})
    assert response.status_code == 422
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', body(response)), body(response)
    assert not round_.answers.exists()


def test_answering_a_revealed_round_says_it_is_too_late(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    reveal(personas, round_)
    client = client_for("business_lead")
    response = client.post(f"{detail(round_)}answer/", answer_post({**BUSINESS_ANSWER, "why": "Too late."}))
    assert response.status_code == 302
    assert "this round no longer takes answers" in body(client.get(response["Location"]))
    assert round_.answers.get(side="business").why == BUSINESS_ANSWER["why"]


# --- Close, decision, override -------------------------------------------------------------------


def test_closing_a_round_shows_what_was_answered_to_everyone(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    deadline_passed(round_)
    assert "Close the round" in body(client_for("it_lead").get(detail(round_)))
    assert "Close the round" not in body(client_for("member").get(detail(round_)))
    response = client_for("it_lead").post(f"{detail(round_)}close/")
    assert response.status_code == 302
    page = body(client_for("viewer").get(detail(round_)))
    assert BUSINESS_ANSWER["why"] in page
    assert "No answer was given before the round was closed." in page
    assert "there is nothing to compare" in page
    assert "Close the round" not in body(client_for("it_lead").get(detail(round_)))


def test_both_co_leads_record_a_decision_on_a_round_that_needs_discussion(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    scored(reveal(personas, round_), Verdict.PARTIAL, 0.55)
    assert "Record your decision" not in body(client_for("owner").get(detail(round_)))
    client = client_for("business_lead")
    assert "Record your decision" in body(client.get(detail(round_)))
    response = client.post(f"{detail(round_)}decision/", {"decision-note": "We measure same-day settlement."})
    assert response.status_code == 302
    page = body(client.get(detail(round_)))
    assert "decision recorded by" in page
    assert "no decision yet" in page
    assert "Record your decision" not in page  # recorded; the IT co-lead's turn
    client_for("it_lead").post(f"{detail(round_)}decision/", {"decision-note": "Agreed."})
    round_.refresh_from_db()
    assert round_.decided


def test_a_decision_needs_a_note(personas: Personas, round_: WhyCheck, client_for: ClientFor) -> None:
    scored(reveal(personas, round_), Verdict.PARTIAL, 0.55)
    response = client_for("it_lead").post(f"{detail(round_)}decision/", {"decision-note": " "})
    assert response.status_code == 422
    round_.refresh_from_db()
    assert round_.it_decision_at is None


def test_a_decision_on_an_aligned_round_is_refused(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    scored(reveal(personas, round_), Verdict.ALIGNED, 0.9)
    client = client_for("it_lead")
    response = client.post(f"{detail(round_)}decision/", {"decision-note": "Agreed."})
    assert response.status_code == 302
    assert "Only a round that needs discussion takes a decision." in body(client.get(detail(round_)))


def test_an_admin_overrides_a_misaligned_verdict_with_a_reason(
    personas: Personas, round_: WhyCheck, client_for: ClientFor
) -> None:
    scored(reveal(personas, round_), Verdict.MISALIGNED, 0.2)
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.PAUSED
    assert "Override the verdict" not in body(client_for("business_lead").get(detail(round_)))
    client = client_for("admin")
    blank = client.post(f"{detail(round_)}override/", {"override-reason": ""})
    assert blank.status_code == 422
    response = client.post(f"{detail(round_)}override/", {"override-reason": "Board decision of 3 May."})
    assert response.status_code == 302
    page = body(client.get(detail(round_)))
    assert "Board decision of 3 May." in page
    assert "Override the verdict" not in page
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.APPROVED
    assert AuditEvent.objects.for_org(personas.org).filter(action="why_check.overridden").exists()


# --- Settings ----------------------------------------------------------------------------------------


def test_an_admin_makes_the_why_check_advisory(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("admin")
    page = body(client.get("/o/acme/why-checks/settings/"))
    assert re.search(r'value="required"[^>]*checked', page)
    response = client.post("/o/acme/why-checks/settings/", {"gate": "advisory"})
    assert response.status_code == 302
    assert WhyCheckSettings.objects.get(organization=personas.org).gate == GateMode.ADVISORY
    assert "Settings saved." in body(client.get(response["Location"]))


def test_an_unknown_gate_mode_is_a_422(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("owner").post("/o/acme/why-checks/settings/", {"gate": "sometimes"})
    assert response.status_code == 422


# --- Pages of the strategy app with a misaligned why check ------------------------------------------
# The strategy app does not know the `why_check` gate element yet (GATE_FIX in
# strategy/views/initiatives.py, GATE_LABELS in strategy/spreadsheets.py): these pages answer 500.
# Strict: when the strategy app is fixed they pass, and the markers must go.


@pytest.fixture
def misaligned_proposal(personas: Personas, ready_initiative: Initiative) -> Initiative:
    """A proposed initiative whose latest why check found the co-leads misaligned."""
    round_ = services.whycheck_start(
        actor=personas.owner, initiative=ready_initiative, deadline=timezone.localdate()
    )
    scored(reveal(personas, round_), Verdict.MISALIGNED, 0.2)
    paused = Initiative.objects.for_org(personas.org).get(pk=ready_initiative.pk)
    return strategy.initiative_transition(actor=personas.owner, initiative=paused, to=Stage.PROPOSED)


def test_the_initiative_page_names_a_misaligned_why_check_in_the_gate(
    misaligned_proposal: Initiative, client_for: ClientFor
) -> None:
    response = client_for("owner").get(f"/o/acme/initiatives/{misaligned_proposal.pk}/")
    assert response.status_code == 200
    assert "Realign the co-leads" in body(response)


def test_the_portfolio_export_names_a_misaligned_why_check(
    misaligned_proposal: Initiative, client_for: ClientFor
) -> None:
    assert client_for("owner").get("/o/acme/portfolio/export.csv").status_code == 200


def test_the_list_picks_an_initiative_to_open_its_rounds(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    client = client_for("it_lead")
    page = body(client.get("/o/acme/why-checks/"))
    assert f'<option value="{approved.pk}">Self-service claims portal</option>' in page
    response = client.get(f"/o/acme/why-checks/?initiative={approved.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/initiatives/{approved.pk}/why-checks/"
    assert client.get("/o/acme/why-checks/?initiative=99999").status_code == 404
    assert client.get("/o/acme/why-checks/?initiative=nonsense").status_code == 200
    assert client.get("/o/acme/why-checks/?initiative=" + "9" * 40).status_code == 200


def test_the_initiative_link_leads_to_its_why_checks(approved: Initiative) -> None:
    """The snippet strategy/initiative_detail.html includes (``whycheck/_initiative_link.html``)."""
    html = render_to_string(
        "whycheck/_initiative_link.html", {"initiative": approved, "current_org": approved.organization}
    )
    assert f'href="/o/acme/initiatives/{approved.pk}/why-checks/"' in html
