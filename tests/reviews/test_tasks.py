"""The weekly review's background work: the minutes, the thanks and the habit alert, each e-mailed
once in its reader's language, and the daily rounds that prepare the coming reviews and look at
every organisation's habit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core.models import Membership, Role, Side
from tandem.reviews import minutes, services, tasks
from tandem.reviews.models import HabitAlert, Review, ReviewSeries, ReviewStatus
from tests.conftest import Personas
from tests.factories import MembershipFactory
from tests.reviews.conftest import make_series

AMS = ZoneInfo("Europe/Amsterdam")
WEDNESDAY = datetime(2026, 3, 4, 10, 0, tzinfo=AMS)


def speaks(member: Membership, language: str) -> None:
    member.user.language = language
    member.user.save()


def closed_review(personas: Personas, series: ReviewSeries, present: list[Membership]) -> Review:
    review = services.review_prepare(actor=personas.owner, series=series, now=WEDNESDAY)
    services.decision_record(
        actor=personas.business_lead, title="Pilot in Venlo", rationale="Least risk", review=review
    )
    return services.review_close(actor=personas.owner, review=review, present=present)


def html_of(message: Any) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(html)


# --- Minutes -----------------------------------------------------------------------------------------


def test_each_reader_gets_the_minutes_in_their_own_language(personas: Personas, series: ReviewSeries) -> None:
    speaks(personas.it_lead, "nl")
    personas.org.language = "nl"
    personas.org.save()
    speaks(personas.owner, "en")
    review = closed_review(personas, series, [personas.owner])
    assert tasks.send_minutes.call(review_id=review.pk) == 4
    sent = {m.to[0]: m for m in mail.outbox}
    assert '<html lang="nl">' in html_of(sent["itlead@acme.test"])
    assert '<html lang="nl">' in html_of(sent["admin@acme.test"])  # chose nothing: the organisation's
    assert '<html lang="en">' in html_of(sent["owner@acme.test"])
    assert "9 maart 2026" in sent["itlead@acme.test"].subject
    assert "9 March 2026" in sent["owner@acme.test"].subject
    for message in mail.outbox:
        assert "Pilot in Venlo" in str(message.body)
        assert "Pilot in Venlo" in html_of(message)
        assert f"/o/acme/reviews/{review.pk}/minutes/" in str(message.body)
        [(name, content, mimetype)] = message.attachments
        assert (name, mimetype, content[:5]) == ("minutes-2026-03-09.pdf", "application/pdf", b"%PDF-")


def test_minutes_go_to_active_people_only_and_once(personas: Personas, series: ReviewSeries) -> None:
    personas.admin.is_active = False
    personas.admin.save()
    review = closed_review(personas, series, [personas.member, personas.owner])
    assert tasks.send_minutes.call(review_id=review.pk) == 4
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bizlead@acme.test",
        "itlead@acme.test",
        "member@acme.test",
        "owner@acme.test",
    ]
    assert tasks.send_minutes.call(review_id=review.pk) == 0
    assert len(mail.outbox) == 4


def test_minutes_of_a_review_not_closed_are_not_sent(personas: Personas, series: ReviewSeries) -> None:
    review = services.review_prepare(actor=personas.owner, series=series, now=WEDNESDAY)
    assert tasks.send_minutes.call(review_id=review.pk) == 0
    assert tasks.send_minutes.call(review_id=review.pk + 1000) == 0
    review.refresh_from_db()
    assert (review.minutes_sent_at, mail.outbox) == (None, [])


def test_a_run_that_fails_leaves_the_minutes_to_be_sent_again(
    personas: Personas, series: ReviewSeries, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = closed_review(personas, series, [personas.owner])

    def broken(_minutes: Any) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(minutes, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        tasks.send_minutes.call(review_id=review.pk)
    review.refresh_from_db()
    assert review.minutes_sent_at is None
    monkeypatch.undo()
    assert tasks.send_minutes.call(review_id=review.pk) == 4


# --- Thanks ------------------------------------------------------------------------------------------


def test_thanks_reach_the_active_people_thanked_once_with_a_link(personas: Personas) -> None:
    speaks(personas.member, "nl")
    win = services.win_add(
        actor=personas.business_lead,
        title="Tracking page live",
        detail="Two weeks early.",
        thanked=[personas.member, personas.it_lead, personas.admin],
    )
    personas.admin.is_active = False
    personas.admin.save()
    assert tasks.send_thanks.call(win_id=win.pk) == 2
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"member@acme.test", "itlead@acme.test"}
    assert '<html lang="nl">' in html_of(sent["member@acme.test"])
    body = str(sent["itlead@acme.test"].body)
    assert "Tracking page live" in body
    assert "Two weeks early." in body
    assert personas.business_lead.user.display_name in sent["itlead@acme.test"].subject
    assert "/o/acme/reviews/" in body
    win.refresh_from_db()
    assert win.thanks_sent_at is not None
    assert tasks.send_thanks.call(win_id=win.pk) == 0


# --- The habit alert ------------------------------------------------------------------------------


def test_the_habit_alert_goes_to_the_owners_each_in_their_language(
    personas: Personas, series: ReviewSeries
) -> None:
    second = MembershipFactory.create(
        organization=personas.org,
        role=Role.OWNER,
        side=Side.IT,
        user__email="cio@acme.test",
        user__language="nl",
    )
    [alert] = services.habit_check(personas.org, now=datetime(2026, 3, 23, 12, 0, tzinfo=AMS))
    assert tasks.send_habit_alert.call(alert_id=alert.pk) == 2
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"owner@acme.test", second.user.email}
    assert '<html lang="nl">' in html_of(sent["cio@acme.test"])
    message = sent["owner@acme.test"]
    assert message.subject == f"Alignment is becoming an event again: {series.name}"
    assert "habit score is 0 out of 100" in str(message.body)
    assert "/o/acme/reviews/habit/" in str(message.body)
    # Run again (a retried task): the owners were told already.
    assert tasks.send_habit_alert.call(alert_id=alert.pk) == 0
    assert len(mail.outbox) == 2


def test_no_alert_is_sent_once_the_habit_recovered(personas: Personas, series: ReviewSeries) -> None:
    alert = HabitAlert.objects.create(
        organization=personas.org, series=series, score=40, recovered_at=timezone.now()
    )
    assert tasks.send_habit_alert.call(alert_id=alert.pk) == 0
    assert mail.outbox == []


# --- The daily rounds --------------------------------------------------------------------------------


def tomorrows_series(personas: Personas, **fields: Any) -> ReviewSeries:
    """A series meeting tomorrow at 09:00 in Amsterdam, every week since a month ago."""
    tomorrow = timezone.now().astimezone(AMS).date() + timedelta(days=1)
    return make_series(
        personas,
        weekday=tomorrow.weekday(),
        start_time=time(9, 0),
        starts_on=tomorrow - timedelta(weeks=4),
        **fields,
    )


def test_the_daily_round_prepares_the_reviews_of_the_next_two_days_once(personas: Personas) -> None:
    series = tomorrows_series(personas, name="Tomorrow")
    tomorrows_series(personas, name="Paused", is_active=False)
    assert tasks.prepare_upcoming.call() == 1
    [review] = Review.objects.for_org(personas.org)
    tomorrow = timezone.now().astimezone(AMS).date() + timedelta(days=1)
    assert (review.series, review.status) == (series, ReviewStatus.PLANNED)
    assert review.scheduled_at == datetime.combine(tomorrow, time(9, 0), tzinfo=AMS)
    assert review.agenda_built_at is not None
    assert tasks.prepare_upcoming.call() == 0


def test_the_daily_round_looks_at_every_organisations_habit(personas: Personas, series: ReviewSeries) -> None:
    theirs = make_series(personas, organization=personas.other_org, name="Theirs")
    theirs.attendees.set([personas.outsider])
    assert tasks.check_habits.call() == 2  # nothing held in either since January
    assert tasks.check_habits.call() == 0
    assert HabitAlert.objects.for_org(personas.other_org).get().series == theirs


def test_a_planned_round_queues_the_next_one_a_day_later(personas: Personas) -> None:
    tasks.check_habits.call(plan=True)
    [job] = DBTaskResult.objects.filter(task_path__endswith=".check_habits")
    assert job.args_kwargs["kwargs"] == {"plan": True}
    assert timedelta(hours=23) < job.run_after - timezone.now() <= timedelta(days=1)


def test_an_installation_without_a_series_queues_no_daily_round(db: None) -> None:
    tasks.worker_started()
    assert not DBTaskResult.objects.exists()


def test_the_worker_starts_each_daily_round_once(personas: Personas, series: ReviewSeries) -> None:
    tasks.worker_started()
    tasks.worker_started()  # a restart does not start a second chain
    paths = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == ["tandem.reviews.tasks.check_habits", "tandem.reviews.tasks.prepare_upcoming"]


def test_a_young_series_with_no_review_yet_raises_no_alert(personas: Personas) -> None:
    make_series(personas, starts_on=date(2099, 1, 5))
    assert tasks.check_habits.call() == 0
