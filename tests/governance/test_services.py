"""Governance services on a real database: parties, contacts, contracts and their notice alert,
contributions, and RACI matrices with their rules."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import AuditEvent
from tandem.governance import selectors, services
from tandem.governance.models import Party, RaciAssignment, Renewal
from tandem.strategy.models import Objective
from tests.conftest import Personas
from tests.governance.conftest import Matrix, Parties


def test_an_external_party_is_on_the_partner_side_and_an_internal_team_on_its_own(personas: Personas) -> None:
    vendor = services.party_create(actor=personas.owner, name="Cloudline", kind="cloud_provider", side="it")
    assert vendor.side == "partner"
    assert vendor.external
    team = services.party_create(actor=personas.owner, name="Sales ops", kind="internal", side="business")
    assert (team.side, team.external) == ("business", False)
    with pytest.raises(ValidationFailed) as error:
        services.party_create(actor=personas.owner, name="Finance team", kind="internal")
    assert error.value.field == "side"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " ", "kind": "integrator"}, "name"),
        ({"name": "X", "kind": "astrologer"}, "kind"),
        ({"name": "X" * 121, "kind": "integrator"}, "name"),
        ({"name": "X", "kind": "integrator", "website": "javascript:alert(1)"}, "website"),
    ],
)
def test_bad_party_input_names_its_field(personas: Personas, fields: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.party_create(actor=personas.owner, **fields)
    assert error.value.field == field


def test_two_parties_cannot_share_a_name_whatever_the_case(personas: Personas, parties: Parties) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.party_create(actor=personas.owner, name="CLOUDLINE", kind="integrator")
    assert error.value.field == "name"
    services.party_create(actor=personas.outsider, name="Cloudline", kind="integrator")  # another tenant may


def test_a_partner_side_member_is_a_contact_of_external_parties_only(
    personas: Personas, parties: Parties
) -> None:
    with pytest.raises(ValidationFailed):
        services.contact_add(actor=personas.owner, party=parties.it_team, membership=personas.partner)
    with pytest.raises(Conflict):
        services.contact_add(actor=personas.owner, party=parties.vendor, membership=personas.partner)
    with pytest.raises(ValidationFailed) as error:
        services.contact_add(actor=personas.owner, party=parties.vendor, email="not an address")
    assert error.value.field == "email"
    contact = services.contact_add(
        actor=personas.owner, party=parties.vendor, name="Ann", email="Ann@Cloudline.example"
    )
    assert contact.email == "ann@cloudline.example"
    with pytest.raises(ValidationFailed):
        services.contact_add(actor=personas.owner, party=parties.vendor, membership=personas.outsider)


def test_a_contract_warns_before_its_notice_date_and_holds_past_its_end_when_it_renews_tacitly(
    personas: Personas, parties: Parties
) -> None:
    contract = services.contract_add(
        actor=personas.owner,
        party=parties.other_vendor,
        title="Integration frame",
        starts_on="2026-01-01",
        ends_on="2026-12-31",
        notice_days="60",
        alert_days="30",
        value="125000",
        currency="eur",
    )
    assert contract.notice_date == date(2026, 11, 1)
    assert (contract.value, contract.currency) == (125000, "EUR")
    assert not contract.notice_alert(date(2026, 10, 1))
    assert contract.notice_alert(date(2026, 10, 2))
    assert contract.notice_alert(date(2026, 11, 1))
    assert not contract.notice_alert(date(2026, 11, 2))
    assert not contract.in_force(date(2027, 1, 1))
    services.contract_update(actor=personas.owner, contract=contract, renewal=Renewal.TACIT)
    assert contract.in_force(date(2027, 1, 1))
    assert not contract.in_force(date(2025, 12, 31))
    org = personas.org
    visible = Party.objects.for_org(org)
    assert [c.pk for c in selectors.notice_alerts(org, visible, date(2026, 10, 15))] == [contract.pk]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "", "starts_on": "2026-01-01"}, "title"),
        ({"title": "T", "starts_on": "soon"}, "starts_on"),
        ({"title": "T", "starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "ends_on"),
        ({"title": "T", "starts_on": "2026-01-01", "value": "lots"}, "value"),
        ({"title": "T", "starts_on": "2026-01-01", "value": "-5", "currency": "EUR"}, "value"),
        ({"title": "T", "starts_on": "2026-01-01", "value": "5"}, "currency"),
        ({"title": "T", "starts_on": "2026-01-01", "value": "5", "currency": "EU"}, "currency"),
        ({"title": "T", "starts_on": "2026-01-01", "notice_days": "-1"}, "notice_days"),
        ({"title": "T", "starts_on": "2026-01-01", "renewal": "maybe"}, "renewal"),
    ],
)
def test_bad_contract_input_names_its_field_and_saves_nothing(
    personas: Personas, parties: Parties, fields: dict[str, str], field: str
) -> None:
    before = parties.other_vendor.contracts.count()
    with pytest.raises(ValidationFailed) as error:
        services.contract_add(actor=personas.owner, party=parties.other_vendor, **fields)
    assert error.value.field == field
    assert parties.other_vendor.contracts.count() == before


def test_a_contribution_names_a_shared_objective_of_the_organisation(
    personas: Personas, parties: Parties, objective: Objective
) -> None:
    row = services.contribution_set(
        actor=personas.owner,
        party=parties.vendor,
        objective=objective,
        contribution="Hosts the claims portal.",
    )
    again = services.contribution_set(
        actor=personas.owner, party=parties.vendor, objective=objective, contribution="Hosts and runs it."
    )
    assert again.pk == row.pk
    assert again.contribution == "Hosts and runs it."
    with pytest.raises(ValidationFailed) as error:
        services.contribution_set(
            actor=personas.owner, party=parties.foreign, objective=objective, contribution="x"
        )
    assert error.value.field == "objective"
    with pytest.raises(ValidationFailed):
        services.contribution_set(
            actor=personas.owner, party=parties.vendor, objective=objective, contribution=" "
        )


# --- RACI ------------------------------------------------------------------------------------------


def test_a_matrix_starts_from_the_template_in_the_starters_language(
    personas: Personas, matrix: Matrix
) -> None:
    assert [a.name for a in matrix.activities][:3] == ["Requirements", "Design", "Build"]
    assert len(matrix.activities) == 8
    with pytest.raises(Conflict):
        services.matrix_start(actor=personas.owner, initiative=matrix.initiative)
    services.template_set(actor=personas.owner, names=["Intake", "Build", "  ", "Run"])
    assert services.template_names(personas.org) == ["Intake", "Build", "Run"]
    with pytest.raises(ValidationFailed):
        services.template_set(actor=personas.owner, names=["Run", "run"])


def test_the_default_template_is_written_in_the_language_of_who_starts_the_matrix(
    personas: Personas, ready_initiative: object
) -> None:
    with translation.override("nl"):
        names = services.template_names(personas.org)
    assert names[0] != "Requirements"
    assert len(names) == 8


def test_cells_take_r_a_c_i_or_nothing_and_a_bad_letter_saves_nothing(
    personas: Personas, matrix: Matrix
) -> None:
    first = matrix.activities[0]
    key = (first.pk, matrix.vendor.pk)
    assert services.cells_set(actor=personas.owner, initiative=matrix.initiative, cells={key: " r "}) == 1
    assert RaciAssignment.objects.for_org(personas.org).get(activity=first).letter == "R"
    with pytest.raises(ValidationFailed) as error:
        services.cells_set(
            actor=personas.owner,
            initiative=matrix.initiative,
            cells={key: "", (first.pk, matrix.other_vendor.pk): "X"},
        )
    assert error.value.field == f"cell-{first.pk}-{matrix.other_vendor.pk}"
    assert RaciAssignment.objects.for_org(personas.org).get(activity=first).letter == "R"
    services.cells_set(actor=personas.owner, initiative=matrix.initiative, cells={key: ""})
    assert not RaciAssignment.objects.for_org(personas.org).filter(activity=first).exists()


def test_a_cell_of_another_matrix_is_refused(personas: Personas, matrix: Matrix, approved: object) -> None:
    with pytest.raises(ValidationFailed):
        services.cells_set(
            actor=personas.owner, initiative=matrix.initiative, cells={(matrix.activities[0].pk, 10**9): "R"}
        )


def test_the_matrix_names_what_breaks_the_rules_in_the_readers_language(
    personas: Personas, matrix: Matrix
) -> None:
    build = matrix.activities[2]
    services.cells_set(
        actor=personas.owner,
        initiative=matrix.initiative,
        cells={
            (build.pk, matrix.vendor.pk): "A",
            (build.pk, matrix.other_vendor.pk): "A",
            (build.pk, matrix.business_lead.pk): "C",
        },
    )
    m = selectors.matrix(matrix.initiative)
    assert not m.valid
    english = [sentence for _severity, sentence in m.messages]
    assert "“Build” has 2 accountable (A): keep exactly one." in english
    assert "“Build” has nobody responsible (R): give it at least one." in english
    assert "“Requirements” has nobody accountable (A): give it exactly one." in english
    with translation.override("nl"):
        dutch = [sentence for _severity, sentence in selectors.matrix(matrix.initiative).messages]
    assert dutch != english
    assert len(dutch) == len(english)


def test_a_party_responsible_without_a_contract_in_force_is_a_warning(
    personas: Personas, matrix: Matrix
) -> None:
    design = matrix.activities[1]
    services.cells_set(
        actor=personas.owner,
        initiative=matrix.initiative,
        cells={
            (design.pk, matrix.other_vendor.pk): "R",
            (design.pk, matrix.vendor.pk): "R",
            (design.pk, matrix.business_lead.pk): "A",
        },
    )
    m = selectors.matrix(matrix.initiative)
    warnings = [s for severity, s in m.messages if severity == "warning"]
    assert any(w == "Integra is responsible for 1 activity without a contract in force." for w in warnings)
    assert not any(w.startswith("Cloudline is responsible") for w in warnings)


def test_every_raci_change_is_audited(personas: Personas, matrix: Matrix) -> None:
    events = AuditEvent.objects.for_org(personas.org).filter(action="governance.raci_changed")
    assert events.count() >= 4  # started, three columns
    assert AuditEvent.objects.for_org(personas.org).filter(action="governance.party_created").count() == 3
