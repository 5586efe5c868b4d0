"""The review pages: what each shows with data and without, how a form's good input lands and bad
input comes back with the message and what was typed, the agenda's steps (add, time-box, move,
drop), the review's start and close, its minutes and downloads, and that a read writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core.models import AuditEvent
from tandem.reviews import services
from tandem.reviews.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Decision,
    PersonalFeed,
    Review,
    ReviewSeries,
    ReviewStatus,
    Win,
)
from tests.conftest import Personas

Clients = Callable[[str], Client]


def url(name: str, **kwargs: int) -> str:
    return reverse(f"reviews:{name}", kwargs={"org_slug": "acme", **kwargs})


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


def soon(days: int = 7) -> str:
    return (today() + timedelta(days=days)).isoformat()


@dataclass
class Meeting:
    """A prepared review of the Monday series: an item from a source, one added by hand, an action
    carried over from five days ago, a decision the business confirmed, an action and a win."""

    series: ReviewSeries
    review: Review
    source_item: AgendaItem
    hand_item: AgendaItem
    carried: ActionItem
    decision: Decision
    action: ActionItem
    win: Win


@pytest.fixture
def meeting(personas: Personas, series: ReviewSeries) -> Meeting:
    carried = services.action_add(
        actor=personas.business_lead,
        title="Ask the vendor for a quote",
        owner=personas.it_lead,
        due_on=soon(3),
    )
    ActionItem.objects.for_org(personas.org).filter(pk=carried.pk).update(
        created_at=timezone.now() - timedelta(days=5)
    )
    review = services.review_prepare(actor=personas.owner, series=series)
    source_item = AgendaItem.objects.create(
        organization=personas.org,
        review=review,
        source="delivery",
        kind="slipped",
        key="delivery:slipped:deliverable:1",
        title="Photo upload slipped",
        url="/o/acme/deliverables/1/",
        position=50,
    )
    hand_item = services.item_add(
        actor=personas.owner, review=review, title="Budget for next quarter", minutes=15
    )
    decision = services.decision_record(
        actor=personas.business_lead,
        review=review,
        title="Move the claims portal to the cloud",
        rationale="Cheaper to run and easier to scale.",
    )
    action = services.action_add(
        actor=personas.business_lead,
        review=review,
        title="Draft the migration plan",
        owner=personas.admin,
        due_on=soon(),
    )
    win = services.win_add(
        actor=personas.owner, review=review, title="Claims portal accepted", thanked=[personas.it_lead]
    )
    return Meeting(series, review, source_item, hand_item, carried, decision, action, win)


def post(client: Client, path: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
    return client.post(path, data or {}, **extra)


# --- The list of series ----------------------------------------------------------------------------


def test_the_list_shows_each_series_with_its_next_review_and_a_prepare_button(
    client_for: Clients, meeting: Meeting
) -> None:
    html = page(client_for("business_lead"), url("list"))
    series = section(html, "series")
    assert "Weekly business–IT review" in series
    assert url("review", review_id=meeting.review.pk) in series
    assert url("prepare", series_id=meeting.series.pk) in series
    assert "Claims portal accepted" in section(html, "wins")
    assert url("decisions") in html
    assert url("actions") in html
    assert url("habit") in html


def test_the_list_offers_no_prepare_button_to_who_does_not_attend(
    client_for: Clients, meeting: Meeting
) -> None:
    html = page(client_for("member"), url("list"))
    assert url("prepare", series_id=meeting.series.pk) not in html
    assert url("series_new") not in html


def test_an_empty_list_says_what_to_do_next(client_for: Clients, personas: Personas) -> None:
    owner = page(client_for("owner"), url("list"))
    assert "No review series yet" in owner
    assert url("series_new") in section(owner, "series")
    member = page(client_for("member"), url("list"))
    assert "ask one of them to start a review series" in member
    assert "No wins yet" in member


# --- Series: create, change, its page and calendar address ---------------------------------------


def series_data(personas: Personas, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "Claims programme review",
        "weekday": "2",
        "start_time": "10:30",
        "duration_minutes": "45",
        "time_zone": "Europe/Amsterdam",
        "interval_weeks": "2",
        "starts_on": "2027-01-06",
        "attendees": [str(personas.business_lead.pk), str(personas.it_lead.pk)],
    }
    data.update(changes)
    return data


def test_an_owner_creates_a_series_and_lands_on_its_page(client_for: Clients, personas: Personas) -> None:
    client = client_for("owner")
    response = post(client, url("series_new"), series_data(personas))
    created = ReviewSeries.objects.for_org(personas.org).get(name="Claims programme review")
    assert response.status_code == 302
    assert response["Location"] == url("series", series_id=created.pk)
    html = page(client, response["Location"])
    assert "Every 2 weeks on Wednesday at 10:30 (Europe/Amsterdam)" in html
    assert "Review series created" in html
    assert set(created.attendees.values_list("pk", flat=True)) == {
        personas.business_lead.pk,
        personas.it_lead.pk,
    }


def test_a_series_form_with_bad_input_keeps_what_was_typed(client_for: Clients, personas: Personas) -> None:
    data = series_data(personas, start_time="25:99", name="Claims programme review", interval_weeks="9")
    response = post(client_for("owner"), url("series_new"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Claims programme review"' in html
    assert "Enter a valid time." in html
    assert "Ensure this value is less than or equal to 4." in html
    assert not ReviewSeries.objects.for_org(personas.org).filter(name="Claims programme review").exists()


def test_a_partner_is_never_taken_as_an_attendee(client_for: Clients, personas: Personas) -> None:
    data = series_data(personas, attendees=[str(personas.partner.pk)], starts_on="2099-01-01")
    response = post(client_for("owner"), url("series_new"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "within five years" in html
    assert 'value="Claims programme review"' in html


def test_an_owner_changes_a_series(client_for: Clients, personas: Personas, series: ReviewSeries) -> None:
    edit = page(client_for("owner"), url("series_edit", series_id=series.pk))
    assert 'value="Weekly business–IT review"' in edit
    assert 'value="09:00"' in edit
    data = series_data(personas, name="Monday review", weekday="0", interval_weeks="1")
    response = post(client_for("owner"), url("series_edit", series_id=series.pk), data)
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.name, series.start_time.hour, series.duration_minutes) == ("Monday review", 10, 45)


def test_the_series_page_shows_the_calendar_address_to_owners_and_admins_only(
    client_for: Clients, meeting: Meeting
) -> None:
    from tandem.reviews import ics

    secret = ics.series_feed_secret(meeting.series)
    owner = page(client_for("owner"), url("series", series_id=meeting.series.pk))
    assert secret in section(owner, "feed")
    assert url("review", review_id=meeting.review.pk) in section(owner, "next")
    assert url("review_ics", review_id=meeting.review.pk) in owner
    assert "Habit score" in owner
    member = page(client_for("member"), url("series", series_id=meeting.series.pk))
    assert secret not in member
    assert 'id="feed"' not in member


def test_renewing_the_calendar_address_stops_the_old_one(client_for: Clients, series: ReviewSeries) -> None:
    from tandem.reviews import ics

    old = ics.series_feed_secret(series)
    response = post(client_for("admin"), url("series_feed", series_id=series.pk))
    assert response.status_code == 302
    series.refresh_from_db()
    new = ics.series_feed_secret(series)
    assert new != old
    assert Client().get(f"/reviews/feed/{old}.ics").status_code == 404
    assert Client().get(f"/reviews/feed/{new}.ics").status_code == 200


def test_the_series_page_of_a_young_series_has_no_reviews_yet(
    client_for: Clients, series: ReviewSeries
) -> None:
    html = page(client_for("viewer"), url("series", series_id=series.pk))
    assert "No reviews yet." in section(html, "past")
    assert "No review is prepared yet." in section(html, "next")


def test_the_series_page_pages_its_past_reviews(
    client_for: Clients, personas: Personas, series: ReviewSeries
) -> None:
    for _ in range(22):
        services.review_prepare(actor=personas.owner, series=series)
    html = page(client_for("member"), url("series", series_id=series.pk))
    assert "Page 1 of 2" in section(html, "past")
    assert "Page 2 of 2" in page(client_for("member"), url("series", series_id=series.pk) + "?page=2")


# --- Preparing and the review page ---------------------------------------------------------------


def test_preparing_opens_the_new_reviews_agenda(
    client_for: Clients, personas: Personas, series: ReviewSeries
) -> None:
    response = post(client_for("it_lead"), url("prepare", series_id=series.pk))
    review = Review.objects.for_org(personas.org).get(series=series)
    assert response.status_code == 302
    assert response["Location"] == url("review", review_id=review.pk)


def test_the_agenda_links_each_item_to_its_source_and_shows_carried_over_actions(
    client_for: Clients, meeting: Meeting
) -> None:
    html = page(client_for("it_lead"), url("review", review_id=meeting.review.pk))
    agenda = section(html, "agenda")
    assert '<a href="/o/acme/deliverables/1/"><strong>Photo upload slipped</strong></a>' in agenda
    assert "Deliverable slipped" in agenda
    assert "Ask the vendor for a quote" in agenda
    assert "carried over, 5 days" in agenda
    assert "Carried-over action" in agenda
    assert "Time boxes: 15 minutes of 60." in agenda
    assert url("item_drop", item_id=meeting.hand_item.pk) in agenda
    assert url("item_move", item_id=meeting.hand_item.pk) in agenda
    assert 'hx-post="' + url("item_move", item_id=meeting.hand_item.pk) + '"' in agenda
    actions = section(html, "actions")
    assert "Draft the migration plan" in actions
    assert "carried over, 5 days" in actions
    assert "Claims portal accepted" in section(html, "wins")


def test_a_decision_shows_who_confirmed_it_and_a_button_for_the_side_still_missing(
    client_for: Clients, meeting: Meeting
) -> None:
    confirm = url("decision_confirm", decision_id=meeting.decision.pk)
    it_lead = section(page(client_for("it_lead"), url("review", review_id=meeting.review.pk)), "decisions")
    assert "Move the claims portal to the cloud" in it_lead
    assert "confirmed by the business only" in it_lead
    assert meeting.decision.recorded_by is not None
    assert meeting.decision.recorded_by.user.display_name in it_lead
    assert confirm in it_lead
    business = section(page(client_for("owner"), url("review", review_id=meeting.review.pk)), "decisions")
    assert confirm not in business  # the business has confirmed it
    viewer = section(page(client_for("viewer"), url("review", review_id=meeting.review.pk)), "decisions")
    assert confirm not in viewer


def test_who_does_not_run_the_review_sees_it_without_its_steps(client_for: Clients, meeting: Meeting) -> None:
    html = page(client_for("viewer"), url("review", review_id=meeting.review.pk))
    assert "Photo upload slipped" in html
    assert url("item_drop", item_id=meeting.hand_item.pk) not in html
    assert url("review_close", review_id=meeting.review.pk) not in html
    assert url("decision_new") not in html
    member = page(client_for("member"), url("review", review_id=meeting.review.pk))
    assert url("item_drop", item_id=meeting.hand_item.pk) not in member
    assert url("decision_new") in member  # any member but a viewer records decisions


def test_an_empty_agenda_says_what_to_do(
    client_for: Clients, personas: Personas, series: ReviewSeries
) -> None:
    review = services.review_prepare(actor=personas.owner, series=series)
    html = page(client_for("owner"), url("review", review_id=review.pk))
    assert "Nothing on the agenda yet" in section(html, "agenda")
    assert "No decision recorded in this review yet" in section(html, "decisions")
    assert "No action raised in this review yet" in section(html, "actions")
    assert "No win celebrated in this review yet" in section(html, "wins")


# --- Agenda steps ---------------------------------------------------------------------------------


def test_an_item_added_by_hand_appears_on_the_agenda(client_for: Clients, meeting: Meeting) -> None:
    client = client_for("business_lead")
    response = post(
        client, url("item_new", review_id=meeting.review.pk), {"title": "Hiring plan", "minutes": "10"}
    )
    assert response.status_code == 302
    agenda = section(page(client, url("review", review_id=meeting.review.pk)), "agenda")
    assert "Hiring plan" in agenda
    assert "Time boxes: 25 minutes of 60." in agenda


def test_an_item_without_a_title_comes_back_with_what_was_typed(
    client_for: Clients, meeting: Meeting
) -> None:
    response = post(
        client_for("owner"),
        url("item_new", review_id=meeting.review.pk),
        {"title": "", "detail": "Q3 numbers"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in section(html, "agenda")
    assert "Q3 numbers" in section(html, "agenda")
    assert f'content="{url("review", review_id=meeting.review.pk)}"' in html  # the page's own address


def test_time_boxing_an_item_shows_in_the_total(client_for: Clients, meeting: Meeting) -> None:
    client = client_for("it_lead")
    data = {"minutes": "50", "notes": "Ask finance first."}
    response = post(client, url("item", item_id=meeting.source_item.pk), data)
    assert response.status_code == 302
    agenda = section(page(client, url("review", review_id=meeting.review.pk)), "agenda")
    assert "Time boxes: 65 minutes of 60." in agenda
    assert "longer than the review" in agenda
    assert "Ask finance first." in agenda


def test_a_bad_time_box_comes_back_on_its_item_with_what_was_typed(
    client_for: Clients, meeting: Meeting
) -> None:
    data = {"minutes": "0", "notes": "Keep it short"}
    response = post(client_for("it_lead"), url("item", item_id=meeting.source_item.pk), data)
    assert response.status_code == 422
    item = re.search(
        rf'<li id="item-{meeting.source_item.pk}".*?(?=<li id="item-|</ol>)', response.content.decode(), re.S
    )
    assert item
    assert "Ensure this value is greater than or equal to 1." in item.group(0)
    assert "Keep it short" in item.group(0)
    assert "<details open>" in item.group(0)


def test_dropping_an_item_asks_for_a_reason(client_for: Clients, meeting: Meeting) -> None:
    client = client_for("owner")
    refused = post(client, url("item_drop", item_id=meeting.source_item.pk), {"reason": "  "})
    assert refused.status_code == 422
    assert "This field is required." in refused.content.decode()
    response = post(client, url("item_drop", item_id=meeting.source_item.pk), {"reason": "Solved yesterday"})
    assert response.status_code == 302
    agenda = section(page(client, url("review", review_id=meeting.review.pk)), "agenda")
    dropped = agenda.split("Dropped", 1)[1]
    assert "Photo upload slipped" in dropped
    assert "Solved yesterday" in dropped


def _positions(meeting: Meeting) -> list[int]:
    return list(
        AgendaItem.objects.for_org(meeting.review.organization)
        .filter(review=meeting.review, dropped_at__isnull=True)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )


def test_moving_an_item_up_changes_the_order(client_for: Clients, meeting: Meeting) -> None:
    before = _positions(meeting)
    last = before[-1]
    response = post(client_for("owner"), url("item_move", item_id=last), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{last}")
    assert _positions(meeting) == [*before[:-2], last, before[-2]]


def test_moving_an_item_with_htmx_answers_the_agenda_alone(client_for: Clients, meeting: Meeting) -> None:
    first = _positions(meeting)[0]
    response = post(
        client_for("owner"), url("item_move", item_id=first), {"direction": "down"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="agenda"')
    assert "<html" not in html
    assert _positions(meeting)[1] == first


def test_moving_an_item_on_a_closed_review_is_refused_with_a_message(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    services.review_close(actor=personas.owner, review=meeting.review, present=[])
    item = meeting.hand_item.pk
    response = post(
        client_for("owner"), url("item_move", item_id=item), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert response["HX-Redirect"] == url("review", review_id=meeting.review.pk)
    plain = post(client_for("owner"), url("item_move", item_id=item), {"direction": "up"})
    assert plain.status_code == 409
    assert "This review is closed" in plain.content.decode()


def test_changing_an_item_dropped_meanwhile_says_so_above_the_agenda(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    services.item_drop(actor=personas.owner, item=meeting.hand_item, reason="Covered last week")
    response = post(client_for("it_lead"), url("item", item_id=meeting.hand_item.pk), {"minutes": "5"})
    assert response.status_code == 409
    html = response.content.decode()
    alert = html.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "This item was dropped from the agenda" in alert
    assert html.index('role="alert"') < html.index('<section id="agenda"')


def test_a_move_in_no_direction_is_refused(client_for: Clients, meeting: Meeting) -> None:
    response = post(
        client_for("owner"), url("item_move", item_id=meeting.hand_item.pk), {"direction": "sideways"}
    )
    assert response.status_code == 422
    assert "Move an item up or down." in response.content.decode()


# --- Starting, closing and the minutes --------------------------------------------------------------


def test_starting_and_closing_a_review_then_reading_its_minutes(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    client = client_for("business_lead")
    review_url = url("review", review_id=meeting.review.pk)
    assert post(client, url("review_start", review_id=meeting.review.pk)).status_code == 302
    assert "In progress" in page(client, review_url)
    present = [str(personas.business_lead.pk), str(personas.it_lead.pk)]
    data = {"present": present, "notes": "A good meeting."}
    response = post(client, url("review_close", review_id=meeting.review.pk), data)
    assert response.status_code == 302
    meeting.review.refresh_from_db()
    assert meeting.review.status == ReviewStatus.CLOSED
    html = page(client, review_url)
    assert url("minutes", review_id=meeting.review.pk) in html
    assert url("item_drop", item_id=meeting.hand_item.pk) not in html  # history now
    minutes = page(client, url("minutes", review_id=meeting.review.pk))
    assert "Move the claims portal to the cloud" in minutes
    assert url("minutes_md", review_id=meeting.review.pk) in minutes
    assert url("minutes_pdf", review_id=meeting.review.pk) in minutes


def test_the_minutes_download_as_markdown_and_pdf(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    services.review_close(
        actor=personas.owner, review=meeting.review, present=[personas.owner, personas.admin]
    )
    client = client_for("viewer")
    md = client.get(url("minutes_md", review_id=meeting.review.pk))
    assert md.status_code == 200
    assert md["Content-Type"] == "text/markdown; charset=utf-8"
    assert md["Content-Disposition"].startswith('attachment; filename="minutes-weekly-businessit-review-')
    assert "Move the claims portal to the cloud" in md.content.decode()
    pdf = client.get(url("minutes_pdf", review_id=meeting.review.pk))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].endswith('.pdf"')
    assert pdf.content.startswith(b"%PDF")


def test_a_review_has_no_minutes_before_it_is_closed(client_for: Clients, meeting: Meeting) -> None:
    client = client_for("owner")
    for name in ("minutes", "minutes_md", "minutes_pdf"):
        assert client.get(url(name, review_id=meeting.review.pk)).status_code == 404


def test_closing_with_an_unknown_person_keeps_the_notes(client_for: Clients, meeting: Meeting) -> None:
    data = {"present": ["999999"], "notes": "Short one."}
    response = post(client_for("owner"), url("review_close", review_id=meeting.review.pk), data)
    assert response.status_code == 422
    close = section(response.content.decode(), "close")
    assert "Select a valid choice" in close
    assert "Short one." in close


def test_cancelling_asks_why(client_for: Clients, meeting: Meeting) -> None:
    client = client_for("admin")
    refused = post(client, url("review_cancel", review_id=meeting.review.pk), {"reason": ""})
    assert refused.status_code == 422
    assert "This field is required." in section(refused.content.decode(), "close")
    assert (
        post(
            client, url("review_cancel", review_id=meeting.review.pk), {"reason": "Half the team is ill"}
        ).status_code
        == 302
    )
    assert "This review was cancelled: Half the team is ill" in page(
        client, url("review", review_id=meeting.review.pk)
    )


def test_refreshing_the_agenda_redirects_to_it(client_for: Clients, meeting: Meeting) -> None:
    response = post(client_for("owner"), url("review_refresh", review_id=meeting.review.pk))
    assert response.status_code == 302
    assert response["Location"] == url("review", review_id=meeting.review.pk)


def test_starting_a_review_twice_says_so(client_for: Clients, personas: Personas, meeting: Meeting) -> None:
    services.review_start(actor=personas.owner, review=meeting.review)
    response = post(client_for("owner"), url("review_start", review_id=meeting.review.pk))
    assert response.status_code == 409
    assert "This review is in progress already." in response.content.decode()


def test_the_one_off_calendar_download(client_for: Clients, meeting: Meeting) -> None:
    response = client_for("member").get(url("review_ics", review_id=meeting.review.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="weekly-businessit-review-')
    assert b"BEGIN:VEVENT" in response.content
    assert b"RRULE" not in response.content


# --- Decisions -------------------------------------------------------------------------------------


def test_recording_a_decision_in_a_review(client_for: Clients, personas: Personas, meeting: Meeting) -> None:
    client = client_for("it_lead")
    data = {
        "title": "Keep the old portal until March",
        "rationale": "Users need time.",
        "revisit_on": soon(30),
    }
    response = post(client, url("decision_new") + f"?review={meeting.review.pk}", data)
    decision = Decision.objects.for_org(personas.org).get(title="Keep the old portal until March")
    assert response.status_code == 302
    assert response["Location"] == url("decision", decision_id=decision.pk)
    assert decision.review_id == meeting.review.pk
    html = page(client, response["Location"])
    assert "confirmed by IT only" in html
    assert "Users need time." in html


def test_a_decision_without_a_rationale_comes_back_with_what_was_typed(
    client_for: Clients, meeting: Meeting
) -> None:
    data = {"title": "Keep the old portal", "rationale": "", "options_considered": "Switch off at once"}
    response = post(client_for("it_lead"), url("decision_new") + f"?review={meeting.review.pk}", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html
    assert 'value="Keep the old portal"' in html
    assert "Switch off at once" in html


def test_a_review_date_in_the_past_is_refused_on_its_field(client_for: Clients) -> None:
    data = {
        "title": "Look again",
        "rationale": "Because.",
        "revisit_on": (today() - timedelta(days=1)).isoformat(),
    }
    response = post(client_for("owner"), url("decision_new"), data)
    assert response.status_code == 422
    assert 'value="Look again"' in response.content.decode()


def test_the_other_side_confirms_a_decision(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    client = client_for("admin")
    decision_url = url("decision", decision_id=meeting.decision.pk)
    response = post(client, url("decision_confirm", decision_id=meeting.decision.pk), {"next": decision_url})
    assert response.status_code == 302
    assert response["Location"] == decision_url
    html = page(client, decision_url)
    assert "confirmed by both sides" in html
    assert personas.admin.user.display_name in section(html, "confirmations")
    assert "Confirmed: both sides have now confirmed this decision." in html


def test_confirming_twice_is_refused_with_a_message(client_for: Clients, meeting: Meeting) -> None:
    response = post(client_for("business_lead"), url("decision_confirm", decision_id=meeting.decision.pk))
    assert response.status_code == 409
    assert "You have confirmed this decision already." in response.content.decode()


def test_a_confirmation_returns_only_to_a_page_of_this_site(client_for: Clients, meeting: Meeting) -> None:
    response = post(
        client_for("admin"),
        url("decision_confirm", decision_id=meeting.decision.pk),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == url("decision", decision_id=meeting.decision.pk)


def test_the_decision_log_is_searchable_and_filtered(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    services.decision_record(
        actor=personas.it_lead, title="Buy a new printer", rationale="The old one broke."
    )
    client = client_for("viewer")
    everything = page(client, url("decisions"))
    assert "Move the claims portal to the cloud" in everything
    assert "Buy a new printer" in everything
    found = page(client, url("decisions") + "?q=cloud")
    assert "Move the claims portal to the cloud" in found
    assert "Buy a new printer" not in found
    assert 'value="cloud"' in found
    nothing = page(client, url("decisions") + "?q=elephants")
    assert "No decision matches" in nothing
    confirmed = page(client, url("decisions") + "?confirmed=yes")
    assert "No decision matches" in confirmed
    odd = page(client, url("decisions") + "?confirmed=maybe")  # an invalid filter is ignored
    assert "Buy a new printer" in odd


def test_an_empty_decision_log_says_how_to_start(client_for: Clients, personas: Personas) -> None:
    assert "No decisions yet." in page(client_for("member"), url("decisions"))


def test_the_decision_log_pages(client_for: Clients, personas: Personas) -> None:
    for n in range(26):
        services.decision_record(actor=personas.it_lead, title=f"Decision {n}", rationale="Because.")
    assert "Page 1 of 2" in page(client_for("member"), url("decisions"))


# --- Action items ---------------------------------------------------------------------------------


def test_the_actions_page_shows_open_ones_and_filters_mine_and_overdue(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    late = services.action_add(
        actor=personas.owner, title="Renew the licence", owner=personas.member, due_on=soon(1)
    )
    ActionItem.objects.for_org(personas.org).filter(pk=late.pk).update(due_on=today() - timedelta(days=2))
    client = client_for("member")
    html = page(client, url("actions"))
    assert "Draft the migration plan" in html
    assert "Renew the licence" in html
    assert "overdue" in html
    mine = page(client, url("actions") + "?mine=on")
    assert "Renew the licence" in mine
    assert "Draft the migration plan" not in mine
    overdue = page(client, url("actions") + "?overdue=on")
    assert "Renew the licence" in overdue
    assert "Ask the vendor" not in overdue


def test_an_actions_owner_marks_it_done(client_for: Clients, meeting: Meeting) -> None:
    client = client_for("admin")  # the owner of the migration plan
    response = post(
        client, url("action", action_id=meeting.action.pk), {"status": "done", "next": url("actions")}
    )
    assert response.status_code == 302
    meeting.action.refresh_from_db()
    assert meeting.action.status == ActionStatus.DONE
    assert "Draft the migration plan" not in page(client, url("actions"))
    assert "Draft the migration plan" in page(client, url("actions") + "?status=done")


def test_an_action_in_an_unknown_status_comes_back_with_the_message(
    client_for: Clients, meeting: Meeting
) -> None:
    response = post(client_for("admin"), url("action", action_id=meeting.action.pk), {"status": "someday"})
    assert response.status_code == 422
    row = re.search(rf'<tr id="action-{meeting.action.pk}".*?</tr>', response.content.decode(), re.S)
    assert row
    assert "Select a valid choice" in row.group(0)


def test_adding_an_action_in_a_review(client_for: Clients, personas: Personas, meeting: Meeting) -> None:
    client = client_for("member")
    data = {"title": "Book the training room", "owner": str(personas.member.pk), "due_on": soon(10)}
    response = post(client, url("action_new") + f"?review={meeting.review.pk}", data)
    assert response.status_code == 302
    assert response["Location"] == url("review", review_id=meeting.review.pk)
    assert "Book the training room" in section(page(client, response["Location"]), "actions")


def test_an_action_due_in_the_past_comes_back_with_what_was_typed(
    client_for: Clients, personas: Personas
) -> None:
    data = {"title": "Book the training room", "owner": str(personas.member.pk), "due_on": "2020-01-01"}
    response = post(client_for("member"), url("action_new"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Book the training room"' in html
    assert 'value="2020-01-01"' in html


def test_an_action_following_a_decision_returns_to_it(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    client = client_for("owner")
    form = page(client, url("action_new") + f"?decision={meeting.decision.pk}")
    assert "Move the claims portal to the cloud" in form
    data = {"title": "Ask for three quotes", "owner": str(personas.it_lead.pk), "due_on": soon(14)}
    response = post(client, url("action_new") + f"?decision={meeting.decision.pk}", data)
    assert response["Location"] == url("decision", decision_id=meeting.decision.pk)
    assert "Ask for three quotes" in section(page(client, response["Location"]), "follow-up")


def test_an_empty_actions_page_says_what_to_do(client_for: Clients, personas: Personas) -> None:
    assert "No open action items" in page(client_for("member"), url("actions"))


# --- Wins -----------------------------------------------------------------------------------------


def test_celebrating_a_win_in_a_review(client_for: Clients, personas: Personas, meeting: Meeting) -> None:
    client = client_for("it_lead")
    data = {"title": "First claim settled in a day", "thanked": [str(personas.business_lead.pk)]}
    response = post(client, url("win_new") + f"?review={meeting.review.pk}", data)
    assert response.status_code == 302
    wins = section(page(client, url("review", review_id=meeting.review.pk)), "wins")
    assert "First claim settled in a day" in wins
    assert personas.business_lead.user.display_name in wins


def test_a_win_without_a_title_comes_back_with_what_was_typed(client_for: Clients, meeting: Meeting) -> None:
    response = post(
        client_for("it_lead"), url("win_new"), {"title": "", "detail": "Thanks to the whole team"}
    )
    assert response.status_code == 422
    assert "Thanks to the whole team" in response.content.decode()


def test_a_win_on_the_agenda_is_celebrated_with_its_source(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    AgendaItem.objects.for_org(personas.org).filter(pk=meeting.source_item.pk).update(
        is_win=True, kind="accepted"
    )
    html = section(page(client_for("owner"), url("review", review_id=meeting.review.pk)), "agenda")
    assert "Celebrate it" in html
    form = page(
        client_for("owner"),
        url("win_new") + f"?review={meeting.review.pk}&title=Photo+upload&source_key=delivery:accepted:1",
    )
    assert 'value="delivery:accepted:1"' in form
    data = {"title": "Photo upload", "source_key": "delivery:accepted:1"}
    post(client_for("owner"), url("win_new") + f"?review={meeting.review.pk}", data)
    again = post(client_for("owner"), url("win_new") + f"?review={meeting.review.pk}", data)
    assert again.status_code == 409
    assert "celebrated in this review already" in again.content.decode()


# --- The habit page and the personal feed --------------------------------------------------------


def test_the_habit_page_shows_each_series_and_what_was_missed(
    client_for: Clients, personas: Personas, meeting: Meeting, key_result: Any
) -> None:
    ActionItem.objects.for_org(personas.org).filter(pk=meeting.carried.pk).update(
        due_on=today() - timedelta(days=1)
    )
    from tandem.strategy.models import KeyResult

    KeyResult.objects.for_org(personas.org).filter(pk=key_result.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    html = page(client_for("viewer"), url("habit"))
    scores = section(html, "scores")
    assert "Weekly business–IT review" in scores
    assert "/ 100" in scores
    assert "Week of" in scores
    assert "not counted" in scores  # a week without actions due leaves the component out
    assert ">%<" not in scores.replace("\n", "")
    assert "Net promoter score" in section(html, "missed")
    assert "Ask the vendor for a quote" in section(html, "overdue")


def test_an_empty_habit_page_says_what_to_do(client_for: Clients, personas: Personas) -> None:
    html = page(client_for("member"), url("habit"))
    assert "No active review series" in html
    assert "Every key result of the active objectives had a check-in" in html
    assert "No action is past its due date." in html


def test_my_calendar_address_is_made_by_a_button_and_renewed(
    client_for: Clients, personas: Personas, series: ReviewSeries
) -> None:
    from tandem.reviews import ics

    client = client_for("it_lead")
    first = page(client, url("my_feed"))
    assert "Make my calendar address" in first
    assert "Weekly business–IT review" in section(first, "attended")
    assert not PersonalFeed.objects.for_org(personas.org).exists()  # the GET made nothing
    assert post(client, url("my_feed")).status_code == 302
    feed = PersonalFeed.objects.for_org(personas.org).get(membership=personas.it_lead)
    secret = ics.personal_feed_secret(feed)
    assert secret in page(client, url("my_feed"))
    assert post(client, url("my_feed")).status_code == 302
    feed.refresh_from_db()
    assert ics.personal_feed_secret(feed) != secret
    assert Client().get(f"/reviews/feed/{secret}.ics").status_code == 404


# --- Reads write nothing --------------------------------------------------------------------------


def test_no_page_writes_on_a_read(client_for: Clients, personas: Personas, meeting: Meeting) -> None:
    services.review_close(actor=personas.owner, review=meeting.review, present=[personas.owner])
    pages = [
        url("list"),
        url("series", series_id=meeting.series.pk),
        url("series_new"),
        url("series_edit", series_id=meeting.series.pk),
        url("review", review_id=meeting.review.pk),
        url("review_ics", review_id=meeting.review.pk),
        url("minutes", review_id=meeting.review.pk),
        url("minutes_md", review_id=meeting.review.pk),
        url("minutes_pdf", review_id=meeting.review.pk),
        url("decisions"),
        url("decision_new"),
        url("decision", decision_id=meeting.decision.pk),
        url("actions"),
        url("action_new"),
        url("win_new"),
        url("habit"),
        url("my_feed"),
    ]

    def counts() -> list[int]:
        scoped = (Review, AgendaItem, Decision, ActionItem, Win, PersonalFeed)
        audit = AuditEvent.objects.for_org(personas.org).exclude(action="auth.login").count()
        return [audit] + [model.objects.for_org(personas.org).count() for model in scoped]

    before = counts()
    client = client_for("owner")
    for path in pages:
        assert client.get(path).status_code == 200, path
    assert counts() == before


@pytest.mark.parametrize(
    "name", ["prepare", "series_feed", "review_start", "review_close", "review_cancel", "review_refresh"]
)
def test_a_step_answers_no_get(client_for: Clients, meeting: Meeting, name: str) -> None:
    kwargs = (
        {"series_id": meeting.series.pk}
        if name in ("prepare", "series_feed")
        else {"review_id": meeting.review.pk}
    )
    assert client_for("owner").get(url(name, **kwargs)).status_code == 405


# --- Query counts do not grow with the rows -----------------------------------------------------------


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_long_pages_read_in_a_fixed_number_of_queries(
    client_for: Clients, personas: Personas, meeting: Meeting
) -> None:
    client = client_for("it_lead")
    paths = [url("review", review_id=meeting.review.pk), url("decisions"), url("actions")]
    for path in paths:  # the first request of a client reads what it then keeps (its session)
        client.get(path)
    before = [_queries(client, path) for path in paths]
    for n in range(5):
        services.item_add(actor=personas.owner, review=meeting.review, title=f"Topic {n}")
        decision = services.decision_record(
            actor=personas.admin, review=meeting.review, title=f"Decision {n}", rationale="Because."
        )
        services.decision_confirm(actor=personas.owner, decision=decision)
        services.action_add(
            actor=personas.owner,
            review=meeting.review,
            title=f"Action {n}",
            owner=personas.member,
            due_on=soon(),
        )
        services.win_add(
            actor=personas.owner, review=meeting.review, title=f"Win {n}", thanked=[personas.admin]
        )
    assert [_queries(client, path) for path in paths] == before


def test_preparing_for_an_inactive_series_says_why_not(
    client_for: Clients, personas: Personas, series: ReviewSeries
) -> None:
    services.series_update(actor=personas.owner, series=series, is_active=False)
    response = post(client_for("owner"), url("prepare", series_id=series.pk))
    assert response.status_code == 409
    html = response.content.decode()
    assert "no longer active" in html
    assert 'role="alert"' in html
