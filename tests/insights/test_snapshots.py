"""The live index, the weekly snapshot and its task, the trend and what moved it this week, the
weights, and the access gate, on fake sources (``fake_sources``): every row that feeds the index
is known to the test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core.errors import NotFound, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.insights import access, selectors, services, tasks
from tandem.insights.models import IndexSnapshot, InsightSettings
from tests.conftest import Personas
from tests.factories import OrganizationFactory
from tests.insights.conftest import FakeSources, component

pytestmark = pytest.mark.usefixtures("db")

# gate 15 → 50, coleads 10 → 100: index (15·50 + 10·100) / 25 = 70.
BEFORE = (
    component("gate", ("initiative:1", 100, 1, 1), ("initiative:2", 0, 1, 2)),
    component("coleads", ("initiative:1", 100, 1, 1)),
)
# Initiative 2 passes half its gate: gate 75, index (15·75 + 1000) / 25 = 85.
AFTER = (
    component("gate", ("initiative:1", 100, 1, 1), ("initiative:2", 50, 1, 2)),
    component("coleads", ("initiative:1", 100, 1, 1)),
)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


# --- The live index ------------------------------------------------------------------------------


def test_the_live_index_is_computed_once_and_writes_nothing(
    personas: Personas, fake_sources: FakeSources
) -> None:
    fake_sources.set(*BEFORE)
    with CaptureQueriesContext(connection) as queries:
        first = selectors.index_now(personas.org)
        again = selectors.index_now(personas.org)
        selectors.moves_this_week(personas.org)
        selectors.trend(personas.org)
    assert first.index == pytest.approx(70)
    assert again is first
    assert fake_sources.calls == 1
    assert _writes(queries) == []
    assert not InsightSettings.objects.exists()


def test_the_weights_change_the_live_index(personas: Personas, fake_sources: FakeSources) -> None:
    fake_sources.set(*BEFORE)
    assert selectors.index_now(personas.org).index == pytest.approx(70)
    services.weights_update(actor=personas.owner, weights={"coleads": 0})
    personas.org.refresh_from_db()
    assert selectors.index_now(personas.org).index == pytest.approx(50)
    assert selectors.weights_for(personas.org)["coleads"] == 0


def test_an_initiatives_breakdown_counts_only_its_rows(personas: Personas, fake_sources: FakeSources) -> None:
    fake_sources.set(*BEFORE)
    one = selectors.initiative_breakdown(personas.org, 2)
    assert one.index == pytest.approx(0)
    coleads = one.component("coleads")
    assert coleads is not None
    assert coleads.score is None
    assert selectors.index_now(personas.org).initiatives == {1: pytest.approx(100), 2: pytest.approx(0)}
    assert selectors.initiative_index(personas.org, 1) == pytest.approx(100)


# --- Snapshots ---------------------------------------------------------------------------------------


def test_a_snapshot_is_taken_once_a_week_replacing_that_weeks(
    personas: Personas, fake_sources: FakeSources
) -> None:
    fake_sources.set(*BEFORE)
    now = timezone.now()
    first = services.snapshot_take(personas.org, now=now)
    fake_sources.set(*AFTER)
    second = services.snapshot_take(personas.org, now=now + timedelta(minutes=5))
    assert first.pk == second.pk
    [kept] = IndexSnapshot.objects.for_org(personas.org)
    assert kept.week == selectors.this_week(now)
    assert kept.week.weekday() == 0
    assert kept.index == pytest.approx(85)
    assert kept.components["gate"]["score"] == pytest.approx(75)
    assert [(r["key"], r["points"]) for r in kept.rows] == [("initiative:2", 50)]
    assert kept.initiatives == {"1": pytest.approx(100), "2": pytest.approx(50)}
    events = AuditEvent.objects.for_org(personas.org).filter(action="insights.snapshot_taken")
    assert [e.data["replaced"] for e in events.order_by("pk")] == [False, True]
    # Another week is another snapshot.
    services.snapshot_take(personas.org, now=now + timedelta(days=7))
    assert IndexSnapshot.objects.for_org(personas.org).count() == 2


def test_a_snapshot_keeps_only_the_costliest_rows(
    personas: Personas, fake_sources: FakeSources, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "SNAPSHOT_ROWS", 2)
    fake_sources.set(component("gate", ("a", 10), ("b", 20), ("c", 30), ("d", 100)))
    snapshot = services.snapshot_take(personas.org)
    assert [r["key"] for r in snapshot.rows] == ["a", "b"]
    assert snapshot.rows_truncated
    assert selectors.breakdown_of(snapshot).rows_truncated


def _snapshot(personas: Personas, weeks_ago: int, fake: FakeSources, *components: object) -> IndexSnapshot:
    fake.set(*components)  # type: ignore[arg-type]
    return services.snapshot_take(personas.org, now=timezone.now() - timedelta(weeks=weeks_ago))


def test_the_trend_and_what_moved_the_index_this_week(personas: Personas, fake_sources: FakeSources) -> None:
    _snapshot(personas, 3, fake_sources, *BEFORE)
    last_week = _snapshot(personas, 1, fake_sources, *BEFORE)
    fake_sources.set(*AFTER)
    personas.org.refresh_from_db()
    assert [index for _week, index in selectors.trend(personas.org)] == [pytest.approx(70)] * 2
    assert selectors.trend(personas.org, weeks=2) == [(last_week.week, pytest.approx(70))]
    assert selectors.previous_snapshot(personas.org, before=selectors.this_week()) == last_week
    moved = selectors.moves_this_week(personas.org)
    assert moved is not None
    assert moved.delta == pytest.approx(15)
    assert moved.before_week == last_week.week
    assert moved.after_week is None
    [row] = moved.rows
    assert (row.key, row.before_points, row.after_points, row.delta) == (
        "initiative:2",
        0,
        50,
        pytest.approx(15),
    )
    # The week page's moves: from the week before that one.
    this_week = _snapshot(personas, 0, fake_sources, *AFTER)
    assert selectors.week_moves(personas.org, this_week).delta == pytest.approx(15)
    assert selectors.week_moves(personas.org, last_week).delta == pytest.approx(0)
    assert next(s.week for s in selectors.snapshot_list(personas.org)) == this_week.week
    # This week's figure is the live index, not part of the trend, unless asked for up to a later week.
    assert len(selectors.trend(personas.org)) == 2
    later = selectors.trend(personas.org, until=this_week.week + timedelta(days=7))
    assert [week for week, _index in later][-1] == this_week.week
    assert selectors.component_trend(personas.org)[0][1]["gate"] == pytest.approx(50)


def test_no_earlier_snapshot_means_nothing_moved_yet(personas: Personas, fake_sources: FakeSources) -> None:
    fake_sources.set(*BEFORE)
    services.snapshot_take(personas.org)  # this week's: not "before" this week
    assert selectors.moves_this_week(personas.org) is None


# --- The task ------------------------------------------------------------------------------------------


def test_the_daily_round_takes_the_weeks_snapshot_of_every_organisation_lacking_one(
    personas: Personas, fake_sources: FakeSources
) -> None:
    fake_sources.set(*BEFORE)
    orgs = IndexSnapshot.objects.unscoped()
    assert tasks.take_snapshots.call() == 2  # acme and globex
    assert orgs.count() == 2
    assert tasks.take_snapshots.call() == 0
    OrganizationFactory.create(slug="initech")
    assert tasks.take_snapshots.call() == 1


def test_a_failing_source_does_not_stop_the_round(personas: Personas, fake_sources: FakeSources) -> None:
    def broken(org: object, now: object) -> list[object]:
        if org == personas.org:
            raise ValueError("broken source")
        return list(BEFORE)

    fake_sources.source = broken  # type: ignore[method-assign, assignment]
    assert tasks.take_snapshots.call() == 1
    assert not IndexSnapshot.objects.for_org(personas.org).exists()


def test_a_planned_round_queues_the_next_one_a_day_later(
    personas: Personas, fake_sources: FakeSources
) -> None:
    tasks.take_snapshots.call(plan=True)
    [job] = DBTaskResult.objects.filter(task_path__endswith=".take_snapshots")
    assert job.args_kwargs["kwargs"] == {"plan": True}
    assert timedelta(hours=23) < job.run_after - timezone.now() <= timedelta(days=1)


def test_the_worker_starts_each_daily_round_once(db: None) -> None:
    tasks.worker_started()
    tasks.worker_started()  # a restart does not start a second chain
    paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert sorted(paths) == sorted(set(paths))
    assert "tandem.insights.tasks.take_snapshots" in paths


# --- The weights ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"bogus": 10}, "bogus"),
        ({"gate": 1.5}, "gate"),
        ({"gate": "heavy"}, "gate"),
        ({"gate": True}, "gate"),
        ({"gate": -1}, "gate"),
        ({"gate": 101}, "gate"),
        ({"gate": None}, "gate"),
    ],
)
def test_bad_weights_are_refused_naming_the_field(
    personas: Personas, weights: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.weights_update(actor=personas.owner, weights=weights)
    assert refused.value.field == field
    assert [e["field"] for e in refused.value.extra["errors"]] == [field]
    assert not InsightSettings.objects.exists()


def test_all_weights_zero_is_refused(personas: Personas) -> None:
    services.weights_update(actor=personas.owner, weights=dict.fromkeys(("gate", "coleads", "whycheck"), 0))
    with pytest.raises(ValidationFailed):
        services.weights_update(
            actor=personas.owner,
            weights=dict.fromkeys(("objectives", "delivery", "service_levels", "perception", "habit"), 0),
        )
    assert selectors.weights_for(personas.org)["habit"] == 10


def test_weights_are_kept_as_changes_from_the_defaults_and_audited(personas: Personas) -> None:
    row = services.weights_update(actor=personas.owner, weights={"gate": 30, "habit": 10})
    assert row.weights == {"gate": 30}  # 10 is habit's default
    services.weights_update(actor=personas.owner, weights={"gate": "15"})  # back to the default
    assert InsightSettings.objects.get(organization=personas.org).weights == {}
    events = AuditEvent.objects.for_org(personas.org).filter(action="insights.weights_changed").order_by("pk")
    assert [e.data["changed"] for e in events] == [{"gate": [15, 30]}, {"gate": [30, 15]}]


# --- Access ---------------------------------------------------------------------------------------------


def test_the_gate(personas: Personas, fake_sources: FakeSources) -> None:
    fake_sources.set(*BEFORE)
    snapshot = services.snapshot_take(personas.org)
    theirs = services.snapshot_take(personas.other_org)
    assert access.snapshot_get_for(personas.viewer, snapshot.pk) == snapshot
    for refused in (
        lambda: access.snapshot_get_for(personas.partner, snapshot.pk),
        lambda: access.snapshot_get_for(personas.owner, theirs.pk),
        lambda: access.require_manager(personas.business_lead),
        lambda: access.require_report_requester(personas.member),
        lambda: access.report_list_for(personas.partner),
    ):
        with pytest.raises(NotFound):
            refused()
    assert [access.can_read(p) for p in (personas.viewer, personas.partner)] == [True, False]
    assert [access.can_manage(p) for p in (personas.admin, personas.business_lead)] == [True, False]
    assert [access.can_request_report(p) for p in (personas.it_lead, personas.viewer)] == [True, False]
    access.require_manager(personas.admin)
    access.require_report_requester(personas.business_lead)
