"""The why-check JSON API: starting, answering blind (the server enforces it), reading, closing,
settling a verdict, the settings; errors name their fields; the OpenAPI document is complete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.config.api import api
from tandem.strategy.models import Initiative, Stage
from tandem.whycheck import services
from tandem.whycheck.models import GateMode, Verdict, WhyCheck, WhyCheckSettings
from tests.conftest import Personas, bearer, fields_of, send
from tests.whycheck.conftest import (
    BUSINESS_ANSWER,
    IT_ANSWER,
    RESULT,
    answer,
    deadline_passed,
    reveal,
    scored,
)

ACME = "/api/v1/orgs/acme"


def url(r: WhyCheck, tail: str = "") -> str:
    return f"{ACME}/why-checks/{r.pk}{tail}"


# --- Starting ------------------------------------------------------------------------------------


def test_a_lead_starts_a_round(personas: Personas, approved: Initiative) -> None:
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = send(
        bearer(personas.it_lead),
        "post",
        f"{ACME}/initiatives/{approved.pk}/why-checks",
        {"deadline": deadline},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    round_ = WhyCheck.objects.for_org(personas.org).get()
    assert body["id"] == round_.pk
    assert body["initiative"] == {
        "id": approved.pk,
        "title": "Self-service claims portal",
        "stage": "approved",
    }
    assert (body["status"], body["deadline"]) == ("open", deadline)
    assert body["co_leads"] == {
        "business": {"id": personas.business_lead.pk, "name": personas.business_lead.user.display_name},
        "it": {"id": personas.it_lead.pk, "name": personas.it_lead.user.display_name},
    }
    assert body["answered"] == {"business": False, "it": False}
    assert body["answers"] == {"business": None, "it": None}
    assert (body["score"], body["verdict"], body["comparison"], body["effect"]) == (None, None, None, None)
    assert body["you"] == {
        "side": "it",
        "can_answer": True,
        "can_close": False,  # not before the deadline
        "can_decide": False,
        "can_override": False,
    }


def test_the_deadline_defaults_to_a_week_ahead(personas: Personas, approved: Initiative) -> None:
    response = send(bearer(personas.owner), "post", f"{ACME}/initiatives/{approved.pk}/why-checks", {})
    assert response.status_code == 201
    assert response.json()["deadline"] == (timezone.localdate() + timedelta(days=7)).isoformat()


@pytest.mark.parametrize("deadline", ["2020-01-01", "tomorrow", "2026-02-30", 12])
def test_a_bad_deadline_is_a_422_naming_it(personas: Personas, approved: Initiative, deadline: Any) -> None:
    response = send(
        bearer(personas.owner), "post", f"{ACME}/initiatives/{approved.pk}/why-checks", {"deadline": deadline}
    )
    assert response.status_code == 422
    assert fields_of(response) == ["deadline"]


def test_a_second_open_round_is_a_409(personas: Personas, round_: WhyCheck) -> None:
    response = send(
        bearer(personas.owner), "post", f"{ACME}/initiatives/{round_.initiative_id}/why-checks", {}
    )
    assert response.status_code == 409


def test_members_and_viewers_cannot_start_a_round(personas: Personas, approved: Initiative) -> None:
    for who in (personas.member, personas.viewer, personas.partner):
        response = send(bearer(who), "post", f"{ACME}/initiatives/{approved.pk}/why-checks", {})
        assert response.status_code == 404
    assert not WhyCheck.objects.for_org(personas.org).exists()


# --- Answering blind -----------------------------------------------------------------------------


def test_a_co_lead_answers_and_sees_only_their_own_answer(personas: Personas, round_: WhyCheck) -> None:
    response = send(bearer(personas.business_lead), "put", url(round_, "/answer"), BUSINESS_ANSWER)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["answered"] == {"business": True, "it": False}
    mine = body["answers"]["business"]
    assert mine["why"] == BUSINESS_ANSWER["why"]
    assert mine["measures"] == [
        {"name": "Claims settled within one day", "target": 60.0, "unit": "%", "by": "2027-06-30"}
    ]
    assert mine["author"]["id"] == personas.business_lead.pk
    assert body["answers"]["it"] is None


def test_before_the_reveal_nobody_else_sees_an_answer(personas: Personas, round_: WhyCheck) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    for who in ("it_lead", "owner", "admin", "member", "viewer"):
        body = bearer(getattr(personas, who)).get(url(round_)).json()
        assert body["answers"] == {"business": None, "it": None}, who
        assert body["answered"] == {"business": True, "it": False}
        assert BUSINESS_ANSWER["why"] not in str(body)
        for listing in (f"{ACME}/why-checks", f"{ACME}/initiatives/{round_.initiative_id}/why-checks"):
            assert BUSINESS_ANSWER["why"] not in bearer(getattr(personas, who)).get(listing).content.decode()


def test_only_the_co_lead_of_a_side_answers(personas: Personas, round_: WhyCheck) -> None:
    for who in (personas.owner, personas.admin, personas.member, personas.viewer, personas.partner):
        assert send(bearer(who), "put", url(round_, "/answer"), BUSINESS_ANSWER).status_code == 404
    assert not round_.answers.exists()


def test_a_co_lead_revises_until_the_reveal_then_gets_a_409(personas: Personas, round_: WhyCheck) -> None:
    client = bearer(personas.business_lead)
    send(client, "put", url(round_, "/answer"), BUSINESS_ANSWER)
    revised = send(client, "put", url(round_, "/answer"), {**BUSINESS_ANSWER, "why": "Revised."})
    assert revised.json()["answers"]["business"]["why"] == "Revised."
    answer(personas, round_, "it_lead", IT_ANSWER)
    assert send(client, "put", url(round_, "/answer"), BUSINESS_ANSWER).status_code == 409


def test_the_second_answer_reveals_both_and_the_round_is_scoring(
    personas: Personas, round_: WhyCheck
) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    body = send(bearer(personas.it_lead), "put", url(round_, "/answer"), IT_ANSWER).json()
    assert body["status"] == "revealed"
    assert body["answers"]["business"]["why"] == BUSINESS_ANSWER["why"]
    assert body["answers"]["it"]["why"] == IT_ANSWER["why"]
    assert body["scoring"] is True
    assert (body["score"], body["verdict"], body["comparison"]) == (None, None, None)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"why": "Because.", "measures": []}, "measures"),
        ({"why": "Because.", "measures": [{"name": f"m{i}"} for i in range(6)]}, "measures"),
        ({"why": "Because.", "measures": [{"name": "Churn", "target": "lots"}]}, "measures.0.target"),
        ({"why": "Because.", "measures": [{"name": "A"}, {"name": "Churn", "by": "soon"}]}, "measures.1.by"),
        ({"why": "Because.", "measures": [{"name": "  "}]}, "measures.0.name"),
        ({"why": "Because.", "measures": [{"name": "Churn", "target": 1e300}]}, "measures.0.target"),
        ({"why": "Because.", "measures": [{"name": "Churn", "unit": "u" * 31}]}, "measures.0.unit"),
        ({"why": "  ", "measures": [{"name": "Churn"}]}, "why"),
        ({"measures": [{"name": "Churn"}]}, "why"),
        ({"why": "Because.", "measures": ["Churn"]}, "measures.0"),
    ],
)
def test_a_bad_answer_is_a_422_naming_the_field(
    personas: Personas, round_: WhyCheck, payload: dict[str, Any], field: str
) -> None:
    response = send(bearer(personas.it_lead), "put", url(round_, "/answer"), payload)
    assert response.status_code == 422, response.content
    assert field in fields_of(response)
    assert not round_.answers.exists()


def test_a_nan_target_is_not_json_and_a_400(personas: Personas, round_: WhyCheck) -> None:
    raw = '{"why": "Because.", "measures": [{"name": "Churn", "target": NaN}]}'
    response = bearer(personas.it_lead).put(url(round_, "/answer"), raw, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert not round_.answers.exists()


# --- Reading -------------------------------------------------------------------------------------


def test_a_scored_round_shows_score_verdict_comparison_and_effect(
    personas: Personas, round_: WhyCheck
) -> None:
    scored(reveal(personas, round_), Verdict.MISALIGNED, 0.31)
    body = bearer(personas.viewer).get(url(round_)).json()
    assert (body["score"], body["verdict"], body["scoring"]) == (0.31, "misaligned", False)
    comparison = body["comparison"]
    assert comparison["explanation"] == RESULT["explanation"]
    assert (comparison["purpose"], comparison["measures"]) == (0.2, 0.4)
    [pair] = comparison["shared"]
    assert pair["business"]["name"] == "Claims settled within one day"
    assert pair["business"]["by"] == "2027-06-30"
    assert pair["it"] == {"name": "Claims closed the same day", "target": 40.0, "unit": "%", "by": None}
    assert pair["issues"] == ["targets differ: 60 % vs 40 % (33% apart)"]
    assert comparison["only_business"] == []
    assert comparison["only_it"][0]["name"] == "Mainframe transactions retired"
    assert comparison["themes_only_it"] == ["mainframe"]
    assert comparison["drift"]["it"] == {
        "score": 0.12,
        "verdict": "misaligned",
        "explanation": "Far from the approved record.",
    }
    assert body["effect"] == {
        "paused_initiative": True,
        "flagged_for_review": True,
        "decisions": {"business": None, "it": None},
        "decision_note": "",
        "override": None,
    }


def test_the_organisation_list_filters_by_status_and_pages(personas: Personas, approved: Initiative) -> None:
    first = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    scored(reveal(personas, first), Verdict.ALIGNED, 0.9)
    services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    client = bearer(personas.member)
    body = client.get(f"{ACME}/why-checks").json()
    assert body["count"] == 2
    assert [r["status"] for r in body["items"]] == ["open", "revealed"]  # newest first
    only_open = client.get(f"{ACME}/why-checks?status=open").json()
    assert [r["status"] for r in only_open["items"]] == ["open"]
    assert client.get(f"{ACME}/why-checks?status=maybe").status_code == 422
    paged = client.get(f"{ACME}/why-checks?limit=1&offset=1").json()
    assert (paged["count"], [r["id"] for r in paged["items"]]) == (2, [first.pk])
    history = client.get(f"{ACME}/initiatives/{approved.pk}/why-checks").json()
    assert history["count"] == 2
    assert history["items"][1]["verdict"] == "aligned"


def test_the_list_runs_a_fixed_number_of_queries(personas: Personas, approved: Initiative) -> None:
    client = bearer(personas.it_lead)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{ACME}/why-checks").status_code == 200
        return len(queries)

    first = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
    scored(reveal(personas, first), Verdict.PARTIAL, 0.5)
    services.whycheck_record_decision(actor=personas.business_lead, why_check=first, note="Agreed.")
    count()
    baseline = count()
    for _ in range(3):
        r = services.whycheck_start(actor=personas.owner, initiative=approved, deadline=timezone.localdate())
        scored(reveal(personas, r), Verdict.PARTIAL, 0.5)
        services.whycheck_record_decision(actor=personas.business_lead, why_check=r, note="Agreed.")
    assert count() == baseline


def test_another_organisation_s_round_is_a_404(personas: Personas, round_: WhyCheck) -> None:
    client = bearer(personas.outsider)
    assert client.get(f"/api/v1/orgs/globex/why-checks/{round_.pk}").status_code == 404
    assert client.get(url(round_)).status_code == 404


# --- Close, decision, override -------------------------------------------------------------------


def test_closing_reveals_what_was_answered(personas: Personas, round_: WhyCheck) -> None:
    answer(personas, round_, "business_lead", BUSINESS_ANSWER)
    deadline_passed(round_)
    assert send(bearer(personas.member), "post", url(round_, "/close")).status_code == 404
    body = send(bearer(personas.it_lead), "post", url(round_, "/close")).json()
    assert body["status"] == "closed"
    assert body["answers"]["business"]["why"] == BUSINESS_ANSWER["why"]
    assert body["answers"]["it"] is None
    assert body["scoring"] is False
    again = send(bearer(personas.it_lead), "post", url(round_, "/close"))
    assert again.status_code == 200


def test_the_co_leads_settle_a_round_that_needs_discussion(personas: Personas, round_: WhyCheck) -> None:
    scored(reveal(personas, round_), Verdict.PARTIAL, 0.5)
    assert send(bearer(personas.owner), "post", url(round_, "/decision"), {"note": "x"}).status_code == 404
    blank = send(bearer(personas.it_lead), "post", url(round_, "/decision"), {"note": " "})
    assert (blank.status_code, fields_of(blank)) == (422, ["note"])
    first = send(bearer(personas.it_lead), "post", url(round_, "/decision"), {"note": "Same-day target."})
    assert first.status_code == 200
    assert first.json()["effect"]["decisions"]["it"]["by"]["id"] == personas.it_lead.pk
    assert first.json()["effect"]["decisions"]["business"] is None
    both = send(bearer(personas.business_lead), "post", url(round_, "/decision"), {"note": "Agreed."})
    assert both.json()["effect"]["decision_note"] == "[it] Same-day target.\n[business] Agreed."


def test_a_decision_on_a_misaligned_round_is_a_409(personas: Personas, round_: WhyCheck) -> None:
    scored(reveal(personas, round_), Verdict.MISALIGNED, 0.2)
    assert send(bearer(personas.it_lead), "post", url(round_, "/decision"), {"note": "x"}).status_code == 409


def test_an_admin_overrides_a_misaligned_round_with_a_reason(personas: Personas, round_: WhyCheck) -> None:
    scored(reveal(personas, round_), Verdict.MISALIGNED, 0.2)
    assert (
        send(bearer(personas.business_lead), "post", url(round_, "/override"), {"reason": "x"}).status_code
        == 404
    )
    blank = send(bearer(personas.admin), "post", url(round_, "/override"), {"reason": ""})
    assert (blank.status_code, fields_of(blank)) == (422, ["reason"])
    response = send(bearer(personas.admin), "post", url(round_, "/override"), {"reason": "Board decision."})
    assert response.status_code == 200
    override = response.json()["effect"]["override"]
    assert (override["by"], override["reason"]) == (personas.admin.user.display_name, "Board decision.")
    assert response.json()["you"]["can_override"] is False
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.APPROVED
    assert (
        send(bearer(personas.admin), "post", url(round_, "/override"), {"reason": "Again."}).status_code
        == 409
    )


def test_an_aligned_round_cannot_be_overridden(personas: Personas, round_: WhyCheck) -> None:
    scored(reveal(personas, round_), Verdict.ALIGNED, 0.9)
    assert send(bearer(personas.owner), "post", url(round_, "/override"), {"reason": "x"}).status_code == 409


# --- Settings ------------------------------------------------------------------------------------


def test_every_member_reads_the_settings_and_admins_change_them(personas: Personas) -> None:
    assert bearer(personas.viewer).get(f"{ACME}/why-check-settings").json() == {"gate": "required"}
    assert (
        send(bearer(personas.member), "put", f"{ACME}/why-check-settings", {"gate": "advisory"}).status_code
        == 404
    )
    response = send(bearer(personas.admin), "put", f"{ACME}/why-check-settings", {"gate": "advisory"})
    assert response.json() == {"gate": "advisory"}
    assert WhyCheckSettings.objects.get(organization=personas.org).gate == GateMode.ADVISORY
    bad = send(bearer(personas.admin), "put", f"{ACME}/why-check-settings", {"gate": "sometimes"})
    assert (bad.status_code, fields_of(bad)) == (422, ["gate"])


# --- The OpenAPI document ------------------------------------------------------------------------


def test_every_why_check_operation_is_documented_with_its_errors() -> None:
    schema = api.get_openapi_schema()
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if "why check" in op.get("tags", [])
    ]
    assert len(operations) == 10
    for path, method, op in operations:
        assert op.get("summary"), (path, method)
        assert op.get("description"), (path, method)
        responses = {str(status) for status in op["responses"]}
        assert {"401", "404", "422"} <= responses, (path, method)
        if method != "get":
            assert "409" in responses, (path, method)
