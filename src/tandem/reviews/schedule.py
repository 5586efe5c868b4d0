"""When a review series meets: every ``interval_weeks`` weeks on ``weekday`` at ``start_time`` in
its IANA ``time_zone``, from the first such weekday on or after ``starts_on``.

The wall-clock time is what stays fixed: a series at 09:00 in Amsterdam meets at 09:00 local time
in winter and in summer, so its UTC time moves by an hour across a daylight-saving change, exactly
as a calendar expands ``RRULE:FREQ=WEEKLY`` from a ``DTSTART;TZID=...``. A start time that does not
exist on a spring-forward day is read with the offset before the change (02:30 becomes 03:30),
the rule of RFC 5545 and of ``zoneinfo``, and returned as the real local time.

``previous_occurrences(s, t, n)`` ends at or before ``t`` (the reviews that have started) and
``next_occurrence(s, t)`` is strictly after it, so together they split the timeline at ``t``.
Occurrences are computed by index, never by walking from ``starts_on``; every loop is bounded.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from django.utils.translation import gettext as _

from tandem.core.errors import ValidationFailed

MAX_OCCURRENCES = 1000  # over 19 years of weekly reviews: more is a caller's mistake
MAX_ZONE_LENGTH = 64  # ReviewSeries.time_zone


class Schedule(Protocol):
    """The attributes of a ``ReviewSeries`` that say when it meets."""

    @property
    def weekday(self) -> int: ...
    @property
    def start_time(self) -> time: ...
    @property
    def time_zone(self) -> str: ...
    @property
    def interval_weeks(self) -> int: ...
    @property
    def starts_on(self) -> date: ...


def zone(series: Schedule) -> zoneinfo.ZoneInfo:
    """The series' time zone (validated on input by ``validate_time_zone``)."""
    return zoneinfo.ZoneInfo(series.time_zone)


def first_date(series: Schedule) -> date:
    """The date of the first review: the series' weekday on or after ``starts_on``."""
    return series.starts_on + timedelta(days=(series.weekday - series.starts_on.weekday()) % 7)


def _step(series: Schedule) -> int:
    return 7 * max(1, series.interval_weeks)


def _at(series: Schedule, index: int) -> datetime:
    """The ``index``-th occurrence (0 is the first), as a real local time of the series' zone."""
    tz = zone(series)
    day = first_date(series) + timedelta(days=index * _step(series))
    wall = datetime.combine(day, series.start_time, tzinfo=tz)
    return wall.astimezone(UTC).astimezone(tz)


def _index_near(series: Schedule, moment: datetime) -> int:
    """An index whose occurrence is before ``moment`` when any is (0 otherwise), at most two steps
    before it: one step early, since only the local date of ``moment`` is compared."""
    local_day = moment.astimezone(zone(series)).date()
    return max(0, (local_day - first_date(series)).days // _step(series) - 1)


def _require_aware(*moments: datetime) -> None:
    if any(moment.tzinfo is None or moment.utcoffset() is None for moment in moments):
        raise ValueError("schedule moments must be aware datetimes")


def occurrences(series: Schedule, *, start: datetime, end: datetime) -> list[datetime]:
    """The series' reviews from ``start`` (inclusive) to ``end`` (exclusive), oldest first, in the
    series' time zone; at most ``MAX_OCCURRENCES``."""
    _require_aware(start, end)
    found: list[datetime] = []
    index = _index_near(series, start)
    for offset in range(MAX_OCCURRENCES + 2):
        at = _at(series, index + offset)
        if at >= end or len(found) == MAX_OCCURRENCES:
            break
        if at >= start:
            found.append(at)
    return found


def next_occurrence(series: Schedule, after: datetime) -> datetime | None:
    """The first review strictly later than ``after``; ``None`` only when the date runs out of the
    calendar (year 9999)."""
    _require_aware(after)
    index = _index_near(series, after)
    try:
        # The occurrence two after ``_index_near`` is always later than ``after``.
        return next((at for at in (_at(series, index + offset) for offset in range(3)) if at > after), None)
    except OverflowError:
        return None


def previous_occurrences(series: Schedule, before: datetime, count: int) -> list[datetime]:
    """The last ``count`` reviews at or before ``before`` (those that have started), newest last;
    fewer when the series is younger, none before its first review. ``count`` is capped at
    ``MAX_OCCURRENCES``."""
    _require_aware(before)
    count = min(count, MAX_OCCURRENCES)
    index = _index_near(series, before)
    started = [index + offset for offset in range(3) if _at(series, index + offset) <= before]
    if count <= 0 or not started:
        return []
    last = started[-1]
    return [_at(series, i) for i in range(max(0, last - count + 1), last + 1)]


@functools.cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def validate_time_zone(name: str) -> str:
    """The IANA name of the time zone ``name`` spells (in any case, such as ``europe/amsterdam``),
    or ``ValidationFailed`` on the ``time_zone`` field naming what was given."""
    cleaned = (name or "").strip()
    if not cleaned:
        raise ValidationFailed(_("Choose a time zone, such as Europe/Amsterdam."), field="time_zone")
    known = _zones_by_lower_name().get(cleaned.lower()) if len(cleaned) <= MAX_ZONE_LENGTH else None
    if known is None:
        message = _(
            "“%(name)s” is not a time zone Tandem knows: use a name from the IANA time zone database, "
            "such as Europe/Amsterdam or America/New_York."
        ) % {"name": cleaned[:MAX_ZONE_LENGTH]}
        raise ValidationFailed(message, field="time_zone")
    return known
