"""Partner isolation: a member on the partner side walks every delivery route (pages and API)
against the other vendor's deliverable, the change request about it, its feedback link and the
initiative itself, and meets a 404 (or a 405) with none of the other vendor's or the initiative's
texts in any answer; the dashboard, its export and the lists show only their own party. A new
delivery route that this walk cannot fill fails the test."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tandem.delivery import services
from tests.conftest import PROBE, Personas, probe
from tests.delivery.conftest import (
    LATER,
    OWN_CHANGE,
    OWN_TITLE,
    SOON,
    THEIR_SECRETS,
    TODAY,
    Delivery,
)
from tests.url_walk import all_routes

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

# Fields the delivery endpoints need besides the shared probe, so that the API reaches the gate
# (a body it cannot read is a 422 for everyone, before anything is looked up).
DELIVERY_PROBE = {
    **PROBE,
    "to_date": LATER,
    "committed_date": SOON,
    "rating": 3,
    "comment": "probe",
    "remarks": "probe",
}


@pytest.fixture
def theirs(delivery: Delivery) -> dict[str, Any]:
    """The other vendor's objects, and the initiative, in the partner's own organisation."""
    return {
        "org_slug": "acme",
        "slug": "acme",
        "fmt": "csv",
        "initiative_id": delivery.initiative.pk,
        "deliverable_id": delivery.theirs.pk,
        "change_id": delivery.their_change.pk,
        "feedback_link_id": delivery.their_link.pk,
        # The public door's key is its secret: the partner does not hold the other vendor's, so
        # they walk it with one they could guess (whoever holds a link may read what it rates).
        "feedback_token": "guessed-" + "x" * 40,
    }


def _delivery_routes() -> list[Any]:
    return [r for r in all_routes() if r.name.startswith(("delivery:", "api:delivery_"))]


def _body(response: Any) -> str:
    return str(response.content.decode(errors="replace"))


def _probe_body(url: str) -> dict[str, Any]:
    """A change request's decision is approve/reject/defer; a deliverable's accept/reject."""
    decision = "deferred" if "change" in url else "accepted"
    return {**DELIVERY_PROBE, "decision": decision}


def test_a_partner_meets_404_on_every_route_of_another_party(
    personas: Personas, delivery: Delivery, theirs: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(personas.partner.user)
    checked = 0
    for route in _delivery_routes():
        unknown = [c for c in route.converters if c not in theirs]
        assert not unknown, f"{route.pattern}: teach the partner walk how to fill {unknown}"
        objects = [c for c in route.converters if c not in ("org_slug", "slug", "fmt")]
        url = reverse(route.name, kwargs={c: theirs[c] for c in route.converters})
        for method in ("get", "post", "put", "patch", "delete"):
            if objects:  # the gate, not the body, must answer
                response = probe(client, method, url, _probe_body(url))
            else:  # a list or a page of the partner's own: whatever it answers, nothing of theirs
                response = getattr(client, method)(url, content_type="application/json", data=PROBE)
            body = _body(response)
            for secret in THEIR_SECRETS:
                assert secret not in body, f"{method.upper()} {url} shows {secret!r}"
            if objects:
                assert response.status_code in (404, 405), f"{method.upper()} {url}: {response.status_code}"
            else:
                assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
        checked += 1
    assert checked >= 40
    # Every write of the walk was refused: the other vendor's things are as they were.
    other, change, link = delivery.theirs, delivery.their_change, delivery.their_link
    for row in (other, change, link):
        row.refresh_from_db()
    assert (other.status, other.due_date) == ("planned", other.first_committed_date)
    assert not other.replans.exists()
    assert not other.offers.exists()
    assert change.status == "open"
    assert link.is_open


LISTS = [
    "/o/acme/delivery/",
    "/o/acme/delivery/export.csv",
    "/o/acme/changes/",
    "/o/acme/changes/?status=open",
    "/api/v1/orgs/acme/delivery",
    "/api/v1/orgs/acme/deliverables",
    "/api/v1/orgs/acme/change-requests",
]


@pytest.mark.parametrize("url", LISTS)
def test_the_lists_a_partner_opens_show_only_their_party(
    personas: Personas, delivery: Delivery, url: str
) -> None:
    client = Client()
    client.force_login(personas.partner.user)
    response = client.get(url)
    assert response.status_code == 200, url
    body = _body(response)
    own = {
        "/o/acme/delivery/": "Cloudline",
        "/o/acme/delivery/export.csv": "Cloudline",
        "/api/v1/orgs/acme/delivery": "Cloudline",
        "/api/v1/orgs/acme/deliverables": OWN_TITLE,
    }.get(url.split("?")[0], OWN_CHANGE)
    assert own in body, url
    for secret in THEIR_SECRETS:
        assert secret not in body, f"{url} shows {secret!r}"


def test_the_partners_own_deliverable_shows_nothing_of_the_other_vendor(
    personas: Personas, delivery: Delivery
) -> None:
    """The page of the vendor's own deliverable (with its change requests and feedback) and its
    API answer: their deliverable, nothing of the other vendor's or of the initiative's."""
    client = Client()
    client.force_login(personas.partner.user)
    for url in (
        f"/o/acme/deliverables/{delivery.own.pk}/",
        f"/o/acme/changes/{delivery.own_change.pk}/",
        f"/api/v1/orgs/acme/deliverables/{delivery.own.pk}",
        f"/api/v1/orgs/acme/change-requests/{delivery.own_change.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        for secret in THEIR_SECRETS:
            assert secret not in body, f"{url} shows {secret!r}"


@pytest.fixture
def approved_elsewhere(personas: Personas, delivery: Delivery) -> Delivery:
    """The other vendor's change request and the initiative's own, both approved."""
    for change in (delivery.their_change, delivery.initiative_change):
        services.change_request_decide(
            actor=personas.owner, change=change, decision="approved", reason="Yes."
        )
    return delivery


def test_the_partners_replan_form_names_no_change_request_they_may_not_see(
    personas: Personas, approved_elsewhere: Delivery
) -> None:
    client = Client()
    client.force_login(personas.partner.user)
    response = client.get(f"/o/acme/deliverables/{approved_elsewhere.own.pk}/")
    assert response.status_code == 200
    body = _body(response)
    assert not [secret for secret in THEIR_SECRETS if secret in body]


def test_a_partner_cannot_explain_a_replan_with_a_change_request_they_may_not_see(
    personas: Personas, approved_elsewhere: Delivery
) -> None:
    client = Client()
    client.force_login(personas.partner.user)
    url = f"/api/v1/orgs/acme/deliverables/{approved_elsewhere.own.pk}/replans"
    asked = (approved_elsewhere.their_change.pk, approved_elsewhere.initiative_change.pk, 10**9)
    answers = [
        client.post(
            url,
            {
                "to_date": (TODAY + timedelta(days=60 + n)).isoformat(),
                "reason": "Late.",
                "change_request_id": pk,
            },
            content_type="application/json",
        )
        for n, pk in enumerate(asked)
    ]
    assert [a.status_code for a in answers] == [422, 422, 422]
    assert len({a.content for a in answers}) == 1  # the same refusal as for no such request
    assert not approved_elsewhere.own.replans.exists()
