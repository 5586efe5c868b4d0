"""The whycheck app's part of the alignment index, the home page and the getting-started checklist
(``tandem.core.insights``)."""

from __future__ import annotations

from datetime import date, datetime

from tandem.core.insights import Component, NeedItem, SetupStep
from tandem.core.models import Membership, Organization


def index_components(org: Organization, now: datetime) -> list[Component]:
    return []


def needs_me(membership: Membership, today: date) -> list[NeedItem]:
    return []


def setup_steps(org: Organization) -> list[SetupStep]:
    return []
