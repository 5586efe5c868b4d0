"""Dates and numbers in the reader's language: "22 Mar 2027" and 1,234.5 in English, "22 mrt 2027"
and 1.234,5 in Dutch, on the pages and in the charts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from tandem.core.numbers import number
from tandem.core.validation import shown
from tandem.strategy import services as strategy
from tests.conftest import Personas


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["1,200", "3.9", "4", "1,234,567.5", "65,000", "-0.25", "22 Mar 2027", "22 Mar 2027 14:05"]),
        ("nl", ["1.200", "3,9", "4", "1.234.567,5", "65.000", "-0,25", "22 mrt 2027", "22 mrt 2027 14:05"]),
    ],
)
def test_numbers_and_dates_follow_the_language(language: str, expected: list[str]) -> None:
    with translation.override(language):
        figures = [
            number(1200.0),
            number(3.9),
            number(3.999),
            number(1234567.5),
            number(Decimal("65000")),
            number(-0.25),
        ]
        day = shown(date(2027, 3, 22))
        moment = Template('{% load tz %}{{ when|utc|date:"DATETIME_FORMAT" }}').render(
            Context({"when": datetime(2027, 3, 22, 14, 5, tzinfo=UTC)})
        )
    assert [*figures, day, moment] == expected


def test_an_initiatives_budget_and_dates_read_dutch_on_a_dutch_page(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    initiative = strategy.initiative_create(actor=personas.owner, title="Klantportaal")
    strategy.initiative_update(
        actor=personas.owner,
        initiative=initiative,
        budget_amount=Decimal("1234567"),
        budget_currency="EUR",
        target_date=date(2027, 3, 22),
    )
    dutch = (
        client_for("owner")
        .get(f"/o/acme/initiatives/{initiative.pk}/", HTTP_ACCEPT_LANGUAGE="nl")
        .content.decode()
    )
    assert "EUR 1.234.567" in dutch
    assert "22 mrt 2027" in dutch
    # The first step of the timeline, written by Tandem into the data, reads Dutch too.
    with translation.override("nl"):
        created = translation.gettext("Created")
    assert created != "Created"
    assert created in dutch
    english = (
        client_for("owner")
        .get(f"/o/acme/initiatives/{initiative.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "EUR 1,234,567" in english
    assert "22 Mar 2027" in english
