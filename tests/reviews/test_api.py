"""The reviews API: a series made and changed by an owner, its feed address shown only when it is
renewed; a review prepared, run and closed through its agenda; decisions confirmed by both sides
and searched; action items filtered; wins; the habit score; partners, viewers and another
organisation's ids refused; and every endpoint described in the OpenAPI document."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tandem.reviews.models import ActionItem, AgendaItem, Decision, Review, ReviewSeries, Win
from tests.conftest import Personas, bearer, fields_of, send
from tests.reviews.conftest import make_series

ACME = "/api/v1/orgs/acme"
TODAY = timezone.localdate()
SOON = (TODAY + timedelta(days=7)).isoformat()


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def _prepare(personas: Personas, series: ReviewSeries) -> dict[str, Any]:
    """The series' next review, prepared by the owner."""
    review: dict[str, Any] = _ok(
        send(bearer(personas.owner), "post", f"{ACME}/review-series/{series.pk}/reviews"), 201
    )
    return review


def _decision(client: Client, **extra: Any) -> Any:
    body = {"title": "Move the claims portal to the cloud", "rationale": "Cheaper to run", **extra}
    return send(client, "post", f"{ACME}/decisions", body)


def _action(client: Client, owner_id: int, **extra: Any) -> Any:
    body = {"title": "Ask the vendor for a quote", "owner_id": owner_id, "due_on": SOON, **extra}
    return send(client, "post", f"{ACME}/actions", body)


# --- Review series ----------------------------------------------------------------------------


def test_an_owner_creates_a_series_and_changes_it(personas: Personas) -> None:
    owner = bearer(personas.owner)
    body = {
        "name": "Weekly review",
        "weekday": 2,
        "start_time": "09:30",
        "time_zone": "Europe/Amsterdam",
        "starts_on": "2026-01-05",
        "attendee_ids": [personas.business_lead.pk, personas.it_lead.pk],
    }
    created = _ok(send(owner, "post", f"{ACME}/review-series", body), 201)
    assert (created["name"], created["weekday"], created["start_time"], created["interval_weeks"]) == (
        "Weekly review",
        2,
        "09:30",
        1,
    )
    assert {a["id"] for a in created["attendees"]} == {personas.business_lead.pk, personas.it_lead.pk}
    assert created["objective_id"] is None
    next_at = datetime.fromisoformat(created["next_at"])
    assert next_at > timezone.now()
    assert next_at.weekday() == 2

    url = f"{ACME}/review-series/{created['id']}"
    changed = _ok(
        send(owner, "patch", url, {"name": "Business–IT review", "attendee_ids": [personas.member.pk]})
    )
    assert (changed["name"], changed["start_time"]) == ("Business–IT review", "09:30")
    assert [a["id"] for a in changed["attendees"]] == [personas.member.pk]

    listed = _ok(send(bearer(personas.viewer), "get", f"{ACME}/review-series"))
    assert (listed["count"], listed["items"][0]["id"]) == (1, created["id"])
    assert _ok(send(bearer(personas.viewer), "get", url))["name"] == "Business–IT review"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"name": ""}, "name"),
        ({"start_time": "25:00"}, "start_time"),
        ({"weekday": 7}, "weekday"),
        ({"interval_weeks": 0}, "interval_weeks"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
    ],
)
def test_a_series_with_a_bad_field_is_a_422_naming_it(
    personas: Personas, change: dict[str, Any], field: str
) -> None:
    body = {
        "name": "Weekly",
        "start_time": "09:00",
        "time_zone": "Europe/Amsterdam",
        "starts_on": "2026-01-05",
    }
    response = send(bearer(personas.owner), "post", f"{ACME}/review-series", {**body, **change})
    assert response.status_code == 422, response.content
    assert fields_of(response) == [field]
    assert not ReviewSeries.objects.for_org(personas.org).exists()


def test_an_attendee_or_objective_of_another_organisation_is_a_422_naming_the_field(
    personas: Personas,
) -> None:
    body = {
        "name": "Weekly",
        "start_time": "09:00",
        "time_zone": "Europe/Amsterdam",
        "starts_on": "2026-01-05",
    }
    owner = bearer(personas.owner)
    response = send(owner, "post", f"{ACME}/review-series", {**body, "attendee_ids": [personas.outsider.pk]})
    assert response.status_code == 422
    assert fields_of(response) == ["attendee_ids"]
    response = send(owner, "post", f"{ACME}/review-series", {**body, "objective_id": 10**9})
    assert response.status_code == 422
    assert fields_of(response) == ["objective_id"]


def test_a_bad_time_zone_in_a_change_is_a_422_and_changes_nothing(
    personas: Personas, series: ReviewSeries
) -> None:
    url = f"{ACME}/review-series/{series.pk}"
    response = send(bearer(personas.admin), "patch", url, {"time_zone": "Nowhere/Else"})
    assert response.status_code == 422, response.content
    assert fields_of(response) == ["time_zone"]
    series.refresh_from_db()
    assert series.time_zone == "Europe/Amsterdam"


@pytest.mark.parametrize("name", ["business_lead", "member", "viewer", "partner"])
def test_only_owners_and_admins_manage_series(personas: Personas, series: ReviewSeries, name: str) -> None:
    client = bearer(getattr(personas, name))
    body = {"name": "Mine", "start_time": "09:00", "time_zone": "Europe/Amsterdam", "starts_on": "2026-01-05"}
    assert send(client, "post", f"{ACME}/review-series", body).status_code == 404
    url = f"{ACME}/review-series/{series.pk}"
    assert send(client, "patch", url, {"name": "Mine"}).status_code == 404
    assert send(client, "post", url + "/feed").status_code == 404
    series.refresh_from_db()
    assert series.name == "Weekly business–IT review"


# --- Calendar feeds ---------------------------------------------------------------------------


def test_the_series_feed_address_shows_only_in_the_answer_that_renews_it(
    personas: Personas, series: ReviewSeries
) -> None:
    url = f"{ACME}/review-series/{series.pk}"
    admin = bearer(personas.admin)
    first = _ok(send(admin, "post", url + "/feed"))["url"]
    assert first.startswith("http")
    assert first.endswith(".ics")
    second = _ok(send(admin, "post", url + "/feed"))["url"]
    assert second != first
    secret = second.rsplit("/", 1)[-1].removesuffix(".ics")
    for reader in (admin, bearer(personas.member)):
        detail = send(reader, "get", url)
        listed = send(reader, "get", f"{ACME}/review-series")
        for response in (detail, listed):
            assert response.status_code == 200
            assert secret not in response.content.decode()
            assert "feed" not in json.dumps(response.json())


def test_my_feed_address_shows_only_when_made_or_renewed(personas: Personas, series: ReviewSeries) -> None:
    url = f"{ACME}/me/review-feed"
    client = bearer(personas.member)
    assert _ok(send(client, "get", url)) == {"exists": False, "created_at": None}
    first = _ok(send(client, "post", url))["url"]
    state = send(client, "get", url)
    assert state.json()["exists"] is True
    assert "url" not in state.json()
    assert first.rsplit("/", 1)[-1] not in state.content.decode()
    second = _ok(send(client, "post", url))["url"]
    assert second != first
    assert send(bearer(personas.partner), "get", url).status_code == 404
    assert send(bearer(personas.partner), "post", url).status_code == 404


# --- A review and its agenda ----------------------------------------------------------------------


def test_a_review_is_prepared_run_and_closed(personas: Personas, series: ReviewSeries) -> None:
    review = _prepare(personas, series)
    assert (review["status"], review["series_id"], review["series"]) == ("planned", series.pk, series.name)
    assert datetime.fromisoformat(review["scheduled_at"]) >= timezone.now() - timedelta(days=1)
    url = f"{ACME}/reviews/{review['id']}"
    lead = bearer(personas.business_lead)

    item = _ok(send(lead, "post", url + "/items", {"title": "Vendor contract", "minutes": 10}), 201)
    assert (item["title"], item["minutes"], item["source"], item["dropped"]) == (
        "Vendor contract",
        10,
        "",
        False,
    )
    assert item["added_by_id"] == personas.business_lead.pk
    other = _ok(send(lead, "post", url + "/items", {"title": "Hiring"}), 201)

    changed = _ok(
        send(lead, "patch", f"{ACME}/agenda-items/{item['id']}", {"notes": "Signed", "minutes": None})
    )
    assert (changed["notes"], changed["minutes"], changed["title"]) == ("Signed", None, "Vendor contract")
    dropped = _ok(send(lead, "post", f"{ACME}/agenda-items/{other['id']}/drop", {"reason": "Next week"}))
    assert (dropped["dropped"], dropped["drop_reason"]) == (True, "Next week")

    ids = [i["id"] for i in _ok(send(lead, "get", url))["items"]]
    reordered = _ok(send(lead, "put", url + "/order", {"item_ids": list(reversed(ids))}))
    kept = [i["id"] for i in reordered["items"] if not i["dropped"]]
    assert kept == [i for i in reversed(ids) if i != other["id"]]
    assert reordered["items"][-1]["id"] == other["id"]  # the dropped ones last

    assert _ok(send(lead, "post", url + "/start"))["status"] == "open"
    present = [personas.business_lead.pk, personas.it_lead.pk]
    closed = _ok(send(lead, "post", url + "/close", {"present_ids": present, "notes": "Good meeting"}))
    assert (closed["status"], closed["notes"]) == ("closed", "Good meeting")
    assert sorted(p["id"] for p in closed["present"]) == sorted(present)
    assert closed["closed_at"] is not None
    assert send(lead, "post", url + "/cancel", {"reason": "Too late"}).status_code == 409

    listed = _ok(send(bearer(personas.viewer), "get", f"{ACME}/reviews?series_id={series.pk}"))
    assert [r["id"] for r in listed["items"]] == [review["id"]]


def test_a_review_is_cancelled_with_a_reason(personas: Personas, series: ReviewSeries) -> None:
    review = _prepare(personas, series)
    url = f"{ACME}/reviews/{review['id']}/cancel"
    response = send(bearer(personas.owner), "post", url, {"reason": ""})
    assert response.status_code == 422
    assert fields_of(response) == ["reason"]
    cancelled = _ok(send(bearer(personas.owner), "post", url, {"reason": "Public holiday"}))
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "Public holiday")


def test_an_agenda_item_without_a_title_or_a_drop_without_a_reason_is_a_422(
    personas: Personas, series: ReviewSeries
) -> None:
    review = _prepare(personas, series)
    owner = bearer(personas.owner)
    response = send(owner, "post", f"{ACME}/reviews/{review['id']}/items", {"title": ""})
    assert response.status_code == 422
    assert fields_of(response) == ["title"]
    item = _ok(send(owner, "post", f"{ACME}/reviews/{review['id']}/items", {"title": "Budget"}), 201)
    response = send(owner, "post", f"{ACME}/agenda-items/{item['id']}/drop", {"reason": ""})
    assert response.status_code == 422
    assert fields_of(response) == ["reason"]
    response = send(owner, "patch", f"{ACME}/agenda-items/{item['id']}", {"minutes": 0})
    assert response.status_code == 422
    assert fields_of(response) == ["minutes"]


def test_an_order_missing_an_item_is_a_422_naming_the_list(personas: Personas, series: ReviewSeries) -> None:
    review = _prepare(personas, series)
    url = f"{ACME}/reviews/{review['id']}"
    owner = bearer(personas.owner)
    first = _ok(send(owner, "post", url + "/items", {"title": "One"}), 201)
    _ok(send(owner, "post", url + "/items", {"title": "Two"}), 201)
    response = send(owner, "put", url + "/order", {"item_ids": [first["id"]]})
    assert response.status_code == 422, response.content
    assert fields_of(response) == ["item_ids"]


def test_viewers_read_reviews_but_do_not_work_in_them(personas: Personas, series: ReviewSeries) -> None:
    review = _prepare(personas, series)
    url = f"{ACME}/reviews/{review['id']}"
    viewer = bearer(personas.viewer)
    assert _ok(send(viewer, "get", url))["id"] == review["id"]
    assert send(viewer, "post", f"{ACME}/review-series/{series.pk}/reviews").status_code == 404
    assert send(viewer, "post", url + "/items", {"title": "Mine"}).status_code == 404
    assert send(viewer, "post", url + "/start").status_code == 404
    assert send(viewer, "post", url + "/close", {}).status_code == 404
    assert _decision(viewer).status_code == 404
    assert _action(viewer, personas.member.pk).status_code == 404
    assert send(viewer, "post", f"{ACME}/wins", {"title": "Mine"}).status_code == 404
    assert _ok(send(bearer(personas.owner), "get", url))["status"] == "planned"
    assert not Decision.objects.for_org(personas.org).exists()


def test_a_member_who_does_not_attend_the_series_does_not_run_its_reviews(
    personas: Personas, series: ReviewSeries
) -> None:
    review = _prepare(personas, series)
    member = bearer(personas.member)
    assert send(member, "post", f"{ACME}/reviews/{review['id']}/start").status_code == 404
    assert send(member, "post", f"{ACME}/review-series/{series.pk}/reviews").status_code == 404


# --- Decisions -------------------------------------------------------------------------------------


def test_a_decision_is_confirmed_once_both_sides_confirmed_it(
    personas: Personas, series: ReviewSeries
) -> None:
    review = _prepare(personas, series)
    recorded = _ok(_decision(bearer(personas.business_lead), review_id=review["id"], revisit_on=SOON), 201)
    assert (recorded["confirmed"], recorded["review_id"], recorded["recorded_by_id"]) == (
        False,
        review["id"],
        personas.business_lead.pk,
    )
    assert [(c["member_id"], c["side"]) for c in recorded["confirmations"]] == [
        (personas.business_lead.pk, "business")
    ]
    url = f"{ACME}/decisions/{recorded['id']}/confirm"
    assert send(bearer(personas.business_lead), "post", url).status_code == 409
    assert send(bearer(personas.viewer), "post", url).status_code == 404
    confirmed = _ok(send(bearer(personas.it_lead), "post", url))
    assert confirmed["confirmed"] is True
    assert confirmed["confirmed_at"] is not None
    assert {c["side"] for c in confirmed["confirmations"]} == {"business", "it"}
    assert (
        _ok(send(bearer(personas.viewer), "get", f"{ACME}/decisions/{recorded['id']}"))["confirmed"] is True
    )
    in_review = _ok(send(bearer(personas.viewer), "get", f"{ACME}/reviews/{review['id']}"))
    assert [d["id"] for d in in_review["decisions"]] == [recorded["id"]]


def test_the_decision_log_is_searched_by_words_and_confirmation(personas: Personas) -> None:
    lead = bearer(personas.business_lead)
    cloud = _ok(_decision(lead, options_considered="Stay on premises"), 201)
    hire = _ok(_decision(lead, title="Hire two testers", rationale="Quality"), 201)
    _ok(send(bearer(personas.it_lead), "post", f"{ACME}/decisions/{hire['id']}/confirm"))
    viewer = bearer(personas.viewer)

    def ids(query: str) -> list[int]:
        return [d["id"] for d in _ok(send(viewer, "get", f"{ACME}/decisions{query}"))["items"]]

    assert ids("") == [hire["id"], cloud["id"]]
    assert ids("?q=premises") == [cloud["id"]]
    assert ids("?q=TESTERS") == [hire["id"]]
    assert ids("?q=quality") == [hire["id"]]
    assert ids("?confirmed=true") == [hire["id"]]
    assert ids("?confirmed=false") == [cloud["id"]]
    assert ids("?q=premises&confirmed=true") == []


def test_a_decision_without_a_rationale_or_about_an_unknown_initiative_is_a_422(personas: Personas) -> None:
    lead = bearer(personas.business_lead)
    response = _decision(lead, rationale="")
    assert response.status_code == 422
    assert fields_of(response) == ["rationale"]
    response = _decision(lead, initiative_id=10**9)
    assert response.status_code == 422
    assert fields_of(response) == ["initiative_id"]
    assert not Decision.objects.for_org(personas.org).exists()


# --- Action items ---------------------------------------------------------------------------------


def test_an_action_is_added_and_done_by_its_owner(personas: Personas) -> None:
    created = _ok(_action(bearer(personas.business_lead), personas.it_lead.pk), 201)
    assert (created["owner_id"], created["status"], created["due_on"], created["overdue"]) == (
        personas.it_lead.pk,
        "open",
        SOON,
        False,
    )
    url = f"{ACME}/actions/{created['id']}"
    assert send(bearer(personas.member), "patch", url, {"status": "done"}).status_code == 404
    done = _ok(send(bearer(personas.it_lead), "patch", url, {"status": "done"}))
    assert (done["status"], done["title"]) == ("done", "Ask the vendor for a quote")
    assert done["done_at"] is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"due_on": (TODAY - timedelta(days=1)).isoformat()}, "due_on"),
        ({"due_on": "tomorrow"}, "due_on"),
        ({"review_id": 10**9}, "review_id"),
        ({"decision_id": 10**9}, "decision_id"),
    ],
)
def test_a_bad_action_is_a_422_naming_the_field(
    personas: Personas, change: dict[str, Any], field: str
) -> None:
    response = _action(bearer(personas.owner), personas.member.pk, **change)
    assert response.status_code == 422, response.content
    assert fields_of(response) == [field]
    assert not ActionItem.objects.for_org(personas.org).exists()


@pytest.mark.parametrize("name", ["outsider", "nobody"])
def test_an_action_owner_outside_the_organisation_is_a_422_naming_the_field(
    personas: Personas, name: str
) -> None:
    owner_id = personas.outsider.pk if name == "outsider" else 10**9
    response = _action(bearer(personas.owner), owner_id)
    assert response.status_code == 422
    assert fields_of(response) == ["owner_id"]


def test_actions_are_filtered_by_status_owner_and_overdue(personas: Personas) -> None:
    lead = bearer(personas.business_lead)
    _ok(_action(lead, personas.business_lead.pk, title="Mine"), 201)
    late = _ok(_action(lead, personas.it_lead.pk, title="Late"), 201)
    done = _ok(_action(lead, personas.it_lead.pk, title="Done"), 201)
    ActionItem.objects.for_org(personas.org).filter(pk=late["id"]).update(due_on=TODAY - timedelta(days=3))
    _ok(send(lead, "patch", f"{ACME}/actions/{done['id']}", {"status": "done"}))
    viewer = bearer(personas.viewer)

    def titles(query: str) -> list[str]:
        return [a["title"] for a in _ok(send(viewer, "get", f"{ACME}/actions{query}"))["items"]]

    assert sorted(titles("")) == ["Done", "Late", "Mine"]
    assert sorted(titles("?status=open")) == ["Late", "Mine"]
    assert titles("?status=done") == ["Done"]
    assert sorted(titles(f"?owner_id={personas.it_lead.pk}")) == ["Done", "Late"]
    assert titles("?overdue=true") == ["Late"]
    overdue = _ok(send(viewer, "get", f"{ACME}/actions?overdue=true"))["items"][0]
    assert overdue["overdue"] is True
    response = send(viewer, "get", f"{ACME}/actions?status=closed")
    assert response.status_code == 422
    assert fields_of(response) == ["status"]


# --- Wins -----------------------------------------------------------------------------------------


def test_a_win_is_celebrated_with_whom_to_thank(personas: Personas, series: ReviewSeries) -> None:
    review = _prepare(personas, series)
    body = {"title": "Claims portal live", "review_id": review["id"], "thanked_ids": [personas.it_lead.pk]}
    win = _ok(send(bearer(personas.member), "post", f"{ACME}/wins", body), 201)
    assert (win["title"], win["review_id"]) == ("Claims portal live", review["id"])
    assert [t["id"] for t in win["thanked"]] == [personas.it_lead.pk]
    viewer = bearer(personas.viewer)
    assert _ok(send(viewer, "get", f"{ACME}/wins/{win['id']}"))["title"] == "Claims portal live"
    assert [w["id"] for w in _ok(send(viewer, "get", f"{ACME}/wins"))["items"]] == [win["id"]]
    response = send(bearer(personas.member), "post", f"{ACME}/wins", {"title": "x", "thanked_ids": [10**9]})
    assert response.status_code == 422
    assert fields_of(response) == ["thanked_ids"]


# --- The habit score -----------------------------------------------------------------------------


def test_the_habit_endpoint_gives_the_score_of_every_active_series(
    personas: Personas, series: ReviewSeries
) -> None:
    make_series(personas, name="Stopped", is_active=False)
    body = _ok(send(bearer(personas.viewer), "get", f"{ACME}/habit"))
    assert set(body) == {"score", "series", "missed_check_ins", "overdue_actions"}
    [row] = body["series"]
    assert set(row) == {
        "series_id",
        "name",
        "objective_id",
        "score",
        "slipping",
        "held",
        "both_sides",
        "actions",
        "check_ins",
        "weeks",
    }
    assert row["series_id"] == series.pk
    # Never held since January: every week scores 0, and it slips.
    assert (row["score"], row["held"], row["slipping"], body["score"]) == (0, 0.0, True, 0)
    assert len(row["weeks"]) == 12
    week = row["weeks"][-1]
    assert set(week) == {"at", "score", "components"}
    assert week["components"]["held"] == 0.0
    assert body["overdue_actions"] == 0


def test_the_habit_of_an_organisation_without_a_series_is_null(personas: Personas) -> None:
    assert _ok(send(bearer(personas.member), "get", f"{ACME}/habit"))["score"] is None


# --- Partners and another organisation ------------------------------------------------------------


def _reads(series: int, review: int, item: int, decision: int, action: int, win: int) -> list[str]:
    return [
        f"{ACME}/review-series",
        f"{ACME}/review-series/{series}",
        f"{ACME}/reviews",
        f"{ACME}/reviews/{review}",
        f"{ACME}/decisions",
        f"{ACME}/decisions/{decision}",
        f"{ACME}/actions",
        f"{ACME}/wins",
        f"{ACME}/wins/{win}",
        f"{ACME}/habit",
        f"{ACME}/me/review-feed",
    ]


def _writes(series: int, review: int, item: int, decision: int, action: int) -> list[tuple[str, str, Any]]:
    return [
        ("patch", f"{ACME}/review-series/{series}", {"name": "x"}),
        ("post", f"{ACME}/review-series/{series}/feed", None),
        ("post", f"{ACME}/review-series/{series}/reviews", None),
        ("post", f"{ACME}/reviews/{review}/refresh", None),
        ("post", f"{ACME}/reviews/{review}/start", None),
        ("post", f"{ACME}/reviews/{review}/close", {}),
        ("post", f"{ACME}/reviews/{review}/cancel", {"reason": "x"}),
        ("post", f"{ACME}/reviews/{review}/items", {"title": "x"}),
        ("put", f"{ACME}/reviews/{review}/order", {"item_ids": [item]}),
        ("patch", f"{ACME}/agenda-items/{item}", {"notes": "x"}),
        ("post", f"{ACME}/agenda-items/{item}/drop", {"reason": "x"}),
        ("post", f"{ACME}/decisions/{decision}/confirm", None),
        ("patch", f"{ACME}/actions/{action}", {"status": "done"}),
    ]


def _globex_rows(personas: Personas) -> tuple[int, int, int, int, int, int]:
    """A series, review, agenda item, decision, action and win of the other organisation."""
    org, outsider = personas.other_org, personas.outsider
    series = make_series(personas, organization=org, created_by=outsider)
    series.attendees.set([outsider])
    at = datetime.combine(date(2026, 1, 5), time(9), tzinfo=timezone.get_current_timezone())
    review = Review.objects.create(organization=org, series=series, scheduled_at=at, agenda_since=at)
    item = AgendaItem.objects.create(organization=org, review=review, title="Secret")
    decision = Decision.objects.create(
        organization=org, title="Secret", rationale="Secret", recorded_by=outsider
    )
    action = ActionItem.objects.create(organization=org, title="Secret", owner=outsider, due_on=TODAY)
    win = Win.objects.create(organization=org, title="Secret", created_by=outsider)
    return series.pk, review.pk, item.pk, decision.pk, action.pk, win.pk


def test_another_organisations_ids_are_404_even_for_an_owner(personas: Personas) -> None:
    series, review, item, decision, action, win = _globex_rows(personas)
    owner = bearer(personas.owner)
    for url in _reads(series, review, item, decision, action, win):
        if url.endswith(
            ("/review-series", "/reviews", "/decisions", "/actions", "/wins", "/habit", "/review-feed")
        ):
            response = _ok(send(owner, "get", url))
            assert "Secret" not in json.dumps(response), url
        else:
            assert send(owner, "get", url).status_code == 404, url
    assert send(owner, "get", f"{ACME}/reviews?series_id={series}").status_code == 404
    for method, url, body in _writes(series, review, item, decision, action):
        assert send(owner, method, url, body).status_code == 404, url
    assert not Review.objects.for_org(personas.org).exists()
    for field, body in [
        ("review_id", {"review_id": review}),
        ("decision_id", {"decision_id": decision}),
    ]:
        response = _action(owner, personas.member.pk, **body)
        assert response.status_code == 422, field
        assert fields_of(response) == [field]


def test_a_partner_gets_a_404_on_every_endpoint(personas: Personas, series: ReviewSeries) -> None:
    review = _prepare(personas, series)
    owner = bearer(personas.owner)
    item = _ok(send(owner, "post", f"{ACME}/reviews/{review['id']}/items", {"title": "x"}), 201)
    decision = _ok(_decision(bearer(personas.business_lead)), 201)
    action = _ok(_action(owner, personas.member.pk), 201)
    win = _ok(send(owner, "post", f"{ACME}/wins", {"title": "x"}), 201)
    ids = (series.pk, review["id"], item["id"], decision["id"], action["id"])
    partner = bearer(personas.partner)
    for url in _reads(*ids, win["id"]):
        assert send(partner, "get", url).status_code == 404, url
    for method, url, body in _writes(*ids):
        assert send(partner, method, url, body).status_code == 404, url
    assert _decision(partner).status_code == 404
    assert _action(partner, personas.partner.pk).status_code == 404
    assert send(partner, "post", f"{ACME}/wins", {"title": "x"}).status_code == 404


# --- The OpenAPI document -------------------------------------------------------------------------

REVIEWS_PATHS = {
    "/orgs/{slug}/review-series": {"get", "post"},
    "/orgs/{slug}/review-series/{series_id}": {"get", "patch"},
    "/orgs/{slug}/review-series/{series_id}/feed": {"post"},
    "/orgs/{slug}/review-series/{series_id}/reviews": {"post"},
    "/orgs/{slug}/reviews": {"get"},
    "/orgs/{slug}/reviews/{review_id}": {"get"},
    "/orgs/{slug}/reviews/{review_id}/refresh": {"post"},
    "/orgs/{slug}/reviews/{review_id}/start": {"post"},
    "/orgs/{slug}/reviews/{review_id}/close": {"post"},
    "/orgs/{slug}/reviews/{review_id}/cancel": {"post"},
    "/orgs/{slug}/reviews/{review_id}/items": {"post"},
    "/orgs/{slug}/reviews/{review_id}/order": {"put"},
    "/orgs/{slug}/agenda-items/{item_id}": {"patch"},
    "/orgs/{slug}/agenda-items/{item_id}/drop": {"post"},
    "/orgs/{slug}/decisions": {"get", "post"},
    "/orgs/{slug}/decisions/{decision_id}": {"get"},
    "/orgs/{slug}/decisions/{decision_id}/confirm": {"post"},
    "/orgs/{slug}/actions": {"get", "post"},
    "/orgs/{slug}/actions/{action_id}": {"patch"},
    "/orgs/{slug}/wins": {"get", "post"},
    "/orgs/{slug}/wins/{win_id}": {"get"},
    "/orgs/{slug}/habit": {"get"},
    "/orgs/{slug}/me/review-feed": {"get", "post"},
}


def test_every_reviews_endpoint_is_described_with_its_responses(db: None) -> None:
    spec = json.loads(Client().get("/api/v1/openapi.json").content)
    found: dict[str, set[str]] = {}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if "reviews" not in op.get("tags", []):
                continue
            where = f"{method.upper()} {path}"
            found.setdefault(path.removeprefix("/api/v1"), set()).add(method)
            assert op.get("summary"), where
            assert op.get("description"), where
            assert op["operationId"].startswith("tandem_reviews_api_reviews_"), where
            success = [code for code in op["responses"] if code.startswith("2")]
            assert len(success) == 1, where
            assert "$ref" in str(op["responses"][success[0]]["content"]), where
            assert {"401", "404", "422"} <= set(op["responses"]), where
    assert found == REVIEWS_PATHS
    detail = spec["paths"]["/api/v1/orgs/{slug}/review-series/{series_id}"]["get"]
    shape = detail["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "url" not in spec["components"]["schemas"][shape]["properties"]
