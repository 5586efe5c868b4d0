"""Working time on an organisation's calendar: when "respond within 4 working hours" falls due, and
how much of each party's clock on an incident has run. No Django.

A calendar is wall-clock hours (``day_start`` to ``day_end`` in one IANA time zone) on chosen
weekdays, minus the country's public holidays and the organisation's own closing days. Public
holidays come from the ``holidays`` package, which ships its data, so nothing here needs a network.

Each working day is one window of instants: from the moment the local clock shows ``day_start`` to
the moment it shows ``day_end``. Everything is computed through those instants, never by adding hours
to a local time, so the answers hold across daylight-saving changes: a 09:00–17:00 day is eight hours
on the spring-forward and the fall-back day alike. A wall-clock time the clock skips (02:30 on a
spring-forward night) is read as the moment of the jump; one it shows twice (02:30 on a fall-back
night) as its first showing. A window that spans a change is as long as the time that really passes.

Time is counted in whole seconds: an instant is read at the whole second it falls in (microseconds
dropped), like a clock that shows seconds. Working time is then an exact integer, and the working time
from a to b plus that from b to c is the working time from a to c. Hours become seconds by rounding
to the nearest second.

Walks are day by day and bounded: a result more than ``HORIZON_DAYS`` after its start is refused, and
so is a search that meets ``IDLE_DAYS`` days in a row without working time (holidays and closing days
covering everything), rather than looping on.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import holidays.countries
from holidays import registry

IDLE_DAYS = 3 * 366
"""Days in a row without working time after which a search gives up."""

HORIZON_DAYS = 3653
"""Ten years: the furthest a deadline may lie after its start."""

MAX_HOURS = 24 * HORIZON_DAYS
"""More hours than any calendar holds in ten years, refused before any walk."""

_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)

Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class WorkCalendar:
    """An organisation's working hours. Construction checks every field and raises ValueError for an
    unknown time zone, country or subdivision, weekdays outside 0..6 (Monday is 0) or none at all,
    day times with a time zone or fractions of a second, and ``day_end`` not after ``day_start``.

    ``country`` is an ISO 3166-1 alpha-2 code and ``subdivision`` one of that country's codes in the
    ``holidays`` package (see ``supported_subdivisions``); both are matched regardless of case and
    stored as the package spells them. A day's working hours end at ``day_end`` on the same day, so a
    day ending at midnight is written ``time(23, 59, 59)``."""

    timezone: str = "Europe/Amsterdam"
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    country: str = ""
    subdivision: str = ""
    closing_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        _check_zone(self.timezone)
        weekdays = frozenset(self.weekdays)
        if not weekdays:
            raise ValueError("A calendar needs at least one working weekday.")
        if any(isinstance(day, bool) or day not in range(7) for day in weekdays):
            raise ValueError(f"Weekdays run from 0 (Monday) to 6 (Sunday), not {sorted(weekdays)}.")
        _check_day_times(self.day_start, self.day_end)
        country, subdivision = _place(self.country, self.subdivision)
        object.__setattr__(self, "weekdays", weekdays)
        object.__setattr__(self, "closing_days", frozenset(self.closing_days))
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "subdivision", subdivision)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def holiday_name(self, day: date, language: str | None = None) -> str | None:
        """The name of the public holiday on ``day``, or None when there is none (closing days are
        not public holidays). Names are in the country's own language ("Koningsdag") unless
        ``language`` asks otherwise: "en", "en-us" or "en_US" give "King's Day"; a language the
        package does not have for that country falls back to the country's own."""
        if isinstance(day, datetime):
            raise TypeError("holiday_name takes a date, not a datetime.")
        if not self.country:
            return None
        found = _holidays(self.country, self.subdivision, day.year, _language(self.country, language))
        return found.get(day)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` has working hours: a working weekday, not a public holiday and not one of
        the organisation's closing days."""
        return (
            day.weekday() in self.weekdays and day not in self.closing_days and self.holiday_name(day) is None
        )

    def is_working_time(self, moment: datetime) -> bool:
        """Whether ``moment`` lies inside a working day's hours (from ``day_start`` up to, not
        including, ``day_end``)."""
        at = _utc(moment, "moment")
        day = at.astimezone(self.zone).date()
        return any(start <= at < end for start, end in self._windows(day - _DAY, day + _DAY))

    def working_seconds(self, start: datetime, end: datetime) -> int:
        """The working time from ``start`` to ``end`` in whole seconds; 0 when ``end`` is not after
        ``start``. Walks the days in between, so a year costs a few hundred steps."""
        first = _utc(start, "start").replace(microsecond=0)
        last = _utc(end, "end").replace(microsecond=0)
        if last <= first:
            return 0
        zone = self.zone
        total = timedelta()
        span = (first.astimezone(zone).date() - _DAY, last.astimezone(zone).date() + _DAY)
        for window_start, window_end in self._windows(*span):
            overlap = min(window_end, last) - max(window_start, first)
            if overlap > timedelta():
                total += overlap
        return total // _SECOND

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of working time after ``start``, in the calendar's zone. Counting
        begins at the next working moment when ``start`` is outside working hours; a deadline that
        uses up a day's last hour is that day's ``day_end``, not the next morning. ``hours`` is
        rounded to whole seconds; 0 gives ``next_working_moment(start)``. Raises ValueError for
        negative or non-finite hours, hours beyond ten years or a calendar without working time."""
        at = _utc(start, "start").replace(microsecond=0)
        if not math.isfinite(hours) or not 0 <= hours <= MAX_HOURS:
            raise ValueError(f"Hours must lie between 0 and {MAX_HOURS}, not {hours}.")
        remaining = timedelta(seconds=round(hours * 3600))
        if not remaining:
            return self.next_working_moment(start)
        limit = at + timedelta(days=HORIZON_DAYS)
        for window_start, window_end in self._windows(at.astimezone(self.zone).date() - _DAY):
            if window_start > limit:
                raise ValueError(f"{hours} working hours end more than ten years after {start}.")
            if window_end <= at:
                continue
            begin = max(window_start, at)
            if window_end - begin >= remaining:
                return (begin + remaining).astimezone(self.zone)
            remaining -= window_end - begin
        raise ValueError(f"The calendar has no working time after {start}.")

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself when it lies in working time, else the start of the next working day's
        hours; in the calendar's zone. Raises ValueError when no working time follows within
        ``IDLE_DAYS``."""
        at = _utc(moment, "moment")
        for window_start, window_end in self._windows(at.astimezone(self.zone).date() - _DAY):
            if window_end > at:
                return max(window_start, at).astimezone(self.zone)
        raise ValueError(f"The calendar has no working time after {moment}.")

    def _windows(self, first: date, last: date | None = None) -> Iterator[Window]:
        """The working windows of the days from ``first`` (through ``last``, if given), in order, as
        UTC instants. Without ``last`` it runs on, until IDLE_DAYS in a row pass without working time
        (ValueError)."""
        day, idle = first, 0
        while last is None or day <= last:
            window = self._window(day)
            if window is not None:
                idle = 0
                yield window
            elif last is None and (idle := idle + 1) > IDLE_DAYS:
                raise ValueError(f"The calendar has no working time for {IDLE_DAYS} days after {first}.")
            day += _DAY

    def _window(self, day: date) -> Window | None:
        return _day_window(self, day)

    def _instant(self, day: date, at: time) -> datetime:
        """The UTC moment the local clock shows ``at`` on ``day``: its first showing when the clock
        shows it twice, the moment of the jump when the clock skips it."""
        zone = self.zone
        wall = datetime.combine(day, at)
        first = wall.replace(tzinfo=zone).astimezone(UTC)
        if first.astimezone(zone).replace(tzinfo=None) == wall:
            return first
        other = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
        before, after = min(first, other), max(first, other)
        while after - before > _SECOND:
            middle = before + (after - before) // _SECOND // 2 * _SECOND
            if middle.astimezone(zone).replace(tzinfo=None) >= wall:
                after = middle
            else:
                before = middle
        return after


@dataclass(frozen=True)
class Segment:
    """One stretch of one party's clock on an incident: running from ``start`` to ``end`` (None:
    still running), or a pause (waiting for the reporter, a stated reason) that does not count."""

    start: datetime
    end: datetime | None
    paused: bool = False

    def __post_init__(self) -> None:
        start = _utc(self.start, "start")
        if self.end is not None and _utc(self.end, "end") < start:
            raise ValueError(f"A segment cannot end ({self.end}) before it starts ({self.start}).")


def clock_seconds(segments: Iterable[Segment], calendar: WorkCalendar, now: datetime) -> int:
    """The working seconds on a party's clock: the running segments, an open one counted up to
    ``now`` and nothing after ``now``. Time covered by several running segments counts once, and
    time covered by a pause never counts, even when a running segment overlaps it."""
    cutoff = _utc(now, "now")
    running: list[Window] = []
    paused: list[Window] = []
    for segment in segments:
        start = _utc(segment.start, "start")
        end = cutoff if segment.end is None else min(_utc(segment.end, "end"), cutoff)
        if end > start:
            (paused if segment.paused else running).append((start, end))
    return sum(calendar.working_seconds(a, b) for a, b in _minus(_union(running), _union(paused)))


def supported_countries() -> dict[str, str]:
    """Country codes the holidays package knows, with their English names, ordered by name: the
    choices for a calendar's country."""
    return dict(_country_names())


def supported_subdivisions(country: str) -> tuple[str, ...]:
    """The subdivision codes the holidays package knows for ``country`` (empty for most)."""
    return tuple(_subdivisions().get(country.strip().upper(), ()))


def _utc(moment: datetime, name: str) -> datetime:
    """``moment`` in UTC; naive datetimes are refused, since their instant is unknown."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment}.")
    return moment.astimezone(UTC)


def _union(spans: list[Window]) -> list[Window]:
    merged: list[Window] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _minus(spans: list[Window], holes: list[Window]) -> list[Window]:
    """The parts of sorted, disjoint ``spans`` outside sorted, disjoint ``holes``."""
    kept: list[Window] = []
    for start, end in spans:
        begin = start
        for hole_start, hole_end in holes:
            if hole_end <= begin or hole_start >= end:
                continue
            if hole_start > begin:
                kept.append((begin, hole_start))
            begin = max(begin, hole_end)
        if begin < end:
            kept.append((begin, end))
    return kept


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValueError(f"Unknown time zone {name!r}.") from error


def _check_day_times(start: time, end: time) -> None:
    for moment in (start, end):
        if not isinstance(moment, time) or moment.tzinfo is not None or moment.microsecond:
            raise ValueError(f"Day times are local whole-second times, not {moment!r}.")
    if end <= start:
        raise ValueError(f"The working day must end ({end}) after it starts ({start}).")


def _place(country: str, subdivision: str) -> tuple[str, str]:
    """The country and subdivision as the holidays package spells them; ValueError when unknown."""
    code = country.strip().upper()
    wanted = subdivision.strip()
    if not code:
        if wanted:
            raise ValueError(f"Subdivision {subdivision!r} needs a country.")
        return "", ""
    if code not in _country_names():
        raise ValueError(f"No public holidays are known for country {country!r}.")
    if not wanted:
        return code, ""
    for known in _subdivisions()[code]:
        if known.casefold() == wanted.casefold():
            return code, known
    raise ValueError(f"Country {code} has no subdivision {subdivision!r}.")


@functools.lru_cache(maxsize=65536)
def _day_window(calendar: WorkCalendar, day: date) -> Window | None:
    """A day's working window on a calendar, kept: clocks and deadlines walk the same days again
    and again (a scorecard of a quarter's incidents asks for each day thousands of times), and a
    calendar is an immutable value, so equal calendars share their days."""
    if not calendar.is_working_day(day):
        return None
    start, end = calendar._instant(day, calendar.day_start), calendar._instant(day, calendar.day_end)
    return (start, end) if end > start else None


@functools.lru_cache(maxsize=1024)
def _holidays(country: str, subdivision: str, year: int, language: str | None) -> dict[date, str]:
    """One country's (and subdivision's) public holidays in one year, looked up once per process."""
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year, language=language)
    return dict(found)


@functools.lru_cache(maxsize=256)
def _language(country: str, language: str | None) -> str | None:
    """The holidays package's code for ``language`` in ``country`` ("en" → "en_US"), or None for
    the country's own language."""
    if not language:
        return None
    supported = {code.casefold(): code for code in holidays.country_holidays(country).supported_languages}
    wanted = language.replace("-", "_").casefold()
    base = wanted.partition("_")[0]
    for candidate in (wanted, base):
        if candidate in supported:
            return supported[candidate]
    regional = sorted(code for key, code in supported.items() if key.startswith(f"{base}_"))
    return regional[0] if regional else None


@functools.lru_cache(maxsize=1)
def _subdivisions() -> dict[str, list[str]]:
    return holidays.list_supported_countries(include_aliases=False)


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names = {code: _english_name(class_name) for class_name, code, *_ in registry.COUNTRIES.values()}
    return dict(sorted(names.items(), key=lambda item: _sort_key(item[1])))


def _english_name(class_name: str) -> str:
    """A country's English name from the first line of its holidays class ("Netherlands holidays."),
    or from the class name ("UnitedKingdom") when that line is missing."""
    entity = getattr(holidays.countries, class_name, None)
    line = (entity.__doc__ or "").strip().partition("\n")[0] if entity is not None else ""
    if line.endswith(" holidays."):
        return line.removesuffix(" holidays.").replace(" (the)", "")
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
