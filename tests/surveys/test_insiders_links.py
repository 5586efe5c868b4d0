"""An admin cannot use the invitations to break a survey's anonymity.

The attack: invite a target and n−1 people, answer through the n−1 links (or in the target's name
first), watch for the target's "answered" flag to flip, close, and subtract. So a personal link's
token is shown once, to the admin who hands it out, and only when it is not e-mailed: an e-mailed
link is held by its recipient alone, and inviting someone again never shows their link. And no
answer of the invitation endpoint or page says who has answered.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tandem.core.models import Side
from tandem.surveys import selectors, services
from tandem.surveys.models import AudienceKind, Campaign, SurveyLink
from tests.conftest import Personas, bearer, send
from tests.surveys.conftest import ORG, ClientFor, likert_only, make_campaign, questions_of

API = "/api/v1/orgs/acme/surveys"
TARGET = "target@people.test"


def emailed_campaign(personas: Personas, **kwargs: Any) -> Campaign:
    """An open campaign whose links go out by e-mail: the target and three colleagues."""
    recipients = [services.Recipient(TARGET, Side.IT)] + [
        services.Recipient(f"colleague{i}@people.test", Side.IT) for i in range(3)
    ]
    return make_campaign(
        personas.owner,
        questions=likert_only(1),
        audience=AudienceKind.EMAILS,
        recipients=recipients,
        send_email=True,
        **kwargs,
    )


def token_of(campaign: Campaign, email: str) -> str:
    """The token as its recipient has it (from their e-mail)."""
    return selectors.link_token(
        SurveyLink.objects.for_org(campaign.organization).get(campaign=campaign, email=email)
    )


def invite_api(client: Client, campaign: Campaign, *emails: str, send_email: bool = False) -> Any:
    recipients = [{"email": email, "side": "it"} for email in emails]
    response = send(
        client,
        "post",
        f"{API}/{campaign.pk}/invitations",
        {"recipients": recipients, "send_email": send_email},
    )
    assert response.status_code == 201, response.content
    return response


def invite_page(client: Client, campaign: Campaign, *emails: str, send_email: bool = False) -> str:
    data = {"emails": "\n".join(f"{email}, it" for email in emails)}
    if send_email:
        data["send_email"] = "on"
    response = client.post(f"{ORG}{campaign.pk}/invite/", data)
    assert response.status_code == 200
    return response.content.decode()


def answer(token: str, campaign: Campaign) -> None:
    [question] = questions_of(campaign)
    response = Client().post(
        f"/api/v1/responses/{token}", {"answers": {question.field_name: 2}}, content_type="application/json"
    )
    assert response.status_code == 201, response.content


# --- E-mailed links stay with their recipients -------------------------------------------------------


def test_an_admin_who_invites_by_email_is_not_shown_the_new_link(personas: Personas) -> None:
    campaign = emailed_campaign(personas)
    response = invite_api(bearer(personas.admin), campaign, "late@people.test", send_email=True)
    [link] = response.json()["links"]
    assert (link["delivery"], link["url"], link["token"]) == ("email", None, None)
    assert token_of(campaign, "late@people.test") not in response.content.decode()


def test_inviting_an_emailed_person_again_does_not_reveal_their_link(
    personas: Personas, client_for: ClientFor
) -> None:
    campaign = emailed_campaign(personas)
    token = token_of(campaign, TARGET)
    response = invite_api(bearer(personas.owner), campaign, TARGET)
    [link] = response.json()["links"]
    assert (link["delivery"], link["url"], link["token"]) == ("earlier", None, None)
    assert token not in response.content.decode()
    page = invite_page(client_for("owner"), campaign, TARGET)
    assert token not in page
    assert not re.findall(r"/s/[\w-]+/", page)


def test_an_admin_cannot_answer_in_an_emailed_persons_name(personas: Personas, client_for: ClientFor) -> None:
    campaign = emailed_campaign(personas)
    for client in (bearer(personas.admin), bearer(personas.owner)):
        body = invite_api(client, campaign, TARGET, "colleague0@people.test").content.decode()
        assert "/s/" not in body
    page = invite_page(client_for("admin"), campaign, TARGET, "colleague0@people.test")
    assert "/s/" not in page


# --- Links handed out by hand: once, to the admin who hands them out -------------------------------------


def test_a_handed_out_link_is_shown_once(personas: Personas, client_for: ClientFor) -> None:
    campaign = emailed_campaign(personas)
    first = invite_api(bearer(personas.owner), campaign, "hand@people.test").json()["links"]
    assert first[0]["delivery"] == "hand"
    assert first[0]["token"] == token_of(campaign, "hand@people.test")
    again = invite_api(bearer(personas.owner), campaign, "hand@people.test").json()["links"]
    assert (again[0]["delivery"], again[0]["token"]) == ("earlier", None)
    page = invite_page(client_for("owner"), campaign, "hand@people.test")
    assert first[0]["token"] not in page


def started_without_email(personas: Personas) -> Campaign:
    """A campaign for ``TARGET`` alone, started by the owner without e-mail: its link is pending."""
    return make_campaign(
        personas.owner,
        questions=likert_only(1),
        audience=AudienceKind.EMAILS,
        recipients=[services.Recipient(TARGET, Side.IT)],
        send_email=False,
    )


def test_another_admin_cannot_take_the_links_of_a_campaign_started_without_email(personas: Personas) -> None:
    campaign = started_without_email(personas)
    [link] = invite_api(bearer(personas.admin), campaign, TARGET).json()["links"]
    assert (link["delivery"], link["token"]) == ("earlier", None)
    [mine] = invite_api(bearer(personas.owner), campaign, TARGET).json()["links"]
    assert (mine["delivery"], mine["token"]) == ("hand", token_of(campaign, TARGET))


def test_a_members_link_is_not_handed_out_once_the_campaign_is_open(personas: Personas) -> None:
    """The member finds their link on their own home page, and may have answered through it."""
    campaign = make_campaign(personas.owner, questions=likert_only(1), send_email=False)
    response = send(
        bearer(personas.owner),
        "post",
        f"{API}/{campaign.pk}/invitations",
        {"members": [personas.member.pk, personas.it_lead.pk], "send_email": False},
    )
    assert [(x["delivery"], x["token"]) for x in response.json()["links"]] == [("earlier", None)] * 2


def test_a_link_left_undelivered_and_asked_for_by_email_is_emailed_not_shown(personas: Personas) -> None:
    campaign = started_without_email(personas)
    [link] = invite_api(bearer(personas.owner), campaign, TARGET, send_email=True).json()["links"]
    assert (link["delivery"], link["token"]) == ("email", None)
    [again] = invite_api(bearer(personas.owner), campaign, TARGET).json()["links"]
    assert (again["delivery"], again["token"]) == ("earlier", None)


# --- Nothing says who has answered ---------------------------------------------------------------------


def test_the_invitations_answer_is_the_same_whether_or_not_the_person_answered(personas: Personas) -> None:
    campaign = emailed_campaign(personas)
    client = bearer(personas.owner)
    before = invite_api(client, campaign, TARGET, "colleague0@people.test").json()
    answer(token_of(campaign, TARGET), campaign)
    after = invite_api(client, campaign, TARGET, "colleague0@people.test").json()
    assert after == before
    assert "answered" not in str(after)


def test_the_invitation_page_is_the_same_whether_or_not_the_person_answered(
    personas: Personas, client_for: ClientFor
) -> None:
    campaign = emailed_campaign(personas, days=21)
    client = client_for("owner")

    def rows() -> list[str]:
        page = invite_page(client, campaign, TARGET, "colleague0@people.test")
        return re.findall(r"<tr>.*?</tr>", page, flags=re.S)

    before = rows()
    answer(token_of(campaign, TARGET), campaign)
    assert rows() == before


def test_the_n_minus_one_attack_finds_no_flag_to_watch(personas: Personas) -> None:
    """An admin hands out links to three colleagues of the target and answers through them: the
    invitations answer still tells the target's answer from nobody's."""
    campaign = emailed_campaign(
        personas, opens_on=timezone.localdate(), closes_on=timezone.localdate() + timedelta(days=7)
    )
    client = bearer(personas.owner)
    fakes = [f"fake{i}@people.test" for i in range(3)]
    for link in invite_api(client, campaign, *fakes).json()["links"]:
        answer(link["token"], campaign)
    watched = invite_api(client, campaign, TARGET).json()
    answer(token_of(campaign, TARGET), campaign)
    assert invite_api(client, campaign, TARGET).json() == watched
