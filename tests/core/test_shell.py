"""The page shell: Tandem's own pages for a wrong method (405) and an overlong address (414), and
the top bar's menu button."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from tandem.core.middleware import MAX_QUERY_STRING
from tests.conftest import Personas

ClientFor = Callable[[str], Client]


def test_reloading_an_address_that_only_takes_a_post_shows_the_405_page_with_a_way_back(
    client_for: ClientFor,
) -> None:
    response = client_for("owner").get("/o/acme/why-checks/7/answer/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "Nothing to open at this address" in page
    assert 'href="/o/acme/why-checks/7/"' in page
    assert "<!DOCTYPE html>" in page  # the whole page, with the top bar


def test_the_405_page_leads_home_when_no_page_is_obvious(client_for: ClientFor) -> None:
    response = client_for("owner").get("/profile/tokens/3/revoke/")
    assert response.status_code == 405
    assert 'class="button" href="/"' in response.content.decode()


def test_a_post_to_a_page_that_only_shows_leads_back_to_that_page(client_for: ClientFor) -> None:
    response = client_for("owner").post("/o/acme/portfolio/")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert 'class="button" href="/o/acme/portfolio/"' in response.content.decode()


def test_the_api_keeps_its_own_405(personas: Personas) -> None:
    response = Client().delete("/api/v1/orgs/acme/initiatives")
    assert response.status_code == 405
    assert "Nothing to open at this address" not in response.content.decode()


def test_an_overlong_query_gets_the_styled_414_page_with_the_page_without_it(client_for: ClientFor) -> None:
    response = client_for("owner").get("/o/acme/portfolio/", {"q": "x" * MAX_QUERY_STRING})
    assert response.status_code == 414
    page = response.content.decode()
    assert "This address is too long" in page
    assert 'class="button" href="/o/acme/portfolio/"' in page


def test_a_long_query_within_the_limit_is_served(client_for: ClientFor) -> None:
    query = "q=" + "x" * (MAX_QUERY_STRING - 2)
    assert client_for("owner").get("/o/acme/portfolio/?" + query).status_code == 200


def test_signed_in_pages_have_a_menu_button_that_needs_no_script(client_for: ClientFor) -> None:
    page = client_for("owner").get("/o/acme/").content.decode()
    assert 'popovertarget="topbar-menu">Menu</button>' in page
    assert 'id="topbar-menu" popover' in page
