"""HTML pages of the strategy app: the portfolio, initiatives and the approval gate, objectives,
key results with check-ins, and the objective tree. Forms save through the services, errors come
back as 422 with the input kept, and every page is closed to partners and other tenants."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from tandem.core import cache
from tandem.core.models import Department
from tandem.strategy import services
from tandem.strategy.gate import BASE_GATE_CODES, GATE_MESSAGES
from tandem.strategy.models import (
    CheckIn,
    Initiative,
    KeyResult,
    KeyResultLink,
    Objective,
    ObjectiveStatus,
    Stage,
    SuccessMeasure,
)
from tests.conftest import Personas, initiative_post

ClientFor = Callable[[str], Client]


def body(response: Any) -> str:
    content: bytes = response.content
    return content.decode()


@pytest.fixture
def bare_initiative(personas: Personas) -> Initiative:
    """An initiative at the proposed stage with nothing the gate asks for."""
    initiative = services.initiative_create(actor=personas.business_lead, title="Replace the intranet")
    return services.initiative_transition(actor=personas.business_lead, initiative=initiative, to="proposed")


def fresh(initiative: Initiative) -> Initiative:
    return Initiative.objects.for_org(initiative.organization).get(pk=initiative.pk)


# --- The portfolio ---------------------------------------------------------------------------------


def test_the_portfolio_lists_initiatives_with_stage_co_leads_and_signals(
    ready_initiative: Initiative, client_for: ClientFor
) -> None:
    response = client_for("viewer").get("/o/acme/portfolio/")
    page = body(response)
    assert response.status_code == 200
    assert "Self-service claims portal" in page
    assert "Proposed" in page
    assert ready_initiative.business_co_lead.user.display_name in page  # type: ignore[union-attr]
    assert "Serves a shared objective" in page  # the full signal name, for screen readers
    assert page.count('<span class="visually-hidden">yes</span>') == 6


def test_the_summary_says_how_many_initiatives_serve_no_shared_objective(
    ready_initiative: Initiative, bare_initiative: Initiative, personas: Personas, client_for: ClientFor
) -> None:
    services.initiative_create(actor=personas.member, title="Another loose idea")
    page = body(client_for("member").get("/o/acme/portfolio/"))
    assert "2 of 3 initiatives serve no shared objective." in page
    assert "2 of 3 initiatives have no stated business outcome." in page
    assert "Proposed: 2" in page
    assert "Idea: 1" in page


def test_the_portfolio_filters_by_missing_signal_stage_and_text(
    ready_initiative: Initiative, bare_initiative: Initiative, client_for: ClientFor
) -> None:
    client = client_for("member")
    missing = body(client.get("/o/acme/portfolio/", {"missing": "shared"}))
    assert "Replace the intranet" in missing
    assert "Self-service claims portal" not in missing
    searched = body(client.get("/o/acme/portfolio/", {"q": "claims"}))
    assert "Self-service claims portal" in searched
    assert "Replace the intranet" not in searched
    staged = body(client.get("/o/acme/portfolio/", {"stage": "idea"}))
    assert "No initiatives match these filters" in staged


def test_the_portfolio_filters_by_department_and_sponsor_side(
    personas: Personas, client_for: ClientFor
) -> None:
    sales = Department.objects.for_org(personas.org).get(name="Sales")
    services.initiative_create(
        actor=personas.owner, title="Sales dashboard", departments=[sales], sponsor=personas.it_lead
    )
    services.initiative_create(actor=personas.owner, title="Payroll upgrade", sponsor=personas.business_lead)
    client = client_for("member")
    by_department = body(client.get("/o/acme/portfolio/", {"department": sales.pk}))
    assert "Sales dashboard" in by_department
    assert "Payroll upgrade" not in by_department
    by_side = body(client.get("/o/acme/portfolio/", {"sponsor_side": "business"}))
    assert "Payroll upgrade" in by_side
    assert "Sales dashboard" not in by_side


def test_bad_filter_values_are_named_and_ignored_never_a_500(
    ready_initiative: Initiative, client_for: ClientFor
) -> None:
    response = client_for("member").get(
        "/o/acme/portfolio/",
        {"stage": "bogus", "department": "abc", "missing": "nope", "sort": "1;drop", "page": "zz"},
    )
    assert response.status_code == 200
    assert "Self-service claims portal" in body(response)
    assert "Select a valid choice" in body(response)


def test_clicking_a_column_header_sorts_and_the_next_click_reverses(
    personas: Personas, client_for: ClientFor
) -> None:
    for title in ("Bravo", "Alpha", "Charlie"):
        services.initiative_create(actor=personas.owner, title=title)
    client = client_for("member")
    ascending = body(client.get("/o/acme/portfolio/", {"sort": "title"}))
    assert ascending.index("Alpha") < ascending.index("Bravo") < ascending.index("Charlie")
    assert 'aria-sort="ascending"' in ascending
    assert "?sort=-title" in ascending
    descending = body(client.get("/o/acme/portfolio/", {"sort": "-title"}))
    assert descending.index("Charlie") < descending.index("Bravo") < descending.index("Alpha")


def test_pages_hold_fifty_initiatives_and_page_links_keep_the_filters(
    personas: Personas, client_for: ClientFor
) -> None:
    Initiative.objects.bulk_create(
        Initiative(organization=personas.org, title=f"Initiative {n:02}", stage=Stage.IDEA) for n in range(55)
    )
    page = body(client_for("member").get("/o/acme/portfolio/", {"stage": "idea", "sort": "title"}))
    assert "Initiative 49" in page
    assert "Initiative 50" not in page
    assert "?stage=idea&amp;sort=title&amp;page=2" in page
    second = body(
        client_for("member").get("/o/acme/portfolio/", {"stage": "idea", "sort": "title", "page": "2"})
    )
    assert "Initiative 50" in second
    assert "Page 2 of 2" in second


def test_export_links_carry_the_current_filters(ready_initiative: Initiative, client_for: ClientFor) -> None:
    page = body(client_for("member").get("/o/acme/portfolio/", {"stage": "proposed", "page": "1"}))
    assert 'href="/o/acme/portfolio/export.csv?stage=proposed"' in page
    assert 'href="/o/acme/portfolio/export.xlsx?stage=proposed"' in page


def test_new_initiative_and_import_show_only_to_those_who_may_use_them(
    ready_initiative: Initiative, client_for: ClientFor
) -> None:
    viewer = body(client_for("viewer").get("/o/acme/portfolio/"))
    member = body(client_for("member").get("/o/acme/portfolio/"))
    lead = body(client_for("business_lead").get("/o/acme/portfolio/"))
    assert "New initiative" not in viewer
    assert "/o/acme/import/" not in viewer
    assert "New initiative" in member
    assert "/o/acme/import/" not in member
    assert "/o/acme/import/" in lead


def test_an_empty_portfolio_invites_the_first_initiative(personas: Personas, client_for: ClientFor) -> None:
    page = body(client_for("member").get("/o/acme/portfolio/"))
    assert "No initiatives yet" in page
    assert 'href="/o/acme/initiatives/new/"' in page


def test_an_htmx_filter_request_gets_only_the_results(
    ready_initiative: Initiative, client_for: ClientFor
) -> None:
    response = client_for("member").get("/o/acme/portfolio/", {"q": "claims"}, headers={"HX-Request": "true"})
    page = body(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="results">')
    assert "<html" not in page
    assert "Self-service claims portal" in page


def test_overdue_initiatives_are_flagged(personas: Personas, client_for: ClientFor) -> None:
    services.initiative_create(
        actor=personas.owner, title="Late one", target_date=timezone.localdate() - timedelta(days=3)
    )
    assert "overdue" in body(client_for("member").get("/o/acme/portfolio/"))


def _grow_portfolio(personas: Personas, key_result: KeyResult, count: int) -> None:
    sales = Department.objects.for_org(personas.org).get(name="Sales")
    for n in range(count):
        initiative = services.initiative_create(
            actor=personas.owner,
            title=f"Initiative {n}",
            business_co_lead=personas.business_lead,
            it_co_lead=personas.it_lead,
            sponsor=personas.owner,
            departments=[sales],
            target_date=date(2020, 1, 1),
        )
        services.success_measure_add(actor=personas.owner, initiative=initiative, name="m", target=1)
        services.key_result_link_add(actor=personas.owner, initiative=initiative, key_result=key_result)


def _count_queries(client: Client, url: str) -> int:
    """The queries of drawing the page afresh (no figure cached from an earlier request)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_portfolio_uses_the_same_number_of_queries_for_3_or_30_initiatives(
    personas: Personas, key_result: KeyResult, client_for: ClientFor
) -> None:
    client = client_for("member")
    _grow_portfolio(personas, key_result, 3)
    client.get("/o/acme/portfolio/")  # warm the session
    few = _count_queries(client, "/o/acme/portfolio/")
    _grow_portfolio(personas, key_result, 27)
    assert _count_queries(client, "/o/acme/portfolio/") == few
    assert _count_queries(client, "/o/acme/portfolio/?missing=shared&sort=-signals") <= few


# --- Creating and editing initiatives ------------------------------------------------------------


def test_a_member_creates_an_initiative_through_the_form(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("member").post("/o/acme/initiatives/new/", initiative_post(personas))
    initiative = Initiative.objects.for_org(personas.org).get(title="Route planning")
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/initiatives/{initiative.pk}/"
    assert initiative.created_by == personas.member
    assert initiative.it_co_lead == personas.it_lead
    assert initiative.it_involved_stage == Stage.IDEA
    assert initiative.budget_currency == "EUR"
    assert initiative.target_date == date(2026, 6, 30)
    assert [d.name for d in initiative.departments.all()] == ["Sales"]


def test_a_rule_broken_in_the_form_comes_back_as_422_next_to_its_field_with_the_input_kept(
    personas: Personas, client_for: ClientFor
) -> None:
    response = client_for("member").post(
        "/o/acme/initiatives/new/", initiative_post(personas, start_date="2026-07-01")
    )
    page = body(response)
    assert response.status_code == 422
    assert "The target date must not be before the start date." in page
    assert re.search(r'id="id_target_date_error"', page)
    assert 'value="Route planning"' in page
    assert "Drivers waste less time" in page
    assert not Initiative.objects.for_org(personas.org).exists()


def test_bad_dates_and_unknown_people_are_form_errors_not_500s(
    personas: Personas, client_for: ClientFor
) -> None:
    response = client_for("member").post(
        "/o/acme/initiatives/new/",
        initiative_post(
            personas, start_date="31/02/2026", it_co_lead="abc", business_co_lead=personas.outsider.pk
        ),
    )
    page = body(response)
    assert response.status_code == 422
    assert "Enter a valid date." in page
    assert page.count("Select a valid choice") >= 2


def test_the_it_co_lead_list_offers_only_it_side_members(personas: Personas, client_for: ClientFor) -> None:
    response = client_for("member").post(
        "/o/acme/initiatives/new/", initiative_post(personas, it_co_lead=personas.business_lead.pk)
    )
    assert response.status_code == 422


def test_a_member_edits_their_own_initiative_but_not_someone_elses(
    personas: Personas, bare_initiative: Initiative, client_for: ClientFor
) -> None:
    own = services.initiative_create(actor=personas.member, title="My idea")
    client = client_for("member")
    form = client.get(f"/o/acme/initiatives/{own.pk}/edit/")
    assert form.status_code == 200
    assert 'value="My idea"' in body(form)
    response = client.post(
        f"/o/acme/initiatives/{own.pk}/edit/", initiative_post(personas, title="My better idea")
    )
    assert response.status_code == 302
    assert fresh(own).title == "My better idea"
    assert client.get(f"/o/acme/initiatives/{bare_initiative.pk}/edit/").status_code == 404
    assert client.post(f"/o/acme/initiatives/{bare_initiative.pk}/edit/", {"title": "x"}).status_code == 404


def test_a_viewer_cannot_create_or_edit_initiatives(
    personas: Personas, bare_initiative: Initiative, client_for: ClientFor
) -> None:
    client = client_for("viewer")
    assert client.get("/o/acme/initiatives/new/").status_code == 404
    assert client.post("/o/acme/initiatives/new/", initiative_post(personas)).status_code == 404
    assert client.get(f"/o/acme/initiatives/{bare_initiative.pk}/edit/").status_code == 404
    detail = body(client.get(f"/o/acme/initiatives/{bare_initiative.pk}/"))
    assert "Change stage" not in detail
    assert "Add a success measure" not in detail


# --- The initiative page and the approval gate ---------------------------------------------------


def test_the_detail_page_shows_what_the_gate_still_needs(
    bare_initiative: Initiative, client_for: ClientFor
) -> None:
    page = body(client_for("viewer").get(f"/o/acme/initiatives/{bare_initiative.pk}/"))
    assert "Not ready for approval" in page
    for code in BASE_GATE_CODES:
        assert escape(str(GATE_MESSAGES[code])) in page


def test_in_dutch_the_link_button_is_a_verb_and_the_timeline_reads_dutch(
    ready_initiative: Initiative, client_for: ClientFor
) -> None:
    client = client_for("owner")
    page = body(client.get(f"/o/acme/initiatives/{ready_initiative.pk}/", HTTP_ACCEPT_LANGUAGE="nl"))
    assert re.search(r'<button type="submit">\s*Koppelen\s*</button>', page)
    assert "Aangemaakt" in page
    assert "Created" not in page


def test_a_ready_initiative_says_so(ready_initiative: Initiative, client_for: ClientFor) -> None:
    page = body(client_for("viewer").get(f"/o/acme/initiatives/{ready_initiative.pk}/"))
    assert "Ready for approval" in page
    assert "Claims settled within 1 day" in page
    assert "Net promoter score" in page
    assert "IT involved from" in page
    assert "early" in page


def test_a_refused_approval_names_every_missing_element_next_to_the_form(
    bare_initiative: Initiative, client_for: ClientFor
) -> None:
    response = client_for("business_lead").post(
        f"/o/acme/initiatives/{bare_initiative.pk}/transition/",
        {"transition-to": "approved", "transition-reason": "Board said yes"},
    )
    page = body(response)
    assert response.status_code == 422
    assert "The initiative cannot be approved yet." in page
    refusal = page[page.index('id="refused"') : page.index("</form>", page.index('id="refused"'))]
    for message in (GATE_MESSAGES[code] for code in BASE_GATE_CODES):
        assert escape(str(message)) in refusal
    assert "Board said yes" in page
    assert fresh(bare_initiative).stage == Stage.PROPOSED


def test_a_refusal_lists_only_what_is_missing(
    ready_initiative: Initiative, personas: Personas, client_for: ClientFor
) -> None:
    services.initiative_update(actor=personas.owner, initiative=ready_initiative, business_outcome="")
    response = client_for("business_lead").post(
        f"/o/acme/initiatives/{ready_initiative.pk}/transition/", {"transition-to": "approved"}
    )
    refusal = body(response)[body(response).index('id="refused"') :]
    assert escape(str(GATE_MESSAGES["business_outcome"])) in refusal
    assert escape(str(GATE_MESSAGES["it_co_lead"])) not in refusal.split("</div>")[0]


def test_approving_a_ready_initiative_moves_it_and_adds_to_the_timeline(
    ready_initiative: Initiative, client_for: ClientFor
) -> None:
    client = client_for("business_lead")
    response = client.post(
        f"/o/acme/initiatives/{ready_initiative.pk}/transition/",
        {"transition-to": "approved", "transition-reason": "Steering committee, 3 March"},
    )
    assert response.status_code == 302
    assert fresh(ready_initiative).stage == Stage.APPROVED
    page = body(client.get(response["Location"]))
    assert "Steering committee, 3 March" in page
    assert "Proposed → <strong>Approved</strong>" in page


def test_pausing_without_a_reason_is_refused_next_to_the_reason(
    ready_initiative: Initiative, client_for: ClientFor
) -> None:
    response = client_for("business_lead").post(
        f"/o/acme/initiatives/{ready_initiative.pk}/transition/", {"transition-to": "paused"}
    )
    assert response.status_code == 422
    assert 'id="id_transition-reason_error"' in body(response)
    assert "Say why." in body(response)


def test_a_stage_that_is_not_allowed_now_is_a_form_error(
    bare_initiative: Initiative, client_for: ClientFor
) -> None:
    response = client_for("business_lead").post(
        f"/o/acme/initiatives/{bare_initiative.pk}/transition/", {"transition-to": "delivered"}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in body(response)


def test_closing_asks_whether_the_outcome_was_achieved(
    ready_initiative: Initiative, personas: Personas, client_for: ClientFor
) -> None:
    for stage in ("approved", "in_delivery", "delivered"):
        services.initiative_transition(actor=personas.owner, initiative=ready_initiative, to=stage)
    client = client_for("business_lead")
    url = f"/o/acme/initiatives/{ready_initiative.pk}/transition/"
    refused = client.post(url, {"transition-to": "closed"})
    assert refused.status_code == 422
    assert "Say whether the business outcome was achieved." in body(refused)
    closed = client.post(
        url,
        {
            "transition-to": "closed",
            "transition-outcome_achieved": "partly",
            "transition-lessons_learned": "Ask earlier.",
        },
    )
    assert closed.status_code == 302
    page = body(client.get(f"/o/acme/initiatives/{ready_initiative.pk}/"))
    assert "Partly achieved" in page
    assert "Ask earlier." in page


def test_it_joining_after_approval_is_flagged(
    bare_initiative: Initiative, personas: Personas, client_for: ClientFor
) -> None:
    Initiative.objects.for_org(personas.org).filter(pk=bare_initiative.pk).update(
        it_involved_stage=Stage.IN_DELIVERY
    )
    page = body(client_for("viewer").get(f"/o/acme/initiatives/{bare_initiative.pk}/"))
    assert "In delivery" in page
    assert "late: IT joined after approval" in page


def test_success_measures_are_added_and_removed_on_the_initiative_page(
    bare_initiative: Initiative, key_result: KeyResult, personas: Personas, client_for: ClientFor
) -> None:
    client = client_for("business_lead")
    response = client.post(
        f"/o/acme/initiatives/{bare_initiative.pk}/measures/",
        {
            "measure-name": "Intranet visits per week",
            "measure-baseline": "200",
            "measure-target": "800",
            "measure-unit": "visits",
            "measure-by_date": "2026-12-31",
            "measure-key_result": key_result.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#measures")
    measure = SuccessMeasure.objects.for_org(personas.org).get(initiative=bare_initiative)
    assert measure.target == 800
    assert measure.key_result == key_result
    deleted = client.post(f"/o/acme/initiatives/{bare_initiative.pk}/measures/{measure.pk}/delete/")
    assert deleted.status_code == 302
    assert not SuccessMeasure.objects.for_org(personas.org).exists()


def test_a_bad_success_measure_re_renders_the_page_with_the_input(
    bare_initiative: Initiative, client_for: ClientFor
) -> None:
    response = client_for("business_lead").post(
        f"/o/acme/initiatives/{bare_initiative.pk}/measures/",
        {"measure-name": "Visits", "measure-target": "lots"},
    )
    assert response.status_code == 422
    assert "Enter a number." in body(response)
    assert 'value="Visits"' in body(response)


def test_a_measure_of_another_initiative_cannot_be_deleted_through_this_one(
    ready_initiative: Initiative, bare_initiative: Initiative, personas: Personas, client_for: ClientFor
) -> None:
    measure = SuccessMeasure.objects.for_org(personas.org).get(initiative=ready_initiative)
    response = client_for("owner").post(
        f"/o/acme/initiatives/{bare_initiative.pk}/measures/{measure.pk}/delete/"
    )
    assert response.status_code == 404
    assert SuccessMeasure.objects.for_org(personas.org).filter(pk=measure.pk).exists()


def test_key_results_are_linked_once_and_unlinked(
    bare_initiative: Initiative, key_result: KeyResult, personas: Personas, client_for: ClientFor
) -> None:
    client = client_for("business_lead")
    url = f"/o/acme/initiatives/{bare_initiative.pk}/links/"
    data = {"link-key_result": key_result.pk, "link-contribution": "+5 points"}
    assert client.post(url, data).status_code == 302
    duplicate = client.post(url, data)
    assert duplicate.status_code == 409  # a conflict: the same status as the API
    assert "already contributes" in body(duplicate)
    link = KeyResultLink.objects.for_org(personas.org).get(initiative=bare_initiative)
    assert link.contribution == "+5 points"
    assert client.post(f"{url}{link.pk}/delete/").status_code == 302
    assert not KeyResultLink.objects.for_org(personas.org).exists()


def test_the_link_form_marks_key_results_of_siloed_objectives(
    bare_initiative: Initiative, personas: Personas, client_for: ClientFor
) -> None:
    siloed = services.objective_create(
        actor=personas.owner,
        title="IT-only goal",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
    )
    services.key_result_create(
        actor=personas.owner, objective=siloed, metric="Uptime", baseline=99, target=99.9
    )
    page = body(client_for("business_lead").get(f"/o/acme/initiatives/{bare_initiative.pk}/"))
    assert 'label="IT-only goal (siloed)"' in page


# --- Objectives, key results, check-ins ----------------------------------------------------------


def test_the_objectives_list_shows_owners_siloed_objectives_progress_and_stale_key_results(
    objective: Objective, key_result: KeyResult, personas: Personas, client_for: ClientFor
) -> None:
    services.objective_create(
        actor=personas.owner,
        title="Modernise the data centre",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        it_owner=personas.it_lead,
    )
    services.check_in_create(actor=personas.member, key_result=key_result, value=21, confidence=6)
    KeyResult.objects.for_org(personas.org).filter(pk=key_result.pk).update(
        last_check_in_at=timezone.now() - timedelta(days=15)
    )
    page = body(client_for("viewer").get("/o/acme/objectives/"))
    assert "Win back customer trust" in page
    assert "Q4 2026" in page
    assert "Modernise the data centre" in page
    assert "siloed" in page
    assert '<progress max="100" value="50"' in page
    assert "no check-in for 14 days" in page
    assert "New objective" not in page


def test_the_objectives_list_filters_by_status_and_ignores_nonsense(
    objective: Objective, personas: Personas, client_for: ClientFor
) -> None:
    client = client_for("member")
    assert "Win back customer trust" not in body(client.get("/o/acme/objectives/", {"status": "draft"}))
    assert "Win back customer trust" in body(client.get("/o/acme/objectives/", {"status": "active"}))
    response = client.get("/o/acme/objectives/", {"status": "<script>", "page": "-1"})
    assert response.status_code == 200
    assert "Win back customer trust" in body(response)


def test_the_objectives_list_uses_the_same_number_of_queries_for_2_or_20_objectives(
    personas: Personas, client_for: ClientFor
) -> None:
    def grow(count: int) -> None:
        for n in range(count):
            objective = services.objective_create(
                actor=personas.owner,
                title=f"Objective {n}",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 3, 31),
                business_owner=personas.business_lead,
                it_owner=personas.it_lead,
            )
            services.key_result_create(
                actor=personas.owner, objective=objective, metric="m", baseline=0, target=1
            )

    client = client_for("member")
    grow(2)
    client.get("/o/acme/objectives/")
    few = _count_queries(client, "/o/acme/objectives/")
    grow(18)
    assert _count_queries(client, "/o/acme/objectives/") == few


def test_an_empty_objectives_list_invites_planners_to_start(
    personas: Personas, client_for: ClientFor
) -> None:
    page = body(client_for("business_lead").get("/o/acme/objectives/"))
    assert "No objectives yet" in page
    assert 'href="/o/acme/objectives/new/"' in page


def test_a_lead_creates_an_objective_for_a_quarter(personas: Personas, client_for: ClientFor) -> None:
    year = timezone.localdate().year + 1
    response = client_for("business_lead").post(
        "/o/acme/objectives/new/",
        {
            "title": "Faster deliveries",
            "quarter": f"{year}-1",
            "business_owner": personas.business_lead.pk,
            "it_owner": personas.it_lead.pk,
            "status": "active",
        },
    )
    objective = Objective.objects.for_org(personas.org).get(title="Faster deliveries")
    assert response.status_code == 302
    assert (objective.period_start, objective.period_end) == (date(year, 1, 1), date(year, 3, 31))
    assert objective.status == ObjectiveStatus.ACTIVE


def test_an_objective_with_custom_dates_needs_both(personas: Personas, client_for: ClientFor) -> None:
    client = client_for("owner")
    missing = client.post(
        "/o/acme/objectives/new/", {"title": "Custom", "period_start": "2026-02-01", "status": "draft"}
    )
    assert missing.status_code == 422
    assert "Choose a quarter or enter both dates." in body(missing)
    saved = client.post(
        "/o/acme/objectives/new/",
        {"title": "Custom", "period_start": "2026-02-01", "period_end": "2026-05-15", "status": "draft"},
    )
    assert saved.status_code == 302
    assert Objective.objects.for_org(personas.org).get(title="Custom").period_end == date(2026, 5, 15)


def test_a_siloed_objective_can_be_saved_as_a_draft_but_not_activated(
    personas: Personas, client_for: ClientFor
) -> None:
    data = {
        "title": "IT cost cut",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "business_owner": personas.it_lead.pk,
        "it_owner": personas.admin.pk,
        "status": "active",
    }
    client = client_for("owner")
    refused = client.post("/o/acme/objectives/new/", data)
    assert refused.status_code == 422
    assert 'id="id_status_error"' in body(refused)
    assert "siloed objective can only be a draft" in body(refused)
    assert 'value="IT cost cut"' in body(refused)
    assert client.post("/o/acme/objectives/new/", data | {"status": "draft"}).status_code == 302


def test_editing_an_objective_keeps_its_values_and_saves_changes(
    objective: Objective, personas: Personas, client_for: ClientFor
) -> None:
    client = client_for("it_lead")
    form = body(client.get(f"/o/acme/objectives/{objective.pk}/edit/"))
    assert 'value="Win back customer trust"' in form
    assert re.search(r'<option value="2026-4" selected>', form)
    response = client.post(
        f"/o/acme/objectives/{objective.pk}/edit/",
        {
            "title": "Win back trust",
            "quarter": "2026-4",
            "business_owner": personas.business_lead.pk,
            "it_owner": personas.it_lead.pk,
            "status": "achieved",
        },
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.title == "Win back trust"
    assert objective.status == ObjectiveStatus.ACHIEVED


def test_members_and_viewers_cannot_plan_objectives(objective: Objective, client_for: ClientFor) -> None:
    for name in ("member", "viewer"):
        client = client_for(name)
        assert client.get("/o/acme/objectives/new/").status_code == 404
        assert client.get(f"/o/acme/objectives/{objective.pk}/edit/").status_code == 404
        assert client.post(f"/o/acme/objectives/{objective.pk}/key-results/new/", {}).status_code == 404


def test_the_objective_page_lists_its_key_results(
    objective: Objective, key_result: KeyResult, client_for: ClientFor
) -> None:
    page = body(client_for("business_lead").get(f"/o/acme/objectives/{objective.pk}/"))
    assert "Net promoter score" in page
    assert f'href="/o/acme/objectives/{objective.pk}/key-results/new/"' in page


def test_a_key_result_is_added_and_edited(
    objective: Objective, personas: Personas, client_for: ClientFor
) -> None:
    client = client_for("business_lead")
    response = client.post(
        f"/o/acme/objectives/{objective.pk}/key-results/new/",
        {
            "metric": "Complaints per week",
            "unit": "",
            "direction": "decrease",
            "baseline": "40",
            "target": "10",
        },
    )
    assert response.status_code == 302
    kr = KeyResult.objects.for_org(personas.org).get(metric="Complaints per week")
    edited = client.post(
        f"/o/acme/key-results/{kr.pk}/edit/",
        {
            "metric": "Complaints per week",
            "direction": "decrease",
            "baseline": "40",
            "target": "5",
            "due_date": "2026-12-31",
        },
    )
    assert edited.status_code == 302
    kr.refresh_from_db()
    assert kr.target == 5
    assert kr.due_date == date(2026, 12, 31)


def test_a_key_result_target_on_the_wrong_side_is_a_422_on_the_target(
    objective: Objective, client_for: ClientFor
) -> None:
    response = client_for("business_lead").post(
        f"/o/acme/objectives/{objective.pk}/key-results/new/",
        {"metric": "Sales", "direction": "increase", "baseline": "10", "target": "5"},
    )
    assert response.status_code == 422
    assert 'id="id_target_error"' in body(response)
    assert 'value="Sales"' in body(response)


def test_a_band_needs_both_ends(objective: Objective, client_for: ClientFor) -> None:
    response = client_for("business_lead").post(
        f"/o/acme/objectives/{objective.pk}/key-results/new/",
        {"metric": "Stock", "direction": "within", "baseline": "10", "target": "20", "band_max": "30"},
    )
    assert response.status_code == 422
    assert "A band needs a minimum and a maximum." in body(response)


def test_the_key_result_page_charts_the_check_ins_with_a_text_table(
    key_result: KeyResult, personas: Personas, client_for: ClientFor
) -> None:
    start = timezone.now() - timedelta(days=30)
    for n, value in enumerate((14, 18, 22)):
        services.check_in_create(
            actor=personas.member,
            key_result=key_result,
            value=value,
            confidence=5 + n,
            note=f"week {n}",
            at=start + timedelta(days=10 * n),
        )
    page = body(client_for("viewer").get(f"/o/acme/key-results/{key_result.pk}/"))
    assert "<svg" in page
    assert page.count("<circle") == 3
    assert page.count('stroke-linecap="round"') == 2
    assert '<title id="kr-chart-title">History of Net promoter score</title>' in page
    assert "week 2" in page
    assert "7/10" in page
    assert "Add a check-in" not in page  # viewers read only


def test_a_member_records_a_check_in_that_becomes_the_current_value(
    key_result: KeyResult, personas: Personas, client_for: ClientFor
) -> None:
    response = client_for("member").post(
        f"/o/acme/key-results/{key_result.pk}/", {"value": "24", "confidence": "7", "note": "Good week"}
    )
    assert response.status_code == 302
    key_result.refresh_from_db()
    assert key_result.current == 24
    assert CheckIn.objects.for_org(personas.org).get().author == personas.member


def test_a_confidence_out_of_range_is_a_422_with_the_input_kept(
    key_result: KeyResult, client_for: ClientFor
) -> None:
    response = client_for("member").post(
        f"/o/acme/key-results/{key_result.pk}/", {"value": "24", "confidence": "11", "note": "Kept note"}
    )
    assert response.status_code == 422
    assert "Kept note" in body(response)
    assert 'id="id_confidence_error"' in body(response)


def test_a_viewer_cannot_record_a_check_in(key_result: KeyResult, client_for: ClientFor) -> None:
    response = client_for("viewer").post(
        f"/o/acme/key-results/{key_result.pk}/", {"value": "1", "confidence": "1"}
    )
    assert response.status_code == 404


def test_the_objective_tree_shows_contributions_orphans_and_unsupported_key_results(
    ready_initiative: Initiative,
    bare_initiative: Initiative,
    objective: Objective,
    personas: Personas,
    client_for: ClientFor,
) -> None:
    services.key_result_create(
        actor=personas.owner, objective=objective, metric="Churn", baseline=9, target=5, direction="decrease"
    )
    page = body(client_for("viewer").get("/o/acme/objectives/tree/"))
    tree = page[: page.index('id="orphans"')]
    orphans = page[page.index('id="orphans"') : page.index('id="unsupported"')]
    unsupported = page[page.index('id="unsupported"') :]
    assert "Self-service claims portal" in tree
    assert "Net promoter score" in tree
    assert "Replace the intranet" in orphans
    assert "Self-service claims portal" not in orphans
    assert "Churn" in unsupported
    assert "Net promoter score" not in unsupported


# --- Who may open what ----------------------------------------------------------------------------


def _pages(objective: Objective, key_result: KeyResult, initiative: Initiative) -> list[str]:
    return [
        "/o/acme/portfolio/",
        "/o/acme/objectives/",
        "/o/acme/objectives/tree/",
        "/o/acme/objectives/new/",
        f"/o/acme/objectives/{objective.pk}/",
        f"/o/acme/objectives/{objective.pk}/edit/",
        f"/o/acme/objectives/{objective.pk}/key-results/new/",
        f"/o/acme/key-results/{key_result.pk}/",
        f"/o/acme/key-results/{key_result.pk}/edit/",
        "/o/acme/initiatives/new/",
        f"/o/acme/initiatives/{initiative.pk}/",
        f"/o/acme/initiatives/{initiative.pk}/edit/",
    ]


@pytest.mark.parametrize("persona", ["partner", "outsider"])
def test_partners_and_other_tenants_get_404_everywhere(
    persona: str,
    objective: Objective,
    key_result: KeyResult,
    ready_initiative: Initiative,
    client_for: ClientFor,
) -> None:
    client = client_for(persona)
    for url in _pages(objective, key_result, ready_initiative):
        assert client.get(url).status_code == 404, url
    posts = [
        f"/o/acme/initiatives/{ready_initiative.pk}/transition/",
        f"/o/acme/initiatives/{ready_initiative.pk}/measures/",
        f"/o/acme/initiatives/{ready_initiative.pk}/links/",
        f"/o/acme/key-results/{key_result.pk}/",
    ]
    for url in posts:
        assert (
            client.post(url, {"transition-to": "approved", "value": "1", "confidence": "1"}).status_code
            == 404
        )
    assert fresh(ready_initiative).stage == Stage.PROPOSED


def test_an_anonymous_visitor_is_sent_to_sign_in(objective: Objective, client_for: ClientFor) -> None:
    response = client_for("anonymous").get("/o/acme/portfolio/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_viewer_cannot_change_anything_on_an_initiative(
    ready_initiative: Initiative, key_result: KeyResult, personas: Personas, client_for: ClientFor
) -> None:
    client = client_for("viewer")
    base = f"/o/acme/initiatives/{ready_initiative.pk}"
    measure = SuccessMeasure.objects.for_org(personas.org).get(initiative=ready_initiative)
    link = KeyResultLink.objects.for_org(personas.org).get(initiative=ready_initiative)
    assert client.post(f"{base}/transition/", {"transition-to": "approved"}).status_code == 404
    assert client.post(f"{base}/measures/", {"measure-name": "x"}).status_code == 404
    assert client.post(f"{base}/measures/{measure.pk}/delete/").status_code == 404
    assert client.post(f"{base}/links/", {"link-key_result": key_result.pk}).status_code == 404
    assert client.post(f"{base}/links/{link.pk}/delete/").status_code == 404
    assert fresh(ready_initiative).stage == Stage.PROPOSED


def test_pages_carry_no_inline_scripts_or_styles(
    objective: Objective,
    key_result: KeyResult,
    ready_initiative: Initiative,
    personas: Personas,
    client_for: ClientFor,
) -> None:
    services.check_in_create(actor=personas.member, key_result=key_result, value=20, confidence=5)
    client = client_for("owner")
    for url in _pages(objective, key_result, ready_initiative):
        page = body(client.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert "style=" not in page, url


def test_a_cancelled_initiative_explains_that_its_stage_no_longer_changes(
    ready_initiative: Initiative, personas: Personas, client_for: ClientFor
) -> None:
    services.initiative_transition(
        actor=personas.owner, initiative=ready_initiative, to="cancelled", reason="Budget cut"
    )
    response = client_for("owner").post(
        f"/o/acme/initiatives/{ready_initiative.pk}/transition/", {"transition-to": "idea"}
    )
    assert response.status_code == 422
    assert "its stage no longer changes" in body(response)


def test_odd_query_strings_never_break_the_portfolio(
    ready_initiative: Initiative, client_for: ClientFor
) -> None:
    client = client_for("member")
    for query in ({"q": "a\x00b"}, {"page": "999999"}, {"q": "x" * 500}, {"department": "99999"}):
        assert client.get("/o/acme/portfolio/", query).status_code == 200, query


def test_pages_have_no_duplicate_element_ids(
    objective: Objective,
    key_result: KeyResult,
    ready_initiative: Initiative,
    personas: Personas,
    client_for: ClientFor,
) -> None:
    services.check_in_create(actor=personas.member, key_result=key_result, value=20, confidence=5)
    client = client_for("owner")
    for url in _pages(objective, key_result, ready_initiative):
        ids = re.findall(r'\sid="([^"]+)"', body(client.get(url)))
        assert len(ids) == len(set(ids)), (url, sorted(i for i in ids if ids.count(i) > 1))


def test_the_objective_tree_uses_the_same_number_of_queries_for_2_or_12_objectives(
    personas: Personas, client_for: ClientFor
) -> None:
    def grow(count: int) -> None:
        for n in range(count):
            objective = services.objective_create(
                actor=personas.owner,
                title=f"O{n}",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 3, 31),
            )
            kr = services.key_result_create(
                actor=personas.owner, objective=objective, metric="m", baseline=0, target=1
            )
            initiative = services.initiative_create(actor=personas.owner, title=f"I{n}")
            if n % 2:
                services.key_result_link_add(actor=personas.owner, initiative=initiative, key_result=kr)

    client = client_for("member")
    grow(2)
    client.get("/o/acme/objectives/tree/")
    few = _count_queries(client, "/o/acme/objectives/tree/")
    grow(10)
    assert _count_queries(client, "/o/acme/objectives/tree/") == few


def test_the_org_home_shows_the_strategy_panel_to_insiders_only(
    personas: Personas, ready_initiative: Initiative, client_for: Callable[[str], Client]
) -> None:
    body = client_for("member").get("/o/acme/").content.decode()
    assert "Portfolio at a glance" in body
    assert "serve no shared objective" in body
    assert "Portfolio at a glance" not in client_for("partner").get("/o/acme/").content.decode()
