"""Whole pages kept under the organisation's data version (``core.cache.page_cached``): never across
people, versions, languages or days, never with another request's CSRF token or a waiting message,
and never showing something that changed outside the organisation's data (the switcher, a name)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.core import cache
from tandem.core.models import Membership, Organization, Role, Side, User
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tests.conftest import Personas, bearer
from tests.factories import OrganizationFactory

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture
def initiative(personas: Personas) -> Initiative:
    return strategy.initiative_create(actor=personas.owner, title="Fleet telematics")


def _url(initiative: Initiative) -> str:
    return reverse("strategy:initiative_detail", args=[initiative.organization.slug, initiative.pk])


def _signed_in(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def test_a_second_read_is_answered_without_drawing_the_page(
    personas: Personas, initiative: Initiative
) -> None:
    client = _signed_in(personas.owner)
    first = client.get(_url(initiative))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(_url(initiative))
    assert second.status_code == 200
    assert ANY_TOKEN.sub(b"", second.content) == ANY_TOKEN.sub(b"", first.content)
    # The session, the person, and their memberships (the gate): nothing of the page itself.
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_every_answer_carries_its_own_csrf_token_and_a_kept_page_still_posts(
    personas: Personas, initiative: Initiative
) -> None:
    first, second = _signed_in(personas.owner), _signed_in(personas.owner)
    first.get(_url(initiative))
    page = second.get(_url(initiative))  # kept: drawn for the first session
    assert cache.CSRF_PLACEHOLDER.encode() not in page.content
    tokens = set(TOKEN.findall(page.content))
    assert len(tokens) == 1
    second_csrf = Client(enforce_csrf_checks=True)
    second_csrf.cookies = second.cookies
    token = tokens.pop().decode()
    transition = reverse("strategy:initiative_transition", args=[personas.org.slug, initiative.pk])
    answer = second_csrf.post(transition, {"csrfmiddlewaretoken": token, "transition-to": "proposed"})
    assert answer.status_code == 302  # past the CSRF check: moved


def test_a_write_in_any_request_draws_the_page_again(personas: Personas, initiative: Initiative) -> None:
    client = _signed_in(personas.owner)
    assert b"Fleet telematics" in client.get(_url(initiative)).content
    strategy.initiative_update(actor=personas.owner, initiative=initiative, title="Route planning")
    page = client.get(_url(initiative)).content
    assert b"Route planning" in page
    assert b"Fleet telematics" not in page


def test_each_member_gets_the_page_drawn_for_them(personas: Personas, initiative: Initiative) -> None:
    edit = reverse("strategy:initiative_edit", args=[personas.org.slug, initiative.pk]).encode()
    assert edit in _signed_in(personas.owner).get(_url(initiative)).content
    assert edit not in _signed_in(personas.viewer).get(_url(initiative)).content


def test_a_page_is_kept_per_language(personas: Personas, initiative: Initiative) -> None:
    client = _signed_in(personas.owner)
    english = client.get(_url(initiative), HTTP_ACCEPT_LANGUAGE="en").content
    dutch = client.get(_url(initiative), HTTP_ACCEPT_LANGUAGE="nl").content
    assert b'lang="en"' in english
    assert b'lang="nl"' in dutch


def test_a_page_is_drawn_again_the_next_hour(
    personas: Personas, initiative: Initiative, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _signed_in(personas.owner)
    client.get(_url(initiative))
    later = timezone.localtime() + dt.timedelta(hours=1)
    monkeypatch.setattr(timezone, "localtime", lambda *_: later)
    with CaptureQueriesContext(connection) as queries:
        client.get(_url(initiative))
    assert len(queries) > 3


def test_a_waiting_message_is_shown_once_and_never_kept(personas: Personas, initiative: Initiative) -> None:
    client = _signed_in(personas.owner)
    client.get(_url(initiative))  # kept, with no message
    transition = reverse("strategy:initiative_transition", args=[personas.org.slug, initiative.pk])
    moved = client.post(transition, {"transition-to": "proposed", "transition-reason": "Ready to discuss"})
    assert moved.status_code == 302
    shown = client.get(_url(initiative))
    again = client.get(_url(initiative))
    assert b'class="messages"' in shown.content
    assert b'class="messages"' not in again.content


def test_the_switcher_shows_a_new_organisation_at_once(personas: Personas, initiative: Initiative) -> None:
    client = _signed_in(personas.owner)
    client.get(_url(initiative))
    initech = OrganizationFactory.create(name="Initech Holdings", slug="initech")
    # Joining another organisation changes nothing in this one's data.
    Membership.objects.create(organization=initech, user=personas.owner.user, role=Role.MEMBER, side=Side.IT)
    assert b"Initech Holdings" in client.get(_url(initiative)).content


def test_a_new_e_mail_address_shows_at_once(personas: Personas, initiative: Initiative) -> None:
    user: User = personas.owner.user
    User.objects.filter(pk=user.pk).update(name="")
    client = _signed_in(personas.owner)
    client.get(_url(initiative))
    User.objects.filter(pk=user.pk).update(email="renamed@acme.test")  # as allauth's e-mail change
    assert b"renamed@acme.test" in client.get(_url(initiative)).content


def test_nothing_is_kept_with_no_memory_given(
    personas: Personas, initiative: Initiative, settings: object
) -> None:
    settings.PAGE_CACHE_BYTES = 0  # type: ignore[attr-defined]
    client = _signed_in(personas.owner)
    client.get(_url(initiative))
    with CaptureQueriesContext(connection) as queries:
        client.get(_url(initiative))
    assert len(queries) > 3


def test_the_oldest_pages_go_first_within_the_memory_given(
    personas: Personas, initiative: Initiative, settings: object
) -> None:
    client = _signed_in(personas.owner)
    size = len(client.get(_url(initiative)).content)
    cache.clear()
    settings.PAGE_CACHE_BYTES = size * 8 + size // 2  # type: ignore[attr-defined]
    for page in range(1, 12):
        client.get(_url(initiative) + f"?v={page}")
    assert len(cache._answers) <= 8
    assert cache._answer_bytes <= settings.PAGE_CACHE_BYTES  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as queries:
        client.get(_url(initiative) + "?v=1")  # the oldest went
    assert len(queries) > 3


def test_a_refusal_is_never_answered_from_memory(personas: Personas, initiative: Initiative) -> None:
    _signed_in(personas.owner).get(_url(initiative))
    assert _signed_in(personas.partner).get(_url(initiative)).status_code == 404
    assert _signed_in(personas.outsider).get(_url(initiative)).status_code == 404


def test_organisations_never_share_a_page(personas: Personas) -> None:
    mine = strategy.initiative_create(actor=personas.owner, title="Acme only")
    theirs = strategy.initiative_create(actor=personas.outsider, title="Globex only")
    assert Organization.objects.count() == 2
    assert b"Acme only" in _signed_in(personas.owner).get(_url(mine)).content
    assert b"Globex only" in _signed_in(personas.outsider).get(_url(theirs)).content


# --- API reads -----------------------------------------------------------------------------------

API = "/api/v1/orgs/{slug}/initiatives"


def test_an_api_read_is_kept_and_answered_again_after_the_gate(
    personas: Personas, initiative: Initiative
) -> None:
    client = bearer(personas.owner)
    first = client.get(API.format(slug="acme"))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(API.format(slug="acme"))
    assert second.status_code == 200
    assert second.json() == first.json()
    assert second["Content-Type"] == first["Content-Type"]
    # The token and the person's memberships (the gate): nothing of the answer itself.
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_an_api_read_follows_every_write_and_every_filter(personas: Personas, initiative: Initiative) -> None:
    client = bearer(personas.owner)
    assert [i["title"] for i in client.get(API.format(slug="acme")).json()["items"]] == ["Fleet telematics"]
    strategy.initiative_create(actor=personas.owner, title="Route planning")
    titles = {i["title"] for i in client.get(API.format(slug="acme")).json()["items"]}
    assert titles == {"Fleet telematics", "Route planning"}
    found = client.get(API.format(slug="acme") + "?q=route").json()["items"]
    assert [i["title"] for i in found] == ["Route planning"]


def test_a_kept_api_read_is_never_given_to_someone_the_gate_refuses(
    personas: Personas, initiative: Initiative
) -> None:
    assert bearer(personas.owner).get(API.format(slug="acme")).status_code == 200
    assert bearer(personas.partner).get(API.format(slug="acme")).status_code == 404
    assert bearer(personas.outsider).get(API.format(slug="acme")).status_code == 404
    assert bearer(personas.viewer).get(API.format(slug="acme")).status_code == 200
