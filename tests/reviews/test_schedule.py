"""When a review series meets: its weekday, its wall-clock time across daylight-saving changes, its
interval, and the time zone names it accepts."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from tandem.core.errors import ValidationFailed
from tandem.reviews import schedule

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Series:
    """The schedule of a series, without a database."""

    weekday: int = 0
    start_time: time = time(9, 0)
    time_zone: str = "Europe/Amsterdam"
    interval_weeks: int = 1
    starts_on: date = date(2026, 1, 5)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def test_the_series_meets_on_its_weekday_from_the_first_one_on_or_after_the_start() -> None:
    series = Series(starts_on=date(2026, 1, 7))  # a Wednesday; the series meets on Mondays
    found = schedule.occurrences(series, start=utc(2026, 1, 1), end=utc(2026, 2, 1))
    assert [at.date() for at in found] == [date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)]
    assert all(at.weekday() == 0 and at.time() == time(9, 0) for at in found)


def test_occurrences_are_in_the_series_time_zone() -> None:
    (first,) = schedule.occurrences(Series(), start=utc(2026, 1, 5), end=utc(2026, 1, 6))
    assert first.tzinfo == AMSTERDAM
    assert first == utc(2026, 1, 5, 8)


def test_every_other_week_skips_a_week() -> None:
    found = schedule.occurrences(Series(interval_weeks=2), start=utc(2026, 1, 1), end=utc(2026, 2, 10))
    assert [at.date() for at in found] == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)]


def test_the_window_starts_inclusive_and_ends_exclusive() -> None:
    found = schedule.occurrences(Series(), start=local(2026, 1, 12, 9), end=local(2026, 1, 26, 9))
    assert found == [local(2026, 1, 12, 9), local(2026, 1, 19, 9)]


def test_nothing_happens_before_the_series_starts() -> None:
    assert schedule.occurrences(Series(), start=utc(2025, 1, 1), end=utc(2026, 1, 5)) == []


@pytest.mark.parametrize(
    ("start", "end", "utc_hours"),
    [
        (utc(2026, 3, 16), utc(2026, 4, 7), [8, 8, 7, 7]),  # clocks go forward on 29 March
        (utc(2026, 10, 12), utc(2026, 11, 3), [7, 7, 8, 8]),  # and back on 25 October
    ],
)
def test_nine_oclock_in_amsterdam_stays_nine_oclock_across_daylight_saving(
    start: datetime, end: datetime, utc_hours: list[int]
) -> None:
    found = schedule.occurrences(Series(), start=start, end=end)
    assert [at.time() for at in found] == [time(9, 0)] * 4
    assert [at.astimezone(UTC).hour for at in found] == utc_hours


def test_nine_oclock_in_new_york_moves_in_utc_when_america_changes_its_clocks() -> None:
    series = Series(weekday=2, time_zone="America/New_York", starts_on=date(2026, 1, 1))
    found = schedule.occurrences(series, start=utc(2026, 3, 1), end=utc(2026, 3, 12))
    assert [at.date() for at in found] == [date(2026, 3, 4), date(2026, 3, 11)]
    assert [at.astimezone(UTC).hour for at in found] == [14, 13]  # 8 March: EST to EDT


def test_a_time_that_does_not_exist_on_the_spring_forward_day_is_read_an_hour_later() -> None:
    series = Series(weekday=6, start_time=time(2, 30), starts_on=date(2026, 3, 1))
    found = schedule.occurrences(series, start=utc(2026, 3, 28), end=utc(2026, 4, 6))
    assert [(at.date(), at.time()) for at in found] == [
        (date(2026, 3, 29), time(3, 30)),
        (date(2026, 4, 5), time(2, 30)),
    ]
    assert found[0] == utc(2026, 3, 29, 1, 30)


def test_the_next_occurrence_is_strictly_after_the_moment() -> None:
    series = Series()
    assert schedule.next_occurrence(series, local(2026, 1, 12, 9)) == local(2026, 1, 19, 9)
    assert schedule.next_occurrence(series, local(2026, 1, 12, 8, 59)) == local(2026, 1, 12, 9)
    assert schedule.next_occurrence(series, utc(2020, 6, 1)) == local(2026, 1, 5, 9)


def test_the_next_occurrence_respects_the_interval() -> None:
    series = Series(interval_weeks=3)
    assert schedule.next_occurrence(series, local(2026, 1, 6)) == local(2026, 1, 26, 9)


def test_previous_occurrences_have_started_and_come_newest_last() -> None:
    found = schedule.previous_occurrences(Series(), local(2026, 2, 2, 9), 3)
    assert found == [local(2026, 1, 19, 9), local(2026, 1, 26, 9), local(2026, 2, 2, 9)]


def test_a_young_series_has_fewer_previous_occurrences() -> None:
    assert schedule.previous_occurrences(Series(), local(2026, 1, 13), 12) == [
        local(2026, 1, 5, 9),
        local(2026, 1, 12, 9),
    ]
    assert schedule.previous_occurrences(Series(), local(2026, 1, 5, 8), 12) == []
    assert schedule.previous_occurrences(Series(), local(2026, 3, 1), 0) == []


def test_previous_and_next_split_the_timeline_at_the_moment() -> None:
    series = Series(interval_weeks=2)
    for moment in (local(2026, 3, 2, 9), local(2026, 3, 2, 10), local(2026, 3, 9, 9)):
        (previous,) = schedule.previous_occurrences(series, moment, 1)
        following = schedule.next_occurrence(series, moment)
        assert following is not None
        assert previous <= moment < following
        assert (following - previous).days in (13, 14)


def test_a_huge_window_is_bounded() -> None:
    found = schedule.occurrences(Series(), start=utc(2026, 1, 1), end=utc(2200, 1, 1))
    assert len(found) == schedule.MAX_OCCURRENCES
    assert len(schedule.previous_occurrences(Series(), utc(2200, 1, 1), 10**9)) == schedule.MAX_OCCURRENCES


def test_moments_without_a_time_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        schedule.next_occurrence(Series(), datetime(2026, 1, 1))  # noqa: DTZ001


def test_a_time_zone_is_returned_as_its_iana_name() -> None:
    assert schedule.validate_time_zone("Europe/Amsterdam") == "Europe/Amsterdam"
    assert schedule.validate_time_zone(" america/new_york ") == "America/New_York"
    assert schedule.validate_time_zone("UTC") == "UTC"


@pytest.mark.parametrize("name", ["Europe/Amsterdm", "Mars/Olympus_Mons", "../etc/passwd", "x" * 300])
def test_an_unknown_time_zone_is_refused_on_the_time_zone_field(name: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule.validate_time_zone(name)
    assert refused.value.field == "time_zone"
    assert name[:20] in refused.value.message
    assert "Europe/Amsterdam" in refused.value.message


def test_an_empty_time_zone_asks_for_one() -> None:
    with pytest.raises(ValidationFailed) as refused:
        schedule.validate_time_zone("  ")
    assert refused.value.field == "time_zone"
    assert "Choose a time zone" in refused.value.message
