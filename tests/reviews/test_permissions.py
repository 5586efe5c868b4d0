"""The permission matrix of the review pages: every URL, every persona, the status.

Every internal member reads the series, reviews, minutes, the decision log, the action items and
the habit page, and has a calendar address of their own. Owners and admins create and change
series and renew a series' calendar address. The attendees of a series (not viewers), owners and
admins prepare and run its reviews and change their agenda. Any internal member but a viewer
records decisions (and confirms one for their side), adds action items and celebrates wins. An
action item is changed by its owner, whoever recorded it, owners and admins. Partners and other
organisations get 404 everywhere; anonymous visitors are sent to sign in. A calendar feed takes
anyone with its secret address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tandem.core import cache
from tandem.core.models import Role, Side
from tandem.reviews import ics, services
from tandem.reviews.models import AgendaItem, ReviewSeries
from tests.conftest import ADMINS, INTERNAL, PERSONAS, Personas
from tests.factories import MembershipFactory
from tests.url_walk import all_url_names

pytestmark = pytest.mark.permission_matrix

READERS = INTERNAL  # owner, admin, both leads, member, viewer
RUNNERS = ADMINS | {"business_lead", "it_lead"}  # the series' attendees (not viewers), owners, admins
WORKERS = INTERNAL - {"viewer"}  # decisions, actions, wins
ACTION_EDITORS = ADMINS | {"member"}  # the action's owner; its recorder is nobody of the personas
EVERYONE = set(PERSONAS)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    allowed: set[str]
    ok: int = 200
    data: dict[str, Any] | None = None
    public: bool = False  # no account: every persona, anonymous included, gets ``ok``


@pytest.fixture
def world(personas: Personas, series: ReviewSeries) -> dict[str, Any]:
    """A planned review with two agenda items, a closed one, a decision no persona has confirmed
    and an action the member owns, both recorded by a business lead who is none of the personas."""
    recorder = MembershipFactory.create(organization=personas.org, role=Role.LEAD, side=Side.BUSINESS)
    closed = services.review_prepare(actor=personas.owner, series=series)
    services.review_close(actor=personas.owner, review=closed, present=[personas.owner])
    review = services.review_prepare(actor=personas.owner, series=series)
    first = services.item_add(actor=personas.owner, review=review, title="Budget")
    services.item_add(actor=personas.owner, review=review, title="Hiring")
    decision = services.decision_record(actor=recorder, title="Go to the cloud", rationale="Cheaper.")
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    action = services.action_add(actor=recorder, title="Get quotes", owner=personas.member, due_on=due)
    assert AgendaItem.objects.for_org(personas.org).filter(review=review).count() >= 2
    return {
        "series": series.pk,
        "review": review.pk,
        "closed": closed.pk,
        "item": first.pk,
        "decision": decision.pk,
        "action": action.pk,
        "member": personas.member.pk,
        "it_lead": personas.it_lead.pk,
        "due": due,
        "token": ics.series_feed_secret(series),
    }


ORG = "/o/acme/"
R = ORG + "reviews/"
SERIES = R + "series/{series}/"
REVIEW = R + "{review}/"
CLOSED = R + "{closed}/"
ITEM = R + "items/{item}/"
SERIES_FORM = {
    "name": "Programme review",
    "weekday": "3",
    "start_time": "14:00",
    "duration_minutes": "30",
    "time_zone": "Europe/Amsterdam",
    "interval_weeks": "1",
    "starts_on": "2027-01-07",
    "attendees": ["{member}", "{it_lead}"],
}
DECISION = {"title": "Keep the old portal", "rationale": "Users need time."}
ACTION = {"title": "Book a room", "owner": "{member}", "due_on": "{due}"}
WIN = {"title": "First claim settled in a day"}

MATRIX: list[Row] = [
    Row("reviews:list", "get", R, READERS),
    Row("reviews:series_new", "get", R + "series/new/", ADMINS),
    Row("reviews:series_new", "post", R + "series/new/", ADMINS, 302, SERIES_FORM),
    Row("reviews:series", "get", SERIES, READERS),
    Row("reviews:series", "get", SERIES + "?page=2", READERS),
    Row("reviews:series_edit", "get", SERIES + "edit/", ADMINS),
    Row("reviews:series_edit", "post", SERIES + "edit/", ADMINS, 302, SERIES_FORM),
    Row("reviews:series_feed", "post", SERIES + "feed/", ADMINS, 302),
    Row("reviews:prepare", "post", SERIES + "prepare/", RUNNERS, 302),
    Row("reviews:review", "get", REVIEW, READERS),
    Row("reviews:review", "get", CLOSED, READERS),
    Row("reviews:review_refresh", "post", REVIEW + "refresh/", RUNNERS, 302),
    Row("reviews:review_start", "post", REVIEW + "start/", RUNNERS, 302),
    Row(
        "reviews:review_close",
        "post",
        REVIEW + "close/",
        RUNNERS,
        302,
        {"present": ["{member}"], "notes": "x"},
    ),
    Row("reviews:review_cancel", "post", REVIEW + "cancel/", RUNNERS, 302, {"reason": "Holiday"}),
    Row("reviews:item_new", "post", REVIEW + "items/new/", RUNNERS, 302, {"title": "Office move"}),
    Row("reviews:item", "post", ITEM, RUNNERS, 302, {"minutes": "10", "notes": "Short."}),
    Row("reviews:item_drop", "post", ITEM + "drop/", RUNNERS, 302, {"reason": "Solved."}),
    Row("reviews:item_move", "post", ITEM + "move/", RUNNERS, 302, {"direction": "down"}),
    Row("reviews:review_ics", "get", REVIEW + "event.ics", READERS),
    Row("reviews:minutes", "get", CLOSED + "minutes/", READERS),
    Row("reviews:minutes_md", "get", CLOSED + "minutes.md", READERS),
    Row("reviews:minutes_pdf", "get", CLOSED + "minutes.pdf", READERS),
    # No minutes before a review is closed, for anyone.
    Row("reviews:minutes", "get", REVIEW + "minutes/", set()),
    Row("reviews:minutes_md", "get", REVIEW + "minutes.md", set()),
    Row("reviews:minutes_pdf", "get", REVIEW + "minutes.pdf", set()),
    Row("reviews:win_new", "get", R + "wins/new/", WORKERS),
    Row("reviews:win_new", "get", R + "wins/new/?review={review}", WORKERS),
    Row("reviews:win_new", "post", R + "wins/new/?review={review}", WORKERS, 302, WIN),
    Row("reviews:win_new", "post", R + "wins/new/", WORKERS, 302, WIN),
    Row("reviews:habit", "get", R + "habit/", READERS),
    Row("reviews:my_feed", "get", R + "my-feed/", READERS),
    Row("reviews:my_feed", "post", R + "my-feed/", READERS, 302),  # one's own calendar: a reader's
    Row("reviews:decisions", "get", ORG + "decisions/", READERS),
    Row("reviews:decisions", "get", ORG + "decisions/?q=cloud&confirmed=no&page=3", READERS),
    Row("reviews:decision_new", "get", ORG + "decisions/new/", WORKERS),
    Row("reviews:decision_new", "get", ORG + "decisions/new/?review={review}", WORKERS),
    Row("reviews:decision_new", "post", ORG + "decisions/new/?review={review}", WORKERS, 302, DECISION),
    Row("reviews:decision_new", "post", ORG + "decisions/new/", WORKERS, 302, DECISION),
    Row("reviews:decision", "get", ORG + "decisions/{decision}/", READERS),
    Row("reviews:decision_confirm", "post", ORG + "decisions/{decision}/confirm/", WORKERS, 302),
    Row("reviews:actions", "get", ORG + "actions/", READERS),
    Row("reviews:actions", "get", ORG + "actions/?mine=on&overdue=on&status=done", READERS),
    Row("reviews:action_new", "get", ORG + "actions/new/", WORKERS),
    Row("reviews:action_new", "get", ORG + "actions/new/?decision={decision}", WORKERS),
    Row("reviews:action_new", "post", ORG + "actions/new/?review={review}", WORKERS, 302, ACTION),
    Row("reviews:action_new", "post", ORG + "actions/new/?decision={decision}", WORKERS, 302, ACTION),
    Row("reviews:action", "post", ORG + "actions/{action}/", ACTION_EDITORS, 302, {"status": "done"}),
    # A calendar feed: its secret address is its key, for anyone, signed in or not.
    Row("reviews:feed", "get", "/reviews/feed/{token}.ics", EVERYONE, public=True),
    Row("reviews:feed", "get", "/reviews/feed/no-such-feed.ics", EVERYONE, 404, public=True),
]
NAMES = {row.name for row in MATRIX}


def expected(row: Row, persona: str) -> int:
    if row.public:
        return row.ok
    if persona == "anonymous":
        return 302
    return row.ok if persona in row.allowed else 404


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return str(value).format(**ids)


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method}-{r.name}-{r.path}")
def test_reviews_permission_matrix(
    world: dict[str, Any], client_for: Callable[[str], Client], row: Row
) -> None:
    """Every persona in turn against one world: each request runs in a savepoint rolled back after
    it (and the page cache is emptied), so each persona meets the world as it was built."""
    path = row.path.format(**world)
    answers = {}
    for persona in PERSONAS:
        with transaction.atomic():
            client = client_for(persona)
            data = {k: _fill(v, world) for k, v in (row.data or {}).items()}
            response = getattr(client, row.method)(path, data)
            answers[persona] = (response.status_code, response.content[:300])
            if persona == "anonymous" and not row.public:
                assert response["Location"].startswith("/accounts/login/?next="), path
            transaction.set_rollback(True)
        cache.clear()
    wrong = {p: a for p, a in answers.items() if a[0] != expected(row, p)}
    assert not wrong, (path, wrong)


def test_the_matrix_covers_every_reviews_url() -> None:
    """A URL added to ``reviews/urls.py`` fails here until the matrix has a row for it."""
    names = {n for n in all_url_names() if n.startswith("reviews:")}
    assert names == NAMES


def test_every_page_that_takes_a_form_has_a_get_and_a_post_row() -> None:
    forms = {
        "reviews:series_new",
        "reviews:series_edit",
        "reviews:decision_new",
        "reviews:action_new",
        "reviews:win_new",
        "reviews:my_feed",
    }
    for name in forms:
        assert {r.method for r in MATRIX if r.name == name} == {"get", "post"}, name


def test_a_post_only_url_answers_no_get(world: dict[str, Any], client_for: Callable[[str], Client]) -> None:
    """The steps take a POST only: a GET on one is refused and changes nothing."""
    client = client_for("owner")
    forms = {r.name for r in MATRIX if r.method == "get"}
    posted = {r.path for r in MATRIX if r.name not in forms}
    for path in posted:
        assert client.get(path.format(**world)).status_code == 405, path
