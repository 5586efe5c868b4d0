"""Fixtures of the review tests: an organisation-wide weekly series on Mondays at 09:00 in
Amsterdam, attended by both co-leads, the owner and the admin."""

from __future__ import annotations

import secrets
from datetime import date, time

import pytest

from tandem.core.links import link_secret, secret_digest
from tandem.reviews.models import ReviewSeries
from tests.conftest import Personas

SERIES_SALT = "tandem.reviews.series_feed"


def make_series(personas: Personas, **fields: object) -> ReviewSeries:
    """A series written straight to the database (the services have their own tests)."""
    nonce = secrets.token_hex(16)
    values: dict[str, object] = {
        "organization": personas.org,
        "name": "Weekly business–IT review",
        "weekday": 0,
        "start_time": time(9, 0),
        "time_zone": "Europe/Amsterdam",
        "starts_on": date(2026, 1, 5),
        "feed_nonce": nonce,
        "feed_digest": secret_digest(link_secret(SERIES_SALT, nonce)),
        "created_by": personas.owner,
    }
    values.update(fields)
    series = ReviewSeries.objects.create(**values)
    series.attendees.set([personas.business_lead, personas.it_lead, personas.owner, personas.admin])
    return series


@pytest.fixture
def series(personas: Personas) -> ReviewSeries:
    return make_series(personas)
