"""Review selectors: lists scoped to the organisation, a review's detail in a few queries, the
review to work on now, the decision log's search, action-item filters, and the home page's panel."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.core.errors import NotFound
from tandem.reviews import selectors, services
from tandem.reviews.models import ActionStatus, Review, ReviewSeries, ReviewStatus
from tandem.strategy import services as strategy
from tests.conftest import Personas
from tests.reviews.conftest import make_series

AMS = ZoneInfo("Europe/Amsterdam")
WEDNESDAY = datetime(2026, 3, 4, 10, 0, tzinfo=AMS)


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def review_at(series: ReviewSeries, at: datetime, status: str = ReviewStatus.PLANNED) -> Review:
    return Review.objects.create(
        organization=series.organization, series=series, scheduled_at=at, agenda_since=at, status=status
    )


def test_lists_hold_only_the_organisations_rows(personas: Personas, series: ReviewSeries) -> None:
    theirs = make_series(personas, organization=personas.other_org, name="Their review")
    theirs.attendees.set([personas.outsider])
    review_at(theirs, WEDNESDAY)
    review = review_at(series, WEDNESDAY)
    assert list(selectors.series_list(personas.org)) == [series]
    assert list(selectors.review_list(personas.org)) == [review]
    assert list(selectors.review_list(personas.org, series=series)) == [review]
    with pytest.raises(NotFound):
        selectors.review_detail(personas.org, review_at(theirs, WEDNESDAY + timedelta(weeks=1)).pk)


def test_series_are_listed_by_name_with_their_attendees(personas: Personas, series: ReviewSeries) -> None:
    programme = make_series(personas, name="Claims programme")
    [first, second] = selectors.series_list(personas.org)
    assert (first, second) == (programme, series)
    assert {m.user.email for m in second.attendees.all()} == {
        "bizlead@acme.test",
        "itlead@acme.test",
        "owner@acme.test",
        "admin@acme.test",
    }


def test_a_review_detail_has_its_agenda_kept_then_dropped_and_what_came_out_of_it(
    personas: Personas, series: ReviewSeries, django_assert_max_num_queries: Any
) -> None:
    review = services.review_prepare(actor=personas.owner, series=series, now=WEDNESDAY)
    dropped = services.item_add(actor=personas.owner, review=review, title="Hiring")
    kept = services.item_add(actor=personas.owner, review=review, title="Budget")
    services.item_drop(actor=personas.owner, item=dropped, reason="Later")
    decision = services.decision_record(
        actor=personas.business_lead, title="Go", rationale="Why", review=review
    )
    action = services.action_add(
        actor=personas.owner, title="Book it", owner=personas.it_lead, due_on=in_days(3), review=review
    )
    win = services.win_add(actor=personas.owner, title="Shipped", review=review, thanked=[personas.it_lead])
    elsewhere = services.decision_record(actor=personas.business_lead, title="Other", rationale="Why")
    with django_assert_max_num_queries(10):
        detail = selectors.review_detail(personas.org, review.pk)
        [d] = detail.decisions
        names = [c.membership.user.email for c in d.confirmations.all()]
        present = list(detail.review.present.all())
        thanked = [m.user.email for w in detail.wins for m in w.thanked.all()]
        owners = [a.owner.user.email for a in detail.actions if a.owner]
    assert detail.review == review
    assert [i.title for i in detail.items] == ["Budget", "Hiring"]
    assert (detail.kept, detail.dropped) == ([kept], [dropped])
    assert (d, names, present) == (decision, ["bizlead@acme.test"], [])
    assert detail.decisions != [elsewhere]
    assert (detail.actions, owners) == ([action], ["itlead@acme.test"])
    assert (detail.wins, thanked) == ([win], ["itlead@acme.test"])


def test_the_current_review_is_the_one_in_progress_else_the_planned_one_nearest_to_now(
    personas: Personas, series: ReviewSeries
) -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=AMS)
    assert selectors.current_review(series, now=now) is None
    review_at(series, datetime(2026, 3, 2, 9, 0, tzinfo=AMS), status=ReviewStatus.CLOSED)
    last_week = review_at(series, datetime(2026, 3, 9, 9, 0, tzinfo=AMS))
    review_at(series, datetime(2026, 3, 16, 9, 0, tzinfo=AMS))
    assert selectors.current_review(series, now=now) == last_week
    running = review_at(series, datetime(2026, 3, 23, 9, 0, tzinfo=AMS), status=ReviewStatus.OPEN)
    assert selectors.current_review(series, now=now) == running


def test_the_decision_log_is_searched_in_title_rationale_and_options(personas: Personas) -> None:
    initiative = strategy.initiative_create(actor=personas.owner, title="Route planning")
    venlo = services.decision_record(
        actor=personas.business_lead,
        title="Pilot in Venlo",
        rationale="Smallest depot",
        initiative=initiative,
    )
    tilburg = services.decision_record(
        actor=personas.business_lead,
        title="Hire",
        rationale="Capacity",
        options_considered="Outsource to Tilburg",
    )
    services.decision_confirm(actor=personas.it_lead, decision=tilburg)
    org = personas.org
    assert list(selectors.decision_search(org)) == [tilburg, venlo]  # latest first
    assert list(selectors.decision_search(org, q="venlo")) == [venlo]
    assert list(selectors.decision_search(org, q="DEPOT")) == [venlo]
    assert list(selectors.decision_search(org, q="tilburg")) == [tilburg]
    assert list(selectors.decision_search(org, confirmed=True)) == [tilburg]
    assert list(selectors.decision_search(org, confirmed=False)) == [venlo]
    assert list(selectors.decision_search(org, initiative_id=initiative.pk)) == [venlo]
    assert list(selectors.decision_search(personas.other_org, q="venlo")) == []


def test_action_items_are_filtered_by_status_owner_and_overdue(personas: Personas) -> None:
    soon = services.action_add(actor=personas.owner, title="Soon", owner=personas.it_lead, due_on=in_days(1))
    later = services.action_add(actor=personas.owner, title="Later", owner=personas.member, due_on=in_days(9))
    done = services.action_add(actor=personas.owner, title="Done", owner=personas.it_lead, due_on=in_days(2))
    services.action_update(actor=personas.owner, action=done, status=ActionStatus.DONE)
    org = personas.org
    assert list(selectors.action_list(org)) == [soon, done, later]  # by due date
    assert list(selectors.action_list(org, status="open")) == [soon, later]
    assert list(selectors.action_list(org, owner=personas.it_lead)) == [soon, done]
    assert list(selectors.action_list(org, owner=personas.member.pk)) == [later]
    assert list(selectors.action_list(org, overdue=True)) == []
    assert list(selectors.action_list(org, overdue=True, today=in_days(5))) == [soon]
    assert list(selectors.my_actions(personas.it_lead)) == [soon]
    assert list(selectors.win_list(org)) == []


# --- The home panel ----------------------------------------------------------------------------------


def test_a_partner_gets_no_home_panel(personas: Personas, series: ReviewSeries) -> None:
    assert selectors.home_panel(personas.partner) is None


def test_the_home_panel_shows_the_habit_the_next_review_and_my_actions(
    personas: Personas, series: ReviewSeries
) -> None:
    upcoming = review_at(series, timezone.now() + timedelta(days=2))
    services.action_add(actor=personas.owner, title="Mine", owner=personas.it_lead, due_on=in_days(0))
    services.action_add(actor=personas.owner, title="Theirs", owner=personas.member, due_on=in_days(3))
    late = services.action_add(actor=personas.owner, title="Late", owner=personas.it_lead, due_on=in_days(1))
    late.due_on = in_days(-2)  # as if raised earlier: the services refuse a due date in the past
    late.save()
    panel = selectors.home_panel(personas.it_lead)
    assert panel is not None
    template, context = panel
    assert template == "reviews/_home_panel.html"
    assert context["habit"].score is not None  # the series has met since January
    assert (context["next_review"], context["open_actions"], context["overdue_actions"]) == (upcoming, 2, 1)
    html = render_to_string(template, {"panel": context, "current_org": personas.org})
    assert f"/o/acme/reviews/{upcoming.pk}/" in html
    assert "Weekly review" in html


def test_the_home_panel_invites_an_organisation_without_a_series(personas: Personas) -> None:
    panel = selectors.home_panel(personas.viewer)
    assert panel is not None
    template, context = panel
    assert (context["habit"], context["next_review"], context["has_series"]) == (None, None, False)
    html = render_to_string(template, {"panel": context, "current_org": personas.org})
    assert "No weekly review yet" in html


def test_the_next_review_is_of_a_series_i_attend_when_there_is_one(
    personas: Personas, series: ReviewSeries
) -> None:
    other = make_series(personas, name="Claims programme")
    other.attendees.set([personas.member])
    sooner = review_at(other, timezone.now() + timedelta(days=1))
    mine = review_at(series, timezone.now() + timedelta(days=3))
    assert selectors.next_review(personas.it_lead) == mine
    assert selectors.next_review(personas.member) == sooner
    assert selectors.next_review(personas.viewer) == sooner  # attends none: the first of any
