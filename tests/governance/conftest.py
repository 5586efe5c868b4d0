"""Fixtures of the governance tests: parties of Acme (an external vendor the partner persona works
for, another vendor, an internal IT team) and of the other organisation, and a RACI matrix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tandem.governance import services
from tandem.governance.models import Party, RaciActivity, RaciColumn
from tandem.strategy.models import Initiative
from tests.conftest import Personas


@dataclass
class Parties:
    vendor: Party  # the partner persona is its contact; a contract in force
    other_vendor: Party  # no contact, no contract
    it_team: Party  # internal, IT side
    foreign: Party  # a party of the other organisation


@pytest.fixture
def parties(personas: Personas) -> Parties:
    vendor = services.party_create(actor=personas.owner, name="Cloudline", kind="cloud_provider")
    services.contact_add(actor=personas.owner, party=vendor, membership=personas.partner)
    services.contract_add(
        actor=personas.owner,
        party=vendor,
        title="Hosting 2026",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    other = services.party_create(actor=personas.owner, name="Integra", kind="integrator")
    team = services.party_create(actor=personas.owner, name="Platform team", kind="internal", side="it")
    outsider = personas.outsider  # an owner of the other organisation
    foreign = services.party_create(actor=outsider, name="Globex Vendor", kind="software_vendor")
    return Parties(vendor, other, team, foreign)


@dataclass
class Matrix:
    initiative: Initiative
    activities: list[RaciActivity]
    vendor: RaciColumn
    other_vendor: RaciColumn
    business_lead: RaciColumn


@pytest.fixture
def matrix(personas: Personas, parties: Parties, ready_initiative: Initiative) -> Matrix:
    activities = services.matrix_start(actor=personas.owner, initiative=ready_initiative)
    vendor = services.column_add(actor=personas.owner, initiative=ready_initiative, party=parties.vendor)
    other = services.column_add(actor=personas.owner, initiative=ready_initiative, party=parties.other_vendor)
    lead = services.column_add(
        actor=personas.owner, initiative=ready_initiative, membership=personas.business_lead
    )
    return Matrix(ready_initiative, activities, vendor, other, lead)
