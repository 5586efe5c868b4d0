"""The why check's access gate. Rounds are read by every internal member (partners: 404); owners,
admins and leads start and close them; answers obey the blind rule in ``selectors.round_view`` (the
one place that decides what a person may see)."""

from __future__ import annotations

from tandem.core.access import Need, meets, refuse, require
from tandem.core.models import Membership
from tandem.strategy.access import initiative_get_for_user
from tandem.strategy.models import Initiative
from tandem.whycheck.models import WhyCheck


def can_start(membership: Membership) -> bool:
    """Leads, admins and owners start and close rounds."""
    return meets(membership, Need.LEAD)


def why_check_get_for_user(membership: Membership, pk: int) -> WhyCheck:
    """A round of the member's organisation; ``NotFound`` when missing or not allowed."""
    require(membership, Need.READER)
    round_ = (
        WhyCheck.objects.for_org(membership.organization)
        .select_related(
            "initiative__business_co_lead__user", "initiative__it_co_lead__user", "started_by__user"
        )
        .filter(pk=pk)
        .first()
    )
    if round_ is None:
        raise refuse("no such why check", org=membership.organization)
    return round_


def initiative_for_why_check(membership: Membership, pk: int, *, start: bool = False) -> Initiative:
    """An initiative whose rounds the member may read (or start, with ``start``), loaded through
    the strategy app's gate; ``NotFound`` otherwise."""
    require(membership, Need.LEAD if start else Need.READER)
    return initiative_get_for_user(membership, pk)
