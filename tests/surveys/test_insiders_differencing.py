"""Attacks by people inside the organisation on survey anonymity, by subtracting figures Tandem
showed: the same campaign under two thresholds (H2), and a question against its criterion or the
criteria against the overall level (H3). Each test performs the attack through the API or the
pages, as an admin or a viewer would, and checks that it yields nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tandem.core.models import Department, Side
from tandem.surveys.models import Campaign
from tandem.surveys.services import QuestionInput
from tests.conftest import Personas, bearer, send
from tests.surveys.conftest import ORG, ClientFor, close, make_campaign, questions_of, submit

API = "/api/v1/orgs/acme"


def results(client: Client, campaign: Campaign) -> dict[str, Any]:
    response = client.get(f"{API}/surveys/{campaign.pk}/results")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def set_threshold(client: Client, threshold: int) -> None:
    response = send(client, "put", f"{API}/survey-settings", {"threshold": threshold})
    assert response.status_code == 200, response.content


def department_one(body: dict[str, Any]) -> dict[str, Any] | None:
    [question] = body["questions"]
    return next((g for g in question["departments"] if g["label"] == "Unit 1"), None)


# --- H2: two looks under two thresholds -------------------------------------------------------------


def the_issues_population(personas: Personas) -> Campaign:
    """Business 6 + 6, IT 5 + 6 and partners 1 + 2 across Unit 1 / no department; the partner in
    Unit 1 answers 1, everyone else 4 or 5."""
    unit = Department.objects.create(organization=personas.org, name="Unit 1")
    campaign = make_campaign(personas.owner, questions=[QuestionInput("likert", "Priorities are clear.")])
    [question] = questions_of(campaign)
    people = [
        (Side.BUSINESS, unit, 6),
        (Side.BUSINESS, None, 6),
        (Side.IT, unit, 5),
        (Side.IT, None, 6),
        (Side.PARTNER, None, 2),
    ]
    for side, department, count in people:
        for i in range(count):
            submit(campaign, side, department, {question.field_name: 4 + i % 2})
    submit(campaign, Side.PARTNER, unit, {question.field_name: 1})
    return campaign


def test_changing_the_threshold_does_not_change_a_closed_campaigns_figures(personas: Personas) -> None:
    admin = bearer(personas.owner)
    set_threshold(admin, 3)
    campaign = close(the_issues_population(personas))
    before = results(admin, campaign)
    set_threshold(admin, 4)
    after = results(admin, campaign)
    assert after == before
    assert after["threshold"] == 3
    # The attack: Unit 1 under the two thresholds, one count times mean minus the other.
    first, second = department_one(before), department_one(after)
    if first is not None and second is not None and not first["suppressed"]:
        assert first["n"] * first["mean"] - second["n"] * second["mean"] == 0


def test_an_export_saved_before_a_threshold_change_matches_the_results_after_it(
    personas: Personas, client_for: ClientFor
) -> None:
    set_threshold(bearer(personas.owner), 3)
    campaign = close(the_issues_population(personas))
    viewer = client_for("viewer")
    saved = viewer.get(f"{ORG}{campaign.pk}/export.csv").content
    set_threshold(bearer(personas.owner), 4)
    assert viewer.get(f"{ORG}{campaign.pk}/export.csv").content == saved
    page = viewer.get(f"{ORG}{campaign.pk}/")
    assert "fewer than 4" not in page.content.decode()


def test_a_new_threshold_applies_to_campaigns_not_yet_closed(personas: Personas) -> None:
    admin = bearer(personas.owner)
    set_threshold(admin, 3)
    closed = close(the_issues_population(personas))
    running = make_campaign(personas.owner, questions=[QuestionInput("likert", "Still open.")])
    set_threshold(admin, 6)
    closed.refresh_from_db()
    running.refresh_from_db()
    assert (closed.threshold, running.threshold) == (3, 6)
    assert results(admin, close(running))["threshold"] == 6


# --- H3: a question against its criterion, the criteria against the overall level ------------------

CRITERION = (
    QuestionInput("likert", "Priorities are clear.", criterion="Communication", required=False),
    QuestionInput("likert", "We talk often.", criterion="Communication", required=False),
    QuestionInput("likert", "Delivery is on time.", criterion="Delivery", required=False),
)


def by_key(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(item for item in items if item["key"] == key)


def test_a_skipped_question_cannot_be_worked_out_from_its_criterion(personas: Personas) -> None:
    """The issue's numbers: q1 n=6, q2 n=5, the criterion n=6; the skipper answered q1 with 2."""
    campaign = make_campaign(personas.owner, questions=CRITERION)
    q1, q2, q3 = questions_of(campaign)
    for a, b in [(1, 4), (2, 4), (3, 3), (3, 4), (2, 3)]:
        submit(campaign, Side.BUSINESS, None, {q1.field_name: a, q2.field_name: b, q3.field_name: 3})
    submit(campaign, Side.BUSINESS, None, {q1.field_name: 2, q3.field_name: 3})
    body = results(bearer(personas.viewer), close(campaign))
    first = by_key(body["questions"], q1.field_name)["overall"]
    second = by_key(body["questions"], q2.field_name)["overall"]
    criterion = by_key(body["criteria"], "criterion:Communication")["overall"]
    assert (first["n"], second["n"]) == (6, 5)
    worked_out = (
        2 * criterion["n"] * criterion["mean"] - first["n"] * first["mean"] - second["n"] * second["mean"]
    )
    assert abs(worked_out - 2.0) > 0.01  # the skipper's answer no longer follows
    # The criterion is its questions' figures and nothing more: it adds nothing to subtract.
    assert criterion["mean"] == (first["mean"] + second["mean"]) / 2
    assert criterion["distribution"] is None
    assert criterion["sd"] is None


def test_a_skipped_criterion_cannot_be_worked_out_from_the_overall_level(personas: Personas) -> None:
    campaign = make_campaign(personas.owner, questions=CRITERION)
    q1, q2, q3 = questions_of(campaign)
    for a, c in [(4, 2), (4, 3), (5, 3), (3, 2), (4, 4)]:
        submit(campaign, Side.BUSINESS, None, {q1.field_name: a, q2.field_name: a, q3.field_name: c})
    submit(campaign, Side.BUSINESS, None, {q1.field_name: 1, q2.field_name: 1})  # skips Delivery
    body = results(bearer(personas.viewer), close(campaign))
    communication = by_key(body["criteria"], "criterion:Communication")["overall"]
    delivery = by_key(body["criteria"], "criterion:Delivery")["overall"]
    overall = body["maturity"]["overall"]
    # Per respondent, the skipper's level would be their Communication answer alone (1), and
    # 2 × overall sum − Communication sum − Delivery sum would give it.
    worked_out = 2 * overall["n"] * overall["mean"] - communication["n"] * communication["mean"]
    worked_out -= delivery["n"] * delivery["mean"]
    assert abs(worked_out - 1.0) > 0.01
    assert overall["mean"] == (communication["mean"] + delivery["mean"]) / 2
