"""Superseded rounds: once a later round of the same initiative ends with a verdict that takes over
(aligned, misaligned, or "needs discussion" settled by both co-leads), an earlier round says so,
shows no pause, has no effect on the gate and takes no override and no decision, on the pages and
in the API. A later round that is open, voided, closed with one answer or unsettled supersedes
nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core import cache
from tandem.core.models import AuditEvent, Role, Side
from tandem.strategy import selectors as strategy_selectors
from tandem.strategy import services as strategy
from tandem.strategy.gate import gate_missing
from tandem.strategy.models import Initiative, Stage
from tandem.whycheck import services
from tandem.whycheck.models import RoundStatus, Verdict, WhyCheck
from tests.conftest import Personas, bearer, send
from tests.factories import MembershipFactory
from tests.whycheck.conftest import BUSINESS_ANSWER, answer, deadline_passed, reveal, scored

ClientFor = Callable[[str], Client]
ACME = "/api/v1/orgs/acme"


def body(response: Any) -> str:
    return str(response.content.decode())


def detail(r: WhyCheck) -> str:
    return f"/o/acme/why-checks/{r.pk}/"


def api_url(r: WhyCheck, tail: str = "") -> str:
    return f"{ACME}/why-checks/{r.pk}{tail}"


def start(personas: Personas, initiative: Initiative) -> WhyCheck:
    return services.whycheck_start(actor=personas.owner, initiative=initiative, deadline=timezone.localdate())


def superseded_link(later: WhyCheck) -> str:
    return f'<a href="/o/acme/why-checks/{later.pk}/">Superseded by round {later.pk}</a>'


def misaligned_then_aligned(personas: Personas, approved: Initiative) -> tuple[WhyCheck, WhyCheck]:
    """The demo's case: a misaligned round paused the initiative, a later aligned one lifted it."""
    first = scored(reveal(personas, start(personas, approved)), Verdict.MISALIGNED, 0.2)
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.PAUSED
    second = scored(reveal(personas, start(personas, approved)), Verdict.ALIGNED, 0.9)
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.APPROVED
    return first, second


# --- The round's page ------------------------------------------------------------------------------


def test_a_superseded_round_names_the_later_round_and_offers_no_pause_and_no_override(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    first, second = misaligned_then_aligned(personas, approved)
    page = body(client_for("admin").get(detail(first)))
    assert superseded_link(second) in page
    assert "This round no longer has any effect" in page
    assert "initiative paused" not in page
    assert "paused the initiative" not in page
    assert "flagged for review" not in page
    assert "lifts the pause" not in page
    assert "Override the verdict" not in page
    assert f'action="{detail(first)}override/' not in page
    # The later round is the one in force: it is not superseded.
    assert "Superseded by" not in body(client_for("admin").get(detail(second)))


def test_overriding_a_superseded_round_on_its_page_is_refused_naming_the_later_round(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    first, second = misaligned_then_aligned(personas, approved)
    client = client_for("owner")
    response = client.post(f"{detail(first)}override/", {"override-reason": "Board decision."})
    assert response.status_code == 302
    page = body(client.get(response["Location"]))
    assert f"This round was superseded by round {second.pk}" in page
    first.refresh_from_db()
    assert first.override_at is None
    assert not AuditEvent.objects.for_org(personas.org).filter(action="why_check.overridden").exists()


def test_a_superseded_round_that_needed_discussion_takes_no_decision(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    first = scored(reveal(personas, start(personas, approved)), Verdict.PARTIAL, 0.5)
    second = scored(reveal(personas, start(personas, approved)), Verdict.MISALIGNED, 0.2)
    client = client_for("business_lead")
    page = body(client.get(detail(first)))
    assert superseded_link(second) in page
    assert "Record your decision" not in page
    assert "no decision yet" not in page
    refused = client.post(f"{detail(first)}decision/", {"decision-note": "Agreed."})
    assert refused.status_code == 302
    assert f"This round was superseded by round {second.pk}" in body(client.get(refused["Location"]))
    api = send(bearer(personas.it_lead), "post", api_url(first, "/decision"), {"note": "Agreed."})
    assert api.status_code == 409
    assert f"round {second.pk}" in api.json()["detail"]
    first.refresh_from_db()
    assert (first.business_decision_at, first.it_decision_at) == (None, None)
    # The later misaligned round's own pause stands, and its override is still offered.
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.PAUSED
    assert "Override the verdict" in body(client_for("admin").get(detail(second)))


# --- The API -------------------------------------------------------------------------------------


def test_the_api_says_superseded_by_and_refuses_the_override_with_a_409(
    personas: Personas, approved: Initiative
) -> None:
    first, second = misaligned_then_aligned(personas, approved)
    admin = bearer(personas.admin)
    old = admin.get(api_url(first)).json()
    assert old["superseded_by"] == second.pk
    assert old["you"]["can_override"] is False
    assert old["you"]["can_decide"] is False
    assert admin.get(api_url(second)).json()["superseded_by"] is None

    refused = send(admin, "post", api_url(first, "/override"), {"reason": "Board decision."})
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        f"This round was superseded by round {second.pk}, a later why check on the same initiative: "
        "its verdict is the one in force, so this round can no longer be overridden."
    )
    first.refresh_from_db()
    assert first.override_at is None
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.APPROVED


def test_the_api_lists_say_which_round_superseded_which(personas: Personas, approved: Initiative) -> None:
    first, second = misaligned_then_aligned(personas, approved)
    third = start(personas, approved)  # open: it supersedes nothing
    client = bearer(personas.viewer)
    for url in (f"{ACME}/initiatives/{approved.pk}/why-checks", f"{ACME}/why-checks"):
        items = client.get(url).json()["items"]
        assert [(r["id"], r["superseded_by"]) for r in items] == [
            (third.pk, None),
            (second.pk, None),
            (first.pk, second.pk),
        ], url


def test_superseded_by_is_documented_in_the_openapi_document() -> None:
    from tandem.config.api import api

    schema = api.get_openapi_schema()
    field = schema["components"]["schemas"]["WhyCheckOut"]["properties"]["superseded_by"]
    assert "later round" in field["description"]


# --- The round lists -------------------------------------------------------------------------------


def test_the_round_lists_show_the_superseded_round(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    _first, second = misaligned_then_aligned(personas, approved)
    client = client_for("viewer")
    history = body(client.get(f"/o/acme/initiatives/{approved.pk}/why-checks/"))
    assert history.count("Superseded by round") == 1
    assert superseded_link(second) in history
    listed = body(client.get("/o/acme/why-checks/"))
    assert listed.count("Superseded by round") == 1
    assert superseded_link(second) in listed


def test_the_round_lists_stay_constant_in_queries_with_superseded_rounds(
    personas: Personas, approved: Initiative
) -> None:
    client = Client()
    client.force_login(personas.admin.user)
    api = bearer(personas.admin)
    urls = (
        (client, "/o/acme/why-checks/"),
        (client, f"/o/acme/initiatives/{approved.pk}/why-checks/"),
        (api, f"{ACME}/why-checks"),
        (api, f"{ACME}/initiatives/{approved.pk}/why-checks"),
    )

    def counts() -> list[int]:
        found = []
        for who, url in urls:
            cache.clear()  # the queries of drawing the page afresh, not of a cached page
            with CaptureQueriesContext(connection) as queries:
                assert who.get(url).status_code == 200
            found.append(len(queries))
        return found

    misaligned_then_aligned(personas, approved)
    counts()  # the first visit creates the settings row and touches the session
    baseline = counts()
    for verdict in (Verdict.MISALIGNED, Verdict.ALIGNED, Verdict.MISALIGNED, Verdict.ALIGNED):
        scored(reveal(personas, start(personas, approved)), verdict, 0.5)
    assert WhyCheck.objects.for_org(personas.org).count() == 6
    assert counts() == baseline


# --- What does not supersede -------------------------------------------------------------------------


def assert_not_superseded(personas: Personas, first: WhyCheck, client_for: ClientFor) -> None:
    admin = bearer(personas.admin)
    out = admin.get(api_url(first)).json()
    assert (out["superseded_by"], out["you"]["can_override"]) == (None, True)
    page = body(client_for("admin").get(detail(first)))
    assert "Superseded by" not in page
    assert "initiative paused" in page
    assert "Override the verdict" in page
    overridden = send(admin, "post", api_url(first, "/override"), {"reason": "Board decision."})
    assert overridden.status_code == 200, overridden.content
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.APPROVED


def test_a_later_open_round_supersedes_nothing(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    first = scored(reveal(personas, start(personas, approved)), Verdict.MISALIGNED, 0.2)
    later = start(personas, approved)
    answer(personas, later, "business_lead", BUSINESS_ANSWER)
    assert_not_superseded(personas, first, client_for)


def test_a_later_voided_round_supersedes_nothing(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    first = scored(reveal(personas, start(personas, approved)), Verdict.MISALIGNED, 0.2)
    later = start(personas, approved)
    replacement = MembershipFactory.create(organization=personas.org, role=Role.LEAD, side=Side.IT)
    initiative = Initiative.objects.for_org(personas.org).get()
    strategy.initiative_update(actor=personas.owner, initiative=initiative, it_co_lead=replacement)
    assert WhyCheck.objects.for_org(personas.org).get(pk=later.pk).status == RoundStatus.VOIDED
    assert_not_superseded(personas, first, client_for)


def test_a_later_round_closed_with_one_answer_supersedes_nothing(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    first = scored(reveal(personas, start(personas, approved)), Verdict.MISALIGNED, 0.2)
    later = start(personas, approved)
    answer(personas, later, "business_lead", BUSINESS_ANSWER)
    services.whycheck_close(actor=personas.owner, why_check=deadline_passed(later))
    assert WhyCheck.objects.for_org(personas.org).get(pk=later.pk).status == RoundStatus.CLOSED
    assert_not_superseded(personas, first, client_for)


def test_a_later_round_that_needs_discussion_supersedes_once_both_co_leads_decided(
    personas: Personas, approved: Initiative, client_for: ClientFor
) -> None:
    first = scored(reveal(personas, start(personas, approved)), Verdict.MISALIGNED, 0.2)
    later = scored(reveal(personas, start(personas, approved)), Verdict.PARTIAL, 0.5)
    # Unsettled, the later round leaves the first one's pause holding: overriding it still counts.
    admin = bearer(personas.admin)
    assert admin.get(api_url(first)).json()["superseded_by"] is None
    services.whycheck_record_decision(actor=personas.business_lead, why_check=later, note="Agreed.")
    assert admin.get(api_url(first)).json()["superseded_by"] is None
    services.whycheck_record_decision(actor=personas.it_lead, why_check=later, note="Agreed.")
    assert Initiative.objects.for_org(personas.org).get().stage == Stage.APPROVED
    out = admin.get(api_url(first)).json()
    assert (out["superseded_by"], out["you"]["can_override"]) == (later.pk, False)
    assert superseded_link(later) in body(client_for("admin").get(detail(first)))
    assert send(admin, "post", api_url(first, "/override"), {"reason": "x"}).status_code == 409


# --- The approval gate ---------------------------------------------------------------------------------


def test_a_round_scored_after_a_later_round_does_not_steer_the_gate(
    personas: Personas, approved: Initiative
) -> None:
    """A comparison that arrives late: the earlier round is scored after the later one, yet the
    later verdict is the one in force."""
    first = reveal(personas, start(personas, approved))  # revealed; its scoring is delayed
    second = scored(reveal(personas, start(personas, approved)), Verdict.ALIGNED, 0.9)
    first = scored(first, Verdict.MISALIGNED, 0.2)
    assert first.scored_at is not None
    assert second.scored_at is not None
    assert first.scored_at > second.scored_at
    row = strategy_selectors.initiative_annotated(personas.org).get(pk=approved.pk)
    assert "why_check" not in gate_missing(row)
    out = bearer(personas.admin).get(api_url(first)).json()
    assert out["superseded_by"] == second.pk


def test_the_latest_misaligned_round_still_blocks_the_gate(personas: Personas, approved: Initiative) -> None:
    scored(reveal(personas, start(personas, approved)), Verdict.ALIGNED, 0.9)
    latest = scored(reveal(personas, start(personas, approved)), Verdict.MISALIGNED, 0.2)
    row = strategy_selectors.initiative_annotated(personas.org).get(pk=approved.pk)
    assert "why_check" in gate_missing(row)
    assert bearer(personas.admin).get(api_url(latest)).json()["superseded_by"] is None
