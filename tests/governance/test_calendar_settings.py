"""The organisation's working calendar: validation that names its field, closing days, the
calendar escalations count on, and the days off shown in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest
from django.test import Client
from django.utils import translation

from tandem.core.errors import ValidationFailed
from tandem.core.models import AuditEvent
from tandem.governance import selectors, services
from tests.conftest import Personas

GOOD = {
    "time_zone": "Europe/Amsterdam",
    "weekdays": [0, 1, 2, 3, 4],
    "day_start": time(8),
    "day_end": time(17),
}


def test_the_default_calendar_is_dutch_office_hours(personas: Personas) -> None:
    calendar = selectors.work_calendar(personas.org)
    assert (calendar.timezone, calendar.country, calendar.day_start, calendar.day_end) == (
        "Europe/Amsterdam",
        "NL",
        time(9),
        time(17),
    )
    assert not calendar.is_working_day(date(2026, 4, 27))  # Koningsdag


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [7]}, "weekdays"),
        ({"day_end": time(8)}, "day_end"),
        ({"country": "XX"}, "country"),
        ({"country": "NL", "subdivision": "Atlantis"}, "subdivision"),
        ({"country": "", "subdivision": "BY"}, "subdivision"),
    ],
)
def test_a_bad_calendar_names_its_field_and_changes_nothing(
    personas: Personas, change: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.calendar_update(actor=personas.admin, **{**GOOD, "country": "NL", **change})  # type: ignore[arg-type]
    assert error.value.field == field
    assert selectors.calendar_settings(personas.org).pk is None


def test_working_hours_and_closing_days_shape_the_calendar(personas: Personas) -> None:
    services.calendar_update(actor=personas.admin, **GOOD, country="be")  # type: ignore[arg-type]
    services.closing_day_add(actor=personas.admin, day="2026-12-28", name="Between the holidays")
    calendar = selectors.work_calendar(personas.org)
    assert calendar.country == "BE"
    assert calendar.day_start == time(8)
    assert not calendar.is_working_day(date(2026, 7, 21))  # Belgian National Day
    assert not calendar.is_working_day(date(2026, 12, 28))
    assert calendar.is_working_day(date(2026, 12, 29))
    with pytest.raises(ValidationFailed):
        services.closing_day_add(actor=personas.admin, day="2026-12-28")
    assert AuditEvent.objects.for_org(personas.org).filter(action="governance.calendar_changed").exists()


def test_days_off_are_named_in_the_readers_language(personas: Personas) -> None:
    services.closing_day_add(actor=personas.admin, day="2026-12-31", name="")
    with translation.override("en"):
        english = dict(selectors.days_off(personas.org, start=date(2026, 12, 1), days=31))
    with translation.override("nl"):
        dutch = dict(selectors.days_off(personas.org, start=date(2026, 12, 1), days=31))
    assert set(english) == {date(2026, 12, 25), date(2026, 12, 31)}
    assert english[date(2026, 12, 25)] != dutch[date(2026, 12, 25)]
    assert dutch[date(2026, 12, 31)] == "sluitingsdag"


def test_the_calendar_page_saves_and_refuses_with_a_422(
    personas: Personas, client_for: Callable[[str], Client]
) -> None:
    client = client_for("admin")
    page = client.get("/o/acme/work-calendar/")
    assert page.status_code == 200
    assert (
        "Koningsdag" in page.content.decode()
        or "King" in page.content.decode()
        or "Days off" in page.content.decode()
    )
    refused = client.post(
        "/o/acme/work-calendar/",
        {
            "time_zone": "Europe/Amsterdam",
            "weekdays": ["0"],
            "day_start": "17:00",
            "day_end": "09:00",
            "country": "NL",
        },
    )
    assert refused.status_code == 422
    assert "The working day must end after it starts." in refused.content.decode()
    saved = client.post(
        "/o/acme/work-calendar/",
        {
            "time_zone": "Europe/Brussels",
            "weekdays": ["0", "1", "2", "3"],
            "day_start": "08:30",
            "day_end": "16:30",
            "country": "BE",
        },
    )
    assert saved.status_code == 302
    assert selectors.work_calendar(personas.org).weekdays == frozenset({0, 1, 2, 3})


def test_the_api_reads_and_sets_the_calendar(personas: Personas) -> None:
    from tests.conftest import bearer

    client = bearer(personas.admin)
    body = {
        "time_zone": "Europe/Amsterdam",
        "weekdays": [0, 1, 2, 3, 4],
        "day_start": "09:00",
        "day_end": "18:00",
        "country": "NL",
    }
    response = client.put("/api/v1/orgs/acme/work-calendar", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["day_end"] == "18:00"
    bad = client.put(
        "/api/v1/orgs/acme/work-calendar", {**body, "day_start": "9 o'clock"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "day_start"
    assert bearer(personas.member).get("/api/v1/orgs/acme/work-calendar").status_code == 404
