"""Anonymity is a property of the schema: a response row holds side, department, date and answers,
and nothing that ties it to a person, a link, a moment or a device."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from typing import Any

import pytest
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from tandem.core.models import AuditEvent, Side
from tandem.surveys import ratelimit, services
from tandem.surveys.models import Campaign, SurveyLink, SurveyResponse
from tests.conftest import Personas
from tests.surveys.conftest import invite, likert_only, make_campaign, questions_of

REMOTE_ADDR = "203.0.113.77"
USER_AGENT = "AnonymityProbe/9.9 (unmistakable)"


def raw_rows() -> list[dict[str, Any]]:
    """The response table as stored, read past the ORM."""
    table = SurveyResponse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a table name from the model)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def assert_nothing_personal(row: dict[str, Any], link: SurveyLink, token: str, personas: Personas) -> None:
    text = " ".join(str(value) for value in row.values())
    secrets = {
        "token": token,
        "token hash": hashlib.sha256(token.encode()).hexdigest(),
        "nonce": link.nonce,
        "e-mail": link.email,
        "address": REMOTE_ADDR,
        "user agent": USER_AGENT,
    }
    for what, secret in secrets.items():
        assert secret not in text, f"the response row contains the {what}"
    assert set(row) == {
        "id",
        "organization_id",
        "campaign_id",
        "side",
        "department_id",
        "submitted_on",
        "answers",
    }


@pytest.fixture
def one_question(personas: Personas) -> Campaign:
    return make_campaign(personas.owner, questions=likert_only(1))


def test_a_response_has_exactly_the_anonymous_fields() -> None:
    names = {f.name for f in SurveyResponse._meta.concrete_fields}
    assert names == {"id", "organization", "campaign", "side", "department", "submitted_on", "answers"}


def test_a_response_keeps_the_day_but_not_the_time() -> None:
    field = SurveyResponse._meta.get_field("submitted_on")
    assert isinstance(field, models.DateField)
    assert not isinstance(field, models.DateTimeField)


def test_the_stored_response_holds_no_token_hash_nonce_address_or_person(
    personas: Personas, one_question: Campaign
) -> None:
    link, token = invite(one_question, Side.IT, email=personas.it_lead.user.email)
    [q] = questions_of(one_question)
    services.response_submit(token=token, answers={q.field_name: 4})
    [row] = raw_rows()
    assert_nothing_personal(row, link, token, personas)
    assert row["side"] == Side.IT


def test_the_token_itself_is_never_stored(personas: Personas, one_question: Campaign) -> None:
    link, token = invite(one_question, Side.BUSINESS)
    stored = " ".join(
        str(v) for v in SurveyLink.objects.for_org(personas.org).filter(pk=link.pk).values().get().values()
    )
    assert token not in stored
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_a_link_relates_to_no_response_and_keeps_no_time_of_answering(
    personas: Personas, one_question: Campaign
) -> None:
    related = {
        f.name for f in SurveyLink._meta.get_fields() if f.is_relation and f.related_model is SurveyResponse
    }
    assert related == set()
    link, token = invite(one_question, Side.BUSINESS)
    before: Mapping[str, object] = SurveyLink.objects.for_org(personas.org).filter(pk=link.pk).values().get()
    [q] = questions_of(one_question)
    services.response_submit(token=token, answers={q.field_name: 2})
    after: Mapping[str, object] = SurveyLink.objects.for_org(personas.org).filter(pk=link.pk).values().get()
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"answered"}


def test_responses_are_not_ordered_by_the_order_of_answering(
    personas: Personas, one_question: Campaign
) -> None:
    [q] = questions_of(one_question)
    inserted = []
    for _ in range(25):
        _link, token = invite(one_question, Side.BUSINESS)
        inserted.append(services.response_submit(token=token, answers={q.field_name: 3}).pk)
    assert all(isinstance(pk, uuid.UUID) for pk in inserted)
    listed = list(SurveyResponse.objects.for_org(personas.org).values_list("pk", flat=True))
    assert sorted(listed) == sorted(inserted)
    assert listed != inserted  # 1 in 25! that random keys come out in insertion order


def test_submitting_writes_no_audit_event(one_question: Campaign) -> None:
    _link, token = invite(one_question, Side.IT)
    [q] = questions_of(one_question)
    before = AuditEvent.objects.unscoped().count()
    services.response_submit(token=token, answers={q.field_name: 5})
    assert AuditEvent.objects.unscoped().count() == before


def test_answering_through_the_public_page_stores_nothing_about_the_request(
    personas: Personas, one_question: Campaign
) -> None:
    ratelimit.reset()
    link, token = invite(one_question, Side.IT, email=personas.it_lead.user.email)
    [q] = questions_of(one_question)
    client = Client(REMOTE_ADDR=REMOTE_ADDR, HTTP_USER_AGENT=USER_AGENT)
    client.force_login(personas.it_lead.user)  # even a signed-in respondent leaves no trace
    before = AuditEvent.objects.unscoped().count()
    response = client.post(reverse("surveys:respond", args=[token]), {q.field_name: "4"})
    if response.status_code == 501:
        pytest.skip("the public response page is not written yet")
    assert response.status_code in (200, 302, 303)
    [row] = raw_rows()
    assert_nothing_personal(row, link, token, personas)
    assert AuditEvent.objects.unscoped().count() == before
