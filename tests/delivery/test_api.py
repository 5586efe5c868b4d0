"""The delivery API: a deliverable offered, rejected with its failed criteria, offered again and
accepted; an approved change request moving the plan while the baseline stays; a partner seeing
only their party's deliverables; and the public feedback door (stored, refused field by field,
closed, rate-limited)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from tandem.core import ratelimit
from tandem.delivery import selectors
from tandem.delivery.models import Deliverable, Feedback, FeedbackLink
from tandem.governance import services as governance
from tandem.governance.models import Party
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tests.conftest import Personas, bearer, fields_of, send

ACME = "/api/v1/orgs/acme"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    ratelimit.reset()
    yield
    ratelimit.reset()


@dataclass
class World:
    initiative: Initiative  # approved; business co-lead: business_lead; IT co-lead: it_lead
    vendor: Party  # the partner persona is its contact
    other_vendor: Party
    foreign: Party  # of the other organisation


@pytest.fixture
def world(personas: Personas, approved: Initiative) -> World:
    owner = personas.owner
    vendor = governance.party_create(actor=owner, name="Cloudline", kind="cloud_provider")
    governance.contact_add(actor=owner, party=vendor, membership=personas.partner)
    other = governance.party_create(actor=owner, name="Integra", kind="integrator")
    foreign = governance.party_create(actor=personas.outsider, name="Globex Vendor", kind="software_vendor")
    # The plan is named after approval: the baseline, taken without it, learns it once.
    strategy.initiative_update(
        actor=owner,
        initiative=approved,
        budget_amount=Decimal(100000),
        start_date=TODAY - timedelta(days=30),
        target_date=TODAY + timedelta(days=150),
    )
    return World(approved, vendor, other, foreign)


def _create(client: Client, world: World, **extra: Any) -> Any:
    body = {
        "title": "Claims upload",
        "committed_date": (TODAY + timedelta(days=20)).isoformat(),
        "criteria": ["Photos up to 10 MB", "Status visible without calling"],
        "owner_party_id": world.vendor.pk,
        **extra,
    }
    return send(client, "post", f"{ACME}/initiatives/{world.initiative.pk}/deliverables", body)


def _deliverable(personas: Personas, world: World, **extra: Any) -> dict[str, Any]:
    response = _create(bearer(personas.owner), world, **extra)
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


# --- Deliverables and their acceptance ---------------------------------------------------------


def test_a_rejected_deliverable_is_offered_again_and_accepted(personas: Personas, world: World) -> None:
    created = _deliverable(personas, world)
    url = f"{ACME}/deliverables/{created['id']}"
    assert (created["status"], created["owner"], created["owner_party_id"]) == (
        "planned",
        "Cloudline",
        world.vendor.pk,
    )
    first, second = created["criteria"]
    owner, business = bearer(personas.owner), bearer(personas.business_lead)

    response = send(owner, "post", url + "/offers", {"note": "Ready on staging"})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "offered"
    # Acceptance is the business's: the IT co-lead may not decide.
    refused = send(bearer(personas.it_lead), "post", url + "/decision", {"decision": "accepted"})
    assert refused.status_code == 404

    rejection = {
        "decision": "rejected",
        "rejection_reason": "criteria_not_met",
        "remarks": "Large photos fail.",
        "failed_criterion_ids": [first["id"]],
    }
    response = send(business, "post", url + "/decision", rejection)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "rejected"
    [offer] = body["offers"]
    assert (offer["decision"], offer["rejection_reason"], offer["failed_criterion_ids"]) == (
        "rejected",
        "criteria_not_met",
        [first["id"]],
    )
    assert offer["decided_by_id"] == personas.business_lead.pk

    assert send(owner, "post", url + "/offers", {}).status_code == 201
    response = send(business, "post", url + "/decision", {"decision": "accepted"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["delivered_on"], body["slip_days"]) == ("accepted", TODAY.isoformat(), -20)
    assert [(o["number"], o["decision"]) for o in body["offers"]] == [(1, "rejected"), (2, "accepted")]
    assert second["id"] not in body["offers"][0]["failed_criterion_ids"]

    # Accepted: nothing more to decide, no re-plan.
    assert send(business, "post", url + "/decision", {"decision": "accepted"}).status_code == 409
    replan = {"to_date": (TODAY + timedelta(days=40)).isoformat(), "reason": "Late"}
    assert send(owner, "post", url + "/replans", replan).status_code == 409

    figures = send(owner, "get", f"{ACME}/initiatives/{world.initiative.pk}/delivery").json()["figures"]
    assert (figures["accepted"], figures["on_time_rate"], figures["first_time_right_rate"]) == (1, 1.0, 0.0)
    assert figures["rejections"] == {"criteria_not_met": 1}


def test_a_rejection_without_the_failed_criteria_is_a_422_naming_the_field(
    personas: Personas, world: World
) -> None:
    created = _deliverable(personas, world)
    url = f"{ACME}/deliverables/{created['id']}"
    send(bearer(personas.owner), "post", url + "/offers", {})
    rejection = {"decision": "rejected", "rejection_reason": "criteria_not_met", "remarks": "No."}
    response = send(bearer(personas.business_lead), "post", url + "/decision", rejection)
    assert response.status_code == 422
    assert fields_of(response) == ["failed_criterion_ids"]


def test_an_owner_outside_the_organisation_is_a_422_naming_the_field(
    personas: Personas, world: World
) -> None:
    owner = bearer(personas.owner)
    response = _create(owner, world, owner_party_id=world.foreign.pk)
    assert response.status_code == 422
    assert fields_of(response) == ["owner_party_id"]
    response = _create(owner, world, owner_party_id=None, owner_member_id=personas.outsider.pk)
    assert response.status_code == 422
    assert fields_of(response) == ["owner_member_id"]
    response = _create(owner, world, owner_member_id=personas.it_lead.pk)  # and the vendor: both
    assert response.status_code == 422
    assert fields_of(response) == ["owner_party_id"]
    assert not Deliverable.objects.for_org(personas.org).exists()


def test_a_replan_keeps_the_first_committed_date_and_counts_as_unexplained(
    personas: Personas, world: World
) -> None:
    created = _deliverable(personas, world)
    url = f"{ACME}/deliverables/{created['id']}"
    new_date = (TODAY + timedelta(days=45)).isoformat()
    body = {"to_date": new_date, "reason": "The vendor is late", "asked_by_id": personas.partner.pk}
    response = send(bearer(personas.it_lead), "post", url + "/replans", body)
    assert response.status_code == 201, response.content
    detail = response.json()
    assert (detail["first_committed_date"], detail["due_date"]) == (created["first_committed_date"], new_date)
    [replan] = detail["replans"]
    assert (replan["asked_by_id"], replan["asked_side"], replan["slip_days"], replan["explained"]) == (
        personas.partner.pk,
        "partner",
        25,
        False,
    )


def test_a_patch_changes_only_what_it_sends(personas: Personas, world: World) -> None:
    created = _deliverable(personas, world)
    url = f"{ACME}/deliverables/{created['id']}"
    response = send(bearer(personas.owner), "patch", url, {"owner_member_id": personas.it_lead.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["owner_member_id"], body["owner_party_id"]) == (
        "Claims upload",
        personas.it_lead.pk,
        None,
    )
    assert [c["text"] for c in body["criteria"]] == ["Photos up to 10 MB", "Status visible without calling"]
    response = send(bearer(personas.owner), "patch", url, {"owner_member_id": None})
    assert (response.json()["owner_member_id"], response.json()["owner"]) == (None, None)


# --- Change requests and the baseline ----------------------------------------------------------


def test_an_approved_change_moves_the_plan_while_the_baseline_stays(personas: Personas, world: World) -> None:
    initiative = world.initiative
    base = f"{ACME}/initiatives/{initiative.pk}"
    before = send(bearer(personas.owner), "get", base + "/delivery").json()
    assert before["baseline"]["budget"] == "100000.00"
    assert before["baseline"]["taken_at"] is not None

    request = {
        "title": "Add a chat channel",
        "reason": "Customers asked for it",
        "budget_impact": "15000.00",
        "schedule_impact_days": 30,
    }
    response = send(bearer(personas.member), "post", base + "/change-requests", request)
    assert response.status_code == 201, response.content
    change = response.json()
    assert (change["status"], change["requested_by_id"], change["requested_side"]) == (
        "open",
        personas.member.pk,
        "business",
    )
    # A member may ask, not decide.
    decision = {"decision": "approved", "reason": "Worth it"}
    url = f"{ACME}/change-requests/{change['id']}/decision"
    assert send(bearer(personas.member), "post", url, decision).status_code == 404
    response = send(bearer(personas.business_lead), "post", url, decision)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert send(bearer(personas.business_lead), "post", url, decision).status_code == 409

    after = send(bearer(personas.owner), "get", base + "/delivery").json()
    assert after["baseline"] == before["baseline"]
    assert after["current"]["budget"] == "115000.00"
    assert after["current"]["target_date"] == (TODAY + timedelta(days=180)).isoformat()
    moves = {(p["field"], p["explained"], p["change_request_id"]) for p in after["plan_changes"]}
    assert moves == {("budget", True, change["id"]), ("target_date", True, change["id"])}
    assert after["figures"]["budget_variance"] == "15000.00"
    assert after["figures"]["schedule_variance_days"] == 30
    assert after["figures"]["unexplained_changes"] == 0

    listed = send(bearer(personas.owner), "get", f"{ACME}/change-requests?status=approved").json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, change["id"])
    assert send(bearer(personas.owner), "get", f"{ACME}/change-requests?status=open").json()["count"] == 0


def test_a_negative_budget_impact_is_taken_and_a_malformed_one_refused(
    personas: Personas, world: World
) -> None:
    base = f"{ACME}/initiatives/{world.initiative.pk}/change-requests"
    body = {"title": "Drop the archive", "reason": "Nobody uses it", "budget_impact": -2500.5}
    response = send(bearer(personas.owner), "post", base, body)
    assert response.status_code == 201, response.content
    assert response.json()["budget_impact"] == "-2500.50"
    response = send(bearer(personas.owner), "post", base, {**body, "budget_impact": "a lot"})
    assert response.status_code == 422
    assert fields_of(response) == ["budget_impact"]


# --- The partner's view ------------------------------------------------------------------------


def test_the_partner_sees_their_partys_deliverable_and_nothing_else(personas: Personas, world: World) -> None:
    theirs = _deliverable(personas, world)
    other = _deliverable(personas, world, title="Claims export", owner_party_id=world.other_vendor.pk)
    partner = bearer(personas.partner)

    response = send(partner, "get", f"{ACME}/deliverables/{theirs['id']}")
    assert response.status_code == 200
    assert (response.json()["feedback_link"], response.json()["feedback_recipients"]) == (None, None)
    assert send(partner, "get", f"{ACME}/deliverables/{other['id']}").status_code == 404
    assert [d["id"] for d in send(partner, "get", f"{ACME}/deliverables").json()["items"]] == [theirs["id"]]
    for rest in ("/delivery", "/deliverables", "/feedback", "/change-requests"):
        assert send(partner, "get", f"{ACME}/initiatives/{world.initiative.pk}{rest}").status_code == 404, (
            rest
        )

    dashboard = send(partner, "get", f"{ACME}/delivery").json()
    assert (dashboard["limited"], dashboard["initiatives"], dashboard["departments"]) == (True, [], [])
    assert [(p["id"], p["figures"]["deliverables"]) for p in dashboard["parties"]] == [(world.vendor.pk, 1)]


def test_the_dashboard_has_every_initiative_and_party(personas: Personas, world: World) -> None:
    _deliverable(personas, world)
    _deliverable(personas, world, title="Claims export", owner_party_id=world.other_vendor.pk)
    body = send(bearer(personas.viewer), "get", f"{ACME}/delivery").json()
    assert body["limited"] is False
    assert [(row["id"], row["figures"]["deliverables"]) for row in body["initiatives"]] == [
        (world.initiative.pk, 2)
    ]
    assert sorted(row["name"] for row in body["parties"]) == ["Cloudline", "Integra"]
    assert len(body["trend"]) == 12
    assert body["quiet_deliverable_ids"] == []


def test_only_owners_and_admins_change_the_thresholds(personas: Personas) -> None:
    url = f"{ACME}/delivery/settings"
    assert send(bearer(personas.business_lead), "put", url, {"on_time_min": 90}).status_code == 404
    response = send(bearer(personas.admin), "put", url, {"on_time_min": 90})
    assert response.status_code == 200, response.content
    body = send(bearer(personas.member), "get", url).json()
    assert (body["on_time_min"], body["first_time_right_min"]) == (90, 70)
    response = send(bearer(personas.admin), "put", url, {"feedback_quiet_days": 400})
    assert response.status_code == 422
    assert fields_of(response) == ["feedback_quiet_days"]


# --- End-user feedback -------------------------------------------------------------------------


def _feedback_link(personas: Personas, world: World) -> tuple[dict[str, Any], str]:
    """A deliverable's feedback link as its planner gets it, and its token."""
    created = _deliverable(personas, world)
    response = send(bearer(personas.owner), "post", f"{ACME}/deliverables/{created['id']}/feedback-link")
    assert response.status_code == 200, response.content
    link: dict[str, Any] = response.json()
    return link, link["url"].rstrip("/").rsplit("/", 1)[-1]


def test_end_user_feedback_is_stored_and_summed_up(personas: Personas, world: World) -> None:
    link, token = _feedback_link(personas, world)
    assert link["open"] is True
    stored = FeedbackLink.objects.for_org(personas.org).get(pk=link["id"])
    assert token == selectors.link_token(stored)

    about = Client().get(f"/api/v1/feedback/{token}")
    assert about.status_code == 200
    assert about.json() == {
        "organization": "Acme Insurance",
        "initiative": world.initiative.title,
        "deliverable": "Claims upload",
        "title": "Claims upload",
        "open": True,
    }
    response = send(Client(), "post", f"/api/v1/feedback/{token}", {"rating": 4, "comment": "Handy"})
    assert response.status_code == 201, response.content
    assert response.json()["detail"]
    send(Client(), "post", f"/api/v1/feedback/{token}", {"rating": 2, "name": "Ann"})
    [first, second] = Feedback.objects.for_org(personas.org).order_by("rating")
    assert (first.rating, first.name, second.rating, second.comment) == (2, "Ann", 4, "Handy")

    body = send(bearer(personas.viewer), "get", f"{ACME}/initiatives/{world.initiative.pk}/feedback").json()
    assert (body["summary"]["count"], body["summary"]["mean"], body["count"]) == (2, 3.0, 2)
    assert sorted((f["rating"], f["name"]) for f in body["items"]) == [(2, "Ann"), (4, None)]
    page = send(bearer(personas.viewer), "get", f"{ACME}/initiatives/{world.initiative.pk}/feedback?limit=1")
    assert (len(page.json()["items"]), page.json()["count"]) == (1, 2)


def test_the_link_shows_only_to_those_who_manage_it(personas: Personas, world: World) -> None:
    link, _token = _feedback_link(personas, world)
    deliverable_id = link["deliverable_id"]
    assert (
        send(bearer(personas.owner), "get", f"{ACME}/deliverables/{deliverable_id}").json()["feedback_link"]
        == link
    )
    viewer = bearer(personas.viewer)
    assert send(viewer, "get", f"{ACME}/deliverables/{deliverable_id}").json()["feedback_link"] is None
    assert send(viewer, "post", f"{ACME}/deliverables/{deliverable_id}/feedback-link").status_code == 404
    assert send(viewer, "post", f"{ACME}/feedback-links/{link['id']}/close").status_code == 404


def test_a_bad_rating_is_a_422_naming_the_field(personas: Personas, world: World) -> None:
    _link, token = _feedback_link(personas, world)
    for body in ({"rating": 6}, {"rating": 0}, {"rating": "5"}, {"comment": "No rating"}):
        response = send(Client(), "post", f"/api/v1/feedback/{token}", body)
        assert response.status_code == 422, body
        assert fields_of(response) == ["rating"], body
    response = send(Client(), "post", f"/api/v1/feedback/{token}", {"rating": 3, "name": "x" * 121})
    assert fields_of(response) == ["name"]
    assert not Feedback.objects.for_org(personas.org).exists()


def test_a_closed_link_is_a_409_and_an_unknown_one_a_404(personas: Personas, world: World) -> None:
    link, token = _feedback_link(personas, world)
    response = send(bearer(personas.owner), "post", f"{ACME}/feedback-links/{link['id']}/close")
    assert response.status_code == 200, response.content
    assert response.json()["open"] is False
    response = send(Client(), "post", f"/api/v1/feedback/{token}", {"rating": 5})
    assert response.status_code == 409
    assert response.json()["code"] == "closed"
    assert Client().get(f"/api/v1/feedback/{token}").json()["open"] is False
    assert not Feedback.objects.for_org(personas.org).exists()

    assert Client().get("/api/v1/feedback/unknown").status_code == 404
    assert send(Client(), "post", "/api/v1/feedback/unknown", {"rating": 5}).status_code == 404


def test_a_link_is_rate_limited(personas: Personas, world: World) -> None:
    _link, token = _feedback_link(personas, world)
    with override_settings(FEEDBACK_RATE_PER_LINK=2):
        statuses = [
            send(Client(), "post", f"/api/v1/feedback/{token}", {"rating": 5}).status_code for _ in range(2)
        ]
        assert statuses == [201, 201]
        response = send(Client(), "post", f"/api/v1/feedback/{token}", {"rating": 5})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Wait a minute" in response.json()["detail"]
    assert Feedback.objects.for_org(personas.org).count() == 2


def test_an_address_is_rate_limited_before_the_token_is_looked_up(personas: Personas) -> None:
    with override_settings(FEEDBACK_RATE_PER_ADDRESS=2):
        statuses = [
            send(Client(), "post", f"/api/v1/feedback/guess-{n}", {"rating": 5}).status_code for n in range(3)
        ]
    assert statuses == [404, 404, 429]
