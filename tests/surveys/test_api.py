"""The surveys JSON API: templates, campaigns, links, results with the anonymity threshold, settings,
the public door of a personal link (one answer, no account, rate-limited), and permissions."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core.models import AuditEvent, Department, Membership, Side
from tandem.surveys import ratelimit, selectors, services
from tandem.surveys.models import Campaign, SurveyLink, SurveyResponse, SurveyTemplate
from tests.conftest import PERSONAS, Personas, bearer, fields_of, send
from tests.url_walk import all_url_names

ACME = "/api/v1/orgs/acme"
QUESTIONS: list[dict[str, Any]] = [
    {"kind": "likert", "text": "IT understands what the business needs."},
    {"kind": "single", "text": "How often do you meet?", "choices": ["Weekly", "Monthly", "Never"]},
    {"kind": "text", "text": "What would help most?", "required": False},
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    ratelimit.reset()
    yield
    ratelimit.reset()


def today_plus(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def make_template(personas: Personas, name: str = "Pulse") -> SurveyTemplate:
    return services.template_create(actor=personas.owner, name=name, questions=QUESTIONS)


def make_campaign(
    personas: Personas, template: SurveyTemplate, recipients: Sequence[tuple[str, str]], **kwargs: Any
) -> Campaign:
    """An open campaign for e-mail addresses given as (address, side)."""
    defaults: dict[str, Any] = {
        "title": "Autumn pulse",
        "opens_on": timezone.localdate(),
        "closes_on": timezone.localdate() + timedelta(days=14),
    }
    return services.campaign_create(
        actor=personas.owner,
        template=template,
        audience="emails",
        recipients=[services.Recipient(email=e, side=s) for e, s in recipients],
        send_email=False,
        **{**defaults, **kwargs},
    )


def tokens_of(campaign: Campaign) -> dict[str, str]:
    links = SurveyLink.objects.for_org(campaign.organization).filter(campaign=campaign)
    return {link.email: selectors.link_token(link) for link in links}


def answers_for(template: SurveyTemplate, score: int = 4, text: str = "") -> dict[str, Any]:
    likert, single, free = template.questions.all()
    body: dict[str, Any] = {likert.field_name: score, single.field_name: "Weekly"}
    if text:
        body[free.field_name] = text
    return body


def answered_campaign(personas: Personas, business: list[int], it: list[int]) -> Campaign:
    """A closed campaign with one response per score given, per side."""
    template = make_template(personas)
    people = [(f"b{i}@acme.test", Side.BUSINESS) for i in range(len(business))]
    people += [(f"i{i}@acme.test", Side.IT) for i in range(len(it))]
    campaign = make_campaign(personas, template, people)
    tokens = tokens_of(campaign)
    for i, score in enumerate(business):
        services.response_submit(token=tokens[f"b{i}@acme.test"], answers=answers_for(template, score))
    for i, score in enumerate(it):
        services.response_submit(token=tokens[f"i{i}@acme.test"], answers=answers_for(template, score))
    return services.campaign_close(actor=personas.owner, campaign=campaign)


# --- Templates -----------------------------------------------------------------------------------


def test_listing_templates_gives_the_shipped_ones_first(personas: Personas, installed: None) -> None:
    make_template(personas)
    body = bearer(personas.viewer).get(f"{ACME}/survey-templates?limit=200").json()
    builtin = [t for t in body["items"] if t["builtin"]]
    assert builtin, "the shipped templates are installed"
    assert body["items"][: len(builtin)] == builtin
    own = body["items"][-1]
    assert (own["name"], own["builtin"], own["used"], own["key"]) == ("Pulse", False, False, "")
    assert [q["kind"] for q in own["questions"]] == ["likert", "single", "text"]
    first = own["questions"][0]
    assert first["field"] == f"q{first['id']}"
    assert first["scale"] == [1, 2, 3, 4, 5]
    assert own["questions"][1]["choices"] == ["Weekly", "Monthly", "Never"]
    assert body["count"] == len(builtin) + 1


def test_the_template_list_costs_the_same_queries_however_many_templates(personas: Personas) -> None:
    client = bearer(personas.member)
    client.get(f"{ACME}/survey-templates")
    make_template(personas, "One")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{ACME}/survey-templates").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    make_template(personas, "Two")
    make_template(personas, "Three")
    assert queries() == before


def test_an_admin_creates_a_template(personas: Personas) -> None:
    response = send(
        bearer(personas.admin),
        "post",
        f"{ACME}/survey-templates",
        {"name": "Quarterly pulse", "description": "Four questions", "questions": QUESTIONS},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["description"], len(body["questions"])) == (
        "Quarterly pulse",
        "Four questions",
        3,
    )
    assert body["questions"][2]["required"] is False
    assert AuditEvent.objects.for_org(personas.org).filter(action="surveys.template_created").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"questions": QUESTIONS}, "name"),
        ({"name": " ", "questions": QUESTIONS}, "name"),
        ({"name": "X", "questions": []}, "questions"),
        ({"name": "X", "questions": [{"kind": "slider", "text": "Q"}]}, "questions.0.kind"),
        (
            {"name": "X", "questions": [{"kind": "single", "text": "Q", "choices": ["Only"]}]},
            "questions.0.choices",
        ),
        (
            {"name": "X", "questions": [{"kind": "text", "text": "Q", "criterion": "Trust"}]},
            "questions.0.criterion",
        ),
        ({"name": "X", "questions": [QUESTIONS[0], {"kind": "likert", "text": ""}]}, "questions.1.text"),
    ],
)
def test_a_bad_template_is_a_422_naming_the_field(
    personas: Personas, payload: dict[str, Any], field: str
) -> None:
    response = send(bearer(personas.owner), "post", f"{ACME}/survey-templates", payload)
    assert response.status_code == 422, response.content
    assert fields_of(response) == [field]
    assert not SurveyTemplate.objects.for_org(personas.org).exists()


def test_put_replaces_a_templates_name_description_and_questions(personas: Personas) -> None:
    template = make_template(personas)
    response = send(
        bearer(personas.owner),
        "put",
        f"{ACME}/survey-templates/{template.pk}",
        {"name": "Renamed", "questions": [{"kind": "score", "text": "How likely are you to recommend IT?"}]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["description"]) == ("Renamed", "")
    assert [(q["kind"], q["scale"]) for q in body["questions"]] == [("score", list(range(11)))]
    assert template.questions.count() == 1


def test_shipped_and_used_templates_cannot_change_or_go(personas: Personas) -> None:
    services.templates_install(personas.org)
    shipped = SurveyTemplate.objects.for_org(personas.org).filter(builtin=True).first()
    assert shipped is not None
    used = make_template(personas)
    make_campaign(personas, used, [("a@acme.test", Side.IT)])
    client = bearer(personas.owner)
    body = {"name": "Mine", "questions": QUESTIONS}
    for template, words in ((shipped, "ship with Tandem"), (used, "frozen")):
        for method, data in (("put", body), ("delete", None)):
            response = send(client, method, f"{ACME}/survey-templates/{template.pk}", data)
            assert response.status_code == 409, (method, response.content)
            assert words in response.json()["detail"]
    assert SurveyTemplate.objects.for_org(personas.org).filter(pk__in=[shipped.pk, used.pk]).count() == 2


def test_an_admin_deletes_an_unused_template(personas: Personas) -> None:
    template = make_template(personas)
    response = send(bearer(personas.admin), "delete", f"{ACME}/survey-templates/{template.pk}")
    assert response.status_code == 204
    assert not SurveyTemplate.objects.for_org(personas.org).filter(pk=template.pk).exists()


def test_copying_a_shipped_template_gives_an_editable_copy(personas: Personas) -> None:
    services.templates_install(personas.org)
    shipped = SurveyTemplate.objects.for_org(personas.org).filter(builtin=True).first()
    assert shipped is not None
    response = send(bearer(personas.owner), "post", f"{ACME}/survey-templates/{shipped.pk}/copy", {})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["builtin"], body["copied_from"], body["name"]) == (
        False,
        shipped.pk,
        f"{shipped.name} (copy)",
    )
    assert len(body["questions"]) == shipped.questions.count()
    named = send(
        bearer(personas.owner), "post", f"{ACME}/survey-templates/{shipped.pk}/copy", {"name": "Ours"}
    )
    assert named.json()["name"] == "Ours"


# --- Campaigns -----------------------------------------------------------------------------------


def test_an_admin_starts_a_campaign_for_everyone(personas: Personas) -> None:
    template = make_template(personas)
    response = send(
        bearer(personas.admin),
        "post",
        f"{ACME}/surveys",
        {
            "template_id": template.pk,
            "title": "Autumn pulse",
            "opens_on": today_plus(0),
            "closes_on": today_plus(14),
            "send_email": False,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    active = Membership.objects.for_org(personas.org).filter(is_active=True).count()
    assert body["template"] == {"id": template.pk, "name": "Pulse"}
    assert (body["title"], body["audience"], body["status"]) == ("Autumn pulse", "all", "open")
    assert (body["invited"], body["responses"], body["department"], body["side"]) == (active, 0, None, None)


def test_a_campaign_for_a_department_and_for_addresses(personas: Personas) -> None:
    template = make_template(personas)
    sales = Department.objects.for_org(personas.org).get(name="Sales")
    client = bearer(personas.owner)
    base = {
        "template_id": template.pk,
        "opens_on": today_plus(1),
        "closes_on": today_plus(8),
        "send_email": False,
    }
    department = send(
        client, "post", f"{ACME}/surveys", {**base, "audience": "department", "department_id": sales.pk}
    )
    assert department.status_code == 201, department.content
    body = department.json()
    assert (body["department"], body["invited"], body["status"]) == (
        {"id": sales.pk, "name": "Sales"},
        2,
        "scheduled",
    )
    assert body["title"] == "Pulse"
    emails = send(
        client,
        "post",
        f"{ACME}/surveys",
        {
            **base,
            "audience": "emails",
            "recipients": [
                {"email": "Ext@Vendor.test", "side": "partner"},
                {"email": "ops@acme.test", "side": "it", "department_id": sales.pk},
            ],
        },
    )
    assert emails.status_code == 201, emails.content
    links = SurveyLink.objects.for_org(personas.org).filter(campaign_id=emails.json()["id"])
    assert sorted((link.email, link.side, link.department_id) for link in links) == [
        ("ext@vendor.test", "partner", None),
        ("ops@acme.test", "it", sales.pk),
    ]


def test_bad_campaigns_are_422s_naming_the_field(personas: Personas) -> None:
    template = make_template(personas)
    foreign_template = services.template_create(actor=personas.outsider, name="Globex", questions=QUESTIONS)
    foreign_department = Department.objects.create(organization=personas.other_org, name="Globex R&D")
    base = {
        "template_id": template.pk,
        "opens_on": today_plus(0),
        "closes_on": today_plus(7),
        "send_email": False,
    }
    cases = [
        ({**base, "template_id": foreign_template.pk}, "template_id"),
        ({**base, "audience": "department"}, "department_id"),
        ({**base, "audience": "department", "department_id": foreign_department.pk}, "department_id"),
        ({**base, "audience": "side"}, "side"),
        ({**base, "audience": "emails"}, "recipients"),
        (
            {**base, "audience": "emails", "recipients": [{"email": "nope", "side": "it"}]},
            "recipients.0.email",
        ),
        (
            {
                **base,
                "audience": "emails",
                "recipients": [{"email": "a@b.test", "side": "it", "department_id": foreign_department.pk}],
            },
            "recipients.0.department_id",
        ),
        ({**base, "closes_on": today_plus(-1)}, "closes_on"),
        ({**base, "opens_on": "soon"}, "opens_on"),
        ({**base, "audience": "everyone"}, "audience"),
    ]
    client = bearer(personas.owner)
    for payload, field_name in cases:
        response = send(client, "post", f"{ACME}/surveys", payload)
        assert response.status_code == 422, (payload, response.content)
        assert fields_of(response) == [field_name], payload
    assert not Campaign.objects.for_org(personas.org).exists()


def test_campaigns_are_listed_with_their_counts(personas: Personas) -> None:
    template = make_template(personas)
    first = make_campaign(personas, template, [("a@acme.test", Side.IT), ("b@acme.test", Side.BUSINESS)])
    services.response_submit(token=tokens_of(first)["a@acme.test"], answers=answers_for(template))
    make_campaign(
        personas,
        template,
        [("c@acme.test", Side.IT)],
        title="Later",
        opens_on=timezone.localdate() + timedelta(days=3),
    )
    body = bearer(personas.member).get(f"{ACME}/surveys").json()
    assert body["count"] == 2
    assert [(c["title"], c["status"], c["invited"], c["responses"]) for c in body["items"]] == [
        ("Later", "scheduled", 1, 0),
        ("Autumn pulse", "open", 2, 1),
    ]
    detail = bearer(personas.viewer).get(f"{ACME}/surveys/{first.pk}").json()
    assert (detail["id"], detail["invited"], detail["responses"]) == (first.pk, 2, 1)


def test_the_campaign_list_costs_the_same_queries_however_many_campaigns(personas: Personas) -> None:
    template = make_template(personas)
    client = bearer(personas.member)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{ACME}/surveys").status_code == 200
        return len(ctx.captured_queries)

    make_campaign(personas, template, [("a@acme.test", Side.IT)])
    queries()  # the token's first use is recorded once
    before = queries()
    make_campaign(personas, template, [("b@acme.test", Side.IT)])
    make_campaign(personas, template, [("c@acme.test", Side.IT)])
    assert queries() == before


def test_a_campaign_is_renamed_moved_and_closed(personas: Personas) -> None:
    campaign = make_campaign(personas, make_template(personas), [("a@acme.test", Side.IT)])
    client = bearer(personas.admin)
    url = f"{ACME}/surveys/{campaign.pk}"
    response = send(client, "patch", url, {"title": "Winter pulse"})
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["closes_on"]) == (
        "Winter pulse",
        campaign.closes_on.isoformat(),
    )
    response = send(client, "patch", url, {"closes_on": today_plus(30)})
    assert (response.json()["title"], response.json()["closes_on"]) == ("Winter pulse", today_plus(30))
    assert fields_of(send(client, "patch", url, {"closes_on": today_plus(-400)})) == ["closes_on"]
    closed = send(client, "post", url + "/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] is not None
    assert send(client, "post", url + "/close").status_code == 409
    assert send(client, "patch", url, {"title": "Too late"}).status_code == 409


# --- Invitations ---------------------------------------------------------------------------------


def test_invitations_give_absolute_personal_links(personas: Personas) -> None:
    campaign = make_campaign(personas, make_template(personas), [("first@acme.test", Side.IT)])
    client = bearer(personas.owner)
    url = f"{ACME}/surveys/{campaign.pk}/invitations"
    payload = {
        "members": [personas.it_lead.pk],
        "recipients": [
            {"email": "first@acme.test", "side": "business"},
            {"email": "new@acme.test", "side": "business"},
        ],
        "send_email": False,
    }
    response = send(client, "post", url, payload)
    assert response.status_code == 201, response.content
    links = response.json()["links"]
    # first@ was invited when the campaign started without e-mail: its link is handed out now.
    assert [(x["email"], x["side"], x["delivery"]) for x in links] == [
        ("first@acme.test", "it", "hand"),
        ("itlead@acme.test", "it", "hand"),
        ("new@acme.test", "business", "hand"),
    ]
    for link in links:
        assert link["url"] == f"http://testserver/s/{link['token']}/"
        assert selectors.link_from_token(link["token"]).email == link["email"]
    again = send(client, "post", url, payload).json()["links"]
    assert [(x["delivery"], x["url"], x["token"]) for x in again] == [("earlier", None, None)] * 3


def test_invitations_refuse_people_outside_the_organisation(personas: Personas) -> None:
    campaign = make_campaign(personas, make_template(personas), [("first@acme.test", Side.IT)])
    url = f"{ACME}/surveys/{campaign.pk}/invitations"
    response = send(
        bearer(personas.owner), "post", url, {"members": [personas.member.pk, personas.outsider.pk]}
    )
    assert response.status_code == 422
    assert fields_of(response) == ["members.1"]
    assert str(personas.outsider.pk) in response.json()["detail"]
    assert SurveyLink.objects.for_org(personas.org).filter(campaign=campaign).count() == 1


def test_a_closed_campaign_takes_no_invitations(personas: Personas) -> None:
    campaign = make_campaign(personas, make_template(personas), [("first@acme.test", Side.IT)])
    services.campaign_close(actor=personas.owner, campaign=campaign)
    response = send(
        bearer(personas.owner),
        "post",
        f"{ACME}/surveys/{campaign.pk}/invitations",
        {"members": [personas.member.pk]},
    )
    assert response.status_code == 409


# --- Results -------------------------------------------------------------------------------------


def test_an_open_campaign_has_no_results_yet(personas: Personas) -> None:
    campaign = make_campaign(personas, make_template(personas), [("a@acme.test", Side.IT)])
    body = bearer(personas.member).get(f"{ACME}/surveys/{campaign.pk}/results").json()
    assert body["available"] is False
    assert "closes" in body["reason"]
    assert (body["questions"], body["criteria"], body["maturity"], body["counts"]) == ([], [], None, [])


def test_a_side_under_the_threshold_is_suppressed_with_no_numbers(personas: Personas) -> None:
    campaign = answered_campaign(personas, business=[4, 4, 5, 3, 4, 2], it=[1, 2])
    body = bearer(personas.member).get(f"{ACME}/surveys/{campaign.pk}/results").json()
    assert (body["available"], body["threshold"], body["responses"], body["invited"]) == (True, 5, 8, 8)
    likert = body["questions"][0]
    assert likert["sides"]["it"] == {
        "key": "it",
        "label": "IT",
        "suppressed": True,
        "n": None,
        "mean": None,
        "sd": None,
        "distribution": None,
    }
    business = likert["sides"]["business"]
    expected = selectors.campaign_results(campaign).items[0].side(Side.BUSINESS)
    assert expected is not None
    assert (business["suppressed"], business["n"], business["mean"]) == (False, 6, expected.mean)
    assert [(d["value"], d["count"]) for d in business["distribution"]] == [
        ("1", 0),
        ("2", 1),
        ("3", 1),
        ("4", 3),
        ("5", 1),
    ]
    # IT is left out of everything, the total included, so it cannot be worked out by difference.
    assert likert["excluded_sides"] == ["it"]
    assert likert["overall"]["n"] == 6
    assert (likert["gap"], likert["effect_size"], likert["p_value"]) == (None, None, None)
    assert "1.5" not in str(likert["sides"]["it"])


def test_results_compare_the_sides_when_both_are_shown(personas: Personas) -> None:
    campaign = answered_campaign(personas, business=[4, 4, 5, 4, 5], it=[2, 1, 2, 3, 2])
    body = bearer(personas.viewer).get(f"{ACME}/surveys/{campaign.pk}/results").json()
    likert, single, free = body["questions"]
    computed = selectors.campaign_results(campaign).items[0]
    assert computed.comparison is not None
    assert likert["gap"] == pytest.approx(computed.comparison.gap)
    assert likert["effect_size"] == pytest.approx(computed.comparison.rank_biserial)
    assert (likert["u"], likert["p_value"], likert["effect"]) == (
        computed.comparison.u,
        computed.comparison.p_value,
        computed.comparison.effect,
    )
    assert likert["gap"] < 0
    assert likert["kind"] == "likert"
    assert likert["texts"] is None
    assert single["overall"]["distribution"] == [
        {"value": "Weekly", "count": 10},
        {"value": "Monthly", "count": 0},
        {"value": "Never", "count": 0},
    ]
    assert single["overall"]["mean"] is None
    assert free["overall"]["suppressed"] is True  # nobody wrote anything
    assert [c["key"] for c in body["counts"]] == ["all", "business", "it"]


def test_results_are_suppressed_entirely_under_the_threshold(personas: Personas) -> None:
    campaign = answered_campaign(personas, business=[4, 4], it=[2])
    body = bearer(personas.member).get(f"{ACME}/surveys/{campaign.pk}/results").json()
    assert body["available"] is False
    assert "Fewer than 5" in body["reason"]
    assert body["questions"] == []


# --- Settings ------------------------------------------------------------------------------------


def test_survey_settings_are_read_by_members_and_changed_by_admins(personas: Personas) -> None:
    assert bearer(personas.member).get(f"{ACME}/survey-settings").json() == {"threshold": 5}
    admin = bearer(personas.admin)
    response = send(admin, "put", f"{ACME}/survey-settings", {"threshold": 7})
    assert (response.status_code, response.json()) == (200, {"threshold": 7})
    assert selectors.settings_for(personas.org).threshold == 7
    for bad in (2, 51):
        response = send(admin, "put", f"{ACME}/survey-settings", {"threshold": bad})
        assert (response.status_code, fields_of(response)) == (422, ["threshold"])
    assert (
        send(bearer(personas.member), "put", f"{ACME}/survey-settings", {"threshold": 9}).status_code == 404
    )


# --- The public door -----------------------------------------------------------------------------


def public_url(token: str) -> str:
    return f"/api/v1/responses/{token}"


def test_a_personal_link_shows_the_survey_without_an_account(personas: Personas) -> None:
    template = make_template(personas)
    campaign = make_campaign(personas, template, [("secret.person@acme.test", Side.IT)])
    token = tokens_of(campaign)["secret.person@acme.test"]
    response = Client().get(public_url(token))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["campaign"], body["organization"], body["status"], body["answered"], body["threshold"]) == (
        "Autumn pulse",
        "Acme Insurance",
        "open",
        False,
        5,
    )
    assert body["closes_on"] == campaign.closes_on.isoformat()
    likert, single, free = template.questions.all()
    assert [q["field"] for q in body["questions"]] == [likert.field_name, single.field_name, free.field_name]
    assert body["questions"][0]["scale"] == [1, 2, 3, 4, 5]
    assert body["questions"][1]["choices"] == ["Weekly", "Monthly", "Never"]
    assert body["questions"][2]["required"] is False
    assert "secret.person" not in response.content.decode()
    assert Client().get(public_url("not-a-token")).status_code == 404


def test_a_personal_link_answers_once(personas: Personas) -> None:
    template = make_template(personas)
    campaign = make_campaign(personas, template, [("secret.person@acme.test", Side.IT)])
    token = tokens_of(campaign)["secret.person@acme.test"]
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF token: the link is enough
    response = send(client, "post", public_url(token), {"answers": answers_for(template, 2, "More time")})
    assert response.status_code == 201, response.content
    assert response.json() == {"detail": "Thank you. Your answers were recorded anonymously."}
    stored = SurveyResponse.objects.for_org(personas.org).get()
    likert, single, free = template.questions.all()
    assert (stored.side, stored.campaign_id) == ("it", campaign.pk)
    assert stored.answers == {str(likert.pk): 2, str(single.pk): "Weekly", str(free.pk): "More time"}
    again = send(client, "post", public_url(token), {"answers": answers_for(template, 5)})
    assert again.status_code == 409
    assert again.json()["code"] == "answered"
    assert SurveyResponse.objects.for_org(personas.org).count() == 1
    assert client.get(public_url(token)).json()["answered"] is True


def test_a_closed_or_scheduled_survey_takes_no_answers(personas: Personas) -> None:
    template = make_template(personas)
    closed = make_campaign(personas, template, [("a@acme.test", Side.IT)])
    services.campaign_close(actor=personas.owner, campaign=closed)
    later = make_campaign(
        personas, template, [("b@acme.test", Side.IT)], opens_on=timezone.localdate() + timedelta(days=2)
    )
    for campaign, email, code in ((closed, "a@acme.test", "closed"), (later, "b@acme.test", "not_open")):
        response = send(
            Client(), "post", public_url(tokens_of(campaign)[email]), {"answers": answers_for(template)}
        )
        assert response.status_code == 409
        assert response.json()["code"] == code
    assert not SurveyResponse.objects.for_org(personas.org).exists()
    assert send(Client(), "post", public_url("unknown"), {"answers": {}}).status_code == 404


def test_bad_answers_are_a_422_per_question(personas: Personas) -> None:
    template = make_template(personas)
    campaign = make_campaign(personas, template, [("a@acme.test", Side.IT)])
    token = tokens_of(campaign)["a@acme.test"]
    likert, single, _free = template.questions.all()
    response = send(Client(), "post", public_url(token), {"answers": {likert.field_name: 9, "q0": "x"}})
    assert response.status_code == 422
    assert sorted(fields_of(response)) == sorted(["q0", likert.field_name, single.field_name])
    assert send(Client(), "post", public_url(token), {"answers": "all good"}).status_code == 422
    assert not SurveyResponse.objects.for_org(personas.org).exists()
    assert not SurveyLink.objects.for_org(personas.org).get().answered


def test_a_link_is_rate_limited(personas: Personas, settings: Any) -> None:
    settings.SURVEY_RATE_PER_LINK = 2
    template = make_template(personas)
    campaign = make_campaign(personas, template, [("a@acme.test", Side.IT)])
    token = tokens_of(campaign)["a@acme.test"]
    statuses = [
        send(Client(), "post", public_url(token), {"answers": answers_for(template)}).status_code
        for _ in range(2)
    ]
    assert statuses == [201, 409]
    response = send(Client(), "post", public_url(token), {"answers": answers_for(template)})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Wait a minute" in response.json()["detail"]


# --- Permissions ---------------------------------------------------------------------------------


ADMINS = {"owner", "admin"}
READERS = ADMINS | {"business_lead", "it_lead", "member", "viewer"}
EVERYONE = set(PERSONAS)


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    method: str
    path: str  # formatted with ``world``
    allowed: set[str]
    ok: int = 200
    data: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    anonymous: int = 401


@pytest.fixture
def world(personas: Personas) -> dict[str, Any]:
    """One of each object a surveys endpoint can point at, in Acme."""
    template = make_template(personas)
    spare = make_template(personas, "Spare")
    campaign = make_campaign(personas, template, [("a@acme.test", Side.IT)])
    return {
        "template": spare.pk,
        "used_template": template.pk,
        "campaign": campaign.pk,
        "token": tokens_of(campaign)["a@acme.test"],
        "answers": answers_for(template),
    }


CAMPAIGN = ACME + "/surveys/{campaign}"
TEMPLATE = ACME + "/survey-templates/{template}"
# Every surveys endpoint, and who may use it; everyone else gets 404 (anonymous callers 401).
API_MATRIX = [
    Row("api:survey_template_list", "get", ACME + "/survey-templates", READERS),
    Row(
        "api:survey_template_create",
        "post",
        ACME + "/survey-templates",
        ADMINS,
        201,
        lambda w: {"name": "New", "questions": QUESTIONS},
    ),
    Row("api:survey_template_detail", "get", TEMPLATE, READERS),
    Row(
        "api:survey_template_update",
        "put",
        TEMPLATE,
        ADMINS,
        data=lambda w: {"name": "Renamed", "questions": QUESTIONS},
    ),
    Row("api:survey_template_delete", "delete", TEMPLATE, ADMINS, 204),
    Row("api:survey_template_copy", "post", TEMPLATE + "/copy", ADMINS, 201, lambda w: {}),
    Row("api:survey_list", "get", ACME + "/surveys", READERS),
    Row(
        "api:survey_create",
        "post",
        ACME + "/surveys",
        ADMINS,
        201,
        lambda w: {
            "template_id": w["used_template"],
            "opens_on": today_plus(0),
            "closes_on": today_plus(7),
            "send_email": False,
        },
    ),
    Row("api:survey_detail", "get", CAMPAIGN, READERS),
    Row("api:survey_update", "patch", CAMPAIGN, ADMINS, data=lambda w: {"title": "Renamed"}),
    Row("api:survey_close", "post", CAMPAIGN + "/close", ADMINS),
    Row(
        "api:survey_invite",
        "post",
        CAMPAIGN + "/invitations",
        ADMINS,
        201,
        lambda w: {"recipients": [{"email": "new@acme.test", "side": "it"}], "send_email": False},
    ),
    Row("api:survey_results", "get", CAMPAIGN + "/results", READERS),
    Row("api:survey_settings", "get", ACME + "/survey-settings", READERS),
    Row(
        "api:survey_settings_update",
        "put",
        ACME + "/survey-settings",
        ADMINS,
        data=lambda w: {"threshold": 6},
    ),
    # The public door: the token is the credential, whoever (if anyone) is signed in.
    Row("api:survey_response_form", "get", "/api/v1/responses/{token}", EVERYONE, anonymous=200),
    Row(
        "api:survey_response_submit",
        "post",
        "/api/v1/responses/{token}",
        EVERYONE,
        201,
        lambda w: {"answers": w["answers"]},
        anonymous=201,
    ),
]


def test_the_matrix_covers_every_surveys_endpoint() -> None:
    names = {name for name in all_url_names() if name.startswith("api:survey")}
    assert names == {row.name for row in API_MATRIX}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", API_MATRIX, ids=lambda r: f"{r.method}-{r.name}")
def test_api_permission_matrix(
    world: dict[str, Any], client_for: Callable[[str], Client], row: Row, persona: str
) -> None:
    data = row.data(world) if row.data else None
    response = send(client_for(persona), row.method, row.path.format(**world), data)
    wanted = row.anonymous if persona == "anonymous" else row.ok if persona in row.allowed else 404
    assert response.status_code == wanted, (persona, response.content[:300])


@pytest.mark.parametrize("persona", ["partner", "outsider"])
def test_partners_and_outsiders_see_no_survey(
    personas: Personas, world: dict[str, Any], persona: str
) -> None:
    client = bearer(getattr(personas, persona))
    for url in (
        f"{ACME}/surveys",
        f"{ACME}/surveys/{world['campaign']}",
        f"{ACME}/surveys/{world['campaign']}/results",
        f"{ACME}/survey-templates",
        f"{ACME}/survey-templates/{world['template']}",
        f"{ACME}/survey-settings",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Autumn pulse" not in response.content.decode()


def test_another_organisations_objects_do_not_exist_here(personas: Personas, world: dict[str, Any]) -> None:
    foreign = services.template_create(actor=personas.outsider, name="Globex", questions=QUESTIONS)
    client = bearer(personas.owner)
    assert client.get(f"{ACME}/survey-templates/{foreign.pk}").status_code == 404
    assert client.get(f"/api/v1/orgs/globex/surveys/{world['campaign']}").status_code == 404
    globex = bearer(personas.outsider)
    assert globex.get(f"/api/v1/orgs/globex/surveys/{world['campaign']}").status_code == 404
    assert globex.get(f"/api/v1/orgs/globex/survey-templates/{world['template']}").status_code == 404


def test_every_endpoint_is_described_in_the_openapi_document() -> None:
    from tandem.config.api import api

    schema = api.get_openapi_schema()
    operations = [
        op
        for path, item in schema["paths"].items()
        for op in item.values()
        if "surveys" in op.get("tags", [])
    ]
    assert len(operations) == len(API_MATRIX)
    for op in operations:
        assert op.get("summary"), op["operationId"]
        assert op.get("description"), op["operationId"]
    public = [
        op
        for op in operations
        if op["operationId"].endswith(("survey_response_form", "survey_response_submit"))
    ]
    assert len(public) == 2
    assert all("security" not in op for op in public)


def test_a_campaign_closed_through_the_api_queues_the_grouping_of_its_free_text(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    campaign = make_campaign(personas, make_template(personas), [("b0@acme.test", Side.BUSINESS)])
    with django_capture_on_commit_callbacks(execute=True):
        response = send(bearer(personas.admin), "post", f"{ACME}/surveys/{campaign.pk}/close")
    assert response.status_code == 200
    jobs = DBTaskResult.objects.filter(task_path__endswith="analyse_texts")
    assert [(job.args_kwargs["kwargs"], job.task.run_after) for job in jobs] == [
        ({"campaign_id": campaign.pk}, None)
    ]
