"""The end users' feedback page: a secret link opened without an account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core import ratelimit
from tandem.delivery import selectors, services
from tandem.delivery.models import Deliverable, Feedback, FeedbackLink
from tandem.strategy import services as strategy
from tests.conftest import Personas


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    """Every test starts with no attempts counted (the counts live in the process)."""
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def deliverable(personas: Personas) -> Deliverable:
    initiative = strategy.initiative_create(actor=personas.owner, title="Claims portal")
    return services.deliverable_create(
        actor=personas.owner,
        initiative=initiative,
        title="Photo upload",
        committed_date=timezone.localdate(),
        description="Internal note: vendor penalty clause applies",
    )


@pytest.fixture
def link(personas: Personas, deliverable: Deliverable) -> FeedbackLink:
    return services.feedback_link_open(
        actor=personas.owner, initiative=deliverable.initiative, deliverable=deliverable
    )


def _url(link: FeedbackLink) -> str:
    return reverse("delivery:feedback_public", kwargs={"feedback_token": selectors.link_token(link)})


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_page_names_the_organisation_and_what_is_rated_and_nothing_else(link: FeedbackLink) -> None:
    response = Client().get(_url(link))
    text = _text(response)
    assert response.status_code == 200
    assert "Photo upload" in text
    assert "Acme Insurance" in text
    assert "vendor penalty" not in text
    assert "Leave your name out to stay anonymous" in text
    assert 'name="viewport"' in text
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_link_for_the_initiative_as_a_whole_names_the_initiative(
    personas: Personas, deliverable: Deliverable
) -> None:
    whole = services.feedback_link_open(actor=personas.owner, initiative=deliverable.initiative)
    assert "Claims portal" in _text(Client().get(_url(whole)))


def test_a_rating_is_stored_anonymously_with_todays_date(link: FeedbackLink) -> None:
    response = Client().post(_url(link), {"rating": "4", "comment": "Much faster than before."})
    assert response.status_code == 200
    assert "Thank you" in _text(response)
    [feedback] = Feedback.objects.for_org(link.organization)
    assert (feedback.rating, feedback.comment, feedback.name) == (4, "Much faster than before.", "")
    assert feedback.submitted_on == timezone.localdate()
    assert feedback.deliverable_id == link.deliverable_id


def test_a_name_given_is_kept(link: FeedbackLink) -> None:
    Client().post(_url(link), {"rating": "5", "name": "Maria from claims"})
    assert Feedback.objects.for_org(link.organization).get().name == "Maria from claims"


@pytest.mark.parametrize("rating", ["0", "6", "great", ""])
def test_a_rating_outside_one_to_five_shows_the_form_again_and_stores_nothing(
    link: FeedbackLink, rating: str
) -> None:
    response = Client().post(_url(link), {"rating": rating, "comment": "Kept as typed"})
    text = _text(response)
    assert response.status_code == 422
    assert "Choose a rating from 1 to 5." in text
    assert "Kept as typed" in text
    assert not Feedback.objects.for_org(link.organization).exists()


def test_an_unknown_link_is_a_friendly_not_found(db: None) -> None:
    response = Client().get(reverse("delivery:feedback_public", kwargs={"feedback_token": "no-such-link"}))
    assert response.status_code == 404
    assert "This feedback link does not exist" in _text(response)


def test_a_closed_link_says_so_and_takes_nothing(personas: Personas, link: FeedbackLink) -> None:
    services.feedback_link_close(actor=personas.owner, link=link)
    client = Client()
    assert client.get(_url(link)).status_code == 410
    response = client.post(_url(link), {"rating": "3"})
    assert response.status_code == 410
    assert "no longer takes feedback" in _text(response)
    assert not Feedback.objects.for_org(link.organization).exists()


@override_settings(FEEDBACK_RATE_PER_LINK=2)
def test_too_many_attempts_through_one_link_are_refused_for_a_minute(link: FeedbackLink) -> None:
    client = Client()
    for _ in range(2):
        assert client.post(_url(link), {"rating": "4"}).status_code == 200
    response = client.post(_url(link), {"rating": "4"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Wait a minute" in _text(response)
    assert Feedback.objects.for_org(link.organization).count() == 2


@override_settings(FEEDBACK_RATE_PER_ADDRESS=2)
def test_guessing_links_counts_against_the_address(link: FeedbackLink) -> None:
    client = Client()
    for guess in ("guess-1", "guess-2"):
        url = reverse("delivery:feedback_public", kwargs={"feedback_token": guess})
        assert client.post(url, {"rating": "4"}).status_code == 404
    assert client.post(_url(link), {"rating": "4"}).status_code == 429


def test_a_post_without_the_csrf_token_is_refused(link: FeedbackLink) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(_url(link), {"rating": "4"}).status_code == 403
    assert not Feedback.objects.for_org(link.organization).exists()


def test_the_form_carries_its_csrf_token_for_a_visitor_without_an_account(link: FeedbackLink) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(_url(link))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = client.post(_url(link), {"rating": "4", "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 200
    assert Feedback.objects.for_org(link.organization).count() == 1


def test_the_page_follows_the_visitors_browser_language(link: FeedbackLink) -> None:
    response = Client(headers={"Accept-Language": "nl"}).get(_url(link))
    assert response.status_code == 200
    assert response["Content-Language"] == "nl"


def test_opening_the_page_writes_nothing(link: FeedbackLink) -> None:
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(link)).status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if re.match(r"^\s*(INSERT|UPDATE|DELETE)", q["sql"])]
    assert not writes
