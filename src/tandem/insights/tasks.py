"""Background work of the insights app: the weekly snapshot of every organisation's index, taken
by a daily round that plans its next run, and the start of the monthly report's round."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from tandem.core.models import Organization
from tandem.insights import selectors, services
from tandem.insights.models import IndexSnapshot

DAY = timedelta(days=1)

logger = logging.getLogger(__name__)


@task()
def take_snapshots(*, plan: bool = False) -> int:
    """Take this week's snapshot for every organisation that has none yet; returns how many were
    taken. An organisation whose sources fail is logged and left for the next round. With
    ``plan``, queue the next round a day later."""
    now = timezone.now()
    week = selectors.this_week(now)
    done = set(IndexSnapshot.objects.unscoped().filter(week=week).values_list("organization_id", flat=True))
    taken = 0
    for org in Organization.objects.exclude(pk__in=done).order_by("pk"):
        try:
            services.snapshot_take(org, now=now)
        except Exception:
            logger.exception("the index snapshot of organisation %s failed", org.pk)
            continue
        taken += 1
    if plan:
        take_snapshots.using(run_after=now + DAY).enqueue(plan=True)
    return taken


def worker_started() -> None:
    """When ``tandem worker`` starts: run the snapshot round and the board report's monthly round
    now, each then planning its next run, unless that round is queued already (a worker that
    restarts does not start a second chain)."""
    from django_tasks_db.models import DBTaskResult  # the database queue Tandem runs on

    from tandem.insights.tasks_report import monthly_round  # the board report's own module

    rounds = [take_snapshots, monthly_round]
    waiting = set(
        DBTaskResult.objects.filter(
            status="READY", task_path__in=[daily.module_path for daily in rounds]
        ).values_list("task_path", flat=True)
    )
    for daily in rounds:
        if daily.module_path not in waiting:
            daily.enqueue(plan=True)
