"""Why-check fixtures: an approved initiative co-led by the business lead and the IT lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tandem.whycheck import services
from tandem.whycheck.models import WhyCheck
from tests.conftest import Personas
from tests.strategy.conftest import key_result, objective, ready_initiative  # noqa: F401 (shared fixtures)


@pytest.fixture
def approved(personas: Personas, request: pytest.FixtureRequest) -> Initiative:
    initiative: Initiative = request.getfixturevalue("ready_initiative")
    return strategy.initiative_transition(actor=personas.owner, initiative=initiative, to="approved")


@pytest.fixture
def round_(personas: Personas, approved: Initiative) -> WhyCheck:
    return services.whycheck_start(
        actor=personas.business_lead, initiative=approved, deadline=timezone.localdate() + timedelta(days=7)
    )


BUSINESS_ANSWER = {
    "why": "Customers should settle simple claims in a day instead of waiting two weeks.",
    "measures": [{"name": "Claims settled within one day", "target": 60, "unit": "%", "by": "2027-06-30"}],
}
IT_ANSWER = {
    "why": "Replace the claims mainframe screens before the support contract ends.",
    "measures": [{"name": "Mainframe transactions retired", "target": 100, "unit": "%"}],
}
