"""The reviews app's component of the alignment index (the review habit), its "what needs me"
actions and its getting-started step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.reviews import insights, schedule
from tandem.reviews.models import ActionItem, ActionStatus, Review, ReviewStatus
from tests.conftest import Personas
from tests.reviews.conftest import make_series


def test_without_a_series_or_before_its_first_meeting_there_is_no_habit_data(personas: Personas) -> None:
    now = timezone.now()
    [none] = insights.index_components(personas.org, now)
    make_series(personas, starts_on=(now + timedelta(days=8)).date())
    [young] = insights.index_components(personas.org, now)

    assert none.score is None
    assert young.score is None
    assert none.missing != young.missing


def test_each_part_of_the_habit_is_a_row_with_its_score(personas: Personas) -> None:
    p = personas
    now = timezone.now()
    series = make_series(p, starts_on=(now - timedelta(days=15)).date())
    first, second = schedule.previous_occurrences(series, now, 2)
    series.starts_on = first.date()  # exactly two meetings so far, whatever today is
    series.save()
    held = Review.objects.create(
        organization=p.org,
        series=series,
        scheduled_at=second,
        status=ReviewStatus.CLOSED,
        agenda_since=first,
        started_at=second,
        closed_at=second + timedelta(hours=1),
    )
    held.present.set([p.business_lead, p.it_lead])

    [component] = insights.index_components(p.org, now)

    rows = {row.key: row.points for row in component.evidence}
    # One of two meetings held, with both sides at the one that was; no actions or key results.
    assert rows == {"habit:held": pytest.approx(50), "habit:both_sides": pytest.approx(50)}
    assert all(row.url.endswith("/reviews/habit/") for row in component.evidence)


def test_my_open_actions_need_me_and_done_ones_do_not(personas: Personas) -> None:
    p = personas
    today = timezone.localdate()
    late = ActionItem.objects.create(
        organization=p.org, title="Send the figures", owner=p.it_lead, due_on=today - timedelta(days=2)
    )
    ActionItem.objects.create(
        organization=p.org, title="Book the room", owner=p.it_lead, due_on=today, status=ActionStatus.DONE
    )
    ActionItem.objects.create(organization=p.org, title="Not mine", owner=p.business_lead, due_on=today)

    [item] = insights.needs_me(p.it_lead, today)

    assert (item.kind, item.title, item.due_on) == ("action", "Send the figures", late.due_on)
    assert item.is_overdue(today)
    assert item.url.endswith(f"/actions/{late.pk}/")


def test_the_setup_step_ticks_off_with_a_review_series(personas: Personas) -> None:
    [step] = insights.setup_steps(personas.org)
    assert (step.key, step.done, step.order) == ("review_series", False, 60)
    make_series(personas)

    assert insights.setup_steps(personas.org)[0].done
