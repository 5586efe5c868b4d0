"""The delivery pages: what each shows, who sees which step, how a refused step keeps what was
typed, and that partners see only their parties' deliverables."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.delivery import selectors, services
from tandem.delivery.models import ChangeRequest, ChangeStatus, Deliverable, DeliverableStatus, Offer
from tandem.governance import services as governance
from tandem.governance.models import Party
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tests.conftest import Personas

Clients = Callable[[str], Client]


def url(name: str, **kwargs: int) -> str:
    return reverse(f"delivery:{name}", kwargs={"org_slug": "acme", **kwargs})


def page(client: Client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def section(html: str, name: str) -> str:
    """The HTML of the page's ``<section id=name>``."""
    match = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    assert match, f"no section {name}"
    return match.group(0)


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def vendor(personas: Personas) -> Party:
    """An external party whose contact is the partner persona."""
    party = governance.party_create(actor=personas.owner, name="Cloudline", kind="cloud_provider")
    governance.contact_add(actor=personas.owner, party=party, membership=personas.partner)
    return party


@pytest.fixture
def initiative(personas: Personas, ready_initiative: Initiative) -> Initiative:
    """The claims portal, committed to (approved) with a budget of EUR 100,000 and a target date:
    the business lead is its business co-lead, the IT lead its IT co-lead."""
    strategy.initiative_update(
        actor=personas.owner,
        initiative=ready_initiative,
        budget_amount=Decimal(100000),
        start_date=today() - timedelta(days=30),
        target_date=today() + timedelta(days=90),
    )
    return strategy.initiative_transition(actor=personas.owner, initiative=ready_initiative, to="approved")


@dataclass
class Work:
    own: Deliverable  # owned by the partner's party
    other: Deliverable  # owned by the IT lead


@pytest.fixture
def work(personas: Personas, initiative: Initiative, vendor: Party) -> Work:
    own = services.deliverable_create(
        actor=personas.owner,
        initiative=initiative,
        title="Photo upload",
        committed_date=today() + timedelta(days=30),
        owner_party=vendor,
        criteria=["Photos up to 10 MB", "Works on a phone"],
    )
    other = services.deliverable_create(
        actor=personas.owner,
        initiative=initiative,
        title="Claim status page",
        committed_date=today() + timedelta(days=45),
        owner_member=personas.it_lead,
    )
    return Work(own, other)


@pytest.fixture
def offered(personas: Personas, work: Work) -> Deliverable:
    services.deliverable_offer(actor=personas.owner, deliverable=work.own, note="On the test site.")
    return work.own


# --- The initiative's delivery tab ---------------------------------------------------------------


def test_the_delivery_tab_shows_deliverables_and_the_steps_a_lead_may_take(
    client_for: Clients, initiative: Initiative, work: Work
) -> None:
    html = page(client_for("business_lead"), url("initiative", initiative_id=initiative.pk))
    deliverables = section(html, "deliverables")
    assert "Photo upload" in deliverables
    assert "Cloudline" in deliverables
    assert url("deliverable", deliverable_id=work.own.pk) in deliverables
    assert url("deliverable_new", initiative_id=initiative.pk) in html
    assert url("change_new", initiative_id=initiative.pk) in html


def test_a_figure_without_facts_reads_not_yet(
    client_for: Clients, initiative: Initiative, work: Work
) -> None:
    figures = section(page(client_for("member"), url("initiative", initiative_id=initiative.pk)), "figures")
    on_time = re.search(r"On time.*?</div>", figures, re.S)
    assert on_time
    assert "not yet" in on_time.group(0)  # nothing accepted: no on-time rate, not 0 %
    assert "0%" not in on_time.group(0)


def test_an_approved_change_moves_the_current_plan_and_the_baseline_stays(
    client_for: Clients, personas: Personas, initiative: Initiative
) -> None:
    change = services.change_request_create(
        actor=personas.business_lead,
        initiative=initiative,
        title="Add video upload",
        reason="Adjusters ask for it.",
        budget_impact="20000",
        schedule_impact_days=14,
    )
    services.change_request_decide(
        actor=personas.owner, change=change, decision="approved", reason="Worth it."
    )
    plan = section(page(client_for("member"), url("initiative", initiative_id=initiative.pk)), "plan")
    assert "EUR 100,000" in plan
    assert "EUR 120,000" in plan
    assert url("change", change_id=change.pk) in plan
    assert "unexplained" not in plan


def test_a_plan_move_without_an_approved_change_shows_as_unexplained(
    client_for: Clients, personas: Personas, initiative: Initiative
) -> None:
    assert initiative.target_date is not None
    strategy.initiative_update(
        actor=personas.owner, initiative=initiative, target_date=initiative.target_date + timedelta(days=30)
    )
    plan = section(page(client_for("member"), url("initiative", initiative_id=initiative.pk)), "plan")
    assert "unexplained" in plan


def test_a_viewer_sees_the_tab_without_the_steps(
    client_for: Clients, initiative: Initiative, work: Work
) -> None:
    html = page(client_for("viewer"), url("initiative", initiative_id=initiative.pk))
    assert "Photo upload" in html
    assert url("deliverable_new", initiative_id=initiative.pk) not in html
    assert url("change_new", initiative_id=initiative.pk) not in html


def test_a_partner_gets_404_on_the_delivery_tab(client_for: Clients, initiative: Initiative) -> None:
    page(client_for("partner"), url("initiative", initiative_id=initiative.pk), status=404)
    page(client_for("partner"), url("initiative", initiative_id=initiative.pk), status=404)  # not kept


def test_the_tab_shows_the_figures_the_selectors_tell(
    client_for: Clients, personas: Personas, initiative: Initiative, work: Work
) -> None:
    services.deliverable_offer(actor=personas.owner, deliverable=work.other, offered_on=today())
    services.deliverable_decide(actor=personas.business_lead, deliverable=work.other, decision="accepted")
    services.deliverable_cancel(actor=personas.owner, deliverable=work.own, reason="Not needed.")
    services.change_request_create(
        actor=personas.business_lead, initiative=initiative, title="More", reason="Why", budget_impact="500"
    )
    response = client_for("member").get(url("initiative", initiative_id=initiative.pk))
    assert response.context["figures"] == selectors.initiative_figures(initiative)
    assert response.context["plan"] == selectors.plan_facts([initiative])[0]


def test_the_tab_is_kept_whole_and_shows_new_end_user_feedback_at_once(
    client_for: Clients, personas: Personas, initiative: Initiative
) -> None:
    link = services.feedback_link_open(actor=personas.owner, initiative=initiative)
    client = client_for("member")
    tab = url("initiative", initiative_id=initiative.pk)
    assert "No end-user feedback yet" in section(page(client, tab), "feedback")
    with CaptureQueriesContext(connection) as queries:
        page(client, tab)  # kept: the gate, the feedback version, nothing of the tab itself
    assert not any("delivery_deliverable" in q["sql"] for q in queries.captured_queries)
    services.feedback_submit(token=selectors.link_token(link), rating=5, comment="Quick to use.")
    assert "Quick to use." in section(page(client, tab), "feedback")


# --- Adding and changing deliverables ------------------------------------------------------------


def test_a_viewer_gets_404_on_the_new_deliverable_form(client_for: Clients, initiative: Initiative) -> None:
    page(client_for("viewer"), url("deliverable_new", initiative_id=initiative.pk), status=404)


def test_adding_a_deliverable_goes_to_its_page(
    client_for: Clients, personas: Personas, initiative: Initiative
) -> None:
    committed = today() + timedelta(days=20)
    response = client_for("business_lead").post(
        url("deliverable_new", initiative_id=initiative.pk),
        {
            "title": "Photo upload",
            "owner_member": personas.it_lead.pk,
            "committed_date": committed.isoformat(),
            "criteria": "Photos up to 10 MB\nWorks on a phone",
            "feedback_recipients": "adjuster@acme.test",
        },
    )
    found = Deliverable.objects.for_org(personas.org).get()
    assert response.status_code == 302
    assert response["Location"] == url("deliverable", deliverable_id=found.pk)
    assert found.first_committed_date == committed
    assert [c.text for c in found.criteria.all()] == ["Photos up to 10 MB", "Works on a phone"]


def test_a_deliverable_without_a_title_shows_the_error_and_keeps_the_input(
    client_for: Clients, personas: Personas, initiative: Initiative
) -> None:
    response = client_for("business_lead").post(
        url("deliverable_new", initiative_id=initiative.pk),
        {
            "title": "",
            "committed_date": (today() + timedelta(days=20)).isoformat(),
            "criteria": "Fast enough",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in html
    assert "Fast enough" in html
    assert not Deliverable.objects.for_org(personas.org).exists()


def test_naming_a_member_and_a_party_as_owner_shows_the_services_error(
    client_for: Clients, personas: Personas, initiative: Initiative, vendor: Party
) -> None:
    response = client_for("business_lead").post(
        url("deliverable_new", initiative_id=initiative.pk),
        {
            "title": "Photo upload",
            "owner_member": personas.it_lead.pk,
            "owner_party": vendor.pk,
            "committed_date": (today() + timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Name a member or a party as the owner, not both." in response.content.decode()


def test_the_edit_form_shows_the_deliverable_without_its_date(client_for: Clients, work: Work) -> None:
    html = page(client_for("business_lead"), url("deliverable_edit", deliverable_id=work.own.pk))
    assert 'value="Photo upload"' in html
    assert "Works on a phone" in html
    assert 'name="committed_date"' not in html


# --- A deliverable's page and its steps ----------------------------------------------------------


def test_the_deliverable_page_shows_criteria_dates_and_the_steps_of_a_lead(
    client_for: Clients, work: Work
) -> None:
    html = page(client_for("business_lead"), url("deliverable", deliverable_id=work.own.pk))
    assert "Works on a phone" in section(html, "criteria")
    steps = section(html, "steps")
    assert url("deliverable_replan", deliverable_id=work.own.pk) in steps
    assert url("deliverable_offer", deliverable_id=work.own.pk) in steps
    assert url("deliverable_cancel", deliverable_id=work.own.pk) in steps
    assert url("deliverable_decide", deliverable_id=work.own.pk) not in steps  # not offered yet


def test_the_business_co_lead_sees_the_decide_form_and_another_member_does_not(
    client_for: Clients, offered: Deliverable
) -> None:
    decide = url("deliverable_decide", deliverable_id=offered.pk)
    assert decide in page(client_for("business_lead"), url("deliverable", deliverable_id=offered.pk))
    for name in ("it_lead", "member"):
        assert decide not in page(client_for(name), url("deliverable", deliverable_id=offered.pk))


def test_rejecting_without_saying_what_was_wrong_shows_the_error_and_keeps_the_choice(
    client_for: Clients, offered: Deliverable
) -> None:
    response = client_for("business_lead").post(
        url("deliverable_decide", deliverable_id=offered.pk),
        {"decision": "rejected", "rejection_reason": "not_what_we_expected", "remarks": ""},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Say what was wrong, so it can be reworked." in html
    assert '<option value="not_what_we_expected" selected>' in html
    offered.refresh_from_db()
    assert offered.status == DeliverableStatus.OFFERED


def test_a_rejection_shows_in_the_offer_history_with_the_failed_criterion(
    client_for: Clients, offered: Deliverable
) -> None:
    criterion = offered.criteria.get(text="Works on a phone")
    response = client_for("business_lead").post(
        url("deliverable_decide", deliverable_id=offered.pk),
        {
            "decision": "rejected",
            "rejection_reason": "criteria_not_met",
            "remarks": "The upload button is off screen.",
            "failed_criteria": [criterion.pk],
        },
    )
    assert response.status_code == 302
    offers = section(page(client_for("member"), url("deliverable", deliverable_id=offered.pk)), "offers")
    assert "Acceptance criteria not met" in offers
    assert "The upload button is off screen." in offers
    assert "Works on a phone" in offers


def test_another_member_may_not_post_a_decision(client_for: Clients, offered: Deliverable) -> None:
    response = client_for("it_lead").post(
        url("deliverable_decide", deliverable_id=offered.pk), {"decision": "accepted"}
    )
    assert response.status_code == 404
    assert not Offer.objects.for_org(offered.organization).exclude(decision="").exists()


def test_a_replan_without_an_approved_change_shows_as_unexplained(
    client_for: Clients, personas: Personas, work: Work
) -> None:
    new_date = work.own.due_date + timedelta(days=10)
    response = client_for("business_lead").post(
        url("deliverable_replan", deliverable_id=work.own.pk),
        {
            "to_date": new_date.isoformat(),
            "reason": "Test data arrived late.",
            "asked_by": personas.it_lead.pk,
        },
    )
    assert response.status_code == 302
    replans = section(page(client_for("member"), url("deliverable", deliverable_id=work.own.pk)), "replans")
    assert "Test data arrived late." in replans
    assert "+10" in replans
    assert "unexplained" in replans


def test_a_replan_without_a_reason_keeps_the_new_date(client_for: Clients, work: Work) -> None:
    new_date = (work.own.due_date + timedelta(days=10)).isoformat()
    response = client_for("business_lead").post(
        url("deliverable_replan", deliverable_id=work.own.pk), {"to_date": new_date, "reason": ""}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in section(html, "steps")
    assert f'value="{new_date}"' in html


def test_the_steps_answer_405_to_a_get(client_for: Clients, work: Work) -> None:
    client = client_for("business_lead")
    for name in ("deliverable_replan", "deliverable_offer", "deliverable_decide", "deliverable_cancel"):
        page(client, url(name, deliverable_id=work.own.pk), status=405)


def test_a_partner_sees_the_deliverable_their_party_owns_and_may_offer_it(
    client_for: Clients, work: Work
) -> None:
    client = client_for("partner")
    html = page(client, url("deliverable", deliverable_id=work.own.pk))
    assert "Photo upload" in html
    assert url("deliverable_offer", deliverable_id=work.own.pk) in html
    assert url("initiative", initiative_id=work.own.initiative_id) not in html
    page(client, url("deliverable", deliverable_id=work.other.pk), status=404)


def test_cancelling_records_the_status(client_for: Clients, work: Work) -> None:
    response = client_for("business_lead").post(
        url("deliverable_cancel", deliverable_id=work.other.pk), {"reason": "No longer needed."}
    )
    assert response.status_code == 302
    work.other.refresh_from_db()
    assert work.other.status == DeliverableStatus.CANCELLED


# --- Feedback links ------------------------------------------------------------------------------


def test_opening_a_feedback_link_shows_its_public_address_and_it_can_be_closed(
    client_for: Clients, work: Work
) -> None:
    client = client_for("business_lead")
    response = client.post(url("deliverable_feedback_link", deliverable_id=work.own.pk))
    assert response.status_code == 302
    feedback = section(page(client, url("deliverable", deliverable_id=work.own.pk)), "feedback")
    assert "http://testserver/feedback/" in feedback
    link = work.own.feedback_link
    assert client.post(url("feedback_link_close", feedback_link_id=link.pk)).status_code == 302
    link.refresh_from_db()
    assert not link.is_open


def test_the_initiative_feedback_link_opens_from_the_tab(client_for: Clients, initiative: Initiative) -> None:
    client = client_for("business_lead")
    assert client.post(url("initiative_feedback_link", initiative_id=initiative.pk)).status_code == 302
    feedback = section(page(client, url("initiative", initiative_id=initiative.pk)), "feedback")
    assert "http://testserver/feedback/" in feedback


def test_a_viewer_may_not_open_a_feedback_link(client_for: Clients, initiative: Initiative) -> None:
    response = client_for("viewer").post(url("initiative_feedback_link", initiative_id=initiative.pk))
    assert response.status_code == 404


# --- Change requests -----------------------------------------------------------------------------


def test_requesting_a_change_goes_to_its_page(
    client_for: Clients, personas: Personas, initiative: Initiative, work: Work
) -> None:
    client = client_for("member")
    assert page(client, url("change_new", initiative_id=initiative.pk))
    response = client.post(
        url("change_new", initiative_id=initiative.pk),
        {
            "title": "Add video upload",
            "reason": "Adjusters ask for it.",
            "budget_impact": "-1500.50",
            "schedule_impact_days": "7",
            "deliverable": work.own.pk,
            "requested_by": personas.member.pk,
        },
    )
    change = ChangeRequest.objects.for_org(personas.org).get()
    assert response.status_code == 302
    assert response["Location"] == url("change", change_id=change.pk)
    assert change.budget_impact == Decimal("-1500.50")
    assert change.deliverable == work.own


def test_a_change_request_without_a_reason_keeps_the_title(
    client_for: Clients, initiative: Initiative
) -> None:
    response = client_for("member").post(
        url("change_new", initiative_id=initiative.pk), {"title": "Add video upload", "reason": ""}
    )
    assert response.status_code == 422
    assert 'value="Add video upload"' in response.content.decode()


@pytest.fixture
def change(personas: Personas, initiative: Initiative) -> ChangeRequest:
    return services.change_request_create(
        actor=personas.member,
        initiative=initiative,
        title="Add video upload",
        reason="Adjusters ask for it.",
        budget_impact="20000",
        schedule_impact_days=14,
    )


def test_the_change_list_shows_the_requests_and_filters_by_status(
    client_for: Clients, change: ChangeRequest
) -> None:
    client = client_for("member")
    html = page(client, url("changes"))
    assert "Add video upload" in html
    assert "EUR +20,000" in html
    assert "Awaiting a decision" in html
    assert "Add video upload" not in page(client, url("changes") + "?status=approved")


def test_a_co_lead_decides_on_a_change_and_its_page_shows_what_moved(
    client_for: Clients, change: ChangeRequest
) -> None:
    client = client_for("business_lead")
    assert url("change_decide", change_id=change.pk) in page(client, url("change", change_id=change.pk))
    response = client.post(
        url("change_decide", change_id=change.pk), {"decision": "approved", "reason": "Worth it."}
    )
    assert response.status_code == 302
    decision = section(page(client, url("change", change_id=change.pk)), "decision")
    assert "EUR 120,000" in decision
    assert url("change_decide", change_id=change.pk) not in decision


def test_a_member_who_does_not_decide_sees_no_decision_form(
    client_for: Clients, change: ChangeRequest
) -> None:
    html = page(client_for("member"), url("change", change_id=change.pk))
    assert url("change_decide", change_id=change.pk) not in html


def test_a_decision_without_a_reason_keeps_the_choice(client_for: Clients, change: ChangeRequest) -> None:
    response = client_for("business_lead").post(
        url("change_decide", change_id=change.pk), {"decision": "deferred"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'value="deferred"[^>]*checked', html)
    change.refresh_from_db()
    assert change.status == ChangeStatus.OPEN


def test_the_strategy_page_links_to_the_delivery_tab(client_for: Clients, initiative: Initiative) -> None:
    html = page(client_for("member"), reverse("strategy:initiative_detail", args=["acme", initiative.pk]))
    assert url("initiative", initiative_id=initiative.pk) in html
