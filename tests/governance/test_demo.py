"""The demo organisation's parties: five kinds, contracts (one near its notice date, one ended),
contributions to shared objectives, a valid RACI matrix and an invalid one."""

from __future__ import annotations

import pytest

from tandem.core.demo import demo_seed
from tandem.core.models import Organization
from tandem.governance import access, selectors
from tandem.governance.models import Contract, Contribution, Party
from tandem.strategy import demo as strategy_demo
from tandem.strategy.models import Initiative


@pytest.fixture
def org(db: None) -> Organization:
    org, created = demo_seed(password="x" * 16)
    assert created
    return org


def test_the_demo_has_five_parties_of_different_kinds(org: Organization) -> None:
    parties = list(Party.objects.for_org(org))
    assert len(parties) == 5
    assert len({p.kind for p in parties}) == 5
    alerts = selectors.notice_alerts(org, Party.objects.for_org(org))
    assert [c.party.name for c in alerts] == ["Cloudline"]
    ended = Contract.objects.for_org(org).get(party__name="Bridgework Integrators")
    assert not ended.in_force()
    assert Contribution.objects.for_org(org).count() == 4


def test_one_matrix_is_valid_and_one_is_not(org: Organization) -> None:
    tracking, routes = (
        Initiative.objects.for_org(org).get(title=strategy_demo.INITIATIVES[i].title) for i in (0, 1)
    )
    valid, invalid = selectors.matrix(tracking), selectors.matrix(routes)
    assert valid.valid
    assert not invalid.valid
    codes = {p.code for p in invalid.problems}
    assert {"several_accountable", "no_responsible", "responsible_without_contract"} <= codes


def test_the_demo_partner_sees_cloudline_and_its_matrix(org: Organization) -> None:
    from tandem.core.models import Membership

    partner = Membership.objects.for_org(org).get(user__email="partner@cloudline.example")
    assert [p.name for p in access.parties_for(partner)] == ["Cloudline"]
    tracking = Initiative.objects.for_org(org).get(title=strategy_demo.INITIATIVES[0].title)
    assert access.matrix_initiative_for_user(partner, tracking.pk) == tracking
