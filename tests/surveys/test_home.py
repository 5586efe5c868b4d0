"""The organisation home's surveys panel: a person's own open surveys, running campaigns, latest results."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

from tandem.surveys import selectors
from tandem.surveys.models import Campaign, SurveyLink
from tests.conftest import Personas
from tests.surveys.conftest import close, likert_only, make_campaign

ClientFor = Callable[[str], Client]


def home(client: Client) -> str:
    response = client.get("/o/acme/")
    assert response.status_code == 200
    return response.content.decode()


def test_no_panel_before_the_first_campaign(personas: Personas, client_for: ClientFor) -> None:
    assert "Temperature checks" not in home(client_for("member"))


def test_a_member_is_asked_to_answer_with_their_own_link_until_they_have(
    personas: Personas, client_for: ClientFor
) -> None:
    campaign = make_campaign(personas.owner, questions=likert_only(1), title="Pulse")
    client = client_for("member")
    page = home(client)
    assert "You have not answered “Pulse” yet" in page
    token = re.search(r'href="/s/([^/"]+)/"', page)
    assert token is not None
    link = SurveyLink.objects.for_org(personas.org).get(campaign=campaign, membership=personas.member)
    assert selectors.token_hash(token.group(1)) == link.token_hash  # their own link, nobody else's
    question = campaign.template.questions.get()
    assert client.post(f"/s/{token.group(1)}/", {question.field_name: "4"}).status_code == 200
    page = home(client)
    assert "You have not answered" not in page
    assert re.search(r"Pulse</a>:\s*1 of \d+ answered", page)


def test_partners_get_no_panel_and_closed_campaigns_show_as_latest_results(
    personas: Personas, client_for: ClientFor
) -> None:
    campaign: Campaign = make_campaign(personas.owner, questions=likert_only(1), title="Last quarter")
    close(campaign)
    assert "Temperature checks" not in home(client_for("partner"))
    page = home(client_for("viewer"))
    assert "Latest results: Last quarter" in page
    assert "You have not answered" not in page
