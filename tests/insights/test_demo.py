"""The alignment index in the demo: this week's snapshot from the live demo data and a year of
weekly snapshots before it, in which the index dips and recovers for reasons the drill-down names.

The demo is seeded once for the module and rolled back after it."""

from __future__ import annotations

import pytest

from tandem.insights import demo, demo_nl, selectors
from tandem.insights.models import IndexSnapshot
from tandem.strategy import demo as strategy_demo
from tests.conftest import SeededDemo

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def weeks(demo_module: SeededDemo) -> dict[int, IndexSnapshot]:
    """The demo's snapshots by weeks before now (0: this week's)."""
    this_week = selectors.this_week()
    return {
        (this_week - s.week).days // 7: s
        for s in IndexSnapshot.objects.for_org(demo_module.org).order_by("week")
    }


def test_a_year_of_weekly_snapshots(weeks: dict[int, IndexSnapshot]) -> None:
    assert sorted(weeks) == list(range(53))
    assert all(s.week.weekday() == 0 for s in weeks.values())
    assert all(s.index is not None and 0 <= s.index <= 100 for s in weeks.values())
    assert len(selectors.trend(weeks[0].organization)) == 52


def test_this_weeks_snapshot_is_the_live_index(
    demo_module: SeededDemo, weeks: dict[int, IndexSnapshot]
) -> None:
    live = selectors.index_now(demo_module.org)
    assert weeks[0].index == pytest.approx(live.index)


def test_the_index_dips_when_route_optimisation_is_misaligned_and_recovers(
    weeks: dict[int, IndexSnapshot],
) -> None:
    before, dip, after = weeks[23].index, weeks[20].index, weeks[16].index
    assert before is not None
    assert dip is not None
    assert after is not None
    assert dip < before - 2
    assert after > dip + 1  # the late realignment still costs a little
    # The dip week's drill-down names the cause: its costliest row is the misaligned why check.
    cause = selectors.breakdown_of(weeks[20]).rows[0]
    routes = strategy_demo.INITIATIVES[demo.ROUTES].title
    assert (cause.component, cause.label, cause.points) == ("whycheck", routes, 0)
    assert cause.detail == demo.MISALIGNED_ROUTES
    # And what moved it that week says so.
    moved = selectors.week_moves(weeks[20].organization, weeks[22])
    assert moved.delta is not None
    assert moved.delta < -2
    # (A snapshot keeps the rows that cost points: aligned, the row cost nothing the week before.)
    assert (moved.rows[0].label, moved.rows[0].before_points, moved.rows[0].after_points) == (routes, None, 0)


def test_components_without_data_are_left_out_in_the_early_weeks(weeks: dict[int, IndexSnapshot]) -> None:
    early = selectors.breakdown_of(weeks[40])
    whycheck = early.component("whycheck")
    assert whycheck is not None
    assert whycheck.score is None
    assert whycheck.missing == demo.NOT_YET_WHYCHECK
    assert selectors.breakdown_of(weeks[10]).component("whycheck").score is not None  # type: ignore[union-attr]


def test_the_siloed_objective_and_the_slipping_habit_show_in_their_weeks(
    weeks: dict[int, IndexSnapshot],
) -> None:
    siloed = strategy_demo.OBJECTIVES[demo.COST_TO_SERVE].title

    def siloed_rows(snapshot: IndexSnapshot) -> list[dict[str, object]]:
        return [r for r in snapshot.rows if r["component"] == "objectives" and r["detail"] == demo.SILOED]

    assert [r["label"] for r in siloed_rows(weeks[28])] == [siloed]
    assert siloed_rows(weeks[24]) == []
    slipped = [r for r in weeks[6].rows if r["component"] == "habit"]
    assert slipped
    assert all(r["points"] <= demo.HABIT_SLIP[6] for r in slipped)
    assert {r["detail"] for r in slipped} == {demo.HABIT_SLIPPED}


def test_the_dutch_story_has_every_word() -> None:
    def words(module: object) -> set[str]:
        return {name for name, value in vars(module).items() if name.isupper() and isinstance(value, str)}

    assert words(demo_nl) == words(demo)
    assert all(hasattr(demo_nl, e.words) for e in demo.EPISODES)
