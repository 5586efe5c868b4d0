"""Calendar files of the weekly review: a series' feed, a person's feed and a one-off download.

A feed is one recurring event per series (``RRULE:FREQ=WEEKLY`` from a ``DTSTART`` with the
series' ``TZID`` and its ``VTIMEZONE``), so a calendar keeps the review at its wall-clock time
across daylight-saving changes; a cancelled review is an ``EXDATE``. A feed's address is a secret
that may be shared, so a feed carries no attendee, no e-mail address and no agenda: the series'
name, its length, and a line pointing to the series page, where signing in is needed.

A feed's secret is an HMAC of the stored nonce (``tandem.core.links``); only its digest is stored
(``ReviewSeries.feed_digest``, ``PersonalFeed.digest``), so renewing the nonce stops the old URL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from tandem.core.links import link_secret
from tandem.core.models import Membership, Organization
from tandem.reviews import schedule
from tandem.reviews.models import PersonalFeed, Review, ReviewSeries, ReviewStatus

SERIES_SALT = "tandem.reviews.series_feed"
PERSONAL_SALT = "tandem.reviews.personal_feed"
PRODID = "-//Tandem//Weekly review//EN"
REFRESH_INTERVAL = timedelta(hours=1)
# The VTIMEZONE spells out the zone's changes this long after today; calendars that know the zone
# by its IANA name (nearly all) use their own rules beyond it.
TIMEZONE_YEARS = 10
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


# --- Secrets and addresses -------------------------------------------------------------------------


def series_feed_secret(series: ReviewSeries) -> str:
    """The secret of a series' feed address (never stored)."""
    return link_secret(SERIES_SALT, series.feed_nonce)


def personal_feed_secret(feed: PersonalFeed) -> str:
    """The secret of a person's feed address (never stored)."""
    return link_secret(PERSONAL_SALT, feed.nonce)


def feed_url(secret: str, *, base_url: str | None = None) -> str:
    """The absolute address a calendar subscribes to; ``base_url`` is the address the person
    acting used (``link_base_url(request)``), ``TANDEM_SITE_URL`` without one."""
    return (base_url or settings.SITE_URL) + reverse("reviews:feed", kwargs={"feed_token": secret})


def _series_page(series: ReviewSeries, org: Organization, base_url: str | None) -> str:
    path = reverse("reviews:series", kwargs={"org_slug": org.slug, "series_id": series.pk})
    return (base_url or settings.SITE_URL) + path


def _review_page(review: Review, org: Organization, base_url: str | None) -> str:
    path = reverse("reviews:review", kwargs={"org_slug": org.slug, "review_id": review.pk})
    return (base_url or settings.SITE_URL) + path


def _uid(kind: str, pk: int) -> str:
    """A UID that stays the same whatever address the feed was fetched through."""
    host = urlsplit(settings.SITE_URL).hostname or "tandem"
    return f"{kind}-{pk}@{host}"


def _description(url: str) -> str:
    return _("Tandem weekly review. Agenda, decisions and actions: %(url)s") % {"url": url}


# --- Building blocks -------------------------------------------------------------------------------


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.calendar_name = name
    calendar.refresh_interval = REFRESH_INTERVAL
    calendar.add("X-PUBLISHED-TTL", "PT1H")  # Outlook's REFRESH-INTERVAL
    return calendar


def _stamp(now: datetime | None) -> datetime:
    return (now or timezone.now()).astimezone(UTC).replace(microsecond=0)


def _finish(calendar: Calendar, *, earliest: date | None, now: datetime) -> bytes:
    """The calendar as bytes, with a VTIMEZONE for every zone its events name."""
    first = (earliest or now.date()) - timedelta(days=7)
    last = date(max(first.year, now.year) + TIMEZONE_YEARS, 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return bytes(calendar.to_ical())


def _series_event(
    series: ReviewSeries,
    org: Organization,
    *,
    cancelled: Iterable[datetime],
    stamp: datetime,
    base_url: str | None,
) -> Event:
    """The recurring event of a series. ``DTSTART`` is the first review's wall-clock time in the
    series' zone, so the rule repeats that time, whatever the offset of the day."""
    tz = schedule.zone(series)
    url = _series_page(series, org, base_url)
    event = Event()
    event.add("UID", _uid("series", series.pk))
    event.add("DTSTAMP", stamp)
    event.add("DTSTART", datetime.combine(schedule.first_date(series), series.start_time, tzinfo=tz))
    event.add("DURATION", timedelta(minutes=series.duration_minutes))
    event.add(
        "RRULE",
        {"FREQ": "WEEKLY", "INTERVAL": max(1, series.interval_weeks), "BYDAY": BYDAY[series.weekday]},
    )
    event.add("SUMMARY", series.name)
    event.add("DESCRIPTION", _description(url))
    event.add("URL", url)
    event.add("STATUS", "CONFIRMED")
    excluded = sorted({moment.astimezone(tz) for moment in cancelled})
    if excluded:
        event.add("EXDATE", excluded)
    return event


def _cancelled(series: ReviewSeries, reviews: Iterable[Review]) -> list[datetime]:
    return [
        review.scheduled_at
        for review in reviews
        if review.series_id == series.pk and review.status == ReviewStatus.CANCELLED
    ]


# --- The three calendars ---------------------------------------------------------------------------


def series_calendar(
    series: ReviewSeries,
    *,
    reviews: Iterable[Review] = (),
    now: datetime | None = None,
    base_url: str | None = None,
) -> bytes:
    """The feed of one series: its recurring event, with an ``EXDATE`` for every cancelled review
    among ``reviews``. Other reviews are not listed: a review held or planned at another time than
    the rule's stays at the rule's time in the feed (the series page has the truth). An inactive
    series meets no more: its feed is an empty calendar, so subscribed calendars drop it."""
    org = series.organization
    stamp = _stamp(now)
    calendar = _calendar(series.name)
    if series.is_active:
        cancelled = _cancelled(series, reviews)
        calendar.add_component(
            _series_event(series, org, cancelled=cancelled, stamp=stamp, base_url=base_url)
        )
    return _finish(calendar, earliest=schedule.first_date(series), now=stamp)


def person_calendar(
    membership: Membership, *, now: datetime | None = None, base_url: str | None = None
) -> bytes:
    """A member's feed: one recurring event per active series of their organisation they attend,
    with the cancelled reviews as ``EXDATE`` (two queries). Whether the member may still have a
    feed (active, not a partner) is the caller's to check."""
    org = membership.organization
    attended = list(
        ReviewSeries.objects.for_org(org).filter(is_active=True, attendees=membership).order_by("name", "id")
    )
    cancelled: dict[int, list[datetime]] = defaultdict(list)
    rows = Review.objects.for_org(org).filter(series__in=attended, status=ReviewStatus.CANCELLED)
    for series_id, scheduled_at in rows.values_list("series_id", "scheduled_at"):
        cancelled[series_id].append(scheduled_at)
    stamp = _stamp(now)
    calendar = _calendar(_("Weekly reviews of %(organisation)s") % {"organisation": org.name})
    for series in attended:
        event = _series_event(series, org, cancelled=cancelled[series.pk], stamp=stamp, base_url=base_url)
        calendar.add_component(event)
    earliest = min((schedule.first_date(series) for series in attended), default=None)
    return _finish(calendar, earliest=earliest, now=stamp)


def review_event(review: Review, *, now: datetime | None = None, base_url: str | None = None) -> bytes:
    """One review as a single event (no rule) to download and add by hand, at its own time in
    the series' zone; a cancelled review is a cancelled event."""
    series = review.series
    org = series.organization
    tz = schedule.zone(series)
    start = review.scheduled_at.astimezone(tz)
    url = _review_page(review, org, base_url)
    stamp = _stamp(now)
    event = Event()
    event.add("UID", _uid("review", review.pk))
    event.add("DTSTAMP", stamp)
    event.add("DTSTART", start)
    event.add("DURATION", timedelta(minutes=series.duration_minutes))
    event.add("SUMMARY", series.name)
    event.add("DESCRIPTION", _description(url))
    event.add("URL", url)
    event.add("STATUS", "CANCELLED" if review.status == ReviewStatus.CANCELLED else "CONFIRMED")
    calendar = _calendar(series.name)
    calendar.add_component(event)
    return _finish(calendar, earliest=start.date(), now=stamp)
