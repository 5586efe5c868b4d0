"""Fixtures of the delivery permission, partner-isolation and anonymity tests: one initiative with
deliverables of the partner persona's vendor (Cloudline) and of another vendor (Integra), change
requests about each and about the initiative as a whole, feedback links and end-user feedback.

The parties come from the governance tests (``parties``): the partner persona is a contact of
``vendor``; ``other_vendor`` has no contact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.core import ratelimit
from tandem.delivery import selectors, services
from tandem.delivery.models import ChangeRequest, Deliverable, FeedbackLink
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative
from tests.conftest import Personas
from tests.governance.conftest import Parties, parties

__all__ = ["Delivery", "delivery", "fresh_rate_limits", "parties"]

TODAY = timezone.localdate()
SOON = (TODAY + timedelta(days=40)).isoformat()
LATER = (TODAY + timedelta(days=75)).isoformat()

# What the objects are called: the partner may read the first group and none of the second.
INITIATIVE_TITLE = "Self-service claims portal"
OWN_TITLE = "Photo upload"
OWN_CHANGE = "Bigger photos"
OWN_COMMENT = "Uploading from my phone works"
THEIR_TITLE = "Integra claims bridge"
THEIR_OFFERED_TITLE = "Integra batch import"
THEIR_CHANGE = "Retry lost bridge messages"
THEIR_CHANGE_REASON = "Messages vanish at night"
INITIATIVE_CHANGE = "Add a chat window"
INITIATIVE_CHANGE_REASON = "Customers keep calling"
THEIR_COMMENT = "The bridge drops half my claims"
INITIATIVE_COMMENT = "The whole portal feels slow at night"
GIVEN_NAME = "Maria van Claims"  # an end user who chose to give a name (on the vendor's deliverable)
THEIR_SECRETS = [
    "Integra",
    THEIR_TITLE,
    THEIR_OFFERED_TITLE,
    THEIR_CHANGE,
    THEIR_CHANGE_REASON,
    INITIATIVE_CHANGE,
    INITIATIVE_CHANGE_REASON,
    THEIR_COMMENT,
    INITIATIVE_COMMENT,
]


@pytest.fixture
def fresh_rate_limits() -> Iterator[None]:
    """No attempts counted on the public feedback door (the counts live in the process)."""
    ratelimit.reset()
    yield
    ratelimit.reset()


@dataclass
class Delivery:
    personas: Personas
    parties: Parties
    initiative: Initiative  # co-leads: business_lead and it_lead; created by owner; no sponsor
    bare: Initiative  # no business co-lead (IT co-lead: it_lead); sponsored by the member persona
    own: Deliverable  # owned by the vendor (the partner's party), planned, with an open link
    theirs: Deliverable  # owned by the other vendor, planned, with an open link
    own_offered: Deliverable  # the vendor's, waiting for acceptance; its link is closed
    theirs_offered: Deliverable  # the other vendor's, waiting for acceptance
    members: Deliverable  # owned by the member persona, planned, no link yet
    bare_offered: Deliverable  # of ``bare``, waiting for acceptance
    own_change: ChangeRequest  # about ``own``
    their_change: ChangeRequest  # about ``theirs``
    initiative_change: ChangeRequest  # about the initiative as a whole
    bare_change: ChangeRequest  # of ``bare``: decided by its IT co-lead and its sponsor (the member)
    initiative_link: FeedbackLink
    own_link: FeedbackLink
    their_link: FeedbackLink
    closed_link: FeedbackLink  # of ``own_offered``

    def ids(self) -> dict[str, Any]:
        """What the paths and bodies of the permission matrix name."""
        return {
            "vendor": self.parties.vendor.pk,
            "other": self.parties.other_vendor.pk,
            "initiative": self.initiative.pk,
            "bare": self.bare.pk,
            "own": self.own.pk,
            "theirs": self.theirs.pk,
            "own_offered": self.own_offered.pk,
            "theirs_offered": self.theirs_offered.pk,
            "members": self.members.pk,
            "bare_offered": self.bare_offered.pk,
            "own_change": self.own_change.pk,
            "their_change": self.their_change.pk,
            "initiative_change": self.initiative_change.pk,
            "bare_change": self.bare_change.pk,
            "initiative_link": self.initiative_link.pk,
            "own_link": self.own_link.pk,
            "their_link": self.their_link.pk,
            "own_token": selectors.link_token(self.own_link),
            "closed_token": selectors.link_token(self.closed_link),
            "owner_member": self.personas.owner.pk,
            "partner_member": self.personas.partner.pk,
        }


def _deliverable(actor: Any, initiative: Initiative, title: str, days: int, **owner: Any) -> Deliverable:
    return services.deliverable_create(
        actor=actor,
        initiative=initiative,
        title=title,
        committed_date=TODAY + timedelta(days=days),
        criteria=[f"{title} works on a phone"],
        **owner,
    )


@pytest.fixture
def delivery(personas: Personas, parties: Parties) -> Delivery:
    owner, vendor, other = personas.owner, parties.vendor, parties.other_vendor
    initiative = strategy.initiative_create(
        actor=owner,
        title=INITIATIVE_TITLE,
        business_co_lead=personas.business_lead,
        it_co_lead=personas.it_lead,
    )
    bare = strategy.initiative_create(
        actor=owner, title="Claims archive", it_co_lead=personas.it_lead, sponsor=personas.member
    )
    own = _deliverable(owner, initiative, OWN_TITLE, 30, owner_party=vendor)
    theirs = _deliverable(owner, initiative, THEIR_TITLE, 35, owner_party=other)
    own_offered = _deliverable(owner, initiative, "Claim status page", 20, owner_party=vendor)
    theirs_offered = _deliverable(owner, initiative, THEIR_OFFERED_TITLE, 25, owner_party=other)
    members = _deliverable(owner, initiative, "Claims FAQ", 45, owner_member=personas.member)
    bare_offered = _deliverable(owner, bare, "Archive search", 50)
    for offered in (own_offered, theirs_offered, bare_offered):
        services.deliverable_offer(actor=owner, deliverable=offered, note="On the test site.")
    change = services.change_request_create
    own_change = change(
        actor=owner, initiative=initiative, title=OWN_CHANGE, reason="Phones", deliverable=own
    )
    their_change = change(
        actor=owner, initiative=initiative, title=THEIR_CHANGE, reason=THEIR_CHANGE_REASON, deliverable=theirs
    )
    initiative_change = change(
        actor=owner, initiative=initiative, title=INITIATIVE_CHANGE, reason=INITIATIVE_CHANGE_REASON
    )
    bare_change = change(actor=owner, initiative=bare, title="Archive ten years", reason="The law")
    open_link = services.feedback_link_open
    initiative_link = open_link(actor=owner, initiative=initiative)
    own_link = open_link(actor=owner, initiative=initiative, deliverable=own)
    their_link = open_link(actor=owner, initiative=initiative, deliverable=theirs)
    closed_link = open_link(actor=owner, initiative=initiative, deliverable=own_offered)
    services.feedback_link_close(actor=owner, link=closed_link)
    submit = services.feedback_submit
    submit(token=selectors.link_token(own_link), rating=4, comment=OWN_COMMENT, name=GIVEN_NAME)
    submit(token=selectors.link_token(their_link), rating=2, comment=THEIR_COMMENT)
    submit(token=selectors.link_token(initiative_link), rating=3, comment=INITIATIVE_COMMENT)
    return Delivery(
        personas,
        parties,
        initiative,
        bare,
        own,
        theirs,
        own_offered,
        theirs_offered,
        members,
        bare_offered,
        own_change,
        their_change,
        initiative_change,
        bare_change,
        initiative_link,
        own_link,
        their_link,
        closed_link,
    )
