"""Working time on an organisation's calendar: deadlines skip evenings, weekends, public holidays and
closing days, stay right across daylight-saving changes, and counting time back agrees with adding
it."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.governance import calendar as calendar_module
from tandem.governance.calendar import (
    HORIZON_DAYS,
    IDLE_DAYS,
    MAX_HOURS,
    Segment,
    WorkCalendar,
    clock_seconds,
    supported_countries,
    supported_subdivisions,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600
EVERY_DAY = frozenset(range(7))

PLAIN = WorkCalendar()
NL = WorkCalendar(country="NL")
BE = WorkCalendar(country="BE")
US = WorkCalendar(timezone="America/New_York", country="US", subdivision="NY")


def ams(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=AMSTERDAM)


def nyc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def later(moment: datetime, delta: timedelta) -> datetime:
    """``delta`` of real time after ``moment``, shown in ``moment``'s zone (adding to a zoned datetime
    directly would add wall-clock time)."""
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def instant(moment: datetime) -> datetime:
    """``moment`` in UTC, for comparing instants: aware datetimes sharing a zone compare by wall
    clock, which misorders the imaginary and repeated times hypothesis generates around a change."""
    return moment.astimezone(UTC)


def test_friday_afternoon_runs_into_monday() -> None:
    assert PLAIN.add_working_hours(ams(2026, 3, 6, 16), 2) == ams(2026, 3, 9, 10)


def test_evening_start_counts_from_next_morning() -> None:
    assert PLAIN.add_working_hours(ams(2026, 3, 3, 20, 15), 4) == ams(2026, 3, 4, 13)
    assert PLAIN.add_working_hours(ams(2026, 3, 4, 6), 1.5) == ams(2026, 3, 4, 10, 30)


def test_weekend_start_counts_from_monday() -> None:
    assert PLAIN.add_working_hours(ams(2026, 3, 7, 11), 4) == ams(2026, 3, 9, 13)
    assert PLAIN.next_working_moment(ams(2026, 3, 8, 23)) == ams(2026, 3, 9, 9)


def test_deadline_using_up_the_day_is_that_evening() -> None:
    assert PLAIN.add_working_hours(ams(2026, 3, 6, 16), 1) == ams(2026, 3, 6, 17)
    assert PLAIN.next_working_moment(ams(2026, 3, 6, 17)) == ams(2026, 3, 9, 9)


def test_zero_hours_is_the_next_working_moment() -> None:
    inside = ams(2026, 3, 4, 11, 30, 15, 250)
    assert PLAIN.add_working_hours(inside, 0) == inside
    assert PLAIN.add_working_hours(ams(2026, 3, 4, 18), 0) == ams(2026, 3, 5, 9)


def test_result_is_in_the_calendars_zone() -> None:
    result = US.add_working_hours(datetime(2026, 3, 4, 12, tzinfo=UTC), 1)
    assert str(result.tzinfo) == "America/New_York"
    assert result == nyc(2026, 3, 4, 10)


def test_koningsdag_is_skipped_in_the_netherlands() -> None:
    assert NL.holiday_name(date(2026, 4, 27)) == "Koningsdag"
    assert NL.add_working_hours(ams(2026, 4, 24, 16), 2) == ams(2026, 4, 28, 10)
    assert PLAIN.add_working_hours(ams(2026, 4, 24, 16), 2) == ams(2026, 4, 27, 10)


def test_christmas_and_closing_days() -> None:
    assert NL.add_working_hours(ams(2026, 12, 24, 16), 2) == ams(2026, 12, 28, 10)
    closed = WorkCalendar(country="NL", closing_days=frozenset(date(2026, 12, day) for day in range(28, 32)))
    assert not closed.is_working_day(date(2026, 12, 29))
    assert closed.holiday_name(date(2026, 12, 29)) is None
    assert closed.add_working_hours(ams(2026, 12, 24, 16), 2) == ams(2027, 1, 4, 10)


def test_belgium_and_the_netherlands_differ_on_belgian_national_day() -> None:
    national_day = date(2026, 7, 21)
    assert BE.holiday_name(national_day) == "Nationale feestdag"
    assert BE.holiday_name(national_day, language="fr") == "Fête nationale"
    assert NL.holiday_name(national_day) is None
    assert NL.add_working_hours(ams(2026, 7, 20, 16), 2) == ams(2026, 7, 21, 10)
    assert BE.add_working_hours(ams(2026, 7, 20, 16), 2) == ams(2026, 7, 22, 10)


def test_holiday_names_in_another_language() -> None:
    koningsdag = date(2026, 4, 27)
    assert NL.holiday_name(koningsdag, language="en") == "King's Day"
    assert NL.holiday_name(koningsdag, language="en-us") == "King's Day"
    assert NL.holiday_name(koningsdag, language="nl") == "Koningsdag"
    assert NL.holiday_name(koningsdag, language="xx") == "Koningsdag"
    assert PLAIN.holiday_name(koningsdag) is None


def test_subdivision_holidays() -> None:
    bavaria = WorkCalendar(timezone="Europe/Berlin", country="de", subdivision="by")
    assert (bavaria.country, bavaria.subdivision) == ("DE", "BY")
    assert bavaria.holiday_name(date(2026, 1, 6)) is not None
    assert WorkCalendar(timezone="Europe/Berlin", country="DE").holiday_name(date(2026, 1, 6)) is None
    assert "BY" in supported_subdivisions("de")
    assert supported_subdivisions("NL") == ()


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("Europe/Amsterdam", date(2026, 3, 29)),
        ("Europe/Amsterdam", date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
    ],
)
def test_daylight_saving_days_hold_eight_working_hours(zone: str, day: date) -> None:
    every_day = WorkCalendar(timezone=zone, weekdays=EVERY_DAY)
    tz = ZoneInfo(zone)
    midnight = datetime.combine(day, time(), tzinfo=tz)
    next_midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    assert next_midnight.astimezone(UTC) - midnight.astimezone(UTC) != timedelta(days=1)
    assert every_day.working_seconds(midnight, next_midnight) == 8 * HOUR
    assert every_day.add_working_hours(midnight, 8) == datetime.combine(day, time(17), tzinfo=tz)
    eve = datetime.combine(day - timedelta(days=1), time(16), tzinfo=tz)
    morning = every_day.add_working_hours(eve, 2)
    assert morning == datetime.combine(day, time(10), tzinfo=tz)
    shift = morning.utcoffset() - eve.utcoffset()  # type: ignore[operator]
    assert instant(morning) - instant(eve) == timedelta(hours=18) - shift != timedelta(hours=18)


def test_hours_spanning_the_change_are_the_time_that_really_passes() -> None:
    night = WorkCalendar(weekdays=EVERY_DAY, day_start=time(1), day_end=time(4))
    assert night.working_seconds(ams(2026, 3, 29), ams(2026, 3, 30)) == 2 * HOUR
    assert night.working_seconds(ams(2026, 10, 25), ams(2026, 10, 26)) == 4 * HOUR
    assert night.add_working_hours(ams(2026, 3, 29, 1), 1.5) == ams(2026, 3, 29, 3, 30)


def test_a_skipped_start_time_starts_at_the_jump() -> None:
    skipped = WorkCalendar(weekdays=EVERY_DAY, day_start=time(2, 30), day_end=time(3, 30))
    assert skipped.next_working_moment(ams(2026, 3, 29)) == ams(2026, 3, 29, 3)
    assert skipped.working_seconds(ams(2026, 3, 29), ams(2026, 3, 30)) == HOUR // 2
    assert skipped.working_seconds(ams(2026, 3, 28), ams(2026, 3, 29)) == HOUR


def test_working_seconds_across_a_weekend() -> None:
    assert PLAIN.working_seconds(ams(2026, 3, 6, 15), ams(2026, 3, 9, 11)) == 4 * HOUR
    assert PLAIN.working_seconds(ams(2026, 3, 7, 9), ams(2026, 3, 8, 17)) == 0
    assert PLAIN.working_seconds(ams(2026, 3, 9, 11), ams(2026, 3, 6, 15)) == 0


def test_working_seconds_read_whole_seconds() -> None:
    start = ams(2026, 3, 4, 10, 0, 0, 900_000)
    assert PLAIN.working_seconds(start, start + timedelta(microseconds=200_000)) == 1
    assert PLAIN.working_seconds(start, start + timedelta(microseconds=50_000)) == 0


def test_a_year_of_working_time() -> None:
    assert NL.working_seconds(ams(2026, 1, 1), ams(2027, 1, 1)) == 254 * 8 * HOUR
    deadline = NL.add_working_hours(ams(2026, 1, 1), 400)
    assert NL.working_seconds(ams(2026, 1, 1), deadline) == 400 * HOUR


def test_working_days_and_holidays_are_looked_up_once() -> None:
    """A scorecard walks the same days thousands of times: each day's window is kept per calendar,
    and the holidays per year."""
    calendar_module._holidays.cache_clear()
    calendar_module._day_window.cache_clear()
    NL.add_working_hours(ams(2026, 1, 1), 2000)
    first = calendar_module._day_window.cache_info()
    NL.add_working_hours(ams(2026, 1, 1), 2000)
    second = calendar_module._day_window.cache_info()
    assert second.misses == first.misses  # every day of the second walk was kept
    assert second.hits - first.hits > 250
    info = calendar_module._holidays.cache_info()
    assert info.misses == info.currsize <= 3


def test_segments_with_a_pause_and_an_open_last_segment() -> None:
    segments = [
        Segment(ams(2026, 3, 2, 10), ams(2026, 3, 2, 12)),
        Segment(ams(2026, 3, 2, 12), ams(2026, 3, 3, 11), paused=True),
        Segment(ams(2026, 3, 3, 11), None),
    ]
    assert clock_seconds(segments, PLAIN, now=ams(2026, 3, 3, 15, 30)) == 2 * HOUR + 4.5 * HOUR
    assert clock_seconds(segments, PLAIN, now=ams(2026, 3, 2, 11)) == HOUR
    assert clock_seconds([], PLAIN, now=ams(2026, 3, 3, 15)) == 0


def test_overlapping_segments_count_once_and_pauses_win() -> None:
    segments = [
        Segment(ams(2026, 3, 2, 9), ams(2026, 3, 2, 13)),
        Segment(ams(2026, 3, 2, 11), ams(2026, 3, 2, 15)),
        Segment(ams(2026, 3, 2, 12), ams(2026, 3, 2, 14), paused=True),
    ]
    assert clock_seconds(segments, PLAIN, now=ams(2026, 3, 3)) == 4 * HOUR


def test_supported_countries_have_english_names() -> None:
    countries = supported_countries()
    assert countries["NL"] == "Netherlands"
    assert countries["BE"] == "Belgium"
    assert countries["US"] == "United States of America"
    assert all(len(code) == 2 for code in countries)
    assert next(iter(countries)) == "AF"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "Unknown time zone"),
        ({"timezone": ""}, "Unknown time zone"),
        ({"country": "XX"}, "No public holidays"),
        ({"country": "NLD"}, "No public holidays"),
        ({"country": "DE", "subdivision": "ZZ"}, "no subdivision"),
        ({"subdivision": "BY"}, "needs a country"),
        ({"day_start": time(17), "day_end": time(9)}, "must end"),
        ({"day_start": time(9), "day_end": time(9)}, "must end"),
        ({"day_start": time(9, 0, 0, 500)}, "whole-second"),
        ({"weekdays": frozenset()}, "at least one"),
        ({"weekdays": frozenset({0, 7})}, "from 0"),
    ],
)
def test_invalid_calendars_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkCalendar(**fields)  # type: ignore[arg-type]


def test_naive_datetimes_are_refused() -> None:
    naive = datetime.combine(date(2026, 3, 4), time(10))
    aware = ams(2026, 3, 4, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        PLAIN.add_working_hours(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        PLAIN.working_seconds(aware, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        PLAIN.next_working_moment(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        Segment(naive, None)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock_seconds([Segment(aware, None)], PLAIN, now=naive)


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf"), MAX_HOURS + 1])
def test_impossible_hours_are_refused(hours: float) -> None:
    with pytest.raises(ValueError, match="Hours must lie"):
        PLAIN.add_working_hours(ams(2026, 3, 4, 10), hours)


def test_hours_beyond_ten_years_are_refused() -> None:
    with pytest.raises(ValueError, match="ten years"):
        PLAIN.add_working_hours(ams(2026, 3, 4, 10), 8 * 262 * 11)
    assert HORIZON_DAYS >= 3652


def test_a_calendar_closed_for_years_does_not_loop() -> None:
    mondays = frozenset(date(2026, 3, 2) + timedelta(weeks=week) for week in range(200))
    closed = WorkCalendar(weekdays=frozenset({0}), closing_days=mondays)
    with pytest.raises(ValueError, match=str(IDLE_DAYS)):
        closed.next_working_moment(ams(2026, 3, 1))
    with pytest.raises(ValueError, match=str(IDLE_DAYS)):
        closed.add_working_hours(ams(2026, 3, 1), 1)
    assert closed.working_seconds(ams(2026, 3, 1), ams(2029, 3, 1)) == 0


def test_segment_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Segment(ams(2026, 3, 4, 10), ams(2026, 3, 4, 9))


CALENDARS = st.sampled_from(
    [
        NL,
        BE,
        US,
        WorkCalendar(weekdays=EVERY_DAY, day_start=time(1, 30), day_end=time(3, 15)),
        WorkCalendar(
            timezone="America/New_York",
            weekdays=frozenset({1, 3, 5}),
            day_start=time(7, 45, 30),
            day_end=time(19),
            closing_days=frozenset(date(2026, 3, day) for day in range(1, 15)),
        ),
    ]
)
MOMENTS = st.datetimes(
    min_value=datetime(2025, 9, 1),  # noqa: DTZ001
    max_value=datetime(2027, 6, 1),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, AMSTERDAM, NEW_YORK]),
)
SPANS = st.integers(min_value=0, max_value=60 * 24 * HOUR).map(lambda seconds: timedelta(seconds=seconds))
STEPS = st.integers(min_value=1, max_value=20 * 24 * HOUR).map(lambda seconds: timedelta(seconds=seconds))


@settings(max_examples=150, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, hours=st.floats(min_value=0, max_value=300))
def test_counting_back_an_added_deadline_gives_the_hours(
    calendar: WorkCalendar, start: datetime, hours: float
) -> None:
    deadline = calendar.add_working_hours(start, hours)
    assert calendar.working_seconds(start, deadline) == round(hours * HOUR)
    assert instant(deadline) >= instant(start)
    assert str(deadline.tzinfo) == calendar.timezone
    if round(hours * HOUR) > 0:
        assert calendar.working_seconds(later(deadline, -timedelta(seconds=1)), deadline) == 1
    else:
        assert calendar.is_working_time(deadline)


@settings(max_examples=100, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, first=SPANS, second=SPANS)
def test_working_seconds_add_up_and_grow_with_the_end(
    calendar: WorkCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    middle, end = later(start, first), later(start, first + second)
    whole = calendar.working_seconds(start, end)
    assert calendar.working_seconds(start, middle) + calendar.working_seconds(middle, end) == whole
    assert calendar.working_seconds(start, middle) <= whole
    assert 0 <= whole <= (instant(end) - instant(start)).total_seconds() + 1


@settings(max_examples=100, deadline=None)
@given(calendar=CALENDARS, moment=MOMENTS)
def test_next_working_moment_is_the_first_working_time(calendar: WorkCalendar, moment: datetime) -> None:
    found = calendar.next_working_moment(moment)
    assert instant(found) >= instant(moment)
    assert calendar.is_working_time(found)
    assert calendar.working_seconds(moment, found) == 0
    assert calendar.is_working_time(moment) == (instant(found) == instant(moment))


@settings(max_examples=100, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, steps=st.lists(STEPS, min_size=1, max_size=6))
def test_contiguous_running_segments_count_their_span(
    calendar: WorkCalendar, start: datetime, steps: list[timedelta]
) -> None:
    cuts = [start]
    for step in steps:
        cuts.append(later(cuts[-1], step))
    segments = [Segment(a, b) for a, b in itertools.pairwise(cuts[:-1])]
    segments.append(Segment(cuts[-2], None))
    assert clock_seconds(segments, calendar, now=cuts[-1]) == calendar.working_seconds(cuts[0], cuts[-1])
    with_pause = [*segments[:-1], Segment(cuts[-2], cuts[-1], paused=True)]
    counted = calendar.working_seconds(cuts[0], cuts[-2])
    assert clock_seconds(with_pause, calendar, now=later(cuts[-1], timedelta(days=9))) == counted
