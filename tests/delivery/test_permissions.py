"""The permission matrix of delivery: every page and endpoint, every persona, the status.

Internal members read every initiative's delivery, change requests and figures; the partner
persona (a contact of Cloudline) reads only the deliverables Cloudline owns and the change
requests about those. Whoever may edit the initiative (owners, admins, leads; a member only when
involved) plans its deliverables and feedback links; a deliverable's owner also offers and
re-plans it. The business decides on acceptance: the initiative's business co-lead, or without
one an owner or admin on the business side. Any internal member but a viewer requests a change;
the co-leads, the sponsor, owners and admins decide on it. Owners and admins set the thresholds.
The end users' feedback door takes anyone with its link. Other tenants get 404 everywhere;
anonymous visitors are sent to sign in (pages) or refused with 401 (API).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from tandem.core import cache
from tandem.delivery import selectors
from tests.conftest import ADMINS, INTERNAL, MEMBERS, PERSONAS
from tests.delivery.conftest import LATER, SOON, TODAY, Delivery
from tests.url_walk import all_url_names

pytestmark = [pytest.mark.permission_matrix, pytest.mark.usefixtures("fresh_rate_limits")]

LEADS = ADMINS | {"business_lead", "it_lead"}
PLANNERS = LEADS  # of the initiative: editors everywhere; the member persona is not involved
REQUESTERS = INTERNAL - {"viewer"}
DECIDERS = ADMINS | {"business_lead", "it_lead"}  # the co-leads (no sponsor), owners and admins
ACCEPTERS = {"business_lead"}  # the initiative's business co-lead, and nobody else
EVERYONE = set(PERSONAS)  # the public door: its link is its key


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    allowed: set[str]
    ok: int = 200
    data: dict[str, Any] | None = None
    api: bool = False
    public: bool = False  # no account: every persona, anonymous included, gets ``ok``


@pytest.fixture
def world(delivery: Delivery) -> dict[str, Any]:
    return delivery.ids()


ORG = "/o/acme/"
INI = ORG + "initiatives/{initiative}/"
DEL = ORG + "deliverables/"
CHG = ORG + "changes/"
REPLAN = {"to_date": LATER, "reason": "The vendor is late.", "asked_by": "{partner_member}"}
OFFER = {"offered_on": TODAY.isoformat(), "note": "On the test site."}
SETTINGS = {
    "on_time_min": "80",
    "first_time_right_min": "75",
    "scope_creep_max": "25",
    "unexplained_max": "1",
    "feedback_quiet_days": "21",
}
DELIVERABLE = {
    "title": "Claim tracker",
    "committed_date": SOON,
    "owner_party": "{vendor}",
    "criteria": "Shows every claim\nWorks on a phone",
}
PAGES: list[Row] = [
    Row("delivery:dashboard", "get", ORG + "delivery/", MEMBERS),
    Row("delivery:export", "get", ORG + "delivery/export.csv", MEMBERS),
    Row("delivery:export", "get", ORG + "delivery/export.xlsx", MEMBERS),
    Row("delivery:export", "get", ORG + "delivery/export.pdf", set()),
    Row("delivery:settings", "get", ORG + "delivery/settings/", ADMINS),
    Row("delivery:settings", "post", ORG + "delivery/settings/", ADMINS, 302, SETTINGS),
    Row("delivery:initiative", "get", INI + "delivery/", INTERNAL),
    Row("delivery:deliverable_new", "get", INI + "deliverables/new/", PLANNERS),
    Row("delivery:deliverable_new", "post", INI + "deliverables/new/", PLANNERS, 302, DELIVERABLE),
    # The member persona sponsors the bare initiative: involved, it may plan it.
    Row(
        "delivery:deliverable_new",
        "post",
        ORG + "initiatives/{bare}/deliverables/new/",
        PLANNERS | {"member"},
        302,
        DELIVERABLE,
    ),
    Row("delivery:change_new", "get", INI + "changes/new/", REQUESTERS),
    Row("delivery:change_new", "get", INI + "changes/new/?deliverable={own}", REQUESTERS),
    Row(
        "delivery:change_new",
        "post",
        INI + "changes/new/",
        REQUESTERS,
        302,
        {
            "title": "Add a claims calculator",
            "reason": "Customers ask for it.",
            "budget_impact": "5000",
            "schedule_impact_days": "10",
            "deliverable": "{own}",
            "requested_by": "{owner_member}",
        },
    ),
    Row("delivery:initiative_feedback_link", "post", INI + "feedback-link/", PLANNERS, 302),
    Row(
        "delivery:initiative_feedback_link",
        "post",
        ORG + "initiatives/{bare}/feedback-link/",
        PLANNERS | {"member"},
        302,
    ),
    Row("delivery:deliverable", "get", DEL + "{own}/", MEMBERS),  # the partner's own vendor's
    Row("delivery:deliverable", "get", DEL + "{own_offered}/", MEMBERS),
    Row("delivery:deliverable", "get", DEL + "{theirs}/", INTERNAL),  # another party's: 404 for the partner
    Row("delivery:deliverable", "get", DEL + "{members}/", INTERNAL),
    Row("delivery:deliverable_edit", "get", DEL + "{own}/edit/", PLANNERS),
    Row("delivery:deliverable_edit", "get", DEL + "{theirs}/edit/", PLANNERS),
    Row(
        "delivery:deliverable_edit",
        "post",
        DEL + "{own}/edit/",
        PLANNERS,
        302,
        {"title": "Photo and video upload", "owner_party": "{vendor}", "criteria": "Up to 10 MB"},
    ),
    Row(
        "delivery:deliverable_edit",
        "post",
        DEL + "{theirs}/edit/",
        PLANNERS,
        302,
        {"title": "Claims bridge", "owner_party": "{other}", "criteria": "No message lost"},
    ),
    # Its owner (the vendor's contact, the member persona) re-plans and offers it, as its planners do.
    Row("delivery:deliverable_replan", "post", DEL + "{own}/replan/", PLANNERS | {"partner"}, 302, REPLAN),
    Row("delivery:deliverable_replan", "post", DEL + "{theirs}/replan/", PLANNERS, 302, REPLAN),
    Row("delivery:deliverable_replan", "post", DEL + "{members}/replan/", PLANNERS | {"member"}, 302, REPLAN),
    Row("delivery:deliverable_offer", "post", DEL + "{own}/offer/", PLANNERS | {"partner"}, 302, OFFER),
    Row("delivery:deliverable_offer", "post", DEL + "{theirs}/offer/", PLANNERS, 302, OFFER),
    Row("delivery:deliverable_offer", "post", DEL + "{members}/offer/", PLANNERS | {"member"}, 302, OFFER),
    # Acceptance is the business's: the business co-lead, not the owner or admin, not the vendor.
    Row(
        "delivery:deliverable_decide",
        "post",
        DEL + "{own_offered}/decide/",
        ACCEPTERS,
        302,
        {"decision": "accepted"},
    ),
    Row(
        "delivery:deliverable_decide",
        "post",
        DEL + "{theirs_offered}/decide/",
        ACCEPTERS,
        302,
        {"decision": "accepted_with_remarks", "remarks": "The log is in English only."},
    ),
    # Without a business co-lead: an owner or admin on the business side (the owner; the admin is IT).
    Row(
        "delivery:deliverable_decide",
        "post",
        DEL + "{bare_offered}/decide/",
        {"owner"},
        302,
        {"decision": "accepted"},
    ),
    Row(
        "delivery:deliverable_cancel",
        "post",
        DEL + "{own}/cancel/",
        PLANNERS,
        302,
        {"reason": "No longer wanted."},
    ),
    Row(
        "delivery:deliverable_cancel",
        "post",
        DEL + "{theirs}/cancel/",
        PLANNERS,
        302,
        {"reason": "No longer wanted."},
    ),
    Row("delivery:deliverable_feedback_link", "post", DEL + "{members}/feedback-link/", PLANNERS, 302),
    Row("delivery:deliverable_feedback_link", "post", DEL + "{own}/feedback-link/", PLANNERS, 302),
    Row("delivery:feedback_link_close", "post", ORG + "feedback-links/{own_link}/close/", PLANNERS, 302),
    Row(
        "delivery:feedback_link_close", "post", ORG + "feedback-links/{initiative_link}/close/", PLANNERS, 302
    ),
    Row("delivery:changes", "get", CHG, MEMBERS),
    Row("delivery:changes", "get", CHG + "?status=open&page=2", MEMBERS),
    Row("delivery:change", "get", CHG + "{own_change}/", MEMBERS),  # about the partner's vendor's
    Row("delivery:change", "get", CHG + "{their_change}/", INTERNAL),
    Row("delivery:change", "get", CHG + "{initiative_change}/", INTERNAL),
    Row(
        "delivery:change_decide",
        "post",
        CHG + "{initiative_change}/decide/",
        DECIDERS,
        302,
        {"decision": "approved", "reason": "Worth it."},
    ),
    Row(
        "delivery:change_decide",
        "post",
        CHG + "{own_change}/decide/",
        DECIDERS,
        302,
        {"decision": "deferred", "reason": "After the pilot."},
    ),
    # The bare initiative's sponsor (the member persona) decides with its IT co-lead; a lead who
    # co-leads nothing of it does not.
    Row(
        "delivery:change_decide",
        "post",
        CHG + "{bare_change}/decide/",
        ADMINS | {"it_lead", "member"},
        302,
        {"decision": "rejected", "reason": "Not now."},
    ),
    # The end users' door: anyone holding the link, signed in or not, inside or out.
    Row("delivery:feedback_public", "get", "/feedback/{own_token}/", EVERYONE, public=True),
    Row(
        "delivery:feedback_public",
        "post",
        "/feedback/{own_token}/",
        EVERYONE,
        200,
        {"rating": "5", "comment": "Quick and easy."},
        public=True,
    ),
    Row("delivery:feedback_public", "get", "/feedback/{closed_token}/", EVERYONE, 410, public=True),
    Row(
        "delivery:feedback_public",
        "post",
        "/feedback/{closed_token}/",
        EVERYONE,
        410,
        {"rating": "3"},
        public=True,
    ),
    Row("delivery:feedback_public", "get", "/feedback/no-such-link/", EVERYONE, 404, public=True),
]
A = "/api/v1/orgs/acme"
AI = A + "/initiatives/{initiative}"
AD = A + "/deliverables/"
AC = A + "/change-requests"
API_REPLAN = {"to_date": LATER, "reason": "The vendor is late."}
API: list[Row] = [
    Row("api:delivery_dashboard", "get", A + "/delivery", MEMBERS, api=True),
    # Reading the thresholds is for every internal member (the API documents it so); changing them
    # is for owners and admins.
    Row("api:delivery_settings_get", "get", A + "/delivery/settings", INTERNAL, api=True),
    Row(
        "api:delivery_settings_put",
        "put",
        A + "/delivery/settings",
        ADMINS,
        data={"on_time_min": 80, "feedback_quiet_days": 21},
        api=True,
    ),
    Row("api:delivery_initiative", "get", AI + "/delivery", INTERNAL, api=True),
    Row("api:delivery_deliverable_list", "get", A + "/deliverables", MEMBERS, api=True),
    Row(
        "api:delivery_deliverable_list",
        "get",
        A + "/deliverables?status=offered&initiative_id={initiative}",
        MEMBERS,
        api=True,
    ),
    Row("api:delivery_initiative_deliverables", "get", AI + "/deliverables", INTERNAL, api=True),
    Row(
        "api:delivery_deliverable_create",
        "post",
        AI + "/deliverables",
        PLANNERS,
        201,
        {
            "title": "Claim tracker",
            "committed_date": SOON,
            "owner_party_id": "{vendor}",
            "criteria": ["Shows every claim"],
        },
        api=True,
    ),
    Row(
        "api:delivery_deliverable_create",
        "post",
        A + "/initiatives/{bare}/deliverables",
        PLANNERS | {"member"},
        201,
        {"title": "Archive export", "committed_date": SOON},
        api=True,
    ),
    Row("api:delivery_deliverable_detail", "get", AD + "{own}", MEMBERS, api=True),
    Row("api:delivery_deliverable_detail", "get", AD + "{theirs}", INTERNAL, api=True),
    Row(
        "api:delivery_deliverable_update",
        "patch",
        AD + "{own}",
        PLANNERS,
        data={"description": "Photos and video."},
        api=True,
    ),
    Row(
        "api:delivery_deliverable_update",
        "patch",
        AD + "{theirs}",
        PLANNERS,
        data={"owner_party_id": "{vendor}"},
        api=True,
    ),
    Row(
        "api:delivery_deliverable_replan",
        "post",
        AD + "{own}/replans",
        PLANNERS | {"partner"},
        201,
        API_REPLAN,
        api=True,
    ),
    Row(
        "api:delivery_deliverable_replan",
        "post",
        AD + "{theirs}/replans",
        PLANNERS,
        201,
        API_REPLAN,
        api=True,
    ),
    Row(
        "api:delivery_deliverable_replan",
        "post",
        AD + "{members}/replans",
        PLANNERS | {"member"},
        201,
        API_REPLAN,
        api=True,
    ),
    Row(
        "api:delivery_deliverable_offer",
        "post",
        AD + "{own}/offers",
        PLANNERS | {"partner"},
        201,
        {"note": "Ready."},
        api=True,
    ),
    Row(
        "api:delivery_deliverable_offer",
        "post",
        AD + "{theirs}/offers",
        PLANNERS,
        201,
        {"note": "Ready."},
        api=True,
    ),
    Row(
        "api:delivery_deliverable_offer",
        "post",
        AD + "{members}/offers",
        PLANNERS | {"member"},
        201,
        {},
        api=True,
    ),
    Row(
        "api:delivery_deliverable_decide",
        "post",
        AD + "{own_offered}/decision",
        ACCEPTERS,
        data={"decision": "accepted"},
        api=True,
    ),
    Row(
        "api:delivery_deliverable_decide",
        "post",
        AD + "{theirs_offered}/decision",
        ACCEPTERS,
        data={"decision": "rejected", "rejection_reason": "quality", "remarks": "It crashes."},
        api=True,
    ),
    Row(
        "api:delivery_deliverable_decide",
        "post",
        AD + "{bare_offered}/decision",
        {"owner"},
        data={"decision": "accepted"},
        api=True,
    ),
    Row(
        "api:delivery_deliverable_cancel",
        "post",
        AD + "{own}/cancel",
        PLANNERS,
        data={"reason": "Dropped."},
        api=True,
    ),
    Row(
        "api:delivery_deliverable_cancel",
        "post",
        AD + "{theirs}/cancel",
        PLANNERS,
        data={"reason": "Dropped."},
        api=True,
    ),
    Row("api:delivery_deliverable_feedback_link", "post", AD + "{members}/feedback-link", PLANNERS, api=True),
    Row("api:delivery_deliverable_feedback_link", "post", AD + "{own}/feedback-link", PLANNERS, api=True),
    Row("api:delivery_change_list", "get", AC, MEMBERS, api=True),
    Row("api:delivery_change_list", "get", AC + "?status=open&initiative_id={initiative}", MEMBERS, api=True),
    Row("api:delivery_initiative_changes", "get", AI + "/change-requests", INTERNAL, api=True),
    Row(
        "api:delivery_change_create",
        "post",
        AI + "/change-requests",
        REQUESTERS,
        201,
        {
            "title": "Add a calculator",
            "reason": "Customers ask.",
            "budget_impact": "5000",
            "schedule_impact_days": 10,
        },
        api=True,
    ),
    Row(
        "api:delivery_change_create",
        "post",
        AI + "/change-requests",
        REQUESTERS,
        201,
        {
            "title": "Retry",
            "reason": "Lost messages.",
            "deliverable_id": "{theirs}",
            "requested_by_id": "{owner_member}",
        },
        api=True,
    ),
    Row("api:delivery_change_detail", "get", AC + "/{own_change}", MEMBERS, api=True),
    Row("api:delivery_change_detail", "get", AC + "/{their_change}", INTERNAL, api=True),
    Row("api:delivery_change_detail", "get", AC + "/{initiative_change}", INTERNAL, api=True),
    Row(
        "api:delivery_change_decide",
        "post",
        AC + "/{initiative_change}/decision",
        DECIDERS,
        data={"decision": "rejected", "reason": "Not now."},
        api=True,
    ),
    Row(
        "api:delivery_change_decide",
        "post",
        AC + "/{own_change}/decision",
        DECIDERS,
        data={"decision": "approved", "reason": "Worth it."},
        api=True,
    ),
    Row(
        "api:delivery_change_decide",
        "post",
        AC + "/{bare_change}/decision",
        ADMINS | {"it_lead", "member"},
        data={"decision": "deferred", "reason": "Later."},
        api=True,
    ),
    Row("api:delivery_initiative_feedback_link", "post", AI + "/feedback-link", PLANNERS, api=True),
    Row(
        "api:delivery_initiative_feedback_link",
        "post",
        A + "/initiatives/{bare}/feedback-link",
        PLANNERS | {"member"},
        api=True,
    ),
    Row(
        "api:delivery_feedback_link_close", "post", A + "/feedback-links/{own_link}/close", PLANNERS, api=True
    ),
    Row(
        "api:delivery_feedback_link_close",
        "post",
        A + "/feedback-links/{their_link}/close",
        PLANNERS,
        api=True,
    ),
    Row("api:delivery_feedback", "get", AI + "/feedback", INTERNAL, api=True),
    Row("api:delivery_feedback", "get", AI + "/feedback?limit=1&offset=1", INTERNAL, api=True),
    Row("api:delivery_feedback_form", "get", "/api/v1/feedback/{own_token}", EVERYONE, api=True, public=True),
    Row(
        "api:delivery_feedback_form",
        "get",
        "/api/v1/feedback/no-such-link",
        EVERYONE,
        404,
        api=True,
        public=True,
    ),
    Row(
        "api:delivery_feedback_submit",
        "post",
        "/api/v1/feedback/{own_token}",
        EVERYONE,
        201,
        {"rating": 4, "comment": "Works."},
        api=True,
        public=True,
    ),
    Row(
        "api:delivery_feedback_submit",
        "post",
        "/api/v1/feedback/{closed_token}",
        EVERYONE,
        409,
        {"rating": 4},
        api=True,
        public=True,
    ),
]
MATRIX = PAGES + API
NAMES = {row.name for row in MATRIX}
API_NAMES = {row.name for row in MATRIX if row.api}


def expected(row: Row, persona: str) -> int:
    if row.public:
        return row.ok
    if persona == "anonymous":
        return 401 if row.api else 302
    return row.ok if persona in row.allowed else 404


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    """Placeholders in a body: "{own}" becomes that id (a number, as the API wants it)."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method}-{r.name}-{r.path}")
def test_delivery_permission_matrix(
    world: dict[str, Any], client_for: Callable[[str], Client], row: Row
) -> None:
    """Every persona in turn against one world: each request runs in a savepoint rolled back after
    it (and the page cache is emptied), so each persona meets the world as it was built."""
    path = row.path.format(**world)
    answers = {}
    for persona in PERSONAS:
        with transaction.atomic():
            client = client_for(persona)
            if row.api:
                data = _fill(row.data or {}, world)
                response = getattr(client, row.method)(path, data=data, content_type="application/json")
            else:
                data = {k: str(_fill(v, world)) for k, v in (row.data or {}).items()}
                response = getattr(client, row.method)(path, data)
            answers[persona] = (response.status_code, response.content[:300])
            transaction.set_rollback(True)
        cache.clear()
    wrong = {p: a for p, a in answers.items() if a[0] != expected(row, p)}
    assert not wrong, (path, wrong)


def test_the_matrix_covers_every_delivery_url() -> None:
    from tandem.config.api import api

    names = {n for n in all_url_names() if n.startswith("delivery:")}
    delivery_api = {
        f"api:{operation.operation_id or operation.view_func.__name__}"
        for _prefix, router in api._routers
        if router.tags == ["delivery"]
        for path_operation in router.path_operations.values()
        for operation in path_operation.operations
    }
    assert names | delivery_api == NAMES
    assert delivery_api == API_NAMES


def test_every_page_that_takes_a_form_has_a_get_and_a_post_row() -> None:
    """A page answering both methods (a form) is checked for both: the form and its submission."""
    forms = {
        "delivery:settings",
        "delivery:deliverable_new",
        "delivery:deliverable_edit",
        "delivery:change_new",
    }
    for name in forms | {"delivery:feedback_public"}:
        assert {r.method for r in PAGES if r.name == name} == {"get", "post"}, name


# --- A feedback link's address: its secret is a credential ---------------------------------------


def _shows_link(client: Client, url: str, token: str) -> bool:
    response = client.get(url)
    assert response.status_code == 200, url
    return token in response.content.decode()


def test_the_api_shows_a_feedback_links_address_only_to_who_may_manage_it(
    delivery: Delivery, client_for: Callable[[str], Client]
) -> None:
    """Whoever holds the address may answer as an end user: the API shows it to the planners."""
    token = selectors.link_token(delivery.own_link)
    initiative_token = selectors.link_token(delivery.initiative_link)
    for persona in sorted(INTERNAL):
        client = client_for(persona)
        shown = _shows_link(client, f"/api/v1/orgs/acme/deliverables/{delivery.own.pk}", token)
        assert shown == (persona in PLANNERS), persona
        url = f"/api/v1/orgs/acme/initiatives/{delivery.initiative.pk}/delivery"
        assert _shows_link(client, url, initiative_token) == (persona in PLANNERS), persona
    assert not _shows_link(client_for("partner"), f"/api/v1/orgs/acme/deliverables/{delivery.own.pk}", token)


def test_the_pages_show_a_feedback_links_address_only_to_who_may_manage_it(
    delivery: Delivery, client_for: Callable[[str], Client]
) -> None:
    token = selectors.link_token(delivery.own_link)
    initiative_token = selectors.link_token(delivery.initiative_link)
    for persona in sorted(INTERNAL):
        client = client_for(persona)
        assert _shows_link(client, f"/o/acme/deliverables/{delivery.own.pk}/", token) == (persona in PLANNERS)
        url = f"/o/acme/initiatives/{delivery.initiative.pk}/delivery/"
        assert _shows_link(client, url, initiative_token) == (persona in PLANNERS), persona
    assert not _shows_link(client_for("partner"), f"/o/acme/deliverables/{delivery.own.pk}/", token)
