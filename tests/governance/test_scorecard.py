"""The quarterly party scorecard on fixed data, computed by hand: service levels, incidents held
(one bounced between two parties and escalated), RACI load, contributions and the business
ratings, which stay hidden while they come in and below the anonymity threshold; and the anonymity
of the ratings themselves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import AuditEvent, Membership, Side
from tandem.governance import scorecard, selectors, services
from tandem.governance.models import Party, PartyRating, PartyRatingReceipt, Service
from tandem.governance.scorecard import WEIGHTS, Tally
from tandem.strategy import services as strategy_services
from tandem.strategy.models import Objective
from tandem.surveys.models import SurveySettings
from tests.conftest import Personas
from tests.governance.conftest import Matrix, Parties

AMS = ZoneInfo("Europe/Amsterdam")
Q4 = date(2026, 10, 1)
AFTER_WINDOW = date(2027, 2, 1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    """The code's own clock (open incidents, past months) reads 1 February 2027."""
    with mock.patch("django.utils.timezone.now", return_value=datetime(2027, 2, 1, 12, tzinfo=UTC)):
        yield


def rate(party: Party, quarter: date, *scores: int) -> None:
    PartyRating.objects.bulk_create(
        PartyRating(organization=party.organization, party=party, quarter=quarter, score=s) for s in scores
    )


@dataclass
class Quarter:
    vendor: Party
    other: Party
    team: Party
    erp: Service
    network: Service


@pytest.fixture
def quarter(personas: Personas, parties: Parties, matrix: Matrix, objective: Objective) -> Quarter:
    """Q4 2026 of Cloudline (ERP hosting), Integra (network) and the Platform team (nothing run)."""
    owner = personas.owner
    vendor, other, team = parties.vendor, parties.other_vendor, parties.it_team
    erp = services.service_create(actor=owner, party=vendor, name="ERP hosting", availability_target="99.9")
    services.service_level_set(actor=owner, service=erp, priority="p1", acknowledge_hours=1, resolve_hours=8)
    services.service_level_set(actor=owner, service=erp, priority="p2", acknowledge_hours=4, resolve_hours=16)
    services.escalation_level_add(actor=owner, service=erp, party=vendor, respond_hours=2)
    services.escalation_level_add(actor=owner, service=erp, membership=personas.it_lead, respond_hours=4)
    network = services.service_create(actor=owner, party=other, name="Network")
    loss = services.metric_add(
        actor=owner, service=network, name="Packet loss", target=1, higher_is_better=False
    )
    services.service_level_set(
        actor=owner, service=network, priority="p2", acknowledge_hours=2, resolve_hours=8
    )

    record = services.measurement_record
    record(actor=owner, service=erp, period="2026-09", value="99.0")  # the quarter before
    record(actor=owner, service=erp, period="2026-10", value="99.95")  # met
    record(actor=owner, service=erp, period="2026-11", value="99.8")  # not met
    record(actor=owner, service=erp, period="2026-12", value="99.9")  # met
    record(actor=owner, service=network, metric=loss, period="2026-10", value="0.5")  # met
    record(actor=owner, service=network, metric=loss, period="2026-11", value="2")  # not met

    lead, partner, it_lead = personas.member, personas.partner, personas.it_lead
    # I0, the quarter before: escalated and resolved in September; it counts nowhere.
    i0 = services.incident_raise(
        actor=lead, title="I0", priority="p1", service=erp, now=at("2026-09-29T09:00")
    )
    services.incidents_escalate_due(now=at("2026-09-29T11:00"))
    services.incident_resolve(actor=partner, incident=i0, resolution="x", now=at("2026-09-29T16:00"))
    # I1: Cloudline does not answer and it escalates at 11:00; Cloudline hands it to Integra at
    # 12:00, Integra acknowledges at 12:30 and hands it back at 14:00; Cloudline acknowledges at
    # 14:15 and resolves it at 16:00.
    i1 = services.incident_raise(
        actor=lead, title="I1", priority="p1", service=erp, now=at("2026-11-02T09:00")
    )
    assert [i.pk for i in services.incidents_escalate_due(now=at("2026-11-02T11:00"))] == [i1.pk]
    services.incident_hand_over(
        actor=it_lead, incident=i1, party=other, note="Network", now=at("2026-11-02T12:00")
    )
    services.incident_acknowledge(actor=it_lead, incident=i1, now=at("2026-11-02T12:30"))
    services.incident_hand_over(
        actor=it_lead, incident=i1, party=vendor, note="Hosting", now=at("2026-11-02T14:00")
    )
    services.incident_acknowledge(actor=partner, incident=i1, now=at("2026-11-02T14:15"))
    services.incident_resolve(actor=partner, incident=i1, resolution="Disk", now=at("2026-11-02T16:00"))
    # I2: Cloudline, P2, acknowledged after 1 hour and resolved after 5.
    i2 = services.incident_raise(
        actor=lead, title="I2", priority="p2", service=erp, now=at("2026-12-01T10:00")
    )
    services.incident_acknowledge(actor=partner, incident=i2, now=at("2026-12-01T11:00"))
    services.incident_resolve(actor=partner, incident=i2, resolution="Cache", now=at("2026-12-01T15:00"))
    # I3: Integra, P2, acknowledged after 3 hours (2 agreed), resolved after exactly 8 (8 agreed).
    i3 = services.incident_raise(
        actor=lead, title="I3", priority="p2", service=network, now=at("2026-10-05T09:00")
    )
    services.incident_acknowledge(actor=it_lead, incident=i3, now=at("2026-10-05T12:00"))
    services.incident_resolve(actor=it_lead, incident=i3, resolution="Router", now=at("2026-10-06T09:00"))
    # I4: Cloudline, raised on 30 December and still open.
    services.incident_raise(actor=lead, title="I4", priority="p1", service=erp, now=at("2026-12-30T09:00"))

    # RACI: Cloudline R, R, A; Integra C, I; the Platform team R (the business lead's A not counted).
    team_column = services.column_add(actor=owner, initiative=matrix.initiative, party=team)
    a = matrix.activities
    for activity, column, letter in (
        (a[0], matrix.vendor, "R"),
        (a[1], matrix.vendor, "R"),
        (a[2], matrix.vendor, "A"),
        (a[0], matrix.other_vendor, "C"),
        (a[1], matrix.other_vendor, "I"),
        (a[3], team_column, "R"),
        (a[0], matrix.business_lead, "A"),
    ):
        services.cell_set(actor=owner, activity=activity, column=column, letter=letter)
    second = strategy_services.objective_create(
        actor=owner, title="Cut hosting costs", period_start=date(2026, 10, 1), period_end=date(2026, 12, 31)
    )
    services.contribution_set(actor=owner, party=vendor, objective=objective, contribution="Hosting")
    services.contribution_set(actor=owner, party=vendor, objective=second, contribution="Right-sizing")
    services.contribution_set(actor=owner, party=team, objective=objective, contribution="Platform")

    rate(vendor, Q4, 5, 4, 4, 3, 4)  # five ratings, mean 4
    rate(other, Q4, 5, 5, 5, 5)  # four: fewer than the threshold
    rate(other, date(2026, 7, 1), 1, 1, 1, 1, 1)  # another quarter
    return Quarter(vendor, other, team, erp, network)


def rows_of(personas: Personas, quarter: Quarter, today: date) -> selectors.Scorecard:
    return selectors.scorecard_rows(
        personas.org, [quarter.team, quarter.other, quarter.vendor], Q4, today=today
    )


def test_the_scorecard_of_a_quarter_computed_by_hand(personas: Personas, quarter: Quarter) -> None:
    card = rows_of(personas, quarter, AFTER_WINDOW)
    assert (card.quarter, card.ratings_open, card.threshold) == (Q4, False, 5)
    assert [row.party.name for row in card.rows] == ["Cloudline", "Integra", "Platform team"]
    vendor, other, team = card.rows

    # Cloudline. Service levels: October availability; November availability (no) and I1
    # acknowledged after 3.5 h on all clocks (no) and resolved after 7 h (yes); December
    # availability, I2 acknowledged and resolved in time: 5 of 7.
    assert vendor.service_levels == Tally(5, 7)
    assert vendor.incidents == {"p1": 2, "p2": 1, "p3": 0, "p4": 0}
    # Its own clock: I1 acknowledged after 3 h 15 (09–12, 14:00–14:15), I2 after 1 h.
    assert vendor.mtta_hours == pytest.approx((3.25 + 1) / 2)
    # Resolved by Cloudline: I1 on its own clock 3 h + 2 h, I2 5 h.
    assert vendor.mttr_hours == pytest.approx(5.0)
    assert vendor.escalations == 1
    assert vendor.responsiveness == Tally(1, 2)  # I1 late, I2 in time
    assert vendor.escalation_free == Tally(2, 3)  # I1 escalated while it held it
    assert vendor.raci == {"R": 2, "A": 1, "C": 0, "I": 0}
    assert vendor.contributions == 2
    assert (vendor.rating, vendor.rating_note) == (4.0, "")
    assert vendor.components == pytest.approx(
        {"service_levels": 500 / 7, "rating": 75.0, "responsiveness": 50.0, "escalation_free": 200 / 3}
    )
    assert vendor.score == pytest.approx((40 * 500 / 7 + 30 * 75 + 15 * 50 + 15 * 200 / 3) / 100)
    assert vendor.score == pytest.approx(480 / 7)

    # Integra. Service levels: October packet loss (yes) and I3 acknowledged late, resolved in
    # time; November packet loss (no): 2 of 4. Its own clock: I1 acknowledged after 30 minutes
    # (ERP P1: 1 h, in time), I3 after 3 h (2 agreed, late).
    assert other.service_levels == Tally(2, 4)
    assert other.incidents == {"p1": 1, "p2": 1, "p3": 0, "p4": 0}
    assert other.mtta_hours == pytest.approx((0.5 + 3) / 2)
    assert other.mttr_hours == pytest.approx(8.0)  # I3 only: I1 was resolved by Cloudline
    assert other.escalations == 0
    assert other.responsiveness == Tally(1, 2)
    assert other.escalation_free == Tally(2, 2)
    assert other.raci == {"R": 0, "A": 0, "C": 1, "I": 1}
    assert other.contributions == 0
    assert other.rating is None
    assert other.rating_note == "Fewer than 5 ratings: not shown."
    # No rating to show: left out, and the other weights scaled up to 100 (not counted as zero).
    assert other.score == pytest.approx((40 * 50 + 15 * 50 + 15 * 100) / 70)

    # The Platform team runs nothing and held nothing: no score at all, and its facts as they are.
    assert team.service_levels == Tally()
    assert team.incidents == {"p1": 0, "p2": 0, "p3": 0, "p4": 0}
    assert (team.mtta_hours, team.mttr_hours, team.escalations) == (None, None, 0)
    assert (team.responsiveness, team.escalation_free) == (Tally(), Tally())
    assert team.raci == {"R": 1, "A": 0, "C": 0, "I": 0}
    assert team.contributions == 1
    assert team.rating is None
    assert team.components == dict.fromkeys(WEIGHTS)
    assert team.score is None


def test_ratings_stay_hidden_while_they_come_in(personas: Personas, quarter: Quarter) -> None:
    # The quarter ends on 31 December; ratings come in until 21 January inclusive.
    for today in (date(2026, 12, 31), date(2027, 1, 21)):
        card = rows_of(personas, quarter, today)
        assert card.ratings_open
        vendor = next(row for row in card.rows if row.party == quarter.vendor)
        assert (vendor.rating, vendor.rating_note) == (None, "Ratings are still coming in.")
        assert vendor.score == pytest.approx((40 * 500 / 7 + 15 * 50 + 15 * 200 / 3) / 70)
    card = rows_of(personas, quarter, date(2027, 1, 22))
    assert not card.ratings_open
    assert next(row for row in card.rows if row.party == quarter.vendor).rating == 4.0


def test_ratings_are_shown_from_the_anonymity_threshold(personas: Personas, quarter: Quarter) -> None:
    SurveySettings.objects.create(organization=personas.org, threshold=4)
    card = rows_of(personas, quarter, AFTER_WINDOW)
    assert card.threshold == 4
    other = next(row for row in card.rows if row.party == quarter.other)
    assert (other.rating, other.rating_note) == (5.0, "")  # exactly four ratings: shown
    assert other.score == pytest.approx((40 * 50 + 30 * 100 + 15 * 50 + 15 * 100) / 100)
    assert [row.party.name for row in card.rows] == ["Integra", "Cloudline", "Platform team"]
    SurveySettings.objects.filter(organization=personas.org).update(threshold=6)
    card = rows_of(personas, quarter, AFTER_WINDOW)
    assert all(row.rating is None for row in card.rows)
    assert {row.rating_note for row in card.rows} == {"Fewer than 6 ratings: not shown."}


def test_a_partner_sees_the_rows_of_the_parties_it_is_given(personas: Personas, quarter: Quarter) -> None:
    card = selectors.scorecard_rows(personas.org, [quarter.other], Q4, today=AFTER_WINDOW)
    [other] = card.rows
    # Integra's own facts only, the same as on the full scorecard.
    assert (other.service_levels, other.responsiveness, other.escalation_free) == (
        Tally(2, 4),
        Tally(1, 2),
        Tally(2, 2),
    )


# --- The weighing --------------------------------------------------------------------------------


def test_the_weights_add_up_to_a_hundred() -> None:
    assert sum(WEIGHTS.values()) == 100


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        ({"service_levels": 100, "rating": 100, "responsiveness": 100, "escalation_free": 100}, 100.0),
        ({"service_levels": 50, "rating": 25, "responsiveness": 0, "escalation_free": 100}, 42.5),
        ({"service_levels": 50, "rating": None, "responsiveness": None, "escalation_free": None}, 50.0),
        ({"service_levels": None, "rating": 75, "responsiveness": None, "escalation_free": 100}, 3750 / 45),
        ({"service_levels": 0, "rating": None, "responsiveness": 100, "escalation_free": None}, 1500 / 55),
        ({"service_levels": 0, "rating": 0, "responsiveness": 0, "escalation_free": 0}, 0.0),
        (dict.fromkeys(WEIGHTS), None),
        ({}, None),
    ],
)
def test_the_score_leaves_out_what_has_no_data_and_scales_the_rest(
    components: dict[str, float | None], expected: float | None
) -> None:
    assert scorecard.score(components) == pytest.approx(expected)


def test_a_rating_of_one_is_zero_and_five_is_a_hundred() -> None:
    assert [scorecard.rating_percent(m) for m in (1, 3, 4.5, 5, None)] == [0, 50, 87.5, 100, None]


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (date(2027, 1, 21), date(2026, 10, 1)),  # three weeks after the quarter: still Q4
        (date(2027, 1, 22), date(2027, 1, 1)),
        (date(2026, 12, 7), date(2026, 10, 1)),
        (date(2026, 10, 21), date(2026, 7, 1)),
    ],
)
def test_the_quarter_open_for_rating(today: date, quarter: date) -> None:
    assert services.rating_quarter(today) == quarter


# --- Queries -------------------------------------------------------------------------------------


def populate(personas: Personas, prefix: str, n: int) -> list[Party]:
    """``n`` parties, each with a service, a level, measurements, an incident it bounced to the
    next party and got back (escalated on the way), a RACI cell, a contribution and ratings."""
    owner = personas.owner
    initiative = strategy_services.initiative_create(actor=owner, title=f"{prefix} initiative")
    services.template_set(actor=owner, names=["Run"])
    [activity] = services.matrix_start(actor=owner, initiative=initiative)
    objective = strategy_services.objective_create(
        actor=owner,
        title=f"{prefix} objective",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
    )
    parties = [services.party_create(actor=owner, name=f"{prefix} {i}", kind="integrator") for i in range(n)]
    for i, party in enumerate(parties):
        svc = services.service_create(
            actor=owner, party=party, name=f"{prefix} service {i}", availability_target=99
        )
        services.service_level_set(
            actor=owner, service=svc, priority="p1", acknowledge_hours=1, resolve_hours=8
        )
        services.escalation_level_add(actor=owner, service=svc, party=party, respond_hours=1)
        services.escalation_level_add(actor=owner, service=svc, membership=personas.it_lead, respond_hours=1)
        services.measurement_record(actor=owner, service=svc, period="2026-11", value=99.5)
        incident = services.incident_raise(
            actor=personas.member,
            title=f"{prefix} {i}",
            priority="p1",
            service=svc,
            now=at("2026-11-02T09:00"),
        )
        services.incidents_escalate_due(now=at("2026-11-02T10:00"))
        next_party = parties[(i + 1) % n]
        services.incident_hand_over(
            actor=owner, incident=incident, party=next_party, note="Yours", now=at("2026-11-02T11:00")
        )
        services.incident_acknowledge(actor=owner, incident=incident, now=at("2026-11-02T11:30"))
        services.incident_hand_over(
            actor=owner, incident=incident, party=party, note="Back", now=at("2026-11-02T12:00")
        )
        services.incident_resolve(
            actor=owner, incident=incident, resolution="Done", now=at("2026-11-02T13:00")
        )
        column = services.column_add(actor=owner, initiative=initiative, party=party)
        services.cell_set(actor=owner, activity=activity, column=column, letter="R")
        services.contribution_set(actor=owner, party=party, objective=objective, contribution="Help")
        rate(party, Q4, 4, 4, 5, 5, 3)
    return parties


def test_the_scorecard_takes_as_many_queries_for_thirty_parties_as_for_three(personas: Personas) -> None:
    few, many = populate(personas, "Few", 3), populate(personas, "Many", 30)
    counts = []
    for parties in (few, many):
        with CaptureQueriesContext(connection) as queries:
            card = selectors.scorecard_rows(personas.org, parties, Q4, today=AFTER_WINDOW)
        counts.append(len(queries))
        assert len(card.rows) == len(parties)
        assert all(row.escalations == 1 and row.rating == 4.2 for row in card.rows)
    assert counts[0] == counts[1]
    assert counts[1] <= 20


# --- Ratings and their anonymity ---------------------------------------------------------------------

IN_Q4 = date(2027, 1, 10)  # rating Q4 2026


@pytest.fixture
def second_lead(personas: Personas, parties: Parties) -> Membership:
    """The owner (business side) co-leads another initiative that Cloudline runs a service for."""
    initiative = strategy_services.initiative_create(
        actor=personas.owner, title="Claims archive", business_co_lead=personas.owner
    )
    services.service_create(
        actor=personas.owner, party=parties.vendor, name="Archive", initiatives=[initiative]
    )
    return personas.owner


def test_a_rating_keeps_no_person_and_no_time() -> None:
    fields = {f.name for f in PartyRating._meta.get_fields()}
    assert fields == {"id", "organization", "party", "quarter", "score"}
    assert PartyRating._meta.pk is not None
    assert PartyRating._meta.pk.get_internal_type() == "UUIDField"
    receipt = {f.name for f in PartyRatingReceipt._meta.get_fields()}
    assert receipt == {"id", "organization", "party", "quarter", "membership"}


def test_a_business_co_lead_rates_a_party_once_a_quarter(
    personas: Personas, parties: Parties, matrix: Matrix
) -> None:
    lead = personas.business_lead
    assert {p.name for p in selectors.parties_to_rate(lead, Q4)} == {"Cloudline", "Integra"}
    services.party_rate(actor=lead, party=parties.vendor, score="4", today=IN_Q4)
    [rating] = PartyRating.objects.for_org(personas.org).all()
    assert (rating.party, rating.quarter, rating.score) == (parties.vendor, Q4, 4)
    [receipt] = PartyRatingReceipt.objects.for_org(personas.org).all()
    assert (receipt.membership, receipt.party, receipt.quarter) == (lead, parties.vendor, Q4)
    assert selectors.rated_party_ids(lead, Q4) == {parties.vendor.pk}
    with pytest.raises(Conflict):
        services.party_rate(actor=lead, party=parties.vendor, score=1, today=date(2027, 1, 20))
    assert list(PartyRating.objects.for_org(personas.org).values_list("score", flat=True)) == [4]
    # A new quarter opens for rating on 22 January: the same party may be rated again.
    services.party_rate(actor=lead, party=parties.vendor, score=2, today=date(2027, 1, 22))
    found = sorted(PartyRating.objects.for_org(personas.org).values_list("quarter", "score"))
    assert found == [(Q4, 4), (date(2027, 1, 1), 2)]


def test_the_audit_log_knows_who_rated_but_not_the_score(
    personas: Personas, parties: Parties, matrix: Matrix
) -> None:
    services.party_rate(actor=personas.business_lead, party=parties.vendor, score=3, today=IN_Q4)
    [record] = AuditEvent.objects.for_org(personas.org).filter(action="governance.party_rated")
    assert record.actor == personas.business_lead.user
    assert record.data in ({}, None)
    assert record.summary_params in ({}, None)
    assert record.summary == "Cloudline"
    assert "3" not in record.summary


@pytest.mark.parametrize("score", [0, 6, -1, "", "five", None, "4.5", 3.7])
def test_a_score_outside_one_to_five_is_refused(
    personas: Personas, parties: Parties, matrix: Matrix, score: object
) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.party_rate(actor=personas.business_lead, party=parties.vendor, score=score, today=IN_Q4)
    assert error.value.field == "score"
    assert not PartyRating.objects.for_org(personas.org).exists()
    assert not PartyRatingReceipt.objects.for_org(personas.org).exists()


def test_only_a_business_co_lead_rates_and_only_the_parties_they_work_with(
    personas: Personas, parties: Parties, matrix: Matrix
) -> None:
    refused = [
        (personas.business_lead, parties.it_team),  # not in the matrix, runs no service for it
        (personas.business_lead, parties.foreign),  # another organisation's
        (personas.it_lead, parties.vendor),  # the IT co-lead
        (personas.member, parties.vendor),  # business side, but co-leads nothing
        (personas.partner, parties.vendor),
    ]
    for who, party in refused:
        with pytest.raises(ValidationFailed) as error:
            services.party_rate(actor=who, party=party, score=5, today=IN_Q4)
        assert error.value.field == "party"
    assert personas.it_lead.side == Side.IT
    assert selectors.parties_to_rate(personas.it_lead, Q4) == []
    assert not PartyRating.objects.for_org(personas.org).exists()


def test_the_ratings_of_a_quarter_are_written_again_in_a_new_order(
    personas: Personas, parties: Parties, matrix: Matrix, second_lead: Membership
) -> None:
    services.party_rate(actor=personas.business_lead, party=parties.vendor, score=2, today=IN_Q4)
    services.party_rate(actor=personas.business_lead, party=parties.other_vendor, score=3, today=IN_Q4)
    before = set(
        PartyRating.objects.for_org(personas.org).filter(party=parties.vendor).values_list("pk", flat=True)
    )
    untouched = set(
        PartyRating.objects.for_org(personas.org)
        .filter(party=parties.other_vendor)
        .values_list("pk", flat=True)
    )
    services.party_rate(actor=second_lead, party=parties.vendor, score=5, today=IN_Q4)
    rows = PartyRating.objects.for_org(personas.org).filter(party=parties.vendor)
    assert sorted(r.score for r in rows) == [2, 5]
    assert not before & {r.pk for r in rows}  # every row of the quarter is new
    assert (
        set(
            PartyRating.objects.for_org(personas.org)
            .filter(party=parties.other_vendor)
            .values_list("pk", flat=True)
        )
        == untouched
    )
    assert PartyRatingReceipt.objects.for_org(personas.org).filter(party=parties.vendor).count() == 2


def test_an_escalation_at_midnight_counts_in_one_quarter_only(personas: Personas, parties: Parties) -> None:
    owner = personas.owner
    svc = services.service_create(actor=owner, party=parties.vendor, name="Payroll")
    services.escalation_level_add(actor=owner, service=svc, party=parties.vendor, respond_hours=1)
    services.escalation_level_add(actor=owner, service=svc, membership=personas.it_lead, respond_hours=1)
    services.incident_raise(
        actor=owner, title="Late run", priority="p2", service=svc, now=at("2026-12-31T16:00")
    )
    # The worker runs on the stroke of midnight (the installation's zone, UTC) as the year turns.
    assert len(services.incidents_escalate_due(now=datetime(2027, 1, 1, tzinfo=UTC))) == 1
    counts = [
        selectors.scorecard_rows(personas.org, [parties.vendor], q, today=AFTER_WINDOW).rows[0].escalations
        for q in (Q4, date(2027, 1, 1))
    ]
    assert counts == [0, 1]
