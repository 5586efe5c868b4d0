"""Services, their service levels and monthly measurements, with frozen time: what is accepted,
what is refused, and the compliance per month, computed by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from tandem.core.errors import ValidationFailed
from tandem.core.models import AuditEvent
from tandem.governance import selectors, services
from tandem.governance.models import Incident, Measurement, Service, ServiceLevel, ServiceMetric
from tandem.governance.scorecard import Tally
from tests.conftest import Personas
from tests.governance.conftest import Parties

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # a Monday


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    """Today is 7 December 2026 wherever the code asks the time itself (past months, today)."""
    with mock.patch("django.utils.timezone.now", return_value=TODAY):
        yield


@pytest.fixture
def service(personas: Personas, parties: Parties) -> Service:
    return services.service_create(
        actor=personas.owner, party=parties.vendor, name="ERP hosting", availability_target="99,9"
    )


@pytest.fixture
def reopened(personas: Personas, service: Service) -> ServiceMetric:
    """A measure where lower is better: tickets reopened, at most 5 a month."""
    return services.metric_add(
        actor=personas.owner, service=service, name="Tickets reopened", target=5, higher_is_better=False
    )


# --- Service levels ---------------------------------------------------------------------------------


def test_a_service_level_takes_working_hours_with_a_decimal_comma(
    personas: Personas, service: Service
) -> None:
    level = services.service_level_set(
        actor=personas.owner, service=service, priority="p2", acknowledge_hours="4,5", resolve_hours="16"
    )
    assert (level.acknowledge_hours, level.resolve_hours) == (Decimal("4.50"), Decimal("16.00"))
    assert service.availability_target == Decimal("99.9")
    # Set again, it replaces the agreement: still one level for P2.
    services.service_level_set(
        actor=personas.owner, service=service, priority="p2", acknowledge_hours=2, resolve_hours=2
    )
    [row] = ServiceLevel.objects.for_org(personas.org).filter(service=service)
    assert (row.priority, row.acknowledge_hours, row.resolve_hours) == (
        "p2",
        Decimal("2.00"),
        Decimal("2.00"),
    )
    assert AuditEvent.objects.for_org(personas.org).filter(action="governance.service_level_set").count() == 2


@pytest.mark.parametrize(
    ("priority", "acknowledge", "resolve", "field"),
    [
        ("p1", 4, 2, "resolve_hours"),  # resolving faster than acknowledging
        ("p1", "0.1", 8, "acknowledge_hours"),  # under a quarter of an hour
        ("p1", 0, 8, "acknowledge_hours"),
        ("p1", -1, 8, "acknowledge_hours"),
        ("p1", 1, 2001, "resolve_hours"),  # more than 2000 hours
        ("p1", "one", 8, "acknowledge_hours"),
        ("p1", "", 8, "acknowledge_hours"),
        ("p1", 1, "NaN", "resolve_hours"),
        ("p1", 1, "Infinity", "resolve_hours"),
        ("p7", 1, 8, "priority"),
    ],
)
def test_a_bad_service_level_names_its_field_and_saves_nothing(
    personas: Personas, service: Service, priority: str, acknowledge: Any, resolve: Any, field: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.service_level_set(
            actor=personas.owner,
            service=service,
            priority=priority,
            acknowledge_hours=acknowledge,
            resolve_hours=resolve,
        )
    assert error.value.field == field
    assert not ServiceLevel.objects.for_org(personas.org).exists()


def test_the_edges_of_the_hours_are_accepted(personas: Personas, service: Service) -> None:
    level = services.service_level_set(
        actor=personas.owner, service=service, priority="p4", acknowledge_hours="0.25", resolve_hours=2000
    )
    assert (level.acknowledge_hours, level.resolve_hours) == (Decimal("0.25"), Decimal("2000.00"))


# --- Measurements -------------------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2026-09", " 2026-09 ", "2026-09-01", "2026-09-30", date(2026, 9, 14)])
def test_a_measurement_is_for_a_month(personas: Personas, service: Service, period: Any) -> None:
    row = services.measurement_record(actor=personas.owner, service=service, period=period, value="99,95")
    assert (row.period, row.value, row.metric) == (date(2026, 9, 1), Decimal("99.95"), None)


def test_the_current_month_may_be_measured_but_not_a_future_one(personas: Personas, service: Service) -> None:
    row = services.measurement_record(actor=personas.owner, service=service, period="2026-12", value=99)
    assert row.period == date(2026, 12, 1)
    for month in ("2027-01", "2027-01-01", "2030-05"):
        with pytest.raises(ValidationFailed) as error:
            services.measurement_record(actor=personas.owner, service=service, period=month, value=99)
        assert error.value.field == "period"


@pytest.mark.parametrize("period", ["", "2026-13", "September", "2026/09", "2026-9"])
def test_an_unreadable_month_is_refused(personas: Personas, service: Service, period: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.measurement_record(actor=personas.owner, service=service, period=period, value=99)
    assert error.value.field == "period"


def test_availability_needs_a_target_and_a_percentage(
    personas: Personas, parties: Parties, service: Service
) -> None:
    bare = services.service_create(actor=personas.owner, party=parties.vendor, name="File share")
    with pytest.raises(ValidationFailed) as error:
        services.measurement_record(actor=personas.owner, service=bare, period="2026-09", value=99)
    assert error.value.field == "metric"
    for value in ("100.5", "-1", "", "up"):
        with pytest.raises(ValidationFailed) as error:
            services.measurement_record(actor=personas.owner, service=service, period="2026-09", value=value)
        assert error.value.field == "value"
    assert not Measurement.objects.for_org(personas.org).exists()


def test_a_measure_of_another_service_is_refused(
    personas: Personas, parties: Parties, service: Service, reopened: ServiceMetric
) -> None:
    other = services.service_create(actor=personas.owner, party=parties.vendor, name="File share")
    with pytest.raises(ValidationFailed) as error:
        services.measurement_record(
            actor=personas.owner, service=other, metric=reopened, period="2026-09", value=1
        )
    assert error.value.field == "metric"


def test_a_second_value_for_the_same_month_replaces_the_first(
    personas: Personas, service: Service, reopened: ServiceMetric
) -> None:
    first = services.measurement_record(actor=personas.owner, service=service, period="2026-09", value=99.5)
    services.measurement_record(
        actor=personas.owner, service=service, metric=reopened, period="2026-09", value=3
    )
    again = services.measurement_record(
        actor=personas.owner, service=service, period="2026-09-15", value="99,99", note="Corrected"
    )
    assert again.pk == first.pk
    rows = Measurement.objects.for_org(personas.org).filter(service=service)
    # Availability (no metric) first, whichever way the database sorts an empty value.
    found = sorted(
        ((r.metric_id, r.period, r.value, r.note) for r in rows), key=lambda r: (r[0] is not None, r[0] or 0)
    )
    assert found == [
        (None, date(2026, 9, 1), Decimal("99.990"), "Corrected"),
        (reopened.pk, date(2026, 9, 1), Decimal("3.000"), ""),
    ]


def test_an_import_records_every_row(personas: Personas, service: Service, reopened: ServiceMetric) -> None:
    services.measurement_record(actor=personas.owner, service=service, period="2026-08", value=90)
    rows = [
        {"month": "2026-08", "measure": "", "value": "99,95"},  # replaces the 90
        {"month": "2026-09", "measure": "Availability", "value": "99.5", "note": "Outage"},
        {"month": "2026-09", "measure": "beschikbaarheid", "value": "99.6"},  # the same month again
        {"month": "2026-09-01", "measure": "TICKETS REOPENED", "value": "7"},
    ]
    assert services.measurements_import(actor=personas.owner, service=service, rows=rows) == 4
    found = {
        (m.metric_id, m.period): (m.value, m.note)
        for m in Measurement.objects.for_org(personas.org).filter(service=service)
    }
    assert found == {
        (None, date(2026, 8, 1)): (Decimal("99.950"), ""),
        (None, date(2026, 9, 1)): (Decimal("99.600"), ""),
        (reopened.pk, date(2026, 9, 1)): (Decimal("7.000"), ""),
    }
    [record] = AuditEvent.objects.for_org(personas.org).filter(action="governance.measurements_imported")
    assert record.data == {"rows": 4}


@pytest.mark.parametrize(
    ("bad", "row"),
    [
        ({"month": "2026-13", "measure": "", "value": "99"}, 4),
        ({"month": "2027-02", "measure": "", "value": "99"}, 4),
        ({"month": "2026-09", "measure": "Latency", "value": "99"}, 4),
        ({"month": "2026-09", "measure": "", "value": "101"}, 4),
        ({"month": "2026-09", "measure": "Tickets reopened", "value": "many"}, 4),
        ({"month": "", "measure": "", "value": "99"}, 4),
    ],
)
def test_an_import_with_one_bad_row_saves_nothing_and_names_the_row(
    personas: Personas, service: Service, reopened: ServiceMetric, bad: dict[str, str], row: int
) -> None:
    rows = [
        {"month": "2026-08", "measure": "", "value": "99.95"},
        {"month": "2026-08", "measure": "Tickets reopened", "value": "2"},
        bad,
        {"month": "2026-10", "measure": "", "value": "99.95"},
    ]
    with pytest.raises(ValidationFailed) as error:
        services.measurements_import(actor=personas.owner, service=service, rows=rows)
    assert error.value.field == "file"
    assert error.value.message.startswith(f"Row {row}: ")
    assert not Measurement.objects.for_org(personas.org).exists()


def test_an_import_of_too_many_rows_is_refused(personas: Personas, service: Service) -> None:
    rows = [{"month": "2026-09", "measure": "", "value": "99"}] * (services.MAX_IMPORT_ROWS + 1)
    with pytest.raises(ValidationFailed) as error:
        services.measurements_import(actor=personas.owner, service=service, rows=rows)
    assert error.value.field == "file"


# --- Compliance per month, by hand -----------------------------------------------------------------


def incident(
    personas: Personas,
    service: Service,
    priority: str,
    raised: str,
    acknowledged: str | None,
    resolved: str | None,
) -> Incident:
    found = services.incident_raise(
        actor=personas.member,
        title=f"{priority} {raised}",
        priority=priority,
        service=service,
        now=at(raised),
    )
    if acknowledged:
        services.incident_acknowledge(actor=personas.partner, incident=found, now=at(acknowledged))
    if resolved:
        services.incident_resolve(
            actor=personas.partner, incident=found, resolution="Fixed", now=at(resolved)
        )
    return found


def test_compliance_counts_each_agreed_target_per_month(
    personas: Personas, service: Service, reopened: ServiceMetric
) -> None:
    for priority, acknowledge, resolve in (("p1", 1, 8), ("p2", 4, 16)):
        services.service_level_set(
            actor=personas.owner,
            service=service,
            priority=priority,
            acknowledge_hours=acknowledge,
            resolve_hours=resolve,
        )
    record = services.measurement_record
    record(actor=personas.owner, service=service, period="2026-08", value="99.0")  # before the range
    record(actor=personas.owner, service=service, period="2026-09", value="99.95")  # met
    record(
        actor=personas.owner, service=service, metric=reopened, period="2026-09", value=7
    )  # 7 > 5: not met
    record(actor=personas.owner, service=service, period="2026-10", value="99.9")  # met, just
    record(actor=personas.owner, service=service, metric=reopened, period="2026-10", value=5)  # met, just
    record(actor=personas.owner, service=service, period="2026-11", value="99.89")  # not met
    # September: acknowledged in 30 minutes, resolved in 3 hours: both met.
    incident(personas, service, "p1", "2026-09-01T09:00", "2026-09-01T09:30", "2026-09-01T12:00")
    # September: acknowledged after 2 hours (1 agreed), resolved after 8 + 3 = 11 (8 agreed): neither.
    incident(personas, service, "p1", "2026-09-02T09:00", "2026-09-02T11:00", "2026-09-03T12:00")
    # Raised in September, resolved in October: counted in October. Acknowledged after 1 + 1 hours
    # (4 agreed), resolved after 1 + 8 + 1 = 10 (16 agreed): both met.
    incident(personas, service, "p2", "2026-09-30T16:00", "2026-10-01T10:00", "2026-10-02T10:00")
    # Resolved without acknowledging: resolving acknowledges, at 8 working hours (1 agreed): one met.
    incident(personas, service, "p1", "2026-10-05T09:00", None, "2026-10-05T17:00")
    # No level for P3, and one still open: neither counts.
    incident(personas, service, "p3", "2026-10-06T09:00", "2026-10-06T09:05", "2026-10-06T10:00")
    incident(personas, service, "p1", "2026-10-07T09:00", "2026-10-07T09:05", None)
    tallies = selectors.compliance(personas.org, [service], date(2026, 9, 1), date(2026, 11, 30))
    assert dict(tallies) == {
        (service.pk, date(2026, 9, 1)): Tally(1 + 0 + 2 + 0, 6),
        (service.pk, date(2026, 10, 1)): Tally(1 + 1 + 2 + 1, 6),
        (service.pk, date(2026, 11, 1)): Tally(0, 1),
    }
    assert Tally(3, 6).percent == 50
    page = selectors.service_page(service, today=date(2026, 11, 20))
    by_month = {month: tally for month, _availability, _measures, tally in page.table}
    assert by_month[date(2026, 10, 1)] == Tally(5, 6)
    assert by_month[date(2026, 11, 1)] == Tally(0, 1)
    assert dict(page.trend)[date(2026, 9, 1)] == 50


def test_a_lower_is_better_measure_is_met_at_or_under_its_target(
    personas: Personas, service: Service
) -> None:
    higher = services.metric_add(actor=personas.owner, service=service, name="Batch on time", target="98,5")
    lower = services.metric_add(
        actor=personas.owner, service=service, name="Reopened", target=5, higher_is_better=False
    )
    assert [higher.met(Decimal(v)) for v in ("98.5", "99", "98.4")] == [True, True, False]
    assert [lower.met(Decimal(v)) for v in ("5", "0", "5.001")] == [True, True, False]


def test_availability_without_a_target_no_longer_counts(personas: Personas, service: Service) -> None:
    services.measurement_record(actor=personas.owner, service=service, period="2026-09", value=99)
    services.service_update(actor=personas.owner, service=service, availability_target=None)
    assert dict(selectors.compliance(personas.org, [service], date(2026, 9, 1), date(2026, 9, 30))) == {}
