"""An operator who reads the database cannot recover the order in which survey answers came in
(M3): set next to an access log with times, that order would tie people to their answers.

SQLite keeps the responses in a table WITHOUT ROWID, stored by their random keys; PostgreSQL's
responses are rewritten in key order while a campaign takes answers (``tasks.responses_shuffle``).
Each test reads the table as an operator would, with plain SQL."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.utils import OperationalError

from tandem.surveys.models import Campaign, SurveyResponse
from tandem.surveys.services import QuestionInput
from tandem.surveys.tasks import responses_shuffle
from tests.conftest import Personas
from tests.surveys.conftest import make_campaign, questions_of, submit

TABLE = "surveys_surveyresponse"


def answered_in_order(personas: Personas, count: int = 8) -> tuple[Campaign, list[int]]:
    """A campaign answered ``count`` times, each answer its position in time (1, 2, 3, …)."""
    campaign = make_campaign(personas.owner, questions=[QuestionInput("score", "How are we doing?")])
    [question] = questions_of(campaign)
    for position in range(count):
        submit(campaign, "it", None, {question.field_name: position})
    return campaign, list(range(count))


def stored_order(campaign: Campaign, extra: str = "") -> list[int]:
    """The answers as the table holds them, read without any ORDER BY."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT answers{extra} FROM {TABLE} WHERE campaign_id = %s", [campaign.pk])  # noqa: S608
        rows = cursor.fetchall()
    key = str(questions_of(campaign)[0].pk)
    return [(row[0] if isinstance(row[0], dict) else json.loads(row[0]))[key] for row in rows]


def key_order(campaign: Campaign) -> list[int]:
    key = str(questions_of(campaign)[0].pk)
    return [
        r.answers[key]
        for r in SurveyResponse.objects.for_org(campaign.organization)
        .filter(campaign=campaign)
        .order_by("id")
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's hidden row numbers")
def test_sqlite_keeps_no_row_number_that_follows_the_order_of_answering(personas: Personas) -> None:
    campaign, _positions = answered_in_order(personas)
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, * FROM {TABLE}")  # noqa: S608
    assert stored_order(campaign) == key_order(campaign)  # by random key, not by time


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's table definitions")
def test_the_response_table_is_still_without_rowid_after_every_migration(db: None) -> None:
    """Django rebuilds a table without WITHOUT ROWID when a migration alters it: a later migration
    of this table must keep it (see surveys/migrations/0004)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        (sql,) = cursor.fetchone()
    assert sql.rstrip().upper().endswith("WITHOUT ROWID")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's heap order")
def test_postgresql_rewrites_the_responses_in_key_order(personas: Personas) -> None:
    campaign, positions = answered_in_order(personas)
    assert stored_order(campaign) == positions  # the heap keeps the order of answering until…
    assert responses_shuffle.call(campaign_id=campaign.pk) == len(positions)
    assert stored_order(campaign) == key_order(campaign)  # …the rewrite puts it in key order
    with connection.cursor() as cursor:
        sql = f"SELECT count(DISTINCT xmin::text) FROM {TABLE} WHERE campaign_id = %s"  # noqa: S608
        cursor.execute(sql, [campaign.pk])
        (transactions,) = cursor.fetchone()
    assert transactions == 1  # one transaction number for all: no order in it either


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's heap order")
def test_postgresql_keeps_rewriting_while_the_campaign_takes_answers(personas: Personas) -> None:
    from django_tasks_db.models import DBTaskResult

    campaign, _positions = answered_in_order(personas, count=3)
    responses_shuffle.call(campaign_id=campaign.pk)
    queued = DBTaskResult.objects.filter(task_path=responses_shuffle.module_path)
    assert queued.filter(args_kwargs__kwargs__campaign_id=campaign.pk).exists()
