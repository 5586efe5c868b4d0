"""Cached figures never go stale: after any sequence of service calls, the figures a reader gets
(from this process's cache, under the organisation's data version) equal figures recomputed
from scratch."""

from __future__ import annotations

import contextlib
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.core import cache
from tandem.core import services as core_services
from tandem.core.errors import TandemError
from tandem.core.models import Membership, Organization, Role, Side
from tandem.strategy import selectors
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative, KeyResult, Objective, SuccessMeasure
from tests.factories import MembershipFactory, OrganizationFactory

OPERATIONS = (
    "create_initiative",
    "state_outcome",
    "clear_outcome",
    "add_measure",
    "remove_measure",
    "link_key_result",
    "unlink_key_result",
    "set_co_leads",
    "drop_it_co_lead",
    "move_stage",
    "pause",
    "swap_objective_owners",
    "flip_member_side",
    "check_in",
)


class World:
    """One organisation with people, a shared objective and a key result, and the calls on it."""

    def __init__(self) -> None:
        self.org: Organization = OrganizationFactory.create()
        self.owner: Membership = MembershipFactory.create(
            organization=self.org, role=Role.OWNER, side=Side.BUSINESS
        )
        self.business = MembershipFactory.create(organization=self.org, role=Role.LEAD, side=Side.BUSINESS)
        self.it = MembershipFactory.create(organization=self.org, role=Role.LEAD, side=Side.IT)
        today = timezone.localdate()
        self.objective: Objective = strategy.objective_create(
            actor=self.owner,
            title="Shared goal",
            period_start=today - timedelta(days=30),
            period_end=today + timedelta(days=60),
            business_owner=self.business,
            it_owner=self.it,
            status="active",
        )
        self.key_result: KeyResult = strategy.key_result_create(
            actor=self.owner, objective=self.objective, metric="NPS", baseline=1, target=2
        )

    def initiatives(self) -> list[Initiative]:
        return list(Initiative.objects.for_org(self.org).order_by("pk"))

    def apply(self, operation: str, pick: int) -> None:
        """Run one service call; a refusal of the domain (a gate, a conflict) is a valid outcome."""
        initiatives = self.initiatives()
        if operation == "create_initiative" or not initiatives:
            strategy.initiative_create(actor=self.owner, title=f"Initiative {len(initiatives)}")
            return
        initiative = initiatives[pick % len(initiatives)]
        with contextlib.suppress(TandemError):  # a refusal of the domain (a gate) is an outcome too
            self._apply(operation, initiative, pick)

    def _apply(self, operation: str, initiative: Initiative, pick: int) -> None:
        owner = self.owner
        calls: dict[str, Any] = {
            "state_outcome": lambda: strategy.initiative_update(
                actor=owner, initiative=initiative, business_outcome="Customers wait less."
            ),
            "clear_outcome": lambda: strategy.initiative_update(
                actor=owner, initiative=initiative, business_outcome=""
            ),
            "add_measure": lambda: strategy.success_measure_add(
                actor=owner, initiative=initiative, name=f"Measure {pick}", target=pick % 3 or None
            ),
            "remove_measure": lambda: self._remove_measure(initiative),
            "link_key_result": lambda: strategy.key_result_link_add(
                actor=owner, initiative=initiative, key_result=self.key_result
            ),
            "unlink_key_result": lambda: self._unlink(initiative),
            "set_co_leads": lambda: strategy.initiative_update(
                actor=owner, initiative=initiative, business_co_lead=self.business, it_co_lead=self.it
            ),
            "drop_it_co_lead": lambda: strategy.initiative_update(
                actor=owner, initiative=initiative, it_co_lead=None
            ),
            "move_stage": lambda: self._move(initiative, pick),
            "pause": lambda: strategy.initiative_transition(actor=owner, initiative=initiative, to="paused"),
            "swap_objective_owners": lambda: strategy.objective_update(
                actor=owner,
                objective=Objective.objects.for_org(self.org).get(pk=self.objective.pk),
                business_owner=self.it if pick % 2 else self.business,
                it_owner=self.business if pick % 2 else self.it,
            ),
            "flip_member_side": lambda: core_services.membership_update(
                actor=owner,
                member=Membership.objects.for_org(self.org).get(pk=self.it.pk),
                side=Side.BUSINESS if pick % 2 else Side.IT,
            ),
            "check_in": lambda: strategy.check_in_create(
                actor=owner, key_result=self.key_result, value=pick % 5, confidence=5
            ),
        }
        calls[operation]()

    def _remove_measure(self, initiative: Initiative) -> None:
        measure = SuccessMeasure.objects.for_org(self.org).filter(initiative=initiative).first()
        if measure is not None:
            strategy.success_measure_remove(actor=self.owner, measure=measure)

    def _unlink(self, initiative: Initiative) -> None:
        link = initiative.key_result_links.first()
        if link is not None:
            strategy.key_result_link_remove(actor=self.owner, link=link)

    def _move(self, initiative: Initiative, pick: int) -> None:
        stages = selectors.allowed_transitions(initiative)
        if stages:
            strategy.initiative_transition(
                actor=self.owner, initiative=initiative, to=stages[pick % len(stages)]
            )

    def fresh_org(self) -> Organization:
        """The organisation as the next request loads it (a new request trusts what it reads)."""
        cache.forget_writes()
        return Organization.objects.get(pk=self.org.pk)


def _figures(org: Organization) -> dict[str, Any]:
    """What the portfolio and the organisation home show, through the cache."""
    member = Membership(organization=org, role=Role.OWNER)
    panel = selectors.home_panel(member)
    assert panel is not None
    return {"summary": asdict(selectors.portfolio_summary(org)), "home": _plain(panel[1])}


def _recomputed(org: Organization) -> dict[str, Any]:
    """The same figures computed from scratch, past the cache."""
    cache.clear()
    return _figures(org)


def _plain(context: dict[str, Any]) -> dict[str, Any]:
    return {key: asdict(value) if key == "summary" else value for key, value in context.items()}


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(min_value=0, max_value=50)),
        min_size=1,
        max_size=12,
    )
)
def test_cached_figures_equal_figures_recomputed_after_any_sequence_of_writes(
    steps: list[tuple[str, int]],
) -> None:
    cache.clear()
    world = World()
    for operation, pick in steps:
        cached_before = _figures(world.fresh_org())  # fills the cache under the current version
        world.apply(operation, pick)
        org = world.fresh_org()
        cached = _figures(org)
        assert cached == _recomputed(org), (operation, cached_before)
