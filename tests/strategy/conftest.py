"""Strategy fixtures: a shared objective with a key result, and a ready-to-approve initiative."""

from __future__ import annotations

from datetime import date

import pytest

from tandem.strategy import services
from tandem.strategy.models import Initiative, KeyResult, Objective, ObjectiveStatus
from tests.conftest import Personas


@pytest.fixture
def objective(personas: Personas) -> Objective:
    return services.objective_create(
        actor=personas.owner,
        title="Win back customer trust",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        business_owner=personas.business_lead,
        it_owner=personas.it_lead,
        status=ObjectiveStatus.ACTIVE,
    )


@pytest.fixture
def key_result(personas: Personas, objective: Objective) -> KeyResult:
    return services.key_result_create(
        actor=personas.owner,
        objective=objective,
        metric="Net promoter score",
        unit="pts",
        baseline=12,
        target=30,
    )


@pytest.fixture
def ready_initiative(personas: Personas, key_result: KeyResult) -> Initiative:
    """An initiative that satisfies every element of the approval gate, at the proposed stage."""
    initiative = services.initiative_create(
        actor=personas.business_lead,
        title="Self-service claims portal",
        business_outcome="Customers settle simple claims in a day instead of two weeks.",
        business_co_lead=personas.business_lead,
        it_co_lead=personas.it_lead,
        end_user_input_who="12 customers and 4 claims handlers",
        end_user_input_when=date(2026, 9, 12),
        end_user_input_summary="They want to upload photos and see the status without calling.",
    )
    services.success_measure_add(
        actor=personas.business_lead,
        initiative=initiative,
        name="Claims settled within 1 day",
        target=60,
        unit="%",
    )
    services.key_result_link_add(actor=personas.business_lead, initiative=initiative, key_result=key_result)
    return services.initiative_transition(actor=personas.business_lead, initiative=initiative, to="proposed")
