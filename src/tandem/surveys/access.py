"""The surveys app's rules and its object gate. Every internal member reads campaigns and their
results (which are anonymous and suppressed); owners and admins manage templates, campaigns, links
and the threshold. Partners see nothing here. Personal links are the one door without an account:
the token is the scope (``selectors.link_from_token``)."""

from __future__ import annotations

from tandem.core.access import Need, meets, refuse, require
from tandem.core.models import Membership
from tandem.surveys.models import Campaign, SurveyTemplate


def can_manage(membership: Membership) -> bool:
    """Whether the member manages templates, campaigns and settings (owners and admins)."""
    return meets(membership, Need.ADMIN)


def campaign_get_for_user(membership: Membership, campaign_id: int, *, write: bool = False) -> Campaign:
    """A campaign of the member's organisation, to read (internal members) or to manage
    (``write``: owners and admins); ``NotFound`` when missing or not allowed."""
    require(membership, Need.ADMIN if write else Need.READER)
    campaign = (
        Campaign.objects.for_org(membership.organization)
        .select_related("template", "department", "organization", "created_by__user")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise refuse("no such campaign", org=membership.organization)
    return campaign


def template_get_for_user(membership: Membership, template_id: int, *, write: bool = False) -> SurveyTemplate:
    """A template of the member's organisation, to read or (``write``) to manage; ``NotFound``
    when missing or not allowed."""
    require(membership, Need.ADMIN if write else Need.READER)
    template = SurveyTemplate.objects.for_org(membership.organization).filter(pk=template_id).first()
    if template is None:
        raise refuse("no such template", org=membership.organization)
    return template
