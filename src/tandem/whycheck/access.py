"""The why check's access gate. Rounds are read by every internal member; answers obey the blind
rule in ``selectors.round_view`` (the one place that decides what a person may see)."""

from __future__ import annotations

from tandem.core.errors import NotFound
from tandem.core.models import Membership, Role
from tandem.strategy.access import can_read
from tandem.strategy.models import Initiative
from tandem.whycheck.models import WhyCheck

STARTERS = (Role.OWNER, Role.ADMIN, Role.LEAD)


def can_start(membership: Membership) -> bool:
    """Leads, admins and owners start and close rounds."""
    return membership.role in STARTERS


def why_check_get_for_user(membership: Membership, pk: int) -> WhyCheck:
    """A round of the member's organisation; ``NotFound`` when missing or not allowed."""
    if not can_read(membership):
        raise NotFound()
    round_ = (
        WhyCheck.objects.for_org(membership.organization)
        .select_related(
            "initiative__business_co_lead__user", "initiative__it_co_lead__user", "started_by__user"
        )
        .filter(pk=pk)
        .first()
    )
    if round_ is None:
        raise NotFound()
    return round_


def initiative_for_why_check(membership: Membership, pk: int, *, start: bool = False) -> Initiative:
    """An initiative whose rounds the member may read (or start, with ``start``)."""
    if not can_read(membership) or (start and not can_start(membership)):
        raise NotFound()
    initiative = (
        Initiative.objects.for_org(membership.organization)
        .select_related("business_co_lead__user", "it_co_lead__user")
        .filter(pk=pk)
        .first()
    )
    if initiative is None:
        raise NotFound()
    return initiative
