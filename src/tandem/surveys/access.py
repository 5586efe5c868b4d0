"""The surveys app's access gate. Every internal member reads campaigns and their results (which
are anonymous and suppressed); owners and admins manage templates, campaigns, links and the
threshold. Partners see nothing here. Personal links are the one door without an account: the
token is the scope (``services.link_from_token``)."""

from __future__ import annotations

from django.http import HttpRequest

from tandem.core.access import Need
from tandem.core.access import require as require_need
from tandem.core.errors import NotFound
from tandem.core.models import Membership
from tandem.surveys.models import Campaign, SurveyTemplate


def require_reader(membership: Membership, request: HttpRequest | None = None) -> None:
    """``NotFound`` (audited) for partners."""
    require_need(membership, Need.READER)


def require_manager(membership: Membership, request: HttpRequest | None = None) -> None:
    """``NotFound`` (audited) unless an owner or admin."""
    require_need(membership, Need.READER)
    require_need(membership, Need.ADMIN)


def can_manage(membership: Membership) -> bool:
    return membership.is_admin


def campaign_get_for_user(
    membership: Membership, campaign_id: int, request: HttpRequest | None = None
) -> Campaign:
    """A campaign of the member's organisation; ``NotFound`` when missing or not allowed."""
    require_reader(membership, request)
    campaign = (
        Campaign.objects.for_org(membership.organization)
        .select_related("template", "department", "organization", "created_by__user")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise NotFound()
    return campaign


def template_get_for_user(
    membership: Membership, template_id: int, request: HttpRequest | None = None
) -> SurveyTemplate:
    """A template of the member's organisation; ``NotFound`` when missing or not allowed."""
    require_reader(membership, request)
    template = SurveyTemplate.objects.for_org(membership.organization).filter(pk=template_id).first()
    if template is None:
        raise NotFound()
    return template
