"""The calendar files of the weekly review, read back by a calendar library: the series' feed (its
rule, time zone, daylight-saving changes and cancelled reviews), a person's feed, the one-off
download, and the public feed address (no account, a renewed address stops at once)."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import recurring_ical_events  # type: ignore[import-untyped]
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from tandem.core.links import link_secret, secret_digest
from tandem.core.models import Role
from tandem.reviews import ics, views_feed
from tandem.reviews.models import PersonalFeed, Review, ReviewSeries, ReviewStatus
from tests.conftest import Personas
from tests.reviews.conftest import make_series

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def starts(body: bytes, start: datetime, end: datetime) -> list[datetime]:
    """The start of every event the calendar expands to between ``start`` and ``end``."""
    expanded: list[Any] = recurring_ical_events.of(parse(body)).between(start, end)
    return sorted(event["DTSTART"].dt for event in expanded)


def events(body: bytes) -> list[Any]:
    return list(parse(body).walk("VEVENT"))


def cancel(series: ReviewSeries, at: datetime) -> Review:
    return Review.objects.create(
        organization=series.organization,
        series=series,
        scheduled_at=at,
        status=ReviewStatus.CANCELLED,
        cancel_reason="Public holiday",
        agenda_since=at - timedelta(days=7),
    )


def personal_feed(member: Any) -> tuple[PersonalFeed, str]:
    nonce = secrets.token_hex(16)
    secret = link_secret(ics.PERSONAL_SALT, nonce)
    feed = PersonalFeed.objects.create(
        organization=member.organization, membership=member, nonce=nonce, digest=secret_digest(secret)
    )
    return feed, secret


def fetch(token: str, method: str = "get") -> HttpResponse:
    request = getattr(RequestFactory(), method)(f"/reviews/feed/{token}.ics")
    response: HttpResponse = views_feed.feed(request, token)
    return response


# --- The series' feed ------------------------------------------------------------------------------


def test_the_feed_repeats_the_review_every_monday_at_nine(series: ReviewSeries) -> None:
    found = starts(ics.series_calendar(series), utc(2026, 1, 1), utc(2026, 2, 1))
    assert [at.date() for at in found] == [date(2026, 1, d) for d in (5, 12, 19, 26)]
    assert all(at.astimezone(AMSTERDAM).time() == time(9, 0) for at in found)


def test_the_event_names_its_rule_time_zone_and_length(series: ReviewSeries) -> None:
    body = ics.series_calendar(series)
    (event,) = events(body)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;INTERVAL=1;BYDAY=MO"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event["DTSTART"].dt == datetime(2026, 1, 5, 9, tzinfo=AMSTERDAM)
    assert event["DURATION"].dt == timedelta(minutes=60)
    assert [tz["TZID"] for tz in parse(body).walk("VTIMEZONE")] == ["Europe/Amsterdam"]


def test_every_other_week_is_an_interval_of_two(personas: Personas) -> None:
    series = make_series(personas, interval_weeks=2, weekday=2, starts_on=date(2026, 1, 5))
    found = starts(ics.series_calendar(series), utc(2026, 1, 1), utc(2026, 2, 15))
    assert [at.date() for at in found] == [date(2026, 1, 7), date(2026, 1, 21), date(2026, 2, 4)]
    assert b"INTERVAL=2;BYDAY=WE" in ics.series_calendar(series)


@pytest.mark.parametrize(
    ("start", "end", "utc_hours"),
    [
        (utc(2026, 3, 16), utc(2026, 4, 7), [8, 8, 7, 7]),  # summer time from Sunday 29 March
        (utc(2026, 10, 12), utc(2026, 11, 3), [7, 7, 8, 8]),  # winter time from Sunday 25 October
    ],
)
def test_nine_in_amsterdam_stays_nine_local_when_the_clocks_change(
    series: ReviewSeries, start: datetime, end: datetime, utc_hours: list[int]
) -> None:
    found = starts(ics.series_calendar(series), start, end)
    assert [at.astimezone(AMSTERDAM).hour for at in found] == [9, 9, 9, 9]
    assert [at.astimezone(UTC).hour for at in found] == utc_hours


def test_a_series_in_new_york_follows_american_daylight_saving(personas: Personas) -> None:
    series = make_series(personas, time_zone="America/New_York", weekday=2, start_time=time(9, 30))
    body = ics.series_calendar(series)
    found = starts(body, utc(2026, 2, 28), utc(2026, 3, 19))  # clocks go forward on 8 March
    assert [at.astimezone(NEW_YORK).time() for at in found] == [time(9, 30)] * 3
    assert [at.astimezone(UTC).hour for at in found] == [14, 13, 13]
    assert [tz["TZID"] for tz in parse(body).walk("VTIMEZONE")] == ["America/New_York"]


def test_a_cancelled_review_is_left_out_of_the_feed(series: ReviewSeries) -> None:
    cancel(series, datetime(2026, 1, 12, 9, tzinfo=AMSTERDAM))
    Review.objects.create(
        organization=series.organization,
        series=series,
        scheduled_at=datetime(2026, 1, 19, 9, tzinfo=AMSTERDAM),
        agenda_since=utc(2026, 1, 1),
    )
    body = ics.series_calendar(series, reviews=series.reviews.all())
    found = starts(body, utc(2026, 1, 1), utc(2026, 1, 27))
    assert [at.date() for at in found] == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 1, 26)]
    assert b"EXDATE;TZID=Europe/Amsterdam:20260112T090000" in body


def test_the_feed_names_the_series_and_links_its_page_without_anyone_in_it(series: ReviewSeries) -> None:
    body = ics.series_calendar(series)
    (event,) = events(body)
    page = settings.SITE_URL + reverse("reviews:series", kwargs={"org_slug": "acme", "series_id": series.pk})
    assert str(event["SUMMARY"]) == "Weekly business–IT review"
    assert str(event["URL"]) == page
    assert "Tandem weekly review" in str(event["DESCRIPTION"])
    assert page in str(event["DESCRIPTION"])
    host = settings.SITE_URL.split("://")[1].split(":")[0]
    assert str(event["UID"]) == f"series-{series.pk}@{host}"
    for absent in (b"ATTENDEE", b"ORGANIZER", b"mailto", b"@acme.test"):
        assert absent not in body


def test_an_inactive_series_has_an_empty_feed(personas: Personas) -> None:
    series = make_series(personas, is_active=False)
    assert events(ics.series_calendar(series)) == []


# --- A person's feed and the one-off download ------------------------------------------------------


def test_a_persons_feed_lists_every_active_series_they_attend(
    personas: Personas, series: ReviewSeries
) -> None:
    claims = make_series(
        personas, name="Claims programme review", weekday=3, time_zone="America/New_York", interval_weeks=2
    )
    make_series(personas, name="Stopped review", is_active=False)
    make_series(personas, name="IT only").attendees.set([personas.it_lead])
    cancel(claims, datetime(2026, 1, 22, 9, tzinfo=NEW_YORK))
    body = ics.person_calendar(personas.business_lead)
    assert sorted(str(event["SUMMARY"]) for event in events(body)) == [
        "Claims programme review",
        "Weekly business–IT review",
    ]
    assert {str(tz["TZID"]) for tz in parse(body).walk("VTIMEZONE")} == {
        "Europe/Amsterdam",
        "America/New_York",
    }
    found = starts(body, utc(2026, 1, 1), utc(2026, 2, 1))
    weekly = [at.date() for at in found if at.tzinfo == AMSTERDAM]
    fortnightly = [at.date() for at in found if at.tzinfo == NEW_YORK]
    assert weekly == [date(2026, 1, d) for d in (5, 12, 19, 26)]
    assert fortnightly == [date(2026, 1, 8)]  # the 22nd was cancelled
    assert b"@acme.test" not in body


def test_a_person_who_attends_nothing_gets_an_empty_calendar(
    personas: Personas, series: ReviewSeries
) -> None:
    assert events(ics.person_calendar(personas.member)) == []


def test_the_one_off_download_is_a_single_event_at_the_reviews_time(series: ReviewSeries) -> None:
    review = Review.objects.create(
        organization=series.organization,
        series=series,
        scheduled_at=datetime(2026, 3, 30, 9, tzinfo=AMSTERDAM),
        agenda_since=utc(2026, 3, 23),
    )
    body = ics.review_event(review)
    (event,) = events(body)
    assert "RRULE" not in event
    assert event["DTSTART"].dt == datetime(2026, 3, 30, 9, tzinfo=AMSTERDAM)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]).endswith(f"/reviews/{review.pk}/")
    assert starts(body, utc(2026, 1, 1), utc(2027, 1, 1)) == [datetime(2026, 3, 30, 7, tzinfo=UTC)]


def test_the_one_off_download_of_a_cancelled_review_is_cancelled(series: ReviewSeries) -> None:
    review = cancel(series, datetime(2026, 1, 12, 9, tzinfo=AMSTERDAM))
    (event,) = events(ics.review_event(review))
    assert str(event["STATUS"]) == "CANCELLED"


# --- The public address ----------------------------------------------------------------------------


def test_the_feed_address_is_absolute_and_carries_the_secret(series: ReviewSeries) -> None:
    secret = ics.series_feed_secret(series)
    assert secret_digest(secret) == series.feed_digest
    assert ics.feed_url(secret) == f"{settings.SITE_URL}/reviews/feed/{secret}.ics"
    assert (
        ics.feed_url(secret, base_url="https://tandem.example")
        == f"https://tandem.example/reviews/feed/{secret}.ics"
    )


def test_a_series_feed_opens_without_an_account(series: ReviewSeries) -> None:
    response = fetch(ics.series_feed_secret(series))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["Content-Disposition"] == 'inline; filename="weekly-businessit-review.ics"'
    assert str(events(response.content)[0]["SUMMARY"]) == "Weekly business–IT review"


def test_a_head_request_answers_like_a_get(series: ReviewSeries) -> None:
    response = fetch(ics.series_feed_secret(series), "head")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_the_feed_takes_no_other_method(series: ReviewSeries) -> None:
    assert fetch(ics.series_feed_secret(series), "post").status_code == 405


@pytest.mark.parametrize("token", ["not-a-feed", "x" * 200, ""])
def test_an_unknown_secret_is_an_empty_404(series: ReviewSeries, token: str) -> None:
    response = fetch(token)
    assert response.status_code == 404
    assert response.content == b""


def test_a_renewed_address_stops_the_old_one(series: ReviewSeries) -> None:
    old = ics.series_feed_secret(series)
    series.feed_nonce = secrets.token_hex(16)
    series.feed_digest = secret_digest(link_secret(ics.SERIES_SALT, series.feed_nonce))
    series.save(update_fields=["feed_nonce", "feed_digest"])
    assert fetch(old).status_code == 404
    assert fetch(ics.series_feed_secret(series)).status_code == 200


def test_reading_a_feed_writes_nothing(series: ReviewSeries) -> None:
    cancel(series, datetime(2026, 1, 12, 9, tzinfo=AMSTERDAM))
    with CaptureQueriesContext(connection) as queries:
        response = fetch(ics.series_feed_secret(series))
    assert response.status_code == 200
    assert b"EXDATE" in response.content
    assert len(queries) == 2
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries)


def test_a_personal_feed_opens_by_its_own_secret(personas: Personas, series: ReviewSeries) -> None:
    feed, secret = personal_feed(personas.it_lead)
    response = fetch(secret)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="acme-weekly-reviews.ics"'
    assert [str(event["SUMMARY"]) for event in events(response.content)] == ["Weekly business–IT review"]
    assert ics.personal_feed_secret(feed) == secret


def test_a_renewed_personal_feed_stops_the_old_address(personas: Personas, series: ReviewSeries) -> None:
    feed, old = personal_feed(personas.it_lead)
    feed.nonce = secrets.token_hex(16)
    feed.digest = secret_digest(ics.personal_feed_secret(feed))
    feed.save(update_fields=["nonce", "digest"])
    assert fetch(old).status_code == 404
    assert fetch(ics.personal_feed_secret(feed)).status_code == 200


def test_the_feed_of_a_deactivated_member_or_a_partner_is_gone(
    personas: Personas, series: ReviewSeries
) -> None:
    _feed, secret = personal_feed(personas.it_lead)
    personas.it_lead.is_active = False
    personas.it_lead.save(update_fields=["is_active"])
    assert fetch(secret).status_code == 404
    _feed, partner_secret = personal_feed(personas.partner)
    assert personas.partner.role == Role.PARTNER
    assert fetch(partner_secret).status_code == 404


def test_a_calendar_application_subscribes_through_the_public_route(series: ReviewSeries) -> None:
    url = reverse("reviews:feed", kwargs={"feed_token": ics.series_feed_secret(series)})
    assert url == f"/reviews/feed/{ics.series_feed_secret(series)}.ics"
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert not response.cookies
    assert Client().get(reverse("reviews:feed", kwargs={"feed_token": "unknown"})).status_code == 404
